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
import { applyToWorkloadIndex, createWorkloadIndex, workloadEventTypes, workloadOf, type WorkloadIndex } from '@dealbook/engine';

const indexed: ReadonlySet<string> = new Set(workloadEventTypes);

type Category = 'rep' | 'customer' | 'opportunity' | 'contract';
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
 * rules read, and the engine's cross-stream index. The rules judge each
 * event against it exactly as the engine judged the command that made it.
 */
export interface World {
  /** The state of an aggregate before the next event of its stream. */
  stateOf(streamId: string): unknown;
  /** Every rule the event breaks, judged on the state before it. */
  judge(event: SalesEventEnvelope, policy: Policy): RuleViolation[];
  /** Folds the event in (after judging it). */
  apply(event: SalesEventEnvelope): void;
  readonly streams: number;
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

export function createWorld(): World {
  const states: Record<Category, Map<string, unknown>> = { rep: new Map(), customer: new Map(), opportunity: new Map(), contract: new Map() };
  const views: Record<Category, Record<string, unknown>> = {
    rep: Object.create(null) as Record<string, unknown>,
    customer: Object.create(null) as Record<string, unknown>,
    opportunity: Object.create(null) as Record<string, unknown>,
    contract: Object.create(null) as Record<string, unknown>,
  };
  const index: WorkloadIndex = createWorkloadIndex();
  // Refs are the live maps: a rule looks up the ids it names, as in the engine.
  const refs = { reps: views.rep, customers: views.customer, opportunities: views.opportunity, contracts: views.contract, customerNumbers: index.customerNumbers };
  let count = 0;

  const stateOf = (streamId: string) => {
    const category = categoryOf(streamId)!;
    return states[category].get(streamId) ?? aggregates[category].initial;
  };

  return {
    get streams() {
      return count;
    },
    stateOf,
    judge(event, policy) {
      const category = categoryOf(event.streamId)!;
      const context = {
        policy,
        recordedAt: event.recordedAt,
        refs: event.type === 'RepDeparted' ? { ...refs, workload: workloadOf(index, event.streamId.slice(4)) } : refs,
      };
      return violationsOf(aggregates[category].rules, stateOf(event.streamId), event, context);
    },
    apply(event) {
      const category = categoryOf(event.streamId)!;
      const aggregate = aggregates[category];
      const map = states[category];
      const before = map.get(event.streamId);
      if (before === undefined) count++;
      const after = aggregate.evolve(before ?? aggregate.initial, event);
      map.set(event.streamId, after);
      const id = event.streamId.slice(category.length + 1);
      const view = aggregate.view(after);
      if (view === undefined) delete views[category][id];
      else views[category][id] = view;
      if (indexed.has(event.type)) applyToWorkloadIndex(index, [{ position: 0, event }]);
    },
  };
}
