import { isIsoTimestamp, isUuid, type EventEnvelope, type EventMetadata, type ExpectedVersion, type RecordedEvent } from '@dealbook/eventsourcing';
import type { EsdbEventData, EsdbExpectedRevision, EsdbPosition, EsdbReadPosition, EsdbRecordedEvent, EsdbResolvedEvent } from './client-like.js';
import { ForeignEventError, PositionError } from './errors.js';

/** Marks the ESDB metadata of an event written by this adapter (the value is the layout version). */
export const ENVELOPE_MARKER = 'dealbook';
const LAYOUT_VERSION = 1;
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * What the adapter writes as an ESDB event's metadata: the envelope fields
 * that have no ESDB counterpart, restored exactly on read. `$correlationId` and
 * `$causationId` are the names EventStoreDB's own projections understand.
 */
export interface EnvelopeMetadata {
  readonly dealbook: 1;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly schemaVersion: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly metadata: EventMetadata;
  /** Only when the envelope's `eventId` is not lowercase (the server returns ids lowercase). */
  readonly eventId?: string;
  readonly $correlationId: string;
  readonly $causationId: string;
}

/**
 * The kernel's expected version as an ESDB expected revision:
 * `'any'` → ANY, `'no_stream'` → NO_STREAM, `'stream_exists'` → STREAM_EXISTS, n → `BigInt(n)`.
 */
export function toExpectedRevision(expected: ExpectedVersion): EsdbExpectedRevision {
  return typeof expected === 'number' ? BigInt(expected) : expected;
}

/** The revision of a stream whose last `streamVersion` is `version` (`-1`: no stream) as the expected revision of the next append. */
export function revisionOfVersion(version: number): EsdbExpectedRevision {
  return version < 0 ? 'no_stream' : BigInt(version);
}

/** A server's current revision (`'no_stream'`, or a bigint where `-1n` means none) as a stream version (`-1` for none). */
export function versionOfRevision(revision: unknown): number {
  if (typeof revision === 'bigint') return revision < 0n ? -1 : toSafeNumber(revision, 'stream revision');
  if (typeof revision === 'number' && Number.isSafeInteger(revision)) return revision;
  return -1;
}

function toSafeNumber(value: bigint, what: string): number {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new PositionError(`EventStoreDB ${what} ${String(value)} is beyond Number.MAX_SAFE_INTEGER; dealbook positions are JavaScript numbers.`);
  }
  return Number(value);
}

/**
 * An ESDB log position as a dealbook global position: its commit position.
 * Every event appended through gRPC is its own implicit transaction record, so
 * its commit and prepare positions are equal and unique per event, even within
 * one multi-event append. Throws `PositionError` beyond `Number.MAX_SAFE_INTEGER`.
 */
export function positionToNumber(position: EsdbPosition): number {
  return toSafeNumber(position.commit, 'commit position');
}

/** A dealbook position as where an ESDB `$all` read or subscription starts: `'start'` for 0, else `{ commit: n, prepare: n }`. */
export function numberToReadPosition(position: number): EsdbReadPosition {
  if (position === 0) return 'start';
  const p = BigInt(position);
  return { commit: p, prepare: p };
}

/** A sealed envelope as the ESDB event the adapter appends. */
export function toEventData(envelope: EventEnvelope): EsdbEventData {
  const metadata: EnvelopeMetadata = {
    dealbook: LAYOUT_VERSION,
    occurredAt: envelope.occurredAt,
    recordedAt: envelope.recordedAt,
    schemaVersion: envelope.schemaVersion,
    prevHash: envelope.prevHash,
    hash: envelope.hash,
    metadata: envelope.metadata,
    ...(envelope.eventId === envelope.eventId.toLowerCase() ? {} : { eventId: envelope.eventId }),
    $correlationId: envelope.metadata.correlationId,
    $causationId: envelope.metadata.causationId,
  };
  return { id: envelope.eventId, contentType: 'application/json', type: envelope.type, data: envelope.data, metadata };
}

/** Does this ESDB event carry the adapter's envelope metadata (whether or not it is well-formed)? */
export function hasEnvelopeMarker(event: EsdbRecordedEvent): boolean {
  const m = event.metadata;
  return typeof m === 'object' && m !== null && !(m instanceof Uint8Array) && ENVELOPE_MARKER in m;
}

const isNonEmpty = (v: unknown) => typeof v === 'string' && v.length > 0;

/**
 * Restores the envelope of an ESDB event written by this adapter. Throws
 * `ForeignEventError` (naming stream and revision) for anything else.
 */
export function toEnvelope(event: EsdbRecordedEvent): EventEnvelope {
  const fail = (reason: string): never => {
    throw new ForeignEventError(event.streamId, event.revision, reason);
  };
  if (!event.isJson) fail('its content type is not application/json');
  const m = event.metadata as Partial<Record<keyof EnvelopeMetadata, unknown>> | undefined;
  if (typeof m !== 'object' || m === null || m instanceof Uint8Array) return fail('it has no JSON metadata');
  if (m.dealbook !== LAYOUT_VERSION) fail(`its metadata has no "${ENVELOPE_MARKER}": ${LAYOUT_VERSION} marker`);
  if (!isIsoTimestamp(m.occurredAt)) fail('metadata.occurredAt is not an ISO-8601 UTC timestamp');
  if (!isIsoTimestamp(m.recordedAt)) fail('metadata.recordedAt is not an ISO-8601 UTC timestamp');
  if (typeof m.schemaVersion !== 'number' || !Number.isInteger(m.schemaVersion) || m.schemaVersion < 1) fail('metadata.schemaVersion is not an integer ≥ 1');
  if (typeof m.prevHash !== 'string' || !HEX64.test(m.prevHash)) fail('metadata.prevHash is not a SHA-256 hex digest');
  if (typeof m.hash !== 'string' || !HEX64.test(m.hash)) fail('metadata.hash is not a SHA-256 hex digest');
  const meta = m.metadata as Record<string, unknown> | undefined;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return fail('metadata.metadata is not an object');
  if (!isNonEmpty(meta.commandId) || !isNonEmpty(meta.correlationId) || !isNonEmpty(meta.causationId) || !isNonEmpty(meta.actorId)) {
    fail('metadata.metadata lacks commandId, correlationId, causationId or actorId');
  }
  const eventId = typeof m.eventId === 'string' && m.eventId.toLowerCase() === event.id.toLowerCase() ? m.eventId : event.id;
  if (!isUuid(eventId)) fail(`its id "${eventId}" is not a UUID`);
  if (event.data === undefined) fail('it has no data');
  return Object.freeze({
    data: event.data,
    eventId,
    hash: m.hash as string,
    metadata: meta as unknown as EventMetadata,
    occurredAt: m.occurredAt as string,
    prevHash: m.prevHash as string,
    recordedAt: m.recordedAt as string,
    schemaVersion: m.schemaVersion as number,
    streamId: event.streamId,
    streamVersion: versionOfRevision(event.revision),
    type: event.type,
  });
}

/** The recorded event (envelope and global position) of an ESDB read result; `PositionError` if the server sent no position. */
export function toRecordedEvent(resolved: EsdbResolvedEvent): RecordedEvent {
  const event = resolved.event;
  if (event === undefined) throw new PositionError('EventStoreDB returned a read result without an event (an unresolved link?).');
  return { position: eventPosition(event), event: toEnvelope(event) };
}

/** The global position of an ESDB event; `PositionError` when the server sent none (servers before 22.6 omit it on stream reads). */
export function eventPosition(event: EsdbRecordedEvent): number {
  if (event.position === undefined) {
    throw new PositionError(
      `EventStoreDB returned event ${String(event.revision)} of "${event.streamId}" without its log position; stream reads carry positions from server version 22.6 on.`,
    );
  }
  return positionToNumber(event.position);
}
