import { DealbookError } from '@dealbook/eventsourcing';

/**
 * An event read from EventStoreDB is not a dealbook envelope (written by
 * another application, or damaged). Names the stream and revision.
 */
export class ForeignEventError extends DealbookError {
  readonly streamId: string;
  readonly revision: bigint;
  constructor(streamId: string, revision: bigint, reason: string) {
    super('ESDB_FOREIGN_EVENT', `Event ${String(revision)} of EventStoreDB stream "${streamId}" is not a dealbook event envelope: ${reason}.`);
    this.streamId = streamId;
    this.revision = revision;
  }
}

/** A log position the adapter cannot represent as a JavaScript number (beyond `Number.MAX_SAFE_INTEGER`), or a missing one. */
export class PositionError extends DealbookError {
  constructor(message: string) {
    super('ESDB_POSITION', message);
  }
}

/** The server dropped a subscription and resubscribing failed `maxAttempts` times in a row; `cause` is the last drop. */
export class SubscriptionDroppedError extends DealbookError {
  readonly attempts: number;
  constructor(attempts: number, cause: unknown) {
    super('ESDB_SUBSCRIPTION_DROPPED', `The EventStoreDB subscription was dropped and ${attempts} attempts to resubscribe failed: ${describe(cause)}`, { cause });
    this.attempts = attempts;
  }
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Store closed: the same code as the in-memory store's. */
export const storeClosed = () => new DealbookError('STORE_CLOSED', 'The EventStoreDB event store is closed.');

/** The client's `WrongExpectedVersionError`, recognised by shape (`type`), not by class, so any copy of the client works. */
export interface WrongExpectedVersionLike {
  readonly type: 'wrong-expected-version';
  readonly actualVersion?: 'no_stream' | bigint | unknown;
}

/** Is this the client's `WrongExpectedVersionError` (by its `type`)? */
export function isWrongExpectedVersion(error: unknown): error is WrongExpectedVersionLike {
  return typeof error === 'object' && error !== null && (error as { type?: unknown }).type === 'wrong-expected-version';
}

/** Is this the client's `StreamNotFoundError` (by its `type`)? */
export function isStreamNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { type?: unknown }).type === 'stream-not-found';
}
