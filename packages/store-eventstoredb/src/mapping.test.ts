import { sealEvents, verifyChain, ZERO_HASH, type ExpectedVersion, type NewEvent } from '@dealbook/eventsourcing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EsdbRecordedEvent } from './client-like.js';
import { ForeignEventError, PositionError } from './errors.js';
import { hasEnvelopeMarker, numberToReadPosition, positionToNumber, revisionOfVersion, toEnvelope, toEventData, toExpectedRevision, toRecordedEvent, versionOfRevision } from './mapping.js';

const newEventArb: fc.Arbitrary<NewEvent> = fc.record(
  {
    eventId: fc.uuid(),
    type: fc.constantFrom('Placed', 'Shipped', 'order.Billed', 'a:b-c_d'),
    schemaVersion: fc.integer({ min: 1, max: 9 }),
    occurredAt: fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms).toISOString()),
    recordedAt: fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms).toISOString()),
    data: fc.jsonValue({ maxDepth: 3 }),
    metadata: fc.record({
      commandId: fc.string({ minLength: 1, maxLength: 8 }),
      correlationId: fc.string({ minLength: 1, maxLength: 8 }),
      causationId: fc.string({ minLength: 1, maxLength: 8 }),
      actorId: fc.string({ minLength: 1, maxLength: 8 }),
      tenant: fc.string({ maxLength: 4 }),
    }),
  },
  { requiredKeys: ['eventId', 'type', 'occurredAt', 'data', 'metadata'] },
);

/** What the server hands back for an appended event: data and metadata through JSON, the id lowercase, a revision and a position. */
function throughServer(streamId: string, revision: number, data: ReturnType<typeof toEventData>, position: bigint): EsdbRecordedEvent {
  return {
    streamId,
    id: data.id.toLowerCase(),
    revision: BigInt(revision),
    type: data.type,
    isJson: data.contentType === 'application/json',
    data: JSON.parse(JSON.stringify(data.data)) as unknown,
    metadata: JSON.parse(JSON.stringify(data.metadata)) as unknown,
    position: { commit: position, prepare: position },
  };
}

describe('expected version ↔ expected revision', () => {
  it('maps each kind of expected version', () => {
    expect(toExpectedRevision('any')).toBe('any');
    expect(toExpectedRevision('no_stream')).toBe('no_stream');
    expect(toExpectedRevision('stream_exists')).toBe('stream_exists');
    expect(toExpectedRevision(0)).toBe(0n);
    expect(toExpectedRevision(41)).toBe(41n);
  });

  it('round-trips stream versions through revisions (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1, max: Number.MAX_SAFE_INTEGER }), (version) => {
        const revision = revisionOfVersion(version);
        expect(revision).toBe(version === -1 ? 'no_stream' : BigInt(version));
        expect(versionOfRevision(revision)).toBe(version);
      }),
    );
  });

  it('keeps numbers exact (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
        expect(toExpectedRevision(n as ExpectedVersion)).toBe(BigInt(n));
      }),
    );
  });

  it("reads 'no_stream' and -1n (an unsuccessful append result's revision) as no stream", () => {
    expect(versionOfRevision('no_stream')).toBe(-1);
    expect(versionOfRevision(-1n)).toBe(-1);
  });

  it('refuses a current revision beyond Number.MAX_SAFE_INTEGER', () => {
    expect(() => versionOfRevision(BigInt(Number.MAX_SAFE_INTEGER) + 1n)).toThrow(PositionError);
  });
});

describe('positions', () => {
  it('uses the commit position as the global position and reads from {n, n}', () => {
    expect(positionToNumber({ commit: 1234n, prepare: 1234n })).toBe(1234);
    expect(numberToReadPosition(0)).toBe('start');
    expect(numberToReadPosition(1234)).toEqual({ commit: 1234n, prepare: 1234n });
  });

  it('refuses positions beyond Number.MAX_SAFE_INTEGER with a PositionError', () => {
    const beyond = BigInt(Number.MAX_SAFE_INTEGER) + 1n;
    expect(() => positionToNumber({ commit: beyond, prepare: beyond })).toThrow(/MAX_SAFE_INTEGER/);
    expect(positionToNumber({ commit: BigInt(Number.MAX_SAFE_INTEGER), prepare: 0n })).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('names the event when the server sent no position (servers before 22.6 on stream reads)', () => {
    const event = { streamId: 'order-1', id: 'x', revision: 3n, type: 'Placed', isJson: true, data: {} };
    expect(() => toRecordedEvent({ event })).toThrow(/event 3 of "order-1" without its log position/);
  });
});

describe('envelope ↔ EventStoreDB event', () => {
  it('restores exactly the sealed envelope, and the chain still verifies (property)', () => {
    fc.assert(
      fc.property(fc.array(newEventArb, { minLength: 1, maxLength: 4 }), fc.boolean(), (events, upper) => {
        const input = upper ? events.map((e) => ({ ...e, eventId: e.eventId.toUpperCase() })) : events;
        const sealed = sealEvents('order-7', 0, ZERO_HASH, input, '2026-01-01T00:00:00.000Z');
        const restored = sealed.map((envelope, i) => {
          const data = toEventData(envelope);
          expect(data.id).toBe(envelope.eventId);
          expect(data.type).toBe(envelope.type);
          expect(data.contentType).toBe('application/json');
          return toEnvelope(throughServer('order-7', i, data, BigInt(1000 + i * 150)));
        });
        expect(restored).toEqual(JSON.parse(JSON.stringify(sealed)));
        expect(verifyChain(restored).ok).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('writes the envelope fields ESDB has no place for, and $correlationId/$causationId for its projections', () => {
    const [sealed] = sealEvents('order-1', 0, ZERO_HASH, [
      { eventId: '0192f3a0-0000-7000-8000-000000000001', type: 'Placed', occurredAt: '2026-01-01T00:00:00.000Z', data: { n: 1 }, metadata: { commandId: 'c', correlationId: 'corr', causationId: 'cause', actorId: 'a' } },
    ], '2026-01-02T00:00:00.000Z');
    expect(toEventData(sealed!).metadata).toEqual({
      dealbook: 1,
      occurredAt: '2026-01-01T00:00:00.000Z',
      recordedAt: '2026-01-02T00:00:00.000Z',
      schemaVersion: 1,
      prevHash: ZERO_HASH,
      hash: sealed!.hash,
      metadata: sealed!.metadata,
      $correlationId: 'corr',
      $causationId: 'cause',
    });
  });

  it('refuses foreign events with a ForeignEventError naming stream and revision', () => {
    const base: EsdbRecordedEvent = { streamId: 'order-1', id: '0192f3a0-0000-7000-8000-000000000001', revision: 5n, type: 'Placed', isJson: true, data: {} };
    const cases: [Partial<EsdbRecordedEvent>, RegExp][] = [
      [{ metadata: undefined }, /no JSON metadata/],
      [{ metadata: { some: 'thing' } }, /no "dealbook": 1 marker/],
      [{ metadata: { dealbook: 1 } }, /occurredAt/],
      [{ isJson: false }, /content type/],
    ];
    for (const [patch, reason] of cases) {
      const event = { ...base, ...patch };
      let error: unknown;
      try {
        toEnvelope(event);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ForeignEventError);
      expect((error as ForeignEventError).code).toBe('ESDB_FOREIGN_EVENT');
      expect((error as ForeignEventError).message).toMatch(/Event 5 of EventStoreDB stream "order-1"/);
      expect((error as ForeignEventError).message).toMatch(reason);
    }
    expect(hasEnvelopeMarker({ ...base, metadata: { some: 'thing' } })).toBe(false);
    expect(hasEnvelopeMarker({ ...base, metadata: { dealbook: 1 } })).toBe(true);
  });
});
