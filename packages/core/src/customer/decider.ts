import type { Decider } from '@dealbook/eventsourcing';
import type { PolicyTimeline } from '../policy-timeline.js';
import { enforceRules } from '../rules.js';
import type { CustomerDecision } from './commands.js';
import type { CustomerEvent } from './events.js';
import { customerRules } from './rules.js';
import { evolveCustomer, initialCustomerState, type CustomerState } from './state.js';

/** `o` without its `undefined` members (exactOptionalPropertyTypes: optional fields are absent, never `undefined`). */
function present<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** The events a Customer command asks for, before any rule is judged. */
function eventsFor(command: CustomerDecision, state: CustomerState): CustomerEvent[] {
  const at = command.occurredAt;
  switch (command.type) {
    case 'RegisterCustomer': {
      const { customerId, customerNumber, name, region, address, contacts, businessType, dealerLevel, creditRating, creditLimitMinor } = command;
      return [{ type: 'CustomerRegistered', occurredAt: at, data: { customerId, customerNumber, name, region, contacts, ...present({ address, businessType, dealerLevel, creditRating, creditLimitMinor }) } }];
    }
    case 'UpdateCustomerProfile': {
      const { name, region, address, contacts, businessType, dealerLevel } = command;
      return [{ type: 'CustomerProfileUpdated', occurredAt: at, data: present({ name, region, address, contacts, businessType, dealerLevel }) }];
    }
    case 'ChangeCustomerCredit':
      return [{ type: 'CustomerCreditChanged', occurredAt: at, data: { creditRating: command.creditRating, creditLimitMinor: command.creditLimitMinor } }];
    case 'ClassifyCustomer':
      return [{ type: 'CustomerClassified', occurredAt: at, data: { class: command.class } }];
    case 'AssignCustomer': {
      // The previous owner is recorded from the state; a host-given one is checked against it (R-CUST-ASSIGN).
      const previousRepId = command.previousRepId ?? (command.reason === 'initial' ? undefined : state.ownerRepId);
      return [{ type: 'CustomerAssigned', occurredAt: at, data: { repId: command.repId, ...present({ previousRepId }), reason: command.reason } }];
    }
    case 'RecordVisit': {
      // The visit happened at visitedAt; the command's occurredAt is when it is recorded (R-VISIT-TIMELY).
      const { visitId, repId, channel, feedback, needs, followUps, returnVisitId, visitedAt } = command;
      const visited: CustomerEvent = { type: 'CustomerVisited', occurredAt: visitedAt, data: { visitId, repId, channel, ...present({ feedback, needs }), followUps } };
      return returnVisitId === undefined ? [visited] : [visited, { type: 'ReturnVisitCompleted', occurredAt: visitedAt, data: { visitId: returnVisitId, completedByVisitId: visitId } }];
    }
    case 'ScheduleReturnVisit':
      return [{ type: 'ReturnVisitScheduled', occurredAt: at, data: { visitId: command.visitId, dueAt: command.dueAt } }];
    case 'ReceiveComplaint':
      return [{ type: 'ComplaintReceived', occurredAt: at, data: { complaintId: command.complaintId, category: command.category, description: command.description } }];
    case 'ForwardComplaint':
      return [{ type: 'ComplaintForwarded', occurredAt: at, data: { complaintId: command.complaintId, department: command.department } }];
    case 'ResolveComplaint':
      return [{ type: 'ComplaintResolved', occurredAt: at, data: { complaintId: command.complaintId, resolution: command.resolution } }];
    case 'CloseComplaint':
      return [{ type: 'ComplaintClosed', occurredAt: at, data: { complaintId: command.complaintId, satisfaction: command.satisfaction, reply: command.reply } }];
    case 'MarkCustomerLost':
      return [{ type: 'CustomerLost', occurredAt: at, data: { reason: command.reason, attributableToRep: command.attributableToRep } }];
    case 'ReactivateCustomer':
      return [{ type: 'CustomerReactivated', occurredAt: at, data: {} }];
  }
}

/** The Customer decider (stream `customer-<customerId>`), judging with the policy in force at each event. */
export function createCustomerDecider(policies: PolicyTimeline): Decider<CustomerDecision, CustomerEvent, CustomerState> {
  return {
    initialState: initialCustomerState,
    decide(command, state) {
      const events = eventsFor(command, state);
      return enforceRules(customerRules, evolveCustomer, policies, state, events, command.context?.recordedAt ?? command.occurredAt, command.context?.refs ?? {});
    },
    evolve: evolveCustomer,
  };
}
