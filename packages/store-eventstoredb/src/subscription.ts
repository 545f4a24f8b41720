import { endOfSubscription, type RecordedEvent, type SubscribeOptions, type Subscription } from '@dealbook/eventsourcing';
import type { EsdbAllSubscription, EsdbResolvedEvent, EventStoreDbClientLike } from './client-like.js';
import { PositionError, SubscriptionDroppedError } from './errors.js';
import type { FilterPlan } from './filters.js';
import { numberToReadPosition } from './mapping.js';

/** How a subscription the server dropped is resumed: from the last delivered position, after an exponential backoff. */
export interface ResubscribeOptions {
  /** Resubscriptions in a row (without anything received in between) before giving up with `SubscriptionDroppedError`. Default 10. */
  readonly maxAttempts?: number;
  /** Wait before the first resubscription. Default 100 ms; doubles with each further attempt. */
  readonly initialDelayMs?: number;
  /** Longest wait between attempts. Default 10 000 ms. */
  readonly maxDelayMs?: number;
  /** How to wait (inject a fake in tests). Default: a timer that ends early when the subscription stops. */
  readonly delay?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** What the subscription needs from the store. */
export interface SubscriptionDeps {
  readonly client: EventStoreDbClientLike;
  readonly plan: FilterPlan;
  /** Maps one server event: its position and the record to deliver (`undefined`: hidden), or `skip` for a result without an event. */
  readonly accept: (row: EsdbResolvedEvent) => { readonly position: number; readonly record: RecordedEvent | undefined } | { readonly skip: true };
  /** Position of the last event the subscription would deliver after `after`, up to the log's head now. */
  readonly lastMatchingAfter: (after: number) => Promise<number | undefined>;
  readonly resubscribe: ResubscribeOptions & { readonly delay: (ms: number, signal: AbortSignal) => Promise<void> };
}

/** The backoff before resubscription `attempt` (1-based): `initialDelayMs · 2^(attempt-1)`, at most `maxDelayMs`. */
export function backoffDelay(attempt: number, options: ResubscribeOptions = {}): number {
  const initial = options.initialDelayMs ?? 100;
  const max = options.maxDelayMs ?? 10_000;
  return Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
}

/** Raised inside a session when the server ended or failed the subscription (not when the caller stopped it). */
class Dropped {
  constructor(readonly cause: unknown) {}
}

/** One `subscribeToAll` call: a queue of delivered-to-be records fed by the server. */
function openSession(deps: SubscriptionDeps, from: number, highWater: number, onAlive: () => void) {
  const queue: RecordedEvent[] = [];
  let last = from;
  let ended: { error: unknown } | undefined;
  let fatal: { error: unknown } | undefined;
  let paused = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  let subscription: EsdbAllSubscription | undefined;
  try {
    const server = deps.plan.server;
    subscription = deps.client.subscribeToAll({
      fromPosition: numberToReadPosition(from),
      ...(server === undefined ? {} : { filter: { filterOn: server.filterOn, regex: server.regex, checkpointInterval: 1 } }),
    });
  } catch (error) {
    ended = { error };
  }
  subscription?.on('data', (row) => {
    if (fatal !== undefined || ended !== undefined) return;
    try {
      const mapped = deps.accept(row);
      if ('skip' in mapped) return;
      if (mapped.position <= last) {
        throw new PositionError(
          `EventStoreDB delivered position ${mapped.position} after ${last}; positions must rise with every event (events of legacy explicit transactions share a commit position and are not supported).`,
        );
      }
      last = mapped.position;
      onAlive();
      if (mapped.record !== undefined) {
        queue.push(mapped.record);
        if (queue.length >= highWater && !paused) {
          paused = true;
          subscription?.pause();
        }
      }
    } catch (error) {
      fatal = { error };
    }
    notify();
  });
  subscription?.on('caughtUp', onAlive);
  subscription?.on('error', (error) => {
    ended ??= { error };
    notify();
  });
  subscription?.on('end', () => {
    ended ??= { error: new Error('EventStoreDB ended the subscription') };
    notify();
  });

  return {
    /** Up to `max` records; waits for some. Empty when `signal` aborts; throws `Dropped` once the server ended it and the queue is empty. */
    async take(max: number, signal: AbortSignal): Promise<RecordedEvent[]> {
      for (;;) {
        if (fatal !== undefined) throw fatal.error;
        if (queue.length > 0) {
          const batch = queue.splice(0, max);
          if (paused && queue.length < highWater / 2) {
            paused = false;
            subscription?.resume();
          }
          return batch;
        }
        if (ended !== undefined) throw new Dropped(ended.error);
        if (signal.aborted) return [];
        await new Promise<void>((resolve) => {
          const done = () => {
            signal.removeEventListener('abort', done);
            resolve();
          };
          wake = done;
          signal.addEventListener('abort', done, { once: true });
        });
      }
    },
    async close() {
      await subscription?.unsubscribe().catch(() => undefined);
    },
  };
}

/**
 * A catch-up subscription on `subscribeToAll` with the store's filter. Events
 * are batched into `onEvents` (at most `batchSize`, as many as have arrived);
 * when the server drops the subscription it resubscribes from the last
 * delivered position after an exponential backoff, at most
 * `resubscribe.maxAttempts` times in a row. `caughtUp()` finds the last
 * matching event committed before the call and resolves once it is handled.
 */
export function createEsdbSubscription(deps: SubscriptionDeps, options: SubscribeOptions): Subscription {
  const batchSize = options.batchSize ?? 1000;
  const maxAttempts = deps.resubscribe.maxAttempts ?? 10;
  const stopper = new AbortController();
  const signal = options.signal === undefined ? stopper.signal : AbortSignal.any([stopper.signal, options.signal]);
  let handled = options.after ?? 0;
  let failure: { error: unknown } | undefined;
  const waiters: { target: number; resolve: () => void; reject: (error: unknown) => void }[] = [];

  const settleWaiters = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i]!;
      if (waiter.target <= handled) {
        waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  };

  const idle = () =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });

  const loop = async (): Promise<void> => {
    let failures = 0;
    while (!signal.aborted) {
      if (deps.plan.matchesNothing) {
        await idle(); // an empty list of categories or types: nothing will ever match
        break;
      }
      const session = openSession(deps, handled, Math.max(2 * batchSize, 64), () => {
        failures = 0;
      });
      let dropped: Dropped | undefined;
      try {
        while (!signal.aborted) {
          const batch = await session.take(batchSize, signal);
          if (batch.length === 0) break;
          const position = batch[batch.length - 1]!.position;
          await options.onEvents(batch, position);
          handled = position;
          settleWaiters();
        }
      } catch (error) {
        if (!(error instanceof Dropped)) throw error;
        dropped = error;
      } finally {
        await session.close();
      }
      if (signal.aborted || dropped === undefined) break;
      failures++;
      if (failures > maxAttempts) throw new SubscriptionDroppedError(maxAttempts, dropped.cause);
      await deps.resubscribe.delay(backoffDelay(failures, deps.resubscribe), signal);
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
    async caughtUp() {
      const check = () => {
        if (failure !== undefined) throw failure.error;
        if (signal.aborted) throw new Error('subscription is stopped');
      };
      check();
      const target = await deps.lastMatchingAfter(handled);
      if (target === undefined || target <= handled) return;
      check();
      await new Promise<void>((resolve, reject) => {
        waiters.push({ target, resolve, reject });
        settleWaiters();
      });
    },
  };
}
