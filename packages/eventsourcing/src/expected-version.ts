import { VersionConflictError } from './errors.js';

/**
 * What a writer expects of a stream before appending:
 * - `'any'`: no check;
 * - `'no_stream'`: the stream has no events;
 * - `'stream_exists'`: the stream has at least one event;
 * - a number `n ≥ 0`: the stream's last event has `streamVersion` n.
 */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | number;

/** Stream version of an empty stream. */
export const NO_STREAM_VERSION = -1;

/**
 * Throws `VersionConflictError` unless a stream whose current version is
 * `current` (`-1` when empty) satisfies `expected`. Every adapter uses this.
 */
export function assertExpectedVersion(streamId: string, expected: ExpectedVersion, current: number): void {
  if (!satisfiesExpectedVersion(expected, current)) throw new VersionConflictError(streamId, expected, current);
}

export function satisfiesExpectedVersion(expected: ExpectedVersion, current: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === NO_STREAM_VERSION;
    case 'stream_exists':
      return current !== NO_STREAM_VERSION;
    default:
      return expected === current;
  }
}

/** A valid `ExpectedVersion`? (numbers must be integers ≥ 0). */
export function isExpectedVersion(value: unknown): value is ExpectedVersion {
  return (
    value === 'any' ||
    value === 'no_stream' ||
    value === 'stream_exists' ||
    (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
  );
}
