import { isPeriodKey, leadSources } from '@dealbook/core';
import { formatPath, ValidationError, type ValidationIssue } from '@dealbook/eventsourcing';
import { funnelCuts } from '@dealbook/projections-funnel';
import { z } from 'zod';

/** The accepted period keys, as said in error messages. */
export const PERIOD_FORMS = '2026 (year), 2026-Q4 (quarter), 2026-11 (month) or 2026-W48 (ISO week)';

const required = (what: string) => (issue: { readonly input?: unknown }) => (issue.input === undefined ? `is required: ${what}` : `must be ${what}`);

const period = z.string({ error: required(`a period: ${PERIOD_FORMS}`) }).refine(isPeriodKey, `must be a period: ${PERIOD_FORMS}`);
const monthKey = z.string().refine((v) => isPeriodKey(v) && /^\d{4}-\d{2}$/.test(v), 'must be a month key like 2026-11');
const name = z.string().min(1, 'must not be empty').max(200, 'is longer than 200 characters');

/**
 * `asOf`: an ISO-8601 date-time with `Z` or an offset (`2026-03-10T00:00:00Z`,
 * `2026-03-10T08:00:00+08:00`), normalised to UTC with milliseconds.
 */
const asOf = z.iso
  .datetime({ offset: true, error: 'must be an ISO-8601 date-time with Z or an offset, e.g. 2026-03-10T00:00:00.000Z' })
  .transform((v) => new Date(v).toISOString());

/** Query string of `GET /kpi`: `period` (required), `by` (default `company`), `asOf`, filters `rep`, `team`, `region`. */
export const kpiQuerySchema = z.object({
  period,
  by: z.enum(['rep', 'team', 'region', 'company'], { error: 'must be rep, team, region or company' }).default('company'),
  asOf: asOf.optional(),
  rep: name.optional(),
  team: name.optional(),
  region: name.optional(),
});

/** Query string of `GET /funnel`: `by` (default `company`), `period` (closing figures), `asOf`, filters `rep`, `region`, `source`, `cohort`. */
export const funnelQuerySchema = z.object({
  by: z.enum(funnelCuts, { error: `must be ${funnelCuts.join(', ')}` }).default('company'),
  period: period.optional(),
  asOf: asOf.optional(),
  rep: name.optional(),
  region: name.optional(),
  source: z.enum([...leadSources, 'direct'], { error: `must be ${[...leadSources, 'direct'].join(', ')}` }).optional(),
  cohort: monthKey.optional(),
});

/** Query string of `GET /receivables`: `by` (default `company`), `asOf`, filters `customer`, `rep`. */
export const receivablesQuerySchema = z.object({
  by: z.enum(['customer', 'rep', 'company'], { error: 'must be customer, rep or company' }).default('company'),
  asOf: asOf.optional(),
  customer: name.optional(),
  rep: name.optional(),
});

/**
 * Validates a query string (`c.req.queries()`, every value of every key)
 * against an object schema. Throws `ValidationError` naming each bad
 * parameter: a key the route does not know, a key given twice, a bad value.
 */
export function parseQuery<S extends z.ZodObject>(route: string, schema: S, queries: Readonly<Record<string, readonly string[]>>): z.output<S> {
  const known = Object.keys(schema.shape);
  const issues: ValidationIssue[] = [];
  const single: Record<string, string> = {};
  for (const [key, values] of Object.entries(queries)) {
    if (!known.includes(key)) issues.push({ path: key, message: `is not a query parameter of ${route} (${known.join(', ')})` });
    else if (values.length > 1) issues.push({ path: key, message: 'is given more than once' });
    else if (values[0] !== undefined) single[key] = values[0];
  }
  const parsed = schema.safeParse(single);
  // A repeated key was left out of `single`: say so once, not also "is required".
  const reported = new Set(issues.map((i) => i.path));
  if (!parsed.success) for (const i of parsed.error.issues) if (!reported.has(String(i.path[0]))) issues.push({ path: formatPath(i.path), message: i.message });
  if (issues.length > 0 || !parsed.success) throw new ValidationError(`The query of ${route}`, issues);
  return parsed.data;
}
