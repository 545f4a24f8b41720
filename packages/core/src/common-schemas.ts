import { isoTimestampSchema } from '@dealbook/eventsourcing';
import { z } from 'zod';

/** Zod building blocks shared by every command and event schema of the domain. */

/** The form of an id: 1–200 characters without white space. */
const ID_PATTERN = /^\S{1,200}$/;

/** An id: 1–200 characters without white space (`rep-7`, a UUID, a customer number). */
export const idSchema = z.string().regex(ID_PATTERN, 'must be 1–200 characters without white space');

/** What `idSchema` accepts, as a plain predicate (no zod call: for read models checking ids on every event). */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/** An amount of money in integer minor units (fen, cents): a safe integer ≥ 0. */
export const moneyMinorSchema = z.int('must be a whole number of minor units').min(0, 'must be ≥ 0');

/** A count of things (units delivered, visits): an integer ≥ 1. */
export const quantitySchema = z.int('must be a whole number').min(1, 'must be at least 1');

/** A calendar date `YYYY-MM-DD` (a local date in the company time zone). */
export const isoDateSchema = z.iso.date();

/** An instant: ISO-8601 UTC with milliseconds. */
export const instantSchema = isoTimestampSchema;

/** Human text that must say something: trimmed, 1–4000 characters. */
export const textSchema = z.string().trim().min(1, 'must not be empty').max(4000, 'is longer than 4000 characters');

/** A sales region / territory name. */
export const regionSchema = z.string().trim().min(1, 'must not be empty').max(100);

/** A product line (`power-cable`); regulated ones need a certified rep to sign. */
export const productLineSchema = z.string().trim().min(1, 'must not be empty').max(100);

/** The envelope fields of every command (see the kernel's `CommandEnvelope`). */
export const commandMetaShape = {
  commandId: idSchema,
  actorId: idSchema,
  occurredAt: instantSchema,
  correlationId: idSchema.optional(),
  causationId: idSchema.optional(),
};

/** A strict command schema: its literal `type`, the envelope fields and its own. Unknown keys are errors. */
export function commandSchema<const T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.strictObject({ type: z.literal(type), ...commandMetaShape, ...shape });
}
