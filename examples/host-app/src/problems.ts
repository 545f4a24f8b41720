import { DomainError, ValidationError, VersionConflictError, type ValidationIssue } from '@dealbook/eventsourcing';
import { UnknownCommandError } from '@dealbook/engine';
import { BadPreconditionError } from './preconditions.js';

/** Where the problem type URIs live: `https://dealbook.dev/problems/<kind>`. */
export const PROBLEM_BASE_URI = 'https://dealbook.dev/problems/';

/** The media type of every error response (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Every kind of problem the host app answers with: its HTTP status, title and stable `code`. */
export const problemKinds = {
  'rule-violation': { status: 422, title: 'A business rule refused the command', code: 'RULE_VIOLATION' }, // problemFromError puts the rule's own code
  validation: { status: 400, title: 'The request is invalid', code: 'VALIDATION' },
  'version-conflict': { status: 412, title: 'The aggregate is not at the expected version', code: 'VERSION_CONFLICT' },
  'unknown-command': { status: 400, title: 'Unknown command type', code: 'UNKNOWN_COMMAND' },
  'not-found': { status: 404, title: 'Not found', code: 'NOT_FOUND' },
  'method-not-allowed': { status: 405, title: 'Method not allowed', code: 'METHOD_NOT_ALLOWED' },
  'malformed-json': { status: 400, title: 'The body is not valid JSON', code: 'MALFORMED_JSON' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type', code: 'UNSUPPORTED_MEDIA_TYPE' },
  'payload-too-large': { status: 413, title: 'Payload too large', code: 'PAYLOAD_TOO_LARGE' },
  'bad-precondition': { status: 400, title: 'Malformed precondition header', code: 'BAD_PRECONDITION' },
  internal: { status: 500, title: 'Internal server error', code: 'INTERNAL' },
} as const;

/** One kind of problem: the last segment of its `type` URI. */
export type ProblemKind = keyof typeof problemKinds;

/** One bad field of a validation problem. */
export interface ProblemFieldError {
  readonly path: string;
  readonly message: string;
}

/**
 * An RFC 9457 problem details document, plus dealbook's extension members:
 * `code` (the rule or error code, always present) and, for validation
 * problems, `errors` (one `{ path, message }` per bad field).
 */
export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** The request path. */
  readonly instance: string;
  readonly code: string;
  readonly errors?: readonly ProblemFieldError[];
  readonly [extension: string]: unknown;
}

/** What a problem says beyond its kind. */
export interface ProblemInit {
  readonly detail: string;
  readonly instance: string;
  /** Default: the kind's status (a version conflict without a precondition header is a 409). */
  readonly status?: number;
  /** Default: the kind's code. */
  readonly code?: string;
  readonly errors?: readonly ProblemFieldError[];
  /** More extension members (e.g. `streamId`, `actualVersion`); they never override the standard ones. */
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** Builds the problem document of a kind (`type` = {@link PROBLEM_BASE_URI} + kind). */
export function problem(kind: ProblemKind, init: ProblemInit): ProblemDocument {
  const k = problemKinds[kind];
  const standard: ProblemDocument = {
    type: `${PROBLEM_BASE_URI}${kind}`,
    title: k.title,
    status: init.status ?? k.status,
    detail: init.detail,
    instance: init.instance,
    code: init.code ?? k.code,
    ...(init.errors === undefined ? {} : { errors: init.errors }),
  };
  const extensions = Object.entries(init.extensions ?? {}).filter(([key]) => !(key in standard) && key !== 'errors');
  return { ...standard, ...Object.fromEntries(extensions) };
}

/** The HTTP response of a problem document, as `application/problem+json`, with extra headers (e.g. `Allow`). */
export function problemResponse(document: ProblemDocument, headers: Readonly<Record<string, string>> = {}): Response {
  return new Response(JSON.stringify(document), {
    status: document.status,
    headers: { ...headers, 'Content-Type': PROBLEM_CONTENT_TYPE },
  });
}

/** Maps a validation error's issues (or zod's) to the `errors` member: one entry per bad field, root as `''`. */
export function fieldErrors(issues: readonly ValidationIssue[]): ProblemFieldError[] {
  return issues.map((i) => ({ path: i.path, message: i.message }));
}

/** How {@link problemFromError} should judge an error. */
export interface ProblemContext {
  /** The request path (the `instance` member). */
  readonly instance: string;
  /** The request had `If-Match` or `If-None-Match`: a version conflict is a 412 (else a 409). */
  readonly preconditionGiven?: boolean;
  /** Called for every error that becomes a 500, with the error itself (never sent to the client). */
  readonly log: (message: string, error: unknown) => void;
}

/**
 * The problem document for an error thrown while handling a request:
 * `DomainError` → 422 rule-violation (`code` = the rule code, `detail` = its
 * message, `details` = its data when it has any); `ValidationError` → 400
 * validation with `errors`; `UnknownCommandError` → 400 unknown-command;
 * `VersionConflictError` → 412 (409 without a precondition);
 * `BadPreconditionError` → 400 bad-precondition; anything else is logged
 * through `log` and becomes a generic 500 (no message, no stack).
 */
export function problemFromError(error: unknown, context: ProblemContext): ProblemDocument {
  const { instance } = context;
  if (error instanceof UnknownCommandError) {
    const type = typeof error.commandType === 'string' ? JSON.stringify(error.commandType.slice(0, 100)) : 'missing';
    return problem('unknown-command', {
      instance,
      detail: `The command type ${type} is not one this engine handles. GET /commands lists the command types.`,
      extensions: { commands: '/commands' },
    });
  }
  if (error instanceof DomainError) {
    return problem('rule-violation', {
      instance,
      code: error.code,
      detail: error.message,
      ...(Object.keys(error.details).length > 0 ? { extensions: { details: error.details } } : {}),
    });
  }
  if (error instanceof ValidationError) {
    return problem('validation', { instance, detail: error.message, errors: fieldErrors(error.issues) });
  }
  if (error instanceof VersionConflictError) {
    return problem('version-conflict', {
      instance,
      status: context.preconditionGiven === true ? 412 : 409,
      detail: error.message,
      extensions: { streamId: error.streamId, expectedVersion: error.expectedVersion, actualVersion: error.actualVersion },
    });
  }
  if (error instanceof BadPreconditionError) {
    return problem('bad-precondition', { instance, detail: error.message, extensions: { header: error.header } });
  }
  context.log(`unexpected error while handling ${instance}`, error);
  return problem('internal', { instance, detail: 'Something went wrong on our side; it has been logged. Try again later.' });
}
