import type { ReadAllOptions, ReadAllPage, SubscribeOptions, Subscription } from './event-store.js';

/**
 * Waits until new events may be there: resolves on a push notification, a
 * poll timeout, or when `signal` aborts.
 */
export type WaitForEvents = (signal: AbortSignal) => Promise<void>;

/**
 * A catch-up subscription built on `readAll`: pages through the log from the
 * checkpoint, hands each page to `onEvents`, and when it reaches the end waits
 * (`waitForEvents`) for more. Stores share it; they differ only in how they wait.
 */
export function createCatchUpSubscription(
  readAll: (options: ReadAllOptions) => Promise<ReadAllPage>,
  options: SubscribeOptions,
  waitForEvents: WaitForEvents,
): Subscription {
  const batchSize = options.batchSize ?? 1000;
  const stopper = new AbortController();
  const stopSignal = options.signal === undefined ? stopper.signal : AbortSignal.any([stopper.signal, options.signal]);
  let readsStarted = 0;
  const waiters: { afterRead: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let failure: { error: unknown } | undefined;
  let wake: AbortController | undefined;

  const loop = async (): Promise<void> => {
    let after = options.after ?? 0;
    while (!stopSignal.aborted) {
      const readNumber = ++readsStarted;
      const page = await readAll({ after, maxCount: batchSize, ...(options.filter ? { filter: options.filter } : {}) });
      if (stopSignal.aborted) break;
      if (page.events.length > 0) await options.onEvents(page.events, page.position);
      after = page.position;
      if (page.isEnd) {
        for (let i = waiters.length - 1; i >= 0; i--) {
          const waiter = waiters[i]!;
          if (waiter.afterRead < readNumber) {
            waiters.splice(i, 1);
            waiter.resolve();
          }
        }
        if (waiters.length > 0) continue; // someone asked to catch up after this read began: read once more
        wake = new AbortController();
        await waitForEvents(AbortSignal.any([stopSignal, wake.signal]));
        wake = undefined;
      }
    }
  };

  const done = endOfSubscription(loop(), waiters, (error) => {
    failure = { error };
    options.onError?.(error);
  });

  return {
    done,
    async stop() {
      stopper.abort();
      await done.catch(() => undefined);
    },
    caughtUp() {
      if (failure !== undefined) return Promise.reject(failure.error);
      if (stopSignal.aborted) return Promise.reject(new Error('subscription is stopped'));
      const caught = new Promise<void>((resolve, reject) => waiters.push({ afterRead: readsStarted, resolve, reject }));
      wake?.abort(); // an idle loop reads once more to see what was committed before this call
      return caught;
    },
  };
}

/** Wait helper for polling stores: resolves after `ms`, or at once when the signal aborts. */
export function pollEvery(ms: number): WaitForEvents {
  return (signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
}

/**
 * The end of a subscription's loop, for adapters that write their own
 * subscription: when the loop returns, every `caughtUp()` still waiting is
 * rejected (stopped before it caught up); when it throws, they are rejected
 * with the error and `onFailure` hears it once. The returned promise (the
 * subscription's `done`) settles as the loop did; a caller that never awaits
 * it gets `onFailure`, not an unhandled rejection.
 */
export function endOfSubscription(loop: Promise<void>, waiters: { reject(error: unknown): void }[], onFailure: (error: unknown) => void): Promise<void> {
  const done = loop.then(
    () => {
      for (const w of waiters.splice(0)) w.reject(new Error('subscription stopped before it caught up'));
    },
    (error: unknown) => {
      for (const w of waiters.splice(0)) w.reject(error);
      onFailure(error);
      throw error;
    },
  );
  done.catch(() => undefined);
  return done;
}
