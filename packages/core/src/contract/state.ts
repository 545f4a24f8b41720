import { entryOf } from '@dealbook/eventsourcing';
import type { ContractEvent } from './events.js';
import { contractedByLine, contractTermsHash, contractLineKey, type ContractTerms } from './terms.js';

export type ContractStatus = 'none' | 'draft' | 'in_review' | 'approved' | 'signed' | 'fulfilled' | 'terminated';

/** The ledger of one invoice (amounts in integer minor units). */
export interface ContractInvoiceState {
  readonly amountMinor: number;
  readonly issuedAt: string;
  readonly dueAt: string;
  readonly paidMinor: number;
  readonly writtenOffMinor: number;
  /** The highest escalation level so far; 0 when never escalated. */
  readonly escalationLevel: number;
}

/** What the Contract decider keeps. */
export interface ContractState {
  readonly status: ContractStatus;
  readonly contractId?: string;
  readonly customerId?: string;
  readonly repId?: string;
  readonly opportunityId?: string;
  /** The current terms and their hash (R-CONTRACT-LEGAL). */
  readonly terms?: ContractTerms;
  readonly termsHash?: string;
  /** The hash legal approved (or the last approved amendment's); cleared when the terms change before signing. */
  readonly approvedTermsHash?: string;
  /** An amendment approved but whose terms are not yet recorded (within one batch). */
  readonly pendingAmendmentHash?: string;
  readonly submittedAt?: string;
  readonly approvedAt?: string;
  readonly signedAt?: string;
  /** The delivery date now expected: the terms' date, moved by delays. */
  readonly expectedDeliveryDate?: string;
  /** Units delivered per line key (`contractLineKey`: product line and spec). */
  readonly deliveredByLine: Readonly<Record<string, number>>;
  readonly deliveryIds: readonly string[];
  readonly qualityIssueIds: readonly string[];
  readonly invoices: Readonly<Record<string, ContractInvoiceState>>;
  /** Σ invoiced amounts. */
  readonly invoicedMinor: number;
}

export const initialContractState: ContractState = { status: 'none', deliveredByLine: {}, deliveryIds: [], qualityIssueIds: [], invoices: {}, invoicedMinor: 0 };

/** Drops an optional member without leaving an `undefined` behind (states must survive a JSON round trip). */
function without<S extends object, K extends keyof S>(state: S, ...keys: K[]): Omit<S, K> {
  const copy = { ...state };
  for (const key of keys) delete copy[key];
  return copy;
}

export function evolveContract(state: ContractState, event: ContractEvent): ContractState {
  switch (event.type) {
    case 'ContractDrafted': {
      const { contractId, opportunityId, customerId, repId, lines, totalMinor, deliveryDate, paymentTerms } = event.data;
      const terms: ContractTerms = { customerId, lines, totalMinor, deliveryDate, paymentTerms };
      return {
        ...initialContractState,
        status: 'draft',
        contractId,
        customerId,
        repId,
        ...(opportunityId === undefined ? {} : { opportunityId }),
        terms,
        termsHash: contractTermsHash(terms),
        expectedDeliveryDate: deliveryDate,
      };
    }
    case 'ContractTermsRevised': {
      if (state.customerId === undefined) return state;
      const terms: ContractTerms = { customerId: state.customerId, ...event.data };
      const termsHash = contractTermsHash(terms);
      const base = { ...without(state, 'approvedTermsHash', 'pendingAmendmentHash'), terms, termsHash, expectedDeliveryDate: event.data.deliveryDate };
      // After signing a revision is an amendment: it carries its own approval.
      if (state.status === 'signed') return { ...base, approvedTermsHash: termsHash };
      // A change after legal approval voids it: back to drafting (the decider resubmits in the same batch).
      if (state.status === 'approved') return { ...without(base, 'approvedAt'), status: 'draft' };
      return base;
    }
    case 'ContractSubmittedForReview':
      return { ...state, status: 'in_review', submittedAt: event.occurredAt };
    case 'ContractApproved':
      return { ...state, status: 'approved', approvedTermsHash: event.data.termsHash, approvedAt: event.occurredAt };
    case 'ContractRejected':
      return { ...without(state, 'approvedTermsHash'), status: 'draft' };
    case 'ContractSigned':
      return { ...state, status: 'signed', signedAt: event.occurredAt };
    case 'DeliveryRecorded': {
      const delivered = { ...state.deliveredByLine };
      for (const line of event.data.lines) delivered[contractLineKey(line)] = (delivered[contractLineKey(line)] ?? 0) + line.quantity;
      return { ...state, deliveredByLine: delivered, deliveryIds: [...state.deliveryIds, event.data.deliveryId] };
    }
    case 'DeliveryDelayed':
      return { ...state, expectedDeliveryDate: event.data.newDate };
    case 'QualityIssueReported':
      return { ...state, qualityIssueIds: [...state.qualityIssueIds, event.data.issueId] };
    case 'InvoiceIssued': {
      const { invoiceId, amountMinor, dueAt } = event.data;
      const invoice: ContractInvoiceState = { amountMinor, issuedAt: event.occurredAt, dueAt, paidMinor: 0, writtenOffMinor: 0, escalationLevel: 0 };
      return { ...state, invoices: { ...state.invoices, [invoiceId]: invoice }, invoicedMinor: state.invoicedMinor + amountMinor };
    }
    case 'PaymentReceived':
    case 'InvoiceEscalated':
    case 'BadDebtWrittenOff': {
      const invoice = entryOf(state.invoices, event.data.invoiceId);
      if (invoice === undefined) return state;
      const changed: ContractInvoiceState =
        event.type === 'PaymentReceived'
          ? { ...invoice, paidMinor: invoice.paidMinor + event.data.amountMinor }
          : event.type === 'BadDebtWrittenOff'
            ? { ...invoice, writtenOffMinor: invoice.writtenOffMinor + event.data.amountMinor }
            : { ...invoice, escalationLevel: Math.max(invoice.escalationLevel, event.data.level) };
      return { ...state, invoices: { ...state.invoices, [event.data.invoiceId]: changed } };
    }
    case 'ContractAmendmentApproved':
      return { ...state, pendingAmendmentHash: event.data.termsHash };
    case 'ContractTerminated':
      return { ...state, status: 'terminated' };
    case 'ContractFulfilled':
      return { ...state, status: 'fulfilled' };
  }
}

/** The amount of an invoice still open: amount − paid − written off. */
export const invoiceOpenAmount = (invoice: ContractInvoiceState): number => invoice.amountMinor - invoice.paidMinor - invoice.writtenOffMinor;

/** Units still to deliver per line key (0 or more; keys of the current terms only). */
export function contractUndeliveredByLine(state: ContractState): Readonly<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [key, contracted] of Object.entries(contractedByLine(state.terms?.lines ?? []))) out[key] = contracted - (entryOf(state.deliveredByLine, key) ?? 0);
  return out;
}

/**
 * Is everything delivered and paid (R-CONTRACT-FULFIL)? Every line fully
 * delivered, Σ invoiced = total, and every invoice paid in full: a contract
 * with a write-off is never fulfilled (it is closed by termination; design §6 Q8).
 */
export function isContractComplete(state: ContractState): boolean {
  if (state.terms === undefined) return false;
  if (Object.values(contractUndeliveredByLine(state)).some((left) => left !== 0)) return false;
  if (state.invoicedMinor !== state.terms.totalMinor) return false;
  return Object.values(state.invoices).every((i) => i.writtenOffMinor === 0 && i.paidMinor === i.amountMinor);
}
