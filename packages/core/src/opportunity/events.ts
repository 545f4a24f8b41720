import { z } from 'zod';
import { idSchema, instantSchema, isoDateSchema, moneyMinorSchema, productLineSchema, quantitySchema, regionSchema, textSchema } from '../common-schemas.js';
import type { EventUnionOf } from '../domain-event.js';

/**
 * Where a lead comes from (DOMAIN.md "Opportunity"): 行業展會, 網絡營銷, 電話營銷,
 * 社交媒體, 客戶推薦, 合作伙伴, 市場調研 [004 線索管理]. Funnel cuts and the
 * partner commission source read it.
 */
export const leadSources = ['exhibition', 'web', 'phone', 'social', 'referral', 'partner', 'research'] as const;
export type LeadSource = (typeof leadSources)[number];

/** A qualified lead's follow-up priority ("確定線索的質量和跟進優先級" [004]). */
export const leadPriorities = ['high', 'medium', 'low'] as const;
export type LeadPriority = (typeof leadPriorities)[number];

/**
 * The stages of an open opportunity, in order: 客户开发、需求分析、方案制定、报价、谈判
 * [002 销售部管理制度(三篇) 第十四条]; 签约 is `won`, not a stage.
 */
export const opportunityStages = ['prospecting', 'needs_analysis', 'proposal', 'quotation', 'negotiation'] as const;
export type OpportunityStage = (typeof opportunityStages)[number];

/** Position of a stage in the funnel (0 = prospecting). */
export const opportunityStageIndex = (stage: OpportunityStage): number => opportunityStages.indexOf(stage);

/** A prospect that is not (yet) a registered customer. */
export const prospectSchema = z.strictObject({
  name: textSchema,
  contact: textSchema.optional(),
  region: regionSchema.optional(),
});

/** A quote line: product line (and spec), quantity and unit price in minor units. */
export const quoteLineSchema = z.strictObject({
  productLine: productLineSchema,
  spec: textSchema.optional(),
  quantity: quantitySchema,
  unitPriceMinor: moneyMinorSchema,
});
export type QuoteLine = z.output<typeof quoteLineSchema>;

/** A step of a follow-up plan: what, by when, by whom ("明確跟進步驟、時間節點和責任人" [004]). */
export const followUpStepSchema = z.strictObject({ action: textSchema, dueAt: instantSchema, ownerId: idSchema });

/** A probability of closing, 0–1 (a ratio, not money, so a float). */
export const probabilitySchema = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');

/** A lead names a registered customer, a prospect, or both. */
export const leadNamesSomeone = (lead: { readonly customerId?: string | undefined; readonly prospect?: unknown }) => lead.customerId !== undefined || lead.prospect !== undefined;
export const leadNamesSomeoneIssue = { message: 'a lead needs a customerId or a prospect', path: ['prospect'] };

/** The payload schemas of every Opportunity event (stream `opportunity-<opportunityId>`), keyed by type. */
export const opportunityEventSchemas = {
  LeadCaptured: z
    .strictObject({ opportunityId: idSchema, source: z.enum(leadSources), customerId: idSchema.optional(), prospect: prospectSchema.optional(), capturedBy: idSchema })
    .refine(leadNamesSomeone, leadNamesSomeoneIssue),
  LeadQualified: z.strictObject({ score: z.number().min(0).max(100), priority: z.enum(leadPriorities) }),
  LeadDisqualified: z.strictObject({ reason: textSchema }),
  LeadAssigned: z.strictObject({ repId: idSchema }),
  LeadFollowedUp: z.strictObject({ note: textSchema }),
  OpportunityOpened: z.strictObject({
    customerId: idSchema,
    repId: idSchema,
    productLines: z.array(productLineSchema).min(1),
    estimatedValueMinor: moneyMinorSchema,
    probability: probabilitySchema,
    expectedCloseDate: isoDateSchema,
  }),
  OpportunityEvaluated: z.strictObject({ estimatedValueMinor: moneyMinorSchema, probability: probabilitySchema, expectedCloseDate: isoDateSchema.optional() }),
  FollowUpPlanned: z.strictObject({ steps: z.array(followUpStepSchema).min(1) }),
  OpportunityStageChanged: z.strictObject({ from: z.enum(opportunityStages), to: z.enum(opportunityStages), reason: textSchema.optional() }),
  QuoteIssued: z.strictObject({ quoteId: idSchema, lines: z.array(quoteLineSchema).min(1), totalMinor: moneyMinorSchema, validUntil: instantSchema }),
  OpportunityWon: z.strictObject({ contractId: idSchema, valueMinor: moneyMinorSchema }),
  OpportunityLost: z.strictObject({ reason: textSchema, competitor: textSchema.optional() }),
  /** `stage`: the open stage it reopens at, the last one before closing (added to the catalogue for projections). */
  OpportunityReopened: z.strictObject({ reason: textSchema, stage: z.enum(opportunityStages) }),
} as const;

export type OpportunityEventType = keyof typeof opportunityEventSchemas;
/** An Opportunity event: a discriminated union on `type`. */
export type OpportunityEvent = EventUnionOf<typeof opportunityEventSchemas>;
export type OpportunityEventOf<T extends OpportunityEventType> = Extract<OpportunityEvent, { type: T }>;

/** Σ quantity × unit price of quote lines, in minor units (may exceed the safe range: the rule checks). */
export const quoteTotalMinor = (lines: readonly QuoteLine[]): number => lines.reduce((sum, l) => sum + l.quantity * l.unitPriceMinor, 0);
