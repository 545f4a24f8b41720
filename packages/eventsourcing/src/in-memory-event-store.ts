import type { EventEnvelope, NewEvent, RecordedEvent } from './envelope.js';
import { ZERO_HASH } from './envelope.js';
import { DealbookError } from './errors.js';
import type { AppendOptions, AppendResult, EventStore, ReadAllOptions, ReadAllPage, ReadStreamOptions, SubscribeOptions, Subscription } from './event-store.js';
import { compileFilter } from './event-store.js';
import { assertExpectedVersion, NO_STREAM_VERSION } from './expected-version.js';
import { sealEvents } from './hash-chain.js';
import { systemClock, type Clock } from './clock.js';
import { createCatchUpSubscription } from './subscription.js';
import { checkAppendArguments, checkReadAllOptions, checkReadStreamArguments } from './store-arguments.js';

/** Shared empty options, so calls without options allocate nothing. */
const NO_OPTIONS = Object.freeze({});

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
 * indexes into the log. Stored envelopes are frozen; the records around them
 * are made fresh on each read.
 */
export function createInMemoryEventStore(options: InMemoryEventStoreOptions = {}): InMemoryEventStore {
  const clock = options.clock ?? systemClock;
  // Envelopes only, in the one global log; the { position, event } records are
  // made when read, so a stored event costs no wrapper object. A stream is the
  // list of its events' positions (unboxed small integers, which the garbage
  // collector need not trace): version v is log[positions[v] - 1].
  const log: EventEnvelope[] = [];
  const streams = new Map<string, number[]>();
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
      for (; index < end; index++) events.push({ position: index + 1, event: log[index]! });
    } else {
      for (; index < log.length && events.length < maxCount; index++) {
        const event = log[index]!;
        if (matches(event)) events.push({ position: index + 1, event });
      }
    }
    return { events, position: Math.max(after, index), isEnd: index >= log.length };
  };

  return {
    get size() {
      return log.length;
    },

    async append(streamId: string, events: readonly NewEvent[], appendOptions: AppendOptions = NO_OPTIONS): Promise<AppendResult> {
      assertOpen();
      checkAppendArguments(streamId, events, appendOptions);
      const stream = streams.get(streamId);
      const current = stream === undefined ? NO_STREAM_VERSION : stream.length - 1;
      assertExpectedVersion(streamId, appendOptions.expectedVersion ?? 'any', current);
      if (events.length === 0) {
        return { nextExpectedVersion: current, position: stream?.[current] ?? 0, events: [] };
      }
      const prevHash = stream === undefined ? ZERO_HASH : log[stream[current]! - 1]!.hash;
      const sealed = sealEvents(streamId, current + 1, prevHash, events, clock());
      // Everything is validated and sealed; committing cannot fail half-way.
      const positions = stream ?? [];
      if (stream === undefined) streams.set(streamId, positions);
      const recorded: RecordedEvent[] = new Array<RecordedEvent>(sealed.length);
      for (let i = 0; i < sealed.length; i++) {
        const event = sealed[i]!;
        log.push(event);
        const position = log.length;
        positions.push(position);
        recorded[i] = { position, event };
      }
      if (waiting.size > 0) {
        const wake = [...waiting];
        waiting.clear();
        for (const resolve of wake) resolve();
      }
      return { nextExpectedVersion: current + sealed.length, position: recorded[recorded.length - 1]!.position, events: recorded };
    },

    async readStream(streamId: string, readOptions: ReadStreamOptions = NO_OPTIONS): Promise<RecordedEvent[]> {
      assertOpen();
      checkReadStreamArguments(streamId, readOptions);
      const positions = streams.get(streamId);
      if (positions === undefined) return [];
      const maxCount = readOptions.maxCount ?? Number.MAX_SAFE_INTEGER;
      const out: RecordedEvent[] = [];
      if (readOptions.direction === 'backwards') {
        const from = Math.min(readOptions.fromVersion ?? positions.length - 1, positions.length - 1);
        for (let v = from; v >= 0 && out.length < maxCount; v--) out.push({ position: positions[v]!, event: log[positions[v]! - 1]! });
        return out;
      }
      const end = Math.min(positions.length, (readOptions.fromVersion ?? 0) + maxCount);
      for (let v = readOptions.fromVersion ?? 0; v < end; v++) out.push({ position: positions[v]!, event: log[positions[v]! - 1]! });
      return out;
    },

    async readAll(readOptions: ReadAllOptions = NO_OPTIONS): Promise<ReadAllPage> {
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
