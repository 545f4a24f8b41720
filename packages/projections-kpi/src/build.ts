import type { PolicyOption } from '@dealbook/core';
import { buildProjection, type EventStore } from '@dealbook/eventsourcing';
import { createKpiProjection } from './kpi-projection.js';
import type { KpiState } from './kpi-state.js';

export interface BuildKpiOptions {
  /** Only events recorded at or before this instant (ISO-8601 UTC): the numbers as they were known then. */
  readonly asOf?: string;
  /** Default: DOMAIN.md's defaults. */
  readonly policy?: PolicyOption;
  /** Events read per page. Default 1000. */
  readonly batchSize?: number;
}

/** Builds the KPI read model from the first event of a store (as of `asOf` when given). */
export async function buildKpi(store: EventStore, options: BuildKpiOptions = {}): Promise<KpiState> {
  const projection = createKpiProjection(options.policy === undefined ? {} : { policy: options.policy });
  const { state } = await buildProjection(store, projection, {
    ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
  });
  return state;
}
