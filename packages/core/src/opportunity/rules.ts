import { entryOf } from '@dealbook/eventsourcing';
import { violation, type Rule } from '../rules.js';
import { checkRepActive } from '../shared-rules.js';
import type { OpportunityAggregateRefs } from './commands.js';
import { quoteTotalMinor, opportunityStageIndex, type OpportunityEvent } from './events.js';
import type { OpportunityPhase, OpportunityState } from './state.js';

type OpportunityRule = Rule<OpportunityState, OpportunityEvent, OpportunityAggregateRefs>;
type EventType = OpportunityEvent['type'];

const allEventTypes: readonly EventType[] = [
  'LeadCaptured',
  'LeadQualified',
  'LeadDisqualified',
  'LeadAssigned',
  'LeadFollowedUp',
  'OpportunityOpened',
  'OpportunityEvaluated',
  'FollowUpPlanned',
  'OpportunityStageChanged',
  'QuoteIssued',
  'OpportunityWon',
  'OpportunityLost',
  'OpportunityReopened',
];

/**
 * Which phases each event may happen in. `LeadAssigned` is also the owner
 * change of an open opportunity (handover before a rep departs; domain-rules
 * §6 Q1), until the catalogue has an `OpportunityAssigned`.
 */
const allowedIn: Record<EventType, readonly OpportunityPhase[]> = {
  LeadCaptured: ['none'],
  LeadQualified: ['lead'],
  LeadDisqualified: ['lead'],
  LeadAssigned: ['lead', 'open'],
  LeadFollowedUp: ['lead'],
  OpportunityOpened: ['lead'],
  OpportunityEvaluated: ['open'],
  FollowUpPlanned: ['open'],
  OpportunityStageChanged: ['open'],
  QuoteIssued: ['open'],
  OpportunityWon: ['open'],
  OpportunityLost: ['open'],
  OpportunityReopened: ['won', 'lost'],
};

const leadEvents: readonly EventType[] = ['LeadCaptured', 'LeadQualified', 'LeadDisqualified', 'LeadAssigned', 'LeadFollowedUp'];

const describePhase = (p: OpportunityPhase): string => (p === 'none' ? 'not captured' : p === 'lead' ? 'a lead' : p);

/**
 * The code a lifecycle refusal takes: R-OPP-CLOSED for anything but reopening
 * a won/lost opportunity; R-LEAD-STATE for a stream not captured yet, a
 * disqualified lead (closed for good) or a lead-phase event out of the lead
 * phase; R-OPP-STATE for an open-phase event out of the open phase.
 */
function phaseViolationCode(phase: OpportunityPhase, type: EventType): string | undefined {
  if (allowedIn[type].includes(phase)) return undefined;
  if (phase === 'won' || phase === 'lost') return 'R-OPP-CLOSED';
  if (phase === 'none' || phase === 'disqualified' || leadEvents.includes(type)) return 'R-LEAD-STATE';
  return 'R-OPP-STATE';
}

function phaseHint(phase: OpportunityPhase, type: EventType): string {
  if (phase === 'none') return 'Capture the lead first.';
  if (phase === 'disqualified') return 'A disqualified lead is closed for good: capture a new lead.';
  if (type === 'LeadCaptured') return 'This opportunity id is taken: capture the lead with a new id.';
  if (type === 'OpportunityOpened' && phase === 'open') return 'It is already open.';
  if (type === 'OpportunityReopened') return 'Only a won or lost opportunity can be reopened.';
  return `Allowed when the opportunity is ${allowedIn[type].map(describePhase).join(' or ')}.`;
}

function lifecycleRule(code: string): OpportunityRule {
  return {
    code,
    on: allEventTypes,
    check(before, event) {
      if (phaseViolationCode(before.phase, event.type) !== code) return undefined;
      return violation(code, `${event.type} is not allowed for an opportunity that is ${describePhase(before.phase)}. ${phaseHint(before.phase, event.type)}`, { phase: before.phase });
    },
  };
}

/** R-OPP-CLOSED: nothing happens to a won or lost opportunity but reopening. */
export const closedOpportunity: OpportunityRule = lifecycleRule('R-OPP-CLOSED');

/** R-LEAD-STATE: the lead phase (capture once, qualify, disqualify for good, assign, follow up). */
const leadPhase = lifecycleRule('R-LEAD-STATE');
export const leadLifecycle: OpportunityRule = {
  ...leadPhase,
  check(before, event, context) {
    const refused = leadPhase.check(before, event, context);
    if (refused !== undefined) return refused;
    if (event.type === 'LeadAssigned' && event.data.repId === before.ownerRepId) {
      return violation('R-LEAD-STATE', `Rep ${event.data.repId} is already the owner: assign another rep or do nothing.`, { repId: event.data.repId });
    }
    return undefined;
  },
};

/** R-OPP-STATE: open-phase events only for an open opportunity; opened once; reopened only when closed. */
export const opportunityLifecycle: OpportunityRule = lifecycleRule('R-OPP-STATE');

/**
 * R-LEAD-QUALIFY: only a qualified lead becomes an opportunity, for a
 * registered customer (the one the lead named, if it named one).
 */
export const openOnlyQualified: OpportunityRule = {
  code: 'R-LEAD-QUALIFY',
  on: ['OpportunityOpened'],
  check(before, event, { refs }) {
    if (event.type !== 'OpportunityOpened' || before.phase !== 'lead') return undefined;
    if (!before.qualified) return violation('R-LEAD-QUALIFY', 'The lead is not qualified: qualify it (score and priority) before opening an opportunity.', { reason: 'unqualified' });
    const { customerId } = event.data;
    if (before.customerId !== undefined && before.customerId !== customerId) {
      return violation('R-LEAD-QUALIFY', `The lead was captured for customer ${before.customerId}, not ${customerId}: open it for that customer or capture a new lead.`, { reason: 'customer-mismatch', leadCustomerId: before.customerId, customerId });
    }
    if (refs.customers !== undefined && entryOf(refs.customers, customerId)?.registered !== true) {
      return violation('R-LEAD-QUALIFY', `There is no registered customer ${customerId}: register the customer before opening an opportunity for them.`, { reason: 'unknown-customer', customerId });
    }
    return undefined;
  },
};

/** R-CUST-LOST: no new opportunity for a lost customer (reactivate the customer first). */
export const noOpportunityForLostCustomer: OpportunityRule = {
  code: 'R-CUST-LOST',
  on: ['OpportunityOpened'],
  check(_before, event, { refs }) {
    if (event.type !== 'OpportunityOpened') return undefined;
    if (refs.customers?.[event.data.customerId]?.lost === true) {
      return violation('R-CUST-LOST', `Customer ${event.data.customerId} is lost: reactivate the customer before opening an opportunity.`, { customerId: event.data.customerId });
    }
    return undefined;
  },
};

/**
 * R-REP-ACTIVE: the assignee and the owner of a new opportunity are active
 * (not departed, not leaving); follow-up step owners and the quoting owner are
 * hired and not departed.
 */
export const opportunityRepActive: OpportunityRule = {
  code: 'R-REP-ACTIVE',
  on: ['LeadAssigned', 'OpportunityOpened', 'FollowUpPlanned', 'QuoteIssued'],
  check(before, event, { refs }) {
    switch (event.type) {
      case 'LeadAssigned':
        return checkRepActive(refs, event.data.repId, 'take over this lead or opportunity', { newOwnership: true });
      case 'OpportunityOpened':
        return checkRepActive(refs, event.data.repId, 'own a new opportunity', { newOwnership: true });
      case 'FollowUpPlanned':
        for (const ownerId of new Set(event.data.steps.map((s) => s.ownerId))) {
          const refused = checkRepActive(refs, ownerId, 'own a follow-up step');
          if (refused !== undefined) return refused;
        }
        return undefined;
      case 'QuoteIssued':
        return before.ownerRepId === undefined ? undefined : checkRepActive(refs, before.ownerRepId, 'issue a quote (reassign the opportunity first)');
      default:
        return undefined;
    }
  },
};

/** R-OPP-STAGE: a stage change starts from the current stage and goes to another open stage. */
export const stageMove: OpportunityRule = {
  code: 'R-OPP-STAGE',
  on: ['OpportunityStageChanged'],
  check(before, event) {
    if (event.type !== 'OpportunityStageChanged' || before.phase !== 'open') return undefined;
    const { from, to } = event.data;
    if (from !== before.stage) return violation('R-OPP-STAGE', `The opportunity is in ${String(before.stage)}, not ${from}.`, { stage: before.stage, from });
    if (to === from) return violation('R-OPP-STAGE', `The opportunity is already in ${to}: choose another stage (won and lost have their own commands).`, { stage: to });
    return undefined;
  },
};

/** R-OPP-STAGE-BACK: moving back to an earlier stage needs a reason. */
export const stageBackNeedsReason: OpportunityRule = {
  code: 'R-OPP-STAGE-BACK',
  on: ['OpportunityStageChanged'],
  check(_before, event) {
    if (event.type !== 'OpportunityStageChanged') return undefined;
    const { from, to, reason } = event.data;
    if (opportunityStageIndex(to) < opportunityStageIndex(from) && reason === undefined) {
      return violation('R-OPP-STAGE-BACK', `Moving back from ${from} to ${to} needs a reason: say why.`, { from, to });
    }
    return undefined;
  },
};

/**
 * R-OPP-QUOTE: a quote is issued in `quotation` or `negotiation`, under a new
 * quote id, for the opportunity's product lines, valid after it is issued,
 * with total = Σ quantity × unit price in safe integer minor units.
 */
export const quoteValid: OpportunityRule = {
  code: 'R-OPP-QUOTE',
  on: ['QuoteIssued'],
  check(before, event) {
    if (event.type !== 'QuoteIssued' || before.phase !== 'open') return undefined;
    const { quoteId, lines, totalMinor, validUntil } = event.data;
    if (before.stage !== 'quotation' && before.stage !== 'negotiation') {
      return violation('R-OPP-QUOTE', `Quotes are issued in the quotation or negotiation stage, and the opportunity is in ${String(before.stage)}: move it to quotation first.`, { stage: before.stage, reason: 'stage' });
    }
    if (entryOf(before.quotes, quoteId) !== undefined) return violation('R-OPP-QUOTE', `Quote ${quoteId} was already issued: use a new quote id.`, { quoteId, reason: 'duplicate' });
    const outside = [...new Set(lines.map((l) => l.productLine))].filter((p) => !before.productLines.includes(p));
    if (outside.length > 0) {
      return violation('R-OPP-QUOTE', `The opportunity is for ${before.productLines.join(', ')}, not ${outside.join(', ')}: quote its product lines, or capture a new lead for the others.`, { productLines: outside, reason: 'product-line' });
    }
    const computed = quoteTotalMinor(lines);
    if (!Number.isSafeInteger(computed)) return violation('R-OPP-QUOTE', 'The quote total is too large to be counted exactly in minor units: split the quote.', { reason: 'overflow' });
    if (computed !== totalMinor) return violation('R-OPP-QUOTE', `The quote total ${totalMinor} is not Σ quantity × unit price = ${computed}.`, { totalMinor, computed, reason: 'total' });
    if (validUntil <= event.occurredAt) return violation('R-OPP-QUOTE', `The quote would expire (${validUntil}) before it is issued (${event.occurredAt}): give a later validUntil.`, { validUntil, reason: 'expired' });
    return undefined;
  },
};

/**
 * R-OPP-WON (a): an opportunity is won by a contract drafted from it and
 * signed, for that contract's total. (b) and (c), the reaction to signing and
 * a reopening under a signed contract, are the auditor's.
 */
export const wonBySignedContract: OpportunityRule = {
  code: 'R-OPP-WON',
  on: ['OpportunityWon'],
  check(before, event, { refs }) {
    if (event.type !== 'OpportunityWon' || before.phase !== 'open' || refs.contracts === undefined) return undefined;
    const { contractId, valueMinor } = event.data;
    const contract = refs.contracts[contractId];
    if (contract === undefined) return violation('R-OPP-WON', `There is no contract ${contractId}: an opportunity is won only by a signed contract.`, { contractId, reason: 'unknown' });
    if (contract.opportunityId !== before.opportunityId) {
      return violation('R-OPP-WON', `Contract ${contractId} was not drafted from opportunity ${String(before.opportunityId)}.`, { contractId, opportunityId: contract.opportunityId, reason: 'other-opportunity' });
    }
    if (contract.signedAt === undefined || (contract.status !== 'signed' && contract.status !== 'fulfilled')) {
      return violation('R-OPP-WON', `Contract ${contractId} is ${contract.status}, not signed: the opportunity is won when its contract is signed.`, { contractId, status: contract.status, reason: 'unsigned' });
    }
    if (valueMinor !== contract.totalMinor) {
      return violation('R-OPP-WON', `The won value ${valueMinor} is not contract ${contractId}'s total ${contract.totalMinor}.`, { contractId, valueMinor, totalMinor: contract.totalMinor, reason: 'value' });
    }
    return undefined;
  },
};

/**
 * R-OPP-REOPEN: a lost opportunity may be reopened; a won one only once its
 * winning contract is terminated. It reopens at its last open stage.
 */
export const reopenRule: OpportunityRule = {
  code: 'R-OPP-REOPEN',
  on: ['OpportunityReopened'],
  check(before, event, { refs }) {
    if (event.type !== 'OpportunityReopened' || (before.phase !== 'won' && before.phase !== 'lost')) return undefined;
    if (event.data.stage !== before.stage) {
      return violation('R-OPP-REOPEN', `The opportunity reopens at its last open stage ${String(before.stage)}, not ${event.data.stage}.`, { stage: before.stage });
    }
    if (before.phase === 'won' && refs.contracts !== undefined && before.wonContractId !== undefined) {
      const contract = refs.contracts[before.wonContractId];
      if (contract?.status !== 'terminated') {
        return violation('R-OPP-REOPEN', `The opportunity was won by contract ${before.wonContractId}, which is ${contract?.status ?? 'unknown'}: terminate the contract before reopening.`, { contractId: before.wonContractId, status: contract?.status });
      }
    }
    return undefined;
  },
};

/**
 * R-TIME-ORDER: a follow-on cannot occur before its antecedent: opening
 * after capture, a stage change or closing after entering the stage (so days
 * in stage and the sales cycle are never negative), a reopening after the
 * closing, and a win after its contract's signing.
 */
export const opportunityTimeOrder: OpportunityRule = {
  code: 'R-TIME-ORDER',
  on: ['OpportunityOpened', 'OpportunityStageChanged', 'OpportunityWon', 'OpportunityLost', 'OpportunityReopened'],
  check(before, event, { refs }) {
    const at = event.occurredAt;
    const antecedent =
      event.type === 'OpportunityOpened'
        ? { what: 'the lead was captured', when: before.capturedAt }
        : event.type === 'OpportunityReopened'
          ? { what: 'it was closed', when: before.closedAt }
          : { what: `it entered ${String(before.stage)}`, when: before.stageEnteredAt };
    if (antecedent.when !== undefined && at < antecedent.when) {
      return violation('R-TIME-ORDER', `${event.type} at ${at} would come before ${antecedent.what} (${antecedent.when}): check occurredAt.`, { occurredAt: at, antecedentAt: antecedent.when });
    }
    if (event.type === 'OpportunityWon') {
      const signedAt = refs.contracts?.[event.data.contractId]?.signedAt;
      if (signedAt !== undefined && at < signedAt) {
        return violation('R-TIME-ORDER', `The opportunity cannot be won at ${at}, before contract ${event.data.contractId} was signed (${signedAt}).`, { occurredAt: at, antecedentAt: signedAt });
      }
    }
    return undefined;
  },
};

/**
 * Every rule of the Opportunity aggregate, in the order they are judged. The
 * lifecycle rules come first; the rules of one phase stay silent outside it,
 * so the auditor reports an out-of-phase event once, under its lifecycle code.
 */
export const opportunityRules: readonly OpportunityRule[] = [
  closedOpportunity,
  leadLifecycle,
  opportunityLifecycle,
  openOnlyQualified,
  noOpportunityForLostCustomer,
  opportunityRepActive,
  stageMove,
  stageBackNeedsReason,
  quoteValid,
  wonBySignedContract,
  reopenRule,
  opportunityTimeOrder,
];
