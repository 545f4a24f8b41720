import { entryOf } from '@dealbook/eventsourcing';
import { violation, type Rule, type RuleViolation } from '../rules.js';
import { checkRepActive, checkRepCertified, type RepRefs } from '../shared-rules.js';
import type { ContractAggregateRefs } from './commands.js';
import type { ContractEvent } from './events.js';
import { isContractComplete, invoiceOpenAmount, contractUndeliveredByLine, type ContractState, type ContractStatus } from './state.js';
import { contractedByLine, contractTermsHash, invoiceDueAt, contractLineKey, contractLinesTotal, type ContractTerms } from './terms.js';

type ContractRule = Rule<ContractState, ContractEvent, ContractAggregateRefs>;
type EventType = ContractEvent['type'];
const allEventTypes: readonly EventType[] = [
  'ContractDrafted',
  'ContractTermsRevised',
  'ContractSubmittedForReview',
  'ContractApproved',
  'ContractRejected',
  'ContractSigned',
  'DeliveryRecorded',
  'DeliveryDelayed',
  'QualityIssueReported',
  'InvoiceIssued',
  'PaymentReceived',
  'InvoiceEscalated',
  'BadDebtWrittenOff',
  'ContractAmendmentApproved',
  'ContractTerminated',
  'ContractFulfilled',
];

/** Which lifecycle states each event may happen in (R-CONTRACT-STATE, design §3.4). */
const allowedIn: Record<EventType, readonly ContractStatus[]> = {
  ContractDrafted: ['none'],
  // In `signed` only as an amendment (R-CONTRACT-AMEND judges how).
  ContractTermsRevised: ['draft', 'in_review', 'approved', 'signed'],
  ContractSubmittedForReview: ['draft'],
  ContractApproved: ['in_review'],
  ContractRejected: ['in_review'],
  // Before approval the lifecycle allows it only to say why not: R-CONTRACT-LEGAL (no approval of the current terms).
  ContractSigned: ['draft', 'in_review', 'approved'],
  DeliveryRecorded: ['signed'],
  DeliveryDelayed: ['signed'],
  QualityIssueReported: ['signed', 'fulfilled'],
  InvoiceIssued: ['signed'],
  PaymentReceived: ['signed', 'terminated'],
  InvoiceEscalated: ['signed', 'terminated'],
  BadDebtWrittenOff: ['signed', 'terminated'],
  ContractAmendmentApproved: ['signed'],
  ContractTerminated: ['draft', 'in_review', 'approved', 'signed'],
  ContractFulfilled: ['signed'],
};

const describeStatus = (s: ContractStatus) => (s === 'none' ? 'not drafted' : s.replace('_', ' '));

/** The roles that may sign for the company and approve amendments, terminations and write-offs. */
export const contractApproverRoles = ['manager', 'director'] as const;

/** The terms an event proposes, with the contract's customer. */
function proposedTerms(before: ContractState, event: ContractEvent): ContractTerms | undefined {
  if (event.type === 'ContractDrafted') {
    const { customerId, lines, totalMinor, deliveryDate, paymentTerms } = event.data;
    return { customerId, lines, totalMinor, deliveryDate, paymentTerms };
  }
  if (event.type === 'ContractTermsRevised' && before.customerId !== undefined) return { customerId: before.customerId, ...event.data };
  return undefined;
}

/** R-CONTRACT-STATE: the lifecycle (draft → in_review → approved → signed → fulfilled | terminated); no no-op revisions; one report per quality issue. */
export const contractLifecycle: ContractRule = {
  code: 'R-CONTRACT-STATE',
  on: allEventTypes,
  check(before, event) {
    if (!allowedIn[event.type].includes(before.status)) {
      const hint =
        before.status === 'none'
          ? 'Draft the contract first.'
          : event.type === 'ContractDrafted'
            ? 'This contract id is taken: draft with a new id.'
            : `Allowed when the contract is ${allowedIn[event.type].map(describeStatus).join(' or ')}.`;
      return violation('R-CONTRACT-STATE', `${event.type} is not allowed for a contract that is ${describeStatus(before.status)}. ${hint}`, { status: before.status });
    }
    if (event.type === 'ContractTermsRevised') {
      const terms = proposedTerms(before, event);
      if (terms !== undefined && contractTermsHash(terms) === before.termsHash) {
        return violation('R-CONTRACT-STATE', 'The revised terms are identical to the current ones: nothing to revise.', { termsHash: before.termsHash });
      }
    }
    if (event.type === 'QualityIssueReported' && before.qualityIssueIds.includes(event.data.issueId)) {
      return violation('R-CONTRACT-STATE', `Quality issue ${event.data.issueId} was already reported: use a new issue id.`, { issueId: event.data.issueId });
    }
    return undefined;
  },
};

/** R-CONTRACT-TOTAL: totalMinor = Σ quantity × unitPriceMinor, as safe integers; installments, when given, add up to the total. */
export const totalIsSumOfLines: ContractRule = {
  code: 'R-CONTRACT-TOTAL',
  on: ['ContractDrafted', 'ContractTermsRevised'],
  check(before, event) {
    const terms = proposedTerms(before, event);
    if (terms === undefined) return undefined;
    const { totalMinor, safe } = contractLinesTotal(terms.lines);
    if (!safe) {
      return violation('R-CONTRACT-TOTAL', `The contract total leaves the safe-integer range (above ${Number.MAX_SAFE_INTEGER} minor units): split the contract or check the quantities and prices.`);
    }
    if (terms.totalMinor !== totalMinor) {
      return violation('R-CONTRACT-TOTAL', `totalMinor ${terms.totalMinor} is not Σ quantity × unitPriceMinor = ${totalMinor}.`, { totalMinor: terms.totalMinor, expected: totalMinor });
    }
    const installments = terms.paymentTerms.installments;
    if (installments !== undefined) {
      const sum = installments.reduce((s, i) => s + i.amountMinor, 0);
      if (sum !== totalMinor) {
        return violation('R-CONTRACT-TOTAL', `The installments add up to ${sum}, not to the contract total ${totalMinor}: make them sum to the total.`, { installmentsMinor: sum, totalMinor });
      }
    }
    return undefined;
  },
};

/**
 * R-TIME-ORDER: a follow-on does not occur before its antecedent (review ≥
 * submission, signing ≥ approval, execution ≥ signing, payment, escalation
 * and write-off ≥ the invoice).
 */
export const contractTimeOrder: ContractRule = {
  code: 'R-TIME-ORDER',
  on: ['ContractApproved', 'ContractRejected', 'ContractSigned', 'DeliveryRecorded', 'DeliveryDelayed', 'InvoiceIssued', 'ContractAmendmentApproved', 'PaymentReceived', 'InvoiceEscalated', 'BadDebtWrittenOff'],
  check(before, event) {
    let antecedent: { readonly name: string; readonly at: string | undefined };
    switch (event.type) {
      case 'ContractApproved':
      case 'ContractRejected':
        antecedent = { name: 'its submission for review', at: before.submittedAt };
        break;
      case 'ContractSigned':
        antecedent = { name: 'its legal approval', at: before.approvedAt };
        break;
      case 'PaymentReceived':
      case 'InvoiceEscalated':
      case 'BadDebtWrittenOff':
        antecedent = { name: `invoice ${event.data.invoiceId}`, at: entryOf(before.invoices, event.data.invoiceId)?.issuedAt };
        break;
      default:
        antecedent = { name: 'the signing', at: before.signedAt };
    }
    if (antecedent.at !== undefined && event.occurredAt < antecedent.at) {
      return violation('R-TIME-ORDER', `${event.type} at ${event.occurredAt} cannot occur before ${antecedent.name} at ${antecedent.at}.`, { antecedentAt: antecedent.at });
    }
    return undefined;
  },
};

/**
 * R-CONTRACT-LEGAL: legal approves exactly the current terms (by hash), the
 * reviewer is not the contract's rep, and a contract is signed only with an
 * approval of exactly its current terms.
 */
export const legalApproval: ContractRule = {
  code: 'R-CONTRACT-LEGAL',
  on: ['ContractApproved', 'ContractRejected', 'ContractSigned'],
  check(before, event) {
    if (event.type === 'ContractApproved' || event.type === 'ContractRejected') {
      if (event.data.reviewerId === before.repId) return violation('R-CONTRACT-LEGAL', 'The contract’s own rep cannot review it: legal reviews it.', { reviewerId: event.data.reviewerId });
      if (event.type === 'ContractApproved' && event.data.termsHash !== before.termsHash) {
        return violation('R-CONTRACT-LEGAL', 'The approval is of other terms than the current ones (they were revised since): review the current terms and approve their hash.', {
          termsHash: event.data.termsHash,
          currentTermsHash: before.termsHash,
        });
      }
    }
    if (event.type === 'ContractSigned' && (before.approvedTermsHash === undefined || before.approvedTermsHash !== before.termsHash)) {
      return violation('R-CONTRACT-LEGAL', 'The current terms have no legal approval: submit them for review and sign once approved.', { approvedTermsHash: before.approvedTermsHash, currentTermsHash: before.termsHash });
    }
    return undefined;
  },
};

/**
 * An approver (of an amendment, termination or write-off; or the company
 * signatory): not the contract's rep and, when reps are known, a rep who has
 * not departed with a role in `contractApproverRoles`.
 */
function checkApprover(code: string, before: ContractState, refs: RepRefs, approverId: string, acting: string): RuleViolation | undefined {
  if (approverId === before.repId) return violation(code, `The contract’s own rep cannot ${acting}: a manager or director must.`, { approverId, reason: 'own-contract' });
  if (refs.reps === undefined) return undefined;
  const approver = entryOf(refs.reps, approverId);
  if (approver === undefined || approver.status === 'none') return violation(code, `There is no rep ${approverId} to ${acting}: name a hired manager or director.`, { approverId, reason: 'unknown' });
  if (approver.status === 'departed') return violation(code, `${approverId} has departed and cannot ${acting}: name an active manager or director.`, { approverId, reason: 'departed' });
  if (approver.role === undefined || !(contractApproverRoles as readonly string[]).includes(approver.role)) {
    return violation(code, `${approverId} is a ${approver.role ?? 'rep without a role'} and cannot ${acting}: a ${contractApproverRoles.join(' or ')} must.`, { approverId, role: approver.role, reason: 'role' });
  }
  return undefined;
}

/**
 * R-CONTRACT-AMEND: after signing, terms change only as an approved
 * amendment (ContractAmendmentApproved then ContractTermsRevised of exactly
 * the approved hash, in one batch); approver ≠ rep, a manager or director;
 * new quantities ≥ delivered, new total ≥ invoiced.
 */
export const amendmentRules: ContractRule = {
  code: 'R-CONTRACT-AMEND',
  on: allEventTypes,
  check(before, event, { refs }) {
    if (before.pendingAmendmentHash !== undefined && event.type !== 'ContractTermsRevised') {
      return violation('R-CONTRACT-AMEND', 'An approved amendment must be followed by its revised terms before anything else.', { termsHash: before.pendingAmendmentHash });
    }
    if (event.type === 'ContractAmendmentApproved') return checkApprover('R-CONTRACT-AMEND', before, refs, event.data.approvedBy, 'approve an amendment');
    if (event.type !== 'ContractTermsRevised' || before.status !== 'signed') return undefined;
    const terms = proposedTerms(before, event);
    if (terms === undefined) return undefined;
    if (before.pendingAmendmentHash === undefined || before.pendingAmendmentHash !== contractTermsHash(terms)) {
      return violation('R-CONTRACT-AMEND', 'A signed contract changes only by an approved amendment of exactly these terms: use AmendContract.', { approvedHash: before.pendingAmendmentHash });
    }
    const contracted = contractedByLine(terms.lines);
    const short = Object.entries(before.deliveredByLine).filter(([key, delivered]) => (contracted[key] ?? 0) < delivered);
    if (short.length > 0) {
      return violation('R-CONTRACT-AMEND', `The amendment contracts less than was already delivered for ${short.map(([key]) => key).join(', ')}: keep at least the delivered quantities.`, {
        lines: short.map(([key, delivered]) => ({ line: key, delivered, contracted: contracted[key] ?? 0 })),
      });
    }
    if (terms.totalMinor < before.invoicedMinor) {
      return violation('R-CONTRACT-AMEND', `The amended total ${terms.totalMinor} is below the ${before.invoicedMinor} already invoiced.`, { totalMinor: terms.totalMinor, invoicedMinor: before.invoicedMinor });
    }
    return undefined;
  },
};

/** R-REP-ACTIVE: the drafting rep, and at signing the contract's rep and the company signatory, are hired and not departed. */
export const contractRepsActive: ContractRule = {
  code: 'R-REP-ACTIVE',
  on: ['ContractDrafted', 'ContractSigned'],
  check(before, event, { refs }) {
    if (event.type === 'ContractDrafted') return checkRepActive(refs, event.data.repId, 'draft a contract');
    if (event.type === 'ContractSigned') {
      return (before.repId === undefined ? undefined : checkRepActive(refs, before.repId, 'sign a contract')) ?? checkRepActive(refs, event.data.companySignatoryId, 'sign for the company');
    }
    return undefined;
  },
};

/** R-CONTRACT-OWNER: a contract is drafted by the customer's current owner. */
export const draftedByOwner: ContractRule = {
  code: 'R-CONTRACT-OWNER',
  on: ['ContractDrafted'],
  check(_before, event, { refs }) {
    if (event.type !== 'ContractDrafted' || refs.customers === undefined) return undefined;
    const customer = entryOf(refs.customers, event.data.customerId);
    if (customer === undefined) return violation('R-CONTRACT-OWNER', `There is no customer ${event.data.customerId}: register the customer first.`, { customerId: event.data.customerId, reason: 'unknown' });
    if (customer.ownerRepId !== event.data.repId) {
      return violation('R-CONTRACT-OWNER', `Customer ${event.data.customerId} is owned by ${customer.ownerRepId ?? 'nobody'}, not ${event.data.repId}: the owning rep drafts its contracts (or reassign the customer first).`, {
        customerId: event.data.customerId,
        ownerRepId: customer.ownerRepId,
      });
    }
    return undefined;
  },
};

/** R-CUST-LOST: no contract is drafted or signed for a lost customer. */
export const contractCustomerNotLost: ContractRule = {
  code: 'R-CUST-LOST',
  on: ['ContractDrafted', 'ContractSigned'],
  check(before, event, { refs }) {
    if (refs.customers === undefined) return undefined;
    const customerId = event.type === 'ContractDrafted' ? event.data.customerId : before.customerId;
    if (customerId === undefined) return undefined;
    const customer = entryOf(refs.customers, customerId);
    if (customer === undefined) return violation('R-CUST-LOST', `There is no customer ${customerId}.`, { customerId, reason: 'unknown' });
    if (customer.lost) return violation('R-CUST-LOST', `Customer ${customerId} is lost: reactivate the customer before ${event.type === 'ContractDrafted' ? 'drafting' : 'signing'} a contract.`, { customerId });
    return undefined;
  },
};

const openStages = ['prospecting', 'needs_analysis', 'proposal', 'quotation', 'negotiation'] as const;

/** R-CONTRACT-OPP: a contract from an opportunity is for its customer, drafted at quotation or later, and signed while the opportunity is still open. */
export const contractOpportunityReady: ContractRule = {
  code: 'R-CONTRACT-OPP',
  on: ['ContractDrafted', 'ContractSigned'],
  check(before, event, { refs }) {
    const opportunityId = event.type === 'ContractDrafted' ? event.data.opportunityId : before.opportunityId;
    if (opportunityId === undefined || refs.opportunities === undefined) return undefined;
    const opp = entryOf(refs.opportunities, opportunityId);
    if (opp === undefined) return violation('R-CONTRACT-OPP', `There is no opportunity ${opportunityId}.`, { opportunityId, reason: 'unknown' });
    if (opp.phase !== 'open') {
      return violation('R-CONTRACT-OPP', `Opportunity ${opportunityId} is ${opp.phase}, not open: ${event.type === 'ContractDrafted' ? 'draft' : 'sign'} contracts only for open opportunities (reopen it first).`, { opportunityId, phase: opp.phase });
    }
    if (event.type === 'ContractDrafted') {
      if (opp.customerId !== event.data.customerId) {
        return violation('R-CONTRACT-OPP', `Opportunity ${opportunityId} is for customer ${opp.customerId ?? 'unknown'}, not ${event.data.customerId}.`, { opportunityId, customerId: opp.customerId });
      }
      const stage = openStages.indexOf((opp.stage ?? '') as (typeof openStages)[number]);
      if (stage < openStages.indexOf('quotation')) {
        return violation('R-CONTRACT-OPP', `Opportunity ${opportunityId} is at stage ${opp.stage ?? 'unknown'}: draft the contract once it reaches quotation or negotiation.`, { opportunityId, stage: opp.stage });
      }
    }
    return undefined;
  },
};

/** R-CONTRACT-SIGNATORY: the company signatory is a manager or director other than the contract's rep. */
export const authorizedSignatory: ContractRule = {
  code: 'R-CONTRACT-SIGNATORY',
  on: ['ContractSigned'],
  check(before, event, { refs }) {
    if (event.type !== 'ContractSigned') return undefined;
    return checkApprover('R-CONTRACT-SIGNATORY', before, refs, event.data.companySignatoryId, 'sign for the company');
  },
};

/**
 * R-REP-CERT: the contract's rep holds a valid certification, at the signing
 * instant, for every regulated product line; an amendment adding a regulated
 * line needs it at the amendment instant.
 */
export const contractRepCertified: ContractRule = {
  code: 'R-REP-CERT',
  on: ['ContractSigned', 'ContractTermsRevised'],
  check(before, event, { policy, refs }) {
    if (before.repId === undefined || before.terms === undefined) return undefined;
    if (event.type === 'ContractSigned') return checkRepCertified(refs, before.repId, before.terms.lines.map((l) => l.productLine), policy.regulatedProductLines, event.occurredAt);
    if (event.type === 'ContractTermsRevised' && before.status === 'signed') {
      const had = new Set(before.terms.lines.map((l) => l.productLine));
      const added = event.data.lines.map((l) => l.productLine).filter((line) => !had.has(line));
      return checkRepCertified(refs, before.repId, added, policy.regulatedProductLines, event.occurredAt);
    }
    return undefined;
  },
};

/** R-CONTRACT-DELIVERY: deliveries of contracted lines only, never beyond the contracted quantity, each id once; delays move the date later. */
export const deliveryWithinContract: ContractRule = {
  code: 'R-CONTRACT-DELIVERY',
  on: ['DeliveryRecorded', 'DeliveryDelayed'],
  check(before, event) {
    const left = contractUndeliveredByLine(before);
    if (event.type === 'DeliveryRecorded') {
      if (before.deliveryIds.includes(event.data.deliveryId)) return violation('R-CONTRACT-DELIVERY', `Delivery ${event.data.deliveryId} was already recorded: use a new delivery id.`, { deliveryId: event.data.deliveryId });
      const asked: Record<string, number> = {};
      for (const line of event.data.lines) asked[contractLineKey(line)] = (asked[contractLineKey(line)] ?? 0) + line.quantity;
      const over = Object.entries(asked).filter(([key, quantity]) => quantity > (left[key] ?? 0));
      if (over.length > 0) {
        return violation('R-CONTRACT-DELIVERY', `The delivery exceeds what is left to deliver for ${over.map(([key]) => key).join(', ')}: deliver at most the contracted quantity.`, {
          lines: over.map(([key, quantity]) => ({ line: key, quantity, left: left[key] ?? 0 })),
        });
      }
    }
    if (event.type === 'DeliveryDelayed') {
      if (Object.values(left).every((n) => n <= 0)) return violation('R-CONTRACT-DELIVERY', 'Everything is delivered: there is no delivery left to delay.');
      if (before.expectedDeliveryDate !== undefined && event.data.newDate <= before.expectedDeliveryDate) {
        return violation('R-CONTRACT-DELIVERY', `The new delivery date ${event.data.newDate} is not after the expected ${before.expectedDeliveryDate}: a delay moves the date later (change terms by amendment).`, {
          expectedDeliveryDate: before.expectedDeliveryDate,
        });
      }
    }
    return undefined;
  },
};

/**
 * R-AR-INVOICE: invoice ids are unique; Σ invoiced ≤ total; `dueAt` is the
 * computed one (local issue date + credit days, due through that local day);
 * escalation only of a known, open invoice past its due time, levels increasing.
 */
export const invoiceRules: ContractRule = {
  code: 'R-AR-INVOICE',
  on: ['InvoiceIssued', 'InvoiceEscalated'],
  check(before, event, { policy }) {
    if (event.type === 'InvoiceIssued') {
      const { invoiceId, amountMinor, dueAt } = event.data;
      if (entryOf(before.invoices, invoiceId) !== undefined) return violation('R-AR-INVOICE', `Invoice ${invoiceId} was already issued: use a new invoice id.`, { invoiceId });
      const total = before.terms?.totalMinor ?? 0;
      if (before.invoicedMinor + amountMinor > total) {
        return violation('R-AR-INVOICE', `Invoicing ${amountMinor} would bring the invoiced amount to ${before.invoicedMinor + amountMinor}, above the contract total ${total}: invoice at most ${total - before.invoicedMinor}.`, {
          invoicedMinor: before.invoicedMinor,
          totalMinor: total,
        });
      }
      const expected = invoiceDueAt(event.occurredAt, before.terms?.paymentTerms.creditDays ?? 0, policy.timeZone);
      if (dueAt !== expected.dueAt) {
        return violation('R-AR-INVOICE', `dueAt ${dueAt} is not the issue date plus the credit days (due through ${expected.dueDate} in ${policy.timeZone}, i.e. ${expected.dueAt}): leave dueAt out to have it computed.`, {
          dueAt,
          expected: expected.dueAt,
        });
      }
    }
    if (event.type === 'InvoiceEscalated') {
      const invoice = entryOf(before.invoices, event.data.invoiceId);
      if (invoice === undefined) return violation('R-AR-INVOICE', `There is no invoice ${event.data.invoiceId} to escalate.`, { invoiceId: event.data.invoiceId, reason: 'unknown' });
      if (invoiceOpenAmount(invoice) <= 0) return violation('R-AR-INVOICE', `Invoice ${event.data.invoiceId} is settled: there is nothing to escalate.`, { invoiceId: event.data.invoiceId, reason: 'settled' });
      if (event.occurredAt < invoice.dueAt) return violation('R-AR-INVOICE', `Invoice ${event.data.invoiceId} is not overdue before ${invoice.dueAt}: escalate only overdue invoices.`, { invoiceId: event.data.invoiceId, dueAt: invoice.dueAt, reason: 'not-due' });
      if (event.data.level <= invoice.escalationLevel) {
        return violation('R-AR-INVOICE', `Invoice ${event.data.invoiceId} is already escalated to level ${invoice.escalationLevel}: escalate to a higher level.`, { invoiceId: event.data.invoiceId, level: invoice.escalationLevel, reason: 'level' });
      }
    }
    return undefined;
  },
};

/** R-AR-PAYMENT: a payment is for a known invoice and at most its open amount. */
export const paymentWithinInvoice: ContractRule = {
  code: 'R-AR-PAYMENT',
  on: ['PaymentReceived'],
  check(before, event) {
    if (event.type !== 'PaymentReceived') return undefined;
    const invoice = entryOf(before.invoices, event.data.invoiceId);
    if (invoice === undefined) return violation('R-AR-PAYMENT', `There is no invoice ${event.data.invoiceId}: a payment settles an issued invoice.`, { invoiceId: event.data.invoiceId });
    if (event.data.amountMinor > invoiceOpenAmount(invoice)) {
      return violation('R-AR-PAYMENT', `The payment of ${event.data.amountMinor} exceeds the ${invoiceOpenAmount(invoice)} still open on invoice ${event.data.invoiceId}.`, { invoiceId: event.data.invoiceId, openMinor: invoiceOpenAmount(invoice) });
    }
    return undefined;
  },
};

/** R-AR-WRITEOFF: a write-off of a known, overdue invoice, at most its open amount, approved by a manager or director other than the rep. */
export const writeOffApproved: ContractRule = {
  code: 'R-AR-WRITEOFF',
  on: ['BadDebtWrittenOff'],
  check(before, event, { refs }) {
    if (event.type !== 'BadDebtWrittenOff') return undefined;
    const { invoiceId, amountMinor, approvedBy } = event.data;
    const invoice = entryOf(before.invoices, invoiceId);
    if (invoice === undefined) return violation('R-AR-WRITEOFF', `There is no invoice ${invoiceId} to write off.`, { invoiceId, reason: 'unknown' });
    if (event.occurredAt < invoice.dueAt) return violation('R-AR-WRITEOFF', `Invoice ${invoiceId} is not past due before ${invoice.dueAt}: only overdue receivables are written off.`, { invoiceId, dueAt: invoice.dueAt, reason: 'not-due' });
    if (amountMinor > invoiceOpenAmount(invoice)) return violation('R-AR-WRITEOFF', `Writing off ${amountMinor} exceeds the ${invoiceOpenAmount(invoice)} still open on invoice ${invoiceId}.`, { invoiceId, openMinor: invoiceOpenAmount(invoice), reason: 'amount' });
    return checkApprover('R-AR-WRITEOFF', before, refs, approvedBy, 'approve a bad-debt write-off');
  },
};

/** R-CONTRACT-TERMINATE: terminating a signed contract needs an approver (a manager or director other than the rep); before signing it is a cancellation without one. */
export const terminationApproved: ContractRule = {
  code: 'R-CONTRACT-TERMINATE',
  on: ['ContractTerminated'],
  check(before, event, { refs }) {
    if (event.type !== 'ContractTerminated') return undefined;
    const { approvedBy } = event.data;
    if (before.status === 'signed') {
      if (approvedBy === undefined) return violation('R-CONTRACT-TERMINATE', 'Terminating a signed contract needs an approval: name the approving manager or director (approvedBy).', { reason: 'no-approver' });
      return checkApprover('R-CONTRACT-TERMINATE', before, refs, approvedBy, 'approve a termination');
    }
    if (approvedBy !== undefined) {
      return violation('R-CONTRACT-TERMINATE', 'A contract that is not signed is cancelled without an approval: leave approvedBy out.', { status: before.status, reason: 'unsigned' });
    }
    return undefined;
  },
};

/**
 * R-CONTRACT-FULFIL: ContractFulfilled exactly when every line is delivered
 * and Σ paid = Σ invoiced = total (no write-off); a signed contract that is
 * complete records nothing else first (the decider appends ContractFulfilled
 * in the batch that completes it).
 */
export const fulfilledWhenComplete: ContractRule = {
  code: 'R-CONTRACT-FULFIL',
  on: allEventTypes,
  check(before, event) {
    if (before.status !== 'signed') return undefined;
    const complete = isContractComplete(before);
    if (event.type === 'ContractFulfilled' && !complete) {
      return violation('R-CONTRACT-FULFIL', 'The contract is not complete: it is fulfilled when every line is delivered and every invoice, up to the total, is paid.', { invoicedMinor: before.invoicedMinor, undelivered: contractUndeliveredByLine(before) });
    }
    if (event.type !== 'ContractFulfilled' && complete) {
      return violation('R-CONTRACT-FULFIL', 'The contract is fully delivered and paid: it must be recorded as fulfilled before anything else.');
    }
    return undefined;
  },
};

/** Every rule of the Contract aggregate, in the order they are judged. */
export const contractRules: readonly ContractRule[] = [
  contractLifecycle,
  fulfilledWhenComplete,
  amendmentRules,
  totalIsSumOfLines,
  contractTimeOrder,
  legalApproval,
  contractRepsActive,
  draftedByOwner,
  contractCustomerNotLost,
  contractOpportunityReady,
  authorizedSignatory,
  contractRepCertified,
  deliveryWithinContract,
  invoiceRules,
  paymentWithinInvoice,
  writeOffApproved,
  terminationApproved,
];
