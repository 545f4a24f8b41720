export type {
  EsdbAllSubscription,
  EsdbAppendResult,
  EsdbEventData,
  EsdbExpectedRevision,
  EsdbFilter,
  EsdbPosition,
  EsdbReadAllOptions,
  EsdbReadPosition,
  EsdbReadRevision,
  EsdbReadStreamOptions,
  EsdbRecordedEvent,
  EsdbResolvedEvent,
  EsdbStreamingRead,
  EsdbSubscribeToAllOptions,
  EventStoreDbClientLike,
} from './client-like.js';
export { ForeignEventError, isStreamNotFound, isWrongExpectedVersion, PositionError, SubscriptionDroppedError, type WrongExpectedVersionLike } from './errors.js';
export { DEFAULT_CHECKPOINT_PREFIX, planFilter, type FilterPlan, type ServerFilter } from './filters.js';
export {
  ENVELOPE_MARKER,
  numberToReadPosition,
  positionToNumber,
  revisionOfVersion,
  toEnvelope,
  toEventData,
  toExpectedRevision,
  versionOfRevision,
  type EnvelopeMetadata,
} from './mapping.js';
export { createEventStoreDbStore, type EventStoreDbEventStore, type EventStoreDbStoreOptions } from './store.js';
export { backoffDelay, type ResubscribeOptions } from './subscription.js';
export { CHECKPOINT_DELETED, CHECKPOINT_SAVED } from './checkpoints.js';
export { connectEventStoreDb } from './connect.js';
