import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eventEnvelopeSchema, isIsoTimestamp, isUuid, isWellFormedEnvelope, isWellFormedNewEvent, newEventSchema, parseEventEnvelope, streamCategory } from './envelope.js';
import { ValidationError } from './errors.js';

const validNewEvent = {
  eventId: '0192f3a0-0000-7000-8000-000000000001',
  type: 'LeadCaptured',
  occurredAt: '2026-03-02T01:30:00.000Z',
  data: { a: 1 },
  metadata: { commandId: 'c-1', correlationId: 'c-1', causationId: 'c-1', actorId: 'rep-7' },
};

describe('timestamps', () => {
  it('accepts exactly what toISOString writes', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), (d) => {
        expect(isIsoTimestamp(d.toISOString())).toBe(true);
      }),
    );
  });
  it('agrees with the definition (parse, then write back the same string) on near misses', () => {
    const reference = (v: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(v) && Number.isFinite(Date.parse(v)) && new Date(Date.parse(v)).toISOString() === v;
    const stamp = fc.date({ min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }).map((d) => d.toISOString());
    const nearMiss = fc.tuple(stamp, fc.nat(23), fc.constantFrom(...'0123456789-:.TZ '.split(''))).map(([t, i, c]) => t.slice(0, i) + c + t.slice(i + 1));
    fc.assert(
      fc.property(fc.oneof(stamp, nearMiss, nearMiss.chain((t) => fc.constant(t.replace(/T\d\d/, 'T24')))), (v) => {
        expect(isIsoTimestamp(v)).toBe(reference(v));
      }),
      { numRuns: 5000 },
    );
  });
  it('gives the same verdicts whatever came before (the memory of recent values changes none)', () => {
    const reference = (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(v) && new Date(Date.parse(v)).toISOString() === v;
    const stamp = fc.constantFrom('1970-01-01T00:00:00.000Z', '2026-03-02T01:30:00.000Z', '2026-03-02T01:30:00.001Z', '2026-02-30T00:00:00.000Z', '', '1970-01-01T00:00:00.000', 42, undefined);
    fc.assert(
      fc.property(fc.array(stamp, { maxLength: 30 }), (values) => {
        for (const v of values) expect(isIsoTimestamp(v)).toBe(reference(v));
      }),
    );
  });
  it.each(['2026-02-30T00:00:00.000Z', '2025-02-29T12:00:00.000Z', '2026-03-02T24:00:00.000Z', '2026-03-02T23:60:00.000Z', '2026-03-02T23:59:60.000Z', '2026-03-02T01:30:00Z', '2026-03-02T01:30:00.000+08:00', '2026-03-02 01:30:00.000Z', '2026-13-01T00:00:00.000Z', 42, null])(
    'rejects %s',
    (v) => expect(isIsoTimestamp(v)).toBe(false),
  );
});

describe('uuid check', () => {
  it('agrees with zod\'s uuid regex', () => {
    const hexish = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF-xg'.split('')), minLength: 36, maxLength: 36 });
    const uuidLike = fc.tuple(fc.uuid(), fc.nat(35), fc.constantFrom(...'0123456789abcdefABCDEF-'.split(''))).map(([u, i, c]) => u.slice(0, i) + c + u.slice(i + 1));
    const regex = z.regexes.uuid();
    fc.assert(
      fc.property(fc.oneof(fc.uuid(), uuidLike, hexish, fc.string(), fc.constantFrom('00000000-0000-0000-0000-000000000000', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', 'ffffffff-ffff-ffff-ffff-ffffffffffff')), (s) => {
        expect(isUuid(s)).toBe(regex.test(s));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('new event checks', () => {
  // Mutations of a valid event, to explore the border between valid and invalid.
  const mutated = fc.record({
    eventId: fc.oneof(fc.uuid(), fc.constantFrom('', 'x', '0192F3A0-0000-7000-8000-000000000001', '0192f3a0-0000-0000-8000-000000000001'), fc.integer()),
    type: fc.oneof(fc.constantFrom('A', 'LeadCaptured', 'a.b:c-d_e', '1x', '', 'has space', 'x'.repeat(201)), fc.string()),
    schemaVersion: fc.option(fc.oneof(fc.integer({ min: -2, max: 3 }), fc.constantFrom(1.5, 1_000_000, 1_000_001, Number.NaN)), { nil: undefined }),
    occurredAt: fc.oneof(fc.constantFrom(validNewEvent.occurredAt, '2026-02-30T00:00:00.000Z', 'yesterday'), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
    recordedAt: fc.option(fc.constantFrom(validNewEvent.occurredAt, 'nope'), { nil: undefined }),
    data: fc.jsonValue(),
    metadata: fc.oneof(
      fc.record({ commandId: fc.string({ maxLength: 3 }), correlationId: fc.constant('x'), causationId: fc.constant('x'), actorId: fc.oneof(fc.constant('a'), fc.constant('a'.repeat(513))) }),
      fc.constantFrom(null, [], 'meta', { commandId: 'c' }),
    ),
    extra: fc.option(fc.constant(1), { nil: undefined }),
  }).map(({ extra, schemaVersion, recordedAt, ...rest }) => ({
    ...rest,
    ...(schemaVersion === undefined ? {} : { schemaVersion }),
    ...(recordedAt === undefined ? {} : { recordedAt }),
    ...(extra === undefined ? {} : { extra }),
  }));

  it('the hot-path check agrees with the zod schema', () => {
    fc.assert(
      fc.property(mutated, (e) => {
        expect(isWellFormedNewEvent(e)).toBe(newEventSchema.safeParse(e).success);
      }),
      { numRuns: 3000 },
    );
    expect(isWellFormedNewEvent(validNewEvent)).toBe(true);
  });

  describe('envelope checks', () => {
    const hex = fc.oneof(
      fc.constantFrom('0'.repeat(64), 'a'.repeat(64), 'A'.repeat(64), 'a'.repeat(63), 'nothex', `${'f'.repeat(63)}g`, `${'0'.repeat(63)}é`, `${'9'.repeat(63)}/`),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFg:/'.split('')), minLength: 63, maxLength: 65 }),
    );
    const envelopes = fc
      .tuple(
        mutated,
        fc.record({
          streamId: fc.oneof(
            fc.constantFrom('order-1', '', 'has space', 'x'.repeat(513), 'x'.repeat(512), 'a\u0001b', 'tab\there', 'nb\u00a0sp', 'é-1', 'line\u2028sep', 'del\u007f', 'bom\ufeff'),
            fc.string({ unit: 'binary', minLength: 0, maxLength: 12 }),
          ),
          streamVersion: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.constantFrom(0.5, Number.MAX_SAFE_INTEGER, 2 ** 53)),
          prevHash: hex,
          hash: hex,
          drop: fc.constantFrom('none', 'data', 'recordedAt', 'schemaVersion', 'hash'),
        }),
      )
      .map(([e, extra]) => {
        const { drop, ...fields } = extra;
        const out: Record<string, unknown> = { schemaVersion: 1, recordedAt: '2026-01-01T00:00:00.000Z', ...e, ...fields };
        if (drop !== 'none') delete out[drop];
        return out;
      });
    // A valid envelope with one field taken from a mutant: close to the border, often on the valid side.
    const valid = { ...validNewEvent, schemaVersion: 1, recordedAt: validNewEvent.occurredAt, streamId: 'order-1', streamVersion: 0, prevHash: '0'.repeat(64), hash: 'a'.repeat(64) };
    const nearValid = envelopes.chain((e) =>
      fc.constantFrom(...Object.keys(e)).map((key) => ({ ...valid, [key]: e[key] })),
    );
    const cases = fc.oneof(envelopes, nearValid);

    it('the fast envelope check agrees with the zod schema', () => {
      let valid = 0;
      fc.assert(
        fc.property(cases, (e) => {
          const ok = eventEnvelopeSchema.safeParse(e).success;
          if (ok) valid++;
          expect(isWellFormedEnvelope(e)).toBe(ok);
        }),
        { numRuns: 3000 },
      );
      expect(valid).toBeGreaterThan(20);
    });
  });
});

describe('envelope schema', () => {
  it('holds exactly the interchange fields', () => {
    const envelope = {
      ...validNewEvent,
      streamId: 'opportunity-1',
      streamVersion: 0,
      schemaVersion: 1,
      recordedAt: validNewEvent.occurredAt,
      prevHash: '0'.repeat(64),
      hash: 'a'.repeat(64),
    };
    expect(eventEnvelopeSchema.safeParse(envelope).success).toBe(true);
    const withPosition = eventEnvelopeSchema.safeParse({ ...envelope, position: 1 });
    expect(withPosition.success).toBe(false);
    expect(eventEnvelopeSchema.safeParse({ ...envelope, hash: 'A'.repeat(64) }).success).toBe(false);
  });

  it('parseEventEnvelope names every bad field, data included', () => {
    const good = { ...validNewEvent, streamId: 's-1', streamVersion: 0, schemaVersion: 1, recordedAt: validNewEvent.occurredAt, prevHash: '0'.repeat(64), hash: 'a'.repeat(64) };
    expect(parseEventEnvelope(good)).toBe(good);
    let error: unknown;
    try {
      parseEventEnvelope({ ...good, streamVersion: -1, recordedAt: 'now', data: { n: Number.NaN }, extra: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path).sort()).toEqual(['', 'data.n', 'recordedAt', 'streamVersion']);
    expect((error as ValidationError).message).toMatch(/extra/);
  });

  it('stream category is what comes before the first dash', () => {
    expect(streamCategory('customer-0192f3a0-0000-7000-8000-0000000000aa')).toBe('customer');
    expect(streamCategory('plain')).toBe('plain');
  });
});
