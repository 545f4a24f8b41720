import assert from 'node:assert/strict';
import { DomainError, foldEvents, type Decider } from '@dealbook/eventsourcing';

export interface DeciderWhen<Event> {
  /**
   * Asserts the outcome: the exact events `decide` returns, or, given a rule
   * code (a string), that it throws a `DomainError` with that code.
   * Throws an `AssertionError` with a diff otherwise.
   */
  then(expected: readonly Event[] | string): void;
  /** Asserts that `decide` throws a `DomainError` with this code (and, optionally, a message matching). */
  thenError(code: string, message?: RegExp): void;
}

export interface DeciderGiven<Command, Event, State> {
  when(command: Command): DeciderWhen<Event>;
  /** Asserts the state the given events fold to. */
  expectState(expected: State): void;
}

export interface DeciderSpec<Command, Event, State> {
  /** The history before the command (domain events or stored envelopes), oldest first. */
  given(events: readonly Event[]): DeciderGiven<Command, Event, State>;
}

/**
 * Given/when/then for deciders, independent of the test framework:
 * `deciderSpec(decider).given(events).when(command).then(events | ruleCode)`.
 */
export function deciderSpec<Command, Event, State>(decider: Decider<Command, Event, State>): DeciderSpec<Command, Event, State> {
  return {
    given(events) {
      const state = () => foldEvents(decider, events);
      return {
        expectState(expected) {
          assert.deepStrictEqual(state(), expected);
        },
        when(command) {
          const run = (): { events: readonly Event[] } | { error: unknown } => {
            try {
              return { events: decider.decide(command, state()) };
            } catch (error) {
              return { error };
            }
          };
          const expectError = (code: string, message?: RegExp) => {
            const outcome = run();
            if ('events' in outcome) {
              assert.fail(`expected the command to be rejected with ${code}, but it decided ${JSON.stringify(outcome.events)}`);
            }
            const { error } = outcome;
            if (!(error instanceof DomainError)) throw error;
            assert.equal(error.code, code, `expected rule ${code}, got ${error.code}: ${error.message}`);
            if (message) assert.match(error.message, message);
          };
          return {
            then(expected: readonly Event[] | string | ((value: unknown) => void)) {
              // Guard against `await spec.when(...)`: the promise machinery calls then(resolve, reject).
              if (typeof expected === 'function') {
                expected(undefined);
                return;
              }
              if (typeof expected === 'string') return expectError(expected);
              const outcome = run();
              if ('error' in outcome) throw outcome.error;
              assert.deepStrictEqual(outcome.events, expected);
            },
            thenError: expectError,
          } as DeciderWhen<Event>;
        },
      };
    },
  };
}
