import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DomainError, type Decider } from '@dealbook/eventsourcing';
import { assertDeciderModel } from '@dealbook/testing';
import { describe, expect, it } from 'vitest';
import { definePolicy } from '../define-policy.js';
import { createPolicyTimeline } from '../policy-timeline.js';
import type { RepState } from '../rep/state.js';
import type { CustomerDecision } from './commands.js';
import { createCustomerDecider } from './decider.js';
import { customerEventSchemas, type CustomerContact, type CustomerEvent } from './events.js';
import { complaintStages, type CustomerState, type CustomerStatus } from './state.js';

const inner = createCustomerDecider(createPolicyTimeline([definePolicy()]));
/** Every rule code that rejected a command, over all runs (so the test sees which rules were exercised). */
const codes = new Set<string>();
const decider: Decider<CustomerDecision, CustomerEvent, CustomerState> = {
  ...inner,
  decide(command, state) {
    try {
      return inner.decide(command, state);
    } catch (error) {
      if (error instanceof DomainError) codes.add(error.code);
      throw error;
    }
  },
};

const BASE = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const rep = (status: RepState['status']): RepState => ({ status, role: 'representative', regions: [], certifications: {}, reports: {} });
/** r-1, r-2 active; r-3 departing (may visit, may not get new customers); r-4 departed. */
const reps = { 'r-1': rep('active'), 'r-2': rep('active'), 'r-3': rep('departing'), 'r-4': rep('departed') };
// `toString` is a rep nobody hired; complaint and return-visit ids may be names every object inherits.
const repIdArb = fc.constantFrom('r-1', 'r-1', 'r-2', 'r-2', 'r-3', 'r-4', 'toString');
const complaintIdArb = fc.constantFrom('q-1', 'q-2', 'constructor');
const returnIdArb = fc.constantFrom('rv-1', 'rv-2', '__proto__');

/** A command body (no envelope, no times yet); `lagHours` / `dueHours` are relative to the recording instant. */
const bodyArb = fc.oneof(
  { weight: 1, arbitrary: fc.record({ type: fc.constant('RegisterCustomer' as const), customerNumber: fc.constantFrom('K-001', 'K-001', 'K-009'), name: fc.constant('Huadian Cable'), region: fc.constant('east'), contacts: fc.constant([] as CustomerContact[]) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('UpdateCustomerProfile' as const), name: fc.constantFrom('Huadian Cable', 'Huadian Cable Group') }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('ChangeCustomerCredit' as const), creditRating: fc.constantFrom('A', 'B'), creditLimitMinor: fc.constantFrom(0, 1_000_000) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('ClassifyCustomer' as const), class: fc.constantFrom('A', 'B', 'C', 'D') }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('AssignCustomer' as const), repId: repIdArb, reason: fc.constantFrom('initial', 'reassignment', 'handover'), stalePrevious: fc.integer({ min: 0, max: 4 }).map((n) => n === 0) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('RecordVisit' as const),
      visitId: fc.integer({ min: 1, max: 12 }).map((n) => `v-${n}`),
      repId: repIdArb,
      channel: fc.constantFrom('onsite', 'phone'),
      lagHours: fc.integer({ min: -2, max: 60 }),
      followUps: fc.constantFrom<string[]>([], ['send quote']),
      returnVisitId: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: returnIdArb }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('ScheduleReturnVisit' as const), visitId: returnIdArb, dueHours: fc.integer({ min: -24, max: 24 * 30 }) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('ReceiveComplaint' as const), complaintId: complaintIdArb, category: fc.constant('quality'), description: fc.constant('cracked insulation') }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('ForwardComplaint' as const), complaintId: complaintIdArb, department: fc.constant('quality') }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('ResolveComplaint' as const), complaintId: complaintIdArb, resolution: fc.constant('replaced') }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('CloseComplaint' as const), complaintId: complaintIdArb, satisfaction: fc.integer({ min: 1, max: 5 }), reply: fc.constant('replaced the batch') }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('MarkCustomerLost' as const), reason: fc.constant('competitor'), attributableToRep: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('ReactivateCustomer' as const), ownerGone: fc.boolean() }) },
);
type Body = typeof bodyArb extends fc.Arbitrary<infer B> ? B : never;

/** The command for `body` recorded at `recordedMs`, with the refs the engine would attach. */
function stamp(body: Body, recordedMs: number, n: number): CustomerDecision {
  const occurredAt = new Date(recordedMs).toISOString();
  const envelope = { customerId: 'cu-1', commandId: `c-${n}`, actorId: 'ops-1', occurredAt };
  switch (body.type) {
    case 'RegisterCustomer':
      return { ...envelope, ...body, context: { refs: { customerNumbers: { 'K-009': 'cu-other' } } } };
    case 'AssignCustomer': {
      const { stalePrevious, ...rest } = body;
      return { ...envelope, ...rest, ...(stalePrevious && rest.reason !== 'initial' ? { previousRepId: 'r-9' } : {}), context: { refs: { reps } } };
    }
    case 'RecordVisit': {
      const { lagHours, returnVisitId, ...rest } = body;
      return { ...envelope, ...rest, ...(returnVisitId === undefined ? {} : { returnVisitId }), visitedAt: new Date(recordedMs - lagHours * HOUR).toISOString(), context: { refs: { reps } } };
    }
    case 'ScheduleReturnVisit':
      return { ...envelope, type: body.type, visitId: body.visitId, dueAt: new Date(recordedMs + body.dueHours * HOUR).toISOString() };
    case 'ReactivateCustomer':
      return { ...envelope, type: body.type, context: { refs: { reps: body.ownerGone ? { ...reps, 'r-1': rep('departed'), 'r-2': rep('departed') } : reps } } };
    default:
      return { ...envelope, ...body } as CustomerDecision;
  }
}

/** A plausible history: the customer registered first, then commands at increasing instants (gaps of minutes to days). */
const orderedArb: fc.Arbitrary<readonly CustomerDecision[]> = fc
  .tuple(fc.oneof({ weight: 9, arbitrary: fc.constant('K-001') }, { weight: 1, arbitrary: fc.constant('K-009') }), fc.array(fc.tuple(bodyArb, fc.integer({ min: 1, max: 3 * 24 * 60 })), { minLength: 10, maxLength: 40 }))
  .map(([customerNumber, steps]) => {
    let t = BASE;
    const register = stamp({ type: 'RegisterCustomer', customerNumber, name: 'Huadian Cable', region: 'east', contacts: [] }, t, 0);
    return [register, ...steps.map(([body, gapMinutes], i) => stamp(body, (t += gapMinutes * MINUTE), i + 1))];
  });

/** Random tail commands at any instant of the same span (some out of order). */
const anyTimeArb = fc.tuple(bodyArb, fc.integer({ min: 0, max: 90 * 24 * 60 }), fc.nat()).map(([body, minutes, n]) => stamp(body, BASE + minutes * MINUTE, 1000 + n));

const legal: Record<CustomerStatus, readonly CustomerStatus[]> = { none: ['none', 'registered'], registered: ['registered', 'lost'], lost: ['lost', 'registered'] };
const later = (a: string | undefined, b: string) => (a === undefined || b > a ? b : a);

describe('Customer (model-based)', () => {
  it('random command sequences keep every invariant; rejections emit nothing; replay rebuilds the state', () => {
    let accepted = 0;
    let rejected = 0;
    codes.clear();
    assertDeciderModel({
      decider,
      prefix: orderedArb,
      commands: anyTimeArb,
      maxCommands: 15,
      eventSchemas: customerEventSchemas,
      numRuns: 400,
      step(before, after, events, command) {
        assert.ok(legal[before.status].includes(after.status), `illegal transition ${before.status} → ${after.status}`);
        for (const e of events) {
          if (e.type === 'CustomerVisited') {
            // R-VISIT-TIMELY and R-TIME-ORDER: recorded 0–48 h after the visit; R-REP-ACTIVE: never by a departed rep.
            const lag = Date.parse(command.occurredAt) - Date.parse(e.occurredAt);
            assert.ok(lag >= 0 && lag <= 48 * HOUR, `visit recorded ${lag / HOUR} h after it happened`);
            assert.notEqual(e.data.repId, 'r-4');
          }
          if (e.type === 'CustomerAssigned') assert.ok(e.data.repId === 'r-1' || e.data.repId === 'r-2', `new owner ${e.data.repId} is not active`);
          if (e.type === 'CustomerReactivated' && before.ownerRepId !== undefined) assert.ok(command.context?.refs?.reps?.[before.ownerRepId]?.status === 'active');
          if (e.type === 'ReturnVisitScheduled') assert.equal(before.status, 'registered');
          if (e.type === 'CustomerRegistered') assert.equal(e.data.customerNumber, 'K-001', 'a customer number of another customer was taken');
        }
      },
      invariants(state, history) {
        // Lifecycle: registered once, first; then lost and reactivated alternate, starting with lost.
        assert.equal(history[0]?.type, 'CustomerRegistered');
        assert.equal(history.filter((e) => e.type === 'CustomerRegistered').length, 1);
        const lifecycle = history.filter((e) => e.type === 'CustomerLost' || e.type === 'CustomerReactivated').map((e) => e.type);
        lifecycle.forEach((t, i) => assert.equal(t, i % 2 === 0 ? 'CustomerLost' : 'CustomerReactivated', 'lost/reactivated must alternate'));
        assert.equal(state.status, lifecycle.length % 2 === 1 ? 'lost' : 'registered');

        // Complaints: per id, the stages in order, each once, never going back in time.
        const stagesOf = new Map<string, { types: string[]; at: string[] }>();
        for (const e of history) {
          if (e.type === 'ComplaintReceived' || e.type === 'ComplaintForwarded' || e.type === 'ComplaintResolved' || e.type === 'ComplaintClosed') {
            const s = stagesOf.get(e.data.complaintId) ?? { types: [], at: [] };
            s.types.push(e.type);
            s.at.push(e.occurredAt);
            stagesOf.set(e.data.complaintId, s);
          }
        }
        const order = ['ComplaintReceived', 'ComplaintForwarded', 'ComplaintResolved', 'ComplaintClosed'];
        for (const [id, s] of stagesOf) {
          assert.deepEqual(s.types, order.slice(0, s.types.length), `complaint ${id}: illegal stage sequence ${s.types.join(' → ')}`);
          assert.deepEqual(s.at, [...s.at].sort(), `complaint ${id}: a stage before its antecedent`);
          const c = state.complaints[id];
          assert.ok(c !== undefined && c.stage === complaintStages[s.types.length - 1] && c.receivedAt === s.at[0]);
        }
        assert.equal(Object.keys(state.complaints).length, stagesOf.size);

        // Owners: the first assignment is initial; every later one records the previous owner and changes it.
        let owner: string | undefined;
        for (const e of history) {
          if (e.type !== 'CustomerAssigned') continue;
          if (owner === undefined) assert.ok(e.data.reason === 'initial' && e.data.previousRepId === undefined, 'first assignment must be initial');
          else assert.ok(e.data.reason !== 'initial' && e.data.previousRepId === owner && e.data.repId !== owner, 'reassignment must record the previous owner');
          owner = e.data.repId;
        }
        assert.equal(state.ownerRepId, owner);

        // Return visits: scheduled once, due after scheduling; completed at most once, only if scheduled before, not earlier than scheduled.
        const scheduled = new Map<string, string>();
        const completed = new Set<string>();
        for (const e of history) {
          if (e.type === 'ReturnVisitScheduled') {
            assert.ok(!scheduled.has(e.data.visitId) && e.data.dueAt > e.occurredAt);
            scheduled.set(e.data.visitId, e.occurredAt);
          }
          if (e.type === 'ReturnVisitCompleted') {
            const at = scheduled.get(e.data.visitId);
            assert.ok(at !== undefined && at <= e.occurredAt && !completed.has(e.data.visitId), `return visit ${e.data.visitId} completed without being scheduled`);
            completed.add(e.data.visitId);
          }
        }

        // Visits: each id once; the follow-up anchor is the latest visit, classification or reactivation (R-CUST-FOLLOWUP).
        const visits = history.flatMap((e) => (e.type === 'CustomerVisited' ? [e.data.visitId] : []));
        assert.equal(new Set(visits).size, visits.length);
        let anchor: string | undefined;
        for (const e of history) if (e.type === 'CustomerVisited' || e.type === 'CustomerClassified' || e.type === 'CustomerReactivated') anchor = later(anchor, e.occurredAt);
        assert.equal(state.anchorAt, anchor);
      },
      onRun(a, r) {
        accepted += a;
        rejected += r;
      },
    });
    expect(accepted).toBeGreaterThan(2500);
    expect(rejected).toBeGreaterThan(2500);
    expect([...codes].sort()).toEqual(['R-COMPLAINT-FLOW', 'R-CUST-ASSIGN', 'R-CUST-NUMBER', 'R-CUST-STATE', 'R-REP-ACTIVE', 'R-TIME-ORDER', 'R-VISIT-RETURN', 'R-VISIT-TIMELY']);
  });
});
