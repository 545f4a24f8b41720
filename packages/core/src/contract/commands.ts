import type { CommandUnionOf } from '../domain-event.js';
import { sha256HexSchema } from '@dealbook/eventsourcing';
import { z } from 'zod';
import { commandSchema, idSchema, instantSchema, isoDateSchema, textSchema } from '../common-schemas.js';
import type { DecisionContext } from '../rules.js';
import type { RepRefs } from '../shared-rules.js';
import { contractDeliveryLineSchema, contractPositiveMinorSchema } from './events.js';
import { proposedContractTermsShape } from './terms.js';

/**
 * The command schemas of Contract, keyed by type. Every command also carries
 * commandId, actorId and occurredAt. No command carries a total: the decider
 * computes it from the lines (R-CONTRACT-TOTAL).
 */
export const contractCommandSchemas = {
  DraftContract: commandSchema('DraftContract', { contractId: idSchema, opportunityId: idSchema.optional(), customerId: idSchema, repId: idSchema, ...proposedContractTermsShape }),
  /** Before signing. In `approved` it voids the approval and sends the contract back to review. */
  ReviseContractTerms: commandSchema('ReviseContractTerms', { contractId: idSchema, ...proposedContractTermsShape }),
  SubmitContractForReview: commandSchema('SubmitContractForReview', { contractId: idSchema }),
  /** `termsHash`: the hash of the terms the reviewer read (`contractTermsHash`); it must be the current one. */
  ApproveContract: commandSchema('ApproveContract', { contractId: idSchema, reviewerId: idSchema, termsHash: sha256HexSchema }),
  RejectContract: commandSchema('RejectContract', { contractId: idSchema, reviewerId: idSchema, reasons: z.array(textSchema).min(1).max(50) }),
  SignContract: commandSchema('SignContract', { contractId: idSchema, companySignatoryId: idSchema, customerSignatory: textSchema }),
  RecordDelivery: commandSchema('RecordDelivery', { contractId: idSchema, deliveryId: idSchema, lines: z.array(contractDeliveryLineSchema).min(1).max(500) }),
  DelayDelivery: commandSchema('DelayDelivery', { contractId: idSchema, newDate: isoDateSchema, reason: textSchema }),
  ReportQualityIssue: commandSchema('ReportQualityIssue', { contractId: idSchema, issueId: idSchema, description: textSchema }),
  /** `dueAt` is computed (issue date + credit days in the company time zone); one supplied must match it. */
  IssueInvoice: commandSchema('IssueInvoice', { contractId: idSchema, invoiceId: idSchema, amountMinor: contractPositiveMinorSchema, dueAt: instantSchema.optional() }),
  RecordPayment: commandSchema('RecordPayment', { contractId: idSchema, invoiceId: idSchema, amountMinor: contractPositiveMinorSchema }),
  EscalateInvoice: commandSchema('EscalateInvoice', { contractId: idSchema, invoiceId: idSchema, level: z.int().min(1).max(10) }),
  WriteOffBadDebt: commandSchema('WriteOffBadDebt', { contractId: idSchema, invoiceId: idSchema, amountMinor: contractPositiveMinorSchema, approvedBy: idSchema }),
  /** After signing: the approved amendment and the new terms, in one batch. */
  AmendContract: commandSchema('AmendContract', { contractId: idSchema, approvedBy: idSchema, ...proposedContractTermsShape }),
  /** `approvedBy` is required once signed, and must be left out before (a cancellation). */
  TerminateContract: commandSchema('TerminateContract', { contractId: idSchema, reason: textSchema, approvedBy: idSchema.optional() }),
} as const;

export type ContractCommandType = keyof typeof contractCommandSchemas;
/** A Contract command as a host sends it (input of its schema). */
export type ContractCommandInput = CommandUnionOf<typeof contractCommandSchemas, 'input'>;
/** A validated Contract command: a discriminated union on `type`. */
export type ContractCommand = CommandUnionOf<typeof contractCommandSchemas>;

/** What the contract's rules read of a customer (the engine folds `customer-<id>`). */
export interface ContractCustomerView {
  /** The customer's current owning rep; absent before the first assignment (R-CONTRACT-OWNER). */
  readonly ownerRepId?: string;
  /** Whether the customer is lost (R-CUST-LOST: no draft or signing for a lost customer). */
  readonly lost: boolean;
}

/** What the contract's rules read of an opportunity (the engine folds `opportunity-<id>`). */
export interface ContractOpportunityView {
  /** Lifecycle phase: `'open'` is the only one a contract may be drafted or signed from (R-CONTRACT-OPP); others: lead, disqualified, won, lost. */
  readonly phase: string;
  /** The open stage (`prospecting | needs_analysis | proposal | quotation | negotiation`): drafting needs `quotation` or later. */
  readonly stage?: string;
  /** The opportunity's customer: must be the contract's. */
  readonly customerId?: string;
}

/**
 * What the contract's rules need from other aggregates, by id. A map that is
 * absent is not judged (decider used on its own); an id missing from a map
 * that is present is a violation. `reps` (RepRefs) holds the contract's rep,
 * the company signatory and any approver (R-REP-ACTIVE, R-REP-CERT,
 * R-CONTRACT-SIGNATORY, R-CONTRACT-AMEND, R-CONTRACT-TERMINATE, R-AR-WRITEOFF).
 */
export interface ContractAggregateRefs extends RepRefs {
  /** The contract's customer (DraftContract, SignContract). */
  readonly customers?: Readonly<Record<string, ContractCustomerView>>;
  /** The contract's opportunity, when it has one (DraftContract, SignContract). */
  readonly opportunities?: Readonly<Record<string, ContractOpportunityView>>;
}

/** A validated command with the engine's decision context. */
export type ContractDecision = ContractCommand & { readonly context?: DecisionContext<ContractAggregateRefs> };
