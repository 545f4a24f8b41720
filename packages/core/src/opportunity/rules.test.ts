import { deciderSpec } from '@dealbook/testing';
import { describe, expect, it } from 'vitest';
import { definePolicy } from '../define-policy.js';
import { createPolicyTimeline } from '../policy-timeline.js';
import { initialRepState, type RepState, type RepStatus } from '../rep/state.js';
import { violationsOf } from '../rules.js';
import { opportunityCommandSchemas, type OpportunityAggregateRefs, type OpportunityDecision } from './commands.js';
import { createOpportunityDecider } from './decider.js';
import type { OpportunityEvent } from './events.js';
import { opportunityRules } from './rules.js';
import { evolveOpportunity, initialOpportunityState } from './state.js';

const policies = createPolicyTimeline([definePolicy()]);
const decider = createOpportunityDecider(policies);
const spec = deciderSpec(decider);
const t = (day: number) => new Date(Date.UTC(2026, 2, 1 + day)).toISOString();
const at = t(10);
const cmd = (c: Record<string, unknown>, refs?: OpportunityAggregateRefs): OpportunityDecision =>
  ({ commandId: 'c-1', actorId: 'u-1', occurredAt: at, opportunityId: 'o-1', ...c, ...(refs === undefined ? {} : { context: { refs } }) }) as OpportunityDecision;

const rep = (repId: string, status: RepStatus): RepState => ({ ...initialRepState, status, repId, role: 'representative' });
const reps = { 'r-1': rep('r-1', 'active'), 'r-2': rep('r-2', 'active'), 'r-leaving': rep('r-leaving', 'departing'), 'r-gone': rep('r-gone', 'departed') };
const customers = { 'c-1': { registered: true, lost: false }, 'c-lost': { registered: true, lost: true } };

const captured: OpportunityEvent = { type: 'LeadCaptured', occurredAt: t(0), data: { opportunityId: 'o-1', source: 'partner', capturedBy: 'u-1', prospect: { name: 'Acme Cables' } } };
const capturedFor = (customerId: string): OpportunityEvent => ({ type: 'LeadCaptured', occurredAt: t(0), data: { opportunityId: 'o-1', source: 'web', capturedBy: 'u-1', customerId } });
const qualified: OpportunityEvent = { type: 'LeadQualified', occurredAt: t(1), data: { score: 80, priority: 'high' } };
const opened: OpportunityEvent = {
  type: 'OpportunityOpened',
  occurredAt: t(2),
  data: { customerId: 'c-1', repId: 'r-1', productLines: ['power-cable'], estimatedValueMinor: 1_000_000, probability: 0.3, expectedCloseDate: '2026-06-30' },
};
const toStage = (from: string, to: string, day: number): OpportunityEvent => ({ type: 'OpportunityStageChanged', occurredAt: t(day), data: { from, to } }) as OpportunityEvent;
const inQuotation = [captured, qualified, opened, toStage('prospecting', 'quotation', 3)];
const won: OpportunityEvent = { type: 'OpportunityWon', occurredAt: t(5), data: { contractId: 'k-1', valueMinor: 900_000 } };
const lost: OpportunityEvent = { type: 'OpportunityLost', occurredAt: t(5), data: { reason: 'price', competitor: 'Other Co' } };
const openCmd = { type: 'OpenOpportunity', customerId: 'c-1', repId: 'r-1', productLines: ['power-cable'], estimatedValueMinor: 1_000_000, probability: 0.3, expectedCloseDate: '2026-06-30' };
const signedK1 = { 'k-1': { status: 'signed' as const, opportunityId: 'o-1', totalMinor: 900_000, signedAt: t(4) } };

describe('Opportunity rules', () => {
  it('captures a lead, qualifies and opens it', () => {
    spec.given([]).when(cmd({ type: 'CaptureLead', source: 'partner', prospect: { name: 'Acme Cables' }, capturedBy: 'u-1', occurredAt: t(0) })).then([captured]);
    spec.given([captured]).when(cmd({ type: 'QualifyLead', score: 80, priority: 'high', occurredAt: t(1) })).then([qualified]);
    spec.given([captured, qualified]).when(cmd({ ...openCmd, occurredAt: t(2) }, { reps, customers })).then([opened]);
    spec.given([...inQuotation, won]).expectState({
      ...initialOpportunityState,
      phase: 'won',
      opportunityId: 'o-1',
      source: 'partner',
      capturedAt: t(0),
      capturedBy: 'u-1',
      qualified: true,
      score: 80,
      priority: 'high',
      customerId: 'c-1',
      ownerRepId: 'r-1',
      openedAt: t(2),
      stage: 'quotation',
      stageEnteredAt: t(3),
      productLines: ['power-cable'],
      estimatedValueMinor: 1_000_000,
      probability: 0.3,
      expectedCloseDate: '2026-06-30',
      wonContractId: 'k-1',
      wonValueMinor: 900_000,
      closedAt: t(5),
    });
  });

  it('R-LEAD-STATE: capture once; lead commands only in the lead phase; a disqualified lead is closed for good', () => {
    spec.given([captured]).when(cmd({ type: 'CaptureLead', source: 'web', customerId: 'c-1', capturedBy: 'u-1' })).thenError('R-LEAD-STATE', /id is taken/);
    spec.given([]).when(cmd({ type: 'QualifyLead', score: 50, priority: 'low' })).thenError('R-LEAD-STATE', /Capture the lead first/);
    spec.given([captured, { type: 'LeadDisqualified', occurredAt: t(1), data: { reason: 'no budget' } }]).when(cmd(openCmd)).thenError('R-LEAD-STATE', /closed for good/);
    spec.given([captured, qualified, opened]).when(cmd({ type: 'FollowUpLead', note: 'called' })).then('R-LEAD-STATE');
    spec.given([captured, qualified, opened]).when(cmd({ type: 'DisqualifyLead', reason: 'late' })).then('R-LEAD-STATE');
    spec.given([captured, { type: 'LeadAssigned', occurredAt: t(1), data: { repId: 'r-1' } }]).when(cmd({ type: 'AssignLead', repId: 'r-1' })).thenError('R-LEAD-STATE', /already the owner/);
    spec.given([captured]).when(cmd({ type: 'DisqualifyLead', reason: 'no budget' })).then([{ type: 'LeadDisqualified', occurredAt: at, data: { reason: 'no budget' } }]);
    spec.given([captured]).when(cmd({ type: 'FollowUpLead', note: 'called' })).then([{ type: 'LeadFollowedUp', occurredAt: at, data: { note: 'called' } }]);
    // Re-scoring a qualified lead is allowed.
    spec.given([captured, qualified]).when(cmd({ type: 'QualifyLead', score: 60, priority: 'medium' })).then([{ type: 'LeadQualified', occurredAt: at, data: { score: 60, priority: 'medium' } }]);
    // An open opportunity changes owner with LeadAssigned (handover).
    spec.given([captured, qualified, opened]).when(cmd({ type: 'AssignLead', repId: 'r-2' }, { reps })).then([{ type: 'LeadAssigned', occurredAt: at, data: { repId: 'r-2' } }]);
  });

  it('R-OPP-STATE: open-phase commands only once opened; opened once; reopen only when closed', () => {
    spec.given([captured, qualified]).when(cmd({ type: 'ChangeStage', to: 'proposal' })).then('R-OPP-STATE');
    spec.given([captured]).when(cmd({ type: 'EvaluateOpportunity', estimatedValueMinor: 5, probability: 0.5 })).then('R-OPP-STATE');
    spec.given([captured, qualified, opened]).when(cmd(openCmd)).thenError('R-OPP-STATE', /already open/);
    spec.given([captured, qualified, opened]).when(cmd({ type: 'ReopenOpportunity', reason: 'x' })).thenError('R-OPP-STATE', /Only a won or lost/);
    spec.given([captured, qualified, opened]).when(cmd({ type: 'EvaluateOpportunity', estimatedValueMinor: 2_000_000, probability: 0.6 })).then([
      { type: 'OpportunityEvaluated', occurredAt: at, data: { estimatedValueMinor: 2_000_000, probability: 0.6 } },
    ]);
    spec.given([captured, qualified, opened]).when(cmd({ type: 'LoseOpportunity', reason: 'price' })).then([{ type: 'OpportunityLost', occurredAt: at, data: { reason: 'price' } }]);
    // The auditor reports an out-of-phase event once, under its lifecycle code.
    const lead = [captured, qualified].reduce(evolveOpportunity, initialOpportunityState);
    const context = { policy: policies.at(at), recordedAt: at, refs: { contracts: {} } };
    expect(violationsOf(opportunityRules, lead, won, context).map((v) => v.code)).toEqual(['R-OPP-STATE']);
    expect(violationsOf(opportunityRules, lead, { type: 'OpportunityReopened', occurredAt: at, data: { reason: 'x', stage: 'proposal' } }, context).map((v) => v.code)).toEqual(['R-OPP-STATE']);
  });

  it('R-OPP-CLOSED: nothing happens to a won or lost opportunity but reopening', () => {
    for (const closed of [won, lost]) {
      const given = [...inQuotation, closed];
      spec.given(given).when(cmd({ type: 'EvaluateOpportunity', estimatedValueMinor: 5, probability: 0.5 })).then('R-OPP-CLOSED');
      spec.given(given).when(cmd({ type: 'ChangeStage', to: 'negotiation' })).then('R-OPP-CLOSED');
      spec.given(given).when(cmd({ type: 'AssignLead', repId: 'r-2' })).then('R-OPP-CLOSED');
      spec.given(given).when(cmd({ type: 'WinOpportunity', contractId: 'k-1', valueMinor: 900_000 })).then('R-OPP-CLOSED');
      spec.given(given).when(cmd({ type: 'IssueQuote', quoteId: 'q-9', lines: [{ productLine: 'power-cable', quantity: 1, unitPriceMinor: 1 }], validUntil: t(30) })).then('R-OPP-CLOSED');
    }
    spec.given([...inQuotation, lost]).when(cmd({ type: 'ReopenOpportunity', reason: 'customer came back' })).then([
      { type: 'OpportunityReopened', occurredAt: at, data: { reason: 'customer came back', stage: 'quotation' } },
    ]);
  });

  it('R-LEAD-QUALIFY: only a qualified lead opens, for a registered customer (the lead’s own, if named)', () => {
    spec.given([captured]).when(cmd(openCmd, { reps, customers })).thenError('R-LEAD-QUALIFY', /not qualified/);
    spec.given([captured, qualified]).when(cmd({ ...openCmd, customerId: 'c-unknown' }, { reps, customers })).thenError('R-LEAD-QUALIFY', /no registered customer/);
    spec.given([captured, qualified]).when(cmd({ ...openCmd, customerId: 'c-9' }, { reps, customers: { 'c-9': { registered: false, lost: false } } })).then('R-LEAD-QUALIFY');
    spec.given([capturedFor('c-2'), qualified]).when(cmd(openCmd, { reps, customers })).thenError('R-LEAD-QUALIFY', /captured for customer c-2/);
    spec.given([capturedFor('c-1'), qualified]).when(cmd({ ...openCmd, occurredAt: t(2) }, { reps, customers })).then([opened]);
    // Without refs (decider on its own) the customer is not judged.
    spec.given([captured, qualified]).when(cmd({ ...openCmd, customerId: 'c-unknown', occurredAt: t(2) })).then([{ ...opened, data: { ...opened.data, customerId: 'c-unknown' } } as OpportunityEvent]);
  });

  it('R-CUST-LOST: no new opportunity for a lost customer', () => {
    spec.given([captured, qualified]).when(cmd({ ...openCmd, customerId: 'c-lost' }, { reps, customers })).thenError('R-CUST-LOST', /reactivate/);
    spec.given([captured, qualified]).when(cmd({ ...openCmd, occurredAt: t(2) }, { reps, customers })).then([opened]);
  });

  it('R-REP-ACTIVE: assignees and new owners active; step owners and the quoting owner not departed', () => {
    spec.given([captured]).when(cmd({ type: 'AssignLead', repId: 'r-gone' }, { reps })).thenError('R-REP-ACTIVE', /departed/);
    spec.given([captured]).when(cmd({ type: 'AssignLead', repId: 'r-leaving' }, { reps })).thenError('R-REP-ACTIVE', /leaving/);
    spec.given([captured]).when(cmd({ type: 'AssignLead', repId: 'r-nobody' }, { reps })).thenError('R-REP-ACTIVE', /no rep/);
    spec.given([captured]).when(cmd({ type: 'AssignLead', repId: 'r-2' }, { reps })).then([{ type: 'LeadAssigned', occurredAt: at, data: { repId: 'r-2' } }]);
    spec.given([captured, qualified]).when(cmd({ ...openCmd, repId: 'r-leaving' }, { reps, customers })).then('R-REP-ACTIVE');
    const steps = (ownerId: string) => [
      { action: 'send samples', dueAt: t(12), ownerId: 'r-1' },
      { action: 'site visit', dueAt: t(15), ownerId },
    ];
    spec.given([captured, qualified, opened]).when(cmd({ type: 'PlanFollowUp', steps: steps('r-gone') }, { reps })).then('R-REP-ACTIVE');
    spec.given([captured, qualified, opened]).when(cmd({ type: 'PlanFollowUp', steps: steps('r-leaving') }, { reps })).then([{ type: 'FollowUpPlanned', occurredAt: at, data: { steps: steps('r-leaving') } }]);
    const quote = { type: 'IssueQuote', quoteId: 'q-1', lines: [{ productLine: 'power-cable', quantity: 2, unitPriceMinor: 450_000 }], validUntil: t(40) };
    spec.given(inQuotation).when(cmd(quote, { reps: { ...reps, 'r-1': rep('r-1', 'departed') } })).thenError('R-REP-ACTIVE', /r-1 has departed/);
    spec.given(inQuotation).when(cmd(quote, { reps: { ...reps, 'r-1': rep('r-1', 'departing') } })).then([
      { type: 'QuoteIssued', occurredAt: at, data: { quoteId: 'q-1', lines: quote.lines, totalMinor: 900_000, validUntil: t(40) } },
    ]);
  });

  it('R-OPP-STAGE: from the current stage to another one', () => {
    spec.given([captured, qualified, opened]).when(cmd({ type: 'ChangeStage', to: 'prospecting' })).thenError('R-OPP-STAGE', /already in prospecting/);
    spec.given([captured, qualified, opened]).when(cmd({ type: 'ChangeStage', to: 'proposal' })).then([{ type: 'OpportunityStageChanged', occurredAt: at, data: { from: 'prospecting', to: 'proposal' } }]);
    // The auditor judges a stored event whose `from` is not the stage it was in.
    const before = [captured, qualified, opened].reduce(evolveOpportunity, initialOpportunityState);
    const found = violationsOf(opportunityRules, before, toStage('needs_analysis', 'proposal', 10), { policy: policies.at(at), recordedAt: at, refs: {} });
    expect(found.map((v) => v.code)).toEqual(['R-OPP-STAGE']);
  });

  it('R-OPP-STAGE-BACK: moving back needs a reason', () => {
    spec.given(inQuotation).when(cmd({ type: 'ChangeStage', to: 'proposal' })).thenError('R-OPP-STAGE-BACK', /needs a reason/);
    spec.given(inQuotation).when(cmd({ type: 'ChangeStage', to: 'proposal', reason: 'scope changed' })).then([
      { type: 'OpportunityStageChanged', occurredAt: at, data: { from: 'quotation', to: 'proposal', reason: 'scope changed' } },
    ]);
  });

  it('R-OPP-QUOTE: in quotation or negotiation, new id, own product lines, computed total, valid after issue', () => {
    const lines = [
      { productLine: 'power-cable', spec: 'YJV 3x95', quantity: 3, unitPriceMinor: 120_050 },
      { productLine: 'power-cable', quantity: 2, unitPriceMinor: 7 },
    ];
    const quote = { type: 'IssueQuote', quoteId: 'q-1', lines, validUntil: t(40) };
    spec.given(inQuotation).when(cmd(quote)).then([{ type: 'QuoteIssued', occurredAt: at, data: { quoteId: 'q-1', lines, totalMinor: 360_164, validUntil: t(40) } }]);
    spec.given([captured, qualified, opened, toStage('prospecting', 'proposal', 3)]).when(cmd(quote)).thenError('R-OPP-QUOTE', /move it to quotation/);
    const issued: OpportunityEvent = { type: 'QuoteIssued', occurredAt: t(4), data: { quoteId: 'q-1', lines, totalMinor: 360_164, validUntil: t(40) } };
    spec.given([...inQuotation, issued]).when(cmd(quote)).thenError('R-OPP-QUOTE', /already issued/);
    spec.given(inQuotation).when(cmd({ ...quote, lines: [{ productLine: 'fibre', quantity: 1, unitPriceMinor: 1 }] })).thenError('R-OPP-QUOTE', /not fibre/);
    spec.given(inQuotation).when(cmd({ ...quote, validUntil: at })).thenError('R-OPP-QUOTE', /expire/);
    spec.given(inQuotation).when(cmd({ ...quote, lines: [{ productLine: 'power-cable', quantity: 2 ** 30, unitPriceMinor: 2 ** 30 }] })).thenError('R-OPP-QUOTE', /too large/);
    spec.given([...inQuotation, toStage('quotation', 'negotiation', 4)]).when(cmd({ ...quote, quoteId: 'q-2' })).then([{ type: 'QuoteIssued', occurredAt: at, data: { quoteId: 'q-2', lines, totalMinor: 360_164, validUntil: t(40) } }]);
    // The auditor judges a stored total that is not Σ quantity × unit price.
    const before = inQuotation.reduce(evolveOpportunity, initialOpportunityState);
    const forged: OpportunityEvent = { ...issued, data: { ...issued.data, totalMinor: 1 } } as OpportunityEvent;
    expect(violationsOf(opportunityRules, before, forged, { policy: policies.at(at), recordedAt: at, refs: {} }).map((v) => v.code)).toEqual(['R-OPP-QUOTE']);
  });

  it('R-OPP-WON: won only by a contract drafted from it, signed, for its total', () => {
    const win = cmd({ type: 'WinOpportunity', contractId: 'k-1', valueMinor: 900_000, occurredAt: t(5) }, { contracts: signedK1 });
    spec.given(inQuotation).when(win).then([won]);
    // From any open stage.
    spec.given([captured, qualified, opened]).when(win).then([won]);
    spec.given(inQuotation).when(cmd({ type: 'WinOpportunity', contractId: 'k-2', valueMinor: 900_000, occurredAt: t(5) }, { contracts: signedK1 })).thenError('R-OPP-WON', /no contract k-2/);
    spec.given(inQuotation).when(cmd({ type: 'WinOpportunity', contractId: 'k-1', valueMinor: 900_000, occurredAt: t(5) }, { contracts: { 'k-1': { ...signedK1['k-1'], opportunityId: 'o-2' } } })).thenError('R-OPP-WON', /not drafted from/);
    spec.given(inQuotation).when(cmd({ type: 'WinOpportunity', contractId: 'k-1', valueMinor: 900_000, occurredAt: t(5) }, { contracts: { 'k-1': { status: 'approved', opportunityId: 'o-1', totalMinor: 900_000 } } })).thenError('R-OPP-WON', /not signed/);
    spec.given(inQuotation).when(cmd({ type: 'WinOpportunity', contractId: 'k-1', valueMinor: 800_000, occurredAt: t(5) }, { contracts: signedK1 })).thenError('R-OPP-WON', /total 900000/);
  });

  it('R-OPP-REOPEN: a lost one may reopen; a won one once its contract is terminated; at the last open stage', () => {
    const reopen = (status: 'signed' | 'terminated') => cmd({ type: 'ReopenOpportunity', reason: 'contract cancelled' }, { contracts: { 'k-1': { ...signedK1['k-1'], status } } });
    spec.given([...inQuotation, won]).when(reopen('signed')).thenError('R-OPP-REOPEN', /terminate the contract/);
    spec.given([...inQuotation, won]).when(reopen('terminated')).then([{ type: 'OpportunityReopened', occurredAt: at, data: { reason: 'contract cancelled', stage: 'quotation' } }]);
    spec.given([...inQuotation, won]).when(cmd({ type: 'ReopenOpportunity', reason: 'x' }, { contracts: {} })).then('R-OPP-REOPEN');
    const reopened: OpportunityEvent = { type: 'OpportunityReopened', occurredAt: t(8), data: { reason: 'again', stage: 'quotation' } };
    spec.given([...inQuotation, won, reopened]).expectState({
      ...inQuotation.reduce(evolveOpportunity, initialOpportunityState),
      stageEnteredAt: t(8),
    });
    // The auditor judges a stored reopening at another stage.
    const before = [...inQuotation, lost].reduce(evolveOpportunity, initialOpportunityState);
    expect(violationsOf(opportunityRules, before, { ...reopened, data: { reason: 'again', stage: 'prospecting' } }, { policy: policies.at(at), recordedAt: at, refs: {} }).map((v) => v.code)).toEqual(['R-OPP-REOPEN']);
  });

  it('R-TIME-ORDER: no follow-on before its antecedent', () => {
    spec.given([captured, qualified]).when(cmd({ ...openCmd, occurredAt: '2026-02-28T00:00:00.000Z' })).thenError('R-TIME-ORDER', /before the lead was captured/);
    spec.given(inQuotation).when(cmd({ type: 'ChangeStage', to: 'negotiation', occurredAt: t(2) })).thenError('R-TIME-ORDER', /before it entered quotation/);
    spec.given(inQuotation).when(cmd({ type: 'LoseOpportunity', reason: 'price', occurredAt: t(2) })).then('R-TIME-ORDER');
    spec.given([...inQuotation, lost]).when(cmd({ type: 'ReopenOpportunity', reason: 'back', occurredAt: t(4) })).thenError('R-TIME-ORDER', /before it was closed/);
    spec.given([captured, qualified, opened]).when(cmd({ type: 'WinOpportunity', contractId: 'k-1', valueMinor: 900_000, occurredAt: t(3) }, { contracts: signedK1 })).thenError('R-TIME-ORDER', /before contract k-1 was signed/);
    spec.given(inQuotation).when(cmd({ type: 'ChangeStage', to: 'negotiation', occurredAt: t(3) })).then([toStage('quotation', 'negotiation', 3)]);
  });
});

describe('Opportunity command schemas', () => {
  const meta = { commandId: 'c-1', actorId: 'u-1', occurredAt: at, opportunityId: 'o-1' };

  it('a lead names a customer or a prospect, from a known source', () => {
    expect(opportunityCommandSchemas.CaptureLead.safeParse({ type: 'CaptureLead', ...meta, source: 'web', capturedBy: 'u-1' }).success).toBe(false);
    expect(opportunityCommandSchemas.CaptureLead.safeParse({ type: 'CaptureLead', ...meta, source: 'fax', customerId: 'c-1', capturedBy: 'u-1' }).success).toBe(false);
    expect(opportunityCommandSchemas.CaptureLead.safeParse({ type: 'CaptureLead', ...meta, source: 'web', customerId: 'c-1', capturedBy: 'u-1' }).success).toBe(true);
  });

  it('probability in [0, 1], integer money, no host-supplied context or total', () => {
    expect(opportunityCommandSchemas.OpenOpportunity.safeParse({ ...openCmd, ...meta, probability: 1.2 }).success).toBe(false);
    expect(opportunityCommandSchemas.OpenOpportunity.safeParse({ ...openCmd, ...meta, estimatedValueMinor: 10.5 }).success).toBe(false);
    expect(opportunityCommandSchemas.OpenOpportunity.safeParse({ ...openCmd, ...meta }).success).toBe(true);
    expect(opportunityCommandSchemas.OpenOpportunity.safeParse({ ...openCmd, ...meta, context: { refs: {} } }).success).toBe(false);
    const quote = { type: 'IssueQuote', ...meta, quoteId: 'q-1', lines: [{ productLine: 'power-cable', quantity: 1, unitPriceMinor: 5 }], validUntil: t(40) };
    expect(opportunityCommandSchemas.IssueQuote.safeParse(quote).success).toBe(true);
    expect(opportunityCommandSchemas.IssueQuote.safeParse({ ...quote, totalMinor: 5 }).success).toBe(false);
    expect(opportunityCommandSchemas.IssueQuote.safeParse({ ...quote, lines: [{ productLine: 'power-cable', quantity: 0, unitPriceMinor: 5 }] }).success).toBe(false);
  });
});
