import { isPeriodKey, type PeriodKey, type PolicyOption } from '@dealbook/core';
import { buildProjection, ValidationError, type EventStore } from '@dealbook/eventsourcing';
import { figureNames, type FigureName } from './figures.js';
import { createKpiProjection, type Credit } from './kpi-projection.js';
import type { KpiQuery } from './kpi-query.js';
import { monthsOf } from './period-buckets.js';

/** The money figures lineage can be asked for (any additive figure works; these are the ones people ask about). */
export type LineageFigure = FigureName | 'commissionMinor' | 'performancePayMinor';

export interface LineageQuery {
  readonly figure: LineageFigure;
  readonly period: PeriodKey;
  readonly where?: KpiQuery['where'];
  /** Only events recorded at or before this instant. */
  readonly asOf?: string;
  readonly policy?: PolicyOption;
}

/** One event's part in a figure. */
export interface LineageEntry {
  readonly eventId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly figure: FigureName | 'target';
  /** What this event added to the figure (for `target`: the target amount). */
  readonly amount: number;
}

export interface Lineage {
  readonly figure: LineageFigure;
  readonly period: PeriodKey;
  /** Σ amounts of the entries: equals the figure `queryKpi` reports (for additive figures). */
  readonly total: number;
  readonly events: readonly LineageEntry[];
}

const commission: readonly FigureName[] = ['commissionNewCustomerMinor', 'commissionExistingCustomerMinor', 'commissionPartnerMinor'];
/** What a month's score (and so performance pay) is made of. */
const scoreInputs: readonly (FigureName | 'target')[] = [
  'target',
  'signedSalesMinor',
  'newCustomers',
  'visitsOnsite',
  'visitsPhone',
  'complaintsReceived',
  'complaintsForwardedInSla',
  'reportsSubmitted',
  'reportsOnTime',
];

/**
 * Which events made a KPI figure: replays the history (as of `asOf`) with a
 * tracer and returns every event that was credited to the figure in the
 * period and cells asked. For `performancePayMinor` (not additive: base ×
 * score / 100 per month) it lists the events behind the score of each month:
 * targets, signed sales, new customers, visits, complaints and reports.
 */
export async function explainKpi(store: EventStore, query: LineageQuery): Promise<Lineage> {
  const known = [...figureNames, 'commissionMinor', 'performancePayMinor'];
  const issues = [];
  if (!known.includes(query.figure)) issues.push({ path: 'figure', message: `must be one of ${known.join(', ')}` });
  if (!isPeriodKey(query.period)) issues.push({ path: 'period', message: 'must be a period like 2017, 2017-Q1, 2017-03 or 2017-W09' });
  if (issues.length > 0) throw new ValidationError('Lineage query', issues);

  const figures: readonly (FigureName | 'target')[] =
    query.figure === 'commissionMinor' ? commission : query.figure === 'performancePayMinor' ? scoreInputs : [query.figure];
  const periods = new Set(query.figure === 'performancePayMinor' ? [query.period, ...monthsOf(query.period)] : [query.period]);
  const where = query.where ?? {};
  const events: LineageEntry[] = [];
  const trace = (c: Credit) => {
    if (!figures.includes(c.figure) || !c.periods.some((p) => periods.has(p))) return;
    if ((where.rep !== undefined && c.cell.rep !== where.rep) || (where.team !== undefined && c.cell.team !== where.team) || (where.region !== undefined && c.cell.region !== where.region)) return;
    const e = c.event;
    events.push({ eventId: e.eventId, streamId: e.streamId, streamVersion: e.streamVersion, type: e.type, occurredAt: e.occurredAt, recordedAt: e.recordedAt, figure: c.figure, amount: c.amount });
  };
  const projection = createKpiProjection({ ...(query.policy === undefined ? {} : { policy: query.policy }), trace });
  await buildProjection(store, projection, query.asOf === undefined ? {} : { asOf: query.asOf });
  const total = events.reduce((sum, e) => (e.figure === 'target' ? sum : sum + e.amount), 0);
  return { figure: query.figure, period: query.period, total, events };
}
