import { compileFilter, type EventEnvelope, type EventFilter } from '@dealbook/eventsourcing';

/** The part of a `$all` filter EventStoreDB evaluates: one regex, on stream names or on event types. */
export interface ServerFilter {
  readonly filterOn: 'streamName' | 'eventType';
  readonly regex: string;
}

/** How a dealbook `EventFilter` is split between the server and the adapter. */
export interface FilterPlan {
  /** What the server filters on (`undefined`: no filter given, the server sends everything). */
  readonly server: ServerFilter | undefined;
  /** The caller's whole filter, checked again on every event the server sends (exact; the server only narrows). */
  readonly matches: ((event: EventEnvelope) => boolean) | undefined;
  /** An empty list of categories or types: nothing can match. */
  readonly matchesNothing: boolean;
}

/** Escapes a literal for a .NET (and JavaScript) regular expression. */
export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}#\s-]/g, (c) => (/\s/.test(c) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : `\\${c}`));
}

/**
 * Plans a `$all` filter. EventStoreDB filters on stream names OR event types,
 * not both, so:
 * - categories only → a stream-name regex `^(?:customer|order)(?:-|$)` (a
 *   category is what comes before the first `-`, so `customer` matches
 *   `customer-42` and a stream named just `customer`, not `customers-1`);
 * - event types only → an event-type regex `^(?:Placed|Shipped)$`;
 * - both → categories on the server, event types in the adapter.
 * The adapter re-checks the caller's whole filter on every event anyway, so a
 * filter is never silently dropped.
 */
export function planFilter(filter: EventFilter | undefined): FilterPlan {
  // A category is what comes before the first '-': one containing '-' (or empty) names no stream.
  const categories = filter?.streamCategories?.filter((c) => c.length > 0 && !c.includes('-'));
  const types = filter?.eventTypes;
  const matchesNothing = categories?.length === 0 || types?.length === 0;
  let server: ServerFilter | undefined;
  if (categories !== undefined && categories.length > 0) {
    server = { filterOn: 'streamName', regex: `^(?:${[...new Set(categories)].map(escapeRegex).join('|')})(?:-|$)` };
  } else if (types !== undefined && types.length > 0) {
    server = { filterOn: 'eventType', regex: `^(?:${[...new Set(types)].map(escapeRegex).join('|')})$` };
  }
  return { server, matches: compileFilter(filter), matchesNothing };
}

/** Default prefix of the streams that hold projection checkpoints. */
export const DEFAULT_CHECKPOINT_PREFIX = 'dealbook-checkpoint-';

/** Streams `readAll` and `subscribe` never show: EventStoreDB's system streams (`$…`) and the adapter's checkpoint streams. */
export function isHiddenStream(streamId: string, checkpointPrefix: string): boolean {
  return streamId.startsWith('$') || streamId.startsWith(checkpointPrefix);
}

/**
 * The server filter widened to also match the head event of the log (by its
 * stream name or type). A filtered `$all` read then always sees the head, so
 * it knows where "the end as it was when read" is even on servers that send
 * no "caught up" message; the adapter drops the extra events (its own check
 * is exact).
 */
export function includingHead(server: ServerFilter, head: { readonly streamId: string; readonly type: string }): ServerFilter {
  const subject = server.filterOn === 'streamName' ? head.streamId : head.type;
  return { filterOn: server.filterOn, regex: `${server.regex}|^${escapeRegex(subject)}$` };
}
