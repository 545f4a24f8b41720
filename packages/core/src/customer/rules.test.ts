import { deciderSpec } from '@dealbook/testing';
import { describe, expect, it } from 'vitest';
import { definePolicy } from '../define-policy.js';
import { createPolicyTimeline } from '../policy-timeline.js';
import type { RepState } from '../rep/state.js';
import type { CustomerCommand, CustomerDecision } from './commands.js';
import { customerCommandSchemas } from './commands.js';
import { createCustomerDecider } from './decider.js';
import type { CustomerEvent } from './events.js';

const decider = createCustomerDecider(createPolicyTimeline([definePolicy()]));
const spec = deciderSpec(decider);
const at = '2026-03-02T01:00:00.000Z';
const later = '2026-03-03T01:00:00.000Z';
const meta = { commandId: 'c-1', actorId: 'ops-1', occurredAt: later };
const cmd = (c: Record<string, unknown>): CustomerDecision => ({ ...meta, customerId: 'cu-1', ...c }) as CustomerDecision;
const rep = (status: RepState['status']): RepState => ({ status, repId: 'x', role: 'representative', regions: ['east'], certifications: {}, reports: {} });
const reps = { 'r-1': rep('active'), 'r-2': rep('active'), 'r-leaving': rep('departing'), 'r-gone': rep('departed') };

const registered: CustomerEvent = {
  type: 'CustomerRegistered',
  occurredAt: at,
  data: { customerId: 'cu-1', customerNumber: 'K-001', name: 'Huadian Cable Co.', region: 'east', contacts: [{ name: 'Zhang Wei', phone: '+86 21 5555 0101' }] },
};
const owned: CustomerEvent = { type: 'CustomerAssigned', occurredAt: at, data: { repId: 'r-1', reason: 'initial' } };
const lost: CustomerEvent = { type: 'CustomerLost', occurredAt: at, data: { reason: 'moved to a competitor', attributableToRep: false } };
const received: CustomerEvent = { type: 'ComplaintReceived', occurredAt: at, data: { complaintId: 'q-1', category: 'quality', description: 'insulation cracked' } };
const forwarded: CustomerEvent = { type: 'ComplaintForwarded', occurredAt: at, data: { complaintId: 'q-1', department: 'quality' } };
const resolved: CustomerEvent = { type: 'ComplaintResolved', occurredAt: at, data: { complaintId: 'q-1', resolution: 'batch replaced' } };
const scheduled: CustomerEvent = { type: 'ReturnVisitScheduled', occurredAt: at, data: { visitId: 'rv-1', dueAt: '2026-03-20T00:00:00.000Z' } };

describe('Customer rules', () => {
  it('R-CUST-STATE: register once; lost ↔ reactivated; changes must change something', () => {
    spec.given([]).when(cmd({ type: 'RegisterCustomer', customerNumber: 'K-001', name: 'Huadian Cable Co.', region: 'east', contacts: [], creditLimitMinor: 5_000_000 })).then([
      { type: 'CustomerRegistered', occurredAt: later, data: { customerId: 'cu-1', customerNumber: 'K-001', name: 'Huadian Cable Co.', region: 'east', contacts: [], creditLimitMinor: 5_000_000 } },
    ]);
    spec.given([registered]).when(cmd({ type: 'RegisterCustomer', customerNumber: 'K-002', name: 'X', region: 'east', contacts: [] })).thenError('R-CUST-STATE', /id is taken/);
    spec.given([]).when(cmd({ type: 'ClassifyCustomer', class: 'A' })).thenError('R-CUST-STATE', /Register the customer first/);
    spec.given([registered]).when(cmd({ type: 'ClassifyCustomer', class: 'A' })).then([{ type: 'CustomerClassified', occurredAt: later, data: { class: 'A' } }]);
    spec.given([registered, { type: 'CustomerClassified', occurredAt: at, data: { class: 'A' } }]).when(cmd({ type: 'ClassifyCustomer', class: 'A' })).then('R-CUST-STATE');
    spec.given([registered]).when(cmd({ type: 'UpdateCustomerProfile', name: 'Huadian Cable Co.' })).thenError('R-CUST-STATE', /changes nothing/);
    spec.given([registered]).when(cmd({ type: 'UpdateCustomerProfile', name: 'Huadian Cable Co.', address: '1 Cable Rd' })).then([
      { type: 'CustomerProfileUpdated', occurredAt: later, data: { name: 'Huadian Cable Co.', address: '1 Cable Rd' } },
    ]);
    spec.given([registered]).when(cmd({ type: 'ChangeCustomerCredit', creditRating: 'AA', creditLimitMinor: 1_000_000 })).then([
      { type: 'CustomerCreditChanged', occurredAt: later, data: { creditRating: 'AA', creditLimitMinor: 1_000_000 } },
    ]);
    spec.given([registered, { type: 'CustomerCreditChanged', occurredAt: at, data: { creditRating: 'AA', creditLimitMinor: 1_000_000 } }]).when(cmd({ type: 'ChangeCustomerCredit', creditRating: 'AA', creditLimitMinor: 1_000_000 })).then('R-CUST-STATE');
    spec.given([registered]).when(cmd({ type: 'MarkCustomerLost', reason: 'closed down', attributableToRep: true })).then([
      { type: 'CustomerLost', occurredAt: later, data: { reason: 'closed down', attributableToRep: true } },
    ]);
    spec.given([registered, lost]).when(cmd({ type: 'MarkCustomerLost', reason: 'again', attributableToRep: false })).thenError('R-CUST-STATE', /already lost/);
    spec.given([registered]).when(cmd({ type: 'ReactivateCustomer' })).thenError('R-CUST-STATE', /Only a lost customer/);
    spec.given([registered, lost]).when(cmd({ type: 'ReactivateCustomer' })).then([{ type: 'CustomerReactivated', occurredAt: later, data: {} }]);
    spec.given([registered, lost]).when(cmd({ type: 'ScheduleReturnVisit', visitId: 'rv-1', dueAt: '2026-04-01T00:00:00.000Z' })).thenError('R-CUST-STATE', /Reactivate/);
    // Win-back: a lost customer can still be visited and complain.
    spec.given([registered, lost]).when(cmd({ type: 'ReceiveComplaint', complaintId: 'q-1', category: 'service', description: 'no call back' })).then([
      { type: 'ComplaintReceived', occurredAt: later, data: { complaintId: 'q-1', category: 'service', description: 'no call back' } },
    ]);
    const visit = { type: 'RecordVisit', visitId: 'v-1', repId: 'r-1', channel: 'phone', visitedAt: at, followUps: [] };
    const visited: CustomerEvent = { type: 'CustomerVisited', occurredAt: at, data: { visitId: 'v-1', repId: 'r-1', channel: 'phone', followUps: [] } };
    spec.given([registered, lost]).when(cmd(visit)).then([visited]);
    spec.given([registered, visited]).when(cmd(visit)).thenError('R-CUST-STATE', /already recorded/);
  });

  it('R-CUST-NUMBER: a customer number taken by another customer is refused (when the index is given)', () => {
    const register = (numbers?: Record<string, string>) =>
      cmd({ type: 'RegisterCustomer', customerNumber: 'K-001', name: 'N', region: 'east', contacts: [], ...(numbers === undefined ? {} : { context: { refs: { customerNumbers: numbers } } }) });
    const ok: CustomerEvent[] = [{ type: 'CustomerRegistered', occurredAt: later, data: { customerId: 'cu-1', customerNumber: 'K-001', name: 'N', region: 'east', contacts: [] } }];
    spec.given([]).when(register({ 'K-001': 'cu-9' })).thenError('R-CUST-NUMBER', /belongs to customer cu-9/);
    spec.given([]).when(register({ 'K-002': 'cu-9' })).then(ok);
    spec.given([]).when(register()).then(ok);
  });

  it('R-CUST-ASSIGN: initial iff no owner; later ones record the previous owner and change it', () => {
    spec.given([registered]).when(cmd({ type: 'AssignCustomer', repId: 'r-1', reason: 'initial' })).then([{ type: 'CustomerAssigned', occurredAt: later, data: { repId: 'r-1', reason: 'initial' } }]);
    spec.given([registered]).when(cmd({ type: 'AssignCustomer', repId: 'r-1', reason: 'handover' })).thenError('R-CUST-ASSIGN', /no owner yet/);
    spec.given([registered, owned]).when(cmd({ type: 'AssignCustomer', repId: 'r-2', reason: 'initial' })).thenError('R-CUST-ASSIGN', /owned by r-1/);
    spec.given([registered, owned]).when(cmd({ type: 'AssignCustomer', repId: 'r-1', reason: 'reassignment' })).thenError('R-CUST-ASSIGN', /already owns/);
    spec.given([registered, owned]).when(cmd({ type: 'AssignCustomer', repId: 'r-2', previousRepId: 'r-7', reason: 'reassignment' })).thenError('R-CUST-ASSIGN', /not r-7/);
    spec.given([registered, owned]).when(cmd({ type: 'AssignCustomer', repId: 'r-2', reason: 'handover' })).then([
      { type: 'CustomerAssigned', occurredAt: later, data: { repId: 'r-2', previousRepId: 'r-1', reason: 'handover' } },
    ]);
    // Handover of a lost customer is allowed (R-REP-HANDOVER counts them).
    spec.given([registered, owned, lost]).when(cmd({ type: 'AssignCustomer', repId: 'r-2', previousRepId: 'r-1', reason: 'handover' })).then([
      { type: 'CustomerAssigned', occurredAt: later, data: { repId: 'r-2', previousRepId: 'r-1', reason: 'handover' } },
    ]);
  });

  it('R-REP-ACTIVE: new owners are active; departed reps do not visit; a reactivated customer needs an active owner', () => {
    const assign = (repId: string) => cmd({ type: 'AssignCustomer', repId, reason: 'reassignment', context: { refs: { reps } } });
    spec.given([registered, owned]).when(assign('r-gone')).thenError('R-REP-ACTIVE', /departed/);
    spec.given([registered, owned]).when(assign('r-leaving')).thenError('R-REP-ACTIVE', /leaving/);
    spec.given([registered, owned]).when(assign('r-404')).thenError('R-REP-ACTIVE', /no rep r-404/);
    spec.given([registered, owned]).when(assign('r-2')).then([{ type: 'CustomerAssigned', occurredAt: later, data: { repId: 'r-2', previousRepId: 'r-1', reason: 'reassignment' } }]);
    const visit = (repId: string) => cmd({ type: 'RecordVisit', visitId: 'v-1', repId, channel: 'onsite', visitedAt: at, followUps: [], context: { refs: { reps } } });
    spec.given([registered]).when(visit('r-gone')).then('R-REP-ACTIVE');
    // A departing rep still works out the notice period.
    spec.given([registered]).when(visit('r-leaving')).then([{ type: 'CustomerVisited', occurredAt: at, data: { visitId: 'v-1', repId: 'r-leaving', channel: 'onsite', followUps: [] } }]);
    const reactivate = cmd({ type: 'ReactivateCustomer', context: { refs: { reps: { ...reps, 'r-1': rep('departed') } } } });
    spec.given([registered, owned, lost]).when(reactivate).thenError('R-REP-ACTIVE', /Reassign the customer before reactivating/);
    spec.given([registered, owned, lost]).when(cmd({ type: 'ReactivateCustomer', context: { refs: { reps } } })).then([{ type: 'CustomerReactivated', occurredAt: later, data: {} }]);
  });

  it('R-VISIT-TIMELY: a visit is recorded within the policy delay (48 h by default) of happening', () => {
    const recordedAt = '2026-03-05T01:00:00.000Z';
    const visit = (visitedAt: string, c: Record<string, unknown> = {}) => cmd({ type: 'RecordVisit', visitId: 'v-1', repId: 'r-1', channel: 'onsite', visitedAt, occurredAt: recordedAt, followUps: [], ...c });
    spec.given([registered]).when(visit('2026-03-03T01:00:00.000Z', { feedback: 'likes the samples', followUps: ['send quote'] })).then([
      { type: 'CustomerVisited', occurredAt: '2026-03-03T01:00:00.000Z', data: { visitId: 'v-1', repId: 'r-1', channel: 'onsite', feedback: 'likes the samples', followUps: ['send quote'] } },
    ]);
    spec.given([registered]).when(visit('2026-03-03T00:59:59.999Z')).thenError('R-VISIT-TIMELY', /beyond the 48 h/);
    // The engine's recording instant (context.recordedAt) is what counts, not the host's occurredAt.
    spec.given([registered]).when(visit('2026-03-04T00:00:00.000Z', { context: { recordedAt: '2026-03-09T00:00:00.000Z' } })).then('R-VISIT-TIMELY');
    const lenient = deciderSpec(createCustomerDecider(createPolicyTimeline([definePolicy({ visitRecordingDelayHours: 96 })])));
    lenient.given([registered]).when(visit('2026-03-03T00:59:59.999Z')).then([
      { type: 'CustomerVisited', occurredAt: '2026-03-03T00:59:59.999Z', data: { visitId: 'v-1', repId: 'r-1', channel: 'onsite', followUps: [] } },
    ]);
  });

  it('R-VISIT-RETURN: complete only a scheduled, uncompleted return visit; due after scheduling', () => {
    spec.given([registered]).when(cmd({ type: 'ScheduleReturnVisit', visitId: 'rv-1', dueAt: '2026-03-20T00:00:00.000Z' })).then([
      { type: 'ReturnVisitScheduled', occurredAt: later, data: { visitId: 'rv-1', dueAt: '2026-03-20T00:00:00.000Z' } },
    ]);
    spec.given([registered]).when(cmd({ type: 'ScheduleReturnVisit', visitId: 'rv-1', dueAt: later })).thenError('R-VISIT-RETURN', /due after/);
    spec.given([registered, scheduled]).when(cmd({ type: 'ScheduleReturnVisit', visitId: 'rv-1', dueAt: '2026-04-20T00:00:00.000Z' })).thenError('R-VISIT-RETURN', /already scheduled/);
    const visit = (visitId: string, returnVisitId: string) => cmd({ type: 'RecordVisit', visitId, repId: 'r-1', channel: 'phone', visitedAt: later, followUps: [], returnVisitId });
    const done: CustomerEvent[] = [
      { type: 'CustomerVisited', occurredAt: later, data: { visitId: 'v-1', repId: 'r-1', channel: 'phone', followUps: [] } },
      { type: 'ReturnVisitCompleted', occurredAt: later, data: { visitId: 'rv-1', completedByVisitId: 'v-1' } },
    ];
    spec.given([registered, scheduled]).when(visit('v-1', 'rv-1')).then(done);
    spec.given([registered]).when(visit('v-1', 'rv-1')).thenError('R-VISIT-RETURN', /No return visit rv-1/);
    spec.given([registered, scheduled, ...done]).when(visit('v-2', 'rv-1')).thenError('R-VISIT-RETURN', /already completed/);
  });

  it('R-COMPLAINT-FLOW: received once → forwarded → resolved → closed', () => {
    spec.given([registered]).when(cmd({ type: 'ForwardComplaint', complaintId: 'q-1', department: 'quality' })).thenError('R-COMPLAINT-FLOW', /receive it first/);
    spec.given([registered, received]).when(cmd({ type: 'ReceiveComplaint', complaintId: 'q-1', category: 'c', description: 'd' })).thenError('R-COMPLAINT-FLOW', /already received/);
    spec.given([registered, received]).when(cmd({ type: 'ResolveComplaint', complaintId: 'q-1', resolution: 'fixed' })).thenError('R-COMPLAINT-FLOW', /only when forwarded/);
    spec.given([registered, received, forwarded]).when(cmd({ type: 'CloseComplaint', complaintId: 'q-1', satisfaction: 4, reply: 'thanks' })).then('R-COMPLAINT-FLOW');
    // A forward days after receipt is accepted: the 2 h SLA is the auditor's finding.
    spec.given([registered, received]).when(cmd({ type: 'ForwardComplaint', complaintId: 'q-1', department: 'quality' })).then([
      { type: 'ComplaintForwarded', occurredAt: later, data: { complaintId: 'q-1', department: 'quality' } },
    ]);
    spec.given([registered, received, forwarded]).when(cmd({ type: 'ResolveComplaint', complaintId: 'q-1', resolution: 'batch replaced' })).then([
      { type: 'ComplaintResolved', occurredAt: later, data: { complaintId: 'q-1', resolution: 'batch replaced' } },
    ]);
    spec.given([registered, received, forwarded, resolved]).when(cmd({ type: 'CloseComplaint', complaintId: 'q-1', satisfaction: 5, reply: 'replaced, checked on site' })).then([
      { type: 'ComplaintClosed', occurredAt: later, data: { complaintId: 'q-1', satisfaction: 5, reply: 'replaced, checked on site' } },
    ]);
    const closed: CustomerEvent = { type: 'ComplaintClosed', occurredAt: later, data: { complaintId: 'q-1', satisfaction: 5, reply: 'ok' } };
    spec.given([registered, received, forwarded, resolved, closed]).when(cmd({ type: 'CloseComplaint', complaintId: 'q-1', satisfaction: 5, reply: 'again' })).thenError('R-COMPLAINT-FLOW', /is closed/);
  });

  it('R-TIME-ORDER: no visit in the future of its recording; no step before its antecedent', () => {
    spec.given([registered]).when(cmd({ type: 'RecordVisit', visitId: 'v-1', repId: 'r-1', channel: 'onsite', visitedAt: '2026-03-03T01:00:00.001Z', followUps: [] })).thenError('R-TIME-ORDER', /after its recording/);
    const early = '2026-03-01T00:00:00.000Z';
    spec.given([registered, received]).when(cmd({ type: 'ForwardComplaint', complaintId: 'q-1', department: 'quality', occurredAt: early })).thenError('R-TIME-ORDER', /cannot occur earlier/);
    spec.given([registered, received]).when(cmd({ type: 'ForwardComplaint', complaintId: 'q-1', department: 'quality', occurredAt: at })).then([
      { type: 'ComplaintForwarded', occurredAt: at, data: { complaintId: 'q-1', department: 'quality' } },
    ]);
    spec.given([registered, scheduled]).when(cmd({ type: 'RecordVisit', visitId: 'v-1', repId: 'r-1', channel: 'onsite', visitedAt: early, occurredAt: at, followUps: [], returnVisitId: 'rv-1' })).thenError('R-TIME-ORDER', /cannot complete it/);
  });
});

describe('Customer command schemas', () => {
  it('name every bad field and refuse unknown ones (a host cannot pass context)', () => {
    const result = customerCommandSchemas.CloseComplaint.safeParse({ type: 'CloseComplaint', ...meta, customerId: 'cu-1', complaintId: 'q-1', satisfaction: 6, reply: ' ', context: { refs: {} } });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['', 'reply', 'satisfaction']);
    const empty = customerCommandSchemas.UpdateCustomerProfile.safeParse({ type: 'UpdateCustomerProfile', ...meta, customerId: 'cu-1' });
    expect(empty.success).toBe(false);
    const ok = customerCommandSchemas.RecordVisit.parse({ type: 'RecordVisit', ...meta, customerId: 'cu-1', visitId: 'v-1', repId: 'r-1', channel: 'phone', visitedAt: at });
    expect(ok satisfies CustomerCommand).toMatchObject({ followUps: [] });
    expect(customerCommandSchemas.RegisterCustomer.safeParse({ type: 'RegisterCustomer', ...meta, customerId: 'cu-1', customerNumber: 'K 1', name: 'N', region: 'east', creditLimitMinor: 0.5 }).error?.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'creditLimitMinor',
      'customerNumber',
    ]);
  });
});
