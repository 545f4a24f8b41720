/**
 * An aggregate as three pure functions: the state before anything happened,
 * what to emit for a command given the state (or throw a `DomainError`), and
 * how one event changes the state.
 *
 * `Event` is the domain event the decider emits (at least `type` and
 * `data`). When state is rebuilt from a store, `evolve` receives the stored
 * envelope, which has those members too, plus `occurredAt`, `streamVersion`
 * and the rest: a decider may declare them on its `Event` type to use them.
 */
export interface Decider<Command, Event, State> {
  readonly initialState: State;
  decide(command: Command, state: State): readonly Event[];
  evolve(state: State, event: Event): State;
}

/** What a decider emits: a type, its data and, optionally, its schema version and business time. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
  /** Defaults to the command's `occurredAt`. */
  readonly occurredAt?: string;
  /** Defaults to the upcaster registry's current version for the type, else 1. */
  readonly schemaVersion?: number;
}

/** Folds events into a state with a decider's `evolve`. */
export function foldEvents<C, E, S>(decider: Decider<C, E, S>, events: Iterable<E>, state: S = decider.initialState): S {
  let current = state;
  for (const event of events) current = decider.evolve(current, event);
  return current;
}
