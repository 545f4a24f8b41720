import {
  assertExpectedVersion,
  checkAppendArguments,
  checkReadAllOptions,
  checkReadStreamArguments,
  createCatchUpSubscription,
  NO_STREAM_VERSION,
  pollEvery,
  sealEvents,
  streamCategory,
  systemClock,
  ValidationError,
  VersionConflictError,
  ZERO_HASH,
  type AppendOptions,
  type AppendResult,
  type CheckpointStore,
  type Clock,
  type EventEnvelope,
  type EventStore,
  type ExpectedVersion,
  type NewEvent,
  type ReadAllOptions,
  type ReadAllPage,
  type ReadStreamOptions,
  type RecordedEvent,
  type SnapshotStore,
  type SubscribeOptions,
  type Subscription,
  type ValidationIssue,
} from '@dealbook/eventsourcing';
import { SqliteStoreError, sqliteCode } from './errors.js';
import { createPageQueries } from './read-all-query.js';
import { busy, openDatabase } from './schema.js';
import { prepareStateStatements, sqliteCheckpointStore, sqliteSnapshotStore } from './state-stores.js';

/** How hard SQLite works to keep a commit through a power loss (`PRAGMA synchronous`); see docs/stores.md. */
export type SqliteSynchronous = 'FULL' | 'NORMAL' | 'EXTRA' | 'OFF';

export interface SqliteEventStoreOptions {
  /** The database file (created when absent), or `':memory:'` for a private in-memory database. */
  readonly path: string;
  /** Stamps `recordedAt`. Default: the system clock. */
  readonly clock?: Clock;
  /**
   * `PRAGMA synchronous`. Default `'FULL'`: with WAL, every commit is fsynced
   * before `append` resolves, so it survives a power loss. `'NORMAL'` fsyncs
   * only at checkpoints: still never corrupt, but a power loss may drop the
   * last commits (a process crash loses nothing either way).
   */
  readonly synchronous?: SqliteSynchronous;
  /** How long to wait for another connection's write lock before failing with `BUSY`. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /** Subscriptions: how often to look for events other processes committed. Default 100 ms. */
  readonly pollIntervalMs?: number;
}

/** The SQLite event store: an `EventStore`, plus checkpoints and snapshots in the same file. */
export interface SqliteEventStore extends EventStore {
  /** The database path as given. */
  readonly path: string;
  /** Projection checkpoints in this database, for `createProjectionRunner({ checkpoints })`. States must be JSON-serializable. */
  checkpoints<State>(): CheckpointStore<State>;
  /** Aggregate snapshots in this database, for the command handler's `snapshots.store`. States must be JSON-serializable. */
  snapshots<State>(): SnapshotStore<State>;
  /** Number of events stored (a `count(*)`, which reads the smallest index: not free on a large log). */
  count(): Promise<number>;
}

/** Shared empty options, so calls without options allocate nothing. */
const NO_OPTIONS = Object.freeze({});
const SYNCHRONOUS: readonly string[] = ['FULL', 'NORMAL', 'EXTRA', 'OFF'];

/**
 * Opens or creates a durable event store in one SQLite file (better-sqlite3).
 *
 * Refuses, and leaves untouched, a file that is not SQLite, a database of
 * another application and a dealbook database of a newer schema
 * (`SqliteStoreError`); otherwise sets WAL mode, `synchronous` (default
 * FULL) and the busy timeout (default 5 s), and migrates its schema. Each
 * `append` is one `BEGIN IMMEDIATE` transaction; several handles or processes
 * may share a file (exactly one writer wins each stream version).
 * Subscriptions are woken by appends through this handle at once and find
 * other processes' commits by polling (default every 100 ms).
 */
export function createSqliteEventStore(options: SqliteEventStoreOptions): SqliteEventStore {
  checkOptions(options);
  const { path } = options;
  const clock = options.clock ?? systemClock;
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const db = openDatabase({ path, synchronous: options.synchronous ?? 'FULL', busyTimeoutMs: options.busyTimeoutMs ?? 5000 });

  const head = db.prepare("SELECT stream_version, position, json_extract(envelope, '$.hash') FROM events WHERE stream_id = ? ORDER BY stream_version DESC LIMIT 1").raw(true);
  const insert = db.prepare('INSERT INTO events (stream_id, stream_version, event_id, type, category, envelope) VALUES (?, ?, ?, ?, ?, ?)');
  const eventIdTaken = db.prepare('SELECT 1 FROM events WHERE event_id = ?').pluck();
  const forwards = db.prepare('SELECT position, envelope FROM events WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version LIMIT ?').raw(true);
  const backwards = db.prepare('SELECT position, envelope FROM events WHERE stream_id = ? AND stream_version <= ? ORDER BY stream_version DESC LIMIT ?').raw(true);
  const lastPosition = db.prepare('SELECT max(position) FROM events').pluck();
  const countAll = db.prepare('SELECT count(*) FROM events').pluck();
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const pageQuery = createPageQueries(db);
  const stateStatements = prepareStateStatements(db);

  let closed = false;
  /** Commits through this handle, so a subscription that read before one knows to read again. */
  let localCommits = 0;
  const waiting = new Set<() => void>();

  const assertOpen = () => {
    if (closed) throw new SqliteStoreError('STORE_CLOSED', path, `The SQLite event store "${path}" is closed.`);
  };

  const appendTransaction = db.transaction((streamId: string, events: readonly NewEvent[], expected: ExpectedVersion): AppendResult => {
    const row = head.get(streamId) as [number, number, string] | undefined;
    const current = row === undefined ? NO_STREAM_VERSION : row[0];
    assertExpectedVersion(streamId, expected, current);
    if (events.length === 0) return { nextExpectedVersion: current, position: row?.[1] ?? 0, events: [] };
    const lines: string[] = new Array<string>(events.length);
    const sealed = sealEvents(streamId, current + 1, row === undefined ? ZERO_HASH : row[2], events, clock(), lines);
    const category = streamCategory(streamId);
    const recorded = new Array<RecordedEvent>(sealed.length);
    for (let i = 0; i < sealed.length; i++) {
      const event = sealed[i]!;
      const position = insert.run(streamId, event.streamVersion, event.eventId, event.type, category, lines[i]!).lastInsertRowid as number;
      recorded[i] = { position, event };
    }
    return { nextExpectedVersion: current + sealed.length, position: recorded[recorded.length - 1]!.position, events: recorded };
  });

  /** A page and the log's end, read in one snapshot so `position` never skips an event committed in between. */
  const readPage = db.transaction((after: number, maxCount: number, options: ReadAllOptions): ReadAllPage => {
    const end = (lastPosition.get() as number | null) ?? 0;
    const query = pageQuery(options.filter);
    if (query === 'nothing') return { events: [], position: Math.max(after, end), isEnd: true };
    const rows = query.statement.all(...query.bind(after, maxCount)) as [number, string][];
    const events = toRecords(rows);
    if (events.length < maxCount) return { events, position: Math.max(after, end), isEnd: true };
    const last = events[events.length - 1]!.position;
    return { events, position: last, isEnd: last >= end };
  });

  const readAllSync = (readOptions: ReadAllOptions): ReadAllPage => {
    assertOpen();
    checkReadAllOptions(readOptions);
    return readPage(readOptions.after ?? 0, readOptions.maxCount ?? 1000, readOptions);
  };

  const wakeSubscriptions = () => {
    if (waiting.size === 0) return;
    const wake = [...waiting];
    waiting.clear();
    for (const resolve of wake) resolve();
  };

  return {
    path,

    async append(streamId: string, events: readonly NewEvent[], appendOptions: AppendOptions = NO_OPTIONS): Promise<AppendResult> {
      assertOpen();
      checkAppendArguments(streamId, events, appendOptions);
      const expected = appendOptions.expectedVersion ?? 'any';
      let result: AppendResult;
      try {
        result = appendTransaction.immediate(streamId, events, expected);
      } catch (error) {
        throw translateAppendError(error, { path, streamId, events, expected, currentVersion: () => (head.get(streamId) as [number] | undefined)?.[0] ?? NO_STREAM_VERSION, eventIdTaken: (id) => eventIdTaken.get(id) !== undefined });
      }
      if (result.events.length > 0) {
        localCommits++;
        wakeSubscriptions();
      }
      return result;
    },

    async readStream(streamId: string, readOptions: ReadStreamOptions = NO_OPTIONS): Promise<RecordedEvent[]> {
      assertOpen();
      checkReadStreamArguments(streamId, readOptions);
      const limit = readOptions.maxCount ?? -1;
      const rows =
        readOptions.direction === 'backwards'
          ? backwards.all(streamId, readOptions.fromVersion ?? Number.MAX_SAFE_INTEGER, limit)
          : forwards.all(streamId, readOptions.fromVersion ?? 0, limit);
      return toRecords(rows as [number, string][]);
    },

    async readAll(readOptions: ReadAllOptions = NO_OPTIONS): Promise<ReadAllPage> {
      return readAllSync(readOptions);
    },

    subscribe(subscribeOptions: SubscribeOptions): Subscription {
      assertOpen();
      const interval = subscribeOptions.pollIntervalMs ?? pollIntervalMs;
      const tick = pollEvery(interval);
      // What the last read had seen: commits through this handle, and SQLite's
      // data_version, which changes when any other connection commits.
      let seenLocal = -1;
      let seenData = -1;
      const changed = () => closed || localCommits !== seenLocal || (dataVersion.get() as number) !== seenData;
      return createCatchUpSubscription(
        async (o) => {
          assertOpen();
          seenLocal = localCommits;
          seenData = dataVersion.get() as number; // before the read: a commit after it is noticed
          return readAllSync(o);
        },
        subscribeOptions,
        async (signal) => {
          if (signal.aborted || changed()) return;
          const woken = new AbortController();
          const wake = () => woken.abort();
          waiting.add(wake);
          try {
            const either = AbortSignal.any([signal, woken.signal]);
            while (!either.aborted && !changed()) await tick(either);
          } finally {
            waiting.delete(wake);
          }
        },
      );
    },

    checkpoints<State>() {
      assertOpen();
      return sqliteCheckpointStore<State>(stateStatements, assertOpen);
    },

    snapshots<State>() {
      assertOpen();
      return sqliteSnapshotStore<State>(stateStatements, assertOpen);
    },

    async count() {
      assertOpen();
      return countAll.get() as number;
    },

    async close() {
      if (closed) return;
      closed = true;
      wakeSubscriptions();
      db.close();
    },
  };
}

function toRecords(rows: readonly [number, string][]): RecordedEvent[] {
  const out = new Array<RecordedEvent>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    out[i] = { position: row[0], event: JSON.parse(row[1]) as EventEnvelope };
  }
  return out;
}


function checkOptions(options: SqliteEventStoreOptions): void {
  const issues: ValidationIssue[] = [];
  if (typeof options !== 'object' || options === null) throw new ValidationError('SQLite event store options', [{ path: '', message: 'must be an object with at least `path`' }]);
  if (typeof options.path !== 'string' || options.path === '') issues.push({ path: 'path', message: "must be a file path or ':memory:'" });
  if (options.clock !== undefined && typeof options.clock !== 'function') issues.push({ path: 'clock', message: 'must be a function returning an ISO-8601 timestamp' });
  if (options.synchronous !== undefined && !SYNCHRONOUS.includes(options.synchronous)) issues.push({ path: 'synchronous', message: "must be 'FULL', 'NORMAL', 'EXTRA' or 'OFF'" });
  if (options.busyTimeoutMs !== undefined && !(Number.isSafeInteger(options.busyTimeoutMs) && options.busyTimeoutMs >= 0)) issues.push({ path: 'busyTimeoutMs', message: 'must be an integer ≥ 0' });
  if (options.pollIntervalMs !== undefined && !(Number.isSafeInteger(options.pollIntervalMs) && options.pollIntervalMs >= 1)) issues.push({ path: 'pollIntervalMs', message: 'must be an integer ≥ 1' });
  if (issues.length > 0) throw new ValidationError('SQLite event store options', issues);
}

/** What {@link translateAppendError} needs to know about the failed append. */
export interface FailedAppend {
  readonly path: string;
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expected: ExpectedVersion;
  readonly currentVersion: () => number;
  readonly eventIdTaken: (eventId: string) => boolean;
}

/**
 * Turns a SQLite error from an append (already rolled back) into dealbook's:
 * a UNIQUE (stream, version) violation becomes `VersionConflictError` (another
 * writer took the version), a UNIQUE event id a `ValidationError` naming the
 * event, `SQLITE_BUSY` a `SqliteStoreError('BUSY')`. Anything else is returned as is.
 */
export function translateAppendError(error: unknown, append: FailedAppend): unknown {
  const code = sqliteCode(error);
  if (code === undefined) return error;
  if (code.startsWith('SQLITE_BUSY')) return busy(append.path, error);
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const message = (error as Error).message;
    if (message.includes('events.event_id')) {
      const issues: ValidationIssue[] = [];
      const seen = new Set<string>();
      append.events.forEach((event, i) => {
        if (seen.has(event.eventId)) issues.push({ path: `events[${i}].eventId`, message: `${event.eventId} appears twice in this append` });
        else if (append.eventIdTaken(event.eventId)) issues.push({ path: `events[${i}].eventId`, message: `${event.eventId} is already stored (event ids are unique in a store)` });
        seen.add(event.eventId);
      });
      return new ValidationError(`Append to "${append.streamId}"`, issues.length > 0 ? issues : [{ path: 'events', message: 'an event id is already stored' }]);
    }
    if (message.includes('events.stream_id')) return new VersionConflictError(append.streamId, append.expected, append.currentVersion());
  }
  return error;
}
