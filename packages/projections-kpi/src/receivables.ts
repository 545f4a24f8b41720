import { policyTimelineOf, type PolicyOption, type SalesEventEnvelope } from '@dealbook/core';
import { buildProjection, defineProjection, isIsoTimestamp, streamEntityId, ValidationError, type EventStore, type Projection, type ValidationIssue } from '@dealbook/eventsourcing';
import { alreadyApplied } from './redelivery.js';
import { applyToLedger, daysPastDue, emptyLedger, ledgerInvoices, openAmountAt, type Ledger, type LedgerInvoice } from './ledger.js';

/** The receivables read model's state: the ledger of every invoice, and the latest business time seen. */
export interface ReceivablesState {
  readonly ledger: Ledger;
  /** Per stream, the last `streamVersion` applied (a re-delivered event counts once). */
  readonly streams: Record<string, number>;
  /** The latest `occurredAt` applied: the default instant queries judge at. */
  lastOccurredAt: string | null;
}

/** Increase when handlers or the state shape change: stored checkpoints of another version are rebuilt. */
export const RECEIVABLES_PROJECTION_VERSION = 2;

/** The read model of open receivables: `queryReceivables(state, …)` asks it. */
export function createReceivablesProjection(): Projection<ReceivablesState, SalesEventEnvelope> {
  const apply = (state: ReceivablesState, event: SalesEventEnvelope): ReceivablesState => {
    if (alreadyApplied(state.streams, event)) return state;
    applyToLedger(state.ledger, event, streamEntityId(event.streamId));
    if (state.lastOccurredAt === null || event.occurredAt > state.lastOccurredAt) state.lastOccurredAt = event.occurredAt;
    return state;
  };
  return defineProjection<ReceivablesState, SalesEventEnvelope>({
    name: 'dealbook.receivables',
    version: RECEIVABLES_PROJECTION_VERSION,
    initialState: () => ({ ledger: emptyLedger(), streams: {}, lastOccurredAt: null }),
    handlers: { ContractDrafted: apply, InvoiceIssued: apply, PaymentReceived: apply, BadDebtWrittenOff: apply },
  });
}

/** Aging buckets by days past due. */
export interface AgingBuckets {
  readonly notDue: number;
  readonly days1to30: number;
  readonly days31to60: number;
  readonly days61to90: number;
  readonly over90: number;
}

export interface ReceivablesRow {
  /** The customer or rep id; `company` for the whole company. */
  readonly key: string;
  /** Σ open amounts (invoiced − paid − written off) at the instant. */
  readonly openMinor: number;
  /** Open amounts by days past due. */
  readonly aging: AgingBuckets;
  /** Of `openMinor`, what is past due. */
  readonly overdueMinor: number;
  /** Invoices with something still open. */
  readonly openInvoices: number;
  /**
   * Days sales outstanding: open amount ÷ amount invoiced in the `dsoWindowDays`
   * before the instant × `dsoWindowDays`; null when nothing was invoiced then.
   */
  readonly dsoDays: number | null;
}

export interface ReceivablesQuery {
  /** Group by customer, by rep (the contract's), or one company row. Default `company`. */
  readonly by?: 'customer' | 'rep' | 'company';
  /** The instant to judge at (ISO-8601 UTC). Default: the latest `occurredAt` applied. */
  readonly at?: string;
  /** The window of the DSO's sales denominator, in days. Default 90. */
  readonly dsoWindowDays?: number;
  readonly where?: { readonly customer?: string; readonly rep?: string };
}

export interface ReceivablesResult {
  readonly at: string | null;
  readonly by: 'customer' | 'rep' | 'company';
  /** Groups sorted by key; groups with nothing open and nothing invoiced in the DSO window are left out. */
  readonly rows: readonly ReceivablesRow[];
}

const DAY_MS = 86_400_000;

function checkQuery(query: ReceivablesQuery): void {
  const issues: ValidationIssue[] = [];
  if (query.by !== undefined && !['customer', 'rep', 'company'].includes(query.by)) issues.push({ path: 'by', message: 'must be customer, rep or company' });
  if (query.at !== undefined && !isIsoTimestamp(query.at)) issues.push({ path: 'at', message: 'must be an ISO-8601 UTC timestamp with milliseconds' });
  if (query.dsoWindowDays !== undefined && !(Number.isInteger(query.dsoWindowDays) && query.dsoWindowDays >= 1)) {
    issues.push({ path: 'dsoWindowDays', message: 'must be a whole number of days ≥ 1' });
  }
  if (issues.length > 0) throw new ValidationError('Receivables query', issues);
}

interface Acc {
  open: number;
  overdue: number;
  openInvoices: number;
  invoicedInWindow: number;
  aging: { notDue: number; days1to30: number; days31to60: number; days61to90: number; over90: number };
}

/** Adds an open amount to the aging bucket of its days past due. */
export function ageInto(aging: Acc['aging'], invoice: LedgerInvoice, open: number, at: string): void {
  const days = daysPastDue(invoice, at);
  if (days <= 0) aging.notDue += open;
  else if (days <= 30) aging.days1to30 += open;
  else if (days <= 60) aging.days31to60 += open;
  else if (days <= 90) aging.days61to90 += open;
  else aging.over90 += open;
}

/** Open receivables, aging and DSO at an instant, per customer, rep or company. Plain JSON. */
export function queryReceivables(state: ReceivablesState, query: ReceivablesQuery = {}): ReceivablesResult {
  checkQuery(query);
  const by = query.by ?? 'company';
  const at = query.at ?? state.lastOccurredAt;
  if (at === null) return { at: null, by, rows: [] };
  const windowDays = query.dsoWindowDays ?? 90;
  const windowStart = new Date(Date.parse(at) - windowDays * DAY_MS).toISOString();
  const groups = new Map<string, Acc>();
  for (const invoice of ledgerInvoices(state.ledger)) {
    if (query.where?.customer !== undefined && invoice.customerId !== query.where.customer) continue;
    if (query.where?.rep !== undefined && invoice.repId !== query.where.rep) continue;
    const open = openAmountAt(invoice, at);
    const inWindow = invoice.issuedAt > windowStart && invoice.issuedAt <= at ? invoice.amountMinor : 0;
    if (open === 0 && inWindow === 0) continue;
    const key = by === 'customer' ? invoice.customerId : by === 'rep' ? invoice.repId : 'company';
    let acc = groups.get(key);
    if (acc === undefined) {
      acc = { open: 0, overdue: 0, openInvoices: 0, invoicedInWindow: 0, aging: { notDue: 0, days1to30: 0, days31to60: 0, days61to90: 0, over90: 0 } };
      groups.set(key, acc);
    }
    acc.invoicedInWindow += inWindow;
    if (open > 0) {
      acc.open += open;
      acc.openInvoices++;
      if (daysPastDue(invoice, at) > 0) acc.overdue += open;
      ageInto(acc.aging, invoice, open, at);
    }
  }
  const rows = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, acc]): ReceivablesRow => ({
      key,
      openMinor: acc.open,
      aging: acc.aging,
      overdueMinor: acc.overdue,
      openInvoices: acc.openInvoices,
      dsoDays: acc.invoicedInWindow === 0 ? null : (acc.open / acc.invoicedInWindow) * windowDays,
    }));
  return { at, by, rows };
}

export interface BuildReceivablesOptions {
  /** Only events recorded at or before this instant: the read model as it was known then. */
  readonly asOf?: string;
  /**
   * Accepted (and validated) like the other read models' builds so callers can pass one set of
   * options; receivables do not depend on the policy: due dates come from the invoices themselves.
   */
  readonly policy?: PolicyOption;
}

/** Builds the receivables read model from a store (from the first event; `asOf` for the past). */
export async function buildReceivables(store: EventStore, options: BuildReceivablesOptions = {}): Promise<ReceivablesState> {
  policyTimelineOf(options.policy); // validates a policy passed for symmetry with the other read models
  const { state } = await buildProjection(store, createReceivablesProjection(), options.asOf === undefined ? {} : { asOf: options.asOf });
  return state;
}
