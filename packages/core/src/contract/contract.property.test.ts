import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assertDeciderModel } from '@dealbook/testing';
import { describe, expect, it } from 'vitest';
import { definePolicy } from '../define-policy.js';
import { createPolicyTimeline } from '../policy-timeline.js';
import { initialRepState, type RepState } from '../rep/state.js';
import type { ContractAggregateRefs, ContractDecision } from './commands.js';
import { createContractDecider } from './decider.js';
import { contractEventSchemas, type ContractEvent } from './events.js';
import { evolveContract, initialContractState, type ContractState, type ContractStatus } from './state.js';
import { contractTermsHash, type ContractLine, type ContractPaymentTerms } from './terms.js';

const decider = createContractDecider(createPolicyTimeline([definePolicy({ regulatedProductLines: ['medical'] })]));
const BASE = Date.UTC(2026, 0, 5);
const HOUR = 3_600_000;
const at = (hours: number) => new Date(BASE + hours * HOUR).toISOString();

const rep = (repId: string, role: RepState['role'], certifications: RepState['certifications'] = {}): RepState => ({ ...initialRepState, status: 'active', repId, ...(role === undefined ? {} : { role }), certifications });
const reps = {
  'r-1': rep('r-1', 'representative', { medical: { validUntil: '2027-01-01T00:00:00.000Z', suspended: false, revoked: false } }),
  'r-3': rep('r-3', 'representative'),
  'm-1': rep('m-1', 'manager'),
  'd-1': rep('d-1', 'director'),
};
const goodRefs: ContractAggregateRefs = {
  reps,
  customers: { 'cu-1': { ownerRepId: 'r-1', lost: false } },
  opportunities: { 'o-1': { phase: 'open', stage: 'quotation', customerId: 'cu-1' } },
};
const lostRefs: ContractAggregateRefs = { ...goodRefs, customers: { 'cu-1': { ownerRepId: 'r-1', lost: true } } };

interface Terms {
  readonly lines: ContractLine[];
  readonly deliveryDate: string;
  readonly paymentTerms: ContractPaymentTerms;
}
/** A few plausible term sets (totals 200, 500, 150) and one whose total is not a safe integer. */
const variants: readonly Terms[] = [
  { lines: [{ productLine: 'power-cable', quantity: 2, unitPriceMinor: 100 }], deliveryDate: '2026-03-01', paymentTerms: { creditDays: 0 } },
  {
    lines: [
      { productLine: 'power-cable', quantity: 2, unitPriceMinor: 100 },
      { productLine: 'medical', quantity: 1, unitPriceMinor: 300 },
    ],
    deliveryDate: '2026-03-15',
    paymentTerms: { creditDays: 10, installments: [{ dueOffsetDays: 0, amountMinor: 200 }, { dueOffsetDays: 30, amountMinor: 300 }] },
  },
  { lines: [{ productLine: 'power-cable', spec: 'A', quantity: 3, unitPriceMinor: 50 }], deliveryDate: '2026-04-01', paymentTerms: { creditDays: 30 } },
];
const unsafe: Terms = { lines: [{ productLine: 'power-cable', quantity: 4, unitPriceMinor: Number.MAX_SAFE_INTEGER }], deliveryDate: '2026-03-01', paymentTerms: { creditDays: 0 } };
const totalOf = (lines: readonly ContractLine[]) => lines.reduce((s, l) => s + l.quantity * l.unitPriceMinor, 0);
const hashes = variants.map((v) => contractTermsHash({ customerId: 'cu-1', ...v, totalMinor: totalOf(v.lines) }));

const termsArb = fc.oneof({ arbitrary: fc.constantFrom(...variants), weight: 9 }, { arbitrary: fc.constant(unsafe), weight: 1 });
const amountArb = fc.constantFrom(50, 100, 150, 200, 300, 500, 1);
const deliveryLines = [
  [{ productLine: 'power-cable', quantity: 1 }],
  [{ productLine: 'power-cable', quantity: 2 }],
  [{ productLine: 'medical', quantity: 1 }],
  [{ productLine: 'power-cable', spec: 'A', quantity: 1 }],
  [{ productLine: 'power-cable', spec: 'A', quantity: 3 }],
  [
    { productLine: 'power-cable', quantity: 2 },
    { productLine: 'medical', quantity: 1 },
  ],
];
// Ids are names too: `constructor` and `__proto__` are invoices like any other.
const invoiceIdArb = fc.constantFrom('i-1', 'i-2', 'constructor', '__proto__');

/** The body of a random command (mostly plausible, some not). */
const bodyArb = fc.oneof(
  { arbitrary: fc.record({ type: fc.constant('DraftContract' as const), customerId: fc.constant('cu-1'), repId: fc.constantFrom('r-1', 'r-1', 'r-3'), terms: termsArb, withOpp: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('ReviseContractTerms' as const), terms: termsArb }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('SubmitContractForReview' as const) }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('ApproveContract' as const), reviewerId: fc.constantFrom('legal-1', 'legal-1', 'r-1'), termsHash: fc.constantFrom(...hashes, 'f'.repeat(64)) }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('RejectContract' as const), reviewerId: fc.constant('legal-1'), reasons: fc.constant(['clause 7']) }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('SignContract' as const), companySignatoryId: fc.constantFrom('m-1', 'd-1', 'r-1'), customerSignatory: fc.constant('Zhang San') }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('RecordDelivery' as const), deliveryId: fc.constantFrom('dl-1', 'dl-2', 'dl-3', 'dl-4', 'dl-5'), lines: fc.constantFrom(...deliveryLines) }), weight: 5 },
  { arbitrary: fc.record({ type: fc.constant('DelayDelivery' as const), newDate: fc.constantFrom('2026-03-10', '2026-05-01', '2026-06-01'), reason: fc.constant('stock') }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('ReportQualityIssue' as const), issueId: fc.constantFrom('q-1', 'q-2'), description: fc.constant('insulation') }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('IssueInvoice' as const), invoiceId: invoiceIdArb, amountMinor: amountArb }), weight: 5 },
  { arbitrary: fc.record({ type: fc.constant('RecordPayment' as const), invoiceId: invoiceIdArb, amountMinor: amountArb }), weight: 6 },
  { arbitrary: fc.record({ type: fc.constant('EscalateInvoice' as const), invoiceId: invoiceIdArb, level: fc.integer({ min: 1, max: 3 }) }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('WriteOffBadDebt' as const), invoiceId: invoiceIdArb, amountMinor: amountArb, approvedBy: fc.constantFrom('m-1', 'd-1', 'r-1') }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('AmendContract' as const), approvedBy: fc.constantFrom('m-1', 'd-1', 'r-1'), terms: termsArb }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('TerminateContract' as const), reason: fc.constant('withdrawn'), approvedBy: fc.option(fc.constantFrom('m-1', 'r-1'), { nil: undefined }) }), weight: 1 },
);

/** A command for contract k-1 at `hours` after the base instant, with the refs the engine would attach (rarely a lost customer). */
function toCommand(n: number, hours: number, body: Record<string, unknown>, lost = false): ContractDecision {
  const { terms, withOpp, approvedBy, ...rest } = body as Record<string, unknown> & { terms?: Terms; withOpp?: boolean; approvedBy?: string };
  return {
    ...rest,
    ...(terms ?? {}),
    ...(withOpp === true ? { opportunityId: 'o-1' } : {}),
    ...(approvedBy === undefined ? {} : { approvedBy }),
    contractId: 'k-1',
    commandId: `c-${n}`,
    actorId: 'u-1',
    occurredAt: at(hours),
    context: { refs: lost ? lostRefs : goodRefs },
  } as ContractDecision;
}

// A few commands at random instants over 90 days (some before the prefix's signing: R-TIME-ORDER).
const commandArb: fc.Arbitrary<ContractDecision> = fc
  .tuple(fc.nat(), fc.integer({ min: 0, max: 90 * 24 }), bodyArb, fc.integer({ min: 0, max: 19 }))
  .map(([n, hours, body, dice]) => toCommand(n, hours, body, dice === 0));

/** Commands that fit the prefix's terms (deliver everything, invoice or pay the whole total, write a little off), so that contracts get fulfilled. */
const fittingArb = fc.tuple(fc.constantFrom('deliver', 'invoice', 'pay', 'pay', 'write-off'), fc.constantFrom('dl-8', 'dl-9'), fc.constantFrom('i-1', 'i-1', 'i-2')).map(
  ([kind, deliveryId, invoiceId]) =>
    (terms: Terms): Record<string, unknown> => {
      switch (kind) {
        case 'deliver':
          return { type: 'RecordDelivery', deliveryId, lines: terms.lines.map(({ productLine, spec, quantity }) => ({ productLine, ...(spec === undefined ? {} : { spec }), quantity })) };
        case 'write-off':
          return { type: 'WriteOffBadDebt', invoiceId, amountMinor: 50, approvedBy: 'd-1' };
        default:
          return { type: kind === 'invoice' ? 'IssueInvoice' : 'RecordPayment', invoiceId, amountMinor: totalOf(terms.lines) };
      }
    },
);

/**
 * Most of each run: a contract taken some way along draft → review →
 * approval → signing, then random commands at increasing instants (gaps of 0
 * to 10 days from hour 5), so that time order rarely refuses them.
 */
const prefixArb: fc.Arbitrary<readonly ContractDecision[]> = fc
  .tuple(
    fc.integer({ min: 0, max: variants.length - 1 }),
    fc.oneof({ arbitrary: fc.constant(4), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: 3 }), weight: 2 }),
    fc.boolean(),
    fc.array(fc.tuple(fc.integer({ min: 0, max: 240 }), fc.oneof({ arbitrary: bodyArb, weight: 3 }, { arbitrary: fittingArb, weight: 1 }), fc.integer({ min: 0, max: 19 })), { minLength: 5, maxLength: 40 }),
  )
  .map(([v, length, withOpp, steps]) => {
    const start = [
      toCommand(0, 1, { type: 'DraftContract', customerId: 'cu-1', repId: 'r-1', terms: variants[v], withOpp }),
      toCommand(0, 2, { type: 'SubmitContractForReview' }),
      toCommand(0, 3, { type: 'ApproveContract', reviewerId: 'legal-1', termsHash: hashes[v] }),
      toCommand(0, 4, { type: 'SignContract', companySignatoryId: 'm-1', customerSignatory: 'Zhang San' }),
    ].slice(0, length);
    let hours = 5;
    return [
      ...start,
      ...steps.map(([gap, body, dice], i) => {
        hours += gap;
        return toCommand(i + 1, hours, typeof body === 'function' ? body(variants[v]!) : body, dice === 0);
      }),
    ];
  });

/** The legal moves of one event. */
const legalEventMoves: Record<ContractStatus, readonly ContractStatus[]> = {
  none: ['draft'],
  draft: ['draft', 'in_review', 'terminated'],
  in_review: ['in_review', 'approved', 'draft', 'terminated'],
  approved: ['draft', 'signed', 'terminated'],
  signed: ['signed', 'fulfilled', 'terminated'],
  fulfilled: ['fulfilled'],
  terminated: ['terminated'],
};
/** The legal moves of one accepted command (a revision after approval ends back in review, never in draft). */
const legalCommandMoves: Record<ContractStatus, readonly ContractStatus[]> = {
  none: ['none', 'draft'],
  draft: ['draft', 'in_review', 'terminated'],
  in_review: ['in_review', 'approved', 'draft', 'terminated'],
  approved: ['in_review', 'signed', 'terminated'],
  signed: ['signed', 'fulfilled', 'terminated'],
  fulfilled: ['fulfilled'],
  terminated: ['terminated'],
};

const key = (l: { productLine: string; spec?: string | undefined }) => `${l.productLine}/${l.spec ?? ''}`;

/** The invariants, recomputed from the history rather than trusted from the state. */
function checkInvariants(state: ContractState, history: readonly ContractEvent[]): void {
  // Replay: every ContractSigned came from `approved` with an approval of exactly the current terms; every move legal.
  let s = initialContractState;
  for (const e of history) {
    if (e.type === 'ContractSigned') {
      assert.equal(s.status, 'approved');
      assert.ok(s.terms !== undefined && s.approvedTermsHash === contractTermsHash(s.terms), 'signed without an approval of the current terms');
    }
    if (e.type === 'ContractDrafted' || e.type === 'ContractTermsRevised') assert.equal(e.data.totalMinor, totalOf(e.data.lines), 'total ≠ Σ quantity × unit price');
    const next = evolveContract(s, e);
    assert.ok(legalEventMoves[s.status].includes(next.status), `illegal transition ${s.status} → ${next.status} on ${e.type}`);
    s = next;
  }
  if (state.terms === undefined) return;
  const total = state.terms.totalMinor;
  assert.ok(Number.isSafeInteger(total) && total === totalOf(state.terms.lines));
  assert.equal(state.termsHash, contractTermsHash(state.terms));

  // Delivered ≤ contracted, for every line.
  const contracted = new Map<string, number>();
  for (const l of state.terms.lines) contracted.set(key(l), (contracted.get(key(l)) ?? 0) + l.quantity);
  const delivered = new Map<string, number>();
  for (const e of history) if (e.type === 'DeliveryRecorded') for (const l of e.data.lines) delivered.set(key(l), (delivered.get(key(l)) ?? 0) + l.quantity);
  for (const [k, q] of delivered) assert.ok(q <= (contracted.get(k) ?? 0), `delivered ${q} of ${k}, contracted ${contracted.get(k) ?? 0}`);

  // Per invoice paid + written off ≤ amount; Σ invoiced ≤ total.
  const invoices = new Map<string, { amount: number; settled: number; writtenOff: number }>();
  for (const e of history) {
    if (e.type === 'InvoiceIssued') invoices.set(e.data.invoiceId, { amount: e.data.amountMinor, settled: 0, writtenOff: 0 });
    if (e.type === 'PaymentReceived' || e.type === 'BadDebtWrittenOff') {
      const i = invoices.get(e.data.invoiceId);
      assert.ok(i !== undefined, `${e.type} of an unknown invoice`);
      i.settled += e.data.amountMinor;
      if (e.type === 'BadDebtWrittenOff') i.writtenOff += e.data.amountMinor;
    }
  }
  for (const [id, i] of invoices) assert.ok(i.settled <= i.amount, `invoice ${id}: paid + written off ${i.settled} > ${i.amount}`);
  const invoicedTotal = [...invoices.values()].reduce((sum, i) => sum + i.amount, 0);
  assert.ok(invoicedTotal <= total, `Σ invoiced ${invoicedTotal} > total ${total}`);

  // Fulfilled exactly when everything is delivered and paid.
  const fullyDelivered = [...contracted].every(([k, q]) => delivered.get(k) === q);
  const fullyPaid = invoicedTotal === total && [...invoices.values()].every((i) => i.settled === i.amount && i.writtenOff === 0);
  if (state.status === 'fulfilled') assert.ok(fullyDelivered && fullyPaid, 'fulfilled without everything delivered and paid');
  if (state.status === 'signed') assert.ok(!(fullyDelivered && fullyPaid), 'complete but not fulfilled');
  assert.equal(history.filter((e) => e.type === 'ContractFulfilled').length, state.status === 'fulfilled' ? 1 : 0);
}

describe('Contract (model-based)', () => {
  it('random command sequences keep every invariant; rejections emit nothing; replay rebuilds the state', () => {
    let accepted = 0;
    let rejected = 0;
    const reached = new Map<string, number>();
    const seen = (what: string) => reached.set(what, (reached.get(what) ?? 0) + 1);
    assertDeciderModel({
      decider,
      commands: commandArb,
      prefix: prefixArb,
      eventSchemas: contractEventSchemas,
      numRuns: 500,
      maxCommands: 5,
      step(before, after, events) {
        assert.ok(legalCommandMoves[before.status].includes(after.status), `illegal command transition ${before.status} → ${after.status}`);
        for (const e of events) seen(e.type);
        if (after.status !== before.status) seen(after.status);
      },
      invariants: checkInvariants,
      onRun(a, r) {
        accepted += a;
        rejected += r;
      },
    });
    expect(accepted).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(1000);
    // The mix reaches every part of the lifecycle, including fulfilment.
    for (const wanted of ['signed', 'fulfilled', 'terminated', 'ContractAmendmentApproved', 'BadDebtWrittenOff', 'InvoiceEscalated', 'DeliveryDelayed', 'ContractRejected']) expect(reached.get(wanted) ?? 0).toBeGreaterThan(3);
  });
});
