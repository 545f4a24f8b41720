import { TZDate } from '@date-fns/tz';
import { format, getISOWeek, getISOWeekYear } from 'date-fns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPeriodKeyer, isPeriodKey, parsePeriodKey, periodKeyAt, periodKeyBounds, periodKeyOf } from './period-keys.js';
import { periodUnits } from './periods.js';

// Santiago and Havana change clocks at midnight: some local days start at 01:00.
const zones = ['Asia/Shanghai', 'UTC', 'America/New_York', 'Asia/Kathmandu', 'Pacific/Chatham', 'Europe/London', 'America/Santiago', 'America/Havana'] as const;

/** The keys straight from date-fns on a zoned date, with no memory (the definition the keyer must agree with). */
const reference = (instant: string, zone: string) => {
  const local = new TZDate(Date.parse(instant), zone);
  const year = format(local, 'yyyy');
  return { year, quarter: `${year}-Q${Math.floor(local.getMonth() / 3) + 1}`, month: format(local, 'yyyy-MM'), week: `${getISOWeekYear(local)}-W${String(getISOWeek(local)).padStart(2, '0')}`, date: format(local, 'yyyy-MM-dd') };
};
const instantArb = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) }).map((ms) => new Date(ms).toISOString());

describe('period keys', () => {
  it('names periods as the CLIs and read models spell them', () => {
    expect(periodKeyOf({ unit: 'year', start: '2017-01-01' })).toBe('2017');
    expect(periodKeyOf({ unit: 'quarter', start: '2017-04-01' })).toBe('2017-Q2');
    expect(periodKeyOf({ unit: 'month', start: '2017-03-01' })).toBe('2017-03');
    expect(periodKeyOf({ unit: 'week', start: '2017-02-27' })).toBe('2017-W09');
    // ISO week-years: Jan 1 2021 is in 2020-W53; Dec 30 2019 starts 2020-W01.
    expect(parsePeriodKey('2020-W53')).toEqual({ unit: 'week', start: '2020-12-28' });
    expect(parsePeriodKey('2020-W01')).toEqual({ unit: 'week', start: '2019-12-30' });
    expect(periodKeyAt('2021-01-01T12:00:00.000Z', 'week', 'UTC')).toBe('2020-W53');
  });

  it('keys an instant by the local calendar of the time zone', () => {
    // 2017-03-31T17:00Z is already April 1 in Shanghai (UTC+8), still March 31 in New York.
    const keys = createPeriodKeyer('Asia/Shanghai')('2017-03-31T17:00:00.000Z');
    expect(keys).toMatchObject({ year: '2017', quarter: '2017-Q2', month: '2017-04', date: '2017-04-01' });
    expect(periodKeyAt('2017-03-31T17:00:00.000Z', 'month', 'America/New_York')).toBe('2017-03');
  });

  it('refuses what is not a period, saying what is accepted', () => {
    for (const bad of ['17', '2017-Q5', '2017-13', '2017-W54', '2019-W53', '2017-3', 'Q1-2017', '']) {
      expect(isPeriodKey(bad)).toBe(false);
      expect(() => parsePeriodKey(bad)).toThrow(/use 2017 \(year\), 2017-Q1/);
    }
  });

  it('every instant lies within the bounds of each of its keys, and keys round-trip', () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.array(instantArb, { minLength: 1, maxLength: 8 }), (zone, instants) => {
        const keyer = createPeriodKeyer(zone);
        for (const instant of [...instants, ...instants.reverse()]) {
          const keys = keyer(instant);
          for (const unit of periodUnits) {
            const key = keys[unit];
            expect(isPeriodKey(key)).toBe(true);
            expect(periodKeyOf(parsePeriodKey(key))).toBe(key);
            const { startsAt, endsAt } = periodKeyBounds(key, zone);
            expect(startsAt <= instant && instant < endsAt, `${instant} in ${key} [${startsAt}, ${endsAt}) ${zone}`).toBe(true);
          }
          // What the keyer remembers is what the definition gives.
          expect(keys).toMatchObject(reference(instant, zone));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('agrees with the definition at the edges of local days, in zones whose days start at 01:00 some days', () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), instantArb, fc.constantFrom(-1, 0, 1), (zone, instant, nudge) => {
        // The first instant of the local day of `instant`, and its neighbours.
        const keyer = createPeriodKeyer(zone);
        const { startsAt } = periodKeyBounds(keyer(instant).week, zone);
        const edge = new Date(Date.parse(startsAt) + nudge).toISOString();
        expect(keyer(edge)).toMatchObject(reference(edge, zone));
      }),
      { numRuns: 300 },
    );
  });
});

describe('monthly report deadline', () => {
  it('is the end of the month plus the due days, in the company time zone', async () => {
    const { monthlyReportDeadline } = await import('./rep/report-deadline.js');
    // March 2017 ends at 2017-04-01T00:00 Shanghai = 2017-03-31T16:00Z; + 5 days.
    expect(monthlyReportDeadline('2017-03-01', { timeZone: 'Asia/Shanghai', monthlyReportDueDays: 5 })).toBe('2017-04-05T16:00:00.000Z');
    // Across the New York DST change (March 12, 2017): local midnight stays midnight.
    expect(monthlyReportDeadline('2017-02-01', { timeZone: 'America/New_York', monthlyReportDueDays: 20 })).toBe('2017-03-21T04:00:00.000Z');
  });
});

describe('periodKeysBetween', () => {
  it('lists every period from the first instant to the last, across years and ISO weeks', async () => {
    const { periodKeysBetween } = await import('./period-keys.js');
    expect(periodKeysBetween('2026-11-15T00:00:00.000Z', '2027-02-01T00:00:00.000Z', 'month', 'Asia/Shanghai')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(periodKeysBetween('2020-12-20T00:00:00.000Z', '2021-01-05T00:00:00.000Z', 'week', 'UTC')).toEqual(['2020-W51', '2020-W52', '2020-W53', '2021-W01']);
    expect(periodKeysBetween('2027-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'year', 'UTC')).toEqual([]);
  });
});
