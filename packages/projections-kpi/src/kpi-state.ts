import type { BusinessSource, Policy, PeriodKey } from '@dealbook/core';
import type { Figures } from './figures.js';
import type { Ledger } from './ledger.js';
import type { Cell, RepRecord } from './org.js';

/** A sales target as set for one period, credited to the rep's cell when it was set. */
export interface TargetEntry {
  readonly amountMinor: number;
  readonly newCustomers: number | null;
  readonly visits: number | null;
  readonly cell: Cell;
}

/** The KPI read model's state: plain JSON, so durable checkpoint stores can keep it. */
export interface KpiState {
  /** The policy versions the model was built with (queries use them: change the policy, rebuild). */
  readonly policies: readonly Policy[];
  /** Per stream, the last `streamVersion` applied (a re-delivered event counts once). */
  readonly streams: Record<string, number>;
  readonly reps: Record<string, RepRecord>;
  readonly customers: Record<string, { region: string; ownerRepId: string | null; assigned: boolean; contractsSigned: number }>;
  readonly opportunities: Record<string, { readonly source: string; repId: string | null; readonly capturedBy: string | null; readonly wasLead: boolean; openedAt: string | null }>;
  readonly contracts: Record<
    string,
    { readonly repId: string; readonly customerId: string; readonly opportunityId: string | null; totalMinor: number; signed: boolean; source: BusinessSource | null }
  >;
  /** Complaints not forwarded yet (by JSON of `[customerId, complaintId]`): SLA deadline, and where the receipt was credited. */
  readonly complaints: Record<string, { readonly deadline: string; readonly cell: Cell; readonly keys: readonly PeriodKey[] }>;
  /** rep → period key → the target set for that period. */
  readonly targets: Record<string, Record<PeriodKey, TargetEntry>>;
  readonly ledger: Ledger;
  /**
   * Month or ISO-week key → cell key → figures. Years and quarters are not
   * kept: each is the sum of its months (`bucketsOf`).
   */
  readonly buckets: Record<PeriodKey, Record<string, Figures>>;
  /** The latest `occurredAt` applied: the default instant queries judge deadlines at. */
  lastOccurredAt: string | null;
}
