import { TZDate } from '@date-fns/tz';
import { addMonths, addQuarters, addWeeks, addYears, isMonday, parseISO } from 'date-fns';
import { z } from 'zod';
import { isoDateSchema } from './common-schemas.js';

/** Calendar periods of targets, reports and KPIs, in the company time zone. */
export const periodUnits = ['year', 'quarter', 'month', 'week'] as const;
export type PeriodUnit = (typeof periodUnits)[number];

export interface Period {
  readonly unit: PeriodUnit;
  /** The local date the period starts on: Jan 1, a quarter's or month's 1st, an ISO week's Monday. */
  readonly start: string;
}

/** Is `start` (YYYY-MM-DD) the first day of a period of this unit? */
export function isPeriodStart(unit: PeriodUnit, start: string): boolean {
  const [, month, day] = start.split('-').map(Number) as [number, number, number];
  switch (unit) {
    case 'year':
      return month === 1 && day === 1;
    case 'quarter':
      return day === 1 && (month - 1) % 3 === 0;
    case 'month':
      return day === 1;
    case 'week':
      return isMonday(parseISO(start));
  }
}

export const periodSchema = z
  .strictObject({ unit: z.enum(periodUnits), start: isoDateSchema })
  .refine((p) => isPeriodStart(p.unit, p.start), {
    message: 'start must be the first day of the period: Jan 1 for a year, the 1st of a quarter (Jan, Apr, Jul, Oct) or month, a Monday for an ISO week',
    path: ['start'],
  });

const step = { year: addYears, quarter: addQuarters, month: addMonths, week: addWeeks } as const;

// Time-zone arithmetic is slow (tens of µs) and histories ask for the same few periods again and again.
const boundsCache = new Map<string, { readonly startsAt: string; readonly endsAt: string }>();

/** The instants a period covers in a time zone: `[startsAt, endsAt)` as ISO-8601 UTC. */
export function periodBounds(period: Period, timeZone: string): { readonly startsAt: string; readonly endsAt: string } {
  const key = `${timeZone} ${period.unit} ${period.start}`;
  const known = boundsCache.get(key);
  if (known !== undefined) return known;
  const [y, m, d] = period.start.split('-').map(Number) as [number, number, number];
  const start = new TZDate(y, m - 1, d, timeZone);
  const end = step[period.unit](start, 1);
  const bounds = Object.freeze({ startsAt: new Date(start.getTime()).toISOString(), endsAt: new Date(end.getTime()).toISOString() });
  if (boundsCache.size >= 10_000) boundsCache.clear();
  boundsCache.set(key, bounds);
  return bounds;
}
