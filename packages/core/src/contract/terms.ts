import { TZDate } from '@date-fns/tz';
import { createPeriodKeyer, type PeriodKeys } from '../period-keys.js';
import { canonicalText, sha256Hex } from '@dealbook/eventsourcing';
import { addDays } from 'date-fns';
import { z } from 'zod';
import { isoDateSchema, moneyMinorSchema, productLineSchema, quantitySchema } from '../common-schemas.js';

/** A contract line: what is sold, how many, at what unit price (integer minor units). */
export const contractLineSchema = z.strictObject({
  productLine: productLineSchema,
  spec: z.string().trim().min(1, 'must not be empty').max(200).optional(),
  quantity: quantitySchema,
  unitPriceMinor: moneyMinorSchema,
});

/** An installment of the payment plan (informational: invoices drive receivables; design §6 Q9). */
export const contractInstallmentSchema = z.strictObject({
  /** Days after signing the installment falls due. */
  dueOffsetDays: z.int().min(0).max(3650),
  amountMinor: moneyMinorSchema,
});

/** Payment terms: the credit term (账期) in days after an invoice, and an optional installment plan. */
export const contractPaymentTermsSchema = z.strictObject({
  creditDays: z.int('must be a whole number of days').min(0, 'must be ≥ 0').max(3650),
  installments: z.array(contractInstallmentSchema).min(1).max(120).optional(),
});

/** The terms a host proposes (drafting, revising, amending): the total is computed, never taken from input. */
export const proposedContractTermsShape = {
  lines: z.array(contractLineSchema).min(1, 'a contract needs at least one line').max(500),
  deliveryDate: isoDateSchema,
  paymentTerms: contractPaymentTermsSchema,
};

/** The revisable terms as events carry them: the proposed terms plus the computed total. */
export const revisedContractTermsShape = { ...proposedContractTermsShape, totalMinor: moneyMinorSchema };

export type ContractLine = z.output<typeof contractLineSchema>;
export type ContractPaymentTerms = z.output<typeof contractPaymentTermsSchema>;

/** The legally reviewed terms of a contract (R-CONTRACT-LEGAL): what the terms hash covers. */
export interface ContractTerms {
  readonly customerId: string;
  readonly lines: readonly ContractLine[];
  readonly totalMinor: number;
  readonly deliveryDate: string;
  readonly paymentTerms: ContractPaymentTerms;
}

/**
 * The terms hash of R-CONTRACT-LEGAL: SHA-256 hex of the RFC 8785 canonical
 * JSON of `{customerId, lines, totalMinor, deliveryDate, paymentTerms}`,
 * lines in their given order, absent optional fields left out. The auditor
 * recomputes it, so only these members are hashed, whatever else an object
 * carries.
 */
export function contractTermsHash(terms: ContractTerms): string {
  const { creditDays, installments } = terms.paymentTerms;
  return sha256Hex(
    canonicalText({
      customerId: terms.customerId,
      lines: terms.lines.map((l) => ({ productLine: l.productLine, ...(l.spec === undefined ? {} : { spec: l.spec }), quantity: l.quantity, unitPriceMinor: l.unitPriceMinor })),
      totalMinor: terms.totalMinor,
      deliveryDate: terms.deliveryDate,
      paymentTerms: { creditDays, ...(installments === undefined ? {} : { installments: installments.map((i) => ({ dueOffsetDays: i.dueOffsetDays, amountMinor: i.amountMinor })) }) },
    }),
  );
}

/**
 * Σ quantity × unitPriceMinor (R-CONTRACT-TOTAL). `safe` is false when a line
 * amount or the sum leaves the safe-integer range (the total is then not exact).
 */
export function contractLinesTotal(lines: readonly Pick<ContractLine, 'quantity' | 'unitPriceMinor'>[]): { readonly totalMinor: number; readonly safe: boolean } {
  let total = 0;
  let safe = true;
  for (const line of lines) {
    const amount = line.quantity * line.unitPriceMinor;
    if (!Number.isSafeInteger(amount)) safe = false;
    total += amount;
    if (!Number.isSafeInteger(total)) safe = false;
  }
  return { totalMinor: total, safe };
}

/** The key deliveries are counted by: a line's product line and spec (R-CONTRACT-DELIVERY). */
export function contractLineKey(line: { readonly productLine: string; readonly spec?: string | undefined }): string {
  return JSON.stringify([line.productLine, line.spec ?? null]);
}

/** The contracted quantity per line key (lines with the same product line and spec add up). */
export function contractedByLine(lines: readonly ContractLine[]): Readonly<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of lines) out[contractLineKey(line)] = (out[contractLineKey(line)] ?? 0) + line.quantity;
  return out;
}


/**
 * When an invoice falls due (R-AR-INVOICE, design §3.4): the due date D is
 * the local date of the issue instant in `timeZone` plus `creditDays`; the
 * invoice is due through the end of D, so `dueAt` is the start of local day
 * D + 1 (ISO-8601 UTC). Days past due at T = local date(T) − D.
 */
export function invoiceDueAt(issuedAt: string, creditDays: number, timeZone: string): { readonly dueDate: string; readonly dueAt: string } {
  // The zone is needed twice only: for the local date of issue, and for the
  // instant the day after the due date starts. The days in between are plain
  // calendar days, counted on a UTC date (no zone offsets to look up).
  const issuedOn = localDate(issuedAt, timeZone);
  const dueDay = addDays(new Date(Date.UTC(Number(issuedOn.slice(0, 4)), Number(issuedOn.slice(5, 7)) - 1, Number(issuedOn.slice(8, 10)))), creditDays);
  const cacheKey = `${timeZone} ${dueDay.getTime()}`;
  let dueAt = dayAfterStarts.get(cacheKey);
  if (dueAt === undefined) {
    const end = new TZDate(dueDay.getUTCFullYear(), dueDay.getUTCMonth(), dueDay.getUTCDate() + 1, timeZone);
    dueAt = new Date(end.getTime()).toISOString();
    if (dayAfterStarts.size >= 10_000) dayAfterStarts.clear();
    dayAfterStarts.set(cacheKey, dueAt);
  }
  // dueDay is midnight UTC of the due date: its ISO form starts with that date.
  return { dueDate: dueDay.toISOString().slice(0, 10), dueAt };
}

// Both zone lookups are remembered: the local date per local day (a period keyer per zone),
// the start of the day after a due date per zone and date.
const keyers = new Map<string, (instant: string) => PeriodKeys>();
const dayAfterStarts = new Map<string, string>();
function localDate(instant: string, timeZone: string): string {
  let keyer = keyers.get(timeZone);
  if (keyer === undefined) keyers.set(timeZone, (keyer = createPeriodKeyer(timeZone)));
  return keyer(instant).date;
}
