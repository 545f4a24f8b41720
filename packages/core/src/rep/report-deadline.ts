import { TZDate } from '@date-fns/tz';
import { addDays } from 'date-fns';
import type { Policy } from '../policy-schema.js';
import { periodBounds } from '../periods.js';

/**
 * R-REP-REPORT: the instant a month's sales report is due: the end of the
 * month plus `monthlyReportDueDays` local days, in the policy's time zone. A
 * report submitted before this instant (`occurredAt < deadline`) is on time.
 * `monthStart` is the month's first local date (YYYY-MM-01).
 */
export function monthlyReportDeadline(monthStart: string, policy: Pick<Policy, 'timeZone' | 'monthlyReportDueDays'>): string {
  const { endsAt } = periodBounds({ unit: 'month', start: monthStart }, policy.timeZone);
  return new Date(addDays(new TZDate(Date.parse(endsAt), policy.timeZone), policy.monthlyReportDueDays).getTime()).toISOString();
}
