import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DomainError, entryOf, foldEvents, type Decider } from '@dealbook/eventsourcing';

/** Anything with a zod-like `safeParse` (the testing kit does not depend on zod). */
export interface SchemaLike {
  safeParse(value: unknown): { readonly success: boolean; readonly error?: unknown };
}

export interface DeciderModelOptions<Command, Event extends { readonly type: string; readonly data: unknown }, State> {
  readonly decider: Decider<Command, Event, State>;
  /** Random commands, valid and invalid, for one stream (a run is an array of them). */
  readonly commands: fc.Arbitrary<Command>;
  /** Commands run before the random ones in every run (e.g. creating the aggregate, so most commands have something to act on). */
  readonly prefix?: fc.Arbitrary<readonly Command[]>;
  /** The payload schema of every event type the decider may emit. */
  readonly eventSchemas: Readonly<Record<string, SchemaLike>>;
  /** Checks the invariants of a state (throw, e.g. with node:assert, when one is broken). */
  readonly invariants?: (state: State, history: readonly Event[]) => void;
  /** Checks one accepted step: the state before and after, and the events it emitted. */
  readonly step?: (before: State, after: State, events: readonly Event[], command: Command) => void;
  /** Which errors count as a rejection (default: `DomainError`); any other error fails the run. */
  readonly isRejection?: (error: unknown) => boolean;
  readonly maxCommands?: number;
  readonly numRuns?: number;
  readonly seed?: number;
  /** Called once per run with how many commands were accepted and rejected (to check the mix is useful). */
  readonly onRun?: (accepted: number, rejected: number) => void;
}

/**
 * Model-based check of a decider over random command sequences. After every
 * command: a rejection emits nothing and leaves the state as it was (decide
 * does not mutate it); every emitted event passes its schema and survives a
 * JSON round trip unchanged; the invariants hold; and replaying the whole
 * history (as JSON) rebuilds the same state.
 */
export function assertDeciderModel<Command, Event extends { readonly type: string; readonly data: unknown }, State>(
  options: DeciderModelOptions<Command, Event, State>,
): void {
  const { decider, eventSchemas } = options;
  const isRejection = options.isRejection ?? ((e: unknown) => e instanceof DomainError);
  fc.assert(
    fc.property(options.prefix ?? fc.constant([]), fc.array(options.commands, { maxLength: options.maxCommands ?? 40 }), (prefix, random) => {
      const commands = [...prefix, ...random];
      let state = decider.initialState;
      const history: Event[] = [];
      let accepted = 0;
      let rejected = 0;
      for (const command of commands) {
        const snapshot = structuredClone(state);
        let events: readonly Event[];
        try {
          events = decider.decide(command, state);
        } catch (error) {
          if (!isRejection(error)) throw error;
          assert.deepStrictEqual(state, snapshot, 'a rejected command must leave the state untouched');
          rejected++;
          continue;
        }
        assert.deepStrictEqual(state, snapshot, 'decide must not mutate the state');
        for (const event of events) {
          const schema = entryOf(eventSchemas, event.type);
          assert.ok(schema !== undefined, `no schema for emitted event type ${event.type}`);
          const parsed = schema.safeParse(event.data);
          assert.ok(parsed.success, `${event.type} does not pass its schema: ${JSON.stringify(event.data)} ${String(parsed.error ?? '')}`);
          assert.deepStrictEqual(JSON.parse(JSON.stringify(event)), event, `${event.type} does not survive a JSON round trip`);
        }
        const before = state;
        state = foldEvents(decider, events, state);
        history.push(...events);
        accepted++;
        options.step?.(before, state, events, command);
        options.invariants?.(state, history);
        const replayed = foldEvents(decider, JSON.parse(JSON.stringify(history)) as Event[]);
        assert.deepStrictEqual(replayed, state, 'replaying the history must rebuild the same state');
      }
      options.onRun?.(accepted, rejected);
    }),
    { numRuns: options.numRuns ?? 200, ...(options.seed === undefined ? {} : { seed: options.seed }) },
  );
}
