import { z } from 'zod';
import { idSchema, instantSchema, moneyMinorSchema, productLineSchema, regionSchema, textSchema } from '../common-schemas.js';
import type { EventUnionOf } from '../domain-event.js';
import { repRoles } from '../domain-terms.js';
import { periodSchema } from '../periods.js';

/** The payload schemas of every SalesRep event (stream `rep-<repId>`), keyed by type. */
export const repEventSchemas = {
  RepHired: z.strictObject({ repId: idSchema, name: textSchema, role: z.enum(repRoles), managerId: idSchema.optional(), regions: z.array(z.string().trim().min(1).max(100)) }),
  RepTerritoryAssigned: z.strictObject({ regions: z.array(regionSchema) }),
  RepRoleChanged: z.strictObject({ role: z.enum(repRoles), reason: textSchema }),
  RepCertified: z.strictObject({ productLine: productLineSchema, validUntil: instantSchema }),
  RepCertificationSuspended: z.strictObject({ productLine: productLineSchema, reason: textSchema }),
  RepCertificationRevoked: z.strictObject({ productLine: productLineSchema, reason: textSchema }),
  RepTrainingCompleted: z.strictObject({ course: textSchema, hours: z.number().positive().max(10_000), score: z.number().min(0).max(100).optional() }),
  SalesTargetSet: z.strictObject({ period: periodSchema, amountMinor: moneyMinorSchema, newCustomers: z.int().min(0).optional(), visits: z.int().min(0).optional() }),
  RepDisciplined: z.strictObject({ level: z.enum(['warning', 'demerit', 'fine', 'demotion', 'dismissal']), reason: textSchema, amountMinor: moneyMinorSchema.optional() }),
  RepRewarded: z.strictObject({ kind: z.enum(['bonus', 'honor']), reason: textSchema, amountMinor: moneyMinorSchema.optional() }),
  SalesReportSubmitted: z.strictObject({ period: periodSchema, summary: textSchema }),
  SalesReportReviewed: z.strictObject({ period: periodSchema, reviewerId: idSchema, feedback: textSchema }),
  RepDepartureRequested: z.strictObject({ effectiveAt: instantSchema }),
  RepDeparted: z.strictObject({}),
} as const;

export type RepEventType = keyof typeof repEventSchemas;
/** A SalesRep event: a discriminated union on `type`. */
export type RepEvent = EventUnionOf<typeof repEventSchemas>;
export type RepEventOf<T extends RepEventType> = Extract<RepEvent, { type: T }>;
