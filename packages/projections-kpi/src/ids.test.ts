import { applyEvents } from '@dealbook/eventsourcing';
import { recordedEvents, type EventSketch } from '@dealbook/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKpiProjection } from './kpi-projection.js';
import { queryKpi } from './kpi-query.js';
import { createReceivablesProjection, queryReceivables } from './receivables.js';

// An id is 1–200 characters without white space: names a plain object inherits and `/` are ids too.
const trickyIds = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'a', 'a/b', 'b/c', 'c', 'x/y/z', 'valueOf'];

interface Ids {
  readonly customers: readonly [string, string];
  /** A customer assigned but never registered (a history cut short): nothing to count. */
  readonly stray: string;
  readonly contracts: readonly [string, string];
  readonly invoices: readonly [string, string];
  readonly complaints: readonly [string, string];
}

const at = (day: number, hour = 2) => `2026-01-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`;
const e = (streamId: string, type: string, occurredAt: string, data: unknown): EventSketch => ({ streamId, type, occurredAt, data });

/** Two customers with a contract, an invoice and a complaint each, under the given ids. */
function history(ids: Ids): EventSketch[] {
  const events: EventSketch[] = [e('rep-r-1', 'RepHired', at(1, 1), { repId: 'r-1', name: 'R1', role: 'representative', regions: ['east'] })];
  for (const i of [0, 1] as const) {
    const customer = ids.customers[i];
    const contract = ids.contracts[i];
    const amount = 100_000 * (i + 1);
    events.push(
      e(`customer-${customer}`, 'CustomerRegistered', at(2), { customerId: customer, customerNumber: `N${i}`, name: `C${i}`, region: 'east', contacts: [] }),
      e(`customer-${customer}`, 'CustomerAssigned', at(2, 3), { repId: 'r-1', reason: 'initial' }),
      e(`customer-${customer}`, 'ComplaintReceived', at(3), { complaintId: ids.complaints[i], category: 'quality', description: 'scratches' }),
      e(`contract-${contract}`, 'ContractDrafted', at(4), { contractId: contract, customerId: customer, repId: 'r-1', lines: [], totalMinor: amount, deliveryDate: '2026-02-01', paymentTerms: { creditDays: 7 } }),
      e(`contract-${contract}`, 'ContractSigned', at(5), { companySignatoryId: 'r-1', customerSignatory: 'Ms C' }),
      e(`contract-${contract}`, 'InvoiceIssued', at(6), { invoiceId: ids.invoices[i], amountMinor: amount, dueAt: at(20) }),
    );
  }
  events.push(e(`customer-${ids.stray}`, 'CustomerAssigned', at(8), { repId: 'r-1', reason: 'initial' }));
  // Both complaints forwarded within the 2 h SLA; a payment on the first invoice only.
  events.push(
    e(`customer-${ids.customers[0]}`, 'ComplaintForwarded', at(3, 3), { complaintId: ids.complaints[0], department: 'quality' }),
    e(`customer-${ids.customers[1]}`, 'ComplaintForwarded', at(3, 3), { complaintId: ids.complaints[1], department: 'quality' }),
    e(`contract-${ids.contracts[0]}`, 'PaymentReceived', at(7), { invoiceId: ids.invoices[0], amountMinor: 40_000 }),
  );
  return events;
}

function figures(ids: Ids) {
  const records = recordedEvents(history(ids));
  const kpi = createKpiProjection();
  const receivables = createReceivablesProjection();
  const kpiRow = queryKpi(applyEvents(kpi, kpi.initialState(), records), { period: '2026-01', at: at(25) }).rows[0]!;
  const open = queryReceivables(applyEvents(receivables, receivables.initialState(), records), { at: at(25) }).rows[0]!;
  return {
    customersRegistered: kpiRow.customersRegistered,
    newCustomers: kpiRow.newCustomers,
    signedSalesMinor: kpiRow.signedSalesMinor,
    collectedMinor: kpiRow.collectedMinor,
    complaints: [kpiRow.complaintsReceived, kpiRow.complaintsForwardedInSla],
    overdue: kpiRow.overdueReceivablesMinor,
    open: [open.openMinor, open.openInvoices, open.overdueMinor],
  };
}

const plain: Ids = { customers: ['c-1', 'c-2'], stray: 's-1', contracts: ['k-1', 'k-2'], invoices: ['i-1', 'i-2'], complaints: ['q-1', 'q-2'] };
const distinct = (n: number) => fc.uniqueArray(fc.constantFrom(...trickyIds), { minLength: n, maxLength: n });
const pair = distinct(2) as fc.Arbitrary<[string, string]>;

describe('ids are only names: the figures do not depend on them', () => {
  it('the plain history, by hand', () => {
    expect(figures(plain)).toEqual({
      customersRegistered: 2,
      newCustomers: 2,
      signedSalesMinor: 300_000,
      collectedMinor: 40_000,
      complaints: [2, 2],
      overdue: 260_000,
      open: [260_000, 2, 260_000],
    });
  });

  it('ids that are names a plain object inherits, or that hold `/`, count like any others (property)', () => {
    fc.assert(
      fc.property(distinct(3), pair, pair, pair, ([c1, c2, stray], contracts, invoices, complaints) => {
        expect(figures({ customers: [c1!, c2!], stray: stray!, contracts, invoices, complaints })).toEqual(figures(plain));
        // Nothing leaked onto the prototype every object shares.
        expect(Object.keys(Object.prototype)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('contract a/b with invoice c and contract a with invoice b/c are two invoices', () => {
    expect(figures({ ...plain, contracts: ['a/b', 'a'], invoices: ['c', 'b/c'] }).open).toEqual([260_000, 2, 260_000]);
  });

  it('a customer named __proto__ is a customer; one named constructor is not there before it is registered', () => {
    expect(figures({ ...plain, customers: ['__proto__', 'toString'], stray: 'constructor' })).toEqual(figures(plain));
  });
});
