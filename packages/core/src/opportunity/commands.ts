import type { CommandUnionOf } from '../domain-event.js';
import { z } from 'zod';
import { commandSchema, idSchema, instantSchema, isoDateSchema, moneyMinorSchema, textSchema } from '../common-schemas.js';
import type { DecisionContext } from '../rules.js';
import type { RepRefs } from '../shared-rules.js';
import { followUpStepSchema, opportunityEventSchemas, leadPriorities, leadSources, leadNamesSomeone, leadNamesSomeoneIssue, opportunityStages, probabilitySchema, prospectSchema, quoteLineSchema } from './events.js';

/**
 * The command schemas of Opportunity (with its lead phase), keyed by type.
 * Every command names its stream's `opportunityId` and carries commandId,
 * actorId and occurredAt. Totals and the stage a move starts `from` are
 * computed by the decider, never taken from the host.
 */
export const opportunityCommandSchemas = {
  CaptureLead: commandSchema('CaptureLead', {
    opportunityId: idSchema,
    source: z.enum(leadSources),
    customerId: idSchema.optional(),
    prospect: prospectSchema.optional(),
    capturedBy: idSchema,
  }).refine(leadNamesSomeone, leadNamesSomeoneIssue),
  QualifyLead: commandSchema('QualifyLead', { opportunityId: idSchema, score: z.number().min(0).max(100), priority: z.enum(leadPriorities) }),
  DisqualifyLead: commandSchema('DisqualifyLead', { opportunityId: idSchema, reason: textSchema }),
  AssignLead: commandSchema('AssignLead', { opportunityId: idSchema, repId: idSchema }),
  FollowUpLead: commandSchema('FollowUpLead', { opportunityId: idSchema, note: textSchema }),
  OpenOpportunity: commandSchema('OpenOpportunity', { opportunityId: idSchema, ...opportunityEventSchemas.OpportunityOpened.shape }),
  EvaluateOpportunity: commandSchema('EvaluateOpportunity', { opportunityId: idSchema, estimatedValueMinor: moneyMinorSchema, probability: probabilitySchema, expectedCloseDate: isoDateSchema.optional() }),
  PlanFollowUp: commandSchema('PlanFollowUp', { opportunityId: idSchema, steps: z.array(followUpStepSchema).min(1) }),
  ChangeStage: commandSchema('ChangeStage', { opportunityId: idSchema, to: z.enum(opportunityStages), reason: textSchema.optional() }),
  IssueQuote: commandSchema('IssueQuote', { opportunityId: idSchema, quoteId: idSchema, lines: z.array(quoteLineSchema).min(1), validUntil: instantSchema }),
  /** Sent by the engine's reactor on `ContractSigned` (R-OPP-WON), not by hosts. */
  WinOpportunity: commandSchema('WinOpportunity', { opportunityId: idSchema, contractId: idSchema, valueMinor: moneyMinorSchema }),
  LoseOpportunity: commandSchema('LoseOpportunity', { opportunityId: idSchema, reason: textSchema, competitor: textSchema.optional() }),
  ReopenOpportunity: commandSchema('ReopenOpportunity', { opportunityId: idSchema, reason: textSchema }),
} as const;

export type OpportunityCommandType = keyof typeof opportunityCommandSchemas;
/** An Opportunity command as a host sends it (input of its schema). */
export type OpportunityCommandInput = CommandUnionOf<typeof opportunityCommandSchemas, 'input'>;
/** A validated Opportunity command: a discriminated union on `type`. */
export type OpportunityCommand = CommandUnionOf<typeof opportunityCommandSchemas>;

/** A contract's lifecycle status as the Contract aggregate keeps it. */
export type ContractStatusView = 'draft' | 'in_review' | 'approved' | 'signed' | 'fulfilled' | 'terminated';

/**
 * What the opportunity's rules need from other aggregates, by id. The engine
 * loads the ids a command names (the customer of `OpenOpportunity`, the reps
 * of `AssignLead` / `OpenOpportunity` / `PlanFollowUp` / `IssueQuote`, the
 * contract of `WinOpportunity` and of the win a `ReopenOpportunity` undoes);
 * the auditor keeps them as of each event's commit position. An absent map
 * means "not judged"; an id missing from a present map is a violation.
 */
export interface OpportunityAggregateRefs extends RepRefs {
  /** Customers by id (R-LEAD-QUALIFY, R-CUST-LOST). */
  readonly customers?: Readonly<
    Record<
      string,
      {
        /** A `CustomerRegistered` exists for this id. */
        readonly registered: boolean;
        /** The customer is currently lost (`CustomerLost` not followed by `CustomerReactivated`). */
        readonly lost: boolean;
      }
    >
  >;
  /** Contracts by id (R-OPP-WON, R-OPP-REOPEN, R-TIME-ORDER). */
  readonly contracts?: Readonly<
    Record<
      string,
      {
        /** The contract's current lifecycle status. */
        readonly status: ContractStatusView;
        /** The opportunity it was drafted from, if any. */
        readonly opportunityId?: string;
        /** Σ quantity × unit price of its current terms, in minor units (at the reactor's time: the signed total). */
        readonly totalMinor: number;
        /** `occurredAt` of its `ContractSigned`, once signed. */
        readonly signedAt?: string;
      }
    >
  >;
}

/** A validated command with the engine's decision context. */
export type OpportunityDecision = OpportunityCommand & { readonly context?: DecisionContext<OpportunityAggregateRefs> };
