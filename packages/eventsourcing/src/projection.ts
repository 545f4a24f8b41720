import type { EventEnvelope, RecordedEvent } from './envelope.js';
import { noUpcasters, type UpcasterRegistry } from './upcasters.js';

/** Handles one event type: returns the next state (it may update `state` in place and return it). */
export type ProjectionHandler<State, E extends EventEnvelope> = (state: State, event: E, position: number) => State;

/** The members of an envelope union that can have type `T`, narrowed to it. */
export type EventOfType<E extends EventEnvelope, T extends string> = E extends unknown
  ? T extends E['type']
    ? E & { readonly type: T }
    : never
  : never;

/** Handlers keyed by event type; for a union of typed envelopes each handler gets its own narrowed type. */
export type ProjectionHandlers<State, E extends EventEnvelope> = {
  readonly [T in E['type']]?: ProjectionHandler<State, EventOfType<E, T>>;
};

export interface Projection<State, E extends EventEnvelope = EventEnvelope> {
  /** Unique name; checkpoints are stored under it. */
  readonly name: string;
  /** Bump it when handlers or the state shape change: a stored checkpoint of another version is rebuilt from zero. */
  readonly version: number;
  /** A fresh initial state (a function, so a mutable state is never shared between builds). */
  readonly initialState: () => State;
  readonly handlers: ProjectionHandlers<State, E>;
  /** The event types it handles (the keys of `handlers`): the runner reads only those. */
  readonly eventTypes: readonly string[];
}

export interface ProjectionDefinition<State, E extends EventEnvelope> {
  readonly name: string;
  readonly version: number;
  readonly initialState: () => State;
  readonly handlers: ProjectionHandlers<State, E>;
}

/** Defines a projection, checking its name and version. */
export function defineProjection<State, E extends EventEnvelope = EventEnvelope>(definition: ProjectionDefinition<State, E>): Projection<State, E> {
  if (typeof definition.name !== 'string' || definition.name.length === 0) throw new TypeError('defineProjection: name must be a non-empty string');
  if (!Number.isSafeInteger(definition.version) || definition.version < 1) {
    throw new TypeError(`defineProjection(${definition.name}): version must be an integer ≥ 1`);
  }
  if (typeof definition.initialState !== 'function') throw new TypeError(`defineProjection(${definition.name}): initialState must be a function returning a fresh state`);
  const eventTypes = Object.keys(definition.handlers).filter((t) => typeof (definition.handlers as Record<string, unknown>)[t] === 'function');
  return Object.freeze({ ...definition, handlers: handlerTable(definition.handlers), eventTypes: Object.freeze(eventTypes) });
}

/**
 * The handlers as a frozen table without a prototype: an event type is any
 * text, and one named `toString` or `constructor` must find no handler rather
 * than what every object inherits.
 */
function handlerTable<H extends object>(handlers: H): H {
  if (Object.getPrototypeOf(handlers) === null && Object.isFrozen(handlers)) return handlers;
  const table = Object.create(null) as Record<string, unknown>;
  for (const type of Object.keys(handlers)) table[type] = (handlers as Record<string, unknown>)[type];
  return Object.freeze(table) as H;
}

// Projections made without defineProjection (a plain object of the same shape) get their table once.
const tables = new WeakMap<object, Readonly<Record<string, unknown>>>();
function handlersOf(projection: { readonly handlers: object }): Readonly<Record<string, unknown>> {
  const handlers = projection.handlers;
  if (Object.getPrototypeOf(handlers) === null) return handlers as Readonly<Record<string, unknown>>;
  let table = tables.get(handlers);
  if (table === undefined) tables.set(handlers, (table = handlerTable(handlers) as Readonly<Record<string, unknown>>));
  return table;
}

/**
 * Applies a batch of recorded events to a state, synchronously (no `await`
 * per event). Events are upcast first; types without a handler are skipped.
 * `asOf` keeps only events with `recordedAt ≤ asOf`.
 */
export function applyEvents<State, E extends EventEnvelope>(
  projection: Projection<State, E>,
  state: State,
  records: readonly RecordedEvent[],
  upcasters: UpcasterRegistry = noUpcasters,
  asOf?: string,
): State {
  const handlers = handlersOf(projection) as Readonly<Record<string, ProjectionHandler<State, EventEnvelope> | undefined>>;
  // The empty registry returns every event as it is: no call per event for it.
  const upcast = upcasters === noUpcasters ? undefined : upcasters;
  let s = state;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    if (asOf !== undefined && record.event.recordedAt > asOf) continue;
    const event = upcast === undefined ? record.event : upcast.upcast(record.event);
    const handler = handlers[event.type];
    if (handler !== undefined) s = handler(s, event, record.position);
  }
  return s;
}
