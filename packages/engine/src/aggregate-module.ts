import type { PolicyTimeline } from '@dealbook/core';
import type { CommandEnvelope, Decider, DomainEvent } from '@dealbook/eventsourcing';

/** A validated command of any aggregate, as the engine routes it. */
export type AnyCommand = CommandEnvelope & { readonly [field: string]: unknown };

/** Which other aggregates' states (by id) and which indexes a command's rules need. */
export interface Needs {
  readonly reps?: readonly string[];
  readonly customers?: readonly string[];
  readonly opportunities?: readonly string[];
  readonly contracts?: readonly string[];
  /** The rep whose workload (customers, leads, open opportunities) R-REP-HANDOVER checks. */
  readonly workloadOf?: string;
  /** R-CUST-NUMBER: the customer numbers already taken. */
  readonly customerNumbers?: boolean;
}

/** One aggregate as the engine sees it: its command schemas, decider, stream naming and what its rules read. */
export interface AggregateModule {
  /** Stream category: streams are `<category>-<id>`. */
  readonly category: 'rep' | 'customer' | 'opportunity' | 'contract';
  readonly commandSchemas: Readonly<Record<string, { safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } } }>>;
  createDecider(policies: PolicyTimeline): Decider<AnyCommand, DomainEvent, unknown>;
  /** The id of the aggregate a command addresses (its stream is `<category>-<id>`). */
  idOf(command: AnyCommand): string;
  /**
   * What the command's rules read beyond its own stream. `state` is the
   * target aggregate's current state, loaded first only for the command
   * types listed in `needsStateFor` (e.g. to name the customer's owner).
   */
  needs(command: AnyCommand, state?: unknown): Needs;
  readonly needsStateFor?: ReadonlySet<string>;
}
