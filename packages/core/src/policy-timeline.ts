import { isIsoTimestamp, ValidationError, type ValidationIssue } from '@dealbook/eventsourcing';
import { policySchema, type Policy } from './policy-schema.js';
import { issuesFromZod } from './validation-issues.js';

/**
 * The versions of a company's policy over time. A rule changed in March does
 * not re-judge January: an event is judged by the version in force when it
 * occurred.
 */
export interface PolicyTimeline {
  /** Every version, sorted by `effectiveFrom`, earliest first (frozen). */
  readonly versions: readonly Policy[];
  /**
   * The version in force at `occurredAt` (ISO-8601 UTC with milliseconds): the
   * one with the latest `effectiveFrom` ≤ `occurredAt`. An instant before every
   * version gets the earliest version: the history must be judged by some rule,
   * and the earliest one is the closest the company wrote down (a policy left at
   * the default `effectiveFrom`, the Unix epoch, covers every instant anyway).
   * O(log n). Throws `ValidationError` for a malformed timestamp.
   */
  at(occurredAt: string): Policy;
}

/**
 * Validates the versions (at least one; each a valid policy; no two with the
 * same `effectiveFrom`) and returns their timeline. Each version is a whole
 * policy, not a change to the one before: derive a new version from the last
 * with `definePolicy({ ...previous, effectiveFrom, …changes })`. Throws `ValidationError`
 * listing every problem, with paths like `[2].effectiveFrom`. The timeline
 * holds validated, frozen copies, so changing the objects passed in later
 * cannot change it.
 */
export function createPolicyTimeline(policies: readonly Policy[]): PolicyTimeline {
  const issues: ValidationIssue[] = [];
  if (!Array.isArray(policies)) throw new ValidationError('Policy timeline', [{ path: '', message: 'must be an array of policies' }]);
  if (policies.length === 0) issues.push({ path: '', message: 'needs at least one policy version' });

  const parsed: Policy[] = [];
  const firstIndexOf = new Map<string, number>();
  policies.forEach((policy, index) => {
    const result = policySchema.safeParse(policy);
    if (!result.success) {
      issues.push(...issuesFromZod(result.error.issues, [index]));
      return;
    }
    const from = result.data.effectiveFrom;
    const first = firstIndexOf.get(from);
    if (first === undefined) firstIndexOf.set(from, index);
    else issues.push({ path: `[${index}].effectiveFrom`, message: `${from} is also the effectiveFrom of [${first}]; two versions cannot take effect at the same instant` });
    parsed.push(result.data);
  });
  if (issues.length > 0) throw new ValidationError('Policy timeline', issues);

  // ISO-8601 UTC with milliseconds in one fixed form: string order is time order.
  const versions = Object.freeze(parsed.sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1)));
  const starts = versions.map((v) => v.effectiveFrom);

  return {
    versions,
    at(occurredAt: string): Policy {
      if (!isIsoTimestamp(occurredAt)) {
        throw new ValidationError('Policy lookup', [
          { path: 'occurredAt', message: 'must be an ISO-8601 UTC timestamp with milliseconds, like 2026-03-02T01:31:05.123Z' },
        ]);
      }
      // The last index whose start is ≤ occurredAt; 0 when every start is later.
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (starts[mid]! <= occurredAt) lo = mid;
        else hi = mid - 1;
      }
      return versions[lo]!;
    },
  };
}

/** What APIs accept as a policy: one policy, its versions over time, or a timeline. */
export type PolicyOption = Policy | readonly Policy[] | PolicyTimeline;

/** The timeline of a `PolicyOption`; `undefined` gives DOMAIN.md's defaults. Validates like `createPolicyTimeline`. */
export function policyTimelineOf(policy: PolicyOption | undefined): PolicyTimeline {
  if (policy === undefined) return createPolicyTimeline([policySchema.parse({})]);
  if (Array.isArray(policy)) return createPolicyTimeline(policy as readonly Policy[]);
  if ('at' in policy && typeof policy.at === 'function') return policy as PolicyTimeline;
  return createPolicyTimeline([policy as Policy]);
}
