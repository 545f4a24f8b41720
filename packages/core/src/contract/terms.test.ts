import { TZDate } from '@date-fns/tz';
import { addDays, format, startOfDay } from 'date-fns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invoiceDueAt } from './terms.js';

/** The definition, spelled with zoned dates only (slower): the reference for the fast version. */
function reference(issuedAt: string, creditDays: number, timeZone: string) {
  const dueDay = addDays(new TZDate(Date.parse(issuedAt), timeZone), creditDays);
  const end = startOfDay(addDays(dueDay, 1));
  return { dueDate: format(dueDay, 'yyyy-MM-dd'), dueAt: new Date(end.getTime()).toISOString() };
}

describe('invoiceDueAt', () => {
  it('equals the zoned-date definition for any instant, credit term and zone (DST included)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01T00:00:00.000Z'), max: new Date('2040-12-31T23:59:59.999Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 400 }),
        fc.constantFrom('Asia/Shanghai', 'UTC', 'America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Pacific/Apia'),
        (date, creditDays, zone) => {
          expect(invoiceDueAt(date.toISOString(), creditDays, zone)).toEqual(reference(date.toISOString(), creditDays, zone));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
