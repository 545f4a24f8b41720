import type { EventEnvelope, NewEvent, RecordedEvent } from './envelope.js';
import { streamCategory } from './envelope.js';
import type { ExpectedVersion } from './expected-version.js';

export interface AppendOptions {
  /** Default `'any'`. A mismatch throws `VersionConflictError` and writes nothing. */
  readonly expectedVersion?: ExpectedVersion;
}

export interface AppendResult {
  /** The stream's version after the append (the last appended event's `streamVersion`; `-1` for an empty append to an empty stream). */
  readonly nextExpectedVersion: number;
  /** Global position of the last appended event (of the stream's head for an empty append; 0 when there is none). */
  readonly position: number;
  /** The sealed envelopes as stored, with their positions. */
  readonly events: readonly RecordedEvent[];
}

export interface ReadStreamOptions {
  /** Default `'forwards'`. */
  readonly direction?: 'forwards' | 'backwards';
  /**
   * First `streamVersion` to return (inclusive). Default: 0 forwards, the
   * stream's last event backwards.
   */
  readonly fromVersion?: number;
  /** Default: no limit. */
  readonly maxCount?: number;
}

/** Server-side filter for `readAll` / `subscribe`. Both lists given: an event must match both. */
export interface EventFilter {
  /** Stream categories (`customer` matches `customer-42`). */
  readonly streamCategories?: readonly string[];
  readonly eventTypes?: readonly string[];
}

export interface ReadAllOptions {
  /** Read events strictly after this global position (a checkpoint). Default 0: from the start. */
  readonly after?: number;
  /** At most this many events in the page. Default 1000. */
  readonly maxCount?: number;
  readonly filter?: EventFilter;
}

export interface ReadAllPage {
  /** Matching events in global commit order. */
  readonly events: readonly RecordedEvent[];
  /**
   * Where to continue: pass it as `after` for the next page. It moves past
   * events the filter skipped, so a sparse filter still makes progress.
   */
  readonly position: number;
  /** True when the page reached the end of the log as it was when read. */
  readonly isEnd: boolean;
}

export interface SubscribeOptions extends Omit<ReadAllOptions, 'maxCount'> {
  /** Events per `onEvents` call, at most. Default 1000. */
  readonly batchSize?: number;
  /**
   * Called with each batch, in order; the next batch waits for its promise.
   * `position` is the checkpoint to store once the batch is handled.
   */
  readonly onEvents: (events: readonly RecordedEvent[], position: number) => void | Promise<void>;
  /** Called once when the subscription stops on an error (from the store or `onEvents`). */
  readonly onError?: (error: unknown) => void;
  /** For stores without push notification: how often to look for new events. */
  readonly pollIntervalMs?: number;
  readonly signal?: AbortSignal;
}

export interface Subscription {
  /** Stops after the batch in progress; resolves when stopped. */
  stop(): Promise<void>;
  /** Settles when the subscription stops: resolves on `stop()`/abort, rejects on error. */
  readonly done: Promise<void>;
  /** Resolves once the subscription has handled everything committed before this call. */
  caughtUp(): Promise<void>;
}

/**
 * The contract every dealbook store implements (in-memory, SQLite,
 * EventStoreDB), checked by the shared contract suite of `@dealbook/testing`.
 *
 * - `append` is atomic: all events of the call are stored, in order, or none.
 * - The store seals events: it assigns `streamVersion`, `recordedAt` (its
 *   clock, unless given), `prevHash` and `hash`.
 * - Global positions are positive, strictly increasing in commit order, and
 *   not necessarily contiguous.
 */
export interface EventStore {
  append(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** Events of one stream; an unknown stream reads as empty. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** One page of the global log in commit order, after a position. */
  readAll(options?: ReadAllOptions): Promise<ReadAllPage>;
  /** Catch-up subscription: delivers everything after `after`, then new events as they commit. */
  subscribe(options: SubscribeOptions): Subscription;
  /** Releases connections or file handles. */
  close(): Promise<void>;
}

/**
 * Compiles a filter into a predicate (sets instead of list scans, no category
 * slicing unless categories are filtered on).
 */
export function compileFilter(filter: EventFilter | undefined): ((event: EventEnvelope) => boolean) | undefined {
  if (filter === undefined) return undefined;
  const types = filter.eventTypes === undefined ? undefined : new Set(filter.eventTypes);
  const categories = filter.streamCategories === undefined ? undefined : new Set(filter.streamCategories);
  if (types === undefined && categories === undefined) return undefined;
  return (event) =>
    (types === undefined || types.has(event.type)) &&
    (categories === undefined || categories.has(streamCategory(event.streamId)));
}
