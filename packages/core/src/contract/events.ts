import { sha256HexSchema } from '@dealbook/eventsourcing';
import { z } from 'zod';
import { idSchema, instantSchema, isoDateSchema, moneyMinorSchema, productLineSchema, quantitySchema, textSchema } from '../common-schemas.js';
import type { EventUnionOf } from '../domain-event.js';
import { contractLineSchema, contractPaymentTermsSchema, revisedContractTermsShape } from './terms.js';

/** A delivered line: counted against the contract lines with the same product line and spec. */
export const contractDeliveryLineSchema = z.strictObject({
  productLine: productLineSchema,
  spec: z.string().trim().min(1, 'must not be empty').max(200).optional(),
  quantity: quantitySchema,
});

/** An amount of money that must be positive (invoices, payments, write-offs). */
export const contractPositiveMinorSchema = moneyMinorSchema.min(1, 'must be at least 1 minor unit');

/** The payload schemas of every Contract event (stream `contract-<contractId>`), keyed by type. */
export const contractEventSchemas = {
  ContractDrafted: z.strictObject({
    contractId: idSchema,
    opportunityId: idSchema.optional(),
    customerId: idSchema,
    repId: idSchema,
    lines: z.array(contractLineSchema).min(1).max(500),
    totalMinor: moneyMinorSchema,
    deliveryDate: isoDateSchema,
    paymentTerms: contractPaymentTermsSchema,
  }),
  /** The terms after a revision (customerId stays: a different customer needs a new contract). */
  ContractTermsRevised: z.strictObject(revisedContractTermsShape),
  ContractSubmittedForReview: z.strictObject({}),
  ContractApproved: z.strictObject({ reviewerId: idSchema, termsHash: sha256HexSchema }),
  ContractRejected: z.strictObject({ reviewerId: idSchema, reasons: z.array(textSchema).min(1).max(50) }),
  ContractSigned: z.strictObject({ companySignatoryId: idSchema, customerSignatory: textSchema }),
  DeliveryRecorded: z.strictObject({ deliveryId: idSchema, lines: z.array(contractDeliveryLineSchema).min(1).max(500) }),
  DeliveryDelayed: z.strictObject({ newDate: isoDateSchema, reason: textSchema }),
  QualityIssueReported: z.strictObject({ issueId: idSchema, description: textSchema }),
  InvoiceIssued: z.strictObject({ invoiceId: idSchema, amountMinor: contractPositiveMinorSchema, dueAt: instantSchema }),
  PaymentReceived: z.strictObject({ invoiceId: idSchema, amountMinor: contractPositiveMinorSchema }),
  InvoiceEscalated: z.strictObject({ invoiceId: idSchema, level: z.int().min(1).max(10) }),
  BadDebtWrittenOff: z.strictObject({ invoiceId: idSchema, amountMinor: contractPositiveMinorSchema, approvedBy: idSchema }),
  /** `termsHash` = the hash of the amended terms (the `ContractTermsRevised` that follows in the same batch). */
  ContractAmendmentApproved: z.strictObject({ approvedBy: idSchema, termsHash: sha256HexSchema }),
  /** `approvedBy` iff the contract was signed (R-CONTRACT-TERMINATE). */
  ContractTerminated: z.strictObject({ reason: textSchema, approvedBy: idSchema.optional() }),
  ContractFulfilled: z.strictObject({}),
} as const;

export type ContractEventType = keyof typeof contractEventSchemas;
/** A Contract event: a discriminated union on `type`. */
export type ContractEvent = EventUnionOf<typeof contractEventSchemas>;
export type ContractEventOf<T extends ContractEventType> = Extract<ContractEvent, { type: T }>;
