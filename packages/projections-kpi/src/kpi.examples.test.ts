import { applyEvents } from '@dealbook/eventsourcing';
import { recordedEvents, type EventSketch } from '@dealbook/testing';
import { describe, expect, it } from 'vitest';
import { createKpiProjection, commissionMinor } from './kpi-projection.js';
import { queryKpi } from './kpi-query.js';
import { createReceivablesProjection, queryReceivables } from './receivables.js';

// A small company, written out by hand (company time zone: Asia/Shanghai, UTC+8).
// m-1 manages r-1 (east) and r-2 (north).
const at = (day: string, hour = 2) => `2026-${day}T${String(hour).padStart(2, '0')}:00:00.000Z`;
const e = (streamId: string, type: string, occurredAt: string, data: unknown): EventSketch => ({ streamId, type, occurredAt, data });

const history: EventSketch[] = [
  e('rep-m-1', 'RepHired', at('01-01', 1), { repId: 'm-1', name: 'M', role: 'manager', regions: ['east'] }),
  e('rep-r-1', 'RepHired', at('01-01', 1), { repId: 'r-1', name: 'R1', role: 'representative', managerId: 'm-1', regions: ['east'] }),
  e('rep-r-2', 'RepHired', at('01-01', 1), { repId: 'r-2', name: 'R2', role: 'representative', managerId: 'm-1', regions: ['north'] }),
  e('rep-r-1', 'SalesTargetSet', at('01-01', 3), { period: { unit: 'month', start: '2026-01-01' }, amountMinor: 1_000_000, newCustomers: 2, visits: 4 }),
  e('customer-c-1', 'CustomerRegistered', at('01-02'), { customerId: 'c-1', customerNumber: 'N1', name: 'C1', region: 'east', contacts: [] }),
  e('customer-c-1', 'CustomerAssigned', at('01-02', 3), { repId: 'r-1', reason: 'initial' }),
  e('customer-c-2', 'CustomerRegistered', at('01-02'), { customerId: 'c-2', customerNumber: 'N2', name: 'C2', region: 'east', contacts: [] }),
  e('customer-c-2', 'CustomerAssigned', at('01-02', 3), { repId: 'r-1', reason: 'initial' }),
  e('opportunity-o-1', 'LeadCaptured', at('01-03'), { opportunityId: 'o-1', source: 'partner', customerId: 'c-1', capturedBy: 'r-1' }),
  e('opportunity-o-1', 'LeadAssigned', at('01-03', 3), { repId: 'r-1' }),
  e('opportunity-o-2', 'LeadCaptured', at('01-03'), { opportunityId: 'o-2', source: 'web', customerId: 'c-2', capturedBy: 'r-1' }),
  e('opportunity-o-1', 'OpportunityOpened', at('01-04'), { customerId: 'c-1', repId: 'r-1', productLines: ['cable'], estimatedValueMinor: 600_000, probability: 0.5, expectedCloseDate: '2026-02-01' }),
  e('opportunity-o-2', 'LeadDisqualified', at('01-05'), { reason: 'no budget' }),
  e('customer-c-1', 'CustomerVisited', at('01-05'), { visitId: 'v1', repId: 'r-1', channel: 'onsite', followUps: [] }),
  e('customer-c-1', 'CustomerVisited', at('01-06'), { visitId: 'v2', repId: 'r-1', channel: 'phone', followUps: [] }),
  e('customer-c-2', 'CustomerVisited', at('01-07'), { visitId: 'v3', repId: 'r-1', channel: 'onsite', followUps: [] }),
  e('customer-c-1', 'ComplaintReceived', at('01-08'), { complaintId: 'q1', category: 'quality', description: 'scratches' }),
  e('customer-c-1', 'ComplaintForwarded', at('01-08', 3), { complaintId: 'q1', department: 'quality' }), // 1 h: within the 2 h SLA
  e('customer-c-1', 'ComplaintReceived', at('01-09'), { complaintId: 'q2', category: 'delivery', description: 'late' }),
  e('customer-c-1', 'ComplaintForwarded', at('01-09', 5), { complaintId: 'q2', department: 'logistics' }), // 3 h: late
  e('contract-k-1', 'ContractDrafted', at('01-10'), { contractId: 'k-1', opportunityId: 'o-1', customerId: 'c-1', repId: 'r-1', lines: [], totalMinor: 600_000, deliveryDate: '2026-02-01', paymentTerms: { creditDays: 7 } }),
  e('contract-k-1', 'ContractSigned', at('01-12'), { companySignatoryId: 'm-1', customerSignatory: 'Ms C' }),
  e('opportunity-o-1', 'OpportunityWon', at('01-12'), { contractId: 'k-1', valueMinor: 600_000 }),
  e('contract-k-1', 'InvoiceIssued', at('01-13'), { invoiceId: 'i1', amountMinor: 600_000, dueAt: at('01-20') }),
  e('contract-k-2', 'ContractDrafted', at('01-15'), { contractId: 'k-2', customerId: 'c-1', repId: 'r-1', lines: [], totalMinor: 400_000, deliveryDate: '2026-02-01', paymentTerms: { creditDays: 20 } }),
  e('contract-k-2', 'ContractSigned', at('01-16'), { companySignatoryId: 'm-1', customerSignatory: 'Ms C' }),
  e('contract-k-2', 'InvoiceIssued', at('01-17'), { invoiceId: 'i2', amountMinor: 400_000, dueAt: at('02-10') }),
  e('contract-k-1', 'PaymentReceived', at('01-18'), { invoiceId: 'i1', amountMinor: 333_333 }),
  e('opportunity-o-3', 'LeadCaptured', at('01-18'), { opportunityId: 'o-3', source: 'web', customerId: 'c-2', capturedBy: 'r-1' }),
  e('opportunity-o-3', 'OpportunityOpened', at('01-19'), { customerId: 'c-2', repId: 'r-1', productLines: ['cable'], estimatedValueMinor: 50_000, probability: 0.2, expectedCloseDate: '2026-03-01' }),
  e('opportunity-o-3', 'OpportunityLost', at('01-20'), { reason: 'price' }),
  e('contract-k-2', 'PaymentReceived', at('01-25'), { invoiceId: 'i2', amountMinor: 100_001 }),
  e('customer-c-2', 'CustomerLost', at('01-28'), { reason: 'moved', attributableToRep: true }),
  // February: c-1 goes to r-2; January's credit stays with r-1.
  e('customer-c-1', 'CustomerAssigned', at('02-01'), { repId: 'r-2', previousRepId: 'r-1', reason: 'reassignment' }),
  e('contract-k-1', 'PaymentReceived', at('02-02'), { invoiceId: 'i1', amountMinor: 66_667 }),
  e('customer-c-1', 'ComplaintReceived', at('02-02'), { complaintId: 'q3', category: 'quality', description: 'dents' }),
  e('rep-r-1', 'SalesReportSubmitted', at('02-03'), { period: { unit: 'month', start: '2026-01-01' }, summary: 'January' }), // before Feb 5 16:00Z: on time
  e('rep-r-2', 'SalesReportSubmitted', at('02-07'), { period: { unit: 'month', start: '2026-01-01' }, summary: 'January' }), // late
];

const state = () => {
  const projection = createKpiProjection();
  return applyEvents(projection, projection.initialState(), recordedEvents(history));
};

describe('KPI formulas, by hand', () => {
  const s = state();
  const jan = queryKpi(s, { period: '2026-01', by: 'rep' });
  const r1 = jan.rows.find((r) => r.group === 'r-1')!;

  it('sales, attainment, orders per week, new and registered customers', () => {
    expect(r1.signedSalesMinor).toBe(1_000_000); // 600,000 + 400,000
    expect(r1.contractsSigned).toBe(2);
    expect(r1.target).toEqual({ salesMinor: 1_000_000, newCustomers: 2, visits: 4 });
    expect(r1.attainment).toBe(1); // 1,000,000 / 1,000,000
    expect(r1.ordersPerWeek).toBeCloseTo(2 / (31 / 7), 12); // 2 contracts in 31 days
    expect(r1.newCustomers).toBe(1); // c-1's first contract (k-1); k-2 is its second
    expect(r1.customersRegistered).toBe(2);
    expect(r1.customersLost).toBe(1);
    expect(r1.customersLostAttributable).toBe(1);
  });

  it('collected and commission by business source', () => {
    expect(r1.collectedMinor).toBe(433_334); // 333,333 + 100,001
    // k-1 is c-1's first contract: new customer, 3% (its lead came from a partner, but "new customer" comes first).
    // 333,333 × 300 / 10,000 = 9,999.99 → 10,000; k-2 is existing-customer business, 1.5%: 100,001 × 150 / 10,000 = 1,500.015 → 1,500.
    expect(r1.commissionMinor).toEqual({ new_customer: 10_000, existing_customer: 1_500, partner: 0, total: 11_500 });
    expect(commissionMinor(9_007_199_254_740_991, 300)).toBe(270_215_977_642_230); // exact beyond 2^53 / 300 (…229.73 → …230)
  });

  it('visits, win rate, lead conversion, sales cycle, complaint SLA', () => {
    expect([r1.visitsOnsite, r1.visitsPhone]).toEqual([2, 1]);
    expect(r1.winRate).toBe(0.5); // o-1 won, o-3 lost
    expect(r1.leadConversion).toBe(2 / 3); // o-1 and o-3 opened, o-2 disqualified
    expect(r1.averageSalesCycleDays).toBe(8); // o-1: opened Jan 4, won Jan 12
    expect(r1.complaintsReceived).toBe(2);
    expect(r1.complaintSlaCompliance).toBe(0.5); // q1 in 1 h, q2 in 3 h (SLA 2 h)
  });

  it('report completion, weighted score and performance pay', () => {
    expect([r1.reportsSubmitted, r1.reportsOnTime, r1.reportsDue, r1.reportCompletion]).toEqual([1, 1, 1, 1]);
    const r2 = jan.rows.find((r) => r.group === 'r-2')!;
    expect([r2.reportsSubmitted, r2.reportsOnTime, r2.reportsDue, r2.reportCompletion]).toEqual([1, 0, 1, 0]);
    // Representative weights .50 / .20 / .15 / .10 / .05 on 100 (sales), 50 (1 of 2 new customers),
    // 75 (3 of 4 visits), 50 (complaint SLA), 100 (reports): 50 + 10 + 11.25 + 5 + 5 = 81.25.
    expect(r1.scoreComponents).toEqual({ salesAttainment: 100, newCustomers: 50, visits: 75, complaintSla: 50, reportCompletion: 100 });
    expect(r1.score).toBeCloseTo(81.25, 10);
    expect(r1.performancePayMinor).toBe(243_750); // 300,000 × 81.25 / 100
    // r-2 has no target and no complaints: reports alone count, 0 of 1 on time.
    expect(r2.score).toBe(0);
    expect(r2.performancePayMinor).toBe(0);
  });

  it('the score caps each component and rescales the weights of the components present', () => {
    const big = queryKpi(s, { period: '2026-Q1', by: 'rep', where: { rep: 'r-1' } }).rows[0]!;
    // The quarter's target is January's (the only month set): same sales, so the same components.
    expect(big.target.salesMinor).toBe(1_000_000);
    expect(big.performancePayMinor).toBe(243_750 + 0 + 0); // Feb: no target, no complaints forwarded, report not due yet → only the Jan pay
  });

  it('overdue receivables at the end of the period, and growth', () => {
    // Jan ends 2026-01-31T16:00Z in Shanghai: i1 (due Jan 20) has 600,000 − 333,333 open; i2 is not due.
    expect(r1.overdueReceivablesMinor).toBe(266_667);
    const feb = queryKpi(s, { period: '2026-02', by: 'rep', where: { rep: 'r-1' } }).rows[0]!;
    expect(feb.signedSalesMinor).toBe(0);
    expect(feb.growth.signedSales).toBe(-1); // (0 − 1,000,000) / 1,000,000
    expect(feb.collectedMinor).toBe(66_667); // k-1 stays r-1's after c-1 moved to r-2
    expect(jan.rows.find((r) => r.group === 'm-1')!.growth.signedSales).toBeNull(); // nothing the month before
  });

  it('credit goes to whoever owned the customer at the time', () => {
    const feb = queryKpi(s, { period: '2026-02', by: 'rep' });
    expect(feb.rows.find((r) => r.group === 'r-2')!.complaintsReceived).toBe(1); // q3, after the reassignment
    expect(r1.complaintsReceived).toBe(2); // q1 and q2 stay with r-1
  });

  it('teams and regions: the manager leads the team, the rep’s first territory is the region', () => {
    const teams = queryKpi(s, { period: '2026-01', by: 'team' }).rows.map((r) => r.group);
    expect(teams).toEqual(['m-1']); // m-1 has no manager: it leads its own team, as do r-1 and r-2 under it
    const regions = queryKpi(s, { period: '2026-01', by: 'region' }).rows;
    expect(regions.map((r) => [r.group, r.signedSalesMinor])).toEqual([
      ['east', 1_000_000],
      ['north', 0],
    ]);
  });

  it('refuses a malformed query, naming each bad field', () => {
    expect(() => queryKpi(s, { period: '2026-13', by: 'person' as 'rep', at: 'yesterday' })).toThrow(/period.*\n?.*by|by.*period/s);
  });
});

describe('receivables, by hand', () => {
  const projection = createReceivablesProjection();
  const s = applyEvents(projection, projection.initialState(), recordedEvents(history));
  it('open amounts, aging buckets and DSO at an instant', () => {
    const result = queryReceivables(s, { at: '2026-03-01T02:00:00.000Z' });
    // i1: 600,000 − 333,333 − 66,667 = 200,000 open, 40 days past due (Jan 20 → Mar 1): 31–60.
    // i2: 400,000 − 100,001 = 299,999 open, 19 days past due (Feb 10 → Mar 1): 1–30.
    expect(result.rows).toEqual([
      {
        key: 'company',
        openMinor: 499_999,
        aging: { notDue: 0, days1to30: 299_999, days31to60: 200_000, days61to90: 0, over90: 0 },
        overdueMinor: 499_999,
        openInvoices: 2,
        dsoDays: (499_999 / 1_000_000) * 90, // open ÷ invoiced in the 90 days before × 90
      },
    ]);
    expect(queryReceivables(s, { at: '2026-01-19T02:00:00.000Z', by: 'customer' }).rows.map((r) => [r.key, r.openMinor, r.aging.notDue])).toEqual([['c-1', 666_667, 666_667]]);
    expect(() => queryReceivables(s, { by: 'team' as 'rep' })).toThrow(/by/);
  });
});
