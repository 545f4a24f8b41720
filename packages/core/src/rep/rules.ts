import { entryOf } from '@dealbook/eventsourcing';
import { periodBounds } from '../periods.js';
import { violation, type Rule } from '../rules.js';
import type { RepAggregateRefs } from './commands.js';
import type { RepEvent } from './events.js';
import type { RepState, RepStatus } from './state.js';

type RepRule = Rule<RepState, RepEvent, RepAggregateRefs>;

/** Which lifecycle states each event may happen in (R-REP-STATE). */
const allowedIn: Record<RepEvent['type'], readonly RepStatus[]> = {
  RepHired: ['none'],
  RepTerritoryAssigned: ['active'],
  RepRoleChanged: ['active'],
  RepCertified: ['active'],
  RepCertificationSuspended: ['active', 'departing'],
  RepCertificationRevoked: ['active', 'departing'],
  RepTrainingCompleted: ['active', 'departing'],
  SalesTargetSet: ['active', 'departing'],
  RepDisciplined: ['active', 'departing'],
  RepRewarded: ['active', 'departing'],
  SalesReportSubmitted: ['active', 'departing'],
  SalesReportReviewed: ['active', 'departing', 'departed'],
  RepDepartureRequested: ['active'],
  RepDeparted: ['departing'],
};

const describeStatus = (s: RepStatus) => (s === 'none' ? 'not hired' : s);

/** R-REP-STATE: the rep's lifecycle (active → departing → departed) and what each state allows. */
export const repLifecycle: RepRule = {
  code: 'R-REP-STATE',
  on: Object.keys(allowedIn) as RepEvent['type'][],
  check(before, event) {
    if (!allowedIn[event.type].includes(before.status)) {
      const hint = before.status === 'none' ? 'Hire the rep first.' : event.type === 'RepHired' ? 'This rep id is taken: hire with a new id.' : `Allowed when the rep is ${allowedIn[event.type].map(describeStatus).join(' or ')}.`;
      return violation('R-REP-STATE', `${event.type} is not allowed for a rep who is ${describeStatus(before.status)}. ${hint}`, { status: before.status });
    }
    if (event.type === 'RepRoleChanged' && event.data.role === before.role) {
      return violation('R-REP-STATE', `The rep already has the role ${event.data.role}.`, { role: before.role });
    }
    if (event.type === 'RepCertificationSuspended' || event.type === 'RepCertificationRevoked') {
      const cert = entryOf(before.certifications, event.data.productLine);
      if (cert === undefined || cert.revoked || (event.type === 'RepCertificationSuspended' && cert.suspended)) {
        return violation('R-REP-STATE', `The rep holds no ${event.type === 'RepCertificationSuspended' ? 'unsuspended' : 'unrevoked'} certification for ${event.data.productLine}.`, { productLine: event.data.productLine });
      }
    }
    return undefined;
  },
};

/**
 * R-REP-REPORT: monthly reports are written after the month ends. A report
 * for a month that has not ended is refused; a late one is accepted (its
 * lateness is the auditor's finding, and report completion counts it).
 */
export const reportAfterMonthEnd: RepRule = {
  code: 'R-REP-REPORT',
  on: ['SalesReportSubmitted'],
  check(_before, event, { policy }) {
    if (event.type !== 'SalesReportSubmitted') return undefined;
    if (event.data.period.unit !== 'month') {
      return violation('R-REP-REPORT', `Sales reports are monthly: submit one per month (period.unit "month"), not per ${event.data.period.unit}.`);
    }
    const { endsAt } = periodBounds(event.data.period, policy.timeZone);
    if (event.occurredAt < endsAt) {
      return violation('R-REP-REPORT', `The month starting ${event.data.period.start} has not ended yet (it ends ${endsAt} in ${policy.timeZone}): submit its report after that.`, { endsAt, reason: 'early' });
    }
    return undefined;
  },
};

/** R-REP-REPORT-FLOW: one report per month; a review needs a submitted, unreviewed report and a reviewer other than the rep. */
export const reportFlow: RepRule = {
  code: 'R-REP-REPORT-FLOW',
  on: ['SalesReportSubmitted', 'SalesReportReviewed'],
  check(before, event) {
    if (event.type === 'SalesReportSubmitted') {
      if (entryOf(before.reports, event.data.period.start) !== undefined) {
        return violation('R-REP-REPORT-FLOW', `The report for the month starting ${event.data.period.start} was already submitted.`);
      }
    } else if (event.type === 'SalesReportReviewed') {
      const report = entryOf(before.reports, event.data.period.start);
      if (report === undefined) return violation('R-REP-REPORT-FLOW', `No report was submitted for the month starting ${event.data.period.start}: nothing to review.`);
      if (report.reviewed) return violation('R-REP-REPORT-FLOW', `The report for the month starting ${event.data.period.start} was already reviewed.`);
      if (event.data.reviewerId === before.repId) return violation('R-REP-REPORT-FLOW', 'A rep cannot review their own report: the manager reviews it.');
    }
    return undefined;
  },
};

/** R-REP-HANDOVER: a rep cannot be marked departed while customers, leads or open opportunities are still theirs. */
export const handoverBeforeDeparture: RepRule = {
  code: 'R-REP-HANDOVER',
  on: ['RepDeparted'],
  check(_before, _event, { refs }) {
    const w = refs.workload;
    if (w === undefined) return undefined;
    const left = w.customers.length + w.leads.length + w.openOpportunities.length;
    if (left === 0) return undefined;
    return violation(
      'R-REP-HANDOVER',
      `The rep still has ${w.customers.length} customer(s), ${w.leads.length} lead(s) and ${w.openOpportunities.length} open opportunit(ies): reassign them before marking the rep departed.`,
      { customers: w.customers, leads: w.leads, openOpportunities: w.openOpportunities },
    );
  },
};

/** R-TIME-ORDER: a departure takes effect no earlier than the requested date. */
export const departureNotBeforeEffectiveDate: RepRule = {
  code: 'R-TIME-ORDER',
  on: ['RepDeparted'],
  check(before, event) {
    if (before.departureEffectiveAt !== undefined && event.occurredAt < before.departureEffectiveAt) {
      return violation('R-TIME-ORDER', `The departure takes effect at ${before.departureEffectiveAt}; it cannot be completed at ${event.occurredAt}.`, { effectiveAt: before.departureEffectiveAt });
    }
    return undefined;
  },
};

/** Every rule of the SalesRep aggregate, in the order they are judged. */
export const repRules: readonly RepRule[] = [repLifecycle, reportAfterMonthEnd, reportFlow, departureNotBeforeEffectiveDate, handoverBeforeDeparture];
