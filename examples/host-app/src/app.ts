import type { SalesEngine } from '@dealbook/engine';
import { systemClock, type Clock, type EventStore } from '@dealbook/eventsourcing';
import { Hono } from 'hono';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { addCommandRoutes, DEFAULT_MAX_BODY_BYTES } from './command-routes.js';
import { jsonResponse, lastPosition } from './http.js';
import { problem, problemFromError, problemResponse } from './problems.js';
import { addQueryRoutes } from './query-routes.js';
import { createReadModels } from './read-models.js';

/** Where a host app reports errors it turned into a 500 (the client sees a generic problem only). */
export type HostLog = (message: string, error: unknown) => void;

/** Writes to standard error: the message and the error with its stack. */
export const consoleLog: HostLog = (message, error) => console.error(`[dealbook host-app] ${message}:`, error);

/** Options of {@link createHostApp}. */
export interface HostAppOptions {
  /** The sales engine commands go to. */
  readonly engine: SalesEngine;
  /** The engine's event store, read by the read models (and holding their checkpoints when it has `checkpoints()`). Default: `engine.store`. */
  readonly store?: EventStore;
  /** The time `GET /healthz` reports. Default: the system clock. */
  readonly clock?: Clock;
  /** Receives every error that became a 500. Default: {@link consoleLog}. */
  readonly log?: HostLog;
  /** Largest `POST /commands` body in bytes. Default 1 MiB. */
  readonly maxBodyBytes?: number;
}

/**
 * The HTTP face of a sales engine, as a Hono app (no listening: serve
 * `app.fetch` with any adapter). Routes: `POST /commands`, `GET /commands`,
 * `GET /aggregates/:category/:id`, `GET /kpi`, `GET /funnel`,
 * `GET /receivables`, `GET /healthz`. Every error is an RFC 9457
 * `application/problem+json` document (see problems.ts); an unknown path is a
 * 404 problem, a known path with another method a 405 with `Allow`.
 */
export function createHostApp(options: HostAppOptions): Hono {
  const { engine } = options;
  const store = options.store ?? engine.store;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? consoleLog;
  const readModels = createReadModels({ store, policy: engine.policies });

  const app = new Hono();
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        problemResponse(
          problem('method-not-allowed', { instance: c.req.path, detail: `${c.req.method} is not allowed on ${c.req.path}; allowed: ${methods.join(', ')}.` }),
          { Allow: methods.join(', ') },
        ),
    }),
  );

  addCommandRoutes(app, engine, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  addQueryRoutes(app, engine, readModels);
  app.get('/healthz', async () => jsonResponse({ ok: true, position: await lastPosition(store), time: clock() }));

  app.notFound((c) =>
    problemResponse(
      problem('not-found', {
        instance: c.req.path,
        detail: `There is no ${c.req.path}. Routes: POST /commands, GET /commands, GET /aggregates/:category/:id, GET /kpi, GET /funnel, GET /receivables, GET /healthz.`,
      }),
    ),
  );
  app.onError((error, c) => {
    const preconditionGiven = c.req.header('If-Match') !== undefined || c.req.header('If-None-Match') !== undefined;
    return problemResponse(problemFromError(error, { instance: c.req.path, preconditionGiven, log }));
  });
  return app;
}
