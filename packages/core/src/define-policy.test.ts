import { isValidationError, ValidationError } from '@dealbook/eventsourcing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definePolicy } from './define-policy.js';
import { kpiComponents, repRoles, type KpiComponent, type RepRole } from './domain-terms.js';
import { defaultPolicy, policySchema, type Policy } from './policy-schema.js';

/** The ValidationError `run` throws (fails the test if it throws nothing or something else). */
function validationErrorOf(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (isValidationError(error)) return error;
    throw error;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

// ---------------------------------------------------------------------------
// Arbitraries: random *valid* partial policies.

const days = fc.integer({ min: 1, max: 3650 });
const hours = fc.double({ min: 1e-3, max: 1e4, noNaN: true });
/** Records with any subset of the model's keys (absent, never undefined). */
function partialOf<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<Partial<T>> {
  // (fast-check types this Partial<T> & Pick<T, never>; TypeScript cannot see that is Partial<T> for a generic T.)
  return fc.record(model, { requiredKeys: [] }) as fc.Arbitrary<Partial<T>>;
}

/**
 * Some of a role's weights, changed so that the role still sums to 1: the
 * weight the chosen components have by default is shared among them at random.
 */
const roleWeightsPatch = (role: RepRole) =>
  fc.subarray([...kpiComponents]).chain((keys) =>
    fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: keys.length, maxLength: keys.length }).map((shares) => {
      const mass = keys.reduce((sum, k) => sum + defaultPolicy.kpiWeights[role][k], 0);
      const total = shares.reduce((a, b) => a + b, 0);
      const patch: Partial<Record<KpiComponent, number>> = {};
      keys.forEach((k, i) => {
        patch[k] = total === 0 ? mass / keys.length : (mass * shares[i]!) / total;
      });
      return patch;
    }),
  );

const validPartial = partialOf({
  effectiveFrom: fc
    .integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 0, 1) })
    .map((ms) => new Date(ms).toISOString()),
  complaintForwardSlaHours: hours,
  visitRecordingDelayHours: hours,
  monthlyReportDueDays: days,
  followUpIntervalDays: partialOf({ A: days, B: days, C: days, D: days }),
  overdueEscalationDays: days,
  timeZone: fc.constantFrom('Asia/Shanghai', 'UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Etc/GMT-8'),
  currency: fc.stringMatching(/^[A-Z]{3}$/),
  regulatedProductLines: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 5 }),
  kpiWeights: partialOf({
    representative: roleWeightsPatch('representative'),
    supervisor: roleWeightsPatch('supervisor'),
    manager: roleWeightsPatch('manager'),
    director: roleWeightsPatch('director'),
  }),
  scoreCap: fc.double({ min: 100, max: 1000, noNaN: true }),
  commissionRateBp: partialOf({
    new_customer: fc.integer({ min: 0, max: 10_000 }),
    existing_customer: fc.integer({ min: 0, max: 10_000 }),
    partner: fc.integer({ min: 0, max: 10_000 }),
  }),
  performancePayBaseMinor: partialOf({
    representative: fc.maxSafeNat(),
    supervisor: fc.maxSafeNat(),
    manager: fc.maxSafeNat(),
    director: fc.maxSafeNat(),
  }),
});
type ValidPartial = typeof validPartial extends fc.Arbitrary<infer T> ? T : never;

/**
 * The model of the merge, written out field by field (independent of the
 * generic `mergeDeep`): top-level values replace, the nested records are
 * merged key by key, the array is replaced.
 */
function expectedPolicy(p: ValidPartial): Policy {
  const d = defaultPolicy;
  const weights = (role: RepRole) => ({ ...d.kpiWeights[role], ...p.kpiWeights?.[role] });
  return {
    effectiveFrom: p.effectiveFrom ?? d.effectiveFrom,
    complaintForwardSlaHours: p.complaintForwardSlaHours ?? d.complaintForwardSlaHours,
    visitRecordingDelayHours: p.visitRecordingDelayHours ?? d.visitRecordingDelayHours,
    monthlyReportDueDays: p.monthlyReportDueDays ?? d.monthlyReportDueDays,
    followUpIntervalDays: { ...d.followUpIntervalDays, ...p.followUpIntervalDays },
    overdueEscalationDays: p.overdueEscalationDays ?? d.overdueEscalationDays,
    timeZone: p.timeZone ?? d.timeZone,
    currency: p.currency ?? d.currency,
    regulatedProductLines: p.regulatedProductLines ?? d.regulatedProductLines,
    kpiWeights: { representative: weights('representative'), supervisor: weights('supervisor'), manager: weights('manager'), director: weights('director') },
    scoreCap: p.scoreCap ?? d.scoreCap,
    commissionRateBp: { ...d.commissionRateBp, ...p.commissionRateBp },
    performancePayBaseMinor: { ...d.performancePayBaseMinor, ...p.performancePayBaseMinor },
  };
}

// ---------------------------------------------------------------------------

describe('definePolicy', () => {
  it('returns the defaults when given nothing or {}', () => {
    expect(definePolicy()).toEqual(defaultPolicy);
    expect(definePolicy({})).toEqual(defaultPolicy);
  });

  it('merges nested partials key by key and replaces arrays', () => {
    const policy = definePolicy({
      complaintForwardSlaHours: 4,
      followUpIntervalDays: { A: 7 },
      kpiWeights: { manager: { visits: 0.1, reportCompletion: 0.05 } },
      commissionRateBp: { partner: 50 },
      performancePayBaseMinor: { director: 2_000_000 },
      regulatedProductLines: ['wealth-management'],
    });
    expect(policy.complaintForwardSlaHours).toBe(4);
    expect(policy.visitRecordingDelayHours).toBe(48);
    expect(policy.followUpIntervalDays).toEqual({ A: 7, B: 30, C: 60, D: 120 });
    expect(policy.kpiWeights.manager).toEqual({ salesAttainment: 0.6, newCustomers: 0.15, visits: 0.1, complaintSla: 0.1, reportCompletion: 0.05 });
    expect(policy.kpiWeights.director).toEqual(defaultPolicy.kpiWeights.director);
    expect(policy.commissionRateBp).toEqual({ new_customer: 300, existing_customer: 150, partner: 50 });
    expect(policy.performancePayBaseMinor).toEqual({ representative: 300_000, supervisor: 500_000, manager: 800_000, director: 2_000_000 });
    expect(policy.regulatedProductLines).toEqual(['wealth-management']);
    // Arrays are replaced, not concatenated or merged by index.
    expect(definePolicy({ regulatedProductLines: ['b'] }).regulatedProductLines).toEqual(['b']);
    expect(definePolicy({ regulatedProductLines: [] }).regulatedProductLines).toEqual([]);
    // An explicit undefined keeps the default.
    expect(definePolicy({ scoreCap: undefined, followUpIntervalDays: { B: undefined } })).toEqual(defaultPolicy);
  });

  it('changes neither its input nor the defaults, and returns a frozen policy', () => {
    const input = { followUpIntervalDays: { A: 7 }, regulatedProductLines: ['x'] };
    const before = structuredClone(input);
    const policy = definePolicy(input);
    expect(input).toEqual(before);
    expect(defaultPolicy.followUpIntervalDays.A).toBe(14);
    expect(Object.isFrozen(policy.followUpIntervalDays)).toBe(true);
    expect(Object.isFrozen(policy.regulatedProductLines)).toBe(true);
    expect(policy.regulatedProductLines).not.toBe(input.regulatedProductLines);
  });

  it('lists every bad field of a bad policy, at every depth, in one ValidationError', () => {
    const error = validationErrorOf(() =>
      definePolicy({
        complaintForwardSlaHours: 0,
        currency: 'yuan',
        followUpIntervalDays: { B: 7.5 },
        kpiWeights: { manager: { visits: -0.05 } },
        commissionRateBp: { partner: 12.5 },
        regulatedProductLines: ['wealth-management', ''],
        unknownField: true,
      } as never),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('VALIDATION');
    expect(error.issues.map((i) => i.path).sort()).toEqual(
      [
        'complaintForwardSlaHours',
        'currency',
        'followUpIntervalDays.B',
        'kpiWeights.manager.visits',
        'kpiWeights.manager', // -0.05 instead of 0.05: the manager's weights now sum to 0.9
        'commissionRateBp.partner',
        'regulatedProductLines[1]',
        'unknownField',
      ].sort(),
    );
    expect(error.issues.find((i) => i.path === 'unknownField')?.message).toMatch(/unknown key/);
    expect(error.issues.find((i) => i.path === 'kpiWeights.manager')?.message).toMatch(/role "manager" sum to 0\.9;/);
    expect(error.message).toMatch(/^Policy is invalid: /);
    expect(error.message).toContain('followUpIntervalDays.B: must be a whole number of days');
  });

  it('rejects weights that do not sum to 1, naming the role', () => {
    const error = validationErrorOf(() => definePolicy({ kpiWeights: { supervisor: { salesAttainment: 0.9 }, director: { visits: 0.2 } } }));
    expect(error.issues).toEqual([
      { path: 'kpiWeights.supervisor', message: 'the KPI weights of role "supervisor" sum to 1.4; they must sum to 1 (± 1e-9)' },
      { path: 'kpiWeights.director', message: 'the KPI weights of role "director" sum to 1.2; they must sum to 1 (± 1e-9)' },
    ]);
    expect(error.message).toContain('supervisor');
  });

  it('rejects a bad time zone and a bad currency', () => {
    expect(validationErrorOf(() => definePolicy({ timeZone: 'Asia/Beijing' })).issues.map((i) => i.path)).toEqual(['timeZone']);
    expect(validationErrorOf(() => definePolicy({ timeZone: '+08:00' })).issues.map((i) => i.path)).toEqual(['timeZone']);
    expect(validationErrorOf(() => definePolicy({ currency: 'rmb' })).issues.map((i) => i.path)).toEqual(['currency']);
    expect(validationErrorOf(() => definePolicy({ currency: 'CNY ' })).issues.map((i) => i.path)).toEqual(['currency']);
  });

  it('reports unknown keys one by one, with their paths, even __proto__ from JSON', () => {
    const fromJson = JSON.parse('{"__proto__": {"scoreCap": 1}, "kpiWeights": {"manager": {"growth": 0, "loyalty": 0}}}') as never;
    const error = validationErrorOf(() => definePolicy(fromJson));
    expect(error.issues.map((i) => i.path).sort()).toEqual(['__proto__', 'kpiWeights.manager.growth', 'kpiWeights.manager.loyalty']);
    expect(defaultPolicy.scoreCap).toBe(150);
  });

  it('rejects what is not an object', () => {
    for (const bad of [null, 42, 'policy', [1]]) {
      expect(validationErrorOf(() => definePolicy(bad as never)).issues.map((i) => i.path)).toEqual(['']);
    }
    expect(validationErrorOf(() => definePolicy({ followUpIntervalDays: [14] } as never)).issues.map((i) => i.path)).toEqual([
      'followUpIntervalDays',
    ]);
  });

  it('equals the defaults deep-merged with any valid partial, and the result is a valid policy (property)', () => {
    fc.assert(
      fc.property(validPartial, (partial) => {
        const policy = definePolicy(partial);
        expect(policy).toEqual(expectedPolicy(partial));
        expect(policySchema.safeParse(policy).success).toBe(true);
        expect(Object.isFrozen(policy.kpiWeights.manager)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('derives a version from the one before: what the change leaves out comes from the base, not the defaults (property)', () => {
    fc.assert(
      // (A change of KPI weights is valid only with the base's other weights in mind: left out here.)
      fc.property(validPartial, validPartial.map(({ kpiWeights: _weights, ...change }) => change), (first, change) => {
        const base = definePolicy(first);
        const derived = definePolicy(change, base);
        for (const key of Object.keys(base) as (keyof Policy)[]) {
          if (!(key in change)) expect(derived[key], key).toEqual(base[key]);
        }
        expect(definePolicy({}, base)).toEqual(base);
      }),
      { numRuns: 200 },
    );
    const january = definePolicy({ regulatedProductLines: ['hv-cable'], followUpIntervalDays: { A: 7 } });
    const march = definePolicy({ effectiveFrom: '2026-03-01T00:00:00.000Z', followUpIntervalDays: { B: 10 } }, january);
    expect(march.regulatedProductLines).toEqual(['hv-cable']);
    expect(march.followUpIntervalDays).toEqual({ ...defaultPolicy.followUpIntervalDays, A: 7, B: 10 });
  });

  it('names exactly the fields made bad, however many and however deep (property)', () => {
    // Every leaf of a policy, with a value of the wrong type for it.
    const leaves: { path: string[]; bad: unknown }[] = [
      ...(['effectiveFrom', 'timeZone', 'currency'] as const).map((k) => ({ path: [k], bad: 5 })),
      ...(['complaintForwardSlaHours', 'visitRecordingDelayHours', 'monthlyReportDueDays', 'overdueEscalationDays', 'scoreCap'] as const).map(
        (k) => ({ path: [k], bad: 'x' }),
      ),
      { path: ['regulatedProductLines'], bad: 'x' },
      ...(['A', 'B', 'C', 'D'] as const).map((k) => ({ path: ['followUpIntervalDays', k], bad: '14' })),
      ...repRoles.flatMap((role) => kpiComponents.map((k) => ({ path: ['kpiWeights', role, k], bad: null }))),
      ...(['new_customer', 'existing_customer', 'partner'] as const).map((k) => ({ path: ['commissionRateBp', k], bad: true })),
      ...repRoles.map((role) => ({ path: ['performancePayBaseMinor', role], bad: '100' })),
    ];
    fc.assert(
      fc.property(fc.subarray(leaves, { minLength: 1 }), (chosen) => {
        const input: Record<string, unknown> = {};
        for (const { path, bad } of chosen) {
          let node = input;
          for (const segment of path.slice(0, -1)) node = (node[segment] ??= {}) as Record<string, unknown>;
          node[path.at(-1)!] = bad;
        }
        const error = validationErrorOf(() => definePolicy(input as never));
        expect(error.issues.map((i) => i.path).sort()).toEqual(chosen.map((c) => c.path.join('.')).sort());
      }),
      { numRuns: 300 },
    );
  });
});
