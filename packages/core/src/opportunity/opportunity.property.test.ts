import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assertDeciderModel } from '@dealbook/testing';
import { describe, expect, it } from 'vitest';
import { definePolicy } from '../define-policy.js';
import { createPolicyTimeline } from '../policy-timeline.js';
import { initialRepState, type RepState, type RepStatus } from '../rep/state.js';
import type { ContractStatusView, OpportunityAggregateRefs, OpportunityDecision } from './commands.js';
import { createOpportunityDecider } from './decider.js';
import { leadSources, opportunityEventSchemas, opportunityStages, quoteTotalMinor, opportunityStageIndex } from './events.js';
import type { OpportunityPhase } from './state.js';

const decider = createOpportunityDecider(createPolicyTimeline([definePolicy()]));
const BASE = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const rep = (repId: string, status: RepStatus): RepState => ({ ...initialRepState, status, repId, role: 'representative' });
const reps = { 'r-1': rep('r-1', 'active'), 'r-2': rep('r-2', 'active'), 'r-leaving': rep('r-leaving', 'departing'), 'r-gone': rep('r-gone', 'departed') };
const customers = { 'c-1': { registered: true, lost: false }, 'c-2': { registered: true, lost: false }, 'c-lost': { registered: true, lost: true } };
const lines = ['power-cable', 'control-cable'];
const SIGNED_TOTAL = 900_000;

/** A command body without its envelope, and what it needs from the clock (validUntil, signedAt are relative to it). */
type Body = Record<string, unknown> & { readonly type: OpportunityDecision['type'] };
interface Draft {
  readonly body: Body;
  /** Contract refs, built at the command's time. */
  readonly contracts?: (atMs: number) => NonNullable<OpportunityAggregateRefs['contracts']>;
  /** A quote's validity in hours after it is issued (≤ 0: already expired). */
  readonly validHours?: number;
}

const contractArb = fc.record({
  status: fc.constantFrom<ContractStatusView>('signed', 'signed', 'signed', 'fulfilled', 'approved', 'terminated'),
  opportunityId: fc.constantFrom('o-1', 'o-1', 'o-1', 'o-2'),
});

const draftArb: fc.Arbitrary<Draft> = fc.oneof(
  { arbitrary: fc.record({ type: fc.constant('CaptureLead' as const), source: fc.constantFrom(...leadSources), customerId: fc.constantFrom('c-1', 'c-2'), capturedBy: fc.constant('u-1') }).map((body) => ({ body })), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('QualifyLead' as const), score: fc.integer({ min: 0, max: 100 }), priority: fc.constantFrom('high', 'medium', 'low') }).map((body) => ({ body })), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('DisqualifyLead' as const), reason: fc.constant('no budget') }).map((body) => ({ body })), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('AssignLead' as const), repId: fc.constantFrom('r-1', 'r-2', 'r-2', 'r-leaving', 'r-gone') }).map((body) => ({ body })), weight: 4 },
  { arbitrary: fc.record({ type: fc.constant('FollowUpLead' as const), note: fc.constant('called back') }).map((body) => ({ body })), weight: 2 },
  {
    arbitrary: fc
      .record({
        type: fc.constant('OpenOpportunity' as const),
        customerId: fc.constantFrom('c-1', 'c-1', 'c-1', 'c-2', 'c-lost', 'c-none'),
        repId: fc.constantFrom('r-1', 'r-1', 'r-2', 'r-leaving'),
        productLines: fc.subarray(lines, { minLength: 1 }),
        estimatedValueMinor: fc.integer({ min: 0, max: 10_000_000 }),
        probability: fc.integer({ min: 0, max: 100 }).map((p) => p / 100),
        expectedCloseDate: fc.constant('2026-12-31'),
      })
      .map((body) => ({ body })),
    weight: 4,
  },
  {
    arbitrary: fc
      .record({ type: fc.constant('EvaluateOpportunity' as const), estimatedValueMinor: fc.integer({ min: 0, max: 10_000_000 }), probability: fc.integer({ min: 0, max: 100 }).map((p) => p / 100) })
      .map((body) => ({ body })),
    weight: 2,
  },
  {
    arbitrary: fc
      .record({
        type: fc.constant('PlanFollowUp' as const),
        steps: fc.array(fc.record({ action: fc.constant('visit'), dueAt: fc.constant(iso(BASE + 5000 * HOUR)), ownerId: fc.constantFrom('r-1', 'r-2', 'r-2', 'r-gone') }, { noNullPrototype: true }), { minLength: 1, maxLength: 2 }),
      })
      .map((body) => ({ body })),
    weight: 2,
  },
  {
    arbitrary: fc
      .record({ type: fc.constant('ChangeStage' as const), to: fc.constantFrom(...opportunityStages), reason: fc.option(fc.constant('rethink'), { nil: undefined }) })
      .map(({ reason, ...body }) => ({ body: reason === undefined ? body : { ...body, reason } })),
    weight: 12,
  },
  {
    arbitrary: fc
      .record({
        type: fc.constant('IssueQuote' as const),
        quoteId: fc.constantFrom('q-1', 'q-2', 'hasOwnProperty'),
        lines: fc.array(fc.record({ productLine: fc.constantFrom(...lines, ...lines, 'fibre'), quantity: fc.integer({ min: 1, max: 50 }), unitPriceMinor: fc.integer({ min: 0, max: 1_000_000 }) }, { noNullPrototype: true }), { minLength: 1, maxLength: 3 }),
        validHours: fc.integer({ min: -2, max: 720 }),
      })
      .map(({ validHours, ...body }) => ({ body, validHours })),
    weight: 8,
  },
  {
    arbitrary: fc
      .record({ contractId: fc.constantFrom('k-1', 'k-1', 'k-2'), value: fc.constantFrom(SIGNED_TOTAL, SIGNED_TOTAL, SIGNED_TOTAL, 1), contract: contractArb, signedAfter: fc.integer({ min: 0, max: 6 }).map((n) => n === 0) })
      .map(({ contractId, value, contract, signedAfter }) => ({
        body: { type: 'WinOpportunity' as const, contractId, valueMinor: value },
        // k-2 is absent from the refs (unknown); k-1 was signed an hour before the command, or (rarely) an hour after it.
        contracts: (atMs: number) => ({ 'k-1': { status: contract.status, opportunityId: contract.opportunityId, totalMinor: SIGNED_TOTAL, ...(contract.status === 'approved' ? {} : { signedAt: iso(atMs + (signedAfter ? HOUR : -HOUR)) }) } }),
      })),
    weight: 6,
  },
  { arbitrary: fc.record({ type: fc.constant('LoseOpportunity' as const), reason: fc.constant('price'), competitor: fc.constant('Other Co') }).map((body) => ({ body })), weight: 2 },
  {
    arbitrary: fc.record({ status: fc.constantFrom<ContractStatusView>('signed', 'terminated', 'terminated') }).map(({ status }) => ({
      body: { type: 'ReopenOpportunity' as const, reason: 'customer came back' },
      contracts: () => ({ 'k-1': { status, opportunityId: 'o-1', totalMinor: SIGNED_TOTAL, signedAt: iso(BASE) } }),
    })),
    weight: 6,
  },
);

/** The command of a draft at an instant, with the refs the engine would attach. */
function toCommand(draft: Draft, n: number, atMs: number): OpportunityDecision {
  const { validHours, contracts } = draft;
  const refs: OpportunityAggregateRefs = { reps, customers, ...(contracts === undefined ? {} : { contracts: contracts(atMs) }) };
  return {
    ...draft.body,
    ...(validHours === undefined ? {} : { validUntil: iso(atMs + validHours * HOUR) }),
    opportunityId: 'o-1',
    commandId: `c-${n}`,
    actorId: 'u-1',
    occurredAt: iso(atMs),
    context: { refs },
  } as OpportunityDecision;
}

/** The usual start of a stream: capture (for a customer or a prospect), qualify, open. */
const skeleton = (customerId: string | undefined): readonly Draft[] => [
  { body: { type: 'CaptureLead', source: 'partner', capturedBy: 'u-1', ...(customerId === undefined ? { prospect: { name: 'Acme Cables' } } : { customerId }) } },
  { body: { type: 'QualifyLead', score: 70, priority: 'high' } },
  { body: { type: 'OpenOpportunity', customerId: 'c-1', repId: 'r-1', productLines: lines, estimatedValueMinor: 1_000_000, probability: 0.4, expectedCloseDate: '2026-12-31' } },
];

/**
 * A plausible history: mostly the first steps of the skeleton, then random
 * commands at increasing times (an hour or three back now and then).
 */
const sequenceArb: fc.Arbitrary<readonly OpportunityDecision[]> = fc
  .tuple(
    fc.constantFrom(0, 1, 2, 3, 3, 3, 3, 3, 3),
    fc.constantFrom('c-1', undefined),
    fc.array(fc.tuple(draftArb, fc.integer({ min: -3, max: 48 })), { minLength: 10, maxLength: 40 }),
  )
  .map(([start, customerId, rest]) => {
    const drafts = [...skeleton(customerId).slice(0, start).map((d) => [d, 1] as const), ...rest];
    let atMs = BASE;
    return drafts.map(([draft, stepHours], i) => {
      atMs += stepHours * HOUR;
      return toCommand(draft, i, atMs);
    });
  });

/** A few stray commands at any time of the year (backdated ones included). */
const strayArb: fc.Arbitrary<OpportunityDecision> = fc.tuple(draftArb, fc.nat(), fc.integer({ min: 0, max: 365 * 24 })).map(([draft, n, hours]) => toCommand(draft, 1000 + n, BASE + hours * HOUR));

const legal: Record<OpportunityPhase, readonly OpportunityPhase[]> = {
  none: ['lead'],
  lead: ['lead', 'disqualified', 'open'],
  disqualified: [],
  open: ['open', 'won', 'lost'],
  won: ['open'],
  lost: ['open'],
};

describe('Opportunity (model-based)', () => {
  it('random command sequences keep every invariant; rejections emit nothing; replay rebuilds the state', () => {
    let accepted = 0;
    let rejected = 0;
    const seen = new Map<string, number>();
    assertDeciderModel({
      decider,
      // The prefix is the plausible, time-ordered history; the random tail adds stray commands at any time.
      prefix: sequenceArb,
      commands: strayArb,
      maxCommands: 4,
      eventSchemas: opportunityEventSchemas,
      numRuns: 400,
      step(before, after, events, command) {
        assert.ok(legal[before.phase].includes(after.phase), `illegal transition ${before.phase} → ${after.phase}`);
        const refs = command.context?.refs ?? {};
        for (const e of events) {
          seen.set(e.type, (seen.get(e.type) ?? 0) + 1);
          // Nothing but reopening changes a closed opportunity, at its last stage.
          if (before.phase === 'won' || before.phase === 'lost') {
            assert.equal(e.type, 'OpportunityReopened');
            assert.equal(after.stage, before.stage);
          }
          switch (e.type) {
            case 'OpportunityStageChanged':
              assert.equal(e.data.from, before.stage);
              assert.notEqual(e.data.to, e.data.from);
              if (opportunityStageIndex(e.data.to) < opportunityStageIndex(e.data.from)) assert.ok(e.data.reason !== undefined, 'backward move without a reason');
              break;
            case 'OpportunityOpened':
              assert.ok(before.qualified, 'opened an unqualified lead');
              assert.ok(refs.customers?.[e.data.customerId]?.registered === true && !refs.customers[e.data.customerId]?.lost, 'opened for an unknown or lost customer');
              assert.equal(refs.reps?.[e.data.repId]?.status, 'active');
              assert.equal(after.stage, 'prospecting');
              break;
            case 'LeadAssigned':
              assert.equal(refs.reps?.[e.data.repId]?.status, 'active');
              break;
            case 'FollowUpPlanned':
              for (const s of e.data.steps) assert.ok(['active', 'departing'].includes(refs.reps?.[s.ownerId]?.status ?? 'none'));
              break;
            case 'QuoteIssued':
              assert.ok(before.stage === 'quotation' || before.stage === 'negotiation');
              assert.ok(e.data.validUntil > e.occurredAt);
              for (const l of e.data.lines) assert.ok(before.productLines.includes(l.productLine));
              break;
            case 'OpportunityWon': {
              const contract = refs.contracts?.[e.data.contractId];
              assert.ok(contract !== undefined && contract.opportunityId === 'o-1' && contract.signedAt !== undefined && contract.signedAt <= e.occurredAt);
              assert.ok(contract.status === 'signed' || contract.status === 'fulfilled');
              assert.equal(e.data.valueMinor, contract.totalMinor);
              break;
            }
            case 'OpportunityReopened':
              if (before.phase === 'won') assert.equal(refs.contracts?.[before.wonContractId ?? '']?.status, 'terminated');
              break;
            default:
              break;
          }
        }
      },
      invariants(state, history) {
        // A won opportunity has its contract; only a won one does.
        assert.equal(state.phase === 'won', state.wonContractId !== undefined);
        // Once opened, the owner, customer, stage and opening time are always set.
        if (state.phase === 'open' || state.phase === 'won' || state.phase === 'lost') {
          assert.ok(state.ownerRepId !== undefined && state.customerId !== undefined && state.stage !== undefined && state.openedAt !== undefined);
        }
        assert.equal(state.closedAt !== undefined, ['disqualified', 'won', 'lost'].includes(state.phase));
        if (state.probability !== undefined) assert.ok(state.probability >= 0 && state.probability <= 1);
        // Quote totals are Σ quantity × unit price; quote ids are unique.
        const quotes = history.filter((e) => e.type === 'QuoteIssued');
        for (const q of quotes) assert.equal(q.data.totalMinor, quoteTotalMinor(q.data.lines));
        assert.equal(new Set(quotes.map((q) => q.data.quoteId)).size, quotes.length);
        // Nothing follows a disqualification; nothing but reopening follows a close; stage times never go back.
        const disqualified = history.findIndex((e) => e.type === 'LeadDisqualified');
        if (disqualified >= 0) assert.equal(disqualified, history.length - 1, 'an event after a disqualification');
        let closed = false;
        let enteredAt = '';
        for (const e of history) {
          if (closed) assert.equal(e.type, 'OpportunityReopened');
          closed = e.type === 'OpportunityWon' || e.type === 'OpportunityLost';
          if (e.type === 'OpportunityOpened' || e.type === 'OpportunityStageChanged' || e.type === 'OpportunityReopened') {
            assert.ok(e.occurredAt >= enteredAt, 'a stage entered before the previous one');
            enteredAt = e.occurredAt;
          }
        }
      },
      onRun(a, r) {
        accepted += a;
        rejected += r;
      },
    });
    expect(accepted).toBeGreaterThan(2000);
    expect(rejected).toBeGreaterThan(2000);
    // Every event type is reached, the far end of the lifecycle included.
    for (const type of Object.keys(opportunityEventSchemas)) expect(seen.get(type) ?? 0, type).toBeGreaterThan(type === 'LeadDisqualified' ? 5 : 20);
  });
});
