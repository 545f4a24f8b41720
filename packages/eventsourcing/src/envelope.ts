import { z } from 'zod';
import { formatPath, ValidationError, type ValidationIssue } from './errors.js';
import { canonicalContext, toCanonicalJson, type JsonValue } from './json.js';

/**
 * Who and what caused an event. The four named fields are required; a host
 * app may add its own JSON members (they are hashed with the rest).
 */
export interface EventMetadata {
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId: string;
  readonly actorId: string;
  readonly [extra: string]: JsonValue | undefined;
}

/**
 * An event as stored, on the wire and in JSONL interchange (one per line):
 * exactly these fields, see DOMAIN.md "Event envelope and interchange".
 *
 * `hash` is the SHA-256 (lowercase hex) of the RFC 8785 canonical JSON of the
 * envelope without `hash`; `prevHash` is the `hash` of the previous event of
 * the same stream, or {@link ZERO_HASH} for its first event. A store's global
 * position is not part of the envelope (see {@link RecordedEvent}).
 */
export interface EventEnvelope<Type extends string = string, Data = unknown> {
  readonly eventId: string;
  readonly streamId: string;
  /** 0-based position of the event in its stream. */
  readonly streamVersion: number;
  readonly type: Type;
  /** Version of the shape of `data` for this `type`, from 1; see upcasters. */
  readonly schemaVersion: number;
  /** Business time: when it happened (ISO-8601 UTC with milliseconds). */
  readonly occurredAt: string;
  /** System time: when it was committed to the store. */
  readonly recordedAt: string;
  readonly data: Data;
  readonly metadata: EventMetadata;
  readonly prevHash: string;
  readonly hash: string;
}

/** What a writer hands to `EventStore.append`; the store adds stream, version, hashes (and `recordedAt` if absent). */
export interface NewEvent<Type extends string = string, Data = unknown> {
  readonly eventId: string;
  readonly type: Type;
  /** Defaults to 1. */
  readonly schemaVersion?: number;
  readonly occurredAt: string;
  /** Normally left out: the store stamps its clock. Set it only when importing a recorded history. */
  readonly recordedAt?: string;
  readonly data: Data;
  readonly metadata: EventMetadata;
}

/** An envelope as read from a store, with the store's global position beside it (positions grow with commit order). */
export interface RecordedEvent<E extends EventEnvelope = EventEnvelope> {
  readonly position: number;
  readonly event: E;
}

/** `prevHash` of the first event of every stream. */
export const ZERO_HASH = '0'.repeat(64);

// The time of day is checked by the pattern (00:00:00.000 to 23:59:59.999);
// the date, which needs a calendar, by Date once per date met.
const ISO_UTC_MILLIS = /^\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
const validDates = new Set<string>();

/**
 * ISO-8601 UTC timestamps exactly as `Date.prototype.toISOString` writes them
 * (`2026-03-02T01:31:05.123Z`), years 0000–9999. One fixed form keeps string
 * order equal to time order, which "as of T" reads rely on.
 */
export function isIsoTimestamp(value: unknown): value is string {
  // Readers and writers meet the same instants again and again (a command's occurredAt, then its
  // event's; an envelope's occurredAt and recordedAt): the last two valid ones are remembered.
  if (value === lastTimestamp || value === otherTimestamp) return true;
  if (typeof value !== 'string' || !ISO_UTC_MILLIS.test(value)) return false;
  if (!isValidDate(value)) return false;
  otherTimestamp = lastTimestamp;
  lastTimestamp = value;
  return true;
}
let lastTimestamp = '1970-01-01T00:00:00.000Z';
let otherTimestamp = '1970-01-01T00:00:00.000Z';

function isValidDate(value: string): boolean {
  const date = value.slice(0, 10);
  if (validDates.has(date)) return true;
  const midnight = `${date}T00:00:00.000Z`;
  const ms = Date.parse(midnight);
  if (!Number.isFinite(ms) || new Date(ms).toISOString() !== midnight) return false;
  if (validDates.size >= 100_000) validDates.clear();
  validDates.add(date);
  return true;
}

export const isoTimestampSchema = z
  .string()
  .refine(isIsoTimestamp, { message: 'must be an ISO-8601 UTC timestamp with milliseconds, like 2026-03-02T01:31:05.123Z' });

export const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (SHA-256)');

const nonEmpty = (what: string) => z.string().min(1, `${what} must not be empty`).max(512, `${what} is longer than 512 characters`);
const UUID = z.regexes.uuid();
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9_.:-]{0,199}$/;
const STREAM_ID = /^[^\s]{1,512}$/;
const MAX_SCHEMA_VERSION = 1_000_000;
export const uuidSchema = z.string().regex(UUID, 'must be a UUID');

export const eventMetadataSchema = z.looseObject({
  commandId: nonEmpty('commandId'),
  correlationId: nonEmpty('correlationId'),
  causationId: nonEmpty('causationId'),
  actorId: nonEmpty('actorId'),
});

export const eventTypeSchema = z
  .string()
  .regex(EVENT_TYPE, 'must start with a letter and hold only letters, digits, _ . : - (at most 200)');

export const streamIdSchema = z.string().regex(STREAM_ID, 'must be 1 to 512 characters without white space');
let lastStreamId = '';
/** A valid stream id? (A read and the append that follows name the same stream: the last one is remembered.) */
export function isStreamId(value: unknown): value is string {
  if (value === lastStreamId) return true;
  if (typeof value !== 'string' || !isStreamIdText(value)) return false;
  lastStreamId = value;
  return true;
}

export const schemaVersionSchema = z.number().int().min(1).max(MAX_SCHEMA_VERSION);

/** Schema of a full envelope, as read from JSONL or another system: exactly the interchange fields. */
export const eventEnvelopeSchema = z.strictObject({
  eventId: uuidSchema,
  streamId: streamIdSchema,
  streamVersion: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  type: eventTypeSchema,
  schemaVersion: schemaVersionSchema,
  occurredAt: isoTimestampSchema,
  recordedAt: isoTimestampSchema,
  data: z.unknown(),
  metadata: eventMetadataSchema,
  prevHash: sha256HexSchema,
  hash: sha256HexSchema,
});

/** Schema of what `append` takes. `data` is checked separately for being plain JSON. */
export const newEventSchema = z.strictObject({
  eventId: uuidSchema,
  type: eventTypeSchema,
  schemaVersion: schemaVersionSchema.optional(),
  occurredAt: isoTimestampSchema,
  recordedAt: isoTimestampSchema.optional(),
  data: z.unknown(),
  metadata: eventMetadataSchema,
});

/** The stream category: what comes before the first `-` of a stream id (`customer-42` → `customer`). */
export function streamCategory(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash === -1 ? streamId : streamId.slice(0, dash);
}

// 1 for the ASCII codes of hex digits (0-9, a-f, A-F), 2 for the lowercase ones only.
const HEX_DIGIT = new Uint8Array(128);
for (const c of '0123456789abcdef') HEX_DIGIT[c.charCodeAt(0)] = 2;
for (const c of 'ABCDEF') HEX_DIGIT[c.charCodeAt(0)] = 1;

/** 64 lowercase hex digits (a SHA-256 in hex)? The same as `/^[0-9a-f]{64}$/`, without a regex. */
function isSha256Hex(value: unknown): boolean {
  if (typeof value !== 'string' || value.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = value.charCodeAt(i);
    if (c > 127 || HEX_DIGIT[c] !== 2) return false;
  }
  return true;
}

// Event types are a small vocabulary: the ones found valid are remembered (bounded).
const validTypes = new Set<string>();
function isEventType(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (validTypes.has(value)) return true;
  if (!EVENT_TYPE.test(value)) return false;
  if (validTypes.size >= 10_000) validTypes.clear();
  validTypes.add(value);
  return true;
}

/** `STREAM_ID` without the regex for printable ASCII (the usual case); anything else goes to the regex. */
function isStreamIdText(value: string): boolean {
  const n = value.length;
  if (n === 0 || n > 512) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c <= 32 || c >= 127) return STREAM_ID.test(value);
  }
  return true;
}

/**
 * `z.regexes.uuid()` without the regex engine: 8-4-4-4-12 hex digits, version
 * 1–8, variant 8–b, or the nil and max UUIDs. Pinned to the regex by a test.
 */
export function isUuid(value: unknown): boolean {
  if (typeof value !== 'string' || value.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = value.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (c > 127 || HEX_DIGIT[c] === 0) return false;
  }
  const version = value.charCodeAt(14);
  const variant = value.charCodeAt(19) | 0x20;
  if (version >= 49 && version <= 56 && (variant === 56 || variant === 57 || variant === 97 || variant === 98)) return true;
  return value === '00000000-0000-0000-0000-000000000000' || value === 'ffffffff-ffff-ffff-ffff-ffffffffffff';
}

const isBoundedString = (v: unknown) => typeof v === 'string' && v.length >= 1 && v.length <= 512;

/**
 * Fast yes/no check of {@link newEventSchema} for the append hot path (zod
 * runs only when this says no, to name the bad fields). A property test keeps
 * the two in agreement.
 */
export function isWellFormedNewEvent(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const e = value as Record<string, unknown>;
  for (const key in e) {
    // Plain comparisons: property names are internalized, so these are pointer checks.
    if (key !== 'eventId' && key !== 'type' && key !== 'data' && key !== 'metadata' && key !== 'occurredAt' && key !== 'schemaVersion' && key !== 'recordedAt') return false;
  }
  const sv = e.schemaVersion;
  const m = e.metadata;
  return (
    isUuid(e.eventId) &&
    isEventType(e.type) &&
    (sv === undefined || (typeof sv === 'number' && Number.isInteger(sv) && sv >= 1 && sv <= MAX_SCHEMA_VERSION)) &&
    isIsoTimestamp(e.occurredAt) &&
    (e.recordedAt === undefined || isIsoTimestamp(e.recordedAt)) &&
    isWellFormedMetadata(m)
  );
}

const ENVELOPE_KEYS = new Set(['eventId', 'streamId', 'streamVersion', 'type', 'schemaVersion', 'occurredAt', 'recordedAt', 'data', 'metadata', 'prevHash', 'hash']);

/** The metadata every event carries (`eventMetadataSchema`), checked without zod. */
function isWellFormedMetadata(m: unknown): boolean {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return false;
  const r = m as Record<string, unknown>;
  return isBoundedString(r.commandId) && isBoundedString(r.correlationId) && isBoundedString(r.causationId) && isBoundedString(r.actorId);
}

/**
 * Fast yes/no check of {@link eventEnvelopeSchema} for readers of whole
 * histories (the auditor runs zod only when this says no, to name the bad
 * fields). A property test keeps the two in agreement.
 */
export function isWellFormedEnvelope(value: unknown): value is EventEnvelope {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const e = value as Record<string, unknown>;
  let keys = 0;
  for (const key in e) {
    if (!ENVELOPE_KEYS.has(key)) return false;
    keys++;
  }
  const sv = e.schemaVersion;
  const v = e.streamVersion;
  const m = e.metadata;
  return (
    (keys === 11 || (keys === 10 && !('data' in e))) &&
    isUuid(e.eventId) &&
    typeof e.streamId === 'string' &&
    isStreamIdText(e.streamId) &&
    typeof v === 'number' &&
    Number.isInteger(v) &&
    v >= 0 &&
    v <= Number.MAX_SAFE_INTEGER &&
    isEventType(e.type) &&
    typeof sv === 'number' &&
    Number.isInteger(sv) &&
    sv >= 1 &&
    sv <= MAX_SCHEMA_VERSION &&
    isIsoTimestamp(e.occurredAt) &&
    isIsoTimestamp(e.recordedAt) &&
    isWellFormedMetadata(m) &&
    isSha256Hex(e.prevHash) &&
    isSha256Hex(e.hash)
  );
}

/**
 * Checks an envelope from outside (a JSONL line, another system): exactly the
 * interchange fields, each well-formed, and `data` plain JSON. Returns it
 * typed, or throws a `ValidationError` naming every bad field.
 */
export function parseEventEnvelope(value: unknown, what = 'Event envelope'): EventEnvelope {
  const parsed = eventEnvelopeSchema.safeParse(value);
  const issues: ValidationIssue[] = parsed.success ? [] : parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  if (typeof value === 'object' && value !== null && 'data' in value) {
    const context = canonicalContext();
    toCanonicalJson((value as { data: unknown }).data, 'data', context);
    issues.push(...context.issues);
  } else if (parsed.success) issues.push({ path: 'data', message: 'is required' });
  if (issues.length > 0) throw new ValidationError(what, issues);
  return value as EventEnvelope;
}
