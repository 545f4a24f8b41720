import { formatPath, type ValidationIssue } from '@dealbook/eventsourcing';
import type { z } from 'zod';

/**
 * zod issues as the kernel's `ValidationIssue`s (`kpiWeights.manager.visits`),
 * one per bad field: an unknown-keys issue becomes one issue per unknown key,
 * at that key's path. `prefix` is put before every path (e.g. `[2]`).
 */
export function issuesFromZod(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: formatPath([...path, key]), message: 'is not a policy field (unknown key)' });
    } else {
      out.push({ path: formatPath(path), message: issue.message });
    }
  }
  return out;
}
