import type { NewEvent, RecordedEvent } from './envelope.js';
import { ZERO_HASH } from './envelope.js';
import { DealbookError } from './errors.js';
import type { AppendOptions, AppendResult, EventStore, ReadAllOptions, ReadAllPage, ReadStreamOptions, SubscribeOptions, Subscription } from './event-store.js';
import { compileFilter } from './event-store.js';
import { assertExpectedVersion, NO_STREAM_VERSION } from './expected-version.js';
import { sealEvents } from './hash-chain.js';
import { systemClock, type Clock } from './clock.js';
import { createCatchUpSubscription } from './subscription.js';
import { checkAppendArguments, checkReadAllOptions, checkReadStreamArguments } from './store-arguments.js';

export interface InMemoryEventStoreOptions {
  /** Stamps `recordedAt`. Default: the system clock. */
  readonly clock?: Clock;
}

export interface InMemoryEventStore extends EventStore {
  /** Number of events stored. */
  readonly size: number;
}

/**
 * The default store: everything in process memory, gone when the process ends.
 *
 * Appends push onto per-stream arrays and one global log (no copying, so an
 * append costs the same at 1k or 1M stored events); positions are 1-based
 * indexes into the log. Stored envelopes and records are frozen.
 */
export function createInMemoryEventStore(options: InMemoryEventStoreOptions = {}): InMemoryEventStore {
  const clock = options.clock ?? systemClock;
  const log: RecordedEvent[] = [];
  const streams = new Map<string, RecordedEvent[]>();
  const waiting = new Set<() => void>();
  let closed = false;

  const assertOpen = () => {
    if (closed) throw new DealbookError('STORE_CLOSED', 'The in-memory event store is closed.');
  };

  const readAllSync = (options: ReadAllOptions = {}): ReadAllPage => {
    checkReadAllOptions(options);
    const after = options.after ?? 0;
    const maxCount = options.maxCount ?? 1000;
    const matches = compileFilter(options.filter);
    const events: RecordedEvent[] = [];
    let index = Math.min(after, log.length); // position p lives at index p - 1
    if (matches === undefined) {
      const end = Math.min(log.length, index + maxCount);
      for (; index < end; index++) events.push(log[index]!);
    } else {
      for (; index < log.length && events.length < maxCount; index++) {
        const record = log[index]!;
        if (matches(record.event)) events.push(record);
      }
    }
    return { events, position: Math.max(after, index), isEnd: index >= log.length };
  };

  return {
    get size() {
      return log.length;
    },

    async append(streamId: string, events: readonly NewEvent[], appendOptions: AppendOptions = {}): Promise<AppendResult> {
      assertOpen();
      checkAppendArguments(streamId, events, appendOptions);
      const stream = streams.get(streamId);
      const current = stream === undefined ? NO_STREAM_VERSION : stream.length - 1;
      assertExpectedVersion(streamId, appendOptions.expectedVersion ?? 'any', current);
      if (events.length === 0) {
        return { nextExpectedVersion: current, position: stream?.[current]?.position ?? 0, events: [] };
      }
      const prevHash = stream === undefined ? ZERO_HASH : stream[current]!.event.hash;
      const sealed = sealEvents(streamId, current + 1, prevHash, events, clock());
      // Everything is validated and sealed; committing cannot fail half-way.
      const target = stream ?? [];
      if (stream === undefined) streams.set(streamId, target);
      const recorded: RecordedEvent[] = new Array<RecordedEvent>(sealed.length);
      for (let i = 0; i < sealed.length; i++) {
        const record: RecordedEvent = Object.freeze({ position: log.length + 1, event: sealed[i]! });
        log.push(record);
        target.push(record);
        recorded[i] = record;
      }
      if (waiting.size > 0) {
        const wake = [...waiting];
        waiting.clear();
        for (const resolve of wake) resolve();
      }
      return { nextExpectedVersion: current + sealed.length, position: recorded[recorded.length - 1]!.position, events: recorded };
    },

    async readStream(streamId: string, readOptions: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
      assertOpen();
      checkReadStreamArguments(streamId, readOptions);
      const stream = streams.get(streamId);
      if (stream === undefined) return [];
      const maxCount = readOptions.maxCount ?? Number.MAX_SAFE_INTEGER;
      if (readOptions.direction === 'backwards') {
        const from = Math.min(readOptions.fromVersion ?? stream.length - 1, stream.length - 1);
        const out: RecordedEvent[] = [];
        for (let v = from; v >= 0 && out.length < maxCount; v--) out.push(stream[v]!);
        return out;
      }
      const from = readOptions.fromVersion ?? 0;
      return stream.slice(from, Math.min(stream.length, from + maxCount));
    },

    async readAll(readOptions: ReadAllOptions = {}): Promise<ReadAllPage> {
      assertOpen();
      return readAllSync(readOptions);
    },

    subscribe(subscribeOptions: SubscribeOptions): Subscription {
      assertOpen();
      return createCatchUpSubscription(
        async (o) => readAllSync(o),
        subscribeOptions,
        (signal) =>
          new Promise<void>((resolve) => {
            if (signal.aborted || closed) return resolve();
            const done = () => {
              waiting.delete(done);
              signal.removeEventListener('abort', done);
              resolve();
            };
            waiting.add(done);
            signal.addEventListener('abort', done, { once: true });
          }),
      );
    },

    async close() {
      closed = true;
      for (const resolve of [...waiting]) resolve();
      waiting.clear();
    },
  };
}
