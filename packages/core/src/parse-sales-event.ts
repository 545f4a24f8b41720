import { formatPath, isWellFormedEnvelope, parseEventEnvelope, ValidationError, type EventEnvelope } from '@dealbook/eventsourcing';
import { compile, validate, type z } from 'zod';
import { salesEventCategory, salesEventSchemas, type SalesEventEnvelope, type SalesEventType } from './catalogue.js';

/** What checking one event type needs, looked up once per event. */
interface TypeCheck {
  /** `<category>-`: the start of the type's stream ids. */
  readonly streamPrefix: string;
  /** zod's compiled schema (same verdicts, generated code), made on first use; `validate` runs its assert-only validator. */
  compiled: z.ZodType | undefined;
  /** The runtime schema: run on a failure only, to name the bad fields. */
  readonly schema: z.ZodType;
}

const checks = new Map<string, TypeCheck>(
  (Object.keys(salesEventSchemas) as SalesEventType[]).map((type) => [
    type,
    { streamPrefix: `${salesEventCategory[type]}-`, compiled: undefined, schema: salesEventSchemas[type] as unknown as z.ZodType },
  ]),
);

/**
 * Does `data` pass the payload schema of the catalogue's event type `type`?
 * zod's compiled validator, made once per type and run assert-only (no parsed
 * copy is built): the verdict of `salesEventSchemas[type].safeParse(data)`.
 */
export function isValidSalesPayload(type: SalesEventType, data: unknown): boolean {
  const check = checks.get(type);
  if (check === undefined) throw new TypeError(`isValidSalesPayload: "${String(type)}" is not an event type of the dealbook catalogue`);
  return passes(check, data);
}
const passes = (check: TypeCheck, data: unknown): boolean => validate((check.compiled ??= compile(check.schema)), data);

const what = (event: EventEnvelope) => `${event.type} event ${event.streamId} v${event.streamVersion}`;

/**
 * Checks a stored event read from outside (a JSONL line, another system's
 * export) against the kernel's envelope schema and its type's payload schema
 * from the catalogue, and returns it typed. The envelope check is the
 * kernel's fast one and payloads are checked by zod's compiled validators
 * (no parsed copy is built), so validating a whole history costs little
 * beside `JSON.parse`.
 *
 * Throws the kernel's `ValidationError` naming each bad field (`streamVersion`,
 * `data.lines[0].quantity`), an event type outside the catalogue (`type`), a
 * type in the wrong kind of stream (`streamId`), or a schema version other
 * than 1 (`schemaVersion`: run older events through your upcasters first).
 *
 * @example for (const line of lines) fold(parseSalesEvent(JSON.parse(line)));
 */
export function parseSalesEvent(value: unknown): SalesEventEnvelope {
  const event = isWellFormedEnvelope(value) ? value : parseEventEnvelope(value, 'Sales event');
  const check = checks.get(event.type);
  if (check === undefined) throw new ValidationError(what(event), [{ path: 'type', message: `"${event.type}" is not an event type of the dealbook catalogue` }]);
  if (event.schemaVersion !== 1) throw new ValidationError(what(event), [{ path: 'schemaVersion', message: `version ${event.schemaVersion} is unknown here (the catalogue is version 1): upcast it first` }]);
  const { streamPrefix } = check;
  if (!event.streamId.startsWith(streamPrefix) || event.streamId.length === streamPrefix.length) {
    throw new ValidationError(what(event), [{ path: 'streamId', message: `a ${event.type} event belongs in a "${streamPrefix}<id>" stream` }]);
  }
  if (!passes(check, event.data)) {
    const issues = check.schema.safeParse(event.data).error?.issues ?? [];
    throw new ValidationError(what(event), issues.map((i) => ({ path: i.path.length > 0 ? `data.${formatPath(i.path)}` : 'data', message: i.message })));
  }
  return event as SalesEventEnvelope;
}
