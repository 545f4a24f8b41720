import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope, NewEvent } from './envelope.js';
import { ZERO_HASH } from './envelope.js';
import { computeEventHash, sealEvents, sha256Hex, verifyChain } from './hash-chain.js';
import { canonicalContext, canonicalJson, canonicalText, stringifyCanonical, toCanonicalJson } from './json.js';
import { ValidationError } from './errors.js';

// The vectors were computed independently of this code (../shared/vectors);
// a copy lives beside the package so a clone without shared/ still runs them.
const vectorsDir = new URL('../vectors/', import.meta.url);
const sharedDir = new URL('../../../../shared/vectors/', import.meta.url);
const read = (dir: URL, name: string) => readFileSync(new URL(name, dir), 'utf8');
const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);

const vectorEvents = lines(read(vectorsDir, 'hash-chain.jsonl')).map((l) => JSON.parse(l) as EventEnvelope);
const vectorCanonical = lines(read(vectorsDir, 'hash-chain.canonical.txt'));

describe('hash-chain vectors', () => {
  it('our copy is identical to ../shared/vectors (when present)', () => {
    if (!existsSync(fileURLToPath(sharedDir))) return;
    for (const name of ['hash-chain.jsonl', 'hash-chain.canonical.txt']) expect(read(vectorsDir, name)).toBe(read(sharedDir, name));
  });

  it('reproduces the canonical bytes and every hash and prevHash exactly', () => {
    expect(vectorEvents).toHaveLength(3);
    vectorEvents.forEach((event, i) => {
      const { hash, ...unhashed } = event;
      expect(canonicalJson(unhashed)).toBe(vectorCanonical[i]);
      const context = canonicalContext();
      expect(stringifyCanonical(toCanonicalJson(unhashed, '', context), context)).toBe(vectorCanonical[i]);
      expect(sha256Hex(vectorCanonical[i]!)).toBe(hash);
      expect(computeEventHash(event)).toBe(hash);
      expect(event.prevHash).toBe(i === 0 ? ZERO_HASH : vectorEvents[i - 1]!.hash);
    });
    expect(verifyChain(vectorEvents)).toMatchObject({ ok: true, count: 3, headHash: vectorEvents[2]!.hash });
  });

  it('sealing the vector events as new events gives the same envelopes', () => {
    const first = vectorEvents[0]!;
    const sealed = sealEvents(
      first.streamId,
      0,
      ZERO_HASH,
      vectorEvents.map(({ eventId, type, schemaVersion, occurredAt, recordedAt, data, metadata }) => ({ eventId, type, schemaVersion, occurredAt, recordedAt, data, metadata })),
      '2000-01-01T00:00:00.000Z',
    );
    expect(sealed).toEqual(vectorEvents);
    // Envelopes are stored with keys in canonical order: stringify is the canonical JSONL line.
    sealed.forEach((e) => expect(JSON.stringify(e)).toBe(canonicalJson(e)));
  });
});

describe('canonical JSON fast path', () => {
  it('JSON.stringify of the sorted copy equals RFC 8785 (canonicalize) for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const context = canonicalContext();
        const copy = toCanonicalJson(value, '', context);
        expect(stringifyCanonical(copy, context)).toBe(canonicalJson(value));
        expect(context.issues).toEqual([]);
        if (!context.indexKeys) expect(JSON.stringify(copy)).toBe(canonicalJson(value));
      }),
      { numRuns: 500 },
    );
  });

  it('sorts the members of small and large objects alike (insertion below 25 keys, the built-in sort above)', () => {
    const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('a', 'B', 'é', '\u{1F600}', 'aa', 'a\u0000', '_', '10', '9'));
    fc.assert(
      fc.property(fc.dictionary(key, fc.integer(), { maxKeys: 40 }), (value) => {
        const context = canonicalContext();
        expect(stringifyCanonical(toCanonicalJson(value, '', context), context)).toBe(canonicalJson(value));
      }),
      { numRuns: 500 },
    );
  });

  it('canonicalText is canonicalJson for any JSON value, and names what is not JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      expect(canonicalText(value)).toBe(canonicalJson(value));
    }), { numRuns: 500 });
    expect(() => canonicalText({ a: [1, Number.NaN] }, 'Terms')).toThrow(/Terms is invalid: a\[1\]: NaN is not a JSON number/);
  });

  it('keeps a "__proto__" member as data', () => {
    const value = JSON.parse('{"b":1,"__proto__":{"x":1},"a":[{"__proto__":2}]}') as unknown;
    const context = canonicalContext();
    const copy = toCanonicalJson(value, '', context);
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"x":1},"a":[{"__proto__":2}],"b":1}');
    expect(JSON.stringify(copy)).toBe(canonicalJson(value));
  });

  it('names the path of everything that is not JSON', () => {
    const context = canonicalContext();
    const { issues } = context;
    toCanonicalJson({ a: [1, Number.NaN, undefined], b: { when: new Date(0), s: '\ud800', f: () => 1 }, big: 1n }, 'data', context);
    expect(issues.map((i) => i.path).sort()).toEqual(['data.a[1]', 'data.a[2]', 'data.b.f', 'data.b.s', 'data.b.when', 'data.big']);
    expect(issues.find((i) => i.path === 'data.b.when')?.message).toMatch(/Date.*ISO-8601/);
  });
});

describe('sealEvents validation', () => {
  const meta = { commandId: 'c', correlationId: 'c', causationId: 'c', actorId: 'a' };
  it('rejects a batch with every bad field listed and builds nothing', () => {
    let error: unknown;
    try {
      sealEvents('s-1', 0, ZERO_HASH, [
        { eventId: '7c0a4a8e-3b52-4e84-9e2d-7f1f0f3c1a11', type: 'Ok', occurredAt: '2026-01-01T00:00:00.000Z', data: {}, metadata: meta },
        { eventId: 'not-a-uuid', type: '', occurredAt: '2026-01-01', data: { x: Number.POSITIVE_INFINITY }, metadata: { ...meta, actorId: '' } },
      ], '2026-01-01T00:00:00.000Z');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).issues.map((i) => i.path).sort();
    expect(paths).toEqual(['events[1].eventId', 'events[1].metadata.actorId', 'events[1].occurredAt', 'events[1].type']);
  });
});

describe('sealEvents of one event (its own fast path)', () => {
  const meta = { commandId: 'c', correlationId: 'c', causationId: 'c', actorId: 'a' };
  const next = { eventId: '7c0a4a8e-3b52-4e84-9e2d-7f1f0f3c1a12', type: 'Ok', occurredAt: '2026-01-01T00:00:00.000Z', data: {}, metadata: meta };
  const outcome = (events: readonly NewEvent[]) => {
    try {
      return { sealed: sealEvents('s-1', 3, ZERO_HASH, events, '2026-01-02T00:00:00.000Z')[0] };
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return { issues: error.issues.map((i) => `${i.path}: ${i.message}`).sort() };
    }
  };
  it('seals and rejects exactly as the first event of a longer batch', () => {
    const odd = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(undefined, Number.NaN, -0, '\ud800', new Date(0), { '1': 'a', b: 2 }, [1, undefined]));
    const event = fc.record(
      {
        eventId: fc.oneof(fc.uuid(), fc.constant('not-a-uuid')),
        type: fc.constantFrom('Happened', ''),
        occurredAt: fc.constantFrom('2026-01-01T00:00:00.000Z', '2026-01-01'),
        data: fc.oneof(fc.dictionary(fc.string({ maxLength: 4 }), odd, { maxKeys: 4 }), odd),
        metadata: fc.oneof(fc.constant(meta), fc.constant({ ...meta, actorId: '' }), fc.constant({ ...meta, extra: Number.NaN })),
      },
      { requiredKeys: ['eventId', 'type', 'occurredAt', 'metadata'] },
    );
    fc.assert(
      fc.property(event, (e) => {
        const alone = outcome([e as NewEvent]);
        expect(alone).toEqual(outcome([e as NewEvent, next]));
      }),
      { numRuns: 500 },
    );
  });
});

/** A valid chain of n events with random data, built by sealing. */
const chainArb = fc.integer({ min: 2, max: 8 }).chain((n) =>
  fc.array(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), { minLength: n, maxLength: n }).map((datas) =>
    sealEvents(
      'thing-1',
      0,
      ZERO_HASH,
      datas.map((data, i) => ({
        eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        type: 'Happened',
        occurredAt: '2026-01-01T00:00:00.000Z',
        data,
        metadata: { commandId: `c${i}`, correlationId: 'x', causationId: 'x', actorId: 'me' },
      })),
      '2026-01-02T00:00:00.000Z',
    ),
  ),
);

describe('verifyChain (property)', () => {
  it('accepts every sealed chain', () => {
    fc.assert(fc.property(chainArb, (chain) => {
        expect(verifyChain(chain).ok).toBe(true);
      }), { numRuns: 100 });
  });

  it('any single changed byte that changes an event is reported at exactly that event', () => {
    fc.assert(
      fc.property(chainArb, fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), (chain, pick, at, xor) => {
        const k = pick % chain.length;
        const bytes = Buffer.from(JSON.stringify(chain[k]), 'utf8');
        const i = at % bytes.length;
        bytes[i] = bytes[i]! ^ xor;
        let tampered: EventEnvelope;
        try {
          tampered = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as EventEnvelope;
        } catch {
          return; // no longer UTF-8 or JSON: a line-level parse error, reported by readers before the chain
        }
        const copy = [...chain];
        copy[k] = tampered;
        const report = verifyChain(copy);
        let sameValue = false;
        try {
          sameValue = canonicalJson(tampered) === canonicalJson(chain[k]);
        } catch {
          // not JSON-serializable any more: certainly changed
        }
        if (sameValue) {
          // e.g. a 17th significant digit changed to one that parses to the same double:
          // the event's value (what the hash is defined on) did not change.
          expect(report.ok).toBe(true);
          return;
        }
        expect(report.ok).toBe(false);
        if (!report.ok) expect(report.index).toBe(k);
      }),
      { numRuns: 2000 },
    );
  });

  it('a dropped event is reported where it is missing; a cut-off tail needs the known head', () => {
    fc.assert(
      fc.property(chainArb, fc.nat(), (chain, pick) => {
        const k = pick % chain.length;
        const copy = chain.filter((_, i) => i !== k);
        const head = { version: chain.length - 1, hash: chain[chain.length - 1]!.hash };
        const report = verifyChain(copy, { expectedHead: head });
        expect(report.ok).toBe(false);
        if (!report.ok) expect(report.index).toBe(k);
        if (k === chain.length - 1) expect(verifyChain(copy).ok).toBe(true); // undetectable without the head
      }),
      { numRuns: 300 },
    );
  });

  it('two swapped events are reported at the first of them', () => {
    fc.assert(
      fc.property(chainArb, fc.nat(), fc.nat(), (chain, a, b) => {
        const i = a % chain.length;
        const j = b % chain.length;
        fc.pre(i !== j);
        const copy = [...chain];
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
        const report = verifyChain(copy);
        expect(report.ok).toBe(false);
        if (!report.ok) expect(report.index).toBe(Math.min(i, j));
      }),
      { numRuns: 300 },
    );
  });
});

describe('sealEvents lines', () => {
  it('hands out each envelope\'s canonical JSONL line: canonicalize of the envelope, hash included, for any JSON data', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 3 }), { minLength: 1, maxLength: 4 }), (datas) => {
        const lines: string[] = [];
        const sealed = sealEvents(
          'order-1',
          0,
          ZERO_HASH,
          datas.map((data, i) => ({
            eventId: `00000000-0000-4000-8000-00000000000${i}`,
            type: 'Placed',
            occurredAt: '2026-01-01T00:00:00.000Z',
            data: data as never,
            metadata: { commandId: 'c', correlationId: 'c', causationId: 'c', actorId: 'a' },
          })),
          '2026-01-01T00:00:01.000Z',
          lines,
        );
        sealed.forEach((envelope, i) => {
          expect(lines[i]).toBe(canonicalJson(envelope));
          expect(sha256Hex(canonicalJson({ ...envelope, hash: undefined }))).toBe(envelope.hash);
        });
      }),
      { numRuns: 300 },
    );
  });
});
