import { isPeriodKey, leadSources, periodKeyUnit, type PeriodKey } from '@dealbook/core';
import { entryOrNew, ValidationError, type ValidationIssue } from '@dealbook/eventsourcing';
import { funnelStages, STAY_STAGES, WON, type FunnelCell, type FunnelClosings, type FunnelSource, type FunnelStage, type FunnelState } from './funnel-state.js';

/** How rows are grouped: one company row, or one row per owner, region, lead source or entry cohort. */
export type FunnelCut = 'company' | 'rep' | 'region' | 'source' | 'cohort';
/** The cuts, in the order of `FunnelCut`. */
export const funnelCuts: readonly FunnelCut[] = ['company', 'rep', 'region', 'source', 'cohort'];

/**
 * Which opportunities count. Each given field must match; `null` selects the
 * opportunities without a value (a lead nobody owns, a region nobody knows).
 */
export interface FunnelWhere {
  /** The current owner's rep id. */
  readonly rep?: string | null;
  readonly region?: string | null;
  /** A lead source, or `direct` (opened without a lead). */
  readonly source?: FunnelSource;
  /** The entry month key, `2017-03`. */
  readonly cohort?: string | null;
}

/** A funnel query. Defaults: `by: 'company'`, no `where`, closing figures over all time. */
export interface FunnelQuery {
  readonly by?: FunnelCut;
  readonly where?: FunnelWhere;
  /** Restricts the closing figures (won, lost, win rate, lost reasons, cycle, velocity) to opportunities closed in this period (`2017`, `2017-Q1`, `2017-03`, `2017-W09`). */
  readonly period?: PeriodKey;
}

/** One stage of a row: now, conservation, conversion and days in stage. */
export interface FunnelStageFigures {
  readonly stage: FunnelStage;
  /** Now: leads (value 0), open opportunities at this stage (latest estimated value), or won opportunities (won value). */
  readonly count: number;
  readonly valueMinor: number;
  /** Opportunities that ever entered the stage = movedOn + lost + stillThere. */
  readonly entered: number;
  /** …that reached a later stage or won after entering it. */
  readonly movedOn: number;
  /** …that did not, and are now lost or disqualified. */
  readonly lost: number;
  /** …that did not, and are not closed for good (open, a lead, or won for the won stage). */
  readonly stillThere: number;
  /** movedOn / entered; null when none entered, and for `won` (nothing comes after it). */
  readonly conversion: number | null;
  /** Mean days of the completed stays in this stage (entering to leaving, by occurredAt); null when none completed, and for `won`. */
  readonly averageDaysInStage: number | null;
  readonly completedStays: number;
}

/** Lost opportunities for one reason or one competitor. */
export interface FunnelLoss {
  readonly count: number;
  readonly valueMinor: number;
}

/** The closing figures of a row (over `period` when the query gives one). */
export interface FunnelClosingFigures {
  readonly won: number;
  readonly wonValueMinor: number;
  readonly lost: number;
  /** Σ latest estimated values of the lost opportunities. */
  readonly lostValueMinor: number;
  /** won / (won + lost); null when none closed. */
  readonly winRate: number | null;
  /** wonValueMinor / won; null when none won. */
  readonly averageWonValueMinor: number | null;
  /** Mean days from OpportunityOpened to OpportunityWon; null when none won. */
  readonly averageSalesCycleDays: number | null;
  /** round(open count × average won value × win rate / average cycle days), minor units per day; null when a factor is undefined or the cycle is 0 days. */
  readonly velocityMinorPerDay: number | null;
  /** Per reason, sorted by reason. */
  readonly lostReasons: readonly ({ readonly reason: string } & FunnelLoss)[];
  /** Per named competitor, sorted by competitor (losses without one are not listed). */
  readonly lostToCompetitors: readonly ({ readonly competitor: string } & FunnelLoss)[];
}

/** One row: a company, rep, region, source or cohort. */
export interface FunnelRow {
  /** The group's value: `company` for the company row, else the rep id, region, source or cohort (null: none known). */
  readonly group: string | null;
  readonly stages: readonly FunnelStageFigures[];
  /** Open opportunities now: count, Σ latest estimated value, weighted pipeline Σ round(value × probability). */
  readonly openCount: number;
  readonly openValueMinor: number;
  readonly weightedPipelineMinor: number;
  /** Leads opened, leads disqualified, and converted / (converted + disqualified) (null when neither). */
  readonly leadsConverted: number;
  readonly leadsDisqualified: number;
  readonly leadConversion: number | null;
  readonly closing: FunnelClosingFigures;
}

/** What `queryFunnel` returns: the query as understood and one row per group value, sorted by group (null last). */
export interface FunnelResult {
  readonly by: FunnelCut;
  readonly where: FunnelWhere;
  readonly period: PeriodKey | null;
  readonly rows: readonly FunnelRow[];
}

const DAY_MS = 86_400_000;
const sources: readonly string[] = [...leadSources, 'direct'];
const isMonthKey = (v: unknown): boolean => isPeriodKey(v) && periodKeyUnit(v) === 'month';

function checkQuery(query: unknown): { by: FunnelCut; where: FunnelWhere; period: PeriodKey | null } {
  const issues: ValidationIssue[] = [];
  if (query === null || typeof query !== 'object' || Array.isArray(query)) {
    throw new ValidationError('Funnel query', [{ path: '', message: 'must be an object like { by?, where?, period? }' }]);
  }
  const q = query as Record<string, unknown>;
  for (const key of Object.keys(q)) {
    if (!['by', 'where', 'period'].includes(key)) issues.push({ path: key, message: 'is not a funnel query field (by, where, period)' });
  }
  if (q['by'] !== undefined && !funnelCuts.includes(q['by'] as FunnelCut)) issues.push({ path: 'by', message: `must be one of ${funnelCuts.join(', ')}` });
  if (q['period'] !== undefined && !isPeriodKey(q['period'])) issues.push({ path: 'period', message: 'must be a period key: 2017, 2017-Q1, 2017-03 or 2017-W09' });
  const where = q['where'];
  if (where !== undefined) {
    if (where === null || typeof where !== 'object' || Array.isArray(where)) issues.push({ path: 'where', message: 'must be an object like { rep?, region?, source?, cohort? }' });
    else {
      const w = where as Record<string, unknown>;
      for (const key of Object.keys(w)) {
        const v = w[key];
        if (v === undefined) continue;
        if (key === 'rep' || key === 'region') {
          if (v !== null && (typeof v !== 'string' || v.length === 0)) issues.push({ path: `where.${key}`, message: 'must be a non-empty string or null' });
        } else if (key === 'source') {
          if (!sources.includes(v as string)) issues.push({ path: 'where.source', message: `must be one of ${sources.join(', ')}` });
        } else if (key === 'cohort') {
          if (v !== null && !isMonthKey(v)) issues.push({ path: 'where.cohort', message: 'must be a month key like 2017-03, or null' });
        } else issues.push({ path: `where.${key}`, message: 'is not a funnel cut (rep, region, source, cohort)' });
      }
    }
  }
  if (issues.length > 0) throw new ValidationError('Funnel query', issues);
  const w = (where ?? {}) as Record<string, unknown>;
  const cleanWhere = Object.fromEntries(['rep', 'region', 'source', 'cohort'].filter((k) => w[k] !== undefined).map((k) => [k, w[k]])) as FunnelWhere;
  return { by: (q['by'] as FunnelCut | undefined) ?? 'company', where: cleanWhere, period: (q['period'] as PeriodKey | undefined) ?? null };
}

/** The closing buckets a period covers: a month or week bucket itself; a quarter or year as its months. */
function periodBuckets(period: PeriodKey | null): ((key: string) => boolean) | undefined {
  if (period === null) return undefined;
  switch (periodKeyUnit(period)) {
    case 'year':
      return (key) => key.length === 7 && key.startsWith(`${period}-`) && key[5] !== 'W';
    case 'quarter': {
      const year = period.slice(0, 4);
      const first = (Number(period.slice(6)) - 1) * 3 + 1;
      const months = [first, first + 1, first + 2].map((m) => `${year}-${String(m).padStart(2, '0')}`);
      return (key) => months.includes(key);
    }
    default:
      return (key) => key === period;
  }
}

/** A group's sums: a cell's figures without its cut values, closings of the asked period only. */
type Totals = Omit<FunnelCell, 'rep' | 'region' | 'source' | 'cohort' | 'members' | 'closings'> & { closings: FunnelClosings };

const zeros = (n: number): number[] => new Array<number>(n).fill(0);
const newTotals = (): Totals => ({
  count: zeros(funnelStages.length),
  valueMinor: zeros(funnelStages.length),
  weightedMinor: 0,
  entered: zeros(funnelStages.length),
  movedOn: zeros(funnelStages.length),
  lost: zeros(funnelStages.length),
  stillThere: zeros(funnelStages.length),
  stayMs: zeros(STAY_STAGES),
  stays: zeros(STAY_STAGES),
  converted: 0,
  disqualified: 0,
  closings: { won: 0, wonValueMinor: 0, cycleMs: 0, cycles: 0, lost: 0, lostValueMinor: 0, reasons: {}, competitors: {} },
});

const addInto = (into: number[], from: readonly number[]): void => {
  for (let i = 0; i < into.length; i++) into[i]! += from[i] ?? 0;
};

function mergeLosses(into: Record<string, [number, number]>, from: Readonly<Record<string, [number, number]>>): void {
  for (const [key, [count, value]] of Object.entries(from)) {
    const entry = entryOrNew(into, key, (): [number, number] => [0, 0]);
    entry[0] += count;
    entry[1] += value;
  }
}

function addCell(t: Totals, cell: FunnelCell, inPeriod: ((key: string) => boolean) | undefined): void {
  addInto(t.count, cell.count);
  addInto(t.valueMinor, cell.valueMinor);
  t.weightedMinor += cell.weightedMinor;
  addInto(t.entered, cell.entered);
  addInto(t.movedOn, cell.movedOn);
  addInto(t.lost, cell.lost);
  addInto(t.stillThere, cell.stillThere);
  addInto(t.stayMs, cell.stayMs);
  addInto(t.stays, cell.stays);
  t.converted += cell.converted;
  t.disqualified += cell.disqualified;
  // Without a period every close counts once: in its month bucket.
  const take = inPeriod ?? ((key: string) => key[5] !== 'W');
  const c = t.closings;
  for (const [key, b] of Object.entries(cell.closings)) {
    if (!take(key)) continue;
    c.won += b.won;
    c.wonValueMinor += b.wonValueMinor;
    c.cycleMs += b.cycleMs;
    c.cycles += b.cycles;
    c.lost += b.lost;
    c.lostValueMinor += b.lostValueMinor;
    mergeLosses(c.reasons, b.reasons);
    mergeLosses(c.competitors, b.competitors);
  }
}

const ratio = (n: number, d: number): number | null => (d === 0 ? null : n / d);
const byKey = (a: [string, [number, number]], b: [string, [number, number]]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

function rowOf(group: string | null, t: Totals): FunnelRow {
  const stages = funnelStages.map((stage, i): FunnelStageFigures => {
    const stays = i < STAY_STAGES ? t.stays[i]! : 0;
    return {
      stage,
      count: t.count[i]!,
      valueMinor: t.valueMinor[i]!,
      entered: t.entered[i]!,
      movedOn: t.movedOn[i]!,
      lost: t.lost[i]!,
      stillThere: t.stillThere[i]!,
      conversion: i === WON ? null : ratio(t.movedOn[i]!, t.entered[i]!),
      averageDaysInStage: stays === 0 ? null : t.stayMs[i]! / stays / DAY_MS,
      completedStays: stays,
    };
  });
  let openCount = 0;
  let openValueMinor = 0;
  for (let i = 1; i < WON; i++) {
    openCount += t.count[i]!;
    openValueMinor += t.valueMinor[i]!;
  }
  const c = t.closings;
  const winRate = ratio(c.won, c.won + c.lost);
  const averageWonValueMinor = ratio(c.wonValueMinor, c.won);
  const averageSalesCycleDays = c.cycles === 0 ? null : c.cycleMs / c.cycles / DAY_MS;
  const velocityMinorPerDay =
    winRate === null || averageWonValueMinor === null || averageSalesCycleDays === null || averageSalesCycleDays === 0
      ? null
      : Math.round((openCount * averageWonValueMinor * winRate) / averageSalesCycleDays);
  return {
    group,
    stages,
    openCount,
    openValueMinor,
    weightedPipelineMinor: t.weightedMinor,
    leadsConverted: t.converted,
    leadsDisqualified: t.disqualified,
    leadConversion: ratio(t.converted, t.converted + t.disqualified),
    closing: {
      won: c.won,
      wonValueMinor: c.wonValueMinor,
      lost: c.lost,
      lostValueMinor: c.lostValueMinor,
      winRate,
      averageWonValueMinor,
      averageSalesCycleDays,
      velocityMinorPerDay,
      lostReasons: Object.entries(c.reasons).sort(byKey).map(([reason, [count, valueMinor]]) => ({ reason, count, valueMinor })),
      lostToCompetitors: Object.entries(c.competitors).sort(byKey).map(([competitor, [count, valueMinor]]) => ({ competitor, count, valueMinor })),
    },
  };
}

const matches = (cell: FunnelCell, where: FunnelWhere): boolean =>
  (where.rep === undefined || cell.rep === where.rep) &&
  (where.region === undefined || cell.region === where.region) &&
  (where.source === undefined || cell.source === where.source) &&
  (where.cohort === undefined || cell.cohort === where.cohort);

/**
 * The funnel figures of a state: for the company (default) or one row per
 * rep, region, source or cohort (`by`), over the opportunities `where`
 * selects, with the closing figures over `period` (default: all time). Rows are
 * sums of the state's cells, so the rows of any cut add up to the company row
 * for every count and value. Throws the kernel's `ValidationError` naming each
 * bad field of the query.
 */
export function queryFunnel(state: FunnelState, query: FunnelQuery = {}): FunnelResult {
  const { by, where, period } = checkQuery(query);
  const inPeriod = periodBuckets(period);
  const groups: Record<string, { key: string | null; totals: Totals }> = {};
  if (by === 'company') groups[JSON.stringify('company')] = { key: 'company', totals: newTotals() };
  for (const cell of Object.values(state.cells)) {
    if (!matches(cell, where)) continue;
    const key = by === 'company' ? 'company' : cell[by];
    const group = entryOrNew(groups, JSON.stringify(key), () => ({ key, totals: newTotals() }));
    addCell(group.totals, cell, inPeriod);
  }
  const rows = Object.values(groups)
    .sort((a, b) => (a.key === b.key ? 0 : a.key === null ? 1 : b.key === null ? -1 : a.key < b.key ? -1 : 1))
    .map((g) => rowOf(g.key, g.totals));
  return { by, where, period, rows };
}
