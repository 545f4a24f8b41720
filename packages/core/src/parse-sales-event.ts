import { formatPath, isWellFormedEnvelope, parseEventEnvelope, ValidationError } from '@dealbook/eventsourcing';
import { compile, type z } from 'zod';
import { isSalesEventType, salesEventCategory, salesEventSchemas, type SalesEventEnvelope, type SalesEventType } from './catalogue.js';

type PayloadSchema = (typeof salesEventSchemas)[SalesEventType];
// zod's compiled fast path (same verdicts, generated code), made on first use of each type;
// the runtime parser runs only on a failure, to name the bad fields.
const compiled = new Map<SalesEventType, PayloadSchema>();
const fastSchema = (type: SalesEventType): PayloadSchema => {
  let schema = compiled.get(type);
  if (schema === undefined) compiled.set(type, (schema = compile(salesEventSchemas[type] as unknown as z.ZodType) as unknown as PayloadSchema));
  return schema;
};

/**
 * Checks a stored event read from outside (a JSONL line, another system's
 * export) against the kernel's envelope schema and its type's payload schema
 * from the catalogue, and returns it typed. The envelope check is the
 * kernel's fast one and payloads use zod's compiled parsers, so validating a
 * whole history costs little beside `JSON.parse`.
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
  const what = `${event.type} event ${event.streamId} v${event.streamVersion}`;
  if (!isSalesEventType(event.type)) throw new ValidationError(what, [{ path: 'type', message: `"${event.type}" is not an event type of the dealbook catalogue` }]);
  if (event.schemaVersion !== 1) throw new ValidationError(what, [{ path: 'schemaVersion', message: `version ${event.schemaVersion} is unknown here (the catalogue is version 1): upcast it first` }]);
  const category = salesEventCategory[event.type];
  if (!event.streamId.startsWith(`${category}-`) || event.streamId.length === category.length + 1) {
    throw new ValidationError(what, [{ path: 'streamId', message: `a ${event.type} event belongs in a "${category}-<id>" stream` }]);
  }
  if (!fastSchema(event.type).safeParse(event.data).success) {
    const issues = salesEventSchemas[event.type].safeParse(event.data).error?.issues ?? [];
    throw new ValidationError(what, issues.map((i) => ({ path: i.path.length > 0 ? `data.${formatPath(i.path)}` : 'data', message: i.message })));
  }
  return event as SalesEventEnvelope;
}
