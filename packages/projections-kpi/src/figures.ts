/**
 * The additive facts the KPI keeps per period and cell: every one is a sum
 * (money in minor units, counts, durations in ms), so rows of reps add up to
 * their team, teams to their region and regions to the company.
 */
export interface Figures {
  /** Σ totals of contracts signed (the total as signed). */
  signedSalesMinor: number;
  contractsSigned: number;
  /** Σ (new total − old total) of amendments to signed contracts, by the amendment's time (may be negative). */
  amendmentsMinor: number;
  /** Σ payments received. */
  collectedMinor: number;
  /** Commission on collected amounts, by the contract's business source. */
  commissionNewCustomerMinor: number;
  commissionExistingCustomerMinor: number;
  commissionPartnerMinor: number;
  visitsOnsite: number;
  visitsPhone: number;
  /** Customers whose first contract was signed, credited to the signing rep. */
  newCustomers: number;
  /** Customers registered, credited to the rep first assigned to them. */
  customersRegistered: number;
  customersLost: number;
  /** Of `customersLost`, those lost through the rep's fault. */
  customersLostAttributable: number;
  opportunitiesWon: number;
  opportunitiesLost: number;
  /** Σ values of opportunities won. */
  wonValueMinor: number;
  /** Σ (won − opened) of opportunities won, in ms. */
  salesCycleMs: number;
  /** Leads that became opportunities. */
  leadsConverted: number;
  leadsDisqualified: number;
  complaintsReceived: number;
  /** Of the complaints received, those forwarded within the SLA of the policy in force at receipt. */
  complaintsForwardedInSla: number;
  /** Monthly reports submitted (bucketed by the month reported on, not by the submission). */
  reportsSubmitted: number;
  /** Of those, submitted before the deadline (month end + `monthlyReportDueDays`). */
  reportsOnTime: number;
}

export type FigureName = keyof Figures;

export const figureNames: readonly FigureName[] = Object.freeze([
  'signedSalesMinor',
  'contractsSigned',
  'amendmentsMinor',
  'collectedMinor',
  'commissionNewCustomerMinor',
  'commissionExistingCustomerMinor',
  'commissionPartnerMinor',
  'visitsOnsite',
  'visitsPhone',
  'newCustomers',
  'customersRegistered',
  'customersLost',
  'customersLostAttributable',
  'opportunitiesWon',
  'opportunitiesLost',
  'wonValueMinor',
  'salesCycleMs',
  'leadsConverted',
  'leadsDisqualified',
  'complaintsReceived',
  'complaintsForwardedInSla',
  'reportsSubmitted',
  'reportsOnTime',
] as const);

/** All figures at 0 (an object literal, so every figures object shares one shape). */
export function zeroFigures(): Figures {
  return {
    signedSalesMinor: 0,
    contractsSigned: 0,
    amendmentsMinor: 0,
    collectedMinor: 0,
    commissionNewCustomerMinor: 0,
    commissionExistingCustomerMinor: 0,
    commissionPartnerMinor: 0,
    visitsOnsite: 0,
    visitsPhone: 0,
    newCustomers: 0,
    customersRegistered: 0,
    customersLost: 0,
    customersLostAttributable: 0,
    opportunitiesWon: 0,
    opportunitiesLost: 0,
    wonValueMinor: 0,
    salesCycleMs: 0,
    leadsConverted: 0,
    leadsDisqualified: 0,
    complaintsReceived: 0,
    complaintsForwardedInSla: 0,
    reportsSubmitted: 0,
    reportsOnTime: 0,
  };
}

export function addFigures(into: Figures, from: Readonly<Figures>): void {
  for (const name of figureNames) into[name] += from[name];
}
