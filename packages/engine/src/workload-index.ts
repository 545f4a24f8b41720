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
  /** customerNumber → customerId. */
  readonly customerNumbers: Map<string, string>;
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
  return { customersByRep: new Map(), leadsByRep: new Map(), openOpportunitiesByRep: new Map(), customerNumbers: new Map(), customerOwner: new Map(), opportunity: new Map() };
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
        if (typeof data.customerNumber === 'string') index.customerNumbers.set(data.customerNumber, id);
        break;
      case 'CustomerAssigned': {
        remove(index.customersByRep, index.customerOwner.get(id), id);
        const rep = String(data.repId);
        index.customerOwner.set(id, rep);
        add(index.customersByRep, rep, id);
        break;
      }
      case 'LeadCaptured':
        index.opportunity.set(id, { phase: 'lead' });
        break;
      case 'LeadAssigned': {
        const o = index.opportunity.get(id) ?? { phase: 'lead' as const };
        const rep = String(data.repId);
        if (o.phase === 'lead') remove(index.leadsByRep, o.owner, id);
        else if (o.phase === 'open') remove(index.openOpportunitiesByRep, o.owner, id);
        index.opportunity.set(id, { ...o, owner: rep });
        if (o.phase === 'lead') add(index.leadsByRep, rep, id);
        else if (o.phase === 'open') add(index.openOpportunitiesByRep, rep, id);
        break;
      }
      case 'LeadDisqualified': {
        const o = index.opportunity.get(id);
        remove(index.leadsByRep, o?.owner, id);
        index.opportunity.set(id, { phase: 'closed', ...(o?.owner === undefined ? {} : { owner: o.owner }) });
        break;
      }
      case 'OpportunityOpened': {
        const o = index.opportunity.get(id);
        remove(index.leadsByRep, o?.owner, id);
        const rep = String(data.repId);
        index.opportunity.set(id, { phase: 'open', owner: rep });
        add(index.openOpportunitiesByRep, rep, id);
        break;
      }
      case 'OpportunityWon':
      case 'OpportunityLost': {
        const o = index.opportunity.get(id);
        remove(index.openOpportunitiesByRep, o?.owner, id);
        index.opportunity.set(id, { phase: 'closed', ...(o?.owner === undefined ? {} : { owner: o.owner }) });
        break;
      }
      case 'OpportunityReopened': {
        const o = index.opportunity.get(id);
        if (o?.owner !== undefined) add(index.openOpportunitiesByRep, o.owner, id);
        index.opportunity.set(id, { phase: 'open', ...(o?.owner === undefined ? {} : { owner: o.owner }) });
        break;
      }
    }
  }
}

/** The workload of one rep, as R-REP-HANDOVER reads it. */
export function workloadOf(index: WorkloadIndex, repId: string) {
  const list = (map: Map<string, Set<string>>) => [...(map.get(repId) ?? [])].sort();
  return { customers: list(index.customersByRep), leads: list(index.leadsByRep), openOpportunities: list(index.openOpportunitiesByRep) };
}
