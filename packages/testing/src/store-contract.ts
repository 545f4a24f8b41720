import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  manualClock,
  streamCategory,
  ValidationError,
  verifyChain,
  VersionConflictError,
  ZERO_HASH,
  type Clock,
  type EventFilter,
  type EventStore,
  type ExpectedVersion,
  type NewEvent,
  type RecordedEvent,
} from '@dealbook/eventsourcing';

/** One test of the contract: give it to your runner, e.g. `for (const c of cases) it(c.name, c.run)`. */
export interface ContractCase {
  readonly name: string;
  readonly run: () => Promise<void>;
}

export interface StoreContractOptions {
  /** A new, empty store stamping `recordedAt` with `clock`. Called many times; each store is closed after use. */
  readonly createStore: (context: { readonly clock: Clock }) => EventStore | Promise<EventStore>;
  /** Runs per property. Default 25 (each run makes a fresh store). */
  readonly numRuns?: number;
  /** Seed for reproducing a failure fast-check reported. */
  readonly seed?: number;
}

const STREAMS = ['order-1', 'order-2', 'invoice-1'] as const;

let idCounter = 0;
function newEvent(type: string, data: unknown, occurredAt = '2026-01-01T00:00:00.000Z'): NewEvent {
  idCounter++;
  return {
    eventId: `00000000-0000-4000-8000-${idCounter.toString(16).padStart(12, '0')}`,
    type,
    occurredAt,
    data,
    metadata: { commandId: `cmd-${idCounter}`, correlationId: 'corr', causationId: 'cause', actorId: 'tester' },
  };
}

interface Op {
  readonly stream: string;
  readonly expected: ExpectedVersion;
  readonly datas: readonly unknown[];
  readonly type: string;
  /** Put one invalid event into the batch. */
  readonly poison: boolean;
}

const dataArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ n: fc.integer(), s: fc.string({ unit: 'grapheme', maxLength: 8 }) }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

const opArb: fc.Arbitrary<Op> = fc.record({
  stream: fc.constantFrom(...STREAMS),
  expected: fc.oneof(
    fc.constantFrom<ExpectedVersion>('any', 'no_stream', 'stream_exists'),
    fc.integer({ min: 0, max: 5 }),
  ),
  datas: fc.array(dataArb, { maxLength: 3 }),
  type: fc.constantFrom('Placed', 'Shipped', 'Billed'),
  poison: fc.integer({ min: 0, max: 9 }).map((x) => x < 2),
});

function batchOf(op: Op): NewEvent[] {
  const events = op.datas.map((d) => newEvent(op.type, d));
  if (op.poison) events.push({ ...newEvent(op.type, {}), occurredAt: 'not a time' });
  return events;
}

/** What the log should hold: one entry per event, in commit order. */
interface ModelEvent {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly eventId: string;
  readonly data: unknown;
}

async function readWholeLog(store: EventStore, pageSize = 7, filter?: EventFilter): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let after = 0;
  for (let guard = 0; guard < 100_000; guard++) {
    const page = await store.readAll({ after, maxCount: pageSize, ...(filter ? { filter } : {}) });
    out.push(...page.events);
    assert.ok(page.position >= after, 'readAll must never move its position backwards');
    after = page.position;
    if (page.isEnd) return out;
  }
  throw new Error('readAll never reached the end');
}

/** The model's own reading of an expected version (independent of the kernel's helper it checks). */
function allows(expected: ExpectedVersion, current: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === -1;
  if (expected === 'stream_exists') return current >= 0;
  return expected === current;
}

const currentVersion = (model: readonly ModelEvent[], stream: string) =>
  model.reduce((v, e) => (e.streamId === stream ? e.streamVersion : v), -1);

/** JSON round trip: what a store gives back for `data` (no undefined members, -0 as 0). */
const asJson = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

/**
 * The event-store contract, as property-based tests every adapter runs
 * unchanged (in-memory, SQLite, EventStoreDB).
 */
export function eventStoreContract(options: StoreContractOptions): ContractCase[] {
  const numRuns = options.numRuns ?? 25;
  const params = { numRuns, ...(options.seed === undefined ? {} : { seed: options.seed }) };
  const withStore = async <T>(work: (store: EventStore, clock: ReturnType<typeof manualClock>) => Promise<T>): Promise<T> => {
    const clock = manualClock('2026-01-01T00:00:00.000Z', 1);
    const store = await options.createStore({ clock: clock.now });
    try {
      return await work(store, clock);
    } finally {
      await store.close();
    }
  };

  return [
    {
      name: 'appends land exactly when the expected version allows; a rejected append writes nothing',
      run: () =>
        fc.assert(
          fc.asyncProperty(fc.array(opArb, { maxLength: 20 }), (ops) =>
            withStore(async (store) => {
              const model: ModelEvent[] = [];
              for (const op of ops) {
                const current = currentVersion(model, op.stream);
                const allowed = allows(op.expected, current);
                const batch = batchOf(op);
                let outcome: { ok: true; value: Awaited<ReturnType<EventStore['append']>> } | { ok: false; error: unknown };
                try {
                  outcome = { ok: true, value: await store.append(op.stream, batch, { expectedVersion: op.expected }) };
                } catch (error) {
                  outcome = { ok: false, error };
                }
                if (allowed && !op.poison) {
                  if (!outcome.ok) throw outcome.error;
                  const r = outcome.value;
                  assert.equal(r.nextExpectedVersion, current + batch.length);
                  assert.equal(r.events.length, batch.length);
                  r.events.forEach((rec, i) => {
                    assert.equal(rec.event.streamVersion, current + 1 + i);
                    assert.equal(rec.event.eventId, batch[i]!.eventId);
                    model.push({ streamId: op.stream, streamVersion: current + 1 + i, eventId: batch[i]!.eventId, data: asJson(batch[i]!.data) });
                  });
                  if (r.events.length > 0) assert.equal(r.position, r.events[r.events.length - 1]!.position);
                } else {
                  assert.ok(!outcome.ok, `append with expected ${String(op.expected)} at version ${current} (poison: ${op.poison}) should fail`);
                  if (!allowed && !op.poison) {
                    assert.ok(outcome.error instanceof VersionConflictError, `expected VersionConflictError, got ${String(outcome.error)}`);
                    assert.equal(outcome.error.actualVersion, current);
                    assert.equal(outcome.error.streamId, op.stream);
                  } else if (allowed) {
                    assert.ok(outcome.error instanceof ValidationError, `expected ValidationError, got ${String(outcome.error)}`);
                  } else {
                    assert.ok(outcome.error instanceof ValidationError || outcome.error instanceof VersionConflictError);
                  }
                }
                const log = await readWholeLog(store);
                assert.deepEqual(
                  log.map((r) => ({ streamId: r.event.streamId, streamVersion: r.event.streamVersion, eventId: r.event.eventId, data: r.event.data })),
                  model,
                );
              }
            }),
          ),
          params,
        ),
    },
    {
      name: 'read-all is commit order with rising positions; any page size and filter gives the same events',
      run: () =>
        fc.assert(
          fc.asyncProperty(
            fc.array(opArb.map((o) => ({ ...o, expected: 'any' as const, poison: false })), { minLength: 1, maxLength: 15 }),
            fc.integer({ min: 1, max: 10 }),
            fc.record({
              streamCategories: fc.option(fc.subarray(['order', 'invoice', 'nothing']), { nil: undefined }),
              eventTypes: fc.option(fc.subarray(['Placed', 'Shipped', 'Billed', 'Other']), { nil: undefined }),
            }),
            (ops, pageSize, rawFilter) =>
              withStore(async (store) => {
                const committed: string[] = [];
                for (const op of ops) {
                  const r = await store.append(op.stream, batchOf(op));
                  committed.push(...r.events.map((e) => e.event.eventId));
                }
                const log = await readWholeLog(store, 1000);
                assert.deepEqual(log.map((r) => r.event.eventId), committed);
                for (let i = 1; i < log.length; i++) assert.ok(log[i]!.position > log[i - 1]!.position, 'positions must rise');
                assert.ok(log.length === 0 || log[0]!.position > 0, 'positions are positive');
                const paged = await readWholeLog(store, pageSize);
                assert.deepEqual(paged, log);
                const filter: EventFilter = {
                  ...(rawFilter.streamCategories ? { streamCategories: rawFilter.streamCategories } : {}),
                  ...(rawFilter.eventTypes ? { eventTypes: rawFilter.eventTypes } : {}),
                };
                const filtered = await readWholeLog(store, pageSize, filter);
                const expected = log.filter(
                  (r) =>
                    (filter.eventTypes === undefined || filter.eventTypes.includes(r.event.type)) &&
                    (filter.streamCategories === undefined || filter.streamCategories.includes(streamCategory(r.event.streamId))),
                );
                assert.deepEqual(filtered, expected);
                // Reading after the last position gives nothing.
                const tail = await store.readAll({ after: log.length > 0 ? log[log.length - 1]!.position : 0 });
                assert.deepEqual(tail.events, []);
                assert.equal(tail.isEnd, true);
              }),
          ),
          params,
        ),
    },
    {
      name: 'concurrent appends interleave atomically: each one whole or not at all, versions and chains intact',
      run: () =>
        fc.assert(
          fc.asyncProperty(fc.array(opArb.map((o) => ({ ...o, poison: false })), { minLength: 2, maxLength: 12 }), (ops) =>
            withStore(async (store) => {
              const batches = ops.map(batchOf);
              const settled = await Promise.allSettled(ops.map((op, i) => store.append(op.stream, batches[i]!, { expectedVersion: op.expected })));
              const log = await readWholeLog(store, 1000);
              let landed = 0;
              settled.forEach((s, i) => {
                const op = ops[i]!;
                const ids = batches[i]!.map((e) => e.eventId);
                const where = ids.map((id) => log.findIndex((r) => r.event.eventId === id));
                if (s.status === 'rejected') {
                  assert.ok(s.reason instanceof VersionConflictError, `unexpected error ${String(s.reason)}`);
                  assert.ok(where.every((w) => w === -1), 'a rejected append must write nothing');
                  return;
                }
                landed += ids.length;
                // Contiguous in the global log and in the stream.
                where.forEach((w, j) => assert.equal(w, where[0]! + j, 'a batch must not be interleaved with other events'));
                const first = s.value.events[0]?.event.streamVersion;
                if (first !== undefined) {
                  if (op.expected === 'no_stream') assert.equal(first, 0);
                  if (op.expected === 'stream_exists') assert.ok(first >= 1);
                  if (typeof op.expected === 'number') assert.equal(first, op.expected + 1);
                }
              });
              assert.equal(log.length, landed);
              for (const stream of STREAMS) {
                const events = (await store.readStream(stream)).map((r) => r.event);
                const report = verifyChain(events);
                assert.ok(report.ok, `chain of ${stream}: ${report.ok ? '' : report.message}`);
              }
            }),
          ),
          params,
        ),
    },
    {
      name: 'of many writers expecting the same version, exactly one wins',
      run: () =>
        fc.assert(
          fc.asyncProperty(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 2, max: 6 }), (before, writers) =>
            withStore(async (store) => {
              for (let i = 0; i < before; i++) await store.append('order-9', [newEvent('Placed', { i })]);
              const expected: ExpectedVersion = before === 0 ? 'no_stream' : before - 1;
              const settled = await Promise.allSettled(
                Array.from({ length: writers }, (_, w) => store.append('order-9', [newEvent('Shipped', { w }), newEvent('Billed', { w })], { expectedVersion: expected })),
              );
              assert.equal(settled.filter((s) => s.status === 'fulfilled').length, 1);
              for (const s of settled) if (s.status === 'rejected') assert.ok(s.reason instanceof VersionConflictError);
              const stream = await store.readStream('order-9');
              assert.equal(stream.length, before + 2);
              assert.ok(verifyChain(stream.map((r) => r.event)).ok);
            }),
          ),
          params,
        ),
    },
    {
      name: 'reads a stream forwards and backwards from any version with any max count',
      run: () =>
        fc.assert(
          fc.asyncProperty(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 1, max: 15 }), (n, from, maxCount) =>
            withStore(async (store) => {
              const ids: string[] = [];
              for (let i = 0; i < n; i++) {
                const e = newEvent('Placed', { i });
                ids.push(e.eventId);
                await store.append('order-1', [e], { expectedVersion: i === 0 ? 'no_stream' : i - 1 });
              }
              const fw = await store.readStream('order-1', { fromVersion: from, maxCount });
              assert.deepEqual(fw.map((r) => r.event.eventId), ids.slice(from, from + maxCount));
              const bw = await store.readStream('order-1', { direction: 'backwards', fromVersion: from, maxCount });
              const start = Math.min(from, n - 1);
              const expectBw: string[] = [];
              for (let v = start; v >= 0 && expectBw.length < maxCount; v--) expectBw.push(ids[v]!);
              assert.deepEqual(bw.map((r) => r.event.eventId), expectBw);
              const all = await store.readStream('order-1');
              assert.deepEqual(all.map((r) => r.event.eventId), ids);
              const last = await store.readStream('order-1', { direction: 'backwards', maxCount: 1 });
              assert.deepEqual(last.map((r) => r.event.eventId), ids.slice(-1));
            }),
          ),
          params,
        ),
    },
    {
      name: 'seals events: versions, recordedAt from the clock (or as given), hash chain, lossless data',
      run: () =>
        fc.assert(
          fc.asyncProperty(fc.array(fc.array(dataArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }), (batches) =>
            withStore(async (store, clock) => {
              const appended: RecordedEvent[] = [];
              for (const [b, datas] of batches.entries()) {
                clock.set(`2026-02-0${1 + (b % 9)}T10:00:00.000Z`);
                const stamp = clock.now();
                const events = datas.map((d) => newEvent('Placed', d, '2025-12-31T23:00:00.000Z'));
                const imported = b % 2 === 1 ? { ...newEvent('Billed', { imported: true }, '2025-12-31T23:00:00.000Z'), recordedAt: '2020-05-05T05:05:05.005Z' } : undefined;
                const r = await store.append('order-1', imported ? [...events, imported] : events);
                appended.push(...r.events);
                r.events.forEach((rec, i) => {
                  const source = i < events.length ? events[i]! : imported!;
                  assert.equal(rec.event.occurredAt, '2025-12-31T23:00:00.000Z');
                  if (source === imported) assert.equal(rec.event.recordedAt, '2020-05-05T05:05:05.005Z');
                  else assert.ok(rec.event.recordedAt >= stamp, `recordedAt ${rec.event.recordedAt} must come from the store clock (≥ ${stamp})`);
                  assert.equal(rec.event.schemaVersion, 1);
                  assert.deepEqual(rec.event.data, asJson(source.data));
                  assert.deepEqual(rec.event.metadata, source.metadata);
                });
              }
              const stream = await store.readStream('order-1');
              assert.deepEqual(stream, appended);
              assert.equal(stream[0]!.event.prevHash, ZERO_HASH);
              const report = verifyChain(stream.map((r) => r.event), {
                expectedHead: { version: stream.length - 1, hash: stream[stream.length - 1]!.event.hash },
              });
              assert.ok(report.ok, report.ok ? '' : report.message);
              assert.deepEqual(await store.readStream('nobody-1'), []);
            }),
          ),
          params,
        ),
    },
    {
      name: 'an empty append checks the version and writes nothing; bad arguments are refused',
      run: () =>
        withStore(async (store) => {
          const empty = await store.append('order-1', [], { expectedVersion: 'no_stream' });
          assert.equal(empty.nextExpectedVersion, -1);
          assert.deepEqual(empty.events, []);
          await assert.rejects(store.append('order-1', [], { expectedVersion: 'stream_exists' }), VersionConflictError);
          await store.append('order-1', [newEvent('Placed', {})]);
          const again = await store.append('order-1', [], { expectedVersion: 0 });
          assert.equal(again.nextExpectedVersion, 0);
          await assert.rejects(store.append('', [newEvent('Placed', {})]), ValidationError);
          await assert.rejects(store.append('order-1', [newEvent('Placed', {})], { expectedVersion: -3 }), ValidationError);
          await assert.rejects(store.append('order-1', [newEvent('Placed', { when: new Date() })]), (e: unknown) => {
            assert.ok(e instanceof ValidationError);
            assert.deepEqual(e.issues.map((i) => i.path), ['events[0].data.when']);
            return true;
          });
          await assert.rejects(store.readStream('order-1', { maxCount: 0 }), ValidationError);
          await assert.rejects(store.readAll({ after: -1 }), ValidationError);
          assert.equal((await readWholeLog(store)).length, 1);
        }),
    },
    {
      name: 'subscribe delivers everything after the checkpoint in order, then new events as they commit',
      run: () =>
        fc.assert(
          fc.asyncProperty(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 4 }), fc.nat(), (before, later, batchSize, startPick) =>
            withStore(async (store) => {
              for (let i = 0; i < before; i++) await store.append(STREAMS[i % 3]!, [newEvent('Placed', { i })]);
              const initial = await readWholeLog(store, 1000);
              const startIndex = initial.length === 0 ? 0 : startPick % (initial.length + 1);
              const after = startIndex === 0 ? 0 : initial[startIndex - 1]!.position;
              const seen: RecordedEvent[] = [];
              const checkpoints: number[] = [];
              const subscription = store.subscribe({
                after,
                batchSize,
                pollIntervalMs: 5,
                onEvents: (events, position) => {
                  assert.ok(events.length <= batchSize);
                  seen.push(...events);
                  checkpoints.push(position);
                },
              });
              try {
                await subscription.caughtUp();
                assert.deepEqual(seen, initial.slice(startIndex));
                for (let i = 0; i < later; i++) await store.append(STREAMS[i % 3]!, [newEvent('Shipped', { i })]);
                await subscription.caughtUp();
                const all = await readWholeLog(store, 1000);
                assert.deepEqual(seen, all.slice(startIndex));
                for (let i = 1; i < checkpoints.length; i++) assert.ok(checkpoints[i]! > checkpoints[i - 1]!);
              } finally {
                await subscription.stop();
              }
              await subscription.done;
            }),
          ),
          { ...params, numRuns: Math.max(5, Math.ceil(numRuns / 2)) },
        ),
    },
  ];
}
