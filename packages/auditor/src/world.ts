import {
  contractRules,
  customerRules,
  evolveContract,
  evolveCustomer,
  evolveOpportunity,
  evolveRep,
  initialContractState,
  initialCustomerState,
  initialOpportunityState,
  initialRepState,
  opportunityRules,
  repRules,
  salesEventCategory,
  violationsOf,
  type Policy,
  type Rule,
  type RuleViolation,
  type SalesEventEnvelope,
  type SalesEventType,
} from '@dealbook/core';
import { applyToWorkloadIndex, createWorkloadIndex, workloadEventTypes, workloadOf, type KeyedTable, type WorkloadIndex, type WorkloadStorage } from '@dealbook/engine';

const indexed: ReadonlySet<string> = new Set(workloadEventTypes);

export type Category = 'rep' | 'customer' | 'opportunity' | 'contract';
type AnyRule = Rule<unknown, { readonly type: string }, unknown>;

interface Aggregate {
  readonly rules: readonly AnyRule[];
  readonly initial: unknown;
  readonly evolve: (state: unknown, event: SalesEventEnvelope) => unknown;
  /** The view other aggregates' rules read (see the engine's views): undefined while never created. */
  readonly view: (state: unknown) => unknown;
}

const created = (state: unknown) => {
  const s = state as { status?: string; phase?: string };
  return s.status === 'none' || s.phase === 'none' ? undefined : state;
};

const aggregates: Record<Category, Aggregate> = {
  rep: { rules: repRules as unknown as readonly AnyRule[], initial: initialRepState, evolve: evolveRep as Aggregate['evolve'], view: created },
  customer: {
    rules: customerRules as unknown as readonly AnyRule[],
    initial: initialCustomerState,
    evolve: evolveCustomer as Aggregate['evolve'],
    view: (state) => {
      const s = state as { status: string };
      return s.status === 'none' ? undefined : { ...s, registered: true, lost: s.status === 'lost' };
    },
  },
  opportunity: { rules: opportunityRules as unknown as readonly AnyRule[], initial: initialOpportunityState, evolve: evolveOpportunity as Aggregate['evolve'], view: created },
  contract: {
    rules: contractRules as unknown as readonly AnyRule[],
    initial: initialContractState,
    evolve: evolveContract as Aggregate['evolve'],
    view: (state) => {
      const s = state as { status?: string; terms?: { totalMinor?: number } };
      return s.status === undefined || s.status === 'none' ? undefined : { ...s, totalMinor: s.terms?.totalMinor ?? 0 };
    },
  },
};

/**
 * Everything the replay knows, in global commit order: every aggregate's
 * state (folded with the domain's own `evolve`), the views other aggregates'
 * rules read (made from those states when a rule asks), and the engine's
 * cross-stream index. The rules judge each event against it exactly as the
 * engine judged the command that made it.
 */
export interface World {
  /** The state of an aggregate before the next event of its stream. */
  stateOf(streamId: string): unknown;
  /** Every rule the event breaks, judged on `before`, the state of its stream before it. */
  judge(event: SalesEventEnvelope, policy: Policy, before: unknown): RuleViolation[];
  /** Folds the event into `before` (after judging it); returns the state after it. */
  apply(event: SalesEventEnvelope, before: unknown): unknown;
  readonly streams: number;
}

export interface WorldOptions {
  /** Where the aggregate states are kept, by stream id. Default: a `Map` per category. */
  readonly states?: (category: Category) => KeyedTable<unknown>;
  /** Where the engine's cross-stream index keeps what grows with customers and opportunities. Default: the heap. */
  readonly index?: WorkloadStorage;
}

const categoryOf = (streamId: string): Category | undefined => {
  const dash = streamId.indexOf('-');
  const c = dash === -1 ? streamId : streamId.slice(0, dash);
  return c === 'rep' || c === 'customer' || c === 'opportunity' || c === 'contract' ? c : undefined;
};

/** Does this event type belong in this stream? */
export function belongsTo(type: SalesEventType, streamId: string): boolean {
  return salesEventCategory[type] === categoryOf(streamId) && streamId.length > salesEventCategory[type].length + 1;
}

const categories: readonly Category[] = ['rep', 'customer', 'opportunity', 'contract'];

export function createWorld(options: WorldOptions = {}): World {
  const makeStates = options.states ?? (() => new Map<string, unknown>());
  const states = Object.fromEntries(categories.map((c) => [c, makeStates(c)])) as Record<Category, KeyedTable<unknown>>;
  const stateOf = (streamId: string) => {
    const category = categoryOf(streamId)!;
    return states[category].get(streamId) ?? aggregates[category].initial;
  };
  // The views rules read by id (`refs.customers[id]`), made from the state when asked, as the engine makes them.
  const viewsOf = (category: Category): Record<string, unknown> => {
    const prefix = `${category}-`;
    const viewOf = (id: string | symbol) => {
      if (typeof id !== 'string') return undefined;
      const state = states[category].get(prefix + id);
      return state === undefined ? undefined : aggregates[category].view(state);
    };
    return new Proxy(Object.create(null) as Record<string, unknown>, {
      get: (_, id) => viewOf(id),
      has: (_, id) => viewOf(id) !== undefined,
    });
  };
  const index: WorkloadIndex = createWorkloadIndex(options.index);
  const refs = { reps: viewsOf('rep'), customers: viewsOf('customer'), opportunities: viewsOf('opportunity'), contracts: viewsOf('contract'), customerNumbers: index.customerNumbers };
  let count = 0;

  return {
    get streams() {
      return count;
    },
    stateOf,
    judge(event, policy, before) {
      const category = categoryOf(event.streamId)!;
      const context = {
        policy,
        recordedAt: event.recordedAt,
        refs: event.type === 'RepDeparted' ? { ...refs, workload: workloadOf(index, event.streamId.slice(4)) } : refs,
      };
      return violationsOf(aggregates[category].rules, before, event, context);
    },
    apply(event, before) {
      const category = categoryOf(event.streamId)!;
      const aggregate = aggregates[category];
      if (before === aggregate.initial && states[category].get(event.streamId) === undefined) count++;
      const after = aggregate.evolve(before, event);
      states[category].set(event.streamId, after);
      if (indexed.has(event.type)) applyToWorkloadIndex(index, [{ position: 0, event }]);
      return after;
    },
  };
}
