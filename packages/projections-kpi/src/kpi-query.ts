import {
  createPolicyTimeline,
  isPeriodKey,
  monthlyReportDeadline,
  parsePeriodKey,
  periodBounds,
  periodKeyAt,
  periodKeyBounds,
  periodKeyUnit,
  type PeriodKey,
  type Policy,
  type PolicyTimeline,
} from '@dealbook/core';
import { entryOf, isIsoTimestamp, ValidationError, type ValidationIssue } from '@dealbook/eventsourcing';
import { addFigures, zeroFigures, type Figures } from './figures.js';
import type { KpiState, TargetEntry } from './kpi-state.js';
import { ledgerInvoices, openAmountAt } from './ledger.js';
import { bucketsOf, monthsOf } from './period-buckets.js';
import { cellAt, cellOfKey, placementAt, type Cell } from './org.js';
import { scoreOf, type ScoreComponents } from './score.js';

export type KpiGrouping = 'rep' | 'team' | 'region' | 'company';

export interface KpiQuery {
  /** `2017`, `2017-Q1`, `2017-03` or `2017-W09`, in the company time zone. */
  readonly period: PeriodKey;
  /** One row per rep, team, region, or one company row. Default `company`. */
  readonly by?: KpiGrouping;
  /** Only cells of this rep / team / region (combine them to drill down: teams within a region). */
  readonly where?: { readonly rep?: string; readonly team?: string; readonly region?: string };
  /**
   * The instant deadlines are judged at (reports due, invoices overdue). Default:
   * the latest `occurredAt` the model has seen. Overdue receivables are taken at
   * the period's end, or at this instant when the period has not ended.
   */
  readonly at?: string;
}

export interface KpiTarget {
  readonly salesMinor: number | null;
  readonly newCustomers: number | null;
  readonly visits: number | null;
}

/** One row of the KPI: the figures of one rep, team, region or the company in one period. Plain JSON. */
export interface KpiRow extends Figures {
  readonly group: string;
  readonly period: PeriodKey;
  /** Targets: set for the period, or the sum of those set for its months (quarters for a year, when set). */
  readonly target: KpiTarget;
  /** signed / target; null without a target. */
  readonly attainment: number | null;
  /** Contracts signed per ISO week of the period. */
  readonly ordersPerWeek: number;
  /** Monthly reports due in the period (deadline passed, or submitted). */
  readonly reportsDue: number;
  /** reports on time / reports due; null when none were due. */
  readonly reportCompletion: number | null;
  /** (this − previous) / previous period of the same unit; null when previous is 0. */
  readonly growth: { readonly signedSales: number | null; readonly collected: number | null };
  /** won / (won + lost) of opportunities closed in the period. */
  readonly winRate: number | null;
  /** converted / (converted + disqualified). */
  readonly leadConversion: number | null;
  /** Mean days from opened to won, of opportunities won in the period. */
  readonly averageSalesCycleDays: number | null;
  /** complaints forwarded within the SLA / complaints received. */
  readonly complaintSlaCompliance: number | null;
  /** Open receivables past due at the period's end (or at `at`), credited to the contract's rep. */
  readonly overdueReceivablesMinor: number;
  /** Weighted score (rep rows only; null for groups and when no component has a target). */
  readonly score: number | null;
  /** The score's components in percent of target, before the cap (rep rows only). */
  readonly scoreComponents: ScoreComponents | null;
  /** Σ monthly performance pay = base × score / 100 of the months in the period (null for weeks). */
  readonly performancePayMinor: number | null;
  readonly commissionMinor: { readonly new_customer: number; readonly existing_customer: number; readonly partner: number; readonly total: number };
}

export interface KpiResult {
  readonly period: PeriodKey;
  readonly by: KpiGrouping;
  readonly timeZone: string;
  /** `[startsAt, endsAt)` of the period, ISO-8601 UTC. */
  readonly startsAt: string;
  readonly endsAt: string;
  /** The instant deadlines were judged at (null for an empty model). */
  readonly at: string | null;
  readonly rows: readonly KpiRow[];
}

const groupings: readonly KpiGrouping[] = ['rep', 'team', 'region', 'company'];
const DAY_MS = 86_400_000;
const timelines = new WeakMap<readonly Policy[], PolicyTimeline>();
const timelineOf = (state: KpiState): PolicyTimeline => {
  let t = timelines.get(state.policies);
  if (t === undefined) timelines.set(state.policies, (t = createPolicyTimeline(state.policies)));
  return t;
};

function checkQuery(query: KpiQuery): void {
  const issues: ValidationIssue[] = [];
  if (typeof query !== 'object' || query === null) throw new ValidationError('KPI query', [{ path: '', message: 'must be an object like { period: "2017-Q1", by: "rep" }' }]);
  if (!isPeriodKey(query.period)) issues.push({ path: 'period', message: 'must be a period like 2017, 2017-Q1, 2017-03 or 2017-W09' });
  if (query.by !== undefined && !groupings.includes(query.by)) issues.push({ path: 'by', message: 'must be rep, team, region or company' });
  if (query.at !== undefined && !isIsoTimestamp(query.at)) issues.push({ path: 'at', message: 'must be an ISO-8601 UTC timestamp with milliseconds' });
  for (const k of ['rep', 'team', 'region'] as const) {
    const v = query.where?.[k];
    if (v !== undefined && (typeof v !== 'string' || v.length === 0)) issues.push({ path: `where.${k}`, message: 'must be a non-empty string' });
  }
  if (issues.length > 0) throw new ValidationError('KPI query', issues);
}

const quartersOf = (year: PeriodKey): PeriodKey[] => [1, 2, 3, 4].map((q) => `${year}-Q${q}`);

/** The target entries that make a rep's target for a period: its own, else the sum of its months' (a year: quarters when set). */
export function targetEntriesFor(targets: Readonly<Record<PeriodKey, TargetEntry>>, period: PeriodKey): TargetEntry[] {
  const own = targets[period];
  if (own !== undefined) return [own];
  const unit = periodKeyUnit(period);
  if (unit === 'year') {
    const quarters = quartersOf(period).map((q) => targets[q]).filter((t): t is TargetEntry => t !== undefined);
    if (quarters.length > 0) return quarters;
  }
  if (unit === 'year' || unit === 'quarter') return monthsOf(period).map((m) => targets[m]).filter((t): t is TargetEntry => t !== undefined);
  return [];
}

interface Group {
  figures: Figures;
  previous: Figures;
  target: { salesMinor: number | null; newCustomers: number | null; visits: number | null };
  reportsDue: number;
  overdue: number;
  pay: number;
}

const addNullable = (a: number | null, b: number | null) => (b === null ? a : (a ?? 0) + b);
const ratio = (num: number, den: number) => (den === 0 ? null : num / den);

/** Queries the KPI read model: one row per rep, team, region or the company, for one period. */
export function queryKpi(state: KpiState, query: KpiQuery): KpiResult {
  checkQuery(query);
  const by = query.by ?? 'company';
  const timeline = timelineOf(state);
  const unit = periodKeyUnit(query.period)!;
  const tzPolicy = timeline.at(timeline.versions[timeline.versions.length - 1]!.effectiveFrom);
  const { startsAt, endsAt } = periodKeyBounds(query.period, tzPolicy.timeZone);
  const endPolicy = timeline.at(new Date(Date.parse(endsAt) - 1).toISOString());
  const at = query.at ?? state.lastOccurredAt;
  const where = query.where ?? {};
  const matches = (cell: Cell) =>
    (where.rep === undefined || cell.rep === where.rep) && (where.team === undefined || cell.team === where.team) && (where.region === undefined || cell.region === where.region);
  const groupOf = (cell: Cell) => (by === 'rep' ? cell.rep : by === 'team' ? cell.team : by === 'region' ? cell.region : 'company');

  const groups = new Map<string, Group>();
  const group = (cell: Cell): Group | undefined => {
    if (!matches(cell)) return undefined;
    const key = groupOf(cell);
    let g = groups.get(key);
    if (g === undefined) {
      g = { figures: zeroFigures(), previous: zeroFigures(), target: { salesMinor: null, newCustomers: null, visits: null }, reportsDue: 0, overdue: 0, pay: 0 };
      groups.set(key, g);
    }
    return g;
  };

  // Additive figures of the period and of the one before (for growth).
  for (const bucket of bucketsOf(state, query.period)) {
    for (const [key, figures] of Object.entries(bucket)) {
      const g = group(cellOfKey(key));
      if (g !== undefined) addFigures(g.figures, figures);
    }
  }
  const previousKey = periodKeyAt(new Date(Date.parse(startsAt) - 1).toISOString(), unit, tzPolicy.timeZone);
  for (const bucket of bucketsOf(state, previousKey)) {
    for (const [key, figures] of Object.entries(bucket)) {
      const cell = cellOfKey(key);
      if (matches(cell) && groups.has(groupOf(cell))) addFigures(groups.get(groupOf(cell))!.previous, figures);
    }
  }

  // Targets.
  for (const targets of Object.values(state.targets)) {
    for (const entry of targetEntriesFor(targets, query.period)) {
      const g = group(entry.cell);
      if (g === undefined) continue;
      g.target.salesMinor = addNullable(g.target.salesMinor, entry.amountMinor);
      g.target.newCustomers = addNullable(g.target.newCustomers, entry.newCustomers);
      g.target.visits = addNullable(g.target.visits, entry.visits);
    }
  }

  // Reports due and monthly performance pay, month by month, where the rep stood at each month's end.
  const months = monthsOf(query.period);
  for (const month of months) {
    const monthPeriod = parsePeriodKey(month);
    const { startsAt: mStart, endsAt: mEnd } = periodBounds(monthPeriod, tzPolicy.timeZone);
    const lastMs = new Date(Date.parse(mEnd) - 1).toISOString();
    const monthPolicy = timeline.at(lastMs);
    const deadline = monthlyReportDeadline(monthPeriod.start, monthPolicy);
    const monthFigures = repFigures(state, month);
    for (const [repId, rep] of Object.entries(state.reps)) {
      if (rep.hiredAt >= mEnd || (rep.departedAt !== null && rep.departedAt < mStart)) continue;
      const g = group(cellAt(state.reps, repId, mEnd));
      if (g === undefined) continue;
      const figures = monthFigures.get(repId) ?? zeroFigures();
      const employedAtEnd = rep.departedAt === null || rep.departedAt >= mEnd;
      const due = (employedAtEnd && at !== null && deadline <= at) || figures.reportsSubmitted > 0 ? 1 : 0;
      g.reportsDue += due;
      // Pay: base × the month's own score / 100, by the role the rep had at the month's end.
      const role = placementAt(rep, lastMs).role;
      const { score } = scoreOf(figures, targetEntriesFor(entryOf(state.targets, repId) ?? {}, month), due, role, monthPolicy);
      if (score !== null) g.pay += Math.round((monthPolicy.performancePayBaseMinor[role] * score) / 100);
    }
  }

  // Overdue receivables at the period's end (or now, for a period still running).
  const judgeAt = at === null ? endsAt : at < endsAt ? at : endsAt;
  for (const invoice of ledgerInvoices(state.ledger)) {
    if (invoice.dueAt >= judgeAt) continue;
    const open = openAmountAt(invoice, judgeAt);
    if (open === 0) continue;
    const g = group(cellAt(state.reps, invoice.repId, judgeAt));
    if (g !== undefined) g.overdue += open;
  }

  const weeks = (Date.parse(endsAt) - Date.parse(startsAt)) / (7 * DAY_MS);
  const rows = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, g]): KpiRow => {
      const f = g.figures;
      const repRecord = by === 'rep' ? entryOf(state.reps, key) : undefined;
      const s =
        repRecord === undefined
          ? null
          : scoreOf(f, targetEntriesFor(entryOf(state.targets, key) ?? {}, query.period).filter((e) => matches(e.cell)), g.reportsDue, placementAt(repRecord, new Date(Date.parse(endsAt) - 1).toISOString()).role, endPolicy);
      const commission = { new_customer: f.commissionNewCustomerMinor, existing_customer: f.commissionExistingCustomerMinor, partner: f.commissionPartnerMinor };
      return {
        group: key,
        period: query.period,
        ...f,
        target: g.target,
        attainment: g.target.salesMinor === null ? null : ratio(f.signedSalesMinor, g.target.salesMinor),
        ordersPerWeek: f.contractsSigned / weeks,
        reportsDue: g.reportsDue,
        reportCompletion: ratio(f.reportsOnTime, g.reportsDue),
        growth: { signedSales: ratio(f.signedSalesMinor - g.previous.signedSalesMinor, g.previous.signedSalesMinor), collected: ratio(f.collectedMinor - g.previous.collectedMinor, g.previous.collectedMinor) },
        winRate: ratio(f.opportunitiesWon, f.opportunitiesWon + f.opportunitiesLost),
        leadConversion: ratio(f.leadsConverted, f.leadsConverted + f.leadsDisqualified),
        averageSalesCycleDays: f.opportunitiesWon === 0 ? null : f.salesCycleMs / f.opportunitiesWon / DAY_MS,
        complaintSlaCompliance: ratio(f.complaintsForwardedInSla, f.complaintsReceived),
        overdueReceivablesMinor: g.overdue,
        score: s?.score ?? null,
        scoreComponents: s?.components ?? null,
        performancePayMinor: unit === 'week' ? null : g.pay,
        commissionMinor: { ...commission, total: commission.new_customer + commission.existing_customer + commission.partner },
      };
    });
  return { period: query.period, by, timeZone: tzPolicy.timeZone, startsAt, endsAt, at, rows };
}

/** The figures of each rep in one month, over every cell the rep was in. */
function repFigures(state: KpiState, month: PeriodKey): Map<string, Figures> {
  const out = new Map<string, Figures>();
  for (const [key, figures] of Object.entries(state.buckets[month] ?? {})) {
    const { rep } = cellOfKey(key);
    let f = out.get(rep);
    if (f === undefined) out.set(rep, (f = zeroFigures()));
    addFigures(f, figures);
  }
  return out;
}
