import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock } from '@dealbook/eventsourcing';
import { createSqliteEventStore } from '@dealbook/store-sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './server.js';
import { day, request } from './test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'dealbook-host-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hire = (repId: string) =>
  JSON.stringify({ type: 'HireRep', commandId: `hire-${repId}`, actorId: 'ops', occurredAt: day(2), repId, name: 'A', role: 'manager', regions: ['east-china'] });

describe('startServer', () => {
  it('close() while a command is being handled: the command completes and is stored, then the server stops and the store closes', async () => {
    const dbPath = join(dir, 'close.db');
    const base = manualClock(day(2));
    const started: { server?: RunningServer } = {};
    let closing: Promise<void> | undefined;
    // The engine reads the clock in the middle of handling the command: that is when the shutdown starts.
    const clock = () => {
      if (closing === undefined && started.server !== undefined) closing = started.server.close();
      return base.now();
    };
    const running = await startServer({ port: 0, dbPath, clock });
    started.server = running;
    const url = running.url;

    const response = await request(`${url}/commands`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: hire('r-1') });
    expect(closing).toBeDefined();
    expect(response.status).toBe(201);
    await closing;
    await expect(running.store.count()).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();

    const reopened = createSqliteEventStore({ path: dbPath });
    try {
      expect((await reopened.readStream('rep-r-1')).map((r) => r.event.type)).toEqual(['RepHired']);
    } finally {
      await reopened.close();
    }
  });

  it('refuses a port in use (and leaves nothing open); listens on the given host and port', async () => {
    const first = await startServer({ port: 0, dbPath: join(dir, 'a.db') });
    try {
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const port = Number(new URL(first.url).port);
      await expect(startServer({ port, dbPath: join(dir, 'b.db') })).rejects.toMatchObject({ code: 'EADDRINUSE' });
      expect((await request(`${first.url}/healthz`)).body).toMatchObject({ ok: true, position: 0 });
    } finally {
      await first.close();
      await first.close(); // twice is fine
    }
  });
});
