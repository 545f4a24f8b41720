import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PolicyOption } from '@dealbook/core';
import { createSalesEngine, type SalesEngine } from '@dealbook/engine';
import type { Clock } from '@dealbook/eventsourcing';
import { createSqliteEventStore, type SqliteEventStore, type SqliteSynchronous } from '@dealbook/store-sqlite';
import { createAdaptorServer } from '@hono/node-server';
import { createHostApp, type HostLog } from './app.js';

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** TCP port; 0 picks a free one. Default 3000. */
  readonly port?: number;
  /** Interface to listen on. Default `127.0.0.1` (loopback only). */
  readonly hostname?: string;
  /** The SQLite database file (created when absent). */
  readonly dbPath: string;
  /** The engine's and the store's clock. Default: the system clock. */
  readonly clock?: Clock;
  /** The company policy. Default: DOMAIN.md's defaults. */
  readonly policy?: PolicyOption;
  /** Receives errors that became a 500. Default: standard error. */
  readonly log?: HostLog;
  /** SQLite `synchronous`. Default `'FULL'` (every command survives a power loss). */
  readonly synchronous?: SqliteSynchronous;
}

/** A listening host app and what it owns. */
export interface RunningServer {
  /** `http://<host>:<port>`, without a trailing slash. */
  readonly url: string;
  readonly store: SqliteEventStore;
  readonly engine: SalesEngine;
  /**
   * Stops accepting connections, lets the requests in flight finish, then
   * closes the store (nothing is left half-written). Safe to call twice.
   */
  close(): Promise<void>;
}

/** Listens, resolving once the socket is bound (rejecting on e.g. `EADDRINUSE`). */
function listen(server: Server, port: number, hostname: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Opens the SQLite store at `dbPath`, creates the engine on it and serves the
 * host app with `@hono/node-server`. Tests, the demo and `main.ts` all start
 * the service this way.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const port = options.port ?? 3000;
  const hostname = options.hostname ?? '127.0.0.1';
  const store = createSqliteEventStore({
    path: options.dbPath,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.synchronous === undefined ? {} : { synchronous: options.synchronous }),
  });
  const engine = createSalesEngine({
    store,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.policy === undefined ? {} : { policy: options.policy }),
  });
  const app = createHostApp({
    engine,
    store,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  try {
    await listen(server, port, hostname);
  } catch (error) {
    await store.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    const stopped = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    // Keep-alive connections that go idle once their request is answered are closed too.
    const sweep = setInterval(() => server.closeIdleConnections(), 20);
    server.closeIdleConnections();
    try {
      await stopped;
    } finally {
      clearInterval(sweep);
      await store.close();
    }
  };
  return {
    url: `http://${host}:${address.port}`,
    store,
    engine,
    close: () => (closing ??= close()),
  };
}
