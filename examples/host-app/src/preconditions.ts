import { DealbookError, type ExpectedVersion } from '@dealbook/eventsourcing';

/** The precondition header(s) a {@link BadPreconditionError} is about. */
export type PreconditionHeader = 'If-Match' | 'If-None-Match' | 'If-Match, If-None-Match';

/** A precondition header the host app cannot use (code `BAD_PRECONDITION`, an HTTP 400). */
export class BadPreconditionError extends DealbookError {
  readonly header: PreconditionHeader;
  constructor(header: PreconditionHeader, message: string) {
    super('BAD_PRECONDITION', message);
    this.header = header;
  }
}

/** The strong ETag of a stream version: `3` → `"3"`. Throws `RangeError` for anything but an integer ≥ 0. */
export function formatEtag(version: number): string {
  if (!Number.isSafeInteger(version) || version < 0) throw new RangeError(`not a stream version: ${String(version)}`);
  return `"${version}"`;
}

/** Optional white space around a header field value (RFC 9110 OWS: spaces and tabs). */
const trimOws = (value: string): string => value.replace(/^[ \t]+|[ \t]+$/g, '');
/** A short, safe quotation of what the client sent, for error details. */
const quoted = (value: string): string => JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);

const STRONG_VERSION = /^"(0|[1-9][0-9]*)"$/;
const ETAGC = '[\\x21\\x23-\\x7E\\x80-\\uFFFF]*';
const STRONG_TAG = new RegExp(`^"${ETAGC}"$`);
const WEAK_TAG = new RegExp(`^W/"${ETAGC}"$`);
const TAG_LIST = new RegExp(`^(?:W/)?"${ETAGC}"(?:[ \\t]*,[ \\t]*(?:W/)?"${ETAGC}")+$`);
const EXAMPLE = 'send the ETag of the aggregate as you last read it, e.g. If-Match: "3", or If-Match: * for "any version, but it must exist"';

/**
 * Reads an `If-Match` value as the expected version of a command's stream:
 * `"3"` (the strong ETag of version 3) → `3`; `*` → `'stream_exists'`.
 * Throws {@link BadPreconditionError} for a weak tag (`W/"3"`: RFC 9110
 * requires strong comparison for If-Match), a list of tags (only one version
 * can be expected), a tag that is not a version, or anything malformed.
 */
export function parseIfMatch(value: string): number | 'stream_exists' {
  const v = trimOws(value);
  if (v === '*') return 'stream_exists';
  const strong = STRONG_VERSION.exec(v);
  if (strong !== null) {
    const version = Number(strong[1]);
    if (Number.isSafeInteger(version)) return version;
    throw new BadPreconditionError('If-Match', `If-Match ${quoted(v)} names a version beyond any stream's: ${EXAMPLE}.`);
  }
  if (WEAK_TAG.test(v)) {
    throw new BadPreconditionError('If-Match', `If-Match ${quoted(v)} is a weak entity tag, which If-Match cannot use (RFC 9110 requires strong comparison): ${EXAMPLE}.`);
  }
  if (TAG_LIST.test(v)) {
    throw new BadPreconditionError('If-Match', `If-Match ${quoted(v)} lists several entity tags; a command can expect only one version: ${EXAMPLE}.`);
  }
  if (STRONG_TAG.test(v)) {
    throw new BadPreconditionError('If-Match', `If-Match ${quoted(v)} is not an ETag this server issues (a stream version such as "3"): ${EXAMPLE}.`);
  }
  throw new BadPreconditionError('If-Match', `If-Match ${quoted(v)} is not an entity tag: ${EXAMPLE}.`);
}

/**
 * The expected version a `POST /commands` asks for through its headers:
 * `If-Match` (see {@link parseIfMatch}), `If-None-Match: *` → `'no_stream'`
 * (create only), neither → `undefined` (the engine retries on concurrent
 * writes). Throws {@link BadPreconditionError} for both headers at once, for
 * an `If-None-Match` other than `*`, and for a bad `If-Match`.
 */
export function parseCommandPreconditions(headers: { readonly ifMatch: string | undefined; readonly ifNoneMatch: string | undefined }): ExpectedVersion | undefined {
  const { ifMatch, ifNoneMatch } = headers;
  if (ifMatch !== undefined && ifNoneMatch !== undefined) {
    throw new BadPreconditionError('If-Match, If-None-Match', 'Send either If-Match (the version you expect) or If-None-Match: * (create only), not both.');
  }
  if (ifNoneMatch !== undefined) {
    const v = trimOws(ifNoneMatch);
    if (v === '*') return 'no_stream';
    throw new BadPreconditionError(
      'If-None-Match',
      `If-None-Match ${quoted(v)} is not supported on POST /commands: only If-None-Match: * (the aggregate must not exist yet); to expect a version, send If-Match: "3".`,
    );
  }
  return ifMatch === undefined ? undefined : parseIfMatch(ifMatch);
}

/**
 * Does a GET's `If-None-Match` match the current version (weak comparison, as
 * RFC 9110 asks for If-None-Match)? `*` matches any existing aggregate; a list
 * matches when one of its tags is the version's. A malformed value matches
 * nothing (the full response is sent).
 */
export function ifNoneMatchMatches(value: string, version: number): boolean {
  const v = trimOws(value);
  if (v === '*') return true;
  const current = formatEtag(version);
  for (const match of v.matchAll(/(?:W\/)?("[^"]*")/g)) {
    if (match[1] === current) return true;
  }
  return false;
}
