import * as crypto from 'node:crypto';
import type { EventEnvelope, EventMetadata, NewEvent } from './envelope.js';
import { isWellFormedNewEvent, newEventSchema, ZERO_HASH } from './envelope.js';
import { formatPath, ValidationError, type ValidationIssue } from './errors.js';
import { canonicalJson, canonicalText, toCanonicalJson, type CanonicalContext, type JsonValue } from './json.js';

/** An envelope before its `hash` is known. */
export type UnhashedEnvelope = Omit<EventEnvelope, 'hash'>;

/** SHA-256 (lowercase hex) of a UTF-8 string. */
export function sha256Hex(text: string): string {
  return oneShotHash === undefined ? crypto.createHash('sha256').update(text, 'utf8').digest('hex') : oneShotHash('sha256', text, 'hex');
}

// `crypto.hash` (Node ≥ 20.12) hashes small inputs in one call, noticeably faster than createHash().
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/**
 * The chain hash of an envelope: SHA-256 of the RFC 8785 canonical JSON of the
 * envelope without `hash` (a `hash` member, if present, is ignored).
 * Throws `ValidationError` if the envelope holds something that is not JSON.
 */
export function computeEventHash(envelope: UnhashedEnvelope | EventEnvelope): string {
  const { hash: _ignored, ...rest } = envelope as EventEnvelope;
  return sha256Hex(canonicalText(rest, 'Event envelope'));
}

/** The schema's issues for the `index`-th new event of a batch, with paths from the batch (`events[2].metadata.actorId`). */
function newEventIssues(issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[], index: number): ValidationIssue[] {
  return issues.map((issue) => ({ path: `events[${index}].${formatPath(issue.path)}`.replace(/\.$/, ''), message: issue.message }));
}

/**
 * Validates new events and turns them into sealed envelopes for a stream whose
 * next version is `nextVersion` and whose last hash is `prevHash`.
 *
 * All events are checked before any is built, so a bad batch throws one
 * `ValidationError` listing every bad field (`events[2].data.lines[0]…`) and
 * nothing is half-made. Envelopes come out frozen, with keys in canonical
 * order, so `JSON.stringify(envelope)` is the canonical JSONL line (unless
 * its data has array-index keys such as `"0"`: use `canonicalJson` for lines).
 * Pass `lines` to receive each envelope's canonical JSONL line too: the very
 * text its hash was computed from, with `hash` in place (no second serialization).
 */
export function sealEvents(
  streamId: string,
  nextVersion: number,
  prevHash: string,
  events: readonly NewEvent[],
  recordedAt: string,
  lines?: string[],
): EventEnvelope[] {
  if (events.length === 1) return [sealOne(streamId, nextVersion, prevHash, events[0], recordedAt, lines)];
  const issues: ValidationIssue[] = [];
  const unfrozen: object[] = [];
  const count = events.length;
  const datas: JsonValue[] = new Array<JsonValue>(count);
  const metas: JsonValue[] = new Array<JsonValue>(count);
  const indexKeys: boolean[] = new Array<boolean>(count);
  const context: CanonicalContext = { issues, indexKeys: false, unfrozen };
  const trail: (string | number)[] = ['events', 0, 'data'];
  for (let i = 0; i < count; i++) {
    const event = events[i];
    if (!isWellFormedNewEvent(event)) {
      const parsed = newEventSchema.safeParse(event);
      if (!parsed.success) {
        issues.push(...newEventIssues(parsed.error.issues, i));
        continue;
      }
    }
    const e = event as NewEvent;
    context.indexKeys = false;
    trail[1] = i;
    trail[2] = 'data';
    if (e.data === undefined) issues.push({ path: `events[${i}].data`, message: 'is required (use null or {} for no data)' });
    else datas[i] = toCanonicalJson(e.data, trail, context);
    // The events of one command share their metadata object: copy it once.
    if (i > 0 && e.metadata === events[i - 1]!.metadata && metas[i - 1] !== undefined) {
      metas[i] = metas[i - 1]!;
      if (indexKeys[i - 1]) context.indexKeys = true;
    } else {
      trail[2] = 'metadata';
      metas[i] = toCanonicalJson(e.metadata, trail, context);
    }
    indexKeys[i] = context.indexKeys;
  }
  if (issues.length > 0) throw new ValidationError(`Append to "${streamId}"`, issues);

  const sealed: EventEnvelope[] = new Array<EventEnvelope>(count);
  let previous = prevHash;
  for (let i = 0; i < count; i++) {
    const event = events[i]!;
    const envelope = buildEnvelope(
      indexKeys[i]!,
      datas[i]!,
      event.eventId,
      metas[i] as unknown as EventMetadata,
      event.occurredAt,
      previous,
      event.recordedAt ?? recordedAt,
      event.schemaVersion ?? 1,
      streamId,
      nextVersion + i,
      event.type,
      lines,
      i,
    );
    sealed[i] = envelope;
    previous = envelope.hash;
  }
  for (let i = 0; i < unfrozen.length; i++) Object.freeze(unfrozen[i]);
  return sealed;
}

/** {@link sealEvents} for the usual batch of one event, without the per-batch arrays. */
function sealOne(streamId: string, version: number, prevHash: string, event: NewEvent | undefined, recordedAt: string, lines: string[] | undefined): EventEnvelope {
  if (!isWellFormedNewEvent(event)) {
    const parsed = newEventSchema.safeParse(event);
    // (The fast check and the schema agree: a property test holds them to it.)
    if (!parsed.success) throw new ValidationError(`Append to "${streamId}"`, newEventIssues(parsed.error.issues, 0));
  }
  const e = event as NewEvent;
  const unfrozen: object[] = [];
  const context: CanonicalContext = { issues: [], indexKeys: false, unfrozen };
  if (e.data === undefined) context.issues.push({ path: 'events[0].data', message: 'is required (use null or {} for no data)' });
  const data = e.data === undefined ? null : toCanonicalJson(e.data, ['events', 0, 'data'], context);
  const metadata = toCanonicalJson(e.metadata, ['events', 0, 'metadata'], context);
  if (context.issues.length > 0) throw new ValidationError(`Append to "${streamId}"`, context.issues);
  const envelope = buildEnvelope(
    context.indexKeys,
    data,
    e.eventId,
    metadata as unknown as EventMetadata,
    e.occurredAt,
    prevHash,
    e.recordedAt ?? recordedAt,
    e.schemaVersion ?? 1,
    streamId,
    version,
    e.type,
    lines,
    0,
  );
  for (let i = 0; i < unfrozen.length; i++) Object.freeze(unfrozen[i]);
  return envelope;
}

/** Builds the frozen envelope; `data` and `metadata` must already be canonical (sorted, frozen). */
function buildEnvelope(
  indexKeys: boolean,
  data: JsonValue,
  eventId: string,
  metadata: EventMetadata,
  occurredAt: string,
  prevHash: string,
  recordedAt: string,
  schemaVersion: number,
  streamId: string,
  streamVersion: number,
  type: string,
  lines: string[] | undefined,
  index: number,
): EventEnvelope {
  // Keys in RFC 8785 order, so the native serializer writes canonical JSON.
  if (indexKeys) {
    const unhashed = { data, eventId, metadata, occurredAt, prevHash, recordedAt, schemaVersion, streamId, streamVersion, type };
    const hash = sha256Hex(canonicalJson(unhashed));
    if (lines !== undefined) lines[index] = canonicalJson({ ...unhashed, hash });
    return Object.freeze({ data, eventId, hash, metadata, occurredAt, prevHash, recordedAt, schemaVersion, streamId, streamVersion, type });
  }
  if (lines === undefined) {
    const hash = sha256Hex(JSON.stringify({ data, eventId, metadata, occurredAt, prevHash, recordedAt, schemaVersion, streamId, streamVersion, type }));
    return Object.freeze({ data, eventId, hash, metadata, occurredAt, prevHash, recordedAt, schemaVersion, streamId, streamVersion, type });
  }
  // The canonical text in two halves around where `hash` goes ("eventId" < "hash" < "metadata"):
  // hashed without it, and kept with it as the envelope's JSONL line, so a store need not serialize again.
  const head = `{"data":${JSON.stringify(data)},"eventId":${JSON.stringify(eventId)},`;
  const tail =
    `"metadata":${JSON.stringify(metadata)},"occurredAt":${JSON.stringify(occurredAt)},"prevHash":${JSON.stringify(prevHash)},` +
    `"recordedAt":${JSON.stringify(recordedAt)},"schemaVersion":${schemaVersion},"streamId":${JSON.stringify(streamId)},"streamVersion":${streamVersion},"type":${JSON.stringify(type)}}`;
  const hash = sha256Hex(head + tail);
  lines[index] = `${head}"hash":"${hash}",${tail}`;
  return Object.freeze({ data, eventId, hash, metadata, occurredAt, prevHash, recordedAt, schemaVersion, streamId, streamVersion, type });
}


/** Why {@link verifyChain} stopped at an event. */
export type ChainFailureReason =
  | 'stream_mismatch'
  | 'version_gap'
  | 'prev_hash_mismatch'
  | 'hash_mismatch'
  | 'not_json'
  | 'truncated';

export type ChainReport =
  | { readonly ok: true; readonly count: number; readonly headHash: string; readonly headVersion: number }
  | {
      readonly ok: false;
      /** 0-based index, in the given sequence, of the first bad event. */
      readonly index: number;
      readonly eventId: string | undefined;
      readonly streamVersion: number | undefined;
      readonly reason: ChainFailureReason;
      readonly message: string;
    };

export interface VerifyChainOptions {
  /**
   * The stream's head as known from elsewhere (e.g. the store, or a signed
   * receipt). A chain alone cannot show that its last events were cut off;
   * with this, a shorter or different head is reported as `truncated`.
   */
  readonly expectedHead?: { readonly version: number; readonly hash: string };
}

/**
 * Checks one stream's events, in stream order: versions contiguous from 0,
 * each `prevHash` equal to the previous `hash` (64 zeros first), and each
 * `hash` equal to the recomputed one. Names the first bad event.
 */
export function verifyChain(events: Iterable<EventEnvelope>, options: VerifyChainOptions = {}): ChainReport {
  let index = 0;
  let streamId: string | undefined;
  let previousHash = ZERO_HASH;
  const fail = (event: EventEnvelope | undefined, reason: ChainFailureReason, message: string): ChainReport => ({
    ok: false,
    index,
    eventId: event?.eventId,
    streamVersion: event?.streamVersion,
    reason,
    message,
  });
  for (const event of events) {
    if (streamId === undefined) streamId = event.streamId;
    if (event.streamId !== streamId) {
      return fail(event, 'stream_mismatch', `event ${index} belongs to stream "${event.streamId}", not "${streamId}"`);
    }
    if (event.streamVersion !== index) {
      return fail(event, 'version_gap', `event ${index} has streamVersion ${String(event.streamVersion)}, expected ${index}`);
    }
    if (event.prevHash !== previousHash) {
      return fail(event, 'prev_hash_mismatch', `event ${index} has prevHash ${String(event.prevHash)}, but the previous event's hash is ${previousHash}`);
    }
    let recomputed: string;
    try {
      recomputed = computeEventHash(event);
    } catch (error) {
      return fail(event, 'not_json', `event ${index} cannot be hashed: ${(error as Error).message}`);
    }
    if (recomputed !== event.hash) {
      return fail(event, 'hash_mismatch', `event ${index} has hash ${String(event.hash)}, but its content hashes to ${recomputed}: it was changed after it was recorded`);
    }
    previousHash = event.hash;
    index++;
  }
  const head = options.expectedHead;
  if (head !== undefined && (head.version !== index - 1 || head.hash !== previousHash)) {
    return fail(undefined, 'truncated', `the chain ends at version ${index - 1} with hash ${previousHash}, but its head is known to be version ${head.version} with hash ${head.hash}`);
  }
  return { ok: true, count: index, headHash: previousHash, headVersion: index - 1 };
}
