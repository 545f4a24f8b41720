import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadPreconditionError, formatEtag, ifNoneMatchMatches, parseCommandPreconditions, parseIfMatch } from './preconditions.js';

const version = fc.oneof(fc.nat({ max: 1000 }), fc.maxSafeNat());
const ows = fc.constantFrom('', ' ', '\t', '  \t');

/** Calls `f`; returns what it threw (undefined when it returned). */
function thrown(f: () => unknown): unknown {
  try {
    f();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('parseIfMatch', () => {
  it('every version round-trips through its strong ETag, with or without surrounding white space', () => {
    fc.assert(
      fc.property(version, ows, ows, (v, before, after) => {
        expect(formatEtag(v)).toBe(`"${v}"`);
        expect(parseIfMatch(`${before}${formatEtag(v)}${after}`)).toBe(v);
      }),
    );
  });

  it('garbage never throws anything but BadPreconditionError, and what is accepted is exactly * or a canonical ETag', () => {
    const headerish = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.stringMatching(/^(W\/)?"?-?[0-9a-z]{0,25}"?( ?, ?"[0-9]{0,3}")?$/),
      fc.constantFrom('', '*', '**', '"', '""', 'W/', '"01"', '"1.0"', '"-1"', '"1e3"', '"9007199254740992"', '"3", *', 'W/"3", "4"'),
    );
    fc.assert(
      fc.property(headerish, (value) => {
        const error = thrown(() => parseIfMatch(value));
        if (error !== undefined) {
          expect(error).toBeInstanceOf(BadPreconditionError);
          expect((error as BadPreconditionError).code).toBe('BAD_PRECONDITION');
          expect((error as BadPreconditionError).header).toBe('If-Match');
          return;
        }
        const parsed = parseIfMatch(value);
        const trimmed = value.replace(/^[ \t]+|[ \t]+$/g, '');
        expect(parsed === 'stream_exists' ? '*' : formatEtag(parsed)).toBe(trimmed);
      }),
      { numRuns: 2000 },
    );
  });

  it('says why: weak tags, lists, tags that are not versions, versions out of range, malformed values', () => {
    fc.assert(
      fc.property(version, (v) => {
        expect(() => parseIfMatch(`W/"${v}"`)).toThrow(/weak entity tag/);
      }),
    );
    fc.assert(
      fc.property(fc.array(version, { minLength: 2, maxLength: 5 }), fc.boolean(), (vs, weakFirst) => {
        const list = vs.map((v, i) => `${i === 0 && weakFirst ? 'W/' : ''}"${v}"`).join(', ');
        expect(() => parseIfMatch(list)).toThrow(/several entity tags/);
      }),
    );
    expect(parseIfMatch('*')).toBe('stream_exists');
    expect(parseIfMatch('"0"')).toBe(0);
    expect(() => parseIfMatch('"01"')).toThrow(/not an ETag this server issues/);
    expect(() => parseIfMatch('"-1"')).toThrow(/not an ETag this server issues/);
    expect(() => parseIfMatch('"9007199254740992"')).toThrow(/beyond/);
    expect(() => parseIfMatch('3')).toThrow(/not an entity tag/);
    expect(() => parseIfMatch('')).toThrow(/not an entity tag/);
  });
});

describe('parseCommandPreconditions', () => {
  it('If-Match → its version, If-None-Match: * → no_stream, neither → undefined, both → 400', () => {
    expect(parseCommandPreconditions({ ifMatch: undefined, ifNoneMatch: undefined })).toBeUndefined();
    expect(parseCommandPreconditions({ ifMatch: '"7"', ifNoneMatch: undefined })).toBe(7);
    expect(parseCommandPreconditions({ ifMatch: '*', ifNoneMatch: undefined })).toBe('stream_exists');
    expect(parseCommandPreconditions({ ifMatch: undefined, ifNoneMatch: ' * ' })).toBe('no_stream');
    expect(() => parseCommandPreconditions({ ifMatch: '"1"', ifNoneMatch: '*' })).toThrow(/not both/);
    expect(() => parseCommandPreconditions({ ifMatch: undefined, ifNoneMatch: '"1"' })).toThrow(/only If-None-Match: \*/);
  });

  it('any pair of header values: a valid expected version or BadPreconditionError, nothing else', () => {
    const value = fc.option(fc.oneof(fc.string(), fc.constantFrom('*', '"1"', 'W/"1"')), { nil: undefined });
    fc.assert(
      fc.property(value, value, (ifMatch, ifNoneMatch) => {
        const error = thrown(() => parseCommandPreconditions({ ifMatch, ifNoneMatch }));
        if (error !== undefined) {
          expect(error).toBeInstanceOf(BadPreconditionError);
          if (ifMatch !== undefined && ifNoneMatch !== undefined) expect((error as BadPreconditionError).header).toBe('If-Match, If-None-Match');
          return;
        }
        const expected = parseCommandPreconditions({ ifMatch, ifNoneMatch });
        expect(ifMatch === undefined || ifNoneMatch === undefined).toBe(true);
        if (ifNoneMatch !== undefined) expect(expected).toBe('no_stream');
        else if (ifMatch === undefined) expect(expected).toBeUndefined();
        else expect(expected === 'stream_exists' || (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('ifNoneMatchMatches (GET)', () => {
  it('weak comparison against a list; * matches; anything else does not', () => {
    expect(ifNoneMatchMatches('"3"', 3)).toBe(true);
    expect(ifNoneMatchMatches('W/"3"', 3)).toBe(true);
    expect(ifNoneMatchMatches('"1", W/"3"', 3)).toBe(true);
    expect(ifNoneMatchMatches('*', 0)).toBe(true);
    expect(ifNoneMatchMatches('"2"', 3)).toBe(false);
    expect(ifNoneMatchMatches('"33"', 3)).toBe(false);
    expect(ifNoneMatchMatches('3', 3)).toBe(false);
    // Without the version's tag (and not *), nothing matches; a list holding it (weak or strong) always does.
    fc.assert(
      fc.property(fc.string(), version, (value, v) => {
        fc.pre(!value.includes(`"${v}"`) && value.replace(/^[ \t]+|[ \t]+$/g, '') !== '*');
        expect(ifNoneMatchMatches(value, v)).toBe(false);
      }),
    );
    fc.assert(
      fc.property(fc.array(version, { maxLength: 4 }), version, fc.nat(4), fc.boolean(), (others, v, at, weak) => {
        const tags = others.map((o) => `"${o}"`);
        tags.splice(Math.min(at, tags.length), 0, `${weak ? 'W/' : ''}"${v}"`);
        expect(ifNoneMatchMatches(tags.join(', '), v)).toBe(true);
      }),
    );
  });
});
