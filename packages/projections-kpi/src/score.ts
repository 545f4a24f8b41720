import type { Policy, RepRole } from '@dealbook/core';
import type { Figures } from './figures.js';
import type { TargetEntry } from './kpi-state.js';

/** Each component's achievement in percent of its target (uncapped); null when it has no target (left out). */
export interface ScoreComponents {
  readonly salesAttainment: number | null;
  readonly newCustomers: number | null;
  readonly visits: number | null;
  readonly complaintSla: number | null;
  readonly reportCompletion: number | null;
}

const sumOrNull = (values: readonly (number | null)[]): number | null => {
  let sum: number | null = null;
  for (const v of values) if (v !== null) sum = (sum ?? 0) + v;
  return sum;
};
const percent = (num: number, den: number | null) => (den === null || den <= 0 ? null : (100 * num) / den);

/**
 * The weighted score (DOMAIN.md "Score"): score = Σᵢ wᵢ × min(cap, 100 × aᵢ)
 * over the components that have a target, the role's weights rescaled to sum
 * to 1 over those; null when none has a target (or their weights sum to 0).
 * Components: signed / sales target, new customers / target, visits (on-site
 * and phone) / target, complaints forwarded in SLA / received, reports on time
 * / due.
 */
export function scoreOf(
  figures: Readonly<Figures>,
  targets: readonly TargetEntry[],
  reportsDue: number,
  role: RepRole,
  policy: Pick<Policy, 'kpiWeights' | 'scoreCap'>,
): { readonly score: number | null; readonly components: ScoreComponents } {
  const components: ScoreComponents = {
    salesAttainment: percent(figures.signedSalesMinor, sumOrNull(targets.map((t) => t.amountMinor))),
    newCustomers: percent(figures.newCustomers, sumOrNull(targets.map((t) => t.newCustomers))),
    visits: percent(figures.visitsOnsite + figures.visitsPhone, sumOrNull(targets.map((t) => t.visits))),
    complaintSla: percent(figures.complaintsForwardedInSla, figures.complaintsReceived),
    reportCompletion: percent(figures.reportsOnTime, reportsDue),
  };
  const weights = policy.kpiWeights[role];
  let weightSum = 0;
  let weighted = 0;
  for (const name of Object.keys(components) as (keyof ScoreComponents)[]) {
    const value = components[name];
    if (value === null) continue;
    weightSum += weights[name];
    weighted += weights[name] * Math.min(policy.scoreCap, value);
  }
  return { score: weightSum === 0 ? null : weighted / weightSum, components };
}
