import Database from 'better-sqlite3';
import fc from 'fast-check';
import {
  manualClock,
  toJsonLine,
  ValidationError,
  verifyChain,
  VersionConflictError,
  type EventEnvelope,
  type RecordedEvent,
} from '@dealbook/eventsourcing';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore, type SqliteEventStore } from './index.js';
import { translateAppendError } from './sqlite-event-store.js';
import { event, tempDir } from './test-helpers.js';

describe('SQLite event store', () => {
  const temp = tempDir();
  let n = 0;
  const newPath = () => temp.file(`store-${++n}.db`);
  afterAll(() => temp.remove());

  it('keeps everything across a reopen: events, positions, checkpoints, snapshots; chains verify', async () => {
    const path = newPath();
    const clock = manualClock('2026-03-02T01:00:00.000Z', 1000);
    const store = createSqliteEventStore({ path, clock: clock.now });
    const appended: RecordedEvent[] = [];
    for (let i = 0; i < 30; i++) appended.push(...(await store.append(`deal-${i % 3}`, [event('Noted', { i, text: '客户 — ✓' }), event('Priced', { i, amountMinor: i * 100 })])).events);
    await store.checkpoints<{ total: number }>().save({ name: 'totals', version: 2, position: 40, state: { total: 7 } });
    await store.snapshots<{ open: boolean }>().save({ streamId: 'deal-1', version: 5, stateVersion: 1, state: { open: true } });
    await store.close();

    const reopened = createSqliteEventStore({ path });
    expect(await reopened.count()).toBe(60);
    const page = await reopened.readAll({ maxCount: 1000 });
    expect(page.events).toEqual(appended);
    expect(page.isEnd).toBe(true);
    for (let s = 0; s < 3; s++) {
      const stream = (await reopened.readStream(`deal-${s}`)).map((r) => r.event);
      const last = stream[stream.length - 1]!;
      const report = verifyChain(stream, { expectedHead: { version: last.streamVersion, hash: last.hash } });
      expect(report.ok).toBe(true);
    }
    expect(await reopened.checkpoints().load('totals')).toEqual({ name: 'totals', version: 2, position: 40, state: { total: 7 } });
    expect(await reopened.snapshots().load('deal-1')).toEqual({ streamId: 'deal-1', version: 5, stateVersion: 1, state: { open: true } });
    // Positions go on after the old ones.
    const next = await reopened.append('deal-0', [event('Noted')]);
    expect(next.position).toBeGreaterThan(appended[appended.length - 1]!.position);
    await reopened.close();
  });

  it('stores the canonical JSONL line of each envelope (what toJsonLine writes), also for data with array-index keys', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue({ maxDepth: 3 }), { minLength: 1, maxLength: 5 }), fc.dictionary(fc.constantFrom('0', '1', '10', 'a', 'b'), fc.integer()), async (datas, indexed) => {
        const path = newPath();
        const store = createSqliteEventStore({ path, synchronous: 'OFF' });
        try {
          const result = await store.append('doc-1', [...datas.map((d) => event('Written', d)), event('Written', indexed)]);
          expect(rawLines(path)).toEqual(result.events.map((r) => toJsonLine(r.event)));
        } finally {
          await store.close();
        }
      }),
      { numRuns: 30 },
    );
  });

  it('two handles on one file: one wins each version, the other gets VersionConflictError; subscriptions see the other handle by polling', async () => {
    const path = newPath();
    const a = createSqliteEventStore({ path, pollIntervalMs: 5 });
    const b = createSqliteEventStore({ path, pollIntervalMs: 5 });
    const seen: EventEnvelope[] = [];
    const subscription = a.subscribe({ onEvents: (events) => void seen.push(...events.map((r) => r.event)) });
    await a.append('deal-1', [event('Opened')], { expectedVersion: 'no_stream' });
    await expect(b.append('deal-1', [event('Opened')], { expectedVersion: 'no_stream' })).rejects.toBeInstanceOf(VersionConflictError);
    await b.append('deal-1', [event('Priced')], { expectedVersion: 0 });
    await expect(a.append('deal-1', [event('Priced')], { expectedVersion: 0 })).rejects.toMatchObject({ actualVersion: 1 });
    // b's commit reaches a's subscription through polling.
    for (let i = 0; i < 1000 && seen.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(seen.map((e) => e.type)).toEqual(['Opened', 'Priced']);
    await subscription.stop();
    await a.close();
    await b.close();
  });

  it('refuses an event id that is already stored (or repeated in the batch), naming it, and writes nothing', async () => {
    const store = createSqliteEventStore({ path: ':memory:' });
    const first = event('Opened');
    await store.append('deal-1', [first]);
    const again = { ...event('Priced'), eventId: first.eventId };
    const error = await store.append('deal-2', [event('Opened'), again]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([{ path: 'events[1].eventId', message: expect.stringContaining('already stored') as string }]);
    const twice = event('Opened');
    const error2 = await store.append('deal-3', [twice, twice]).catch((e: unknown) => e);
    expect((error2 as ValidationError).issues.map((i) => i.path)).toEqual(['events[1].eventId']);
    expect(await store.count()).toBe(1);
    expect(await store.readStream('deal-2')).toEqual([]);
    await store.close();
  });

  it('turns a UNIQUE (stream, version) violation that slips through into VersionConflictError', () => {
    const raw = new Database(':memory:');
    raw.exec('CREATE TABLE events (stream_id TEXT, stream_version INTEGER, UNIQUE (stream_id, stream_version))');
    raw.prepare('INSERT INTO events VALUES (?, ?)').run('deal-1', 0);
    let violation: unknown;
    try {
      raw.prepare('INSERT INTO events VALUES (?, ?)').run('deal-1', 0);
    } catch (error) {
      violation = error;
    }
    raw.close();
    const translated = translateAppendError(violation, { path: ':memory:', streamId: 'deal-1', events: [], expected: 'no_stream', currentVersion: () => 0, eventIdTaken: () => false });
    expect(translated).toBeInstanceOf(VersionConflictError);
    expect(translated).toMatchObject({ streamId: 'deal-1', expectedVersion: 'no_stream', actualVersion: 0 });
    const other = new Error('disk on fire');
    expect(translateAppendError(other, { path: ':memory:', streamId: 'deal-1', events: [], expected: 'any', currentVersion: () => 0, eventIdTaken: () => false })).toBe(other);
  });

  it('filters with many event types (one scan with a membership test) give what the merged index scans give', async () => {
    const store = createSqliteEventStore({ path: ':memory:' });
    const types = Array.from({ length: 80 }, (_, i) => `Type${i}`);
    for (let i = 0; i < 300; i++) await store.append(`${i % 2 === 0 ? 'deal' : 'customer'}-${i % 7}`, [event(types[(i * 13) % 80]!)]);
    const readAllWith = async (filter: { eventTypes?: string[]; streamCategories?: string[] }, pageSize: number) => {
      const out: RecordedEvent[] = [];
      let after = 0;
      for (;;) {
        const page = await store.readAll({ after, maxCount: pageSize, filter });
        out.push(...page.events);
        after = page.position;
        if (page.isEnd) return out;
      }
    };
    const everything = await readAllWith({}, 1000);
    const many = types.slice(0, 70);
    const expected = everything.filter((r) => many.includes(r.event.type) && r.event.streamId.startsWith('deal-'));
    expect(expected.length).toBeGreaterThan(0);
    expect(await readAllWith({ eventTypes: many, streamCategories: ['deal'] }, 9)).toEqual(expected);
    expect(await readAllWith({ eventTypes: [...many.slice(0, 3), ...many.slice(0, 3)] }, 4)).toEqual(everything.filter((r) => many.slice(0, 3).includes(r.event.type)));
    const empty = await store.readAll({ filter: { eventTypes: [] } });
    expect(empty).toEqual({ events: [], position: everything[everything.length - 1]!.position, isEnd: true });
    await store.close();
  });

  it('after close every call fails with STORE_CLOSED; a subscription ends with it too', async () => {
    const store: SqliteEventStore = createSqliteEventStore({ path: newPath() });
    await store.append('deal-1', [event('Opened')]);
    const errors: unknown[] = [];
    const subscription = store.subscribe({ onEvents: () => undefined, onError: (e) => errors.push(e) });
    await subscription.caughtUp();
    await store.close();
    await store.close(); // twice is fine
    const closed = expect.objectContaining({ code: 'STORE_CLOSED' }) as Error;
    await expect(subscription.done).rejects.toEqual(closed);
    expect(errors).toEqual([closed]);
    await expect(store.append('deal-1', [event('Priced')])).rejects.toEqual(closed);
    await expect(store.readStream('deal-1')).rejects.toEqual(closed);
    await expect(store.readAll()).rejects.toEqual(closed);
    await expect(store.count()).rejects.toEqual(closed);
    expect(() => store.subscribe({ onEvents: () => undefined })).toThrow(closed);
    expect(() => store.checkpoints()).toThrow(closed);
  });
});

/** The envelope column as stored, in position order, read through a second connection. */
function rawLines(path: string): string[] {
  const raw = new Database(path, { readonly: true });
  try {
    return raw.prepare('SELECT envelope FROM events ORDER BY position').pluck().all() as string[];
  } finally {
    raw.close();
  }
}
