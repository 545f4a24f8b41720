import { z } from 'zod';
import { idSchema, instantSchema, moneyMinorSchema, regionSchema, textSchema } from '../common-schemas.js';
import type { EventUnionOf } from '../domain-event.js';
import { customerClasses } from '../domain-terms.js';

/** A short label: a business type, dealer authorization level or credit rating (客户卡片 [002 表4]). */
const labelSchema = z.string().trim().min(1, 'must not be empty').max(100);

/** A contact person of the customer (客户卡片 [002 表4]); confidential (redacted in reports and exports). */
export const customerContactSchema = z.strictObject({
  name: textSchema,
  title: labelSchema.optional(),
  phone: z.string().trim().min(1, 'must not be empty').max(50).optional(),
  email: z.email().max(200).optional(),
});

/** How a customer came to its owning rep (DOMAIN.md "Customer"). */
export const customerAssignmentReasons = ['initial', 'reassignment', 'handover'] as const;
/** How a visit was made (DOMAIN.md "Customer": on-site or phone). */
export const visitChannels = ['onsite', 'phone'] as const;

/** The fields of the customer archive a profile update may change (not the customer number, class, owner or credit). */
export const customerProfileShape = {
  name: textSchema,
  region: regionSchema,
  address: textSchema.optional(),
  contacts: z.array(customerContactSchema).max(100),
  businessType: labelSchema.optional(),
  dealerLevel: labelSchema.optional(),
};

/** The payload schemas of every Customer event (stream `customer-<customerId>`), keyed by type. */
export const customerEventSchemas = {
  CustomerRegistered: z.strictObject({
    customerId: idSchema,
    customerNumber: idSchema,
    ...customerProfileShape,
    creditRating: labelSchema.optional(),
    creditLimitMinor: moneyMinorSchema.optional(),
  }),
  /** Only the fields that change; at least one. */
  CustomerProfileUpdated: z.strictObject({
    name: customerProfileShape.name.optional(),
    region: customerProfileShape.region.optional(),
    address: customerProfileShape.address,
    contacts: customerProfileShape.contacts.optional(),
    businessType: customerProfileShape.businessType,
    dealerLevel: customerProfileShape.dealerLevel,
  }),
  CustomerClassified: z.strictObject({ class: z.enum(customerClasses) }),
  CustomerAssigned: z.strictObject({ repId: idSchema, previousRepId: idSchema.optional(), reason: z.enum(customerAssignmentReasons) }),
  /** `occurredAt` is the visit time; the recording time is the envelope's `recordedAt` (R-VISIT-TIMELY). */
  CustomerVisited: z.strictObject({
    visitId: idSchema,
    repId: idSchema,
    channel: z.enum(visitChannels),
    feedback: textSchema.optional(),
    needs: textSchema.optional(),
    followUps: z.array(textSchema).max(100),
  }),
  ReturnVisitScheduled: z.strictObject({ visitId: idSchema, dueAt: instantSchema }),
  /** `visitId` is the scheduled return visit; `completedByVisitId` the `CustomerVisited` that completed it (added field). */
  ReturnVisitCompleted: z.strictObject({ visitId: idSchema, completedByVisitId: idSchema }),
  ComplaintReceived: z.strictObject({ complaintId: idSchema, category: labelSchema, description: textSchema }),
  ComplaintForwarded: z.strictObject({ complaintId: idSchema, department: labelSchema }),
  ComplaintResolved: z.strictObject({ complaintId: idSchema, resolution: textSchema }),
  /** `reply` (added field): the result replied to the customer ("将问题的解决结果回复客户" [003 主管 三(三)]). */
  ComplaintClosed: z.strictObject({ complaintId: idSchema, satisfaction: z.int().min(1).max(5), reply: textSchema }),
  CustomerCreditChanged: z.strictObject({ creditRating: labelSchema, creditLimitMinor: moneyMinorSchema }),
  CustomerLost: z.strictObject({ reason: textSchema, attributableToRep: z.boolean() }),
  CustomerReactivated: z.strictObject({}),
} as const;

export type CustomerEventType = keyof typeof customerEventSchemas;
/** A Customer event: a discriminated union on `type`. */
export type CustomerEvent = EventUnionOf<typeof customerEventSchemas>;
export type CustomerEventOf<T extends CustomerEventType> = Extract<CustomerEvent, { type: T }>;
export type CustomerContact = z.output<typeof customerContactSchema>;
export type CustomerAssignmentReason = (typeof customerAssignmentReasons)[number];
export type VisitChannel = (typeof visitChannels)[number];
