import { entryOf } from '@dealbook/eventsourcing';
import { violation, type Rule } from '../rules.js';
import { checkRepActive } from '../shared-rules.js';
import type { CustomerAggregateRefs } from './commands.js';
import type { CustomerEvent } from './events.js';
import type { ComplaintStage, CustomerState, CustomerStatus } from './state.js';

type CustomerRule = Rule<CustomerState, CustomerEvent, CustomerAggregateRefs>;

const HOUR_MS = 3_600_000;

/** Which lifecycle states each event may happen in (R-CUST-STATE). Visits and complaints of lost customers stay allowed (win-back). */
const allowedIn: Record<CustomerEvent['type'], readonly CustomerStatus[]> = {
  CustomerRegistered: ['none'],
  CustomerProfileUpdated: ['registered', 'lost'],
  CustomerCreditChanged: ['registered', 'lost'],
  CustomerClassified: ['registered', 'lost'],
  CustomerAssigned: ['registered', 'lost'],
  CustomerVisited: ['registered', 'lost'],
  ReturnVisitScheduled: ['registered'],
  ReturnVisitCompleted: ['registered', 'lost'],
  ComplaintReceived: ['registered', 'lost'],
  ComplaintForwarded: ['registered', 'lost'],
  ComplaintResolved: ['registered', 'lost'],
  ComplaintClosed: ['registered', 'lost'],
  CustomerLost: ['registered'],
  CustomerReactivated: ['lost'],
};

const describeStatus = (s: CustomerStatus) => (s === 'none' ? 'not registered' : s === 'registered' ? 'not lost' : 'lost');
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** R-CUST-STATE: registered once; lost only when not lost, reactivated only when lost; changes must change something; visit ids are unique. */
export const customerLifecycle: CustomerRule = {
  code: 'R-CUST-STATE',
  on: Object.keys(allowedIn) as CustomerEvent['type'][],
  check(before, event) {
    if (!allowedIn[event.type].includes(before.status)) {
      const hint =
        before.status === 'none'
          ? 'Register the customer first.'
          : event.type === 'CustomerRegistered'
            ? 'This customer id is taken: register with a new id.'
            : event.type === 'CustomerReactivated'
              ? 'Only a lost customer can be reactivated.'
              : event.type === 'CustomerLost'
                ? 'The customer is already lost.'
                : 'Reactivate the customer first.';
      return violation('R-CUST-STATE', `${event.type} is not allowed for a customer who is ${describeStatus(before.status)}. ${hint}`, { status: before.status });
    }
    switch (event.type) {
      case 'CustomerClassified':
        if (event.data.class === before.class) return violation('R-CUST-STATE', `The customer is already class ${event.data.class}: classify only to change the class.`, { class: before.class });
        return undefined;
      case 'CustomerProfileUpdated': {
        const changed = Object.entries(event.data).filter(([k, v]) => v !== undefined && !same(v, before[k as keyof CustomerState]));
        if (changed.length === 0) return violation('R-CUST-STATE', 'The update changes nothing in the customer profile: send only fields with new values.');
        return undefined;
      }
      case 'CustomerCreditChanged':
        if (event.data.creditRating === before.creditRating && event.data.creditLimitMinor === before.creditLimitMinor) {
          return violation('R-CUST-STATE', 'The credit rating and limit are already these: change credit only to change it.', { creditRating: before.creditRating, creditLimitMinor: before.creditLimitMinor });
        }
        return undefined;
      case 'CustomerVisited':
        if (before.visitIds.includes(event.data.visitId)) return violation('R-CUST-STATE', `Visit ${event.data.visitId} is already recorded: record each visit once, with a new visit id.`, { visitId: event.data.visitId });
        return undefined;
      default:
        return undefined;
    }
  },
};

/** R-CUST-NUMBER: a customer number belongs to one customer (judged against the engine's customer-number index when given). */
export const customerNumberUnique: CustomerRule = {
  code: 'R-CUST-NUMBER',
  on: ['CustomerRegistered'],
  check(_before, event, { refs }) {
    if (event.type !== 'CustomerRegistered' || refs.customerNumbers === undefined) return undefined;
    const holder = entryOf(refs.customerNumbers, event.data.customerNumber);
    if (holder !== undefined && holder !== event.data.customerId) {
      return violation('R-CUST-NUMBER', `Customer number ${event.data.customerNumber} already belongs to customer ${holder}: choose another number.`, { customerNumber: event.data.customerNumber, customerId: holder });
    }
    return undefined;
  },
};

/** R-CUST-ASSIGN: `initial` iff the customer has no owner; otherwise the previous owner is recorded and the new owner differs from it. */
export const assignmentRecorded: CustomerRule = {
  code: 'R-CUST-ASSIGN',
  on: ['CustomerAssigned'],
  check(before, event) {
    if (event.type !== 'CustomerAssigned') return undefined;
    const { repId, previousRepId, reason } = event.data;
    const owner = before.ownerRepId;
    if (owner === undefined) {
      if (reason !== 'initial') return violation('R-CUST-ASSIGN', `The customer has no owner yet: the first assignment has reason "initial", not "${reason}".`, { reason });
      if (previousRepId !== undefined) return violation('R-CUST-ASSIGN', `The customer has no owner yet, so there is no previous owner (${previousRepId} was given).`, { previousRepId });
      return undefined;
    }
    if (reason === 'initial') return violation('R-CUST-ASSIGN', `The customer is owned by ${owner}: use reason "reassignment" or "handover".`, { ownerRepId: owner });
    if (previousRepId !== owner) {
      return violation('R-CUST-ASSIGN', `The customer's current owner is ${owner}, not ${previousRepId ?? 'nobody'}: reload the customer and assign again.`, { ownerRepId: owner, ...(previousRepId === undefined ? {} : { previousRepId }) });
    }
    if (repId === owner) return violation('R-CUST-ASSIGN', `Rep ${repId} already owns the customer.`, { ownerRepId: owner });
    return undefined;
  },
};

/** R-VISIT-RETURN: a return visit is scheduled once, due after it is scheduled, and completed once, only if scheduled. */
export const returnVisitFlow: CustomerRule = {
  code: 'R-VISIT-RETURN',
  on: ['ReturnVisitScheduled', 'ReturnVisitCompleted'],
  check(before, event) {
    if (event.type === 'ReturnVisitScheduled') {
      if (entryOf(before.returnVisits, event.data.visitId) !== undefined) return violation('R-VISIT-RETURN', `Return visit ${event.data.visitId} is already scheduled: use a new id.`, { visitId: event.data.visitId });
      if (event.data.dueAt <= event.occurredAt) return violation('R-VISIT-RETURN', `A return visit must be due after it is scheduled (${event.occurredAt}), not at ${event.data.dueAt}.`, { dueAt: event.data.dueAt });
    } else if (event.type === 'ReturnVisitCompleted') {
      const visit = entryOf(before.returnVisits, event.data.visitId);
      if (visit === undefined) return violation('R-VISIT-RETURN', `No return visit ${event.data.visitId} is scheduled: schedule it, or record the visit without returnVisitId.`, { visitId: event.data.visitId });
      if (visit.completedAt !== undefined) return violation('R-VISIT-RETURN', `Return visit ${event.data.visitId} was already completed at ${visit.completedAt}.`, { visitId: event.data.visitId, completedAt: visit.completedAt });
    }
    return undefined;
  },
};

/** The stage each complaint event needs before it (R-COMPLAINT-FLOW). */
const complaintNeeds: Partial<Record<CustomerEvent['type'], ComplaintStage>> = { ComplaintForwarded: 'received', ComplaintResolved: 'forwarded', ComplaintClosed: 'resolved' };
const complaintAction: Partial<Record<CustomerEvent['type'], string>> = { ComplaintForwarded: 'forward', ComplaintResolved: 'resolve', ComplaintClosed: 'close' };

/** R-COMPLAINT-FLOW: per complaintId, received once → forwarded → resolved → closed. (Forwarding late is accepted: R-COMPLAINT-SLA is the auditor's.) */
export const complaintFlow: CustomerRule = {
  code: 'R-COMPLAINT-FLOW',
  on: ['ComplaintReceived', 'ComplaintForwarded', 'ComplaintResolved', 'ComplaintClosed'],
  check(before, event) {
    if (event.type === 'ComplaintReceived') {
      const existing = entryOf(before.complaints, event.data.complaintId);
      if (existing !== undefined) return violation('R-COMPLAINT-FLOW', `Complaint ${event.data.complaintId} was already received (now ${existing.stage}): a new complaint needs a new id.`, { complaintId: event.data.complaintId, stage: existing.stage });
      return undefined;
    }
    if (event.type !== 'ComplaintForwarded' && event.type !== 'ComplaintResolved' && event.type !== 'ComplaintClosed') return undefined;
    const { complaintId } = event.data;
    const complaint = entryOf(before.complaints, complaintId);
    const needs = complaintNeeds[event.type];
    if (complaint === undefined) return violation('R-COMPLAINT-FLOW', `No complaint ${complaintId} was received: receive it first.`, { complaintId });
    if (complaint.stage !== needs) {
      return violation('R-COMPLAINT-FLOW', `Complaint ${complaintId} is ${complaint.stage}; it can ${complaintAction[event.type] ?? 'move'} only when ${needs ?? '?'} (received → forwarded → resolved → closed).`, { complaintId, stage: complaint.stage });
    }
    return undefined;
  },
};

/** R-TIME-ORDER: a visit is not recorded before it happens; a completion or complaint stage does not precede its antecedent. */
export const customerTimeOrder: CustomerRule = {
  code: 'R-TIME-ORDER',
  on: ['CustomerVisited', 'ReturnVisitCompleted', 'ComplaintForwarded', 'ComplaintResolved', 'ComplaintClosed'],
  check(before, event, { recordedAt }) {
    switch (event.type) {
      case 'CustomerVisited':
        if (event.occurredAt > recordedAt) return violation('R-TIME-ORDER', `The visit time ${event.occurredAt} is after its recording (${recordedAt}): record visits once they have happened.`, { visitedAt: event.occurredAt, recordedAt });
        return undefined;
      case 'ReturnVisitCompleted': {
        const visit = entryOf(before.returnVisits, event.data.visitId);
        if (visit !== undefined && event.occurredAt < visit.scheduledAt) {
          return violation('R-TIME-ORDER', `Return visit ${event.data.visitId} was scheduled at ${visit.scheduledAt}; a visit at ${event.occurredAt} cannot complete it.`, { scheduledAt: visit.scheduledAt, visitedAt: event.occurredAt });
        }
        return undefined;
      }
      case 'ComplaintForwarded':
      case 'ComplaintResolved':
      case 'ComplaintClosed': {
        const complaint = entryOf(before.complaints, event.data.complaintId);
        if (complaint !== undefined && event.occurredAt < complaint.stageAt) {
          return violation('R-TIME-ORDER', `Complaint ${event.data.complaintId} became ${complaint.stage} at ${complaint.stageAt}; its next step cannot occur earlier (${event.occurredAt}).`, { complaintId: event.data.complaintId, stageAt: complaint.stageAt });
        }
        return undefined;
      }
      default:
        return undefined;
    }
  },
};

/** R-VISIT-TIMELY: a visit is recorded within `visitRecordingDelayHours` of happening (policy in force at the visit). */
export const visitTimely: CustomerRule = {
  code: 'R-VISIT-TIMELY',
  on: ['CustomerVisited'],
  check(_before, event, { policy, recordedAt }) {
    if (event.type !== 'CustomerVisited') return undefined;
    const delayMs = Date.parse(recordedAt) - Date.parse(event.occurredAt);
    const limit = policy.visitRecordingDelayHours;
    if (delayMs > limit * HOUR_MS) {
      return violation('R-VISIT-TIMELY', `The visit at ${event.occurredAt} is recorded ${(delayMs / HOUR_MS).toFixed(1)} h later, beyond the ${limit} h allowed: visits must be recorded promptly.`, { visitedAt: event.occurredAt, recordedAt, limitHours: limit });
    }
    return undefined;
  },
};

/** R-REP-ACTIVE: the new owner is active (not departing or departed); the visiting rep has not departed; a reactivated customer's owner is active. */
export const customerRepActive: CustomerRule = {
  code: 'R-REP-ACTIVE',
  on: ['CustomerAssigned', 'CustomerVisited', 'CustomerReactivated'],
  check(before, event, { refs }) {
    switch (event.type) {
      case 'CustomerAssigned':
        return checkRepActive(refs, event.data.repId, 'own customers', { newOwnership: true });
      case 'CustomerVisited':
        return checkRepActive(refs, event.data.repId, 'visit customers');
      case 'CustomerReactivated': {
        if (before.ownerRepId === undefined) return undefined;
        const v = checkRepActive(refs, before.ownerRepId, 'take back a reactivated customer', { newOwnership: true });
        return v === undefined ? undefined : { ...v, message: `${v.message} Reassign the customer before reactivating it.` };
      }
      default:
        return undefined;
    }
  },
};

/** Every rule of the Customer aggregate, in the order they are judged. */
export const customerRules: readonly CustomerRule[] = [customerLifecycle, customerNumberUnique, assignmentRecorded, returnVisitFlow, complaintFlow, customerTimeOrder, visitTimely, customerRepActive];
