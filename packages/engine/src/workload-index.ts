import type { EventEnvelope, RecordedEvent } from '@dealbook/eventsourcing';
import { streamCategory } from '@dealbook/eventsourcing';

/** A table of values by key: a `Map` is one (so is a table kept outside the heap). */
export interface KeyedTable<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): unknown;
}

/** Sets of ids by key (the customers of each rep): Sets in a `Map` by default. */
export interface MemberTable {
  add(key: string, member: string): void;
  delete(key: string, member: string): void;
  /** The members of a key, in any order. */
  members(key: string): Iterable<string>;
}

/** Where an opportunity stands, as the index files it. */
export interface IndexedOpportunity {
  readonly phase: 'lead' | 'open' | 'closed';
  readonly owner?: string;
}

/**
 * What the engine must know across streams: which customers, leads and open
 * opportunities each rep holds (R-REP-HANDOVER), and which customer numbers
 * are taken (R-CUST-NUMBER). Folded from the global log in commit order.
 */
export interface WorkloadIndex {
  /** Customer ids by owning rep. */
  readonly customersByRep: MemberTable;
  /** Opportunity ids in the lead phase by assigned rep. */
  readonly leadsByRep: MemberTable;
  /** Open opportunity ids by owning rep. */
  readonly openOpportunitiesByRep: MemberTable;
  /** customerNumber → customerId (a plain record, handed to rules as it is). */
  readonly customerNumbers: Record<string, string>;
  /** Owner of each customer, and phase and owner of each opportunity (to move them when they change). */
  readonly customerOwner: KeyedTable<string>;
  readonly opportunity: KeyedTable<IndexedOpportunity>;
}

/**
 * Where the tables that grow with customers and opportunities are kept (an
 * auditor replaying a long history keeps them outside the heap); the others
 * hold only open leads and opportunities. Default: all in process memory.
 */
export type WorkloadStorage = Partial<Pick<WorkloadIndex, 'customersByRep' | 'customerNumbers' | 'customerOwner' | 'opportunity'>>;

/** Sets of ids by key, in process memory. */
export function memberSets(): MemberTable {
  const sets = new Map<string, Set<string>>();
  return {
    add(key, member) {
      let set = sets.get(key);
      if (set === undefined) sets.set(key, (set = new Set()));
      set.add(member);
    },
    delete(key, member) {
      const set = sets.get(key);
      if (set === undefined) return;
      set.delete(member);
      if (set.size === 0) sets.delete(key);
    },
    members: (key) => sets.get(key) ?? [],
  };
}

export const workloadEventTypes = [
  'CustomerRegistered',
  'CustomerAssigned',
  'LeadCaptured',
  'LeadAssigned',
  'LeadDisqualified',
  'OpportunityOpened',
  'OpportunityWon',
  'OpportunityLost',
  'OpportunityReopened',
] as const;

export function createWorkloadIndex(storage: WorkloadStorage = {}): WorkloadIndex {
  return {
    customersByRep: storage.customersByRep ?? memberSets(),
    leadsByRep: memberSets(),
    openOpportunitiesByRep: memberSets(),
    customerNumbers: storage.customerNumbers ?? (Object.create(null) as Record<string, string>),
    customerOwner: storage.customerOwner ?? new Map(),
    opportunity: storage.opportunity ?? new Map(),
  };
}

const remove = (table: MemberTable, key: string | undefined, value: string) => {
  if (key !== undefined) table.delete(key, value);
};
const idOf = (event: EventEnvelope) => event.streamId.slice(streamCategory(event.streamId).length + 1);

/** Folds recorded events into the index (other event types are ignored). */
export function applyToWorkloadIndex(index: WorkloadIndex, records: readonly RecordedEvent[]): void {
  for (const { event } of records) {
    const data = event.data as Record<string, unknown>;
    const id = idOf(event);
    switch (event.type) {
      case 'CustomerRegistered':
        if (typeof data.customerNumber === 'string') index.customerNumbers[data.customerNumber] = id;
        break;
      case 'CustomerAssigned': {
        remove(index.customersByRep, index.customerOwner.get(id), id);
        const rep = String(data.repId);
        index.customerOwner.set(id, rep);
        index.customersByRep.add(rep, id);
        break;
      }
      case 'LeadCaptured':
        moveOpportunity(index, id, { phase: 'lead' });
        break;
      case 'LeadAssigned': {
        const o = index.opportunity.get(id);
        moveOpportunity(index, id, { phase: o?.phase ?? 'lead', owner: String(data.repId) });
        break;
      }
      case 'OpportunityOpened':
        moveOpportunity(index, id, { phase: 'open', owner: String(data.repId) });
        break;
      case 'LeadDisqualified':
      case 'OpportunityWon':
      case 'OpportunityLost':
      case 'OpportunityReopened': {
        const o = index.opportunity.get(id);
        const phase = event.type === 'OpportunityReopened' ? 'open' : 'closed';
        moveOpportunity(index, id, o?.owner === undefined ? { phase } : { phase, owner: o.owner });
        break;
      }
    }
  }
}

/** Files an opportunity under its new phase and owner, taking it out of wherever it was. */
function moveOpportunity(index: WorkloadIndex, id: string, next: IndexedOpportunity): void {
  const before = index.opportunity.get(id);
  if (before?.owner !== undefined) {
    if (before.phase === 'lead') remove(index.leadsByRep, before.owner, id);
    if (before.phase === 'open') remove(index.openOpportunitiesByRep, before.owner, id);
  }
  index.opportunity.set(id, next);
  if (next.owner !== undefined) {
    if (next.phase === 'lead') index.leadsByRep.add(next.owner, id);
    if (next.phase === 'open') index.openOpportunitiesByRep.add(next.owner, id);
  }
}

/** The workload of one rep, as R-REP-HANDOVER reads it. */
export function workloadOf(index: WorkloadIndex, repId: string) {
  const list = (table: MemberTable) => [...table.members(repId)].sort();
  return { customers: list(index.customersByRep), leads: list(index.leadsByRep), openOpportunities: list(index.openOpportunitiesByRep) };
}
