import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ReadAllOptions } from '@dealbook/eventsourcing';
import { buildFunnel, FUNNEL_PROJECTION_NAME, queryFunnel } from '@dealbook/projections-funnel';
import { buildKpi, buildReceivables, queryKpi, queryReceivables } from '@dealbook/projections-kpi';
import { createSqliteEventStore } from '@dealbook/store-sqlite';
import { createSalesEngine } from '@dealbook/engine';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostApp } from './app.js';
import { afterSale, approvalAndSignature, commandClient, day, request, SALE_TOTAL_MINOR, saleUpToReview, sendAll, startTestHost, type TestHost } from './test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'dealbook-host-read-'));
let host: TestHost;
beforeAll(async () => {
  host = await startTestHost({ dir });
  const client = commandClient(host);
  const submitted = await sendAll(client, saleUpToReview);
  await sendAll(client, approvalAndSignature((submitted.body['state'] as { termsHash: string }).termsHash));
  await sendAll(client, afterSale);
});
afterAll(async () => {
  await host?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string) => request(`${host.url}${path}`);
/** The end of day 11 (before the signature of day 12 was recorded). */
const beforeSigning = '2026-03-11T23:59:59.999Z';

describe('GET /kpi', () => {
  it('now: the signed sale counts; as of before the signature: it does not', async () => {
    const now = await get('/kpi?period=2026-03');
    expect(now.status).toBe(200);
    expect(now.headers.get('content-type')).toBe('application/json');
    const company = (now.body['rows'] as { group: string; signedSalesMinor: number; collectedMinor: number }[])[0]!;
    expect(company).toMatchObject({ group: 'company', signedSalesMinor: SALE_TOTAL_MINOR, collectedMinor: SALE_TOTAL_MINOR });

    const then = await get(`/kpi?period=2026-03&asOf=${beforeSigning}`);
    expect(then.status).toBe(200);
    expect((then.body['rows'] as { signedSalesMinor: number }[])[0]!.signedSalesMinor).toBe(0);
    expect(then.body['at']).toBe(beforeSigning);
  });

  it('equals queryKpi over a fresh build for the same arguments (the runner-kept model = a rebuild), for every grouping and filter', async () => {
    const fresh = await buildKpi(host.store, { policy: host.engine.policies });
    for (const by of ['rep', 'team', 'region', 'company'] as const) {
      for (const period of ['2026', '2026-Q1', '2026-03', '2026-W11']) {
        expect((await get(`/kpi?period=${period}&by=${by}`)).body).toEqual(JSON.parse(JSON.stringify(queryKpi(fresh, { period, by }))));
      }
    }
    expect((await get('/kpi?period=2026-03&by=rep&region=east-china&rep=r-7')).body).toEqual(
      JSON.parse(JSON.stringify(queryKpi(fresh, { period: '2026-03', by: 'rep', where: { region: 'east-china', rep: 'r-7' } }))),
    );
    const asOf = await buildKpi(host.store, { asOf: beforeSigning });
    expect((await get(`/kpi?period=2026-03&by=rep&asOf=${beforeSigning}`)).body).toEqual(JSON.parse(JSON.stringify(queryKpi(asOf, { period: '2026-03', by: 'rep', at: beforeSigning }))));
  });

  it('asOf with an offset is normalised to UTC', async () => {
    const plus8 = await get(`/kpi?period=2026-03&asOf=${encodeURIComponent('2026-03-12T07:59:59.999+08:00')}`);
    expect(plus8.body).toEqual((await get(`/kpi?period=2026-03&asOf=${beforeSigning}`)).body);
  });

  it('400 validation for a bad query: missing period (listing the accepted forms), bad by, unknown or repeated parameters, bad asOf', async () => {
    const missing = await get('/kpi');
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(missing.body['errors']).toEqual([{ path: 'period', message: expect.stringContaining('is required') }]);
    expect((missing.body['errors'] as { message: string }[])[0]!.message).toMatch(/2026-11.*2026-W48/);

    const bad = await get('/kpi?period=2026-13&by=planet&colour=red&asOf=yesterday');
    expect(bad.status).toBe(400);
    expect((bad.body['errors'] as { path: string }[]).map((e) => e.path).sort()).toEqual(['asOf', 'by', 'colour', 'period']);
    expect((await get('/kpi?period=2026&period=2027')).body['errors']).toEqual([{ path: 'period', message: 'is given more than once' }]);
  });
});

describe('GET /funnel and GET /receivables', () => {
  it('funnel now vs as of before the signature, each equal to a fresh build', async () => {
    const now = await get('/funnel?period=2026-03');
    const then = await get(`/funnel?period=2026-03&asOf=${beforeSigning}`);
    const won = (r: typeof now) => (r.body['rows'] as { closing: { won: number } }[])[0]!.closing.won;
    expect(won(now)).toBe(1);
    expect(won(then)).toBe(0);
    expect(now.body).toEqual(JSON.parse(JSON.stringify(queryFunnel(await buildFunnel(host.store), { period: '2026-03' }))));
    expect(then.body).toEqual(JSON.parse(JSON.stringify(queryFunnel(await buildFunnel(host.store, { asOf: beforeSigning }), { period: '2026-03' }))));
    expect((await get('/funnel?by=rep&source=exhibition')).body).toEqual(JSON.parse(JSON.stringify(queryFunnel(await buildFunnel(host.store), { by: 'rep', where: { source: 'exhibition' } }))));
    expect((await get('/funnel?by=galaxy')).status).toBe(400);
  });

  it('receivables: open after the invoice (as of day 27), settled by the payment (now)', async () => {
    const open = await get(`/receivables?asOf=${day(27)}`);
    expect((open.body['rows'] as { openMinor: number }[])[0]!.openMinor).toBe(SALE_TOTAL_MINOR);
    const now = await get('/receivables?by=customer');
    expect(now.body).toEqual(JSON.parse(JSON.stringify(queryReceivables(await buildReceivables(host.store), { by: 'customer' }))));
    expect((await get('/receivables?by=customer')).body['rows']).toEqual([expect.objectContaining({ key: 'c-1', openMinor: 0 })]);
  });

  it('GET /healthz reports the last global position', async () => {
    const health = await get('/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ ok: true, position: await host.store.count() });
  });
});

describe('restart', () => {
  it('reopening the same file, the KPI answer is the same and the runner resumes from its stored checkpoint', async () => {
    const before = await get('/kpi?period=2026-03&by=rep');
    const funnelBefore = await get('/funnel');
    await host.dispose();

    // The checkpoints are in the database file, beside the events.
    const store = createSqliteEventStore({ path: host.dbPath });
    const saved = await store.checkpoints().load('dealbook.kpi');
    expect(saved?.position).toBeGreaterThan(0);
    expect((await store.checkpoints().load(FUNNEL_PROJECTION_NAME))?.position).toBeGreaterThan(0);

    // Record where the host starts reading the log: from the checkpoint, not from 0.
    const reads: ReadAllOptions[] = [];
    const watched = new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'readAll') {
          return (o: ReadAllOptions = {}) => {
            reads.push(o);
            return target.readAll(o);
          };
        }
        const value: unknown = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const engine = createSalesEngine({ store });
    const app = createHostApp({ engine, store: watched });
    const server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const after = await request(`${url}/kpi?period=2026-03&by=rep`);
      expect(after.body).toEqual(before.body);
      const kpiReads = reads.filter((o) => o.filter?.eventTypes?.includes('ContractSigned') === true && o.filter.eventTypes.includes('SalesTargetSet'));
      expect(kpiReads.length).toBeGreaterThan(0);
      expect(kpiReads[0]!.after).toBe(saved!.position);
      expect((await request(`${url}/funnel`)).body).toEqual(funnelBefore.body);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await store.close();
    }
  });
});
