import assert from 'node:assert/strict';
import { applyEvents, type EventEnvelope, type Projection, type UpcasterRegistry } from '@dealbook/eventsourcing';
import { recordedEvents, type EventSketch } from './envelopes.js';

export interface ProjectionGiven<State> {
  /** Asserts the state after the given events (deep equality), or runs your own checks on it. */
  expectState(expected: State | ((state: State) => void)): void;
  /** The state, for checks of your own. */
  readonly state: State;
}

export interface ProjectionSpec<State> {
  /** Events in commit order: full envelopes, or sketches (`{ type, data, streamId?, occurredAt? … }`). */
  given(events: readonly (EventSketch | EventEnvelope)[]): ProjectionGiven<State>;
}

/** `projectionSpec(projection).given(events).expectState(state)`, framework-independent. */
export function projectionSpec<State, E extends EventEnvelope>(
  projection: Projection<State, E>,
  options: { readonly upcasters?: UpcasterRegistry; readonly asOf?: string } = {},
): ProjectionSpec<State> {
  return {
    given(events) {
      const state = applyEvents(projection, projection.initialState(), recordedEvents(events), options.upcasters, options.asOf);
      return {
        state,
        expectState(expected) {
          if (typeof expected === 'function') (expected as (s: State) => void)(state);
          else assert.deepStrictEqual(state, expected);
        },
      };
    },
  };
}
