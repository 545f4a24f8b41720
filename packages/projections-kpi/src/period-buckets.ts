import { parsePeriodKey, periodKeyUnit, type PeriodKey } from '@dealbook/core';
import type { Figures } from './figures.js';
import type { KpiState } from './kpi-state.js';

/** The months (keys) a period covers; none for a week. */
export function monthsOf(period: PeriodKey): PeriodKey[] {
  const p = parsePeriodKey(period);
  const [y, m] = p.start.split('-').map(Number) as [number, number];
  const count = p.unit === 'year' ? 12 : p.unit === 'quarter' ? 3 : p.unit === 'month' ? 1 : 0;
  const out: PeriodKey[] = [];
  for (let i = 0; i < count; i++) out.push(`${y}-${String(m + i).padStart(2, '0')}`);
  return out;
}

/**
 * The buckets (cell key → figures) whose sum is a period's figures: a month's
 * or a week's own bucket, the buckets of its months for a quarter or a year
 * (the model keeps only months and weeks; every credit is in one of each).
 */
export function bucketsOf(state: Pick<KpiState, 'buckets'>, period: PeriodKey): Readonly<Record<string, Figures>>[] {
  const unit = periodKeyUnit(period);
  const keys = unit === 'year' || unit === 'quarter' ? monthsOf(period) : [period];
  const out: Readonly<Record<string, Figures>>[] = [];
  for (const key of keys) {
    const bucket = state.buckets[key];
    if (bucket !== undefined) out.push(bucket);
  }
  return out;
}
