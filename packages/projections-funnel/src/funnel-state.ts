import { opportunityStages, type LeadSource } from '@dealbook/core';

/**
 * The stages of the funnel, in order: `lead` (captured, not yet opened), the
 * five open stages of an opportunity, then `won`.
 */
export const funnelStages = ['lead', ...opportunityStages, 'won'] as const;
/** A stage of the funnel: `lead`, an open stage, or `won`. */
export type FunnelStage = (typeof funnelStages)[number];

/** Index of `lead` in `funnelStages`. */
export const LEAD = 0;
/** Index of `won` in `funnelStages`. */
export const WON = funnelStages.length - 1;
/** Stages with stays (everything but `won`): `lead` and the open stages. */
export const STAY_STAGES = WON;

/** Where an opportunity came from: a lead source, or `direct` when it was opened without a captured lead. */
export type FunnelSource = LeadSource | 'direct';

/** Where an opportunity is, as the funnel sees it (`none`: only events that do not start a lead or an opportunity). */
export type FunnelPhase = 'none' | 'lead' | 'disqualified' | 'open' | 'won' | 'lost';

/** The current close of an opportunity (dropped when it is reopened), with the period keys it is counted in. */
export interface FunnelClosing {
  readonly outcome: 'won' | 'lost';
  /** Month key (`2017-03`) and ISO week key (`2017-W09`) of the close, in the company time zone in force then. */
  readonly month: string;
  readonly week: string;
  /** Won: the `OpportunityWon` value; lost: the latest estimated value. */
  readonly valueMinor: number;
  /** Won: milliseconds from `OpportunityOpened` to `OpportunityWon` (null when it was never opened). */
  readonly cycleMs: number | null;
  /** Lost: the reason and the competitor (null when none was named). */
  readonly reason: string | null;
  readonly competitor: string | null;
}

/** What the funnel keeps per opportunity stream. */
export interface FunnelOpportunity {
  /** Captured as a lead (`LeadCaptured` seen). */
  lead: boolean;
  source: FunnelSource;
  /** Entry cohort: the month key of the capture (or of the opening when there was no lead). */
  cohort: string | null;
  customerId: string | null;
  prospectRegion: string | null;
  /** The current owner: the last `LeadAssigned` / `OpportunityOpened` rep. */
  owner: string | null;
  phase: FunnelPhase;
  /** Funnel stage index of the current stay; for won/lost/disqualified, the last stage it stayed in. */
  stage: number;
  /** When the current stay began (lead or open stage), null when there is none. */
  stayStartedAt: string | null;
  /** Latest estimated value (0 while a lead) and probability. */
  valueMinor: number;
  probability: number;
  openedAt: string | null;
  /** Bit i set: it entered `funnelStages[i]`. */
  entered: number;
  /** Bit i set: after entering stage i it reached a later stage or won. */
  movedOn: number;
  /** Completed stays per stage index (lead and open stages): total milliseconds and count. */
  stayMs: number[];
  stays: number[];
  closing: FunnelClosing | null;
  /** The key of the cell it is counted in. */
  cell: string;
}

/** Closing figures of the opportunities closed in one period (month or ISO week). */
export interface FunnelClosings {
  won: number;
  wonValueMinor: number;
  /** Σ milliseconds from opening to winning, over the won ones with an opening. */
  cycleMs: number;
  /** Won opportunities with a known cycle (opened before they were won). */
  cycles: number;
  lost: number;
  lostValueMinor: number;
  /** Per loss reason / per named competitor: [count, value]. */
  reasons: Record<string, [number, number]>;
  competitors: Record<string, [number, number]>;
}

/**
 * The counters of every opportunity sharing one value of each cut (owner,
 * region, source, cohort), kept up to date as events arrive. Per-stage arrays
 * are indexed like `funnelStages`.
 */
export interface FunnelCell {
  readonly rep: string | null;
  readonly region: string | null;
  readonly source: FunnelSource;
  readonly cohort: string | null;
  /** Opportunities counted here. */
  members: number;
  /** Now: count and value at each stage (leads count with value 0; won at the won value). */
  count: number[];
  valueMinor: number[];
  /** Σ over open opportunities of round(value × probability). */
  weightedMinor: number;
  /** Conservation: entered = movedOn + lost + stillThere, per stage. */
  entered: number[];
  movedOn: number[];
  lost: number[];
  stillThere: number[];
  /** Completed stays per stage (lead and open stages). */
  stayMs: number[];
  stays: number[];
  /** Leads opened (converted) and leads disqualified. */
  converted: number;
  disqualified: number;
  /** Closing figures by period key: each close is in one month and one ISO week bucket. */
  closings: Record<string, FunnelClosings>;
}

/** The funnel read model's state: plain JSON. */
export interface FunnelState {
  /** Last applied `streamVersion` per stream (re-delivered events count once). */
  streams: Record<string, number>;
  opportunities: Record<string, FunnelOpportunity>;
  /** Cells by key (`JSON.stringify([rep, region, source, cohort])`). */
  cells: Record<string, FunnelCell>;
  /** Customer regions (`CustomerRegistered` / `CustomerProfileUpdated`). */
  customerRegions: Record<string, string>;
  /** Each rep's first region (`RepHired` / `RepTerritoryAssigned`), null when they have none. */
  repRegions: Record<string, string | null>;
  /** Opportunities by customer and by owner, to move them when a region changes. */
  customerOpportunities: Record<string, Record<string, 1>>;
  repOpportunities: Record<string, Record<string, 1>>;
}

/** A fresh, empty funnel state. */
export function initialFunnelState(): FunnelState {
  return { streams: {}, opportunities: {}, cells: {}, customerRegions: {}, repRegions: {}, customerOpportunities: {}, repOpportunities: {} };
}
