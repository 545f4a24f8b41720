import type { Decider } from '@dealbook/eventsourcing';
import type { PolicyTimeline } from '../policy-timeline.js';
import { enforceRules } from '../rules.js';
import type { OpportunityDecision } from './commands.js';
import { quoteTotalMinor, type OpportunityEvent } from './events.js';
import { opportunityRules } from './rules.js';
import { evolveOpportunity, initialOpportunityState, type OpportunityState } from './state.js';

/**
 * The events an Opportunity command asks for, before any rule is judged. The
 * stage a move starts from, the stage a reopening resumes and a quote's total
 * come from the state and the lines, never from the host.
 */
function eventsFor(command: OpportunityDecision, state: OpportunityState): OpportunityEvent[] {
  const at = command.occurredAt;
  switch (command.type) {
    case 'CaptureLead': {
      const { opportunityId, source, customerId, prospect, capturedBy } = command;
      return [{ type: 'LeadCaptured', occurredAt: at, data: { opportunityId, source, ...(customerId === undefined ? {} : { customerId }), ...(prospect === undefined ? {} : { prospect }), capturedBy } }];
    }
    case 'QualifyLead':
      return [{ type: 'LeadQualified', occurredAt: at, data: { score: command.score, priority: command.priority } }];
    case 'DisqualifyLead':
      return [{ type: 'LeadDisqualified', occurredAt: at, data: { reason: command.reason } }];
    case 'AssignLead':
      return [{ type: 'LeadAssigned', occurredAt: at, data: { repId: command.repId } }];
    case 'FollowUpLead':
      return [{ type: 'LeadFollowedUp', occurredAt: at, data: { note: command.note } }];
    case 'OpenOpportunity': {
      const { customerId, repId, productLines, estimatedValueMinor, probability, expectedCloseDate } = command;
      return [{ type: 'OpportunityOpened', occurredAt: at, data: { customerId, repId, productLines, estimatedValueMinor, probability, expectedCloseDate } }];
    }
    case 'EvaluateOpportunity': {
      const { estimatedValueMinor, probability, expectedCloseDate } = command;
      return [{ type: 'OpportunityEvaluated', occurredAt: at, data: { estimatedValueMinor, probability, ...(expectedCloseDate === undefined ? {} : { expectedCloseDate }) } }];
    }
    case 'PlanFollowUp':
      return [{ type: 'FollowUpPlanned', occurredAt: at, data: { steps: command.steps } }];
    case 'ChangeStage':
      // Outside the open phase there is no stage to start from; R-OPP-STATE refuses the event anyway.
      return [{ type: 'OpportunityStageChanged', occurredAt: at, data: { from: state.stage ?? 'prospecting', to: command.to, ...(command.reason === undefined ? {} : { reason: command.reason }) } }];
    case 'IssueQuote':
      return [{ type: 'QuoteIssued', occurredAt: at, data: { quoteId: command.quoteId, lines: command.lines, totalMinor: quoteTotalMinor(command.lines), validUntil: command.validUntil } }];
    case 'WinOpportunity':
      return [{ type: 'OpportunityWon', occurredAt: at, data: { contractId: command.contractId, valueMinor: command.valueMinor } }];
    case 'LoseOpportunity':
      return [{ type: 'OpportunityLost', occurredAt: at, data: { reason: command.reason, ...(command.competitor === undefined ? {} : { competitor: command.competitor }) } }];
    case 'ReopenOpportunity':
      return [{ type: 'OpportunityReopened', occurredAt: at, data: { reason: command.reason, stage: state.stage ?? 'prospecting' } }];
  }
}

/** The Opportunity decider (stream `opportunity-<opportunityId>`), judging with the policy in force at each event. */
export function createOpportunityDecider(policies: PolicyTimeline): Decider<OpportunityDecision, OpportunityEvent, OpportunityState> {
  return {
    initialState: initialOpportunityState,
    decide(command, state) {
      const events = eventsFor(command, state);
      return enforceRules(opportunityRules, evolveOpportunity, policies, state, events, command.context?.recordedAt ?? command.occurredAt, command.context?.refs ?? {});
    },
    evolve: evolveOpportunity,
  };
}
