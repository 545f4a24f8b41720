import type { ExpectedVersion } from './expected-version.js';

/** Base of every error dealbook throws on purpose. `code` is stable and machine-readable. */
export class DealbookError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A business rule rejected a command. `code` is the rule code of the domain
 * contract (e.g. `R-CONTRACT-LEGAL`); the message says what to do about it.
 */
export class DomainError extends DealbookError {
  readonly details: Readonly<Record<string, unknown>>;
  constructor(code: string, message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(code, message);
    this.details = details;
  }
}

/** The stream was not at the version the writer expected: someone else wrote first. */
export class VersionConflictError extends DealbookError {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  /** The stream's current version, `-1` when it has no events. */
  readonly actualVersion: number;
  constructor(streamId: string, expectedVersion: ExpectedVersion, actualVersion: number) {
    super(
      'VERSION_CONFLICT',
      `Stream "${streamId}" is at version ${actualVersion === -1 ? '(none: no events)' : actualVersion}, ` +
        `but the append expected ${describeExpected(expectedVersion)}. Reload the stream and decide again.`,
    );
    this.streamId = streamId;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
}

function describeExpected(expected: ExpectedVersion): string {
  if (expected === 'no_stream') return 'no stream';
  if (expected === 'stream_exists') return 'an existing stream';
  if (expected === 'any') return 'any version';
  return `version ${expected}`;
}

/** One bad field: a dotted/bracketed path from the root of the input, and what is wrong with it. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** Input failed validation. `issues` lists every bad field, each with its path. */
export class ValidationError extends DealbookError {
  readonly issues: readonly ValidationIssue[];
  constructor(what: string, issues: readonly ValidationIssue[]) {
    super(
      'VALIDATION',
      `${what} is invalid: ` + issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; '),
    );
    this.issues = issues;
  }
}

/** An event's schema version cannot be brought to the latest shape (unknown, or newer than this code). */
export class UpcastError extends DealbookError {
  constructor(message: string) {
    super('UPCAST', message);
  }
}

/** Path segments (as zod reports them) to `a.b[2].c`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? String(s) : `.${String(s)}`;
  }
  return out;
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
export const isVersionConflict = (e: unknown): e is VersionConflictError => e instanceof VersionConflictError;
export const isValidationError = (e: unknown): e is ValidationError => e instanceof ValidationError;
