import { DealbookError, ValidationError, verifyChain, VersionConflictError } from '@dealbook/eventsourcing';
import { describe, expect, it } from 'vitest';
import type { EventStoreDbClientLike } from './client-like.js';
import { ForeignEventError, PositionError } from './errors.js';
import { createFakeEventStoreDbClient, type FakeEventStoreDbClient } from './fake-client.js';
import { createEventStoreDbStore } from './store.js';
import { newEvent } from './test-events.js';

/** A client whose first append runs `before` first: a concurrent writer slipping in between the head read and the append. */
function withWriterBeforeFirstAppend(client: FakeEventStoreDbClient, before: () => Promise<unknown>): EventStoreDbClientLike {
  let fired = false;
  return {
    ...client,
    readStream: client.readStream,
    readAll: client.readAll,
    subscribeToAll: client.subscribeToAll,
    setStreamMetadata: client.setStreamMetadata,
    dispose: client.dispose,
    async appendToStream(...args) {
      if (!fired) {
        fired = true;
        await before();
      }
      return client.appendToStream(...args);
    },
  };
}

describe('appends', () => {
  it('append with the revision it read; a concurrent writer makes an explicit version fail with the actual version', async () => {
    const fake = createFakeEventStoreDbClient();
    const other = createEventStoreDbStore({ client: fake });
    await other.append('order-1', [newEvent()]);
    const store = createEventStoreDbStore({ client: withWriterBeforeFirstAppend(fake, () => other.append('order-1', [newEvent()])) });
    const error = await store.append('order-1', [newEvent()], { expectedVersion: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error).toMatchObject({ streamId: 'order-1', expectedVersion: 0, actualVersion: 1 });
    const appends = fake.calls.filter((c) => c.method === 'appendToStream' && c.args[0] === 'order-1');
    expect(appends.map((c) => (c.args[2] as { expectedRevision: unknown }).expectedRevision)).toEqual(['no_stream', 0n, 0n]);
  });

  it("retries 'any' and 'stream_exists' after a concurrent writer, and the chain does not fork", async () => {
    for (const expectedVersion of ['any', 'stream_exists'] as const) {
      const fake = createFakeEventStoreDbClient();
      const other = createEventStoreDbStore({ client: fake });
      await other.append('order-1', [newEvent()]);
      const store = createEventStoreDbStore({ client: withWriterBeforeFirstAppend(fake, () => other.append('order-1', [newEvent(), newEvent()])) });
      const result = await store.append('order-1', [newEvent()], { expectedVersion });
      expect(result.nextExpectedVersion).toBe(3);
      const stream = await store.readStream('order-1');
      expect(stream.map((r) => r.event.streamVersion)).toEqual([0, 1, 2, 3]);
      expect(verifyChain(stream.map((r) => r.event)).ok).toBe(true);
    }
  });

  it("gives up on 'any' after appendAttempts with a VersionConflictError", async () => {
    const fake = createFakeEventStoreDbClient();
    const other = createEventStoreDbStore({ client: fake });
    const store = createEventStoreDbStore({ client: withWriterBeforeFirstAppend(fake, () => other.append('order-1', [newEvent()])), appendAttempts: 1 });
    await expect(store.append('order-1', [newEvent()])).rejects.toMatchObject({ code: 'VERSION_CONFLICT', expectedVersion: 'any', actualVersion: 0 });
  });

  it('treats an unsuccessful append result (a client with throwOnAppendFailure: false) as a conflict', async () => {
    const fake = createFakeEventStoreDbClient();
    const quiet: EventStoreDbClientLike = {
      ...fake,
      readStream: fake.readStream,
      readAll: fake.readAll,
      subscribeToAll: fake.subscribeToAll,
      setStreamMetadata: fake.setStreamMetadata,
      dispose: fake.dispose,
      appendToStream: async (...args) => {
        try {
          return await fake.appendToStream(...args);
        } catch (error) {
          const actual = (error as { actualVersion: bigint | 'no_stream' }).actualVersion;
          return { success: false, nextExpectedRevision: actual === 'no_stream' ? -1n : actual };
        }
      },
    };
    const other = createEventStoreDbStore({ client: fake });
    await other.append('order-1', [newEvent()]);
    const store = createEventStoreDbStore({ client: withWriterBeforeFirstAppend(quiet as FakeEventStoreDbClient, () => other.append('order-1', [newEvent()])) });
    await expect(store.append('order-1', [newEvent()], { expectedVersion: 0 })).rejects.toMatchObject({ code: 'VERSION_CONFLICT', actualVersion: 1 });
    expect((await store.append('order-1', [newEvent()])).nextExpectedVersion).toBe(2);
  });

  it('gives every event of a multi-event append its own rising position, the same that reads return', async () => {
    const fake = createFakeEventStoreDbClient();
    const store = createEventStoreDbStore({ client: fake });
    const result = await store.append('order-1', [newEvent(), newEvent(), newEvent()]);
    const positions = result.events.map((r) => r.position);
    expect(new Set(positions).size).toBe(3);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(result.position).toBe(positions[2]);
    expect((await store.readStream('order-1')).map((r) => r.position)).toEqual(positions);
    expect((await store.readAll()).events.map((r) => r.position)).toEqual(positions);
  });

  it('refuses system and checkpoint stream ids', async () => {
    const store = createEventStoreDbStore({ client: createFakeEventStoreDbClient() });
    await expect(store.append('$ce-order', [newEvent()])).rejects.toThrow(ValidationError);
    await expect(store.append('dealbook-checkpoint-kpi', [newEvent()])).rejects.toThrow(/projection checkpoints/);
  });

  it('passes other client errors through unchanged', async () => {
    const fake = createFakeEventStoreDbClient();
    const failing = { ...fake, readStream: fake.readStream, readAll: fake.readAll, subscribeToAll: fake.subscribeToAll, setStreamMetadata: fake.setStreamMetadata, dispose: fake.dispose, appendToStream: () => Promise.reject(Object.assign(new Error('denied'), { type: 'access-denied' })) };
    const store = createEventStoreDbStore({ client: failing });
    await expect(store.append('order-1', [newEvent()])).rejects.toMatchObject({ type: 'access-denied' });
  });
});

describe('reads', () => {
  it('fails on a foreign event in a stream, naming stream and revision', async () => {
    const fake = createFakeEventStoreDbClient();
    const store = createEventStoreDbStore({ client: fake });
    await store.append('order-1', [newEvent()]);
    fake.appendRaw('order-1', { type: 'Legacy', data: { x: 1 } });
    const error = await store.readStream('order-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForeignEventError);
    expect(error).toMatchObject({ streamId: 'order-1', revision: 1n });
    await expect(store.append('order-1', [newEvent()])).rejects.toThrow(ForeignEventError);
  });

  it('readAll skips system streams, checkpoint streams and other applications’ events, and moves past them', async () => {
    const fake = createFakeEventStoreDbClient();
    const store = createEventStoreDbStore({ client: fake });
    const first = await store.append('order-1', [newEvent()]);
    fake.appendRaw('$stats-1', { type: '$statsCollected', data: {} });
    fake.appendRaw('legacy-1', { type: 'Placed', data: {}, metadata: { from: 'elsewhere' } });
    await store.checkpoints().save({ name: 'kpi', version: 1, position: 1, state: {} });
    const last = fake.log[fake.log.length - 1]!;
    for (const filter of [undefined, { eventTypes: ['Placed'] }, { streamCategories: ['legacy', 'order', 'dealbook'] }]) {
      const page = await store.readAll(filter ? { filter } : {});
      expect(page.events.map((r) => r.event.eventId)).toEqual([first.events[0]!.event.eventId]);
      expect(page.position).toBe(Number(last.position));
      expect(page.isEnd).toBe(true);
    }
  });

  it('filters on the server: event types alone by type, categories (alone or with types) by stream name', async () => {
    const fake = createFakeEventStoreDbClient();
    const store = createEventStoreDbStore({ client: fake });
    await store.append('order-1', [newEvent('Placed'), newEvent('Shipped')]);
    await store.append('invoice-1', [newEvent('Placed')]);
    const filterOf = () => (fake.calls.filter((c) => c.method === 'subscribeToAll').at(-1)!.args[0] as { filter: { filterOn: string; regex: string } }).filter;

    const types = await store.readAll({ filter: { eventTypes: ['Placed'] } });
    expect(types.events.map((r) => [r.event.streamId, r.event.type])).toEqual([['order-1', 'Placed'], ['invoice-1', 'Placed']]);
    expect(filterOf().filterOn).toBe('eventType');
    expect(filterOf().regex.startsWith('^(?:Placed)$')).toBe(true);

    const both = await store.readAll({ filter: { streamCategories: ['order'], eventTypes: ['Shipped'] } });
    expect(both.events.map((r) => [r.event.streamId, r.event.type])).toEqual([['order-1', 'Shipped']]);
    expect(filterOf().filterOn).toBe('streamName');
    expect(filterOf().regex.startsWith('^(?:order)(?:-|$)')).toBe(true);

    const unfilteredCalls = fake.calls.filter((c) => c.method === 'subscribeToAll').length;
    await store.readAll();
    expect(fake.calls.filter((c) => c.method === 'subscribeToAll').length).toBe(unfilteredCalls);
  });

  it('pages by maxCount with exclusive positions, with and without a filter', async () => {
    const fake = createFakeEventStoreDbClient();
    const store = createEventStoreDbStore({ client: fake });
    for (let i = 0; i < 5; i++) await store.append(i % 2 === 0 ? 'order-1' : 'invoice-1', [newEvent()]);
    for (const filter of [undefined, { streamCategories: ['order'] }]) {
      const seen: number[] = [];
      let after = 0;
      for (;;) {
        const page = await store.readAll({ after, maxCount: 1, ...(filter ? { filter } : {}) });
        expect(page.events.length).toBeLessThanOrEqual(1);
        seen.push(...page.events.map((r) => r.position));
        after = page.position;
        if (page.isEnd) break;
      }
      expect(seen).toEqual((await store.readAll(filter ? { filter } : {})).events.map((r) => r.position));
      expect(seen.length).toBe(filter ? 3 : 5);
    }
  });

  it('refuses positions beyond Number.MAX_SAFE_INTEGER with a PositionError', async () => {
    const fake = createFakeEventStoreDbClient({ firstPosition: Number.MAX_SAFE_INTEGER - 10 });
    const store = createEventStoreDbStore({ client: fake });
    fake.appendRaw('$x', { type: '$y' });
    await expect(store.append('order-1', [newEvent()])).rejects.toThrow(PositionError);
    await expect(store.readAll()).rejects.toThrow(/beyond Number.MAX_SAFE_INTEGER/);
  });

  it('fails with a PositionError on positions that do not rise (legacy explicit transactions) instead of skipping events', async () => {
    const fake = createFakeEventStoreDbClient();
    const store = createEventStoreDbStore({ client: fake });
    await store.append('order-1', [newEvent()]);
    fake.appendRaw('legacy-1', { type: 'Old' }, true);
    await expect(store.readAll()).rejects.toThrow(PositionError);
    const subscription = store.subscribe({ onEvents: () => undefined });
    await expect(subscription.done).rejects.toThrow(PositionError);
  });

  it('reads backwards from beyond the end from the last event', async () => {
    const store = createEventStoreDbStore({ client: createFakeEventStoreDbClient() });
    await store.append('order-1', [newEvent(), newEvent()]);
    expect((await store.readStream('order-1', { direction: 'backwards', fromVersion: 9 })).map((r) => r.event.streamVersion)).toEqual([1, 0]);
  });
});

describe('close', () => {
  it('fails later calls with STORE_CLOSED and disposes only a client it owns', async () => {
    const fake = createFakeEventStoreDbClient();
    const store = createEventStoreDbStore({ client: fake });
    await store.close();
    expect(fake.disposed).toBe(false);
    const error = await store.append('order-1', [newEvent()]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DealbookError);
    expect((error as DealbookError).code).toBe('STORE_CLOSED');
    await expect(store.readAll()).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    expect(() => store.subscribe({ onEvents: () => undefined })).toThrow(/closed/);
    await expect(store.checkpoints().load('x')).rejects.toMatchObject({ code: 'STORE_CLOSED' });

    const owned = createFakeEventStoreDbClient();
    await createEventStoreDbStore({ client: owned, disposeClient: true }).close();
    expect(owned.disposed).toBe(true);
  });

  it('stops open subscriptions', async () => {
    const fake = createFakeEventStoreDbClient();
    const store = createEventStoreDbStore({ client: fake });
    const subscription = store.subscribe({ onEvents: () => undefined });
    await subscription.caughtUp();
    expect(fake.openSubscriptions).toBe(1);
    await store.close();
    await subscription.done;
    expect(fake.openSubscriptions).toBe(0);
  });
});
