import { entryOf, setEntry, type EventEnvelope } from '@dealbook/eventsourcing';

/**
 * A re-delivered event counts once: `streams` keeps, per stream, the last
 * `streamVersion` applied (events of one stream arrive in stream order), so
 * an event at or below it was seen. Records the event as applied otherwise.
 * Memory grows with the number of streams, not of events.
 */
export function alreadyApplied(streams: Record<string, number>, event: EventEnvelope): boolean {
  const last = entryOf(streams, event.streamId);
  if (last !== undefined && event.streamVersion <= last) return true;
  setEntry(streams, event.streamId, event.streamVersion);
  return false;
}
