import {
  createPeriodKeyer,
  instantMs,
  monthlyReportDeadline,
  periodBounds,
  periodKeyOf,
  policyTimelineOf,
  type BusinessSource,
  type PeriodKey,
  type PeriodKeys,
  type Policy,
  type PolicyOption,
  type SalesEventEnvelope,
  type SalesEventEnvelopeOf,
  type SalesEventType,
} from '@dealbook/core';
import { defineProjection, entryOf, entryOrNew, setEntry, type Projection, type ProjectionHandler, streamEntityId } from '@dealbook/eventsourcing';
import { zeroFigures, type FigureName } from './figures.js';
import type { KpiState, TargetEntry } from './kpi-state.js';
import { applyToLedger, emptyLedger } from './ledger.js';
import { cellAt, cellKey, creditedCell, place, type Cell } from './org.js';
import { alreadyApplied } from './redelivery.js';

/** One credit of a figure, as the lineage tracer sees it. */
export interface Credit {
  /** The figure credited; `target` for a sales target set (the input of attainment and pay). */
  readonly figure: FigureName | 'target';
  readonly amount: number;
  readonly cell: Cell;
  /** The period keys credited (year, quarter, month and, except for reports, week). */
  readonly periods: readonly PeriodKey[];
  readonly event: SalesEventEnvelope;
}

export interface KpiProjectionOptions {
  /** Default: DOMAIN.md's defaults. It becomes part of the state: queries use it; a change needs a rebuild. */
  readonly policy?: PolicyOption;
  /** Called for every credit (for lineage: which events made a figure). */
  readonly trace?: (credit: Credit) => void;
}

/** Increase when handlers or the state shape change: stored checkpoints of another version are rebuilt. */
export const KPI_PROJECTION_VERSION = 3;

/** Where the month is in a credit's period keys (`[year, quarter, month, week?]`): buckets are kept from it on. */
const MONTH_INDEX = 2;

/** A complaint's key in `KpiState.complaints`: JSON, since ids may hold any character but white space. */
const complaintKey = (customerId: string, complaintId: string) => JSON.stringify([customerId, complaintId]);

/** Commission in minor units: amount × rate (basis points) / 10,000, rounded half up, exact for any safe amount. */
export function commissionMinor(amountMinor: number, rateBp: number): number {
  const product = amountMinor * rateBp;
  if (Number.isSafeInteger(product)) return Math.floor((product + 5_000) / 10_000);
  return Number((BigInt(amountMinor) * BigInt(rateBp) + 5_000n) / 10_000n);
}

const commissionFigure: Record<BusinessSource, FigureName> = {
  new_customer: 'commissionNewCustomerMinor',
  existing_customer: 'commissionExistingCustomerMinor',
  partner: 'commissionPartnerMinor',
};

/**
 * The KPI read model (DOMAIN.md "Read models"): additive figures per period
 * (year, quarter, month, ISO week in the company time zone, by `occurredAt`)
 * and per cell (rep, team, region as they were at the time), plus targets and
 * the receivables ledger. Ask it with `queryKpi`.
 */
export function createKpiProjection(options: KpiProjectionOptions = {}): Projection<KpiState, SalesEventEnvelope> {
  const timeline = policyTimelineOf(options.policy);
  // One version (the usual case) needs no lookup per event.
  const only = timeline.versions.length === 1 ? timeline.versions[0]! : undefined;
  const policyAt = only === undefined ? (instant: string) => timeline.at(instant) : () => only;
  const trace = options.trace;
  const keyers = new Map<string, ReturnType<typeof createPeriodKeyer>>();
  const onlyKeyer = only === undefined ? undefined : createPeriodKeyer(only.timeZone);
  const periodKeysAt = (instant: string): PeriodKeys => {
    if (onlyKeyer !== undefined) return onlyKeyer(instant);
    const tz = timeline.at(instant).timeZone;
    let keyer = keyers.get(tz);
    if (keyer === undefined) keyers.set(tz, (keyer = createPeriodKeyer(tz)));
    return keyer(instant);
  };

  // Time-zone arithmetic is slow: each month's facts are worked out once.
  const months = new Map<string, { readonly periods: readonly PeriodKey[]; readonly endsAt: string; readonly deadline: string }>();
  const monthFacts = (monthStart: string, policy: Policy) => {
    const cacheKey = `${policy.timeZone} ${policy.monthlyReportDueDays} ${monthStart}`;
    let facts = months.get(cacheKey);
    if (facts === undefined) {
      const { startsAt, endsAt } = periodBounds({ unit: 'month', start: monthStart }, policy.timeZone);
      const k = periodKeysAt(startsAt);
      facts = { periods: [k.year, k.quarter, k.month], endsAt, deadline: monthlyReportDeadline(monthStart, policy) };
      months.set(cacheKey, facts);
    }
    return facts;
  };

  /**
   * Credits a figure in the periods of `periods` (coarse to fine: year, quarter,
   * month and, except for reports, week). Only months and weeks are kept: a
   * year or quarter is the sum of its months (`bucketsOf` at query time), so a
   * credit updates two buckets, not four.
   */
  const creditKey = (state: KpiState, key: string, cell: Cell, periods: readonly PeriodKey[], figure: FigureName, amount: number, event: SalesEventEnvelope): void => {
    if (amount === 0) return;
    for (let i = MONTH_INDEX; i < periods.length; i++) {
      const period = periods[i]!;
      const bucket = (state.buckets[period] ??= {});
      (bucket[key] ??= zeroFigures())[figure] += amount;
    }
    trace?.({ figure, amount, cell, periods, event });
  };
  const credit = (state: KpiState, cell: Cell, periods: readonly PeriodKey[], figure: FigureName, amount: number, event: SalesEventEnvelope): void =>
    creditKey(state, cellKey(cell), cell, periods, figure, amount, event);
  const creditNow = (state: KpiState, repId: string | null | undefined, figure: FigureName, amount: number, event: SalesEventEnvelope) => {
    const { cell, key } = creditedCell(state.reps, repId);
    creditKey(state, key, cell, periodKeysAt(event.occurredAt).all, figure, amount, event);
  };

  type Handlers = { [T in SalesEventType]?: (state: KpiState, event: SalesEventEnvelopeOf<T>) => void };
  // The id of an event's own stream (the rep, customer, opportunity or contract).
  const idOf = (event: SalesEventEnvelope) => streamEntityId(event.streamId);

  const handlers: Handlers = {
    RepHired(s, e) {
      const rep = { role: e.data.role, managerId: e.data.managerId ?? null, regions: [...e.data.regions], hiredAt: e.occurredAt, departedAt: null, placements: [] };
      const id = idOf(e);
      setEntry(s.reps, id, rep);
      place(rep, id, e.occurredAt);
    },
    RepTerritoryAssigned(s, e) {
      const id = idOf(e);
      const rep = entryOf(s.reps, id);
      if (rep === undefined) return;
      rep.regions = [...e.data.regions];
      place(rep, id, e.occurredAt);
    },
    RepRoleChanged(s, e) {
      const id = idOf(e);
      const rep = entryOf(s.reps, id);
      if (rep === undefined) return;
      rep.role = e.data.role;
      place(rep, id, e.occurredAt);
    },
    RepDeparted(s, e) {
      const rep = entryOf(s.reps, idOf(e));
      if (rep !== undefined) rep.departedAt = e.occurredAt;
    },
    SalesTargetSet(s, e) {
      const id = idOf(e);
      const targets = entryOrNew(s.targets, id, (): Record<string, TargetEntry> => ({}));
      const key = periodKeyOf(e.data.period);
      const cell = cellAt(s.reps, id, e.occurredAt);
      targets[key] = { amountMinor: e.data.amountMinor, newCustomers: e.data.newCustomers ?? null, visits: e.data.visits ?? null, cell };
      trace?.({ figure: 'target', amount: e.data.amountMinor, cell, periods: [key], event: e });
    },
    SalesReportSubmitted(s, e) {
      if (e.data.period.unit !== 'month') return;
      const id = idOf(e);
      const month = monthFacts(e.data.period.start, policyAt(e.occurredAt));
      // Credited where the rep stood when the month ended (where "months due" counts it too).
      const { cell, key } = creditedCell(s.reps, id, month.endsAt);
      creditKey(s, key, cell, month.periods, 'reportsSubmitted', 1, e);
      if (e.occurredAt < month.deadline) creditKey(s, key, cell, month.periods, 'reportsOnTime', 1, e);
    },

    CustomerRegistered(s, e) {
      setEntry(s.customers, idOf(e), { region: e.data.region, ownerRepId: null, assigned: false, contractsSigned: 0 });
    },
    CustomerProfileUpdated(s, e) {
      const c = entryOf(s.customers, idOf(e));
      if (c !== undefined && e.data.region !== undefined) c.region = e.data.region;
    },
    CustomerAssigned(s, e) {
      const c = entryOf(s.customers, idOf(e));
      if (c === undefined) return;
      c.ownerRepId = e.data.repId;
      if (!c.assigned) {
        c.assigned = true;
        creditNow(s, e.data.repId, 'customersRegistered', 1, e);
      }
    },
    CustomerVisited(s, e) {
      creditNow(s, e.data.repId, e.data.channel === 'onsite' ? 'visitsOnsite' : 'visitsPhone', 1, e);
    },
    ComplaintReceived(s, e) {
      const customerId = idOf(e);
      const owner = entryOf(s.customers, customerId)?.ownerRepId;
      const cell = cellAt(s.reps, owner);
      const periods = periodKeysAt(e.occurredAt).all;
      const deadline = new Date(instantMs(e.occurredAt) + policyAt(e.occurredAt).complaintForwardSlaHours * 3_600_000).toISOString();
      setEntry(s.complaints, complaintKey(customerId, e.data.complaintId), { deadline, cell, keys: periods });
      credit(s, cell, periods, 'complaintsReceived', 1, e);
    },
    ComplaintForwarded(s, e) {
      const key = complaintKey(idOf(e), e.data.complaintId);
      const complaint = entryOf(s.complaints, key);
      if (complaint === undefined) return;
      delete s.complaints[key];
      if (e.occurredAt <= complaint.deadline) credit(s, complaint.cell, complaint.keys, 'complaintsForwardedInSla', 1, e);
    },
    CustomerLost(s, e) {
      const owner = entryOf(s.customers, idOf(e))?.ownerRepId;
      creditNow(s, owner, 'customersLost', 1, e);
      if (e.data.attributableToRep) creditNow(s, owner, 'customersLostAttributable', 1, e);
    },

    LeadCaptured(s, e) {
      setEntry(s.opportunities, idOf(e), { source: e.data.source, repId: null, capturedBy: e.data.capturedBy, wasLead: true, openedAt: null });
    },
    LeadAssigned(s, e) {
      const o = entryOf(s.opportunities, idOf(e));
      if (o !== undefined) o.repId = e.data.repId;
    },
    LeadDisqualified(s, e) {
      const o = entryOf(s.opportunities, idOf(e));
      const repId = o?.repId ?? (o?.capturedBy !== null && o?.capturedBy !== undefined && entryOf(s.reps, o.capturedBy) !== undefined ? o.capturedBy : null);
      creditNow(s, repId, 'leadsDisqualified', 1, e);
    },
    OpportunityOpened(s, e) {
      const id = idOf(e);
      let o = entryOf(s.opportunities, id);
      o ??= setEntry(s.opportunities, id, { source: 'direct', repId: null, capturedBy: null, wasLead: false, openedAt: null });
      o.repId = e.data.repId;
      o.openedAt = e.occurredAt;
      if (o.wasLead) creditNow(s, e.data.repId, 'leadsConverted', 1, e);
    },
    OpportunityWon(s, e) {
      const o = entryOf(s.opportunities, idOf(e));
      creditNow(s, o?.repId, 'opportunitiesWon', 1, e);
      creditNow(s, o?.repId, 'wonValueMinor', e.data.valueMinor, e);
      if (o?.openedAt !== null && o?.openedAt !== undefined) creditNow(s, o.repId, 'salesCycleMs', Math.max(0, instantMs(e.occurredAt) - instantMs(o.openedAt)), e);
    },
    OpportunityLost(s, e) {
      creditNow(s, entryOf(s.opportunities, idOf(e))?.repId, 'opportunitiesLost', 1, e);
    },

    ContractDrafted(s, e) {
      setEntry(s.contracts, idOf(e), {
        repId: e.data.repId,
        customerId: e.data.customerId,
        opportunityId: e.data.opportunityId ?? null,
        totalMinor: e.data.totalMinor,
        signed: false,
        source: null,
      });
      applyToLedger(s.ledger, e, idOf(e));
    },
    ContractTermsRevised(s, e) {
      const c = entryOf(s.contracts, idOf(e));
      if (c === undefined) return;
      if (c.signed) creditNow(s, c.repId, 'amendmentsMinor', e.data.totalMinor - c.totalMinor, e);
      c.totalMinor = e.data.totalMinor;
    },
    ContractSigned(s, e) {
      const c = entryOf(s.contracts, idOf(e));
      if (c === undefined || c.signed) return;
      c.signed = true;
      const customer = entryOf(s.customers, c.customerId);
      const first = customer !== undefined && customer.contractsSigned === 0;
      if (customer !== undefined) customer.contractsSigned++;
      const lead = c.opportunityId === null ? undefined : entryOf(s.opportunities, c.opportunityId);
      c.source = first ? 'new_customer' : lead?.source === 'partner' ? 'partner' : 'existing_customer';
      creditNow(s, c.repId, 'signedSalesMinor', c.totalMinor, e);
      creditNow(s, c.repId, 'contractsSigned', 1, e);
      if (first) creditNow(s, c.repId, 'newCustomers', 1, e);
    },
    InvoiceIssued(s, e) {
      applyToLedger(s.ledger, e, idOf(e));
    },
    PaymentReceived(s, e) {
      applyToLedger(s.ledger, e, idOf(e));
      const c = entryOf(s.contracts, idOf(e));
      creditNow(s, c?.repId, 'collectedMinor', e.data.amountMinor, e);
      const source = c?.source ?? 'existing_customer';
      creditNow(s, c?.repId, commissionFigure[source], commissionMinor(e.data.amountMinor, policyAt(e.occurredAt).commissionRateBp[source]), e);
    },
    BadDebtWrittenOff(s, e) {
      applyToLedger(s.ledger, e, idOf(e));
    },
  };

  // Every handler first drops re-deliveries and moves the clock of the model.
  const wrapped: Record<string, ProjectionHandler<KpiState, SalesEventEnvelope>> = {};
  for (const [type, handle] of Object.entries(handlers) as [string, (s: KpiState, e: SalesEventEnvelope) => void][]) {
    wrapped[type] = (state, event) => {
      if (alreadyApplied(state.streams, event)) return state;
      handle(state, event);
      if (state.lastOccurredAt === null || event.occurredAt > state.lastOccurredAt) state.lastOccurredAt = event.occurredAt;
      return state;
    };
  }

  return defineProjection<KpiState, SalesEventEnvelope>({
    name: 'dealbook.kpi',
    version: KPI_PROJECTION_VERSION,
    initialState: () => ({
      policies: timeline.versions,
      streams: {},
      reps: {},
      customers: {},
      opportunities: {},
      contracts: {},
      complaints: {},
      targets: {},
      ledger: emptyLedger(),
      buckets: {},
      lastOccurredAt: null,
    }),
    handlers: wrapped,
  });
}

