import type { EventEnvelope } from './envelope.js';
import { computeEventHash, sha256Hex } from './hash-chain.js';
import { stringifyCanonical, toCanonicalJson, type CanonicalContext } from './json.js';

/**
 * The JSONL interchange line of an envelope: its RFC 8785 canonical JSON
 * (keys sorted, `hash` included), without a trailing newline. Lines written
 * this way verify by hashing their own bytes (see {@link lineHashMatches}).
 */
export function toJsonLine(envelope: EventEnvelope): string {
  const context: CanonicalContext = { issues: [], indexKeys: false, unfrozen: [] };
  return stringifyCanonical(toCanonicalJson(envelope, '', context), context);
}

/**
 * Does `envelope.hash` (the envelope parsed from `line`) match its content?
 *
 * A canonically written line is checked by hashing its own bytes with the
 * `"hash":"…",` member cut out, with no re-serialization: in canonical key
 * order that member sits right after `eventId`. When that does not match (a
 * line written by another tool, with other spacing or key order), the
 * envelope is re-serialized canonically and hashed: the answer is the same,
 * only slower. A `true` from the fast path means the bytes are exactly what
 * was hashed when the event was sealed.
 */
export function lineHashMatches(line: string, envelope: EventEnvelope): boolean {
  const member = `"hash":"${envelope.hash}",`;
  const at = line.indexOf(`"eventId":${JSON.stringify(envelope.eventId)},${member}`);
  if (at !== -1) {
    const start = line.indexOf(member, at);
    if (sha256Hex(line.slice(0, start) + line.slice(start + member.length)) === envelope.hash) return true;
  }
  try {
    return computeEventHash(envelope) === envelope.hash;
  } catch {
    return false;
  }
}
