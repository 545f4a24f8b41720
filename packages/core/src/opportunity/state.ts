import type { LeadPriority, LeadSource, OpportunityEvent, OpportunityStage } from './events.js';

/**
 * Where an opportunity stream is: `none` (no event yet), the lead phase
 * (`lead`, ending in `disqualified` or `open`), the open phase and the
 * closed outcomes `won` / `lost` (which only reopening leaves).
 */
export type OpportunityPhase = 'none' | 'lead' | 'disqualified' | 'open' | 'won' | 'lost';

/** What the Opportunity decider keeps, and what projections and the auditor read from it. */
export interface OpportunityState {
  readonly phase: OpportunityPhase;
  readonly opportunityId?: string;
  /** The lead's source (funnel cuts; partner commission). */
  readonly source?: LeadSource;
  readonly capturedAt?: string;
  readonly capturedBy?: string;
  /** The customer: named by the lead, or the one it was opened for. */
  readonly customerId?: string;
  readonly qualified: boolean;
  readonly score?: number;
  readonly priority?: LeadPriority;
  /** The lead's assignee, then the opportunity's owner; always set once opened. */
  readonly ownerRepId?: string;
  readonly openedAt?: string;
  /** The open stage; for a won or lost opportunity, the last open stage (where reopening resumes). */
  readonly stage?: OpportunityStage;
  /** When the opportunity entered `stage` (opening, a stage change or a reopening). */
  readonly stageEnteredAt?: string;
  readonly productLines: readonly string[];
  readonly estimatedValueMinor?: number;
  /** 0–1. */
  readonly probability?: number;
  readonly expectedCloseDate?: string;
  /** Issued quotes by id. */
  readonly quotes: Readonly<Record<string, { readonly totalMinor: number; readonly validUntil: string }>>;
  /** The contract that won it, while won. */
  readonly wonContractId?: string;
  readonly wonValueMinor?: number;
  /** When it was disqualified, won or lost (absent while lead or open). */
  readonly closedAt?: string;
}

export const initialOpportunityState: OpportunityState = { phase: 'none', qualified: false, productLines: [], quotes: {} };

export function evolveOpportunity(state: OpportunityState, event: OpportunityEvent): OpportunityState {
  const at = event.occurredAt;
  switch (event.type) {
    case 'LeadCaptured': {
      const { opportunityId, source, customerId, capturedBy } = event.data;
      return { ...state, phase: 'lead', opportunityId, source, capturedAt: at, capturedBy, ...(customerId === undefined ? {} : { customerId }) };
    }
    case 'LeadQualified':
      return { ...state, qualified: true, score: event.data.score, priority: event.data.priority };
    case 'LeadDisqualified':
      return { ...state, phase: 'disqualified', closedAt: at };
    case 'LeadAssigned':
      return { ...state, ownerRepId: event.data.repId };
    case 'OpportunityOpened': {
      const { customerId, repId, productLines, estimatedValueMinor, probability, expectedCloseDate } = event.data;
      return { ...state, phase: 'open', customerId, ownerRepId: repId, productLines, estimatedValueMinor, probability, expectedCloseDate, openedAt: at, stage: 'prospecting', stageEnteredAt: at };
    }
    case 'OpportunityEvaluated': {
      const { estimatedValueMinor, probability, expectedCloseDate } = event.data;
      return { ...state, estimatedValueMinor, probability, ...(expectedCloseDate === undefined ? {} : { expectedCloseDate }) };
    }
    case 'OpportunityStageChanged':
      return { ...state, stage: event.data.to, stageEnteredAt: at };
    case 'QuoteIssued':
      return { ...state, quotes: { ...state.quotes, [event.data.quoteId]: { totalMinor: event.data.totalMinor, validUntil: event.data.validUntil } } };
    case 'OpportunityWon':
      return { ...state, phase: 'won', wonContractId: event.data.contractId, wonValueMinor: event.data.valueMinor, closedAt: at };
    case 'OpportunityLost':
      return { ...state, phase: 'lost', closedAt: at };
    case 'OpportunityReopened': {
      const { wonContractId: _contract, wonValueMinor: _value, closedAt: _closed, ...rest } = state;
      return { ...rest, phase: 'open', stage: event.data.stage, stageEnteredAt: at };
    }
    case 'LeadFollowedUp':
    case 'FollowUpPlanned':
      return state;
  }
}

/** Is the opportunity won or lost (closed to everything but reopening, R-OPP-CLOSED)? */
export const isOpportunityClosed = (state: OpportunityState): boolean => state.phase === 'won' || state.phase === 'lost';
