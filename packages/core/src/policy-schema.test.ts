import { describe, expect, it } from 'vitest';
import { businessSources, customerClasses, kpiComponents, repRoles } from './domain-terms.js';
import { defaultPolicy, isTimeZone, policySchema } from './policy-schema.js';

/** Paths of the issues of a failed parse, formatted like the kernel's (`a.b.c`). */
const badPaths = (input: unknown) => {
  const result = policySchema.safeParse(input);
  expect(result.success).toBe(false);
  return (result.error?.issues ?? []).map((i) => i.path.join('.'));
};

describe('policySchema', () => {
  it('parses {} to the defaults of DOMAIN.md and dealbook', () => {
    expect(policySchema.parse({})).toEqual({
      effectiveFrom: '1970-01-01T00:00:00.000Z',
      complaintForwardSlaHours: 2,
      visitRecordingDelayHours: 48,
      monthlyReportDueDays: 5,
      followUpIntervalDays: { A: 14, B: 30, C: 60, D: 120 },
      overdueEscalationDays: 15,
      timeZone: 'Asia/Shanghai',
      currency: 'CNY',
      regulatedProductLines: [],
      kpiWeights: {
        representative: { salesAttainment: 0.5, newCustomers: 0.2, visits: 0.15, complaintSla: 0.1, reportCompletion: 0.05 },
        supervisor: { salesAttainment: 0.5, newCustomers: 0.15, visits: 0.1, complaintSla: 0.15, reportCompletion: 0.1 },
        manager: { salesAttainment: 0.6, newCustomers: 0.15, visits: 0.05, complaintSla: 0.1, reportCompletion: 0.1 },
        director: { salesAttainment: 0.7, newCustomers: 0.15, visits: 0, complaintSla: 0.1, reportCompletion: 0.05 },
      },
      scoreCap: 150,
      commissionRateBp: { new_customer: 300, existing_customer: 150, partner: 100 },
      performancePayBaseMinor: { representative: 300_000, supervisor: 500_000, manager: 800_000, director: 1_200_000 },
    });
    expect(defaultPolicy).toEqual(policySchema.parse({}));
  });

  it('keys the nested objects by exactly the domain vocabularies', () => {
    expect(Object.keys(defaultPolicy.followUpIntervalDays)).toEqual([...customerClasses]);
    expect(Object.keys(defaultPolicy.kpiWeights)).toEqual([...repRoles]);
    for (const role of repRoles) expect(Object.keys(defaultPolicy.kpiWeights[role])).toEqual([...kpiComponents]);
    expect(Object.keys(defaultPolicy.commissionRateBp)).toEqual([...businessSources]);
    expect(Object.keys(defaultPolicy.performancePayBaseMinor)).toEqual([...repRoles]);
  });

  it('accepts a full policy as it outputs it (parse is idempotent)', () => {
    expect(policySchema.parse(defaultPolicy)).toEqual(defaultPolicy);
  });

  it('freezes what it parses, all the way down', () => {
    const policy = policySchema.parse({});
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.followUpIntervalDays)).toBe(true);
    expect(Object.isFrozen(policy.regulatedProductLines)).toBe(true);
    expect(Object.isFrozen(policy.kpiWeights)).toBe(true);
    expect(Object.isFrozen(policy.kpiWeights.director)).toBe(true);
    expect(Object.isFrozen(policy.commissionRateBp)).toBe(true);
    expect(Object.isFrozen(policy.performancePayBaseMinor)).toBe(true);
    expect(() => {
      (policy.followUpIntervalDays as { A: number }).A = 1;
    }).toThrow(TypeError);
  });

  it('refuses unknown keys at every depth', () => {
    expect(badPaths({ complaintSlaHours: 2 })).toEqual(['']);
    expect(badPaths({ followUpIntervalDays: { E: 10 } })).toEqual(['followUpIntervalDays']);
    expect(badPaths({ kpiWeights: { intern: {} } })).toEqual(['kpiWeights']);
    expect(badPaths({ kpiWeights: { manager: { growth: 0 } } })).toEqual(['kpiWeights.manager']);
  });

  it('refuses numbers of the wrong kind: non-positive, fractional days and amounts, non-finite', () => {
    expect(badPaths({ complaintForwardSlaHours: 0 })).toEqual(['complaintForwardSlaHours']);
    expect(badPaths({ visitRecordingDelayHours: Number.POSITIVE_INFINITY })).toEqual(['visitRecordingDelayHours']);
    expect(badPaths({ monthlyReportDueDays: 2.5 })).toEqual(['monthlyReportDueDays']);
    expect(badPaths({ overdueEscalationDays: -15 })).toEqual(['overdueEscalationDays']);
    expect(badPaths({ scoreCap: 99.9 })).toEqual(['scoreCap']);
    expect(badPaths({ scoreCap: Number.NaN })).toEqual(['scoreCap']);
    expect(badPaths({ commissionRateBp: { partner: 10_001 } })).toEqual(['commissionRateBp.partner']);
    expect(badPaths({ commissionRateBp: { new_customer: 2.5 } })).toEqual(['commissionRateBp.new_customer']);
    expect(badPaths({ performancePayBaseMinor: { manager: 2 ** 53 } })).toEqual(['performancePayBaseMinor.manager']);
    expect(badPaths({ performancePayBaseMinor: { manager: 100.5 } })).toEqual(['performancePayBaseMinor.manager']);
    // Fractions of an hour are allowed; the boundaries are.
    expect(policySchema.parse({ complaintForwardSlaHours: 0.5, scoreCap: 100, commissionRateBp: { partner: 10_000 } })).toMatchObject({
      complaintForwardSlaHours: 0.5,
      scoreCap: 100,
      commissionRateBp: { partner: 10_000 },
    });
  });

  it('refuses an effectiveFrom that is not an ISO-8601 UTC timestamp with milliseconds', () => {
    for (const bad of ['2026-03-01', '2026-03-01T00:00:00Z', '2026-03-01T08:00:00.000+08:00', '2026-02-30T00:00:00.000Z']) {
      expect(badPaths({ effectiveFrom: bad })).toEqual(['effectiveFrom']);
    }
    expect(policySchema.parse({ effectiveFrom: '2026-03-01T00:00:00.000Z' }).effectiveFrom).toBe('2026-03-01T00:00:00.000Z');
  });

  it('refuses time zones that Intl does not know, and UTC offsets', () => {
    for (const bad of ['Mars/Olympus', 'Asia/Beijing', '', '+08:00', '-05:00', 'GMT+8', 'Z']) {
      expect(isTimeZone(bad), bad).toBe(false);
      expect(badPaths({ timeZone: bad })).toEqual(['timeZone']);
    }
    for (const good of ['Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'UTC', 'Etc/GMT-8']) {
      expect(isTimeZone(good), good).toBe(true);
      expect(policySchema.parse({ timeZone: good }).timeZone).toBe(good);
    }
  });

  it('refuses currencies that are not three uppercase letters', () => {
    for (const bad of ['cny', 'CN', 'CNYY', 'C1Y', '¥', '']) expect(badPaths({ currency: bad })).toEqual(['currency']);
    for (const good of ['CNY', 'USD', 'EUR', 'JPY']) expect(policySchema.parse({ currency: good }).currency).toBe(good);
  });

  it('refuses empty and repeated regulated product lines, naming the element', () => {
    expect(badPaths({ regulatedProductLines: ['wealth-management', ''] })).toEqual(['regulatedProductLines.1']);
    expect(badPaths({ regulatedProductLines: ['a', 'b', 'a'] })).toEqual(['regulatedProductLines.2']);
    expect(badPaths({ regulatedProductLines: 'a' })).toEqual(['regulatedProductLines']);
  });

  it('requires each role to have weights ≥ 0 that sum to 1 within 1e-9', () => {
    // 0.1 + 0.2 is 0.30000000000000004: sums off by float rounding are accepted.
    const floaty = { salesAttainment: 0.1, newCustomers: 0.2, visits: 0.3, complaintSla: 0.3, reportCompletion: 0.1 };
    expect(policySchema.parse({ kpiWeights: { manager: floaty } }).kpiWeights.manager).toEqual(floaty);
    const justOver = { ...floaty, visits: 0.3 + 5e-10 };
    expect(policySchema.safeParse({ kpiWeights: { manager: justOver } }).success).toBe(true);
    const over = { ...floaty, visits: 0.3 + 1e-6 };
    expect(badPaths({ kpiWeights: { manager: over } })).toEqual(['kpiWeights.manager']);
    // A negative weight is refused even when the sum is 1.
    expect(badPaths({ kpiWeights: { director: { visits: -0.1, salesAttainment: 0.8 } } })).toEqual(['kpiWeights.director.visits']);
    // One weight may carry everything.
    const all = { salesAttainment: 1, newCustomers: 0, visits: 0, complaintSla: 0, reportCompletion: 0 };
    expect(policySchema.safeParse({ kpiWeights: { representative: all } }).success).toBe(true);
  });

  it('names the role whose weights do not sum to 1, and only that role', () => {
    const result = policySchema.safeParse({ kpiWeights: { supervisor: { salesAttainment: 0.9 } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toHaveLength(1);
    expect(result.error?.issues[0]?.path).toEqual(['kpiWeights', 'supervisor']);
    expect(result.error?.issues[0]?.message).toBe('the KPI weights of role "supervisor" sum to 1.4; they must sum to 1 (± 1e-9)');
  });
});
