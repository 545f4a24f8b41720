import type { CommandUnionOf } from '../domain-event.js';
import { z } from 'zod';
import { commandSchema, idSchema, instantSchema, moneyMinorSchema, productLineSchema, regionSchema, textSchema } from '../common-schemas.js';
import { repRoles } from '../domain-terms.js';
import { periodSchema } from '../periods.js';
import type { DecisionContext } from '../rules.js';

/** The command schemas of SalesRep, keyed by type. Every command also carries commandId, actorId and occurredAt. */
export const repCommandSchemas = {
  HireRep: commandSchema('HireRep', { repId: idSchema, name: textSchema, role: z.enum(repRoles), managerId: idSchema.optional(), regions: z.array(regionSchema).default([]) }),
  AssignTerritory: commandSchema('AssignTerritory', { repId: idSchema, regions: z.array(regionSchema) }),
  ChangeRole: commandSchema('ChangeRole', { repId: idSchema, role: z.enum(repRoles), reason: textSchema }),
  CertifyRep: commandSchema('CertifyRep', { repId: idSchema, productLine: productLineSchema, validUntil: instantSchema }),
  SuspendCertification: commandSchema('SuspendCertification', { repId: idSchema, productLine: productLineSchema, reason: textSchema }),
  RevokeCertification: commandSchema('RevokeCertification', { repId: idSchema, productLine: productLineSchema, reason: textSchema }),
  RecordTraining: commandSchema('RecordTraining', { repId: idSchema, course: textSchema, hours: z.number().positive().max(10_000), score: z.number().min(0).max(100).optional() }),
  SetSalesTarget: commandSchema('SetSalesTarget', { repId: idSchema, period: periodSchema, amountMinor: moneyMinorSchema, newCustomers: z.int().min(0).optional(), visits: z.int().min(0).optional() }),
  DisciplineRep: commandSchema('DisciplineRep', { repId: idSchema, level: z.enum(['warning', 'demerit', 'fine', 'demotion', 'dismissal']), reason: textSchema, amountMinor: moneyMinorSchema.optional() }),
  RewardRep: commandSchema('RewardRep', { repId: idSchema, kind: z.enum(['bonus', 'honor']), reason: textSchema, amountMinor: moneyMinorSchema.optional() }),
  SubmitSalesReport: commandSchema('SubmitSalesReport', { repId: idSchema, period: periodSchema, summary: textSchema }),
  ReviewSalesReport: commandSchema('ReviewSalesReport', { repId: idSchema, period: periodSchema, reviewerId: idSchema, feedback: textSchema }),
  RequestDeparture: commandSchema('RequestDeparture', { repId: idSchema, effectiveAt: instantSchema }),
  MarkRepDeparted: commandSchema('MarkRepDeparted', { repId: idSchema }),
} as const;

export type RepCommandType = keyof typeof repCommandSchemas;
/** A SalesRep command as a host sends it (input of its schema). */
export type RepCommandInput = CommandUnionOf<typeof repCommandSchemas, 'input'>;
/** A validated SalesRep command: a discriminated union on `type`. */
export type RepCommand = CommandUnionOf<typeof repCommandSchemas>;

/** What the rep's rules need from other aggregates (the engine keeps a workload index). */
export interface RepAggregateRefs {
  /** Customers, leads and open opportunities still assigned to the rep (R-REP-HANDOVER). */
  readonly workload?: { readonly customers: readonly string[]; readonly leads: readonly string[]; readonly openOpportunities: readonly string[] };
}

/** A validated command with the engine's decision context. */
export type RepDecision = RepCommand & { readonly context?: DecisionContext<RepAggregateRefs> };
