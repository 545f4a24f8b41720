// A read model a team writes itself: signed revenue by product line, per
// quarter of the company calendar. Copy this file and change the handlers.
//
// How revenue is counted (the decisions a read model has to make, written down):
//
// - Revenue is booked when a contract is SIGNED (ContractSigned), in the
//   quarter the signature occurred, at the value of the contract's terms at
//   that moment: Σ quantity × unitPriceMinor per product line. Drafts and
//   revisions before signing (ContractDrafted, ContractTermsRevised) only
//   keep the current terms up to date; they book nothing.
// - An AMENDMENT of a signed contract (ContractAmendmentApproved followed in
//   the same batch by the ContractTermsRevised carrying the new terms) books
//   the DIFFERENCE, new − old per product line, in the quarter of the
//   amendment. Quarters already reported stay as they were reported. A
//   difference may be negative (an amendment that lowers the price).
//   The approval event itself is not needed: after signing, the core accepts a
//   ContractTermsRevised only as an approved amendment (R-CONTRACT-AMEND), so
//   the revision alone says everything revenue needs.
// - A TERMINATION after signing does not un-book revenue: the revenue stays in
//   the quarters it was booked in, and the contract's booked value per product
//   line is reported separately as `terminatedMinor` in the quarter of the
//   termination (subtract it yourself if you want "revenue net of
//   terminations"). Terminating a contract that was never signed books and
//   reports nothing.
// - So, for every product line: Σ over quarters of (signed + amended) = Σ of
//   the current totals of the contracts ever signed.
//
// Periods follow the policy in force when each event occurred (its time zone),
// bucketed by `occurredAt` (business time), never by `recordedAt`.

import {
  createPeriodKeyer,
  isPeriodKey,
  periodKeyUnit,
  policyTimelineOf,
  type ContractLine,
  type PeriodKey,
  type PeriodKeys,
  type PolicyOption,
  type SalesEventEnvelope,
} from '@dealbook/core';
import { buildProjection, defineProjection, entryOf, entryOrNew, setEntry, ValidationError, type EventStore, type Projection, type ValidationIssue } from '@dealbook/eventsourcing';

/** Money booked for one product line in one quarter (integer minor units). */
export interface RevenueCell {
  /** Contracts signed in the quarter with a line of this product line. */
  contractsSigned: number;
  /** Value of those lines at signing. */
  signedMinor: number;
  /** Σ (new − old) of amendments made in the quarter; may be negative. */
  amendedMinor: number;
  /** Booked value of signed contracts terminated in the quarter (still counted in the revenue). */
  terminatedMinor: number;
}

/** What the projection keeps for a contract that can still change revenue. */
export interface OpenContract {
  /** The value per product line of the current terms (Σ quantity × unitPriceMinor). */
  valueByLine: Record<string, number>;
  /** Once signed, `valueByLine` is exactly what is booked for the contract. */
  signed: boolean;
}

/**
 * The state: plain JSON (records and numbers only), so a durable checkpoint
 * store can keep it. Handlers update it in place.
 */
export interface RevenueByProductLineState {
  /** Re-delivery guard: the last `streamVersion` applied, per contract stream. */
  streams: Record<string, number>;
  /** Contracts not yet fulfilled or terminated, by stream id. Closed ones are forgotten. */
  contracts: Record<string, OpenContract>;
  /** Quarter key (`2017-Q1`) → product line → money booked. */
  quarters: Record<PeriodKey, Record<string, RevenueCell>>;
}

/** One row of the query: a product line in a quarter. */
export interface RevenueRow {
  readonly quarter: PeriodKey;
  readonly productLine: string;
  readonly contractsSigned: number;
  readonly signedMinor: number;
  readonly amendedMinor: number;
  /** signedMinor + amendedMinor: the revenue of the quarter. */
  readonly revenueMinor: number;
  readonly terminatedMinor: number;
}

/** Options of the factory and of the build. */
export interface RevenueByProductLineOptions {
  /** The company policy, or its versions over time: only its time zone matters here. Default `definePolicy()` (Asia/Shanghai). */
  readonly policy?: PolicyOption;
}

/** The projection's checkpoint name; give your own read models your own prefix. */
export const REVENUE_BY_PRODUCT_LINE = 'dealbook.revenue-by-product-line';


/** Σ quantity × unitPriceMinor per product line (lines of one product line with different specs add up). */
function valueByLine(lines: readonly ContractLine[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of lines) setEntry(out, line.productLine, (entryOf(out, line.productLine) ?? 0) + line.quantity * line.unitPriceMinor);
  return out;
}

/**
 * True the first time an event of its stream is seen at this version, and
 * records it; false for a re-delivered event (a version already applied).
 * Events of one stream arrive in stream order, so one number per stream is enough.
 */
function firstDelivery(state: RevenueByProductLineState, event: SalesEventEnvelope): boolean {
  const last = entryOf(state.streams, event.streamId);
  if (last !== undefined && event.streamVersion <= last) return false;
  setEntry(state.streams, event.streamId, event.streamVersion);
  return true;
}

/**
 * The signed-revenue projection (name `dealbook.revenue-by-product-line`,
 * version 1). Quarters are those of the company time zone of the policy in
 * force at each event (default policy: `definePolicy()`). Bump `version` when
 * the handlers or the state shape change: checkpoints of another version are
 * rebuilt from the first event.
 */
export function createRevenueByProductLineProjection(options: RevenueByProductLineOptions = {}): Projection<RevenueByProductLineState, SalesEventEnvelope> {
  const policies = policyTimelineOf(options.policy);
  // One period keyer per time zone (a policy change may move the zone). A
  // cache, not state: it can be rebuilt from nothing at any time.
  const keyers = new Map<string, (instant: string) => PeriodKeys>();
  const quarterOf = (occurredAt: string): PeriodKey => {
    const timeZone = policies.at(occurredAt).timeZone;
    let keyer = keyers.get(timeZone);
    if (keyer === undefined) keyers.set(timeZone, (keyer = createPeriodKeyer(timeZone)));
    return keyer(occurredAt).quarter;
  };
  const cell = (state: RevenueByProductLineState, quarter: PeriodKey, productLine: string): RevenueCell => {
    // Product lines are free text from events: `entryOrNew` keeps `constructor` or `__proto__` an ordinary key.
    const lines = entryOrNew(state.quarters, quarter, (): Record<string, RevenueCell> => ({}));
    return entryOrNew(lines, productLine, () => ({ contractsSigned: 0, signedMinor: 0, amendedMinor: 0, terminatedMinor: 0 }));
  };

  return defineProjection<RevenueByProductLineState, SalesEventEnvelope>({
    name: REVENUE_BY_PRODUCT_LINE,
    version: 1,
    initialState: () => ({ streams: {}, contracts: {}, quarters: {} }),
    // Each handler gets its event typed by the catalogue: `event.data.lines` is a ContractLine[].
    handlers: {
      ContractDrafted: (state, event) => {
        if (!firstDelivery(state, event)) return state;
        setEntry(state.contracts, event.streamId, { valueByLine: valueByLine(event.data.lines), signed: false });
        return state;
      },

      ContractTermsRevised: (state, event) => {
        if (!firstDelivery(state, event)) return state;
        const contract = entryOf(state.contracts, event.streamId);
        if (contract === undefined) return state; // a contract this model never saw drafted, or already closed
        const next = valueByLine(event.data.lines);
        if (contract.signed) {
          // An amendment: book the difference per product line in the amendment's quarter.
          const quarter = quarterOf(event.occurredAt);
          for (const productLine of new Set([...Object.keys(contract.valueByLine), ...Object.keys(next)])) {
            const difference = (entryOf(next, productLine) ?? 0) - (entryOf(contract.valueByLine, productLine) ?? 0);
            if (difference !== 0) cell(state, quarter, productLine).amendedMinor += difference;
          }
        }
        contract.valueByLine = next;
        return state;
      },

      ContractSigned: (state, event) => {
        if (!firstDelivery(state, event)) return state;
        const contract = entryOf(state.contracts, event.streamId);
        if (contract === undefined) return state;
        const quarter = quarterOf(event.occurredAt);
        for (const [productLine, value] of Object.entries(contract.valueByLine)) {
          const booked = cell(state, quarter, productLine);
          booked.contractsSigned += 1;
          booked.signedMinor += value;
        }
        contract.signed = true;
        return state;
      },

      ContractTerminated: (state, event) => {
        if (!firstDelivery(state, event)) return state;
        const contract = entryOf(state.contracts, event.streamId);
        if (contract === undefined) return state;
        if (contract.signed) {
          // Revenue stays booked; the terminated value is reported beside it.
          const quarter = quarterOf(event.occurredAt);
          for (const [productLine, value] of Object.entries(contract.valueByLine)) {
            if (value !== 0) cell(state, quarter, productLine).terminatedMinor += value;
          }
        }
        delete state.contracts[event.streamId];
        return state;
      },

      // A fulfilled contract can change no more (no amendment, no termination):
      // forgetting it keeps the state as small as the open contracts.
      ContractFulfilled: (state, event) => {
        if (!firstDelivery(state, event)) return state;
        delete state.contracts[event.streamId];
        return state;
      },
    },
  });
}

/** The query: every quarter, or one (`{ quarter: '2017-Q1' }`). */
export interface RevenueByProductLineQuery {
  readonly quarter?: PeriodKey;
}

function checkQuery(query: unknown): RevenueByProductLineQuery {
  if (typeof query !== 'object' || query === null || Array.isArray(query)) {
    throw new ValidationError('Revenue by product line query', [{ path: '', message: 'must be an object like { quarter: "2017-Q1" }' }]);
  }
  const issues: ValidationIssue[] = [];
  for (const key of Object.keys(query)) {
    if (key !== 'quarter') issues.push({ path: key, message: 'is not an option of this query (only quarter)' });
  }
  const { quarter } = query as { quarter?: unknown };
  if (quarter !== undefined && !(typeof quarter === 'string' && periodKeyUnit(quarter) === 'quarter' && isPeriodKey(quarter))) {
    issues.push({ path: 'quarter', message: `must be a quarter key like 2017-Q1, not ${JSON.stringify(quarter)}` });
  }
  if (issues.length > 0) throw new ValidationError('Revenue by product line query', issues);
  return query as RevenueByProductLineQuery;
}

/**
 * The revenue rows, sorted by quarter then product line (code-unit order),
 * of every quarter or of `query.quarter` only (no rows for a quarter with
 * nothing booked). Pure; throws `ValidationError` naming each bad field of
 * the query.
 */
export function queryRevenueByProductLine(state: RevenueByProductLineState, query: RevenueByProductLineQuery = {}): RevenueRow[] {
  const { quarter: only } = checkQuery(query);
  const rows: RevenueRow[] = [];
  for (const [quarter, lines] of Object.entries(state.quarters)) {
    if (only !== undefined && quarter !== only) continue;
    for (const [productLine, c] of Object.entries(lines)) {
      rows.push({ quarter, productLine, contractsSigned: c.contractsSigned, signedMinor: c.signedMinor, amendedMinor: c.amendedMinor, revenueMinor: c.signedMinor + c.amendedMinor, terminatedMinor: c.terminatedMinor });
    }
  }
  // Quarter keys of one format sort as text; compare code units, not locale, so the order is the same everywhere.
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return rows.sort((a, b) => byText(a.quarter, b.quarter) || byText(a.productLine, b.productLine));
}

/** Options of `buildRevenueByProductLine`. */
export interface BuildRevenueByProductLineOptions extends RevenueByProductLineOptions {
  /** Only events recorded by this instant (ISO-8601 UTC with milliseconds). Default: every event. */
  readonly asOf?: string;
}

/**
 * Builds the state from the first event of `store`, without checkpoints.
 * With `asOf` (ISO-8601 UTC with milliseconds), only events recorded by then
 * count: the numbers as they could have been known at that instant. Default
 * policy: `definePolicy()`.
 */
export async function buildRevenueByProductLine(store: EventStore, options: BuildRevenueByProductLineOptions = {}): Promise<RevenueByProductLineState> {
  const projection = createRevenueByProductLineProjection(options.policy === undefined ? {} : { policy: options.policy });
  const { state } = await buildProjection(store, projection, options.asOf === undefined ? {} : { asOf: options.asOf });
  return state;
}
