import { isValidationError, type ValidationError } from '@dealbook/eventsourcing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definePolicy } from './define-policy.js';
import type { Policy } from './policy-schema.js';
import { createPolicyTimeline } from './policy-timeline.js';

function validationErrorOf(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (isValidationError(error)) return error;
    throw error;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

const iso = (ms: number) => new Date(ms).toISOString();
const MIN = Date.UTC(2020, 0, 1);
const MAX = Date.UTC(2030, 0, 1);

/** A version per start instant, told apart by its complaint SLA too (1, 2, 3… hours in input order). */
const versionsAt = (starts: readonly number[]): Policy[] =>
  starts.map((ms, i) => definePolicy({ effectiveFrom: iso(ms), complaintForwardSlaHours: i + 1 }));

/** The brute-force model, on numbers: the latest version started by t, else the earliest of all. */
function inForce(versions: readonly Policy[], t: number): Policy {
  const start = (v: Policy) => Date.parse(v.effectiveFrom);
  const started = versions.filter((v) => start(v) <= t);
  const pool = started.length > 0 ? started : versions;
  const pick = started.length > 0 ? (a: Policy, b: Policy) => (start(b) > start(a) ? b : a) : (a: Policy, b: Policy) => (start(b) < start(a) ? b : a);
  return pool.reduce(pick);
}

const starts = fc.uniqueArray(fc.integer({ min: MIN, max: MAX }), { minLength: 1, maxLength: 30 });
/** Instants anywhere in (and a little around) the range, and right at, before and after each start. */
const instantFor = (ss: readonly number[]) =>
  fc.oneof(
    fc.integer({ min: MIN - 86_400_000, max: MAX + 86_400_000 }),
    fc.tuple(fc.constantFrom(...ss), fc.constantFrom(-1, 0, 1)).map(([s, d]) => s + d),
  );

describe('createPolicyTimeline', () => {
  it('gives each instant the version in force then: a rule changed in March does not re-judge January', () => {
    const january = definePolicy({ effectiveFrom: '2026-01-01T00:00:00.000Z', complaintForwardSlaHours: 2 });
    const march = definePolicy({ effectiveFrom: '2026-03-01T00:00:00.000Z', complaintForwardSlaHours: 4 });
    const timeline = createPolicyTimeline([march, january]);
    expect(timeline.at('2026-01-15T10:00:00.000Z').complaintForwardSlaHours).toBe(2);
    expect(timeline.at('2026-02-28T23:59:59.999Z').complaintForwardSlaHours).toBe(2);
    expect(timeline.at('2026-03-01T00:00:00.000Z').complaintForwardSlaHours).toBe(4);
    expect(timeline.at('2027-06-01T00:00:00.000Z').complaintForwardSlaHours).toBe(4);
  });

  it('gives an instant before every version the earliest version', () => {
    const timeline = createPolicyTimeline(versionsAt([Date.UTC(2026, 2, 1), Date.UTC(2026, 0, 1)]));
    expect(timeline.at('2025-12-31T23:59:59.999Z').effectiveFrom).toBe('2026-01-01T00:00:00.000Z');
    expect(timeline.at('1970-01-01T00:00:00.000Z').effectiveFrom).toBe('2026-01-01T00:00:00.000Z');
    // The default effectiveFrom (the epoch) covers every instant from 1970 on.
    expect(createPolicyTimeline([definePolicy()]).at('1970-01-01T00:00:00.000Z')).toEqual(definePolicy());
  });

  it('lists the versions sorted by effectiveFrom, frozen, as validated copies', () => {
    const input = versionsAt([Date.UTC(2026, 5, 1), Date.UTC(2024, 0, 1), Date.UTC(2025, 0, 1)]);
    const timeline = createPolicyTimeline(input);
    expect(timeline.versions.map((v) => v.effectiveFrom)).toEqual(['2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z']);
    expect(timeline.versions.map((v) => v.complaintForwardSlaHours)).toEqual([2, 3, 1]);
    expect(Object.isFrozen(timeline.versions)).toBe(true);
    expect(Object.isFrozen(timeline.versions[0]?.kpiWeights.manager)).toBe(true);
    // Changing the array passed in afterwards changes nothing.
    input.reverse();
    input.pop();
    expect(timeline.versions).toHaveLength(3);
    expect(timeline.at('2024-06-01T00:00:00.000Z').effectiveFrom).toBe('2024-01-01T00:00:00.000Z');
  });

  it('needs at least one version', () => {
    expect(validationErrorOf(() => createPolicyTimeline([])).issues).toEqual([{ path: '', message: 'needs at least one policy version' }]);
  });

  it('refuses two versions with the same effectiveFrom, naming each repeat', () => {
    const [a, b, c] = versionsAt([Date.UTC(2026, 0, 1), Date.UTC(2026, 2, 1), Date.UTC(2026, 4, 1)]) as [Policy, Policy, Policy];
    const error = validationErrorOf(() => createPolicyTimeline([a, b, c, { ...b, scoreCap: 120 }, a]));
    expect(error.issues.map((i) => i.path)).toEqual(['[3].effectiveFrom', '[4].effectiveFrom']);
    expect(error.issues[0]?.message).toBe('2026-03-01T00:00:00.000Z is also the effectiveFrom of [1]; two versions cannot take effect at the same instant');
    expect(error.message).toMatch(/^Policy timeline is invalid: /);
  });

  it('re-validates each version and names its bad fields with the version index', () => {
    const good = definePolicy();
    const bad = { ...good, effectiveFrom: '2026-01-01T00:00:00.000Z', currency: 'rmb', kpiWeights: { ...good.kpiWeights, director: { ...good.kpiWeights.director, visits: 0.5 } } };
    const error = validationErrorOf(() => createPolicyTimeline([good, bad]));
    expect(error.issues.map((i) => i.path).sort()).toEqual(['[1].currency', '[1].kpiWeights.director']);
  });

  it('refuses a lookup at a malformed instant', () => {
    const timeline = createPolicyTimeline([definePolicy()]);
    for (const bad of ['2026-03-01', '2026-03-01T00:00:00Z', 'yesterday', '']) {
      expect(validationErrorOf(() => timeline.at(bad)).issues.map((i) => i.path)).toEqual(['occurredAt']);
    }
  });

  it('returns the version with the greatest effectiveFrom ≤ t, like a brute-force search (property)', () => {
    fc.assert(
      fc.property(
        starts.chain((ss) => fc.tuple(fc.constant(ss), fc.array(instantFor(ss), { minLength: 1, maxLength: 20 }))),
        ([ss, instants]) => {
          const versions = versionsAt(ss);
          const timeline = createPolicyTimeline(versions);
          expect(timeline.versions.map((v) => Date.parse(v.effectiveFrom))).toEqual([...ss].sort((a, b) => a - b));
          for (const t of instants) expect(timeline.at(iso(t))).toEqual(inForce(versions, t));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never changes at(t) when a version starting after t is added, for a t some version covers (property)', () => {
    fc.assert(
      fc.property(
        starts.chain((ss) =>
          fc.tuple(
            fc.constant(ss),
            // t is at or after the earliest start, so some version is in force at t.
            fc.integer({ min: Math.min(...ss), max: MAX }),
            fc.integer({ min: 1, max: 3 * 365 * 86_400_000 }),
          ),
        ),
        ([ss, t, after]) => {
          fc.pre(!ss.includes(t + after));
          const versions = versionsAt(ss);
          const before = createPolicyTimeline(versions).at(iso(t));
          const later = definePolicy({ effectiveFrom: iso(t + after), complaintForwardSlaHours: 999 });
          const extended = createPolicyTimeline([...versions, later]);
          expect(extended.at(iso(t))).toEqual(before);
          expect(extended.at(iso(t + after))).toEqual(later);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('adding a version after t does change at(t) when t is before every version (the earliest-version fallback)', () => {
    const timeline = createPolicyTimeline(versionsAt([Date.UTC(2026, 4, 1)]));
    const t = '2026-01-15T00:00:00.000Z';
    expect(timeline.at(t).effectiveFrom).toBe('2026-05-01T00:00:00.000Z');
    const extended = createPolicyTimeline([...timeline.versions, definePolicy({ effectiveFrom: '2026-03-01T00:00:00.000Z' })]);
    expect(extended.at(t).effectiveFrom).toBe('2026-03-01T00:00:00.000Z');
  });
});

describe('deriving versions (the README example)', () => {
  it('derives a whole new version from the last one with definePolicy({ ...previous, … })', () => {
    const v1 = definePolicy({ regulatedProductLines: ['wealth-management'] });
    const v2 = definePolicy({ ...v1, effectiveFrom: '2026-03-01T00:00:00.000Z', complaintForwardSlaHours: 4 });
    const timeline = createPolicyTimeline([v1, v2]);
    expect(timeline.at('2026-01-15T02:00:00.000Z').complaintForwardSlaHours).toBe(2);
    expect(timeline.at('2026-03-15T02:00:00.000Z').complaintForwardSlaHours).toBe(4);
    expect(timeline.at('2026-03-15T02:00:00.000Z').regulatedProductLines).toEqual(['wealth-management']);
  });
});
