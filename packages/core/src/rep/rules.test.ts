import { deciderSpec } from '@dealbook/testing';
import { describe, expect, it } from 'vitest';
import { definePolicy } from '../define-policy.js';
import { createPolicyTimeline } from '../policy-timeline.js';
import type { RepCommand, RepDecision } from './commands.js';
import { repCommandSchemas } from './commands.js';
import { createRepDecider } from './decider.js';
import type { RepEvent } from './events.js';

const decider = createRepDecider(createPolicyTimeline([definePolicy()]));
const spec = deciderSpec(decider);
const at = '2026-03-02T01:00:00.000Z';
const meta = { commandId: 'c-1', actorId: 'hr-1', occurredAt: at };
const cmd = (c: Record<string, unknown>): RepDecision => ({ ...meta, repId: 'r-1', ...c }) as RepDecision;
const hired: RepEvent = { type: 'RepHired', occurredAt: at, data: { repId: 'r-1', name: 'Wang Fang', role: 'representative', managerId: 'm-1', regions: ['east'] } };
const departing: RepEvent = { type: 'RepDepartureRequested', occurredAt: at, data: { effectiveAt: '2026-03-31T00:00:00.000Z' } };
const january = { unit: 'month', start: '2026-01-01' } as const;

describe('SalesRep rules', () => {
  it('R-REP-STATE: hire once; act only in the states that allow it', () => {
    spec.given([]).when(cmd({ type: 'HireRep', name: 'Wang Fang', role: 'representative', regions: ['east'] })).then([
      { type: 'RepHired', occurredAt: at, data: { repId: 'r-1', name: 'Wang Fang', role: 'representative', regions: ['east'] } },
    ]);
    spec.given([hired]).when(cmd({ type: 'HireRep', name: 'X', role: 'manager', regions: [] })).then('R-REP-STATE');
    spec.given([]).when(cmd({ type: 'AssignTerritory', regions: ['north'] })).then('R-REP-STATE');
    spec.given([hired]).when(cmd({ type: 'ChangeRole', role: 'representative', reason: 'no change' })).then('R-REP-STATE');
    spec.given([hired]).when(cmd({ type: 'ChangeRole', role: 'supervisor', reason: 'promotion' })).then([{ type: 'RepRoleChanged', occurredAt: at, data: { role: 'supervisor', reason: 'promotion' } }]);
    spec.given([hired]).when(cmd({ type: 'SuspendCertification', productLine: 'power-cable', reason: 'x' })).thenError('R-REP-STATE', /no unsuspended certification/);
    spec.given([hired, departing]).when(cmd({ type: 'CertifyRep', productLine: 'power-cable', validUntil: '2027-01-01T00:00:00.000Z' })).then('R-REP-STATE');
  });

  it('R-REP-REPORT: a monthly report only after the month has ended in the company time zone', () => {
    // January ends at 2026-02-01T00:00 Asia/Shanghai = 2026-01-31T16:00Z.
    spec.given([hired]).when(cmd({ type: 'SubmitSalesReport', period: january, summary: 'ok', occurredAt: '2026-01-31T15:59:59.999Z' })).thenError('R-REP-REPORT', /has not ended/);
    spec.given([hired]).when(cmd({ type: 'SubmitSalesReport', period: january, summary: 'ok', occurredAt: '2026-01-31T16:00:00.000Z' })).then([
      { type: 'SalesReportSubmitted', occurredAt: '2026-01-31T16:00:00.000Z', data: { period: january, summary: 'ok' } },
    ]);
    spec.given([hired]).when(cmd({ type: 'SubmitSalesReport', period: { unit: 'quarter', start: '2026-01-01' }, summary: 'ok', occurredAt: '2026-05-01T00:00:00.000Z' })).then('R-REP-REPORT');
    // A late report is accepted: its lateness is the auditor's finding.
    spec.given([hired]).when(cmd({ type: 'SubmitSalesReport', period: january, summary: 'late', occurredAt: '2026-06-01T00:00:00.000Z' })).then([
      { type: 'SalesReportSubmitted', occurredAt: '2026-06-01T00:00:00.000Z', data: { period: january, summary: 'late' } },
    ]);
  });

  it('R-REP-REPORT follows the policy time zone in force', () => {
    const utc = createRepDecider(createPolicyTimeline([definePolicy({ timeZone: 'UTC' })]));
    deciderSpec(utc).given([hired]).when(cmd({ type: 'SubmitSalesReport', period: january, summary: 'ok', occurredAt: '2026-01-31T16:00:00.000Z' })).then('R-REP-REPORT');
  });

  it('R-REP-REPORT-FLOW: one report per month; reviews of submitted reports, not by the rep', () => {
    const submitted: RepEvent = { type: 'SalesReportSubmitted', occurredAt: '2026-02-02T00:00:00.000Z', data: { period: january, summary: 'ok' } };
    const later = '2026-02-03T00:00:00.000Z';
    spec.given([hired, submitted]).when(cmd({ type: 'SubmitSalesReport', period: january, summary: 'again', occurredAt: later })).then('R-REP-REPORT-FLOW');
    spec.given([hired]).when(cmd({ type: 'ReviewSalesReport', period: january, reviewerId: 'm-1', feedback: 'good' })).then('R-REP-REPORT-FLOW');
    spec.given([hired, submitted]).when(cmd({ type: 'ReviewSalesReport', period: january, reviewerId: 'r-1', feedback: 'me' })).thenError('R-REP-REPORT-FLOW', /own report/);
    spec.given([hired, submitted]).when(cmd({ type: 'ReviewSalesReport', period: january, reviewerId: 'm-1', feedback: 'good', occurredAt: later })).then([
      { type: 'SalesReportReviewed', occurredAt: later, data: { period: january, reviewerId: 'm-1', feedback: 'good' } },
    ]);
  });

  it('R-REP-HANDOVER: departed only when nothing is still assigned', () => {
    const done = '2026-04-01T00:00:00.000Z';
    const empty = { customers: [], leads: [], openOpportunities: [] };
    const busy = { customers: ['customer-1'], leads: [], openOpportunities: ['opportunity-9'] };
    spec.given([hired, departing]).when(cmd({ type: 'MarkRepDeparted', occurredAt: done, context: { refs: { workload: busy } } })).thenError('R-REP-HANDOVER', /1 customer/);
    spec.given([hired, departing]).when(cmd({ type: 'MarkRepDeparted', occurredAt: done, context: { refs: { workload: empty } } })).then([{ type: 'RepDeparted', occurredAt: done, data: {} }]);
  });

  it('R-TIME-ORDER: a departure completes no earlier than its effective date', () => {
    spec.given([hired, departing]).when(cmd({ type: 'MarkRepDeparted', occurredAt: '2026-03-30T00:00:00.000Z' })).then('R-TIME-ORDER');
  });
});

describe('SalesRep command schemas', () => {
  it('name every bad field and refuse unknown ones (a host cannot pass context)', () => {
    const result = repCommandSchemas.SetSalesTarget.safeParse({
      type: 'SetSalesTarget',
      ...meta,
      repId: 'r-1',
      period: { unit: 'month', start: '2026-01-15' },
      amountMinor: 1.5,
      context: { refs: {} },
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.')).sort();
    expect(paths).toEqual(['', 'amountMinor', 'period.start']);
    const ok = repCommandSchemas.SetSalesTarget.parse({ type: 'SetSalesTarget', ...meta, repId: 'r-1', period: { unit: 'week', start: '2026-03-02' }, amountMinor: 100 });
    expect(ok satisfies RepCommand).toMatchObject({ amountMinor: 100 });
  });
});
