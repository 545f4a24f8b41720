import { ValidationError } from '@dealbook/eventsourcing';
import { mergeDeep } from './deep-merge.js';
import { defaultPolicy, policySchema, type Policy, type PolicyInput } from './policy-schema.js';
import { issuesFromZod } from './validation-issues.js';

/**
 * A company policy: `partial` deep-merged over the defaults (nested objects
 * merged key by key, arrays replaced), then validated. The result is frozen
 * all the way down.
 *
 * Throws the kernel's `ValidationError` listing every bad field with its path
 * (`kpiWeights.manager.visits`), unknown keys included; a role whose KPI
 * weights do not sum to 1 is reported at `kpiWeights.<role>`.
 *
 * @example definePolicy({ followUpIntervalDays: { A: 7 }, regulatedProductLines: ['medical-devices'] })
 */
export function definePolicy(partial: PolicyInput = {}): Policy {
  const parsed = policySchema.safeParse(mergeDeep(defaultPolicy, partial));
  if (!parsed.success) throw new ValidationError('Policy', issuesFromZod(parsed.error.issues));
  return parsed.data;
}
