import {
  assertExpectedVersion,
  DealbookError,
  sealEvents,
  systemClock,
  ValidationError,
  VersionConflictError,
  ZERO_HASH,
  type AppendOptions,
  type AppendResult,
  type CheckpointStore,
  type Clock,
  type EventStore,
  type NewEvent,
  type ReadAllOptions,
  type ReadAllPage,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '@dealbook/eventsourcing';
import { createEsdbCheckpointStore } from './checkpoints.js';
import type { EsdbAppendResult, EsdbResolvedEvent, EventStoreDbClientLike } from './client-like.js';
import { isWrongExpectedVersion, PositionError, storeClosed } from './errors.js';
import { DEFAULT_CHECKPOINT_PREFIX, includingHead, isHiddenStream, planFilter, type FilterPlan } from './filters.js';
import { eventPosition, hasEnvelopeMarker, numberToReadPosition, positionToNumber, revisionOfVersion, toEnvelope, toEventData, toRecordedEvent, versionOfRevision } from './mapping.js';
import { collect, sleep } from './read-helpers.js';
import { checkAppendArguments, checkReadAllOptions, checkReadStreamArguments } from '@dealbook/eventsourcing';
import { createEsdbSubscription, type ResubscribeOptions } from './subscription.js';

export type { ResubscribeOptions } from './subscription.js';

export interface EventStoreDbStoreOptions {
  /** A configured EventStoreDB client (`EventStoreDBClient` or anything with the same methods). Closing the store does not dispose it unless `disposeClient` is true. */
  readonly client: EventStoreDbClientLike;
  /** Stamps `recordedAt`. Default: the system clock. */
  readonly clock?: Clock;
  /** Prefix of the streams holding projection checkpoints (hidden from `readAll`/`subscribe`). Default `'dealbook-checkpoint-'`. */
  readonly checkpointStreamPrefix?: string;
  /**
   * An append reads the stream's head and appends at exactly that revision, so
   * a concurrent writer cannot fork the hash chain. For `'any'` and
   * `'stream_exists'` a conflict with such a writer is retried, at most this
   * many attempts in all. Default 10.
   */
  readonly appendAttempts?: number;
  /** Events fetched per server read when paging `$all` without a filter. Default 512. */
  readonly readBatchSize?: number;
  /** How a subscription the server dropped is resumed. */
  readonly resubscribe?: ResubscribeOptions;
  /** Dispose the client when the store closes. Default false (a caller's client stays the caller's). */
  readonly disposeClient?: boolean;
}

/** The EventStoreDB store: the kernel's `EventStore` plus checkpoints kept in EventStoreDB. */
export interface EventStoreDbEventStore extends EventStore {
  /** The client the store talks through. */
  readonly client: EventStoreDbClientLike;
  /** Projection checkpoints, one stream per projection (`<checkpointStreamPrefix><name>`, stream metadata `maxCount: 1`). */
  checkpoints<State = unknown>(): CheckpointStore<State>;
}

const NO_OPTIONS = Object.freeze({});

interface Head {
  readonly version: number;
  readonly hash: string;
  readonly position: number;
}

/**
 * An `EventStore` on EventStoreDB. Streams are EventStoreDB streams, an event's
 * `streamVersion` is its revision, its global position is its commit position,
 * and the envelope fields EventStoreDB has no place for travel in the event's
 * metadata. See the package README for positions, filters and subscriptions.
 */
export function createEventStoreDbStore(options: EventStoreDbStoreOptions): EventStoreDbEventStore {
  const { client } = options;
  const clock = options.clock ?? systemClock;
  const checkpointPrefix = options.checkpointStreamPrefix ?? DEFAULT_CHECKPOINT_PREFIX;
  const appendAttempts = Math.max(1, options.appendAttempts ?? 10);
  const readBatchSize = Math.max(2, options.readBatchSize ?? 512);
  const subscriptions = new Set<Subscription>();
  let closed = false;

  const assertOpen = () => {
    if (closed) throw storeClosed();
  };

  const readHead = async (streamId: string): Promise<Head> => {
    const rows = await collect(client.readStream(streamId, { direction: 'backwards', fromRevision: 'end', maxCount: 1 }));
    const first = rows[0];
    if (first === undefined) return { version: -1, hash: ZERO_HASH, position: 0 };
    const record = toRecordedEvent(first);
    return { version: record.event.streamVersion, hash: record.event.hash, position: record.position };
  };

  /** The last record in `$all` (system events included; position 0 when empty): the end of the log "as it is now". */
  const allHead = async (): Promise<{ readonly position: number; readonly streamId: string; readonly type: string }> => {
    const rows = await collect(client.readAll({ direction: 'backwards', fromPosition: 'end', maxCount: 1 }));
    const event = rows[0]?.event;
    return event === undefined ? { position: 0, streamId: '', type: '' } : { position: eventPosition(event), streamId: event.streamId, type: event.type };
  };

  /**
   * Classifies one `$all` result: `undefined` for what the store hides
   * (system and checkpoint streams, events of other applications, events the
   * caller's filter rejects), else the recorded event.
   */
  const accept = (resolved: EsdbResolvedEvent, position: number, plan: FilterPlan): RecordedEvent | undefined => {
    const event = resolved.event;
    if (event === undefined || isHiddenStream(event.streamId, checkpointPrefix) || !hasEnvelopeMarker(event)) return undefined;
    const envelope = toEnvelope(event);
    if (plan.matches !== undefined && !plan.matches(envelope)) return undefined;
    return { position, event: envelope };
  };

  const checkRising = (position: number, previous: number) => {
    if (position <= previous) {
      throw new PositionError(
        `EventStoreDB returned position ${position} after ${previous}; positions must rise with every event (events of legacy explicit transactions share a commit position and are not supported).`,
      );
    }
  };

  /** `$all` without a server-side filter: pages of raw events, hidden ones skipped here. */
  const readAllUnfiltered = async (after: number, maxCount: number, plan: FilterPlan): Promise<ReadAllPage> => {
    const events: RecordedEvent[] = [];
    let position = after;
    const chunk = Math.min(readBatchSize, maxCount + 1);
    for (;;) {
      // Reads from a position include the event at it; `after` is exclusive, so it is skipped below.
      const rows = await collect(client.readAll({ direction: 'forwards', fromPosition: numberToReadPosition(position), maxCount: chunk }));
      for (const [i, row] of rows.entries()) {
        if (row.event === undefined) continue;
        const p = eventPosition(row.event);
        if (i === 0 && p === position) continue; // a read from a position includes the event at it
        checkRising(p, position);
        if (events.length >= maxCount) return { events, position, isEnd: false };
        position = p;
        const record = accept(row, p, plan);
        if (record !== undefined) events.push(record);
      }
      if (rows.length < chunk) return { events, position, isEnd: true };
    }
  };

  /**
   * `$all` with a server-side filter. The 6.x client's `readAll` cannot filter,
   * so the page is read through a filtered `subscribeToAll` from `after`,
   * stopped at `maxCount` events or once it has passed the log's head as it was
   * when the read began: the head event itself (the server filter is widened to
   * include it), a server checkpoint past it, or the server's "caught up"
   * message, whichever comes first.
   */
  const readAllFiltered = async (after: number, maxCount: number, plan: FilterPlan): Promise<ReadAllPage> => {
    const last = await allHead();
    const head = last.position;
    if (plan.matchesNothing || head <= after) return { events: [], position: Math.max(after, head), isEnd: true };
    const server = includingHead(plan.server!, last);
    const headBig = BigInt(head);
    return new Promise<ReadAllPage>((resolve, reject) => {
      const events: RecordedEvent[] = [];
      let position = after;
      let settled = false;
      const finish = (isEnd: boolean, error?: unknown) => {
        if (settled) return;
        settled = true;
        void subscription.unsubscribe().catch(() => undefined);
        if (error !== undefined) reject(error);
        else resolve({ events, position: isEnd ? Math.max(position, head) : position, isEnd });
      };
      const subscription = client.subscribeToAll({
        fromPosition: numberToReadPosition(after),
        filter: {
          filterOn: server.filterOn,
          regex: server.regex,
          checkpointInterval: 1,
          checkpointReached: (_subscription, checkpoint) => {
            // A checkpoint (c, p) says everything before it was considered; past the head, the page is complete.
            if (checkpoint.commit > headBig) finish(true);
          },
        },
      });
      subscription.on('data', (row) => {
        if (settled || row.event === undefined) return;
        try {
          const p = eventPosition(row.event);
          if (p <= after) return;
          checkRising(p, position);
          if (events.length >= maxCount) return finish(false);
          position = p;
          const record = accept(row, p, plan);
          if (record !== undefined) events.push(record);
          if (p >= head) finish(true);
        } catch (error) {
          finish(false, error);
        }
      });
      // Let events already in the client's buffer arrive before closing the page.
      subscription.on('caughtUp', () => setImmediate(() => finish(true)));
      subscription.on('error', (error) => finish(false, error));
      subscription.on('end', () => finish(false, new DealbookError('ESDB_READ', 'EventStoreDB ended a filtered $all read before it reached the end of the log.')));
    });
  };

  const readAllPage = (readOptions: ReadAllOptions): Promise<ReadAllPage> => {
    checkReadAllOptions(readOptions);
    const after = readOptions.after ?? 0;
    const maxCount = readOptions.maxCount ?? 1000;
    const plan = planFilter(readOptions.filter);
    return plan.server === undefined && !plan.matchesNothing ? readAllUnfiltered(after, maxCount, plan) : readAllFiltered(after, maxCount, plan);
  };

  /** Position of the last event matching `filter` after `after`, up to the head of the log now; `undefined` if none. */
  const lastMatchingAfter = async (after: number, filter: ReadAllOptions['filter']): Promise<number | undefined> => {
    let last: number | undefined;
    let position = after;
    for (;;) {
      const page = await readAllPage({ after: position, maxCount: 4096, ...(filter ? { filter } : {}) });
      const tail = page.events[page.events.length - 1];
      if (tail !== undefined) last = tail.position;
      position = page.position;
      if (page.isEnd) return last;
    }
  };

  const rejectReservedStream = (streamId: string) => {
    if (streamId.startsWith('$')) {
      throw new ValidationError('Append', [{ path: 'streamId', message: 'must not start with "$" (EventStoreDB reserves those for system streams)' }]);
    }
    if (streamId.startsWith(checkpointPrefix)) {
      throw new ValidationError('Append', [{ path: 'streamId', message: `must not start with "${checkpointPrefix}" (the store keeps projection checkpoints there)` }]);
    }
  };

  const store: EventStoreDbEventStore = {
    client,

    async append(streamId: string, events: readonly NewEvent[], appendOptions: AppendOptions = NO_OPTIONS): Promise<AppendResult> {
      assertOpen();
      checkAppendArguments(streamId, events, appendOptions);
      rejectReservedStream(streamId);
      const expected = appendOptions.expectedVersion ?? 'any';
      for (let attempt = 1; ; attempt++) {
        const head = await readHead(streamId);
        assertExpectedVersion(streamId, expected, head.version);
        if (events.length === 0) return { nextExpectedVersion: head.version, position: head.position, events: [] };
        const sealed = sealEvents(streamId, head.version + 1, head.hash, events, clock());
        let result: EsdbAppendResult | undefined;
        let conflict: { actual: number } | undefined;
        try {
          result = await client.appendToStream(streamId, sealed.map(toEventData), { expectedRevision: revisionOfVersion(head.version) });
          // A client built with `throwOnAppendFailure: false` reports the conflict in the result instead.
          if (!result.success) conflict = { actual: versionOfRevision(result.nextExpectedRevision) };
        } catch (error) {
          if (!isWrongExpectedVersion(error)) throw error;
          conflict = { actual: versionOfRevision(error.actualVersion) };
        }
        if (conflict !== undefined) {
          // A caller's own version (or 'no_stream') is the caller's conflict; for 'any'/'stream_exists' only our re-check lost a race.
          if (typeof expected === 'number' || expected === 'no_stream' || attempt >= appendAttempts) {
            throw new VersionConflictError(streamId, expected, conflict.actual);
          }
          continue;
        }
        const appended = result!;
        const nextExpectedVersion = head.version + sealed.length;
        let positions: number[];
        if (sealed.length === 1 && appended.position !== undefined) {
          positions = [positionToNumber(appended.position)];
        } else {
          // The append result carries the last event's position only: read the batch back for each event's own.
          const rows = await collect(client.readStream(streamId, { direction: 'forwards', fromRevision: BigInt(head.version + 1), maxCount: sealed.length }));
          positions = sealed.map((event, i) => {
            const row = rows[i]?.event;
            if (row === undefined || row.id.toLowerCase() !== event.eventId.toLowerCase()) {
              throw new DealbookError('ESDB_READBACK', `Appended ${sealed.length} events to "${streamId}" but could not read event ${head.version + 1 + i} back.`);
            }
            return eventPosition(row);
          });
        }
        const recorded = sealed.map((event, i) => ({ position: positions[i]!, event }));
        return { nextExpectedVersion, position: positions[positions.length - 1]!, events: recorded };
      }
    },

    async readStream(streamId: string, readOptions: ReadStreamOptions = NO_OPTIONS): Promise<RecordedEvent[]> {
      assertOpen();
      checkReadStreamArguments(streamId, readOptions);
      const backwards = readOptions.direction === 'backwards';
      const read = (fromRevision: 'start' | 'end' | bigint) =>
        collect(
          client.readStream(streamId, {
            direction: backwards ? 'backwards' : 'forwards',
            fromRevision,
            ...(readOptions.maxCount === undefined ? {} : { maxCount: readOptions.maxCount }),
          }),
        );
      const from = readOptions.fromVersion === undefined ? (backwards ? 'end' : 'start') : BigInt(readOptions.fromVersion);
      let rows = await read(from);
      if (rows.length === 0 && backwards && typeof from === 'bigint') {
        // Backwards from beyond the end starts at the last event, as the other stores do.
        const head = await readHead(streamId);
        if (head.version >= 0 && head.version < readOptions.fromVersion!) rows = await read('end');
      }
      return rows.map(toRecordedEvent);
    },

    async readAll(readOptions: ReadAllOptions = NO_OPTIONS): Promise<ReadAllPage> {
      assertOpen();
      return readAllPage(readOptions);
    },

    subscribe(subscribeOptions: SubscribeOptions): Subscription {
      assertOpen();
      checkReadAllOptions(subscribeOptions);
      const plan = planFilter(subscribeOptions.filter);
      const subscription = createEsdbSubscription(
        {
          client,
          plan,
          accept: (row) => {
            const event = row.event;
            if (event === undefined) return { skip: true };
            const position = eventPosition(event);
            return { position, record: accept(row, position, plan) };
          },
          lastMatchingAfter: (after) => lastMatchingAfter(after, subscribeOptions.filter),
          resubscribe: { ...options.resubscribe, delay: options.resubscribe?.delay ?? sleep },
        },
        subscribeOptions,
      );
      subscriptions.add(subscription);
      void subscription.done.catch(() => undefined).finally(() => subscriptions.delete(subscription));
      return subscription;
    },

    checkpoints<State = unknown>(): CheckpointStore<State> {
      return createEsdbCheckpointStore<State>(client, checkpointPrefix, assertOpen);
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...subscriptions].map((s) => s.stop()));
      if (options.disposeClient === true) await client.dispose();
    },
  };
  return store;
}
