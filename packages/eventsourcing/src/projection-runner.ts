import { isIsoTimestamp, type EventEnvelope, type RecordedEvent } from './envelope.js';
import { ValidationError } from './errors.js';
import type { EventFilter, EventStore, Subscription } from './event-store.js';
import { applyEvents, type Projection } from './projection.js';
import { noUpcasters, type UpcasterRegistry } from './upcasters.js';

/** A projection's stored progress: its state after every event up to `position`. */
export interface ProjectionCheckpoint<State> {
  readonly name: string;
  readonly version: number;
  readonly position: number;
  readonly state: State;
}

/** Where checkpoints live. State and position are saved together, so a restart never counts an event twice. */
export interface CheckpointStore<State = unknown> {
  load(name: string): Promise<ProjectionCheckpoint<State> | undefined>;
  save(checkpoint: ProjectionCheckpoint<State>): Promise<void>;
  delete(name: string): Promise<void>;
}

/** Checkpoints in process memory; states are copied (`structuredClone`) on save and load. */
export function createInMemoryCheckpointStore<State = unknown>(): CheckpointStore<State> {
  const checkpoints = new Map<string, ProjectionCheckpoint<State>>();
  return {
    async load(name) {
      const c = checkpoints.get(name);
      return c === undefined ? undefined : { ...c, state: structuredClone(c.state) };
    },
    async save(checkpoint) {
      checkpoints.set(checkpoint.name, { ...checkpoint, state: structuredClone(checkpoint.state) });
    },
    async delete(name) {
      checkpoints.delete(name);
    },
  };
}

export interface ProjectionRunnerOptions<State, E extends EventEnvelope> {
  readonly store: EventStore;
  readonly projection: Projection<State, E>;
  /** Default: a new in-memory checkpoint store. */
  readonly checkpoints?: CheckpointStore<State>;
  /** Events read per batch; the checkpoint is saved after each batch. Default 1000. */
  readonly batchSize?: number;
  readonly upcasters?: UpcasterRegistry;
}

export interface CatchUpResult<State> {
  readonly state: State;
  readonly position: number;
  /** Events handed to the projection in this call. */
  readonly processed: number;
}

export interface ProjectionRunner<State> {
  /** Reads from the stored checkpoint to the end of the log, in batches, saving the checkpoint after each. */
  catchUp(options?: { readonly maxBatches?: number }): Promise<CatchUpResult<State>>;
  /** Drops the checkpoint and builds again from the first event. */
  rebuild(): Promise<CatchUpResult<State>>;
  /** Keeps the projection up to date as events commit (catch-up subscription). */
  start(options?: { readonly onError?: (error: unknown) => void }): Promise<Subscription>;
  /** The state as of the last handled batch. */
  state(): Promise<State>;
}

/** Reads only what the projection handles (and old type names upcasters turn into them). */
function filterFor(projection: Projection<unknown, EventEnvelope>, upcasters: UpcasterRegistry): EventFilter {
  return { eventTypes: [...new Set([...projection.eventTypes, ...upcasters.sourceTypes])] };
}

export function createProjectionRunner<State, E extends EventEnvelope>(options: ProjectionRunnerOptions<State, E>): ProjectionRunner<State> {
  const { store, projection } = options;
  const checkpoints = options.checkpoints ?? createInMemoryCheckpointStore<State>();
  const batchSize = options.batchSize ?? 1000;
  const upcasters = options.upcasters ?? noUpcasters;
  const filter = filterFor(projection as Projection<unknown, EventEnvelope>, upcasters);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be an integer ≥ 1');

  // The in-process copy of the latest checkpoint; dropped on any error so the
  // next call resumes from what was durably saved.
  let current: { state: State; position: number } | undefined;

  const resume = async (): Promise<{ state: State; position: number }> => {
    if (current !== undefined) return current;
    const saved = await checkpoints.load(projection.name);
    current =
      saved !== undefined && saved.version === projection.version
        ? { state: saved.state, position: saved.position }
        : { state: projection.initialState(), position: 0 };
    return current;
  };

  const handleBatch = async (records: readonly RecordedEvent[], position: number): Promise<void> => {
    const from = await resume();
    // A subscription may hand over events a catchUp already applied.
    const fresh = records.length > 0 && records[0]!.position <= from.position ? records.filter((r) => r.position > from.position) : records;
    const state = applyEvents(projection, from.state, fresh, upcasters);
    const next = { state, position: Math.max(position, from.position) };
    await checkpoints.save({ name: projection.name, version: projection.version, position: next.position, state });
    current = next;
  };

  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      current = undefined;
      throw error;
    }
  };

  const catchUp = (maxBatches = Number.POSITIVE_INFINITY) =>
    guarded(async () => {
      let processed = 0;
      for (let batch = 0; batch < maxBatches; batch++) {
        const from = await resume();
        const page = await store.readAll({ after: from.position, maxCount: batchSize, filter });
        if (page.events.length > 0 || page.position > from.position) await handleBatch(page.events, page.position);
        processed += page.events.length;
        if (page.isEnd) break;
      }
      const end = await resume();
      return { state: end.state, position: end.position, processed };
    });

  return {
    catchUp: (o) => catchUp(o?.maxBatches),
    rebuild: () =>
      guarded(async () => {
        await checkpoints.delete(projection.name);
        current = undefined;
        return catchUp();
      }),
    async start(o = {}) {
      const from = await resume();
      return store.subscribe({
        after: from.position,
        batchSize,
        filter,
        onEvents: (records, position) => guarded(() => handleBatch(records, position)),
        ...(o.onError ? { onError: o.onError } : {}),
      });
    },
    async state() {
      return (await resume()).state;
    },
  };
}

export interface BuildOptions {
  readonly batchSize?: number;
  readonly upcasters?: UpcasterRegistry;
  /** Only events with `recordedAt ≤ asOf` (ISO-8601 UTC with milliseconds). */
  readonly asOf?: string;
}

/**
 * Builds a projection from the first event without touching checkpoints.
 * With `asOf`, the state as it was known at that instant: only events with
 * `recordedAt ≤ asOf` count, whatever their position.
 */
export async function buildProjection<State, E extends EventEnvelope>(
  store: EventStore,
  projection: Projection<State, E>,
  options: BuildOptions = {},
): Promise<CatchUpResult<State>> {
  const { asOf } = options;
  if (asOf !== undefined && !isIsoTimestamp(asOf)) {
    throw new ValidationError('buildProjection options', [{ path: 'asOf', message: 'must be an ISO-8601 UTC timestamp with milliseconds' }]);
  }
  const upcasters = options.upcasters ?? noUpcasters;
  const filter = filterFor(projection as Projection<unknown, EventEnvelope>, upcasters);
  const batchSize = options.batchSize ?? 1000;
  let state = projection.initialState();
  let position = 0;
  let processed = 0;
  for (;;) {
    const page = await store.readAll({ after: position, maxCount: batchSize, filter });
    state = applyEvents(projection, state, page.events, upcasters, asOf);
    processed += page.events.length;
    position = page.position;
    if (page.isEnd) break;
  }
  return { state, position, processed };
}
