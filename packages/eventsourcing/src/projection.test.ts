import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope, NewEvent } from './envelope.js';
import type { EventStore } from './event-store.js';
import { createInMemoryEventStore } from './in-memory-event-store.js';
import { applyEvents, defineProjection } from './projection.js';
import { buildProjection, createInMemoryCheckpointStore, createProjectionRunner } from './projection-runner.js';
import { createUpcasterRegistry } from './upcasters.js';

type Moved = EventEnvelope<'Deposited' | 'Withdrawn', { amountMinor: number }>;
type Noted = EventEnvelope<'Noted', { text: string }>;

/** Balance per stream, updated in place (as fast read models do): checkpoints must copy it. */
const balances = defineProjection<{ byStream: Record<string, number>; events: number }, Moved | Noted>({
  name: 'balances',
  version: 1,
  initialState: () => ({ byStream: {}, events: 0 }),
  handlers: {
    Deposited: (s, e) => {
      s.byStream[e.streamId] = (s.byStream[e.streamId] ?? 0) + e.data.amountMinor;
      s.events++;
      return s;
    },
    Withdrawn: (s, e) => {
      s.byStream[e.streamId] = (s.byStream[e.streamId] ?? 0) - e.data.amountMinor;
      s.events++;
      return s;
    },
  },
});

const eventArb = fc.record({
  stream: fc.constantFrom('account-1', 'account-2', 'ledger-1'),
  type: fc.constantFrom('Deposited', 'Withdrawn', 'Noted'),
  amount: fc.integer({ min: 1, max: 1000 }),
  recordedAt: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
});

let n = 0;
const toNew = (e: { type: string; amount: number; recordedAt?: number | undefined }): NewEvent => {
  n++;
  return {
    eventId: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
    type: e.type,
    occurredAt: '2026-01-01T00:00:00.000Z',
    ...(e.recordedAt === undefined ? {} : { recordedAt: new Date(Date.UTC(2026, 0, 1) + e.recordedAt * 60_000).toISOString() }),
    data: e.type === 'Noted' ? { text: 'x' } : { amountMinor: e.amount },
    metadata: { commandId: `c${n}`, correlationId: 'x', causationId: 'x', actorId: 'a' },
  };
};

async function storeWith(events: readonly { stream: string; type: string; amount: number }[]): Promise<EventStore> {
  const store = createInMemoryEventStore();
  for (const e of events) await store.append(e.stream, [toNew(e)]);
  return store;
}

describe('projection runtime (properties)', () => {
  it('any batching, with restarts from checkpoints, gives the state of one pass', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(eventArb, { maxLength: 60 }), fc.integer({ min: 1, max: 9 }), fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 30 }), async (events, batchSize, runs) => {
        const store = await storeWith(events);
        const onePass = await buildProjection(store, balances);
        const checkpoints = createInMemoryCheckpointStore<{ byStream: Record<string, number>; events: number }>();
        let result;
        for (let i = 0; ; i++) {
          // A fresh runner each time: a process restarting from its checkpoint.
          const runner = createProjectionRunner({ store, projection: balances, checkpoints, batchSize });
          result = await runner.catchUp({ maxBatches: runs[i % runs.length]! });
          const page = await store.readAll({ after: result.position, filter: { eventTypes: balances.eventTypes } });
          if (page.events.length === 0) break;
        }
        expect(result.state).toEqual(onePass.state);
        expect(onePass.state.events).toBe(events.filter((e) => e.type !== 'Noted').length);
      }),
      { numRuns: 150 },
    );
  });

  it('incremental updates, a live subscription and a rebuild agree with one pass', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(eventArb, { maxLength: 40 }), fc.nat(), fc.integer({ min: 1, max: 5 }), async (events, cut, batchSize) => {
        const split = events.length === 0 ? 0 : cut % (events.length + 1);
        const store = await storeWith(events.slice(0, split));
        const runner = createProjectionRunner({ store, projection: balances, batchSize });
        await runner.catchUp();
        const live = createProjectionRunner({ store, projection: balances, batchSize });
        const subscription = await live.start();
        for (const e of events.slice(split)) await store.append(e.stream, [toNew(e)]);
        await subscription.caughtUp();
        await subscription.stop();
        const incremental = await runner.catchUp();
        const onePass = await buildProjection(store, balances);
        expect(incremental.state).toEqual(onePass.state);
        expect(await live.state()).toEqual(onePass.state);
        expect((await runner.rebuild()).state).toEqual(onePass.state);
      }),
      { numRuns: 60 },
    );
  });

  it('as of T equals a fresh build over the history filtered to recordedAt ≤ T', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(eventArb, { maxLength: 40 }), fc.integer({ min: -1, max: 101 }), async (events, t) => {
        const store = createInMemoryEventStore({ clock: () => '2026-01-01T00:50:00.000Z' });
        const stored = [];
        for (const e of events) stored.push(...(await store.append(e.stream, [toNew(e)])).events);
        const asOf = new Date(Date.UTC(2026, 0, 1) + t * 60_000).toISOString();
        const filtered = createInMemoryEventStore();
        for (const r of stored) {
          if (r.event.recordedAt > asOf) continue;
          const { eventId, type, occurredAt, recordedAt, data, metadata } = r.event;
          await filtered.append(r.event.streamId, [{ eventId, type, occurredAt, recordedAt, data, metadata }]);
        }
        const asOfState = await buildProjection(store, balances, { asOf, batchSize: 7 });
        expect(asOfState.state).toEqual((await buildProjection(filtered, balances)).state);
      }),
      { numRuns: 150 },
    );
  });
});

describe('projection runtime', () => {
  it('reads only the event types it handles', async () => {
    const store = await storeWith([
      { stream: 'account-1', type: 'Noted', amount: 1 },
      { stream: 'account-1', type: 'Deposited', amount: 5 },
    ]);
    const seen: string[] = [];
    const spy: EventStore = { ...store, readAll: (o) => store.readAll(o).then((p) => (seen.push(...p.events.map((r) => r.event.type)), p)) };
    const { state, position } = await createProjectionRunner({ store: spy, projection: balances }).catchUp();
    expect(seen).toEqual(['Deposited']);
    expect(state.byStream).toEqual({ 'account-1': 5 });
    expect(position).toBe(2);
  });

  it('a handler that throws mid-batch leaves the stored checkpoint as it was; the next run counts each event once', async () => {
    const store = await storeWith([1, 2, 3, 4].map((amount) => ({ stream: 'account-1', type: 'Deposited', amount })));
    let failOn: number | undefined = 4; // the second event of the second batch: the first one already changed the state in place
    const flaky = defineProjection<{ total: number }, Moved>({
      name: 'flaky',
      version: 1,
      initialState: () => ({ total: 0 }),
      handlers: {
        Deposited: (s, e) => {
          if (e.data.amountMinor === failOn) throw new Error('boom');
          s.total += e.data.amountMinor;
          return s;
        },
      },
    });
    const checkpoints = createInMemoryCheckpointStore<{ total: number }>();
    const runner = createProjectionRunner({ store, projection: flaky, checkpoints, batchSize: 2 });
    await expect(runner.catchUp()).rejects.toThrow('boom');
    expect(await checkpoints.load('flaky')).toMatchObject({ position: 2, state: { total: 3 } });
    failOn = undefined;
    expect((await runner.catchUp()).state.total).toBe(10);
  });

  it('a new projection version rebuilds from zero; upcast events reach the handlers', async () => {
    const store = createInMemoryEventStore();
    await store.append('account-1', [{ ...toNew({ type: 'Credit', amount: 0 }), data: { cents: 700 } }]);
    const upcasters = createUpcasterRegistry([{ type: 'Credit', fromVersion: 1, toType: 'Deposited', upcast: (d) => ({ amountMinor: (d as { cents: number }).cents }) }]);
    const checkpoints = createInMemoryCheckpointStore<{ byStream: Record<string, number>; events: number }>();
    await checkpoints.save({ name: 'balances', version: 0, position: 1, state: { byStream: { stale: 1 }, events: 1 } });
    const result = await createProjectionRunner({ store, projection: balances, checkpoints, upcasters }).catchUp();
    expect(result.state).toEqual({ byStream: { 'account-1': 700 }, events: 1 });
  });

  it('refuses a bad asOf and bad definitions', async () => {
    const store = createInMemoryEventStore();
    await expect(buildProjection(store, balances, { asOf: '2026-01-01' })).rejects.toThrow(/asOf/);
    expect(() => defineProjection({ name: '', version: 1, initialState: () => 0, handlers: {} })).toThrow(/name/);
    expect(() => defineProjection({ name: 'x', version: 0, initialState: () => 0, handlers: {} })).toThrow(/version/);
  });
});

describe('event types are names', () => {
  const record = (type: string, position: number) => ({ position, event: { type, streamId: 'account-1', streamVersion: position - 1, data: { amountMinor: 5 } } as unknown as EventEnvelope });
  const inherited = Object.getOwnPropertyNames(Object.prototype);

  it('an event whose type is a name every object inherits finds no handler, with defineProjection or without (property)', () => {
    const plain = { name: 'plain', version: 1, initialState: () => ({ byStream: {}, events: 0 }), handlers: { Deposited: balances.handlers.Deposited! }, eventTypes: ['Deposited'] };
    fc.assert(
      fc.property(fc.array(fc.constantFrom('Deposited', ...inherited), { maxLength: 12 }), (types) => {
        const records = types.map((t, i) => record(t, i + 1));
        const deposits = types.filter((t) => t === 'Deposited').length;
        for (const projection of [balances, plain]) {
          const state = applyEvents(projection, projection.initialState(), records);
          expect(state).toEqual({ byStream: deposits === 0 ? {} : { 'account-1': 5 * deposits }, events: deposits });
        }
      }),
    );
  });

  it('defineProjection keeps its handlers in a frozen table without a prototype', () => {
    expect(Object.getPrototypeOf(balances.handlers)).toBeNull();
    expect(Object.isFrozen(balances.handlers)).toBe(true);
    expect(Object.keys(balances.handlers)).toEqual(['Deposited', 'Withdrawn']);
  });
});
