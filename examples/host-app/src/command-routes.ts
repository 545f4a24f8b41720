import { idSchema } from '@dealbook/core';
import type { AggregateCategory, ExecuteResult, SalesEngine } from '@dealbook/engine';
import { formatPath, isoTimestampSchema, ValidationError } from '@dealbook/eventsourcing';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { jsonResponse, mediaTypeOf } from './http.js';
import { formatEtag, parseCommandPreconditions } from './preconditions.js';
import { problem, problemResponse } from './problems.js';
import { z } from 'zod';

/** Default largest `POST /commands` body: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The envelope every command carries, checked at the HTTP edge. Other fields
 * pass through untouched: the engine validates each command against its own
 * strict schema and names every bad field.
 */
export const commandEnvelopeSchema = z.looseObject(
  {
    type: z.string({ error: (i) => (i.input === undefined ? 'is required: the command type, e.g. "HireRep" (GET /commands lists them)' : 'must be a string') }).min(1, 'must not be empty'),
    commandId: idSchema,
    actorId: idSchema,
    occurredAt: isoTimestampSchema,
  },
  { error: 'must be a JSON object: one command' },
);

/** The body of a successful `POST /commands`. */
export interface CommandResponseBody {
  readonly streamId: string;
  /** The stream's version now (for a duplicate too, whose `events` are those recorded the first time). */
  readonly version: number;
  readonly duplicate: boolean;
  /** The recorded envelopes (`EventEnvelope`). */
  readonly events: readonly unknown[];
  readonly state: unknown;
  /** Streams the engine wrote to in reaction (an opportunity won when its contract is signed). */
  readonly reactions: readonly { readonly streamId: string; readonly version: number }[];
}

/** `category-id` → `[category, id]` (the category is what comes before the first `-`). */
export function splitStreamId(streamId: string): readonly [AggregateCategory, string] {
  const dash = streamId.indexOf('-');
  return [streamId.slice(0, dash) as AggregateCategory, streamId.slice(dash + 1)];
}

/** The path of an aggregate's resource: `/aggregates/<category>/<id>`. */
export const aggregatePath = (category: string, id: string): string => `/aggregates/${category}/${encodeURIComponent(id)}`;

/**
 * Adds `POST /commands` (one command, JSON, at most `maxBodyBytes`;
 * `If-Match` / `If-None-Match: *` as the expected version) and
 * `GET /commands` (the command types) to an app. Errors are thrown for the
 * app's error handler to turn into problems, except the body's own (415,
 * 413, malformed JSON), answered here.
 */
export function addCommandRoutes(app: Hono, engine: SalesEngine, maxBodyBytes: number): void {
  app.get('/commands', () => jsonResponse({ commandTypes: engine.commandTypes }));

  app.post(
    '/commands',
    async (c, next) => {
      if (mediaTypeOf(c.req.header('Content-Type')) === 'application/json') return next();
      const sent = c.req.header('Content-Type');
      return problemResponse(
        problem('unsupported-media-type', {
          instance: c.req.path,
          detail: `POST /commands takes one command as application/json; the request's Content-Type was ${sent === undefined ? 'missing' : JSON.stringify(sent.slice(0, 100))}.`,
        }),
        // The body was not read: the connection cannot carry another request.
        { 'Accept-Post': 'application/json', Connection: 'close' },
      );
    },
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) =>
        problemResponse(problem('payload-too-large', { instance: c.req.path, detail: `A command body may be at most ${maxBodyBytes} bytes.`, extensions: { maxBytes: maxBodyBytes } }), {
          Connection: 'close', // the rest of the body was not read
        }),
    }),
    async (c) => {
      const expectedVersion = parseCommandPreconditions({ ifMatch: c.req.header('If-Match'), ifNoneMatch: c.req.header('If-None-Match') });
      const text = await c.req.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (error) {
        const why = error instanceof SyntaxError ? error.message : 'it cannot be parsed';
        return problemResponse(problem('malformed-json', { instance: c.req.path, detail: `The body is not valid JSON (${why}). Send one command as a JSON object.` }));
      }
      const envelope = commandEnvelopeSchema.safeParse(body);
      if (!envelope.success) {
        throw new ValidationError('Command', envelope.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
      }
      const result = await engine.execute(body, expectedVersion === undefined ? {} : { expectedVersion });
      return commandResponse(engine, result);
    },
  );
}

/** 201 with `Location` when the command created its aggregate, else 200; `ETag` of the stream version. */
async function commandResponse(engine: SalesEngine, result: ExecuteResult): Promise<Response> {
  const [category, id] = splitStreamId(result.streamId);
  // A duplicate's `version` is that of its first outcome; the state is today's, so the version must be too.
  const version = result.duplicate ? (await engine.load(category, id)).version : result.version;
  const created = !result.duplicate && result.events[0]?.event.streamVersion === 0;
  const body: CommandResponseBody = {
    streamId: result.streamId,
    version,
    duplicate: result.duplicate,
    events: result.events.map((r) => r.event),
    state: result.state,
    reactions: result.reactions.map((r) => ({ streamId: r.streamId, version: r.version })),
  };
  const headers: Record<string, string> = {};
  if (version >= 0) headers['ETag'] = formatEtag(version);
  if (created) headers['Location'] = aggregatePath(category, id);
  return jsonResponse(body, created ? 201 : 200, headers);
}
