import { ValidationError } from '@dealbook/eventsourcing';
import { mergeDeep } from './deep-merge.js';
import { defaultPolicy, policySchema, type Policy, type PolicyInput } from './policy-schema.js';
import { issuesFromZod } from './validation-issues.js';

/**
 * A company policy: `partial` deep-merged over `base` (nested objects merged
 * key by key, arrays replaced), then validated. The result is frozen all the
 * way down. `base` defaults to DOMAIN.md's defaults; pass the version before
 * to derive the next one from it (a policy version is always whole).
 *
 * Throws the kernel's `ValidationError` listing every bad field with its path
 * (`kpiWeights.manager.visits`), unknown keys included; a role whose KPI
 * weights do not sum to 1 is reported at `kpiWeights.<role>`.
 *
 * @example definePolicy({ followUpIntervalDays: { A: 7 }, regulatedProductLines: ['medical-devices'] })
 * @example definePolicy({ effectiveFrom: '2026-03-01T00:00:00.000Z', visitRecordingDelayHours: 24 }, january)
 */
export function definePolicy(partial: PolicyInput = {}, base: Policy = defaultPolicy): Policy {
  const parsed = policySchema.safeParse(mergeDeep(base, partial));
  if (!parsed.success) throw new ValidationError('Policy', issuesFromZod(parsed.error.issues));
  return parsed.data;
}
