// dealbook quickstart: one sale, from lead to fulfilled contract, through the engine.
// Run it with `npm run quickstart` from the repository root.
import { definePolicy, type ContractState } from '@dealbook/core';
import { createSalesEngine } from '@dealbook/engine';
import { buildProjection, defineProjection, DomainError, manualClock, sequentialIds, verifyChain, type EventEnvelope } from '@dealbook/eventsourcing';

// Time and ids are passed in; the core reads neither a clock nor a random source.
const clock = manualClock('2026-03-02T01:00:00.000Z');
const engine = createSalesEngine({ clock: clock.now, ids: sequentialIds(), policy: definePolicy({ regulatedProductLines: ['hv-cable'] }) });

let n = 0;
/** Sends a command at business time `at` (the engine's clock is moved there too) and prints what happened. */
async function send(at: string, command: Record<string, unknown>): Promise<unknown> {
  clock.set(at);
  try {
    const result = await engine.execute({ ...command, commandId: `cmd-${++n}`, actorId: 'ops-desk', occurredAt: at });
    const events = [...result.events, ...result.reactions.flatMap((r) => r.events)].map((r) => r.event.type);
    console.log(`  ${at.slice(0, 10)}  ${String(command.type).padEnd(24)} → ${events.join(', ')}`);
    return result.state;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    console.log(`  ${at.slice(0, 10)}  ${String(command.type).padEnd(24)} refused, ${error.code}: ${error.message}`);
    return undefined;
  }
}
const day = (d: number) => new Date(Date.UTC(2026, 2, d, 2)).toISOString();

console.log('dealbook quickstart: one sale through the engine (in memory)\n');
await send(day(2), { type: 'HireRep', repId: 'm-1', name: '赵敏', role: 'manager', regions: ['east-china'] });
await send(day(2), { type: 'HireRep', repId: 'r-7', name: '王芳', role: 'representative', managerId: 'm-1', regions: ['east-china'] });
await send(day(3), { type: 'RegisterCustomer', customerId: 'c-1', customerNumber: 'K-0001', name: '华东电缆有限公司', region: 'east-china' });
await send(day(3), { type: 'AssignCustomer', customerId: 'c-1', repId: 'r-7', reason: 'initial' });
await send(day(4), { type: 'CaptureLead', opportunityId: 'o-1', source: 'exhibition', customerId: 'c-1', capturedBy: 'r-7' });
await send(day(4), { type: 'QualifyLead', opportunityId: 'o-1', score: 85, priority: 'high' });
await send(day(5), { type: 'OpenOpportunity', opportunityId: 'o-1', customerId: 'c-1', repId: 'r-7', productLines: ['hv-cable'], estimatedValueMinor: 160_000_00, probability: 0.4, expectedCloseDate: '2026-06-30' });
await send(day(9), { type: 'ChangeStage', opportunityId: 'o-1', to: 'quotation' });
const terms = { lines: [{ productLine: 'hv-cable', spec: 'YJV 3x95', quantity: 100, unitPriceMinor: 1_500_00 }], deliveryDate: '2026-04-15', paymentTerms: { creditDays: 30 } };
const drafted = (await send(day(10), { type: 'DraftContract', contractId: 'k-1', opportunityId: 'o-1', customerId: 'c-1', repId: 'r-7', ...terms })) as ContractState;
await send(day(10), { type: 'SubmitContractForReview', contractId: 'k-1' });
await send(day(11), { type: 'ApproveContract', contractId: 'k-1', reviewerId: 'legal-1', termsHash: drafted.termsHash });
await send(day(12), { type: 'SignContract', contractId: 'k-1', companySignatoryId: 'm-1', customerSignatory: '王经理' });
await send(day(12), { type: 'CertifyRep', repId: 'r-7', productLine: 'hv-cable', validUntil: '2027-03-01T00:00:00.000Z' });
await send(day(12), { type: 'SignContract', contractId: 'k-1', companySignatoryId: 'm-1', customerSignatory: '王经理' });
await send(day(20), { type: 'RecordDelivery', contractId: 'k-1', deliveryId: 'd-1', lines: [{ productLine: 'hv-cable', spec: 'YJV 3x95', quantity: 100 }] });
await send(day(21), { type: 'IssueInvoice', contractId: 'k-1', invoiceId: 'i-1', amountMinor: 150_000_00 });
await send(day(28), { type: 'RecordPayment', contractId: 'k-1', invoiceId: 'i-1', amountMinor: 160_000_00 });
await send(day(28), { type: 'RecordPayment', contractId: 'k-1', invoiceId: 'i-1', amountMinor: 150_000_00 });

// Every stream is a hash chain: edit one stored event and verifyChain names it.
const contract = (await engine.store.readStream('contract-k-1')).map((r) => r.event);
console.log(`\ncontract-k-1: ${contract.length} events, chain ${verifyChain(contract).ok ? 'intact' : 'BROKEN'}`);
const forged = contract.map((e, i) => (i === 0 ? { ...e, data: { ...(e.data as object), totalMinor: 1 } } : e));
const report = verifyChain(forged);
console.log(`after lowering the drafted total: ${report.ok ? 'not noticed?!' : `${report.reason} at event ${report.index}`}`);

// A read model: the value won per opportunity, now and as it was known at an earlier instant.
type Signed = EventEnvelope<'OpportunityWon', { contractId: string; valueMinor: number }>;
const wonValue = defineProjection<Record<string, number>, Signed>({
  name: 'won-value-by-opportunity',
  version: 1,
  initialState: () => ({}),
  handlers: { OpportunityWon: (s, e) => ({ ...s, [e.streamId]: (s[e.streamId] ?? 0) + e.data.valueMinor }) },
});
const yuan = (minor: number) => `¥${(minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
const show = (s: Record<string, number>) => Object.entries(s).map(([k, v]) => `${k} ${yuan(v)}`).join(', ') || '(none)';
console.log(`won value now:            ${show((await buildProjection(engine.store, wonValue)).state)}`);
console.log(`won value as of ${day(11).slice(0, 10)}: ${show((await buildProjection(engine.store, wonValue, { asOf: day(11) })).state)}`);
console.log(`\n${(await engine.store.readAll({ maxCount: 10_000 })).events.length} events recorded.`);
