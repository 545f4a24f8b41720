import { describe, expect, it } from 'vitest';
import type { NewEvent } from './envelope.js';
import { createInMemoryEventStore } from './in-memory-event-store.js';
import { createCatchUpSubscription, pollEvery } from './subscription.js';

let n = 0;
const event = (): NewEvent => {
  n++;
  return { eventId: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`, type: 'Ticked', occurredAt: '2026-01-01T00:00:00.000Z', data: { n }, metadata: { commandId: `c${n}`, correlationId: 'x', causationId: 'x', actorId: 'a' } };
};

describe('catch-up subscriptions', () => {
  it('an error in onEvents stops it: onError once, done and caughtUp reject', async () => {
    const store = createInMemoryEventStore();
    await store.append('clock-1', [event()]);
    const errors: unknown[] = [];
    const subscription = store.subscribe({
      onEvents: () => {
        throw new Error('handler failed');
      },
      onError: (e) => errors.push(e),
    });
    await expect(subscription.done).rejects.toThrow('handler failed');
    expect(errors).toHaveLength(1);
    await expect(subscription.caughtUp()).rejects.toThrow('handler failed');
    await subscription.stop(); // stopping a failed subscription is harmless
  });

  it('an abort signal stops it; stop() resolves once the loop has ended', async () => {
    const store = createInMemoryEventStore();
    const controller = new AbortController();
    const seen: number[] = [];
    const subscription = store.subscribe({ signal: controller.signal, onEvents: (events) => void seen.push(...events.map((r) => r.position)) });
    await store.append('clock-1', [event(), event()]);
    await subscription.caughtUp();
    controller.abort();
    await subscription.done;
    await store.append('clock-1', [event()]);
    expect(seen).toEqual([1, 2]);
    await expect(subscription.caughtUp()).rejects.toThrow(/stopped/);
  });

  it('a polling store (no push) catches up on its interval', async () => {
    const store = createInMemoryEventStore();
    const seen: number[] = [];
    // The same loop the SQLite and EventStoreDB adapters use, waiting by polling.
    const subscription = createCatchUpSubscription((o) => store.readAll(o), { onEvents: (events) => void seen.push(...events.map((r) => r.position)) }, pollEvery(5));
    await store.append('clock-1', [event()]);
    await subscription.caughtUp();
    await store.append('clock-1', [event(), event()]);
    await subscription.caughtUp();
    expect(seen).toEqual([1, 2, 3]);
    await subscription.stop();
  });

  it('closing the store ends waiting subscriptions', async () => {
    const store = createInMemoryEventStore();
    const subscription = store.subscribe({ onEvents: () => undefined });
    await subscription.caughtUp();
    await store.close();
    await expect(store.append('clock-1', [event()])).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    await subscription.stop();
  });
});
