import type { FunnelState } from '@dealbook/projections-funnel';
import type { KpiState, Ledger, ReceivablesState } from '@dealbook/projections-kpi';
import type { FollowUp } from './obligations.js';
import type { Scratch } from './scratch.js';
import { createSpilledRecord } from './spilled-record.js';
import { createSpillingMap, type SpillingMap } from './spilling-map.js';
import type { WorldOptions } from './world.js';

/** Read-model records are changed in place after they are looked up (a handler holds at most a few of one table at once): their heap caches never go below this. */
export const MIN_HOT_RECORDS = 8;
/** Periods whose KPI figures (every cell of the period) a spilled audit keeps in the heap. */
export const HOT_PERIODS = 16;

export type StreamHead = { readonly version: number; readonly hash: string };

/** Where a `spill` audit keeps, table by table, what grows with the history: all in one scratch file. */
export interface SpillLayout {
  readonly world: WorldOptions;
  readonly followUps: SpillingMap<FollowUp>;
  readonly heads: SpillingMap<StreamHead>;
  /** The read models' initial states with every growing table replaced by a spilled record. */
  kpi(initial: KpiState): KpiState;
  funnel(initial: FunnelState): FunnelState;
  receivables(initial: ReceivablesState): ReceivablesState;
}

/** The tables of a `spill` audit, `hot` most recently used entries of each cached in the heap. */
export function spillLayout(scratch: Scratch, hot: number): SpillLayout {
  // Aggregate states, heads and index entries are replaced, never changed in place.
  const map = <V>(name: string) => createSpillingMap<V>(scratch.table(name), hot);
  // Read-model records are changed in place: every one pushed out is written back.
  const record = (name: string, capacity = Math.max(hot, MIN_HOT_RECORDS)): Record<string, unknown> =>
    createSpilledRecord(createSpillingMap(scratch.table(name), capacity, { mutable: true }));
  const ledger = (model: string): Ledger => ({ contracts: record(`${model}.ledger.contracts`) as Ledger['contracts'] });
  return {
    world: {
      states: (category) => map(`state:${category}`),
      index: {
        customerOwner: map('index.customerOwner'),
        opportunity: map('index.opportunity'),
        customersByRep: scratch.members('index.customersByRep'),
        customerNumbers: createSpilledRecord(map<string>('index.customerNumbers')),
      },
    },
    followUps: map('followUps'),
    heads: map('heads'),
    kpi: (initial) =>
      ({
        ...initial,
        streams: record('kpi.streams'),
        customers: record('kpi.customers'),
        opportunities: record('kpi.opportunities'),
        contracts: record('kpi.contracts'),
        // A period's figures hold every cell; few periods are credited at once (an event's year, quarter, month and week, a report's month).
        buckets: record('kpi.buckets', Math.max(MIN_HOT_RECORDS, Math.min(hot, HOT_PERIODS))),
        ledger: ledger('kpi'),
      }) as KpiState,
    funnel: (initial) => {
      const tables = ['streams', 'opportunities', 'cells', 'customerRegions', 'repRegions', 'customerOpportunities', 'repOpportunities'] as const;
      return { ...initial, ...Object.fromEntries(tables.map((t) => [t, record(`funnel.${t}`)])) } as FunnelState;
    },
    receivables: (initial) => ({ ...initial, streams: record('receivables.streams') as ReceivablesState['streams'], ledger: ledger('receivables') }),
  };
}
