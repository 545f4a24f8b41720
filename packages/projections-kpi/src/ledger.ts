import type { SalesEventEnvelope } from '@dealbook/core';

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

/** The receivables ledger: every invoice, and who each contract belongs to. */
export interface Ledger {
  /** contractId → the contract's customer and rep. */
  readonly contracts: Record<string, { readonly customerId: string; readonly repId: string }>;
  /** `<contractId>/<invoiceId>` → invoice. */
  readonly invoices: Record<string, LedgerInvoice>;
}

export const emptyLedger = (): Ledger => ({ contracts: {}, invoices: {} });

/** The event types the ledger reads. */
export const ledgerEventTypes = ['ContractDrafted', 'InvoiceIssued', 'PaymentReceived', 'BadDebtWrittenOff'] as const;

const contractIdOf = (streamId: string) => streamId.slice('contract-'.length);

/**
 * Folds one event into the ledger (in place). Returns the invoice it touched,
 * if any, so a caller (the KPI) can credit what it does to the right people.
 */
export function applyToLedger(ledger: Ledger, event: SalesEventEnvelope): LedgerInvoice | undefined {
  switch (event.type) {
    case 'ContractDrafted':
      ledger.contracts[event.data.contractId] = { customerId: event.data.customerId, repId: event.data.repId };
      return undefined;
    case 'InvoiceIssued': {
      const contractId = contractIdOf(event.streamId);
      const contract = ledger.contracts[contractId];
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
      ledger.invoices[`${contractId}/${event.data.invoiceId}`] = invoice;
      return invoice;
    }
    case 'PaymentReceived': {
      const invoice = ledger.invoices[`${contractIdOf(event.streamId)}/${event.data.invoiceId}`];
      if (invoice === undefined) return undefined;
      invoice.paidMinor += event.data.amountMinor;
      invoice.payments.push([event.occurredAt, event.data.amountMinor]);
      return invoice;
    }
    case 'BadDebtWrittenOff': {
      const invoice = ledger.invoices[`${contractIdOf(event.streamId)}/${event.data.invoiceId}`];
      if (invoice === undefined) return undefined;
      invoice.writtenOffMinor += event.data.amountMinor;
      invoice.writeOffs.push([event.occurredAt, event.data.amountMinor]);
      return invoice;
    }
    default:
      return undefined;
  }
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
