import { entryOf } from '@dealbook/eventsourcing';
import type { CustomerClass } from '../domain-terms.js';
import type { CustomerContact, CustomerEvent } from './events.js';

/**
 * The decider's lifecycle: `registered` covers DOMAIN.md's `prospect` and
 * `active` (active = has a signed contract, derived by projections and the
 * auditor from the first `ContractSigned` of the customer: no event of this
 * stream says it); `lost` until reactivated (back to whichever it was).
 */
export type CustomerStatus = 'none' | 'registered' | 'lost';

/** A complaint's stage (R-COMPLAINT-FLOW): received → forwarded → resolved → closed. */
export type ComplaintStage = 'received' | 'forwarded' | 'resolved' | 'closed';
export const complaintStages: readonly ComplaintStage[] = ['received', 'forwarded', 'resolved', 'closed'];

export interface ComplaintState {
  readonly stage: ComplaintStage;
  /** Receipt instant: R-COMPLAINT-SLA's obligation runs from it (the auditor's). */
  readonly receivedAt: string;
  readonly forwardedAt?: string;
  /** `occurredAt` of the latest stage (R-TIME-ORDER: stages do not go back in time). */
  readonly stageAt: string;
}

export interface ReturnVisitState {
  readonly scheduledAt: string;
  readonly dueAt: string;
  /** `occurredAt` (visit time) of the completing visit, once completed. */
  readonly completedAt?: string;
}

/** What the Customer decider keeps (and the auditor reads for the deadline rules). */
export interface CustomerState {
  readonly status: CustomerStatus;
  readonly customerId?: string;
  readonly customerNumber?: string;
  readonly registeredAt?: string;
  readonly name?: string;
  readonly region?: string;
  readonly address?: string;
  readonly contacts: readonly CustomerContact[];
  readonly businessType?: string;
  readonly dealerLevel?: string;
  readonly creditRating?: string;
  readonly creditLimitMinor?: number;
  /** The current owning rep (R-CUST-ASSIGN, R-REP-HANDOVER's index). */
  readonly ownerRepId?: string;
  /** R-CUST-FOLLOWUP: the current class (no obligation while unclassified). */
  readonly class?: CustomerClass;
  /** R-CUST-FOLLOWUP: the latest visit time (`occurredAt` of `CustomerVisited`), either channel, any rep. */
  readonly lastVisitAt?: string;
  /** R-CUST-FOLLOWUP: max(last visit, last classification, last reactivation); due = anchor + interval of the class. */
  readonly anchorAt?: string;
  /** When the customer was last lost (the follow-up obligation is suspended while lost). */
  readonly lostAt?: string;
  /** Ids of recorded visits (each recorded once). */
  readonly visitIds: readonly string[];
  /** Scheduled return visits by id (R-VISIT-RETURN). */
  readonly returnVisits: Readonly<Record<string, ReturnVisitState>>;
  /** Complaints by id (R-COMPLAINT-FLOW; R-COMPLAINT-SLA for the auditor). */
  readonly complaints: Readonly<Record<string, ComplaintState>>;
}

export const initialCustomerState: CustomerState = { status: 'none', contacts: [], visitIds: [], returnVisits: {}, complaints: {} };

/** The object without its `undefined` members (exactOptionalPropertyTypes: absent, never `undefined`). */
function definedOnly<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

const later = (a: string | undefined, b: string): string => (a === undefined || b > a ? b : a);

function withComplaint(state: CustomerState, complaintId: string, change: (c: ComplaintState) => ComplaintState): CustomerState {
  const current = entryOf(state.complaints, complaintId);
  return current === undefined ? state : { ...state, complaints: { ...state.complaints, [complaintId]: change(current) } };
}

export function evolveCustomer(state: CustomerState, event: CustomerEvent): CustomerState {
  switch (event.type) {
    case 'CustomerRegistered': {
      const d = event.data;
      return {
        ...state,
        ...definedOnly(d),
        contacts: d.contacts,
        status: 'registered',
        registeredAt: event.occurredAt,
      };
    }
    case 'CustomerProfileUpdated':
      return { ...state, ...definedOnly(event.data) };
    case 'CustomerCreditChanged':
      return { ...state, creditRating: event.data.creditRating, creditLimitMinor: event.data.creditLimitMinor };
    case 'CustomerClassified':
      return { ...state, class: event.data.class, anchorAt: later(state.anchorAt, event.occurredAt) };
    case 'CustomerAssigned':
      return { ...state, ownerRepId: event.data.repId };
    case 'CustomerVisited':
      return {
        ...state,
        visitIds: [...state.visitIds, event.data.visitId],
        lastVisitAt: later(state.lastVisitAt, event.occurredAt),
        anchorAt: later(state.anchorAt, event.occurredAt),
      };
    case 'ReturnVisitScheduled':
      return { ...state, returnVisits: { ...state.returnVisits, [event.data.visitId]: { scheduledAt: event.occurredAt, dueAt: event.data.dueAt } } };
    case 'ReturnVisitCompleted': {
      const visit = entryOf(state.returnVisits, event.data.visitId);
      return visit === undefined ? state : { ...state, returnVisits: { ...state.returnVisits, [event.data.visitId]: { ...visit, completedAt: event.occurredAt } } };
    }
    case 'ComplaintReceived':
      return { ...state, complaints: { ...state.complaints, [event.data.complaintId]: { stage: 'received', receivedAt: event.occurredAt, stageAt: event.occurredAt } } };
    case 'ComplaintForwarded':
      return withComplaint(state, event.data.complaintId, (c) => ({ ...c, stage: 'forwarded', forwardedAt: event.occurredAt, stageAt: event.occurredAt }));
    case 'ComplaintResolved':
      return withComplaint(state, event.data.complaintId, (c) => ({ ...c, stage: 'resolved', stageAt: event.occurredAt }));
    case 'ComplaintClosed':
      return withComplaint(state, event.data.complaintId, (c) => ({ ...c, stage: 'closed', stageAt: event.occurredAt }));
    case 'CustomerLost':
      return { ...state, status: 'lost', lostAt: event.occurredAt };
    case 'CustomerReactivated':
      return { ...state, status: 'registered', anchorAt: later(state.anchorAt, event.occurredAt) };
  }
}
