import type { PolicyOption } from '@dealbook/core';
import {
  createInMemoryCheckpointStore,
  createProjectionRunner,
  type CheckpointStore,
  type EventEnvelope,
  type EventStore,
  type Projection,
  type ProjectionRunner,
} from '@dealbook/eventsourcing';
import { buildFunnel, createFunnelProjection, queryFunnel, type FunnelQuery, type FunnelResult } from '@dealbook/projections-funnel';
import {
  buildKpi,
  buildReceivables,
  createKpiProjection,
  createReceivablesProjection,
  queryKpi,
  queryReceivables,
  type KpiQuery,
  type KpiResult,
  type ReceivablesQuery,
  type ReceivablesResult,
} from '@dealbook/projections-kpi';

/** A store that keeps projection checkpoints itself (the SQLite store: in the same file as the events). */
export interface StoreWithCheckpoints extends EventStore {
  checkpoints<State>(): CheckpointStore<State>;
}

/** Does this store keep checkpoints (`store.checkpoints()`)? */
export function hasCheckpoints(store: EventStore): store is StoreWithCheckpoints {
  return typeof (store as Partial<StoreWithCheckpoints>).checkpoints === 'function';
}

/** Options of {@link createReadModels}. */
export interface ReadModelsOptions {
  readonly store: EventStore;
  /** The engine's policy (`engine.policies`), so the read models judge as the engine did. Default: DOMAIN.md's defaults. */
  readonly policy?: PolicyOption;
  /** Events read per batch by the runners (a checkpoint is saved after each). Default 1000. */
  readonly batchSize?: number;
}

/**
 * The read models a host serves. Without `asOf`, each answer comes from a
 * projection runner caught up first (cheap when nothing new was recorded),
 * whose checkpoints live in `store.checkpoints()` when the store has them,
 * else in memory. With `asOf`, each answer is a fresh build of what was
 * recorded by then (`recordedAt ≤ asOf`).
 */
export interface ReadModels {
  /** KPI rows (`queryKpi`); with `asOf`, judged at `asOf` too (`at`). */
  kpi(query: KpiQuery, asOf?: string): Promise<KpiResult>;
  /** Funnel rows (`queryFunnel`). */
  funnel(query: FunnelQuery, asOf?: string): Promise<FunnelResult>;
  /** Receivables rows (`queryReceivables`); with `asOf`, judged at `asOf`. */
  receivables(query: ReceivablesQuery, asOf?: string): Promise<ReceivablesResult>;
}

/** A runner whose catch-ups and queries run one at a time (two requests never fold the same state at once). */
function serialRunner<State, E extends EventEnvelope>(
  store: EventStore,
  projection: Projection<State, E>,
  batchSize: number,
): <T>(query: (state: State) => T) => Promise<T> {
  const checkpoints: CheckpointStore<State> = hasCheckpoints(store) ? store.checkpoints<State>() : createInMemoryCheckpointStore<State>();
  const runner: ProjectionRunner<State> = createProjectionRunner({ store, projection, checkpoints, batchSize });
  let tail: Promise<unknown> = Promise.resolve();
  return (query) => {
    const run = tail.then(async () => query((await runner.catchUp()).state));
    tail = run.catch(() => undefined);
    return run;
  };
}

/** Creates the KPI, funnel and receivables read models of a store (see {@link ReadModels}). */
export function createReadModels(options: ReadModelsOptions): ReadModels {
  const { store, policy } = options;
  const batchSize = options.batchSize ?? 1000;
  const withPolicy = policy === undefined ? {} : { policy };
  const kpi = serialRunner(store, createKpiProjection(withPolicy), batchSize);
  const funnel = serialRunner(store, createFunnelProjection(withPolicy), batchSize);
  const receivables = serialRunner(store, createReceivablesProjection(), batchSize);

  return {
    async kpi(query, asOf) {
      if (asOf === undefined) return kpi((state) => queryKpi(state, query));
      return queryKpi(await buildKpi(store, { ...withPolicy, asOf }), { ...query, at: asOf });
    },
    async funnel(query, asOf) {
      if (asOf === undefined) return funnel((state) => queryFunnel(state, query));
      return queryFunnel(await buildFunnel(store, { ...withPolicy, asOf }), query);
    },
    async receivables(query, asOf) {
      if (asOf === undefined) return receivables((state) => queryReceivables(state, query));
      return queryReceivables(await buildReceivables(store, { ...withPolicy, asOf }), { ...query, at: asOf });
    },
  };
}
