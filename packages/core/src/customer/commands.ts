import type { CommandUnionOf } from '../domain-event.js';
import { z } from 'zod';
import { commandSchema, idSchema, instantSchema, textSchema } from '../common-schemas.js';
import { customerClasses } from '../domain-terms.js';
import type { DecisionContext } from '../rules.js';
import type { RepRefs } from '../shared-rules.js';
import { customerAssignmentReasons, customerEventSchemas, customerProfileShape, visitChannels } from './events.js';

const { CustomerRegistered: registered, CustomerProfileUpdated: profileUpdate, ComplaintReceived: received, ComplaintForwarded: forwarded, ComplaintClosed: closed, CustomerCreditChanged: credit } =
  customerEventSchemas;

/** The command schemas of Customer, keyed by type. Every command also carries commandId, actorId and occurredAt. */
export const customerCommandSchemas = {
  RegisterCustomer: commandSchema('RegisterCustomer', {
    ...registered.shape,
    contacts: customerProfileShape.contacts.default([]),
  }),
  /** Changes the listed profile fields (at least one); the customer number is immutable. */
  UpdateCustomerProfile: commandSchema('UpdateCustomerProfile', { customerId: idSchema, ...profileUpdate.shape }).refine(
    (c) => Object.keys(profileUpdate.shape).some((k) => c[k as keyof typeof c] !== undefined),
    { message: 'name at least one profile field to change (name, region, address, contacts, businessType, dealerLevel)' },
  ),
  ChangeCustomerCredit: commandSchema('ChangeCustomerCredit', { customerId: idSchema, ...credit.shape }),
  ClassifyCustomer: commandSchema('ClassifyCustomer', { customerId: idSchema, class: z.enum(customerClasses) }),
  /** `previousRepId` is optional: the decider records the current owner; when given, it must be the current owner (R-CUST-ASSIGN). */
  AssignCustomer: commandSchema('AssignCustomer', { customerId: idSchema, repId: idSchema, previousRepId: idSchema.optional(), reason: z.enum(customerAssignmentReasons) }),
  /**
   * A visit as recorded: `visitedAt` is when it happened (the event's
   * `occurredAt`), the command's `occurredAt` when it is recorded
   * (R-VISIT-TIMELY). With `returnVisitId` it also completes that scheduled
   * return visit.
   */
  RecordVisit: commandSchema('RecordVisit', {
    customerId: idSchema,
    visitId: idSchema,
    repId: idSchema,
    channel: z.enum(visitChannels),
    visitedAt: instantSchema,
    feedback: textSchema.optional(),
    needs: textSchema.optional(),
    followUps: z.array(textSchema).max(100).default([]),
    returnVisitId: idSchema.optional(),
  }),
  ScheduleReturnVisit: commandSchema('ScheduleReturnVisit', { customerId: idSchema, visitId: idSchema, dueAt: instantSchema }),
  ReceiveComplaint: commandSchema('ReceiveComplaint', { customerId: idSchema, ...received.shape }),
  ForwardComplaint: commandSchema('ForwardComplaint', { customerId: idSchema, ...forwarded.shape }),
  ResolveComplaint: commandSchema('ResolveComplaint', { customerId: idSchema, complaintId: idSchema, resolution: textSchema }),
  CloseComplaint: commandSchema('CloseComplaint', { customerId: idSchema, ...closed.shape }),
  MarkCustomerLost: commandSchema('MarkCustomerLost', { customerId: idSchema, reason: textSchema, attributableToRep: z.boolean() }),
  ReactivateCustomer: commandSchema('ReactivateCustomer', { customerId: idSchema }),
} as const;

export type CustomerCommandType = keyof typeof customerCommandSchemas;
/** A Customer command as a host sends it (input of its schema). */
export type CustomerCommandInput = CommandUnionOf<typeof customerCommandSchemas, 'input'>;
/** A validated Customer command: a discriminated union on `type`. */
export type CustomerCommand = CommandUnionOf<typeof customerCommandSchemas>;

/**
 * What the customer's rules need from other aggregates and indexes.
 * `reps` (from RepRefs): the reps a command names (AssignCustomer's `repId`,
 * RecordVisit's `repId`, the current owner on ReactivateCustomer), folded
 * with the rep decider; read for `status` only (R-REP-ACTIVE).
 */
export interface CustomerAggregateRefs extends RepRefs {
  /**
   * R-CUST-NUMBER: the engine index of customer numbers, `customerNumber →
   * customerId`, as of the store's head. A number absent from it is free;
   * one mapped to another customer id is taken. Absent: not judged.
   */
  readonly customerNumbers?: Readonly<Record<string, string>>;
}

/** A validated command with the engine's decision context. */
export type CustomerDecision = CustomerCommand & { readonly context?: DecisionContext<CustomerAggregateRefs> };
