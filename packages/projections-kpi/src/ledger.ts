import type { SalesEventEnvelope } from '@dealbook/core';
import { entryOf, setEntry } from '@dealbook/eventsourcing';

/** One invoice of a contract, with its payments and write-offs over time (amounts in minor units). */
export interface LedgerInvoice {
  readonly contractId: string;
  readonly invoiceId: string;
  readonly customerId: string;
  /** The contract's rep (a contract keeps the rep it was drafted by). */
  readonly repId: string;
  readonly amountMinor: number;
  readonly issuedAt: string;
  readonly dueAt: string;
  paidMinor: number;
  writtenOffMinor: number;
  /** `[occurredAt, amountMinor]` of each payment, in order. */
  readonly payments: [string, number][];
  /** `[occurredAt, amountMinor]` of each write-off, in order. */
  readonly writeOffs: [string, number][];
}

/** A contract as the ledger keeps it: who it belongs to, and its invoices. */
export interface LedgerContract {
  readonly customerId: string;
  /** The rep it was drafted by. */
  readonly repId: string;
  /** invoiceId → invoice. */
  readonly invoices: Record<string, LedgerInvoice>;
}

/** The receivables ledger: every contract drafted, with its invoices. */
export interface Ledger {
  /** contractId → the contract's customer, rep and invoices. */
  readonly contracts: Record<string, LedgerContract>;
}

export const emptyLedger = (): Ledger => ({ contracts: {} });

/** Every invoice of the ledger, contract by contract. */
export function* ledgerInvoices(ledger: Ledger): Generator<LedgerInvoice> {
  for (const contract of Object.values(ledger.contracts)) yield* Object.values(contract.invoices);
}

/** The event types the ledger reads. */
export const ledgerEventTypes = ['ContractDrafted', 'InvoiceIssued', 'PaymentReceived', 'BadDebtWrittenOff'] as const;

/**
 * Folds one event into the ledger (in place); `contractId` is the id of the
 * event's contract stream. Returns the invoice it touched, if any, so a
 * caller (the KPI) can credit what it does to the right people.
 */
export function applyToLedger(ledger: Ledger, event: SalesEventEnvelope, contractId: string): LedgerInvoice | undefined {
  switch (event.type) {
    case 'ContractDrafted':
      setEntry(ledger.contracts, contractId, { customerId: event.data.customerId, repId: event.data.repId, invoices: {} });
      return undefined;
    case 'InvoiceIssued': {
      const contract = entryOf(ledger.contracts, contractId);
      if (contract === undefined) return undefined;
      const invoice: LedgerInvoice = {
        contractId,
        invoiceId: event.data.invoiceId,
        customerId: contract.customerId,
        repId: contract.repId,
        amountMinor: event.data.amountMinor,
        issuedAt: event.occurredAt,
        dueAt: event.data.dueAt,
        paidMinor: 0,
        writtenOffMinor: 0,
        payments: [],
        writeOffs: [],
      };
      setEntry(contract.invoices, event.data.invoiceId, invoice);
      return invoice;
    }
    case 'PaymentReceived': {
      const invoice = invoiceOf(ledger, contractId, event.data.invoiceId);
      if (invoice === undefined) return undefined;
      invoice.paidMinor += event.data.amountMinor;
      invoice.payments.push([event.occurredAt, event.data.amountMinor]);
      return invoice;
    }
    case 'BadDebtWrittenOff': {
      const invoice = invoiceOf(ledger, contractId, event.data.invoiceId);
      if (invoice === undefined) return undefined;
      invoice.writtenOffMinor += event.data.amountMinor;
      invoice.writeOffs.push([event.occurredAt, event.data.amountMinor]);
      return invoice;
    }
    default:
      return undefined;
  }
}

function invoiceOf(ledger: Ledger, contractId: string, invoiceId: string): LedgerInvoice | undefined {
  const contract = entryOf(ledger.contracts, contractId);
  return contract === undefined ? undefined : entryOf(contract.invoices, invoiceId);
}

/**
 * What is still owed on an invoice at an instant: its amount less payments and
 * write-offs that occurred at or before it (0 before the invoice was issued).
 */
export function openAmountAt(invoice: LedgerInvoice, at: string): number {
  if (invoice.issuedAt > at) return 0;
  let open = invoice.amountMinor;
  for (const [when, amount] of invoice.payments) if (when <= at) open -= amount;
  for (const [when, amount] of invoice.writeOffs) if (when <= at) open -= amount;
  return Math.max(0, open);
}

const DAY_MS = 86_400_000;

/** Whole days an invoice is past due at an instant (0 or less: not due yet). Day 1 starts the instant after `dueAt`. */
export function daysPastDue(invoice: Pick<LedgerInvoice, 'dueAt'>, at: string): number {
  const late = Date.parse(at) - Date.parse(invoice.dueAt);
  return late <= 0 ? 0 : Math.ceil(late / DAY_MS);
}
