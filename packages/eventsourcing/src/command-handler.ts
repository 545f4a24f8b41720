import { z } from 'zod';
import type { Decider, DomainEvent } from './decider.js';
import type { EventEnvelope, EventMetadata, NewEvent, RecordedEvent } from './envelope.js';
import { isIsoTimestamp, isoTimestampSchema } from './envelope.js';
import { formatPath, ValidationError, VersionConflictError } from './errors.js';
import type { EventStore } from './event-store.js';
import { NO_STREAM_VERSION, satisfiesExpectedVersion, type ExpectedVersion } from './expected-version.js';
import { randomIds, type IdGenerator } from './ids.js';
import type { SnapshotPolicy, SnapshotStore } from './snapshots.js';
import { createRecentMap } from './recent-map.js';
import { noUpcasters, type UpcasterRegistry } from './upcasters.js';

/**
 * What every command carries besides its own fields: an idempotency key, who
 * sends it, and when it happened in business time (may lie in the past).
 */
export interface CommandEnvelope {
  readonly type: string;
  readonly commandId: string;
  readonly actorId: string;
  readonly occurredAt: string;
  /** Default: the command's `commandId`. */
  readonly correlationId?: string;
  /** Default: the command's `commandId`. */
  readonly causationId?: string;
}

const nonEmpty = z.string().min(1, 'must not be empty').max(512, 'is longer than 512 characters');
/** Checks the envelope fields of a command (its own fields are the domain's to check). */
export const commandEnvelopeSchema = z.looseObject({
  type: nonEmpty,
  commandId: nonEmpty,
  actorId: nonEmpty,
  occurredAt: isoTimestampSchema,
  correlationId: nonEmpty.optional(),
  causationId: nonEmpty.optional(),
});

export interface RetryOptions {
  /** Attempts in all, the first included. Default 5. */
  readonly maxAttempts?: number;
  /** Wait before attempt `n + 1` (n ≥ 1), in ms. Default: none. */
  readonly backoffMs?: (attempt: number) => number;
}

export interface SnapshotOptions<State> {
  readonly store: SnapshotStore<State>;
  /** When to save one after an append. */
  readonly policy: SnapshotPolicy;
  /** Shape version of `State`; snapshots of another version are ignored. Default 1. */
  readonly stateVersion?: number;
}

export interface CommandHandlerOptions<Command, Event, State> {
  readonly store: EventStore;
  readonly decider: Decider<Command, Event, State>;
  /** Event ids. Default: random UUIDs. */
  readonly ids?: IdGenerator;
  /** Applied to every event read back; also gives new events their schema version. */
  readonly upcasters?: UpcasterRegistry;
  readonly snapshots?: SnapshotOptions<State>;
  readonly retry?: RetryOptions;
  /**
   * When the state is loaded from a snapshot, this many events before it are
   * read too, only to recognise re-sent commands. Default 1000. Without
   * snapshots every event of the stream is seen.
   */
  readonly idempotencyWindow?: number;
  /**
   * Keep each stream's latest state in process memory, so a command reads
   * only the events appended since (by anyone: other writers are picked up
   * from the store). States must be treated as immutable (`evolve` returns
   * new objects). `true` caches up to 10,000 streams; those not used for
   * longest go first (kept in two generations of half the limit each).
   * Default: off.
   */
  readonly cache?: boolean | { readonly maxStreams?: number };
}

export interface HandleOptions {
  /**
   * The version the caller saw (e.g. an HTTP `If-Match`). When given, a stream
   * at another version fails at once with `VersionConflictError`, without retry.
   */
  readonly expectedVersion?: ExpectedVersion;
}

const NO_HANDLE_OPTIONS: HandleOptions = Object.freeze({});

export interface CommandResult<Event, State> {
  /** The aggregate's state after the command (its current state for a duplicate). */
  readonly state: State;
  /** The events recorded for this command: newly appended, or for a duplicate those of the first time. */
  readonly events: readonly RecordedEvent<EventEnvelope<string, unknown>>[];
  /** The decided domain events (empty for a duplicate). */
  readonly decided: readonly Event[];
  /** Stream version after the command (for a duplicate: after its first outcome). */
  readonly version: number;
  /** Global position of the last recorded event, or 0 when none. */
  readonly position: number;
  /** True when this `commandId` had already been handled: nothing was appended. */
  readonly duplicate: boolean;
  /** Attempts it took (conflicts retried + 1). */
  readonly attempts: number;
}

export interface CommandHandler<Command, Event, State> {
  /** Load → decide → append with the loaded version → on conflict reload and retry. */
  handle(streamId: string, command: Command, options?: HandleOptions): Promise<CommandResult<Event, State>>;
  /** The aggregate's current state and version (`-1` when the stream is empty). */
  load(streamId: string): Promise<{ readonly state: State; readonly version: number }>;
}

interface Loaded<State> {
  readonly state: State;
  readonly version: number;
  readonly snapshotVersion: number;
  /** Events seen while loading, for recognising re-sent commands. */
  readonly seen: readonly RecordedEvent[];
  /** The stream's cache entry, when the cache is on. */
  readonly entry?: CacheEntry<State>;
}

/** What the state cache keeps per stream: the state at a version, and where each command's events begin. */
interface CacheEntry<State> {
  state: State;
  version: number;
  snapshotVersion: number;
  /** commandId → the stream version of its first event (its events follow it: an append is never split). */
  readonly commands: Map<string, number>;
}

function noteCommands(commands: CacheEntry<unknown>['commands'], records: readonly RecordedEvent[]): void {
  let previous: string | undefined;
  for (let i = 0; i < records.length; i++) {
    const event = records[i]!.event;
    const commandId = event.metadata.commandId;
    if (commandId !== previous && !commands.has(commandId)) commands.set(commandId, event.streamVersion);
    previous = commandId;
  }
}

/**
 * Wires a decider to a store. A command re-sent with the same `commandId`
 * returns its first outcome and appends nothing (recognised from the
 * `commandId` in the stored events' metadata, so it survives restarts).
 */
export function createCommandHandler<Command extends CommandEnvelope, Event extends DomainEvent, State>(
  options: CommandHandlerOptions<Command, Event, State>,
): CommandHandler<Command, Event, State> {
  const { store, decider } = options;
  const ids = options.ids ?? randomIds;
  const upcasters = options.upcasters ?? noUpcasters;
  const upcast = options.upcasters === undefined ? undefined : (e: EventEnvelope) => upcasters.upcast(e);
  const maxAttempts = options.retry?.maxAttempts ?? 5;
  const backoff = options.retry?.backoffMs;
  const window = options.idempotencyWindow ?? 1000;
  const snapshots = options.snapshots;
  const stateVersion = snapshots?.stateVersion ?? 1;
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('retry.maxAttempts must be an integer ≥ 1');

  const evolveAll = (state: State, records: readonly RecordedEvent[], afterVersion: number): State => {
    let s = state;
    for (const r of records) {
      if (r.event.streamVersion <= afterVersion) continue;
      s = decider.evolve(s, (upcast === undefined ? r.event : upcast(r.event)) as unknown as Event);
    }
    return s;
  };

  const cacheLimit = options.cache === undefined || options.cache === false ? 0 : options.cache === true ? 10_000 : (options.cache.maxStreams ?? 10_000);
  const cache = createRecentMap<string, CacheEntry<State>>(Math.max(1, cacheLimit));

  const loadCached = async (streamId: string): Promise<Loaded<State>> => {
    const entry = cache.get(streamId);
    if (entry === undefined) {
      const loaded = await loadFromStore(streamId);
      const fresh: CacheEntry<State> = { state: loaded.state, version: loaded.version, snapshotVersion: loaded.snapshotVersion, commands: new Map() };
      noteCommands(fresh.commands, loaded.seen);
      cache.set(streamId, fresh);
      return { ...loaded, entry: fresh };
    }
    const tail = await store.readStream(streamId, { fromVersion: entry.version + 1 });
    if (tail.length > 0) {
      entry.state = evolveAll(entry.state, tail, entry.version);
      entry.version = tail[tail.length - 1]!.event.streamVersion;
      noteCommands(entry.commands, tail);
    }
    return { state: entry.state, version: entry.version, snapshotVersion: entry.snapshotVersion, seen: tail, entry };
  };

  const loadFromStore = async (streamId: string): Promise<Loaded<State>> => {
    const snapshot = snapshots === undefined ? undefined : await snapshots.store.load(streamId);
    if (snapshot !== undefined && snapshot.stateVersion === stateVersion) {
      const records = await store.readStream(streamId, { fromVersion: Math.max(0, snapshot.version + 1 - window) });
      const head = records.length === 0 ? NO_STREAM_VERSION : records[records.length - 1]!.event.streamVersion;
      if (head >= snapshot.version) {
        return {
          state: evolveAll(snapshot.state, records, snapshot.version),
          version: head,
          snapshotVersion: snapshot.version,
          seen: records,
        };
      }
      // The stream is shorter than the snapshot claims (e.g. a store was reset): do not trust it.
    }
    return fromStart(await store.readStream(streamId));
  };
  /** The state made from a whole stream. */
  const fromStart = (records: RecordedEvent[]): Loaded<State> => {
    const version = records.length === 0 ? NO_STREAM_VERSION : records[records.length - 1]!.event.streamVersion;
    return { state: evolveAll(decider.initialState, records, NO_STREAM_VERSION), version, snapshotVersion: NO_STREAM_VERSION, seen: records };
  };
  // Neither cache nor snapshots: a command reads its stream and folds it, with no async layer between.
  const plain = cacheLimit === 0 && snapshots === undefined;

  /** The events of a command, from the version of its first one: read until another command's event or the stream's end. */
  const readCommand = async (streamId: string, commandId: string, from: number): Promise<RecordedEvent[]> => {
    const out: RecordedEvent[] = [];
    for (let next = from; ; ) {
      const chunk = await store.readStream(streamId, { fromVersion: next, maxCount: 16 });
      for (const record of chunk) {
        if (record.event.metadata.commandId !== commandId) return out;
        out.push(record);
      }
      if (chunk.length < 16) return out;
      next += 16;
    }
  };

  // Without the cache, loading is reading the stream: no extra async layer per command.
  const load = cacheLimit === 0 ? loadFromStore : loadCached;

  const checkCommand = (command: Command): void => {
    if (isWellFormedCommandEnvelope(command)) return;
    const parsed = commandEnvelopeSchema.safeParse(command);
    if (!parsed.success) {
      throw new ValidationError(
        `Command ${typeof (command as { type?: unknown })?.type === 'string' ? (command as { type: string }).type : ''}`.trim(),
        parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
      );
    }
  };

  return {
    async load(streamId) {
      const { state, version } = await load(streamId);
      return { state, version };
    },

    async handle(streamId, command, handleOptions: HandleOptions = NO_HANDLE_OPTIONS) {
      checkCommand(command);
      const explicit = handleOptions.expectedVersion;
      for (let attempt = 1; ; attempt++) {
        const loaded = plain ? fromStart(await store.readStream(streamId)) : await load(streamId);

        const known = loaded.entry?.commands.get(command.commandId);
        const previous = known === undefined ? recordsOfCommand(loaded.seen, command.commandId) : await readCommand(streamId, command.commandId, known);
        if (previous !== undefined && previous.length > 0) {
          const last = previous[previous.length - 1]!;
          return { state: loaded.state, events: previous, decided: [], version: last.event.streamVersion, position: last.position, duplicate: true, attempts: attempt };
        }
        if (explicit !== undefined && !satisfiesExpectedVersion(explicit, loaded.version)) {
          throw new VersionConflictError(streamId, explicit, loaded.version);
        }

        const decided = decider.decide(command, loaded.state);
        if (decided.length === 0) {
          return { state: loaded.state, events: [], decided, version: loaded.version, position: 0, duplicate: false, attempts: attempt };
        }
        // Keys in canonical (sorted) order: the store's canonical copy then needs no sort.
        const metadata: EventMetadata = {
          actorId: command.actorId,
          causationId: command.causationId ?? command.commandId,
          commandId: command.commandId,
          correlationId: command.correlationId ?? command.commandId,
        };
        const newEvents: NewEvent[] = new Array<NewEvent>(decided.length);
        for (let i = 0; i < decided.length; i++) {
          const e = decided[i]!;
          newEvents[i] = { eventId: ids(), type: e.type, schemaVersion: e.schemaVersion ?? upcasters.currentVersion(e.type), occurredAt: e.occurredAt ?? command.occurredAt, data: e.data, metadata };
        }

        try {
          const result = await store.append(streamId, newEvents, {
            expectedVersion: loaded.version === NO_STREAM_VERSION ? 'no_stream' : loaded.version,
          });
          const state = evolveAll(loaded.state, result.events, loaded.version);
          const entry = loaded.entry;
          if (entry !== undefined && result.nextExpectedVersion > entry.version) {
            entry.state = state;
            entry.version = result.nextExpectedVersion;
            noteCommands(entry.commands, result.events);
          }
          if (snapshots !== undefined) {
            const context = { streamId, version: result.nextExpectedVersion, eventsSinceSnapshot: result.nextExpectedVersion - loaded.snapshotVersion };
            if (snapshots.policy(context)) {
              await snapshots.store.save({ streamId, version: result.nextExpectedVersion, stateVersion, state });
              if (entry !== undefined && entry.version === result.nextExpectedVersion) entry.snapshotVersion = result.nextExpectedVersion;
            }
          }
          return { state, events: result.events, decided, version: result.nextExpectedVersion, position: result.position, duplicate: false, attempts: attempt };
        } catch (error) {
          if (!(error instanceof VersionConflictError) || explicit !== undefined || attempt >= maxAttempts) throw error;
          const wait = backoff?.(attempt) ?? 0;
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        }
      }
    },
  };
}

/** The records a command produced, if any (without allocating when there are none). */
function recordsOfCommand(records: readonly RecordedEvent[], commandId: string): RecordedEvent[] | undefined {
  let found: RecordedEvent[] | undefined;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    if (record.event.metadata.commandId === commandId) (found ??= []).push(record);
  }
  return found;
}

const isId = (v: unknown) => typeof v === 'string' && v.length >= 1 && v.length <= 512;

/** Fast yes/no of {@link commandEnvelopeSchema} (zod runs only on a no, to name the fields). */
function isWellFormedCommandEnvelope(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    isId(c.type) &&
    isId(c.commandId) &&
    isId(c.actorId) &&
    isIsoTimestamp(c.occurredAt) &&
    (c.correlationId === undefined || isId(c.correlationId)) &&
    (c.causationId === undefined || isId(c.causationId))
  );
}
