import type { EventEnvelope, RecordedEvent } from '@dealbook/eventsourcing';
import { streamCategory } from '@dealbook/eventsourcing';

/**
 * What the engine must know across streams: which customers, leads and open
 * opportunities each rep holds (R-REP-HANDOVER), and which customer numbers
 * are taken (R-CUST-NUMBER). Folded from the global log in commit order.
 */
export interface WorkloadIndex {
  /** Customer ids by owning rep. */
  readonly customersByRep: Map<string, Set<string>>;
  /** Opportunity ids in the lead phase by assigned rep. */
  readonly leadsByRep: Map<string, Set<string>>;
  /** Open opportunity ids by owning rep. */
  readonly openOpportunitiesByRep: Map<string, Set<string>>;
  /** customerNumber → customerId (a plain object, handed to rules as it is). */
  readonly customerNumbers: Record<string, string>;
  /** Owner of each customer, and phase and owner of each opportunity (to move them when they change). */
  readonly customerOwner: Map<string, string>;
  readonly opportunity: Map<string, { phase: 'lead' | 'open' | 'closed'; owner?: string }>;
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

export function createWorkloadIndex(): WorkloadIndex {
  return { customersByRep: new Map(), leadsByRep: new Map(), openOpportunitiesByRep: new Map(), customerNumbers: Object.create(null) as Record<string, string>, customerOwner: new Map(), opportunity: new Map() };
}

const add = (map: Map<string, Set<string>>, key: string, value: string) => {
  let set = map.get(key);
  if (set === undefined) map.set(key, (set = new Set()));
  set.add(value);
};
const remove = (map: Map<string, Set<string>>, key: string | undefined, value: string) => {
  if (key !== undefined) map.get(key)?.delete(value);
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
        add(index.customersByRep, rep, id);
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
function moveOpportunity(index: WorkloadIndex, id: string, next: { phase: 'lead' | 'open' | 'closed'; owner?: string }): void {
  const before = index.opportunity.get(id);
  if (before?.owner !== undefined) {
    if (before.phase === 'lead') remove(index.leadsByRep, before.owner, id);
    if (before.phase === 'open') remove(index.openOpportunitiesByRep, before.owner, id);
  }
  index.opportunity.set(id, next);
  if (next.owner !== undefined) {
    if (next.phase === 'lead') add(index.leadsByRep, next.owner, id);
    if (next.phase === 'open') add(index.openOpportunitiesByRep, next.owner, id);
  }
}

/** The workload of one rep, as R-REP-HANDOVER reads it. */
export function workloadOf(index: WorkloadIndex, repId: string) {
  const list = (map: Map<string, Set<string>>) => [...(map.get(repId) ?? [])].sort();
  return { customers: list(index.customersByRep), leads: list(index.leadsByRep), openOpportunities: list(index.openOpportunitiesByRep) };
}
