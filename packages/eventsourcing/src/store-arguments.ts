import { isStreamId, streamIdSchema } from './envelope.js';
import { ValidationError, type ValidationIssue } from './errors.js';
import type { AppendOptions, ReadAllOptions, ReadStreamOptions } from './event-store.js';
import { isExpectedVersion } from './expected-version.js';

// Argument checks shared by every store adapter, so they all reject bad calls
// the same way (with a ValidationError naming the argument) before touching data.

const isCount = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
const isIndex = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Every adapter calls it first in `append`: throws `ValidationError` naming each bad argument (stream id, events, expected version). */
export function checkAppendArguments(streamId: unknown, events: unknown, options: AppendOptions): void {
  if (isStreamId(streamId) && Array.isArray(events) && (options.expectedVersion === undefined || isExpectedVersion(options.expectedVersion))) return;
  const issues: ValidationIssue[] = [];
  if (!isStreamId(streamId)) issues.push({ path: 'streamId', message: streamIdSchema.safeParse(streamId).error?.issues[0]?.message ?? 'is invalid' });
  if (!Array.isArray(events)) issues.push({ path: 'events', message: 'must be an array of new events' });
  if (options.expectedVersion !== undefined && !isExpectedVersion(options.expectedVersion)) {
    issues.push({ path: 'options.expectedVersion', message: "must be 'any', 'no_stream', 'stream_exists' or an integer ≥ 0" });
  }
  if (issues.length > 0) throw new ValidationError('Append', issues);
}

/** Every adapter calls it first in `readStream`: throws `ValidationError` for a bad stream id, direction, version or count. */
export function checkReadStreamArguments(streamId: unknown, options: ReadStreamOptions): void {
  if (
    isStreamId(streamId) &&
    (options.direction === undefined || options.direction === 'forwards' || options.direction === 'backwards') &&
    (options.fromVersion === undefined || isIndex(options.fromVersion)) &&
    (options.maxCount === undefined || isCount(options.maxCount))
  ) {
    return;
  }
  const issues: ValidationIssue[] = [];
  if (!isStreamId(streamId)) issues.push({ path: 'streamId', message: streamIdSchema.safeParse(streamId).error?.issues[0]?.message ?? 'is invalid' });
  if (options.direction !== undefined && options.direction !== 'forwards' && options.direction !== 'backwards') {
    issues.push({ path: 'options.direction', message: "must be 'forwards' or 'backwards'" });
  }
  if (options.fromVersion !== undefined && !isIndex(options.fromVersion)) issues.push({ path: 'options.fromVersion', message: 'must be an integer ≥ 0' });
  if (options.maxCount !== undefined && !isCount(options.maxCount)) issues.push({ path: 'options.maxCount', message: 'must be an integer ≥ 1' });
  if (issues.length > 0) throw new ValidationError('Read stream', issues);
}

/** Every adapter calls it first in `readAll`: throws `ValidationError` for a bad position, count or filter. */
export function checkReadAllOptions(options: ReadAllOptions): void {
  const issues: ValidationIssue[] = [];
  if (options.after !== undefined && !isIndex(options.after)) issues.push({ path: 'options.after', message: 'must be a global position (an integer ≥ 0)' });
  if (options.maxCount !== undefined && !isCount(options.maxCount)) issues.push({ path: 'options.maxCount', message: 'must be an integer ≥ 1' });
  const f = options.filter;
  if (f !== undefined) {
    if (f.eventTypes !== undefined && !(Array.isArray(f.eventTypes) && f.eventTypes.every((t) => typeof t === 'string'))) {
      issues.push({ path: 'options.filter.eventTypes', message: 'must be an array of event type names' });
    }
    if (f.streamCategories !== undefined && !(Array.isArray(f.streamCategories) && f.streamCategories.every((t) => typeof t === 'string'))) {
      issues.push({ path: 'options.filter.streamCategories', message: 'must be an array of stream categories' });
    }
  }
  if (issues.length > 0) throw new ValidationError('Read all', issues);
}
