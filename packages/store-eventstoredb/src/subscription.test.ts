import type { RecordedEvent } from '@dealbook/eventsourcing';
import { describe, expect, it } from 'vitest';
import { SubscriptionDroppedError } from './errors.js';
import { createFakeEventStoreDbClient } from './fake-client.js';
import { createEventStoreDbStore } from './store.js';
import { backoffDelay } from './subscription.js';
import { newEvent } from './test-events.js';

/** A delay that records what it was asked to wait and returns at once. */
function recordingDelay() {
  const waits: number[] = [];
  return { waits, delay: async (ms: number) => void waits.push(ms) };
}

const fromPositions = (calls: { method: string; args: readonly unknown[] }[]) =>
  calls.filter((c) => c.method === 'subscribeToAll').map((c) => (c.args[0] as { fromPosition: unknown }).fromPosition);

describe('subscribe', () => {
  it('resubscribes from the last delivered position after a drop, with backoff, losing and repeating nothing', async () => {
    const fake = createFakeEventStoreDbClient();
    const { waits, delay } = recordingDelay();
    const store = createEventStoreDbStore({ client: fake, resubscribe: { delay, initialDelayMs: 50 } });
    for (let i = 0; i < 3; i++) await store.append('order-1', [newEvent()]);
    const seen: RecordedEvent[] = [];
    const subscription = store.subscribe({ batchSize: 2, onEvents: (events) => void seen.push(...events) });
    await subscription.caughtUp();
    const lastDelivered = seen[seen.length - 1]!.position;

    fake.failNextSubscriptions(2);
    fake.dropSubscriptions();
    for (let i = 0; i < 2; i++) await store.append('order-1', [newEvent()]);
    await subscription.caughtUp();

    const all = (await store.readAll()).events;
    expect(seen).toEqual(all);
    expect(waits).toEqual([50, 100, 200]);
    expect(fromPositions(fake.calls).slice(1)).toEqual(Array(3).fill({ commit: BigInt(lastDelivered), prepare: BigInt(lastDelivered) }));
    await subscription.stop();
    await subscription.done;
  });

  it('gives up after maxAttempts drops in a row with SubscriptionDroppedError (done rejects, onError once)', async () => {
    const fake = createFakeEventStoreDbClient();
    const { waits, delay } = recordingDelay();
    const store = createEventStoreDbStore({ client: fake, resubscribe: { delay, maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 25 } });
    const errors: unknown[] = [];
    fake.failNextSubscriptions(10);
    const subscription = store.subscribe({ onEvents: () => undefined, onError: (e) => errors.push(e) });
    const error = await subscription.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubscriptionDroppedError);
    expect(error).toMatchObject({ code: 'ESDB_SUBSCRIPTION_DROPPED', attempts: 3 });
    expect(errors).toEqual([error]);
    expect(waits).toEqual([10, 20, 25]);
    await expect(subscription.caughtUp()).rejects.toBe(error);
  });

  it('batches at most batchSize events per call, in order, with rising checkpoints, and applies the filter', async () => {
    const fake = createFakeEventStoreDbClient();
    const store = createEventStoreDbStore({ client: fake });
    for (let i = 0; i < 7; i++) await store.append(i % 2 === 0 ? 'order-1' : 'invoice-1', [newEvent(i % 3 === 0 ? 'Placed' : 'Shipped')]);
    const batches: { size: number; position: number }[] = [];
    const seen: RecordedEvent[] = [];
    const filter = { streamCategories: ['order'], eventTypes: ['Placed'] };
    const subscription = store.subscribe({
      batchSize: 1,
      filter,
      onEvents: (events, position) => {
        batches.push({ size: events.length, position });
        seen.push(...events);
      },
    });
    await subscription.caughtUp();
    await store.append('order-2', [newEvent('Placed'), newEvent('Shipped')]);
    await subscription.caughtUp();
    expect(seen).toEqual((await store.readAll({ filter })).events);
    expect(seen.map((r) => r.event.streamId)).toEqual(['order-1', 'order-1', 'order-2']);
    expect(batches.every((b) => b.size === 1)).toBe(true);
    expect(batches.map((b) => b.position)).toEqual(seen.map((r) => r.position));
    await subscription.stop();
  });

  it('pauses the server stream while a slow handler works through a backlog, and delivers it all in order', async () => {
    const fake = createFakeEventStoreDbClient();
    const store = createEventStoreDbStore({ client: fake });
    await store.append('order-1', Array.from({ length: 150 }, () => newEvent()));
    const seen: RecordedEvent[] = [];
    const subscription = store.subscribe({
      batchSize: 3,
      onEvents: async (events) => {
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(...events);
      },
    });
    await subscription.caughtUp();
    expect(seen).toEqual((await store.readAll()).events);
    expect(fake.pauses).toBeGreaterThan(0);
    await subscription.stop();
  });

  it('stops when its signal aborts, and caughtUp then rejects', async () => {
    const fake = createFakeEventStoreDbClient();
    const store = createEventStoreDbStore({ client: fake });
    const controller = new AbortController();
    const subscription = store.subscribe({ signal: controller.signal, onEvents: () => undefined });
    controller.abort();
    await subscription.done;
    expect(fake.openSubscriptions).toBe(0);
    await expect(subscription.caughtUp()).rejects.toThrow(/stopped/);
  });

  it('stops with the error of onEvents, without resubscribing', async () => {
    const fake = createFakeEventStoreDbClient();
    const store = createEventStoreDbStore({ client: fake });
    await store.append('order-1', [newEvent()]);
    const boom = new Error('handler failed');
    const subscription = store.subscribe({
      onEvents: () => {
        throw boom;
      },
    });
    await expect(subscription.done).rejects.toBe(boom);
    expect(fake.calls.filter((c) => c.method === 'subscribeToAll')).toHaveLength(1);
  });

  it('backs off exponentially up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n))).toEqual([100, 200, 400, 800, 1600, 3200, 6400, 10_000]);
    expect(backoffDelay(3, { initialDelayMs: 1, maxDelayMs: 3 })).toBe(3);
  });
});
