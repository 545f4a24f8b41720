import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSalesEngine } from '@dealbook/engine';
import { manualClock } from '@dealbook/eventsourcing';
import { buildFunnel, queryFunnel } from '@dealbook/projections-funnel';
import { buildKpi, queryKpi } from '@dealbook/projections-kpi';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostApp } from './app.js';
import { commandClient, day, request } from './test-support.js';

// The app over the in-memory store (the other tests use SQLite files): the wiring does not depend on the store.
const clock = manualClock('2026-03-01T00:00:00.000Z');
const engine = createSalesEngine({ clock: clock.now });
const app = createHostApp({ engine, clock: clock.now });
let server: Server;
let url: string;
beforeAll(async () => {
  server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('routing', () => {
  it('an unknown route is a 404 problem naming the routes', async () => {
    const result = await request(`${url}/deals/1`);
    expect(result.status).toBe(404);
    expect(result.headers.get('content-type')).toBe('application/problem+json');
    expect(result.body).toMatchObject({ type: 'https://dealbook.dev/problems/not-found', instance: '/deals/1', code: 'NOT_FOUND' });
    expect(result.body['detail']).toContain('POST /commands');
  });

  it('a known path with another method is a 405 problem with Allow', async () => {
    const del = await request(`${url}/commands`, { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.headers.get('content-type')).toBe('application/problem+json');
    expect(del.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'POST']);
    expect(del.body).toMatchObject({ type: 'https://dealbook.dev/problems/method-not-allowed', code: 'METHOD_NOT_ALLOWED' });
    const put = await request(`${url}/aggregates/rep/r-1`, { method: 'PUT', body: '{}' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD']);
  });

  it('GET /healthz: ok, the last global position and the clock', async () => {
    expect((await request(`${url}/healthz`)).body).toEqual({ ok: true, position: 0, time: '2026-03-01T00:00:00.000Z' });
    const client = commandClient({ url, clock });
    await client.send(day(2), { type: 'HireRep', repId: 'm-1', name: 'M', role: 'manager', regions: ['east-china'] });
    await client.send(day(2), { type: 'RecordTraining', repId: 'm-1', course: 'x', hours: 1, score: 1 });
    expect((await request(`${url}/healthz`)).body).toEqual({ ok: true, position: 2, time: day(2) });
  });

  it('GET /aggregates honours If-None-Match: 304 with the ETag when it matches (weakly, in a list, or *), 200 otherwise', async () => {
    const path = `${url}/aggregates/rep/m-1`;
    const first = await request(path);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toBe('"1"');
    for (const value of [etag, `W/${etag}`, `"0", ${etag}`, '*']) {
      const response = await fetch(path, { headers: { 'If-None-Match': value } });
      expect(response.status).toBe(304);
      expect(response.headers.get('etag')).toBe(etag);
      expect(await response.text()).toBe('');
    }
    expect((await request(path, { headers: { 'If-None-Match': '"0"' } })).status).toBe(200);
  });

  it('works on the in-memory store: read models without store checkpoints use in-memory ones', async () => {
    const client = commandClient({ url, clock }, 'mem');
    await client.send(day(3), { type: 'RegisterCustomer', customerId: 'c-1', customerNumber: 'K-1', name: 'C', region: 'east-china' });
    await client.send(day(3), { type: 'AssignCustomer', customerId: 'c-1', repId: 'm-1', reason: 'initial' });
    const kpi = await request(`${url}/kpi?period=2026-03&by=rep`);
    expect(kpi.status).toBe(200);
    expect(kpi.body).toEqual(JSON.parse(JSON.stringify(queryKpi(await buildKpi(engine.store), { period: '2026-03', by: 'rep' }))));
    expect((kpi.body['rows'] as { group: string; customersRegistered: number }[]).find((r) => r.group === 'm-1')?.customersRegistered).toBe(1);
    const funnel = await request(`${url}/funnel`);
    expect(funnel.status).toBe(200);
    expect(funnel.body).toEqual(JSON.parse(JSON.stringify(queryFunnel(await buildFunnel(engine.store)))));
  });
});
