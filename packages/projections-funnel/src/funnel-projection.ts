import {
  createPeriodKeyer,
  instantMs,
  isId,
  opportunityStageIndex,
  policyTimelineOf,
  type OpportunityStage,
  type PeriodKeys,
  type PolicyOption,
  type SalesEventEnvelope,
  type SalesEventEnvelopeOf,
  type SalesEventType,
} from '@dealbook/core';
import { defineProjection, entryOf, entryOrNew, setEntry, type EventEnvelope, type Projection } from '@dealbook/eventsourcing';
import { putIn, takeOut, zeros } from './cell-bookkeeping.js';
import { initialFunnelState, LEAD, STAY_STAGES, WON, type FunnelOpportunity, type FunnelState } from './funnel-state.js';

/** Options of `createFunnelProjection` and `buildFunnel`. */
export interface FunnelProjectionOptions {
  /** The company policy, or its versions over time: the time zone in force at an event's `occurredAt` buckets it. Default `definePolicy()`. */
  readonly policy?: PolicyOption;
}

/** The funnel projection: a kernel projection over the sales event catalogue. */
export type FunnelProjection = Projection<FunnelState, SalesEventEnvelope>;

/** Name under which the funnel's checkpoints are stored. */
export const FUNNEL_PROJECTION_NAME = 'dealbook.funnel';
/** Version of the funnel state's shape (bumped when it changes; stored checkpoints of another version are rebuilt). */
export const FUNNEL_PROJECTION_VERSION = 1;

/** `opportunity-o-1` → `o-1`: the id after the stream category. */
const idOfStream = (streamId: string): string => streamId.slice(streamId.indexOf('-') + 1);
const openStage = (stage: OpportunityStage): number => opportunityStageIndex(stage) + 1;
const msBetween = (from: string, to: string): number => Math.max(0, instantMs(to) - instantMs(from));

/** Has this event (by stream and version) not been applied yet? Records it as applied. */
function fresh(state: FunnelState, event: EventEnvelope): boolean {
  const last = entryOf(state.streams, event.streamId);
  if (last !== undefined && event.streamVersion <= last) return false;
  setEntry(state.streams, event.streamId, event.streamVersion);
  return true;
}

function newOpportunity(): FunnelOpportunity {
  return {
    lead: false,
    source: 'direct',
    cohort: null,
    customerId: null,
    prospectRegion: null,
    owner: null,
    phase: 'none',
    stage: LEAD,
    stayStartedAt: null,
    valueMinor: 0,
    probability: 0,
    openedAt: null,
    entered: 0,
    movedOn: 0,
    stayMs: zeros(STAY_STAGES),
    stays: zeros(STAY_STAGES),
    closing: null,
    cell: '',
  };
}

/** Ends the current stay (lead or open stage) at `at`, counting it as completed. */
function endStay(opp: FunnelOpportunity, at: string): void {
  if (opp.stayStartedAt === null) return;
  opp.stayMs[opp.stage]! += msBetween(opp.stayStartedAt, at);
  opp.stays[opp.stage]! += 1;
  opp.stayStartedAt = null;
}

/** Marks every stage entered before as moved on when `stage` is later, then enters `stage`. */
function reach(opp: FunnelOpportunity, stage: number): void {
  const earlier = (1 << stage) - 1;
  opp.movedOn |= opp.entered & earlier;
  opp.entered |= 1 << stage;
}

/** Adds an opportunity to (or removes it from) the set of `key` in an index (by customer, by owner). */
function reindex(map: Record<string, Record<string, 1>>, key: string | null, oppId: string, add: boolean): void {
  if (key === null) return;
  if (add) {
    setEntry(entryOrNew(map, key, () => ({})), oppId, 1);
    return;
  }
  const set = entryOf(map, key);
  if (set === undefined) return;
  delete set[oppId];
  if (Object.keys(set).length === 0) delete map[key];
}

/**
 * The sales funnel read model (name `dealbook.funnel`): per opportunity where
 * it is in the funnel, and per cell (owner × region × source × cohort) the
 * counters every figure of `queryFunnel` reads, kept up to date event by
 * event. Reads opportunity events, customer regions (`CustomerRegistered`,
 * `CustomerProfileUpdated`) and rep regions (`RepHired`, `RepTerritoryAssigned`).
 * Events that break the lifecycle (say, a stage change of a closed
 * opportunity) are skipped, never thrown on, so an auditor can replay any
 * history. Default policy: `definePolicy()`.
 */
export function createFunnelProjection(options: FunnelProjectionOptions = {}): FunnelProjection {
  const timeline = policyTimelineOf(options.policy);
  const keyers = new Map<string, (instant: string) => PeriodKeys>();
  const periodsAt = (instant: string): PeriodKeys => {
    const { timeZone } = timeline.at(instant);
    let keyer = keyers.get(timeZone);
    if (keyer === undefined) {
      keyer = createPeriodKeyer(timeZone);
      keyers.set(timeZone, keyer);
    }
    return keyer(instant);
  };

  /** Applies `change` to the opportunity of the event's stream: take out of its cell, change, put back. */
  const onOpportunity = <E extends EventEnvelope>(state: FunnelState, event: E, change: (opp: FunnelOpportunity, event: E) => void): FunnelState => {
    const oppId = idOfStream(event.streamId);
    if (!isId(oppId) || !fresh(state, event)) return state;
    const existing = entryOf(state.opportunities, oppId);
    const opp = existing ?? setEntry(state.opportunities, oppId, newOpportunity());
    if (existing !== undefined) takeOut(state, opp);
    const customerBefore = opp.customerId;
    const ownerBefore = opp.owner;
    change(opp, event);
    if (customerBefore !== opp.customerId) {
      reindex(state.customerOpportunities, customerBefore, oppId, false);
      reindex(state.customerOpportunities, opp.customerId, oppId, true);
    }
    if (ownerBefore !== opp.owner) {
      reindex(state.repOpportunities, ownerBefore, oppId, false);
      reindex(state.repOpportunities, opp.owner, oppId, true);
    }
    putIn(state, opp);
    return state;
  };

  /** Moves every opportunity of `ids` to the cell its region now says. */
  const recut = (state: FunnelState, ids: Record<string, 1> | undefined): void => {
    if (ids === undefined) return;
    for (const oppId of Object.keys(ids)) {
      const opp = entryOf(state.opportunities, oppId);
      if (opp === undefined) continue;
      takeOut(state, opp);
      putIn(state, opp);
    }
  };

  const setCustomerRegion = (state: FunnelState, event: EventEnvelope, region: string | undefined): FunnelState => {
    const customerId = idOfStream(event.streamId);
    if (!isId(customerId) || !fresh(state, event) || region === undefined || entryOf(state.customerRegions, customerId) === region) return state;
    setEntry(state.customerRegions, customerId, region);
    recut(state, entryOf(state.customerOpportunities, customerId));
    return state;
  };

  const setRepRegions = (state: FunnelState, event: EventEnvelope, regions: readonly string[]): FunnelState => {
    const repId = idOfStream(event.streamId);
    if (!isId(repId) || !fresh(state, event)) return state;
    const first = regions[0] ?? null;
    if (entryOf(state.repRegions, repId) === first) return state;
    setEntry(state.repRegions, repId, first);
    recut(state, entryOf(state.repOpportunities, repId));
    return state;
  };

  // What each opportunity event changes (made once, not per event).
  type Change<T extends SalesEventType> = (opp: FunnelOpportunity, event: SalesEventEnvelopeOf<T>) => void;
  const leadCaptured: Change<'LeadCaptured'> = (opp, event) => {
    if (opp.phase !== 'none') return;
    const { source, customerId, prospect } = event.data;
    opp.lead = true;
    opp.source = source;
    opp.cohort = periodsAt(event.occurredAt).month;
    if (customerId !== undefined && isId(customerId)) opp.customerId = customerId;
    opp.prospectRegion = prospect?.region ?? null;
    opp.phase = 'lead';
    opp.stage = LEAD;
    opp.stayStartedAt = event.occurredAt;
    reach(opp, LEAD);
  };
  const leadAssigned: Change<'LeadAssigned'> = (opp, event) => {
    if (isId(event.data.repId)) opp.owner = event.data.repId;
  };
  const leadDisqualified: Change<'LeadDisqualified'> = (opp, event) => {
    if (opp.phase !== 'lead') return;
    endStay(opp, event.occurredAt);
    opp.phase = 'disqualified';
  };
  const opportunityOpened: Change<'OpportunityOpened'> = (opp, event) => {
    if (opp.phase !== 'none' && opp.phase !== 'lead') return;
    const { customerId, repId, estimatedValueMinor, probability } = event.data;
    if (opp.phase === 'none') opp.cohort = periodsAt(event.occurredAt).month;
    endStay(opp, event.occurredAt);
    if (isId(customerId)) opp.customerId = customerId;
    if (isId(repId)) opp.owner = repId;
    opp.valueMinor = estimatedValueMinor;
    opp.probability = probability;
    opp.openedAt = event.occurredAt;
    opp.phase = 'open';
    opp.stage = openStage('prospecting');
    opp.stayStartedAt = event.occurredAt;
    reach(opp, opp.stage);
  };
  const opportunityEvaluated: Change<'OpportunityEvaluated'> = (opp, event) => {
    if (opp.phase !== 'open') return;
    opp.valueMinor = event.data.estimatedValueMinor;
    opp.probability = event.data.probability;
  };
  const opportunityStageChanged: Change<'OpportunityStageChanged'> = (opp, event) => {
    const to = openStage(event.data.to);
    if (opp.phase !== 'open' || to === opp.stage) return;
    endStay(opp, event.occurredAt);
    opp.stage = to;
    opp.stayStartedAt = event.occurredAt;
    reach(opp, to);
  };
  const opportunityWon: Change<'OpportunityWon'> = (opp, event) => {
    if (opp.phase !== 'open') return;
    endStay(opp, event.occurredAt);
    reach(opp, WON);
    opp.phase = 'won';
    const { month, week } = periodsAt(event.occurredAt);
    const cycleMs = opp.openedAt === null ? null : msBetween(opp.openedAt, event.occurredAt);
    opp.closing = { outcome: 'won', month, week, valueMinor: event.data.valueMinor, cycleMs, reason: null, competitor: null };
  };
  const opportunityLost: Change<'OpportunityLost'> = (opp, event) => {
    if (opp.phase !== 'open') return;
    endStay(opp, event.occurredAt);
    opp.phase = 'lost';
    const { month, week } = periodsAt(event.occurredAt);
    opp.closing = { outcome: 'lost', month, week, valueMinor: opp.valueMinor, cycleMs: null, reason: event.data.reason, competitor: event.data.competitor ?? null };
  };
  const opportunityReopened: Change<'OpportunityReopened'> = (opp, event) => {
    if (opp.phase !== 'won' && opp.phase !== 'lost') return;
    opp.closing = null;
    opp.phase = 'open';
    opp.stage = openStage(event.data.stage);
    opp.stayStartedAt = event.occurredAt;
    reach(opp, opp.stage);
  };

  return defineProjection<FunnelState, SalesEventEnvelope>({
    name: FUNNEL_PROJECTION_NAME,
    version: FUNNEL_PROJECTION_VERSION,
    initialState: initialFunnelState,
    handlers: {
      CustomerRegistered: (state, event) => setCustomerRegion(state, event, event.data.region),
      CustomerProfileUpdated: (state, event) => setCustomerRegion(state, event, event.data.region),
      RepHired: (state, event) => setRepRegions(state, event, event.data.regions),
      RepTerritoryAssigned: (state, event) => setRepRegions(state, event, event.data.regions),

      LeadCaptured: (state, event) => onOpportunity(state, event, leadCaptured),
      LeadAssigned: (state, event) => onOpportunity(state, event, leadAssigned),
      LeadDisqualified: (state, event) => onOpportunity(state, event, leadDisqualified),
      OpportunityOpened: (state, event) => onOpportunity(state, event, opportunityOpened),
      OpportunityEvaluated: (state, event) => onOpportunity(state, event, opportunityEvaluated),
      OpportunityStageChanged: (state, event) => onOpportunity(state, event, opportunityStageChanged),
      OpportunityWon: (state, event) => onOpportunity(state, event, opportunityWon),
      OpportunityLost: (state, event) => onOpportunity(state, event, opportunityLost),
      OpportunityReopened: (state, event) => onOpportunity(state, event, opportunityReopened),
    },
  });
}
