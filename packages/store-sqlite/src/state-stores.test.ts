import fc from 'fast-check';
import { createProjectionRunner, defineProjection, ValidationError, type EventEnvelope } from '@dealbook/eventsourcing';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from './index.js';
import { event, tempDir } from './test-helpers.js';

describe('SQLite checkpoints and snapshots', () => {
  const temp = tempDir();
  afterAll(() => temp.remove());

  it('round-trip any JSON state, across a reopen (as JSON holds it: -0 comes back as 0)', async () => {
    const path = temp.file('states.db');
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), fc.nat(), fc.integer({ min: 1, max: 9 }), async (state, position, version) => {
        const streamId = `deal-${++run}`; // a fresh stream: a snapshot never goes back to a lower version
        const store = createSqliteEventStore({ path, synchronous: 'OFF' });
        await store.checkpoints().save({ name: 'p', version, position, state });
        await store.snapshots().save({ streamId, version: position, stateVersion: version + 100, state });
        await store.close();
        const reopened = createSqliteEventStore({ path });
        const asJson = JSON.parse(JSON.stringify(state)) as unknown;
        try {
          expect(await reopened.checkpoints().load('p')).toEqual({ name: 'p', version, position, state: asJson });
          expect(await reopened.snapshots().load(streamId)).toEqual({ streamId, version: position, stateVersion: version + 100, state: asJson });
        } finally {
          await reopened.close();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('refuse states JSON cannot hold, naming the path, and keep what was saved', async () => {
    const store = createSqliteEventStore({ path: ':memory:' });
    const checkpoints = store.checkpoints<unknown>();
    await checkpoints.save({ name: 'p', version: 1, position: 3, state: { ok: true } });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const bad: [unknown, string][] = [
      [{ when: new Date() }, 'state.when'],
      [{ seen: new Set([1]) }, 'state.seen'],
      [{ n: Number.NaN }, 'state.n'],
      [{ list: [1, undefined] }, 'state.list[1]'],
      [{ big: 1n }, 'state.big'],
      [cyclic, 'state.self'],
      [undefined, 'state'],
    ];
    for (const [state, path] of bad) {
      const error = await checkpoints.save({ name: 'p', version: 1, position: 9, state }).catch((e: unknown) => e);
      expect(error, path).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual([path]);
      expect((error as ValidationError).message).toMatch(/JSON-serializable/);
      await expect(store.snapshots().save({ streamId: 'deal-1', version: 1, stateVersion: 1, state })).rejects.toBeInstanceOf(ValidationError);
    }
    expect(await checkpoints.load('p')).toEqual({ name: 'p', version: 1, position: 3, state: { ok: true } });
    expect(await store.snapshots().load('deal-1')).toBeUndefined();
    // Members that are undefined are left out, as JSON.stringify does.
    await checkpoints.save({ name: 'q', version: 1, position: 1, state: { a: 1, gone: undefined } });
    expect((await checkpoints.load('q'))?.state).toEqual({ a: 1 });
    await checkpoints.delete('q');
    expect(await checkpoints.load('q')).toBeUndefined();
    await store.close();
  });

  it('a snapshot never goes back to an older version of the same state version', async () => {
    const store = createSqliteEventStore({ path: ':memory:' });
    const snapshots = store.snapshots<string>();
    await snapshots.save({ streamId: 'deal-1', version: 10, stateVersion: 1, state: 'ten' });
    await snapshots.save({ streamId: 'deal-1', version: 4, stateVersion: 1, state: 'four' });
    expect((await snapshots.load('deal-1'))?.state).toBe('ten');
    await snapshots.save({ streamId: 'deal-1', version: 4, stateVersion: 2, state: 'new shape' });
    expect(await snapshots.load('deal-1')).toEqual({ streamId: 'deal-1', version: 4, stateVersion: 2, state: 'new shape' });
    await store.close();
  });

  it("drive the kernel's projection runner: a restart resumes from the saved checkpoint and counts nothing twice", async () => {
    const path = temp.file('projection.db');
    type Priced = EventEnvelope<'Priced', { amountMinor: number }>;
    interface Totals {
      count: number;
      byDeal: Record<string, number>;
    }
    const totals = defineProjection<Totals, Priced>({
      name: 'totals',
      version: 1,
      initialState: () => ({ count: 0, byDeal: {} }),
      handlers: {
        Priced: (state, e) => {
          state.count++;
          state.byDeal[e.streamId] = (state.byDeal[e.streamId] ?? 0) + e.data.amountMinor;
          return state;
        },
      },
    });
    const store = createSqliteEventStore({ path });
    for (let i = 0; i < 50; i++) await store.append(`deal-${i % 4}`, [event('Priced', { amountMinor: 10 }), event('Noted', { i })]);
    const first = createProjectionRunner({ store, projection: totals, checkpoints: store.checkpoints<Totals>(), batchSize: 7 });
    const partial = await first.catchUp({ maxBatches: 3 });
    expect(partial.processed).toBe(21);
    await store.close();

    // A new process: new handle, new runner, same file.
    const reopened = createSqliteEventStore({ path });
    const second = createProjectionRunner({ store: reopened, projection: totals, checkpoints: reopened.checkpoints<Totals>(), batchSize: 7 });
    const rest = await second.catchUp();
    expect(rest.processed).toBe(29);
    expect(rest.state.count).toBe(50);
    expect(rest.state.byDeal).toEqual({ 'deal-0': 130, 'deal-1': 130, 'deal-2': 120, 'deal-3': 120 });
    await reopened.append('deal-0', [event('Priced', { amountMinor: 5 })]);
    const third = createProjectionRunner({ store: reopened, projection: totals, checkpoints: reopened.checkpoints<Totals>() });
    const last = await third.catchUp();
    expect(last.processed).toBe(1);
    expect(last.state.count).toBe(51);
    await reopened.close();
  });
});
