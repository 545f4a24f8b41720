import { definePolicy, type ContractState } from '@dealbook/core';
import { DomainError, manualClock, sequentialIds, verifyChain } from '@dealbook/eventsourcing';
import { describe, expect, it } from 'vitest';
import { createSalesEngine, type SalesEngine } from './engine.js';

let n = 0;
const meta = (occurredAt: string) => ({ commandId: `cmd-${++n}`, actorId: 'ops-1', occurredAt });
const rejection = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => (e instanceof DomainError ? e.code : e));
const day = (d: number) => new Date(Date.UTC(2026, 2, d)).toISOString();

/** A company with a manager, a rep, a customer owned by the rep and an opportunity at the quotation stage. */
async function company(): Promise<SalesEngine> {
  const engine = createSalesEngine({ clock: manualClock('2026-04-30T00:00:00.000Z').now, ids: sequentialIds(), policy: definePolicy({ regulatedProductLines: ['hv-cable'] }) });
  const run = (c: Record<string, unknown>) => engine.execute(c);
  await run({ type: 'HireRep', ...meta(day(1)), repId: 'm-1', name: 'Zhao Min', role: 'manager', regions: ['east'] });
  await run({ type: 'HireRep', ...meta(day(1)), repId: 'r-1', name: 'Wang Fang', role: 'representative', managerId: 'm-1', regions: ['east'] });
  await run({ type: 'RegisterCustomer', ...meta(day(2)), customerId: 'c-1', customerNumber: 'K-1', name: '华东电缆有限公司', region: 'east' });
  await run({ type: 'AssignCustomer', ...meta(day(2)), customerId: 'c-1', repId: 'r-1', reason: 'initial' });
  await run({ type: 'CaptureLead', ...meta(day(3)), opportunityId: 'o-1', source: 'partner', customerId: 'c-1', capturedBy: 'r-1' });
  await run({ type: 'QualifyLead', ...meta(day(3)), opportunityId: 'o-1', score: 80, priority: 'high' });
  await run({ type: 'OpenOpportunity', ...meta(day(4)), opportunityId: 'o-1', customerId: 'c-1', repId: 'r-1', productLines: ['hv-cable'], estimatedValueMinor: 200_000_00, probability: 0.4, expectedCloseDate: '2026-06-30' });
  await run({ type: 'ChangeStage', ...meta(day(5)), opportunityId: 'o-1', to: 'quotation' });
  return engine;
}

const draft = (extra: Record<string, unknown> = {}) => ({
  type: 'DraftContract',
  ...meta(day(6)),
  contractId: 'k-1',
  opportunityId: 'o-1',
  customerId: 'c-1',
  repId: 'r-1',
  lines: [{ productLine: 'hv-cable', spec: 'YJV 3x95', quantity: 100, unitPriceMinor: 1_500_00 }],
  deliveryDate: '2026-05-15',
  paymentTerms: { creditDays: 30 },
  ...extra,
});

describe('sales engine: contracts across aggregates', () => {
  it('from draft to fulfilled: legal review, certification, the won opportunity, deliveries, invoices and payments', async () => {
    const engine = await company();
    const drafted = await engine.execute(draft());
    const terms = drafted.state as ContractState;
    expect(terms.terms?.totalMinor).toBe(150_000_00);
    await engine.execute({ type: 'SubmitContractForReview', ...meta(day(7)), contractId: 'k-1' });
    const sign = { type: 'SignContract', ...meta(day(9)), contractId: 'k-1', companySignatoryId: 'm-1', customerSignatory: '王经理' };
    expect(await rejection(engine.execute(sign))).toBe('R-CONTRACT-LEGAL'); // not approved yet
    expect(await rejection(engine.execute({ type: 'ApproveContract', ...meta(day(8)), contractId: 'k-1', reviewerId: 'legal-1', termsHash: '0'.repeat(64) }))).toBe('R-CONTRACT-LEGAL');
    await engine.execute({ type: 'ApproveContract', ...meta(day(8)), contractId: 'k-1', reviewerId: 'legal-1', termsHash: terms.termsHash });
    // hv-cable is regulated and r-1 holds no certification.
    expect(await rejection(engine.execute(sign))).toBe('R-REP-CERT');
    await engine.execute({ type: 'CertifyRep', ...meta(day(8)), repId: 'r-1', productLine: 'hv-cable', validUntil: '2027-01-01T00:00:00.000Z' });
    expect(await rejection(engine.execute({ ...sign, ...meta(day(9)), companySignatoryId: 'r-1' }))).toBe('R-CONTRACT-SIGNATORY');
    const signed = await engine.execute({ ...sign, ...meta(day(9)) });
    expect(signed.reactions).toHaveLength(1);
    expect(signed.reactions[0]).toMatchObject({ streamId: 'opportunity-o-1', state: { phase: 'won', wonContractId: 'k-1', wonValueMinor: 150_000_00 } });
    expect(signed.reactions[0]?.events[0]?.event.metadata).toMatchObject({ commandId: `won-${signed.events[0]!.event.eventId}`, causationId: signed.events[0]!.event.eventId });

    await engine.execute({ type: 'RecordDelivery', ...meta(day(12)), contractId: 'k-1', deliveryId: 'd-1', lines: [{ productLine: 'hv-cable', spec: 'YJV 3x95', quantity: 60 }] });
    expect(await rejection(engine.execute({ type: 'RecordDelivery', ...meta(day(13)), contractId: 'k-1', deliveryId: 'd-2', lines: [{ productLine: 'hv-cable', spec: 'YJV 3x95', quantity: 41 }] }))).toBe('R-CONTRACT-DELIVERY');
    await engine.execute({ type: 'RecordDelivery', ...meta(day(13)), contractId: 'k-1', deliveryId: 'd-2', lines: [{ productLine: 'hv-cable', spec: 'YJV 3x95', quantity: 40 }] });
    expect(await rejection(engine.execute({ type: 'IssueInvoice', ...meta(day(14)), contractId: 'k-1', invoiceId: 'i-1', amountMinor: 150_000_01 }))).toBe('R-AR-INVOICE');
    await engine.execute({ type: 'IssueInvoice', ...meta(day(14)), contractId: 'k-1', invoiceId: 'i-1', amountMinor: 150_000_00 });
    expect(await rejection(engine.execute({ type: 'RecordPayment', ...meta(day(20)), contractId: 'k-1', invoiceId: 'i-1', amountMinor: 150_000_01 }))).toBe('R-AR-PAYMENT');
    const paid = await engine.execute({ type: 'RecordPayment', ...meta(day(20)), contractId: 'k-1', invoiceId: 'i-1', amountMinor: 150_000_00 });
    expect(paid.events.map((r) => r.event.type)).toEqual(['PaymentReceived', 'ContractFulfilled']);
    expect(paid.state).toMatchObject({ status: 'fulfilled' });

    for (const streamId of ['contract-k-1', 'opportunity-o-1', 'customer-c-1', 'rep-r-1']) {
      expect(verifyChain((await engine.store.readStream(streamId)).map((r) => r.event)).ok).toBe(true);
    }
  });

  it('drafting reads the customer owner and the opportunity stage', async () => {
    const engine = await company();
    expect(await rejection(engine.execute(draft({ repId: 'm-1' })))).toBe('R-CONTRACT-OWNER');
    await engine.execute({ type: 'ChangeStage', ...meta(day(5)), opportunityId: 'o-1', to: 'proposal', reason: 'scope changed' });
    expect(await rejection(engine.execute(draft()))).toBe('R-CONTRACT-OPP');
  });

  it('a host cannot win an opportunity without a signed contract', async () => {
    const engine = await company();
    expect(await rejection(engine.execute({ type: 'WinOpportunity', ...meta(day(7)), opportunityId: 'o-1', contractId: 'k-9', valueMinor: 1 }))).toBe('R-OPP-WON');
  });
});

describe('ids that are names every object inherits', () => {
  it('an invoice named constructor is issued and paid; a payment of toString, never issued, is refused; a rep named __proto__ that was never hired cannot visit', async () => {
    const engine = await company();
    const drafted = await engine.execute(draft());
    await engine.execute({ type: 'SubmitContractForReview', ...meta(day(7)), contractId: 'k-1' });
    await engine.execute({ type: 'ApproveContract', ...meta(day(8)), contractId: 'k-1', reviewerId: 'legal-1', termsHash: (drafted.state as ContractState).termsHash });
    await engine.execute({ type: 'CertifyRep', ...meta(day(8)), repId: 'r-1', productLine: 'hv-cable', validUntil: '2027-01-01T00:00:00.000Z' });
    await engine.execute({ type: 'SignContract', ...meta(day(9)), contractId: 'k-1', companySignatoryId: 'm-1', customerSignatory: '王经理' });
    await engine.execute({ type: 'RecordDelivery', ...meta(day(12)), contractId: 'k-1', deliveryId: 'd-1', lines: [{ productLine: 'hv-cable', spec: 'YJV 3x95', quantity: 100 }] });
    await engine.execute({ type: 'IssueInvoice', ...meta(day(13)), contractId: 'k-1', invoiceId: 'constructor', amountMinor: 50_000_00 });
    expect(await rejection(engine.execute({ type: 'RecordPayment', ...meta(day(14)), contractId: 'k-1', invoiceId: 'toString', amountMinor: 1_00 }))).toBe('R-AR-PAYMENT');
    const paid = await engine.execute({ type: 'RecordPayment', ...meta(day(14)), contractId: 'k-1', invoiceId: 'constructor', amountMinor: 50_000_00 });
    expect((paid.state as ContractState).invoices).toEqual({ constructor: expect.objectContaining({ amountMinor: 50_000_00, paidMinor: 50_000_00 }) });
    expect(await rejection(engine.execute({ type: 'RecordVisit', ...meta('2026-04-29T08:00:00.000Z'), customerId: 'c-1', visitId: 'v-1', repId: '__proto__', channel: 'onsite', visitedAt: '2026-04-29T08:00:00.000Z', followUps: [] }))).toBe('R-REP-ACTIVE');
  });
});
