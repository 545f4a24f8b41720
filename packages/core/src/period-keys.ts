import { TZDate } from '@date-fns/tz';
import { format, getISOWeek, getISOWeekYear, setISOWeek, startOfISOWeek } from 'date-fns';
import { periodBounds, periodSchema, type Period, type PeriodUnit } from './periods.js';

/**
 * A period as a short key, the form read models group by and CLIs accept:
 * `2017` (year), `2017-Q1` (quarter), `2017-03` (month), `2017-W09` (ISO week,
 * numbered within its ISO week-year).
 */
export type PeriodKey = string;

/** The keys of the four periods an instant falls in, in a time zone. */
export interface PeriodKeys {
  readonly year: PeriodKey;
  readonly quarter: PeriodKey;
  readonly month: PeriodKey;
  readonly week: PeriodKey;
  /** The local date (YYYY-MM-DD). */
  readonly date: string;
  /** The four keys, coarse to fine: `[year, quarter, month, week]`. */
  readonly all: readonly PeriodKey[];
}

const KEY = /^(\d{4})(?:-(?:Q([1-4])|(0[1-9]|1[0-2])|W(0[1-9]|[1-4]\d|5[0-3])))?$/;

/** The unit of a period key, or undefined when it is not one. */
export function periodKeyUnit(key: string): PeriodUnit | undefined {
  const m = KEY.exec(key);
  if (m === null) return undefined;
  return m[2] !== undefined ? 'quarter' : m[3] !== undefined ? 'month' : m[4] !== undefined ? 'week' : 'year';
}

/** Is this a well-formed period key (`2017`, `2017-Q1`, `2017-03`, `2017-W09`, a week that exists in its year)? */
export function isPeriodKey(key: unknown): key is PeriodKey {
  if (typeof key !== 'string' || periodKeyUnit(key) === undefined) return false;
  return periodKeyOf(parsedPeriod(key)) === key;
}

function parsedPeriod(key: string): Period {
  const m = KEY.exec(key)!;
  const year = Number(m[1]);
  if (m[2] !== undefined) return { unit: 'quarter', start: `${m[1]}-${String((Number(m[2]) - 1) * 3 + 1).padStart(2, '0')}-01` };
  if (m[3] !== undefined) return { unit: 'month', start: `${m[1]}-${m[3]}-01` };
  if (m[4] !== undefined) {
    // Jan 4 is always in ISO week 1 of its year.
    const monday = startOfISOWeek(setISOWeek(new TZDate(year, 0, 4, 'UTC'), Number(m[4])));
    return { unit: 'week', start: format(monday, 'yyyy-MM-dd') };
  }
  return { unit: 'year', start: `${m[1]}-01-01` };
}

/**
 * The period a key names. Throws a `RangeError` saying what is accepted when
 * the key is malformed (or names week 53 of a year that has 52).
 */
export function parsePeriodKey(key: string): Period {
  if (typeof key !== 'string' || periodKeyUnit(key) === undefined || !isPeriodKey(key)) {
    throw new RangeError(`"${String(key)}" is not a period: use 2017 (year), 2017-Q1 (quarter), 2017-03 (month) or 2017-W09 (ISO week)`);
  }
  return parsedPeriod(key);
}

/** The key of a period (`{ unit: 'quarter', start: '2017-04-01' }` → `2017-Q2`). The period must be valid (see `periodSchema`). */
export function periodKeyOf(period: Period): PeriodKey {
  const [y, m, d] = period.start.split('-').map(Number) as [number, number, number];
  switch (period.unit) {
    case 'year':
      return `${y}`;
    case 'quarter':
      return `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
    case 'month':
      return period.start.slice(0, 7);
    case 'week': {
      const date = new TZDate(y, m - 1, d, 'UTC');
      return `${getISOWeekYear(date)}-W${String(getISOWeek(date)).padStart(2, '0')}`;
    }
  }
}

/** The instants a period key covers in a time zone, `[startsAt, endsAt)` as ISO-8601 UTC. */
export function periodKeyBounds(key: PeriodKey, timeZone: string): { readonly startsAt: string; readonly endsAt: string } {
  return periodBounds(parsePeriodKey(key), timeZone);
}

/** Checks a period with the schema (for callers holding untrusted input). */
export function isValidPeriod(period: unknown): period is Period {
  return periodSchema.safeParse(period).success;
}

const DAY_MS = 86_400_000;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
const MAX_REMEMBERED_DAYS = 50_000;

interface LocalDay {
  readonly startMs: number;
  readonly endMs: number;
  /** The same bounds as ISO-8601 strings, which sort as the instants do. */
  readonly startIso: string;
  readonly endIso: string;
  readonly keys: PeriodKeys;
}

interface ZoneMemory {
  readonly byUtcDay: Map<number, LocalDay[]>;
  remembered: number;
}
const zones = new Map<string, ZoneMemory>();

/**
 * Maps instants to their period keys in one time zone. Each local day met is
 * converted once (with date-fns and @date-fns/tz, so days of a DST change are
 * 23 or 25 hours long) and remembered by the UTC days it overlaps: a history
 * in any order costs one time-zone conversion per local day, then two
 * comparisons per event.
 */
export function createPeriodKeyer(timeZone: string): (instant: string) => PeriodKeys {
  // One memory per zone for the whole process: read models, rules and the
  // auditor created one after the other convert each local day once.
  let zone = zones.get(timeZone);
  if (zone === undefined) zones.set(timeZone, (zone = { byUtcDay: new Map(), remembered: 0 }));
  const memory = zone;
  const byUtcDay = memory.byUtcDay;
  let last: LocalDay | undefined;
  return (instant) => {
    // Histories come mostly in time order: an instant of the day met last is
    // found by comparing strings (a well-formed instant between two bounds of
    // one local day is one of its instants).
    if (last !== undefined && instant >= last.startIso && instant < last.endIso && TIMESTAMP.test(instant)) return last.keys;
    const ms = Date.parse(instant);
    if (Number.isNaN(ms)) throw new RangeError(`"${instant}" is not an ISO-8601 instant`);
    const candidates = byUtcDay.get(Math.floor(ms / DAY_MS));
    if (candidates !== undefined) {
      for (let i = 0; i < candidates.length; i++) {
        const day = candidates[i]!;
        if (ms >= day.startMs && ms < day.endMs) {
          last = day;
          return day.keys;
        }
      }
    }
    // A miss: the local date in the zone, then the instants its start and end
    // (the start of the next local day) fall on — three zone conversions.
    const local = new TZDate(ms, timeZone);
    const year = local.getFullYear();
    const month = local.getMonth();
    const date = local.getDate();
    const startMs = new TZDate(year, month, date, timeZone).getTime();
    const endMs = new TZDate(year, month, date + 1, timeZone).getTime();
    const day: LocalDay = { startMs, endMs, startIso: new Date(startMs).toISOString(), endIso: new Date(endMs).toISOString(), keys: keysOfDate(year, month, date) };
    last = day;
    if (memory.remembered >= MAX_REMEMBERED_DAYS) {
      byUtcDay.clear();
      memory.remembered = 0;
    }
    memory.remembered++;
    for (let d = Math.floor(day.startMs / DAY_MS); d <= Math.floor((day.endMs - 1) / DAY_MS); d++) {
      const list = byUtcDay.get(d);
      if (list === undefined) byUtcDay.set(d, [day]);
      else list.push(day);
    }
    return day.keys;
  };
}

// The keys of a calendar date do not depend on the zone: computed once per date, with date-fns on a
// plain Date at noon of that date in the system's zone (calendar fields only, far from any DST change).
const dateKeys = new Map<number, PeriodKeys>();
function keysOfDate(y: number, m: number, d: number): PeriodKeys {
  const id = (y * 12 + m) * 31 + d; // month 0–11, day 1–31: one number per date
  let keys = dateKeys.get(id);
  if (keys !== undefined) return keys;
  const noon = new Date(2000, 0, 1, 12);
  noon.setFullYear(y, m, d);
  const date = format(noon, 'yyyy-MM-dd');
  const year = date.slice(0, 4);
  const quarter = `${year}-Q${Math.floor(m / 3) + 1}`;
  const month = date.slice(0, 7);
  const week = `${getISOWeekYear(noon)}-W${String(getISOWeek(noon)).padStart(2, '0')}`;
  keys = Object.freeze({ year, quarter, month, week, date, all: Object.freeze([year, quarter, month, week]) });
  if (dateKeys.size >= MAX_REMEMBERED_DAYS) dateKeys.clear();
  dateKeys.set(id, keys);
  return keys;
}

/** The key of the period of `unit` an instant falls in (one-off; use `createPeriodKeyer` in loops). */
export function periodKeyAt(instant: string, unit: PeriodUnit, timeZone: string): PeriodKey {
  return createPeriodKeyer(timeZone)(instant)[unit];
}

/** The keys of every period of `unit` from the one holding `first` to the one holding `last` (at most 10,000), in a time zone. */
export function periodKeysBetween(first: string, last: string, unit: PeriodUnit, timeZone: string): PeriodKey[] {
  const keyer = createPeriodKeyer(timeZone);
  const keys: PeriodKey[] = [];
  let key = keyer(first)[unit];
  const lastKey = keyer(last)[unit];
  if (key > lastKey) return keys;
  for (let i = 0; i < 10_000; i++) {
    keys.push(key);
    if (key === lastKey) break;
    key = keyer(periodKeyBounds(key, timeZone).endsAt)[unit];
  }
  return keys;
}
