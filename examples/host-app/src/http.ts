import type { EventStore } from '@dealbook/eventsourcing';

/** A plain JSON response (`application/json`). */
export function jsonResponse(body: unknown, status = 200, headers: Readonly<Record<string, string>> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...headers, 'Content-Type': 'application/json' } });
}

/** The media type of a `Content-Type` value, lower-cased without parameters (`Application/JSON; charset=utf-8` → `application/json`). */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  return contentType.split(';')[0]!.trim().toLowerCase();
}

/**
 * The global position of the store's last event (0 when empty). One
 * `readAll` with a filter that matches nothing: its `position` is the end of
 * the log (a single index lookup on SQLite; a walk of the log in memory).
 */
export async function lastPosition(store: EventStore): Promise<number> {
  return (await store.readAll({ maxCount: 1, filter: { eventTypes: [] } })).position;
}
