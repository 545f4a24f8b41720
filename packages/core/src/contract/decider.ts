import type { Decider } from '@dealbook/eventsourcing';
import type { PolicyTimeline } from '../policy-timeline.js';
import { enforceRules } from '../rules.js';
import type { ContractDecision } from './commands.js';
import type { ContractEvent } from './events.js';
import { contractRules } from './rules.js';
import { evolveContract, initialContractState, isContractComplete, type ContractState } from './state.js';
import { contractTermsHash, invoiceDueAt, contractLinesTotal, type ContractLine, type ContractPaymentTerms } from './terms.js';

/** Proposed terms with the computed total (events carry the total; commands never do). */
function withTotal(terms: { readonly lines: readonly ContractLine[]; readonly deliveryDate: string; readonly paymentTerms: ContractPaymentTerms }) {
  return { lines: [...terms.lines], totalMinor: contractLinesTotal(terms.lines).totalMinor, deliveryDate: terms.deliveryDate, paymentTerms: terms.paymentTerms };
}

/** The events a Contract command asks for, before any rule is judged. */
function eventsFor(command: ContractDecision, state: ContractState, policies: PolicyTimeline): ContractEvent[] {
  const at = command.occurredAt;
  switch (command.type) {
    case 'DraftContract': {
      const { contractId, opportunityId, customerId, repId } = command;
      return [{ type: 'ContractDrafted', occurredAt: at, data: { contractId, ...(opportunityId === undefined ? {} : { opportunityId }), customerId, repId, ...withTotal(command) } }];
    }
    case 'ReviseContractTerms': {
      const revised: ContractEvent = { type: 'ContractTermsRevised', occurredAt: at, data: withTotal(command) };
      // A change after legal approval goes back to review in the same batch (R-CONTRACT-LEGAL).
      return state.status === 'approved' ? [revised, { type: 'ContractSubmittedForReview', occurredAt: at, data: {} }] : [revised];
    }
    case 'SubmitContractForReview':
      return [{ type: 'ContractSubmittedForReview', occurredAt: at, data: {} }];
    case 'ApproveContract':
      return [{ type: 'ContractApproved', occurredAt: at, data: { reviewerId: command.reviewerId, termsHash: command.termsHash } }];
    case 'RejectContract':
      return [{ type: 'ContractRejected', occurredAt: at, data: { reviewerId: command.reviewerId, reasons: [...command.reasons] } }];
    case 'SignContract':
      return [{ type: 'ContractSigned', occurredAt: at, data: { companySignatoryId: command.companySignatoryId, customerSignatory: command.customerSignatory } }];
    case 'RecordDelivery':
      return [{ type: 'DeliveryRecorded', occurredAt: at, data: { deliveryId: command.deliveryId, lines: command.lines.map((l) => ({ ...l })) } }];
    case 'DelayDelivery':
      return [{ type: 'DeliveryDelayed', occurredAt: at, data: { newDate: command.newDate, reason: command.reason } }];
    case 'ReportQualityIssue':
      return [{ type: 'QualityIssueReported', occurredAt: at, data: { issueId: command.issueId, description: command.description } }];
    case 'IssueInvoice': {
      const dueAt = command.dueAt ?? invoiceDueAt(at, state.terms?.paymentTerms.creditDays ?? 0, policies.at(at).timeZone).dueAt;
      return [{ type: 'InvoiceIssued', occurredAt: at, data: { invoiceId: command.invoiceId, amountMinor: command.amountMinor, dueAt } }];
    }
    case 'RecordPayment':
      return [{ type: 'PaymentReceived', occurredAt: at, data: { invoiceId: command.invoiceId, amountMinor: command.amountMinor } }];
    case 'EscalateInvoice':
      return [{ type: 'InvoiceEscalated', occurredAt: at, data: { invoiceId: command.invoiceId, level: command.level } }];
    case 'WriteOffBadDebt':
      return [{ type: 'BadDebtWrittenOff', occurredAt: at, data: { invoiceId: command.invoiceId, amountMinor: command.amountMinor, approvedBy: command.approvedBy } }];
    case 'AmendContract': {
      const data = withTotal(command);
      const termsHash = contractTermsHash({ customerId: state.customerId ?? '', ...data });
      return [
        { type: 'ContractAmendmentApproved', occurredAt: at, data: { approvedBy: command.approvedBy, termsHash } },
        { type: 'ContractTermsRevised', occurredAt: at, data },
      ];
    }
    case 'TerminateContract':
      return [{ type: 'ContractTerminated', occurredAt: at, data: { reason: command.reason, ...(command.approvedBy === undefined ? {} : { approvedBy: command.approvedBy }) } }];
  }
}

/**
 * The Contract decider (stream `contract-<contractId>`), judging with the
 * policy in force at each event. When a batch completes a signed contract
 * (everything delivered and paid), it appends ContractFulfilled (R-CONTRACT-FULFIL).
 */
export function createContractDecider(policies: PolicyTimeline): Decider<ContractDecision, ContractEvent, ContractState> {
  return {
    initialState: initialContractState,
    decide(command, state) {
      const events = eventsFor(command, state, policies);
      const after = events.reduce(evolveContract, state);
      if (after.status === 'signed' && isContractComplete(after)) events.push({ type: 'ContractFulfilled', occurredAt: command.occurredAt, data: {} });
      return enforceRules(contractRules, evolveContract, policies, state, events, command.context?.recordedAt ?? command.occurredAt, command.context?.refs ?? {});
    },
    evolve: evolveContract,
  };
}
