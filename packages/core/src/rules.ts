import { DomainError } from '@dealbook/eventsourcing';
import type { Policy } from './policy-schema.js';
import type { PolicyTimeline } from './policy-timeline.js';

/**
 * A business rule, written once as a check over (state before, event, policy
 * in force, context) so that the engine rejects a command with it and the
 * auditor re-judges a stored event with the very same code.
 */
export interface Rule<State, Event extends { readonly type: string }, Refs> {
  /** The rule code of DOMAIN.md (`R-CONTRACT-LEGAL`) or of docs/domain.md. */
  readonly code: string;
  /** The event types it judges. */
  readonly on: readonly Event['type'][];
  /** A violation, or `undefined` when the event is allowed. */
  check(before: State, event: Event, context: RuleContext<Refs>): RuleViolation | undefined;
}

export interface RuleContext<Refs> {
  /** The policy in force at the event's `occurredAt`. */
  readonly policy: Policy;
  /** When the event is recorded: the engine's clock, or the stored `recordedAt` for the auditor. */
  readonly recordedAt: string;
  /** Read-only views of other aggregates the rule needs (loaded by the engine, kept by the auditor). */
  readonly refs: Refs;
}

export interface RuleViolation {
  readonly code: string;
  /** What is wrong and what to do about it, for a person. */
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Every violation of `rules` by one event (the auditor wants all of them). */
export function violationsOf<State, Event extends { readonly type: string }, Refs>(
  rules: readonly Rule<State, Event, Refs>[],
  before: State,
  event: Event,
  context: RuleContext<Refs>,
): RuleViolation[] {
  const out: RuleViolation[] = [];
  for (const rule of rulesFor(rules, event.type)) {
    const violation = rule.check(before, event, context);
    if (violation !== undefined) out.push(violation);
  }
  return out;
}

/** Rules by event type, worked out once per rule list. */
const byType = new WeakMap<readonly object[], Map<string, readonly object[]>>();
function rulesFor<R extends { readonly on: readonly string[] }>(rules: readonly R[], type: string): readonly R[] {
  let index = byType.get(rules);
  if (index === undefined) {
    index = new Map();
    for (const rule of rules) for (const t of rule.on) index.set(t, [...(index.get(t) ?? []), rule]);
    byType.set(rules, index);
  }
  return (index.get(type) ?? []) as readonly R[];
}

/**
 * The engine side: judges decided events in order, each against the state
 * the previous ones made, and throws the first violation as a `DomainError`.
 * Returns the events when all are allowed.
 */
export function enforceRules<State, Event extends { readonly type: string; readonly occurredAt: string }, Refs>(
  rules: readonly Rule<State, Event, Refs>[],
  evolve: (state: State, event: Event) => State,
  policies: PolicyTimeline,
  state: State,
  events: readonly Event[],
  recordedAt: string,
  refs: Refs,
): readonly Event[] {
  let current = state;
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    const [violation] = violationsOf(rules, current, event, { policy: policies.at(event.occurredAt), recordedAt, refs });
    if (violation !== undefined) throw new DomainError(violation.code, violation.message, violation.details ?? {});
    if (i < events.length - 1) current = evolve(current, event); // the state after the last event is the caller's to make
  }
  return events;
}

/** Shorthand for a violation. */
export const violation = (code: string, message: string, details?: Readonly<Record<string, unknown>>): RuleViolation =>
  details === undefined ? { code, message } : { code, message, details };

/**
 * What the engine attaches to a command before `decide`: when it is being
 * recorded and the views of other aggregates its rules need. Never sent by a
 * host (command schemas are strict); without it, `recordedAt` is the
 * command's `occurredAt` and there are no refs.
 */
export interface DecisionContext<Refs> {
  readonly recordedAt?: string;
  readonly refs?: Refs;
}
