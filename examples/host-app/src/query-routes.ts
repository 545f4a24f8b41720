import { idSchema } from '@dealbook/core';
import type { AggregateCategory, SalesEngine } from '@dealbook/engine';
import { ValidationError, type ValidationIssue } from '@dealbook/eventsourcing';
import type { Hono } from 'hono';
import { jsonResponse } from './http.js';
import { formatEtag, ifNoneMatchMatches } from './preconditions.js';
import { problem, problemResponse } from './problems.js';
import { funnelQuerySchema, kpiQuerySchema, parseQuery, receivablesQuerySchema } from './queries.js';
import type { ReadModels } from './read-models.js';

/** The aggregate categories `GET /aggregates/:category/:id` serves. */
export const aggregateCategories: readonly AggregateCategory[] = ['rep', 'customer', 'opportunity', 'contract'];

/** Only the filters that were given (exactOptionalPropertyTypes: absent, never `undefined`). */
function given<T extends Record<string, unknown>>(values: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) if (value !== undefined) out[key] = value;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/**
 * Adds the read-side routes: `GET /aggregates/:category/:id` (state with
 * `ETag`, 304 on a matching `If-None-Match`), `GET /kpi`, `GET /funnel` and
 * `GET /receivables` (now, or `asOf` an instant).
 */
export function addQueryRoutes(app: Hono, engine: SalesEngine, readModels: ReadModels): void {
  app.get('/aggregates/:category/:id', async (c) => {
    const category = c.req.param('category');
    const id = c.req.param('id');
    const issues: ValidationIssue[] = [];
    if (!(aggregateCategories as readonly string[]).includes(category)) issues.push({ path: 'category', message: `must be one of ${aggregateCategories.join(', ')}` });
    const idCheck = idSchema.safeParse(id);
    if (!idCheck.success) issues.push({ path: 'id', message: idCheck.error.issues[0]?.message ?? 'is not an id' });
    if (issues.length > 0) throw new ValidationError(`The aggregate path ${c.req.path}`, issues);

    const { state, version } = await engine.load(category as AggregateCategory, id);
    if (version < 0) {
      return problemResponse(problem('not-found', { instance: c.req.path, detail: `Nothing is recorded for ${category} ${JSON.stringify(id)} (stream ${category}-${id}).` }));
    }
    const etag = formatEtag(version);
    const ifNoneMatch = c.req.header('If-None-Match');
    if (ifNoneMatch !== undefined && ifNoneMatchMatches(ifNoneMatch, version)) return new Response(null, { status: 304, headers: { ETag: etag } });
    return jsonResponse({ category, id, version, state }, 200, { ETag: etag });
  });

  app.get('/kpi', async (c) => {
    const q = parseQuery('GET /kpi', kpiQuerySchema, c.req.queries());
    const where = given({ rep: q.rep, team: q.team, region: q.region });
    const query = { period: q.period, by: q.by, ...(Object.keys(where).length > 0 ? { where } : {}) };
    return jsonResponse(await readModels.kpi(query, q.asOf));
  });

  app.get('/funnel', async (c) => {
    const q = parseQuery('GET /funnel', funnelQuerySchema, c.req.queries());
    const where = given({ rep: q.rep, region: q.region, source: q.source, cohort: q.cohort });
    const query = { by: q.by, ...(q.period === undefined ? {} : { period: q.period }), ...(Object.keys(where).length > 0 ? { where } : {}) };
    return jsonResponse(await readModels.funnel(query, q.asOf));
  });

  app.get('/receivables', async (c) => {
    const q = parseQuery('GET /receivables', receivablesQuerySchema, c.req.queries());
    const where = given({ customer: q.customer, rep: q.rep });
    const query = { by: q.by, ...(Object.keys(where).length > 0 ? { where } : {}) };
    return jsonResponse(await readModels.receivables(query, q.asOf));
  });
}
