import { DomainError } from '@dealbook/eventsourcing';
import { deciderSpec } from '@dealbook/testing';
import { describe, expect, it } from 'vitest';
import { definePolicy } from '../define-policy.js';
import { createPolicyTimeline } from '../policy-timeline.js';
import { initialRepState, type RepState } from '../rep/state.js';
import { violationsOf } from '../rules.js';
import { contractCommandSchemas, type ContractAggregateRefs, type ContractDecision } from './commands.js';
import { createContractDecider } from './decider.js';
import type { ContractEvent } from './events.js';
import { contractRules } from './rules.js';
import { evolveContract, initialContractState } from './state.js';
import { contractTermsHash, invoiceDueAt, contractLinesTotal, type ContractLine } from './terms.js';

const policies = createPolicyTimeline([definePolicy({ regulatedProductLines: ['medical'] })]);
const decider = createContractDecider(policies);
const spec = deciderSpec(decider);

const rep = (repId: string, role: RepState['role'], status: RepState['status'] = 'active', certifications: RepState['certifications'] = {}): RepState => ({
  ...initialRepState,
  status,
  repId,
  ...(role === undefined ? {} : { role }),
  certifications,
});
const reps: Record<string, RepState> = {
  'r-1': rep('r-1', 'representative', 'active', { medical: { validUntil: '2027-01-01T00:00:00.000Z', suspended: false, revoked: false } }),
  'r-2': rep('r-2', 'representative', 'departed'),
  'r-3': rep('r-3', 'representative'),
  's-1': rep('s-1', 'supervisor'),
  'm-1': rep('m-1', 'manager'),
  'd-1': rep('d-1', 'director'),
  'm-9': rep('m-9', 'manager', 'departed'),
};
const refs: ContractAggregateRefs = {
  reps,
  customers: { 'cu-1': { ownerRepId: 'r-1', lost: false }, 'cu-2': { ownerRepId: 'r-1', lost: true }, 'cu-3': { ownerRepId: 'r-3', lost: false } },
  opportunities: {
    'o-1': { phase: 'open', stage: 'quotation', customerId: 'cu-1' },
    'o-2': { phase: 'open', stage: 'proposal', customerId: 'cu-1' },
    'o-3': { phase: 'won', stage: 'negotiation', customerId: 'cu-1' },
    'o-4': { phase: 'open', stage: 'negotiation', customerId: 'cu-3' },
  },
};

const t0 = '2026-03-02T01:00:00.000Z';
const tSubmit = '2026-03-02T02:00:00.000Z';
const tApprove = '2026-03-02T03:00:00.000Z';
const tSign = '2026-03-03T02:00:00.000Z';
const tLater = '2026-03-20T02:00:00.000Z';
const meta = { commandId: 'c-1', actorId: 'u-1', occurredAt: tLater };
const cmd = (c: Record<string, unknown>, context: { refs?: ContractAggregateRefs; recordedAt?: string } = { refs }): ContractDecision => ({ ...meta, contractId: 'k-1', context, ...c }) as ContractDecision;

const lines: ContractLine[] = [
  { productLine: 'power-cable', spec: '3x95', quantity: 10, unitPriceMinor: 1000 },
  { productLine: 'medical', quantity: 2, unitPriceMinor: 5000 },
];
const paymentTerms = { creditDays: 30 };
const terms = { lines, deliveryDate: '2026-04-30', paymentTerms };
const hash = contractTermsHash({ customerId: 'cu-1', lines, totalMinor: 20_000, deliveryDate: '2026-04-30', paymentTerms });

const drafted: ContractEvent = { type: 'ContractDrafted', occurredAt: t0, data: { contractId: 'k-1', opportunityId: 'o-1', customerId: 'cu-1', repId: 'r-1', lines, totalMinor: 20_000, deliveryDate: '2026-04-30', paymentTerms } };
const submitted: ContractEvent = { type: 'ContractSubmittedForReview', occurredAt: tSubmit, data: {} };
const approved: ContractEvent = { type: 'ContractApproved', occurredAt: tApprove, data: { reviewerId: 'legal-1', termsHash: hash } };
const signed: ContractEvent = { type: 'ContractSigned', occurredAt: tSign, data: { companySignatoryId: 'm-1', customerSignatory: 'Zhang San' } };
const uptoApproved = [drafted, submitted, approved];
const uptoSigned = [...uptoApproved, signed];

// Invoiced 2026-03-11 01:00 in Shanghai; due through 2026-04-10 local, i.e. before 2026-04-11T00:00+08:00.
const tInvoice = '2026-03-10T17:00:00.000Z';
const dueAt = '2026-04-10T16:00:00.000Z';
const invoiced = (invoiceId: string, amountMinor: number, at = tInvoice): ContractEvent => ({ type: 'InvoiceIssued', occurredAt: at, data: { invoiceId, amountMinor, dueAt: invoiceDueAt(at, 30, 'Asia/Shanghai').dueAt } });
const delivered = (deliveryId: string, l: { productLine: string; spec?: string; quantity: number }[]): ContractEvent => ({ type: 'DeliveryRecorded', occurredAt: tLater, data: { deliveryId, lines: l } });
const allDelivered = delivered('dl-1', [
  { productLine: 'power-cable', spec: '3x95', quantity: 10 },
  { productLine: 'medical', quantity: 2 },
]);
const paid = (invoiceId: string, amountMinor: number, at = '2026-03-20T00:00:00.000Z'): ContractEvent => ({ type: 'PaymentReceived', occurredAt: at, data: { invoiceId, amountMinor } });
const overdue = '2026-05-01T00:00:00.000Z';

describe('contract terms', () => {
  it('hash the canonical JSON of exactly the terms, lines in order, absent fields left out', () => {
    const t = { customerId: 'cu-1', lines, totalMinor: 20_000, deliveryDate: '2026-04-30', paymentTerms };
    expect(contractTermsHash(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(contractTermsHash({ ...t, extra: 'ignored' } as typeof t)).toBe(contractTermsHash(t));
    expect(contractTermsHash({ ...t, lines: [lines[1]!, lines[0]!] })).not.toBe(contractTermsHash(t));
    expect(contractTermsHash({ ...t, paymentTerms: { creditDays: 31 } })).not.toBe(contractTermsHash(t));
  });

  it('compute the total as safe integers', () => {
    expect(contractLinesTotal(lines)).toEqual({ totalMinor: 20_000, safe: true });
    expect(contractLinesTotal([{ quantity: 3, unitPriceMinor: Number.MAX_SAFE_INTEGER }]).safe).toBe(false);
  });

  it('compute an invoice due time from the local issue date plus credit days', () => {
    expect(invoiceDueAt(tInvoice, 30, 'Asia/Shanghai')).toEqual({ dueDate: '2026-04-10', dueAt });
    expect(invoiceDueAt(tInvoice, 30, 'UTC')).toEqual({ dueDate: '2026-04-09', dueAt: '2026-04-10T00:00:00.000Z' });
    expect(invoiceDueAt('2026-03-10T15:59:59.999Z', 0, 'Asia/Shanghai')).toEqual({ dueDate: '2026-03-10', dueAt: '2026-03-10T16:00:00.000Z' });
  });
});

describe('Contract rules', () => {
  it('drafts with a computed total, the opportunity kept', () => {
    spec.given([]).when(cmd({ type: 'DraftContract', occurredAt: t0, opportunityId: 'o-1', customerId: 'cu-1', repId: 'r-1', ...terms })).then([drafted]);
    spec.given([drafted]).expectState({
      ...initialContractState,
      status: 'draft',
      contractId: 'k-1',
      customerId: 'cu-1',
      repId: 'r-1',
      opportunityId: 'o-1',
      terms: { customerId: 'cu-1', lines, totalMinor: 20_000, deliveryDate: '2026-04-30', paymentTerms },
      termsHash: hash,
      expectedDeliveryDate: '2026-04-30',
    });
  });

  it('R-CONTRACT-STATE: the lifecycle and no-op revisions', () => {
    spec.given([drafted]).when(cmd({ type: 'DraftContract', customerId: 'cu-1', repId: 'r-1', ...terms })).thenError('R-CONTRACT-STATE', /id is taken/);
    spec.given([]).when(cmd({ type: 'SubmitContractForReview' })).thenError('R-CONTRACT-STATE', /Draft the contract first/);
    spec.given(uptoSigned).when(cmd({ type: 'SignContract', companySignatoryId: 'm-1', customerSignatory: 'Zhang San' })).then('R-CONTRACT-STATE');
    spec.given([drafted]).when(cmd({ type: 'SubmitContractForReview', occurredAt: tSubmit })).then([submitted]);
    spec.given([drafted]).when(cmd({ type: 'ReviseContractTerms', ...terms })).thenError('R-CONTRACT-STATE', /identical/);
    spec.given([drafted, submitted]).when(cmd({ type: 'RejectContract', reviewerId: 'legal-1', reasons: ['clause 7'] })).then([{ type: 'ContractRejected', occurredAt: tLater, data: { reviewerId: 'legal-1', reasons: ['clause 7'] } }]);
    spec.given(uptoSigned).when(cmd({ type: 'IssueInvoice', invoiceId: 'i-1', amountMinor: 1 })).then([{ type: 'InvoiceIssued', occurredAt: tLater, data: { invoiceId: 'i-1', amountMinor: 1, dueAt: invoiceDueAt(tLater, 30, 'Asia/Shanghai').dueAt } }]);
    spec.given([...uptoSigned, { type: 'ContractTerminated', occurredAt: tLater, data: { reason: 'x', approvedBy: 'm-1' } }]).when(cmd({ type: 'IssueInvoice', invoiceId: 'i-1', amountMinor: 1 })).then('R-CONTRACT-STATE');
    const issue: ContractEvent = { type: 'QualityIssueReported', occurredAt: tLater, data: { issueId: 'q-1', description: 'insulation' } };
    spec.given(uptoSigned).when(cmd({ type: 'ReportQualityIssue', issueId: 'q-1', description: 'insulation' })).then([issue]);
    spec.given([...uptoSigned, issue]).when(cmd({ type: 'ReportQualityIssue', issueId: 'q-1', description: 'again' })).thenError('R-CONTRACT-STATE', /already reported/);
  });

  it('R-CONTRACT-TOTAL: totals are Σ quantity × unit price in safe integers; installments add up', () => {
    spec.given([]).when(cmd({ type: 'DraftContract', customerId: 'cu-1', repId: 'r-1', ...terms, lines: [{ productLine: 'power-cable', quantity: 3, unitPriceMinor: Number.MAX_SAFE_INTEGER }] })).thenError('R-CONTRACT-TOTAL', /safe-integer/);
    spec.given([]).when(cmd({ type: 'DraftContract', customerId: 'cu-1', repId: 'r-1', ...terms, paymentTerms: { creditDays: 30, installments: [{ dueOffsetDays: 0, amountMinor: 10_000 }] } })).thenError('R-CONTRACT-TOTAL', /installments/);
    const split = { creditDays: 30, installments: [{ dueOffsetDays: 0, amountMinor: 10_000 }, { dueOffsetDays: 30, amountMinor: 10_000 }] };
    spec.given([drafted]).when(cmd({ type: 'ReviseContractTerms', ...terms, paymentTerms: split })).then([{ type: 'ContractTermsRevised', occurredAt: tLater, data: { lines, totalMinor: 20_000, deliveryDate: '2026-04-30', paymentTerms: split } }]);
    // A stored event whose total was tampered with is reported by the same rule.
    const state = evolveContract(initialContractState, drafted);
    const bad: ContractEvent = { type: 'ContractTermsRevised', occurredAt: tLater, data: { lines, totalMinor: 19_999, deliveryDate: '2026-04-30', paymentTerms } };
    expect(violationsOf(contractRules, state, bad, { policy: policies.at(tLater), recordedAt: tLater, refs: {} }).map((v) => v.code)).toEqual(['R-CONTRACT-TOTAL']);
  });

  it('R-CONTRACT-LEGAL: approval of exactly the current terms, by someone else than the rep; signing only with it', () => {
    // Signing a draft, or terms still in review: no approval of the current terms.
    spec.given([drafted]).when(cmd({ type: 'SignContract', companySignatoryId: 'm-1', customerSignatory: 'Zhang San' })).thenError('R-CONTRACT-LEGAL', /submit them for review/);
    spec.given([drafted, submitted]).when(cmd({ type: 'SignContract', companySignatoryId: 'm-1', customerSignatory: 'Zhang San' })).thenError('R-CONTRACT-LEGAL', /no legal approval/);
    spec.given([drafted, submitted]).when(cmd({ type: 'ApproveContract', reviewerId: 'legal-1', termsHash: hash, occurredAt: tApprove })).then([approved]);
    spec.given([drafted, submitted]).when(cmd({ type: 'ApproveContract', reviewerId: 'legal-1', termsHash: 'a'.repeat(64) })).thenError('R-CONTRACT-LEGAL', /other terms/);
    spec.given([drafted, submitted]).when(cmd({ type: 'ApproveContract', reviewerId: 'r-1', termsHash: hash })).thenError('R-CONTRACT-LEGAL', /own rep/);
    // A revision after approval goes back to review; the old approval no longer signs.
    const newTerms = { ...terms, deliveryDate: '2026-05-15' };
    const revisedData = { lines, totalMinor: 20_000, deliveryDate: '2026-05-15', paymentTerms };
    spec.given(uptoApproved).when(cmd({ type: 'ReviseContractTerms', ...newTerms })).then([
      { type: 'ContractTermsRevised', occurredAt: tLater, data: revisedData },
      { type: 'ContractSubmittedForReview', occurredAt: tLater, data: {} },
    ]);
    const revised: ContractEvent = { type: 'ContractTermsRevised', occurredAt: tLater, data: revisedData };
    spec.given([...uptoApproved, revised, { type: 'ContractSubmittedForReview', occurredAt: tLater, data: {} }]).when(cmd({ type: 'ApproveContract', reviewerId: 'legal-1', termsHash: hash })).then('R-CONTRACT-LEGAL');
    // A stored signing after a revision without re-approval is what the auditor reports.
    const state = [...uptoApproved, revised].reduce(evolveContract, initialContractState);
    expect(violationsOf(contractRules, { ...state, status: 'approved' }, signed, { policy: policies.at(tSign), recordedAt: tSign, refs: {} }).map((v) => v.code)).toEqual(['R-CONTRACT-LEGAL']);
    spec.given(uptoApproved).when(cmd({ type: 'SignContract', companySignatoryId: 'm-1', customerSignatory: 'Zhang San', occurredAt: tSign })).then([signed]);
  });

  it('R-CONTRACT-OWNER: drafted by the customer’s owner', () => {
    spec.given([]).when(cmd({ type: 'DraftContract', customerId: 'cu-3', repId: 'r-1', ...terms })).thenError('R-CONTRACT-OWNER', /owned by r-3/);
    spec.given([]).when(cmd({ type: 'DraftContract', customerId: 'cu-404', repId: 'r-1', ...terms })).thenError('R-CONTRACT-OWNER', /no customer/);
    spec.given([]).when(cmd({ type: 'DraftContract', customerId: 'cu-3', repId: 'r-3', ...terms, occurredAt: t0 })).then([{ ...drafted, data: { contractId: 'k-1', customerId: 'cu-3', repId: 'r-3', lines, totalMinor: 20_000, deliveryDate: '2026-04-30', paymentTerms } } as ContractEvent]);
    // Without refs (the decider on its own) cross-aggregate rules are not judged.
    spec.given([]).when(cmd({ type: 'DraftContract', customerId: 'cu-404', repId: 'r-1', ...terms }, {})).then([{ type: 'ContractDrafted', occurredAt: tLater, data: { contractId: 'k-1', customerId: 'cu-404', repId: 'r-1', lines, totalMinor: 20_000, deliveryDate: '2026-04-30', paymentTerms } }]);
  });

  it('R-CUST-LOST: no draft or signing for a lost customer', () => {
    spec.given([]).when(cmd({ type: 'DraftContract', customerId: 'cu-2', repId: 'r-1', ...terms })).thenError('R-CUST-LOST', /reactivate/);
    const lostNow = { ...refs, customers: { 'cu-1': { ownerRepId: 'r-1', lost: true } } };
    spec.given(uptoApproved).when(cmd({ type: 'SignContract', companySignatoryId: 'm-1', customerSignatory: 'Zhang San' }, { refs: lostNow })).then('R-CUST-LOST');
    spec.given(uptoApproved).when(cmd({ type: 'SignContract', companySignatoryId: 'm-1', customerSignatory: 'Zhang San', occurredAt: tSign })).then([signed]);
  });

  it('R-CONTRACT-OPP: same customer, quotation or later when drafted, still open when signed', () => {
    const draft = (opportunityId: string) => cmd({ type: 'DraftContract', opportunityId, customerId: 'cu-1', repId: 'r-1', ...terms, occurredAt: t0 });
    spec.given([]).when(draft('o-1')).then([drafted]);
    spec.given([]).when(draft('o-2')).thenError('R-CONTRACT-OPP', /stage proposal/);
    spec.given([]).when(draft('o-3')).thenError('R-CONTRACT-OPP', /won, not open/);
    spec.given([]).when(draft('o-4')).thenError('R-CONTRACT-OPP', /customer cu-3/);
    spec.given([]).when(draft('o-404')).thenError('R-CONTRACT-OPP', /no opportunity/);
    const wonMeanwhile = { ...refs, opportunities: { 'o-1': { phase: 'lost', customerId: 'cu-1' } } };
    spec.given(uptoApproved).when(cmd({ type: 'SignContract', companySignatoryId: 'm-1', customerSignatory: 'Zhang San' }, { refs: wonMeanwhile })).then('R-CONTRACT-OPP');
  });

  it('R-REP-ACTIVE: the drafting rep, the contract’s rep at signing and the signatory are active', () => {
    const departedOwner = { ...refs, customers: { 'cu-1': { ownerRepId: 'r-2', lost: false } } };
    spec.given([]).when(cmd({ type: 'DraftContract', customerId: 'cu-1', repId: 'r-2', ...terms }, { refs: departedOwner })).thenError('R-REP-ACTIVE', /departed/);
    const repGone = { ...refs, reps: { ...reps, 'r-1': { ...reps['r-1']!, status: 'departed' as const } } };
    spec.given(uptoApproved).when(cmd({ type: 'SignContract', companySignatoryId: 'm-1', customerSignatory: 'Zhang San' }, { refs: repGone })).then('R-REP-ACTIVE');
    spec.given(uptoApproved).when(cmd({ type: 'SignContract', companySignatoryId: 'm-9', customerSignatory: 'Zhang San' })).then('R-REP-ACTIVE');
    spec.given(uptoApproved).when(cmd({ type: 'SignContract', companySignatoryId: 'x-1', customerSignatory: 'Zhang San' })).thenError('R-REP-ACTIVE', /no rep x-1/);
    spec.given(uptoApproved).when(cmd({ type: 'SignContract', companySignatoryId: 'd-1', customerSignatory: 'Zhang San', occurredAt: tSign })).then([{ ...signed, data: { companySignatoryId: 'd-1', customerSignatory: 'Zhang San' } } as ContractEvent]);
  });

  it('R-CONTRACT-SIGNATORY: a manager or director, not the contract’s rep', () => {
    spec.given(uptoApproved).when(cmd({ type: 'SignContract', companySignatoryId: 's-1', customerSignatory: 'Zhang San' })).thenError('R-CONTRACT-SIGNATORY', /supervisor/);
    spec.given(uptoApproved).when(cmd({ type: 'SignContract', companySignatoryId: 'r-1', customerSignatory: 'Zhang San' })).thenError('R-CONTRACT-SIGNATORY', /own rep/);
    spec.given(uptoApproved).when(cmd({ type: 'SignContract', companySignatoryId: 'm-1', customerSignatory: 'Zhang San', occurredAt: tSign })).then([signed]);
  });

  it('R-REP-CERT: the rep is certified for regulated lines at the signing instant (and for lines an amendment adds)', () => {
    const suspended = { ...refs, reps: { ...reps, 'r-1': rep('r-1', 'representative', 'active', { medical: { validUntil: '2027-01-01T00:00:00.000Z', suspended: true, revoked: false } }) } };
    spec.given(uptoApproved).when(cmd({ type: 'SignContract', companySignatoryId: 'm-1', customerSignatory: 'Zhang San' }, { refs: suspended })).thenError('R-REP-CERT', /medical/);
    const expiresAtSigning = { ...refs, reps: { ...reps, 'r-1': rep('r-1', 'representative', 'active', { medical: { validUntil: tSign, suspended: false, revoked: false } }) } };
    spec.given(uptoApproved).when(cmd({ type: 'SignContract', companySignatoryId: 'm-1', customerSignatory: 'Zhang San', occurredAt: tSign }, { refs: expiresAtSigning })).then('R-REP-CERT');
    spec.given(uptoApproved).when(cmd({ type: 'SignContract', companySignatoryId: 'm-1', customerSignatory: 'Zhang San', occurredAt: '2026-03-03T01:59:59.999Z' }, { refs: expiresAtSigning })).then([{ ...signed, occurredAt: '2026-03-03T01:59:59.999Z' }]);
    // An amendment adding a regulated line to a contract of an uncertified rep.
    const plain = [{ productLine: 'power-cable', quantity: 1, unitPriceMinor: 100 }];
    const plainHash = contractTermsHash({ customerId: 'cu-3', lines: plain, totalMinor: 100, deliveryDate: '2026-04-30', paymentTerms });
    const history: ContractEvent[] = [
      { type: 'ContractDrafted', occurredAt: t0, data: { contractId: 'k-1', customerId: 'cu-3', repId: 'r-3', lines: plain, totalMinor: 100, deliveryDate: '2026-04-30', paymentTerms } },
      submitted,
      { type: 'ContractApproved', occurredAt: tApprove, data: { reviewerId: 'legal-1', termsHash: plainHash } },
    ];
    spec.given(history).when(cmd({ type: 'SignContract', companySignatoryId: 'm-1', customerSignatory: 'Li Si', occurredAt: tSign })).then([{ ...signed, data: { companySignatoryId: 'm-1', customerSignatory: 'Li Si' } } as ContractEvent]);
    const withSigned: ContractEvent[] = [...history, { ...signed, data: { companySignatoryId: 'm-1', customerSignatory: 'Li Si' } } as ContractEvent];
    spec.given(withSigned).when(cmd({ type: 'AmendContract', approvedBy: 'm-1', lines: [...plain, { productLine: 'medical', quantity: 1, unitPriceMinor: 100 }], deliveryDate: '2026-04-30', paymentTerms })).then('R-REP-CERT');
  });

  it('R-CONTRACT-DELIVERY: never more than contracted per line, each delivery once; delays move the date later', () => {
    const some = delivered('dl-1', [{ productLine: 'power-cable', spec: '3x95', quantity: 4 }]);
    spec.given(uptoSigned).when(cmd({ type: 'RecordDelivery', deliveryId: 'dl-1', lines: [{ productLine: 'power-cable', spec: '3x95', quantity: 4 }] })).then([some]);
    spec.given([...uptoSigned, some]).when(cmd({ type: 'RecordDelivery', deliveryId: 'dl-2', lines: [{ productLine: 'power-cable', spec: '3x95', quantity: 7 }] })).thenError('R-CONTRACT-DELIVERY', /exceeds/);
    spec.given([...uptoSigned, some]).when(cmd({ type: 'RecordDelivery', deliveryId: 'dl-2', lines: [{ productLine: 'power-cable', spec: '3x95', quantity: 3 }, { productLine: 'power-cable', spec: '3x95', quantity: 4 }] })).then('R-CONTRACT-DELIVERY');
    spec.given([...uptoSigned, some]).when(cmd({ type: 'RecordDelivery', deliveryId: 'dl-1', lines: [{ productLine: 'medical', quantity: 1 }] })).thenError('R-CONTRACT-DELIVERY', /already recorded/);
    spec.given(uptoSigned).when(cmd({ type: 'RecordDelivery', deliveryId: 'dl-1', lines: [{ productLine: 'power-cable', quantity: 1 }] })).thenError('R-CONTRACT-DELIVERY', /power-cable/);
    spec.given(uptoSigned).when(cmd({ type: 'DelayDelivery', newDate: '2026-04-30', reason: 'stock' })).thenError('R-CONTRACT-DELIVERY', /not after/);
    spec.given(uptoSigned).when(cmd({ type: 'DelayDelivery', newDate: '2026-05-10', reason: 'stock' })).then([{ type: 'DeliveryDelayed', occurredAt: tLater, data: { newDate: '2026-05-10', reason: 'stock' } }]);
    spec.given([...uptoSigned, allDelivered]).when(cmd({ type: 'DelayDelivery', newDate: '2026-05-10', reason: 'stock' })).thenError('R-CONTRACT-DELIVERY', /Everything is delivered/);
  });

  it('R-AR-INVOICE: unique ids, Σ invoiced ≤ total, computed due time; escalation of open overdue invoices, levels increasing', () => {
    spec.given(uptoSigned).when(cmd({ type: 'IssueInvoice', invoiceId: 'i-1', amountMinor: 20_000, occurredAt: tInvoice })).then([{ type: 'InvoiceIssued', occurredAt: tInvoice, data: { invoiceId: 'i-1', amountMinor: 20_000, dueAt } }]);
    spec.given(uptoSigned).when(cmd({ type: 'IssueInvoice', invoiceId: 'i-1', amountMinor: 5, occurredAt: tInvoice, dueAt })).then([{ type: 'InvoiceIssued', occurredAt: tInvoice, data: { invoiceId: 'i-1', amountMinor: 5, dueAt } }]);
    spec.given(uptoSigned).when(cmd({ type: 'IssueInvoice', invoiceId: 'i-1', amountMinor: 5, occurredAt: tInvoice, dueAt: '2026-04-10T00:00:00.000Z' })).thenError('R-AR-INVOICE', /leave dueAt out/);
    spec.given(uptoSigned).when(cmd({ type: 'IssueInvoice', invoiceId: 'i-1', amountMinor: 20_001 })).thenError('R-AR-INVOICE', /above the contract total/);
    spec.given([...uptoSigned, invoiced('i-1', 15_000)]).when(cmd({ type: 'IssueInvoice', invoiceId: 'i-2', amountMinor: 5_001 })).then('R-AR-INVOICE');
    spec.given([...uptoSigned, invoiced('i-1', 15_000)]).when(cmd({ type: 'IssueInvoice', invoiceId: 'i-1', amountMinor: 1 })).thenError('R-AR-INVOICE', /already issued/);
    const escalate = (level: number, occurredAt = overdue) => cmd({ type: 'EscalateInvoice', invoiceId: 'i-1', level, occurredAt });
    spec.given([...uptoSigned, invoiced('i-1', 15_000)]).when(escalate(1)).then([{ type: 'InvoiceEscalated', occurredAt: overdue, data: { invoiceId: 'i-1', level: 1 } }]);
    // Due through 2026-04-10 local: escalation from 2026-04-11T00:00 Shanghai on.
    spec.given([...uptoSigned, invoiced('i-1', 15_000)]).when(escalate(1, '2026-04-10T15:59:59.999Z')).thenError('R-AR-INVOICE', /not overdue/);
    spec.given([...uptoSigned, invoiced('i-1', 15_000)]).when(escalate(1, dueAt)).then([{ type: 'InvoiceEscalated', occurredAt: dueAt, data: { invoiceId: 'i-1', level: 1 } }]);
    spec.given([...uptoSigned, invoiced('i-1', 15_000), { type: 'InvoiceEscalated', occurredAt: overdue, data: { invoiceId: 'i-1', level: 1 } }]).when(escalate(1)).thenError('R-AR-INVOICE', /higher level/);
    spec.given([...uptoSigned, invoiced('i-1', 15_000), paid('i-1', 15_000)]).when(escalate(1)).thenError('R-AR-INVOICE', /settled/);
    spec.given(uptoSigned).when(escalate(1)).thenError('R-AR-INVOICE', /no invoice/);
  });

  it('R-AR-PAYMENT: payments of issued invoices, at most the open amount', () => {
    spec.given([...uptoSigned, invoiced('i-1', 15_000)]).when(cmd({ type: 'RecordPayment', invoiceId: 'i-1', amountMinor: 15_000 })).then([{ type: 'PaymentReceived', occurredAt: tLater, data: { invoiceId: 'i-1', amountMinor: 15_000 } }]);
    spec.given([...uptoSigned, invoiced('i-1', 15_000), paid('i-1', 10_000)]).when(cmd({ type: 'RecordPayment', invoiceId: 'i-1', amountMinor: 5_001 })).thenError('R-AR-PAYMENT', /5000 still open/);
    spec.given(uptoSigned).when(cmd({ type: 'RecordPayment', invoiceId: 'i-9', amountMinor: 1 })).thenError('R-AR-PAYMENT', /no invoice/);
  });

  it('R-AR-WRITEOFF: overdue, at most open, approved by a manager or director other than the rep', () => {
    const history = [...uptoSigned, invoiced('i-1', 15_000), paid('i-1', 5_000)];
    const writeOff = (c: Record<string, unknown>) => cmd({ type: 'WriteOffBadDebt', invoiceId: 'i-1', amountMinor: 10_000, approvedBy: 'd-1', occurredAt: overdue, ...c });
    spec.given(history).when(writeOff({})).then([{ type: 'BadDebtWrittenOff', occurredAt: overdue, data: { invoiceId: 'i-1', amountMinor: 10_000, approvedBy: 'd-1' } }]);
    spec.given(history).when(writeOff({ amountMinor: 10_001 })).thenError('R-AR-WRITEOFF', /exceeds/);
    spec.given(history).when(writeOff({ occurredAt: tLater })).thenError('R-AR-WRITEOFF', /not past due/);
    spec.given(history).when(writeOff({ approvedBy: 'r-1' })).thenError('R-AR-WRITEOFF', /own rep/);
    spec.given(history).when(writeOff({ approvedBy: 's-1' })).thenError('R-AR-WRITEOFF', /supervisor/);
    spec.given(history).when(writeOff({ approvedBy: 'm-9' })).thenError('R-AR-WRITEOFF', /departed/);
    spec.given(history).when(writeOff({ invoiceId: 'i-2' })).thenError('R-AR-WRITEOFF', /no invoice/);
    // Write-offs and payments stay possible after termination.
    const terminated: ContractEvent = { type: 'ContractTerminated', occurredAt: tLater, data: { reason: 'bankrupt', approvedBy: 'd-1' } };
    spec.given([...history, terminated]).when(writeOff({})).then([{ type: 'BadDebtWrittenOff', occurredAt: overdue, data: { invoiceId: 'i-1', amountMinor: 10_000, approvedBy: 'd-1' } }]);
  });

  it('R-CONTRACT-AMEND: after signing, terms change only by an approved amendment that keeps delivered and invoiced amounts', () => {
    const history = [...uptoSigned, delivered('dl-1', [{ productLine: 'power-cable', spec: '3x95', quantity: 6 }]), invoiced('i-1', 12_000)];
    const amended = [{ productLine: 'power-cable', spec: '3x95', quantity: 8, unitPriceMinor: 1000 }, lines[1]!];
    const amendedHash = contractTermsHash({ customerId: 'cu-1', lines: amended, totalMinor: 18_000, deliveryDate: '2026-04-30', paymentTerms });
    spec.given(history).when(cmd({ type: 'AmendContract', approvedBy: 'm-1', lines: amended, deliveryDate: '2026-04-30', paymentTerms })).then([
      { type: 'ContractAmendmentApproved', occurredAt: tLater, data: { approvedBy: 'm-1', termsHash: amendedHash } },
      { type: 'ContractTermsRevised', occurredAt: tLater, data: { lines: amended, totalMinor: 18_000, deliveryDate: '2026-04-30', paymentTerms } },
    ]);
    const tooFew = [{ productLine: 'power-cable', spec: '3x95', quantity: 5, unitPriceMinor: 2000 }, lines[1]!];
    spec.given(history).when(cmd({ type: 'AmendContract', approvedBy: 'm-1', lines: tooFew, deliveryDate: '2026-04-30', paymentTerms })).thenError('R-CONTRACT-AMEND', /already delivered/);
    const cheaper = [{ productLine: 'power-cable', spec: '3x95', quantity: 10, unitPriceMinor: 100 }];
    spec.given(history).when(cmd({ type: 'AmendContract', approvedBy: 'm-1', lines: cheaper, deliveryDate: '2026-04-30', paymentTerms })).thenError('R-CONTRACT-AMEND', /already invoiced/);
    spec.given(history).when(cmd({ type: 'AmendContract', approvedBy: 'r-1', lines: amended, deliveryDate: '2026-04-30', paymentTerms })).thenError('R-CONTRACT-AMEND', /own rep/);
    spec.given(history).when(cmd({ type: 'AmendContract', approvedBy: 'r-3', lines: amended, deliveryDate: '2026-04-30', paymentTerms })).thenError('R-CONTRACT-AMEND', /representative/);
    spec.given(history).when(cmd({ type: 'ReviseContractTerms', lines: amended, deliveryDate: '2026-04-30', paymentTerms })).thenError('R-CONTRACT-AMEND', /AmendContract/);
    spec.given(history).when(cmd({ type: 'AmendContract', approvedBy: 'm-1', ...terms })).thenError('R-CONTRACT-STATE', /identical/);
  });

  it('R-CONTRACT-TERMINATE: an approver iff signed', () => {
    spec.given(uptoSigned).when(cmd({ type: 'TerminateContract', reason: 'customer withdrew' })).thenError('R-CONTRACT-TERMINATE', /needs an approval/);
    spec.given(uptoSigned).when(cmd({ type: 'TerminateContract', reason: 'customer withdrew', approvedBy: 'r-1' })).thenError('R-CONTRACT-TERMINATE', /own rep/);
    spec.given(uptoSigned).when(cmd({ type: 'TerminateContract', reason: 'customer withdrew', approvedBy: 'd-1' })).then([{ type: 'ContractTerminated', occurredAt: tLater, data: { reason: 'customer withdrew', approvedBy: 'd-1' } }]);
    spec.given([drafted]).when(cmd({ type: 'TerminateContract', reason: 'no deal', approvedBy: 'd-1' })).thenError('R-CONTRACT-TERMINATE', /leave approvedBy out/);
    spec.given([drafted]).when(cmd({ type: 'TerminateContract', reason: 'no deal' })).then([{ type: 'ContractTerminated', occurredAt: tLater, data: { reason: 'no deal' } }]);
  });

  it('R-CONTRACT-FULFIL: the batch completing delivery and payment records ContractFulfilled, never earlier', () => {
    const fulfilled: ContractEvent = { type: 'ContractFulfilled', occurredAt: '2026-03-25T00:00:00.000Z', data: {} };
    spec.given([...uptoSigned, allDelivered, invoiced('i-1', 20_000)]).when(cmd({ type: 'RecordPayment', invoiceId: 'i-1', amountMinor: 20_000, occurredAt: '2026-03-25T00:00:00.000Z' })).then([
      { type: 'PaymentReceived', occurredAt: '2026-03-25T00:00:00.000Z', data: { invoiceId: 'i-1', amountMinor: 20_000 } },
      fulfilled,
    ]);
    spec.given([...uptoSigned, invoiced('i-1', 20_000), paid('i-1', 20_000)]).when(cmd({ type: 'RecordDelivery', deliveryId: 'dl-1', lines: allDelivered.type === 'DeliveryRecorded' ? allDelivered.data.lines : [] })).then([allDelivered, { ...fulfilled, occurredAt: tLater }]);
    // Partly paid: no fulfilment.
    spec.given([...uptoSigned, allDelivered, invoiced('i-1', 20_000)]).when(cmd({ type: 'RecordPayment', invoiceId: 'i-1', amountMinor: 19_999 })).then([{ type: 'PaymentReceived', occurredAt: tLater, data: { invoiceId: 'i-1', amountMinor: 19_999 } }]);
    // The auditor's side: fulfilled too early, or a complete contract that goes on without being fulfilled.
    const incomplete = [...uptoSigned, allDelivered].reduce(evolveContract, initialContractState);
    expect(violationsOf(contractRules, incomplete, fulfilled, { policy: policies.at(tLater), recordedAt: tLater, refs: {} }).map((v) => v.code)).toEqual(['R-CONTRACT-FULFIL']);
    spec.given([...uptoSigned, allDelivered, invoiced('i-1', 20_000), paid('i-1', 20_000)]).when(cmd({ type: 'ReportQualityIssue', issueId: 'q-1', description: 'x' })).then('R-CONTRACT-FULFIL');
    // A fulfilled contract still takes quality issues, nothing else.
    const done = [...uptoSigned, allDelivered, invoiced('i-1', 20_000), paid('i-1', 20_000), fulfilled];
    spec.given(done).when(cmd({ type: 'ReportQualityIssue', issueId: 'q-1', description: 'x' })).then([{ type: 'QualityIssueReported', occurredAt: tLater, data: { issueId: 'q-1', description: 'x' } }]);
    spec.given(done).when(cmd({ type: 'TerminateContract', reason: 'x', approvedBy: 'd-1' })).then('R-CONTRACT-STATE');
  });

  it('R-TIME-ORDER: follow-ons never before their antecedents', () => {
    spec.given(uptoApproved).when(cmd({ type: 'SignContract', companySignatoryId: 'm-1', customerSignatory: 'Zhang San', occurredAt: '2026-03-02T02:59:59.999Z' })).thenError('R-TIME-ORDER', /legal approval/);
    spec.given([drafted, submitted]).when(cmd({ type: 'ApproveContract', reviewerId: 'legal-1', termsHash: hash, occurredAt: t0 })).then('R-TIME-ORDER');
    spec.given(uptoSigned).when(cmd({ type: 'IssueInvoice', invoiceId: 'i-1', amountMinor: 1, occurredAt: '2026-03-01T00:00:00.000Z' })).thenError('R-TIME-ORDER', /signing/);
    spec.given([...uptoSigned, invoiced('i-1', 100)]).when(cmd({ type: 'RecordPayment', invoiceId: 'i-1', amountMinor: 1, occurredAt: '2026-03-10T16:59:59.999Z' })).thenError('R-TIME-ORDER', /invoice i-1/);
    spec.given([...uptoSigned, invoiced('i-1', 100)]).when(cmd({ type: 'RecordPayment', invoiceId: 'i-1', amountMinor: 1, occurredAt: tInvoice })).then([paid('i-1', 1, tInvoice)]);
  });

  it('rejections are DomainErrors carrying the rule code and details', () => {
    try {
      decider.decide(cmd({ type: 'RecordPayment', invoiceId: 'i-1', amountMinor: 20_001 }), [...uptoSigned, invoiced('i-1', 20_000)].reduce(evolveContract, initialContractState));
      expect.fail('expected a rejection');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'R-AR-PAYMENT', details: { invoiceId: 'i-1', openMinor: 20_000 } });
    }
  });
});

describe('Contract command schemas', () => {
  it('refuse a total, a context, negative prices and empty lines', () => {
    const result = contractCommandSchemas.DraftContract.safeParse({
      type: 'DraftContract',
      ...meta,
      contractId: 'k-1',
      customerId: 'cu-1',
      repId: 'r-1',
      lines: [{ productLine: 'power-cable', quantity: 0, unitPriceMinor: -1 }],
      totalMinor: 5,
      deliveryDate: '2026-02-30',
      paymentTerms: { creditDays: 1.5 },
      context: { refs: {} },
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['', 'deliveryDate', 'lines.0.quantity', 'lines.0.unitPriceMinor', 'paymentTerms.creditDays']);
    expect(contractCommandSchemas.RecordPayment.safeParse({ type: 'RecordPayment', ...meta, contractId: 'k-1', invoiceId: 'i-1', amountMinor: 0 }).success).toBe(false);
    expect(contractCommandSchemas.SignContract.safeParse({ type: 'SignContract', ...meta, contractId: 'k-1', companySignatoryId: 'm-1', customerSignatory: '  ' }).success).toBe(false);
  });
});
