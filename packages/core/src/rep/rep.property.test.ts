import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assertDeciderModel } from '@dealbook/testing';
import { describe, expect, it } from 'vitest';
import { definePolicy } from '../define-policy.js';
import { createPolicyTimeline } from '../policy-timeline.js';
import type { RepDecision } from './commands.js';
import { createRepDecider } from './decider.js';
import { repEventSchemas } from './events.js';
import type { RepStatus } from './state.js';

const decider = createRepDecider(createPolicyTimeline([definePolicy()]));
const BASE = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
// Product lines are free text: `constructor` is one.
const lines = ['power-cable', 'control-cable', 'constructor'];
const months = ['2025-12-01', '2026-01-01', '2026-02-01', '2026-03-01'];

/** Commands for rep r-1 at a random day of 2026's first quarter (mostly plausible, some not). */
const commandArb: fc.Arbitrary<RepDecision> = fc
  .tuple(
    fc.nat(),
    fc.integer({ min: 0, max: 120 }),
    fc.oneof(
      fc.record({ type: fc.constant('HireRep' as const), name: fc.constant('Li Lei'), role: fc.constantFrom('representative', 'supervisor', 'manager', 'director'), regions: fc.subarray(['east', 'north']) }),
      fc.record({ type: fc.constant('AssignTerritory' as const), regions: fc.subarray(['east', 'north', 'south']) }),
      fc.record({ type: fc.constant('ChangeRole' as const), role: fc.constantFrom('representative', 'supervisor', 'manager'), reason: fc.constant('review') }),
      fc.record({ type: fc.constant('CertifyRep' as const), productLine: fc.constantFrom(...lines), validUntil: fc.constant('2027-01-01T00:00:00.000Z') }),
      fc.record({ type: fc.constantFrom('SuspendCertification' as const, 'RevokeCertification' as const), productLine: fc.constantFrom(...lines), reason: fc.constant('discipline') }),
      fc.record({ type: fc.constant('RecordTraining' as const), course: fc.constant('cables 101'), hours: fc.integer({ min: 1, max: 40 }) }),
      fc.record({ type: fc.constant('SetSalesTarget' as const), period: fc.constantFrom(...months).map((start) => ({ unit: 'month' as const, start })), amountMinor: fc.integer({ min: 0, max: 1e9 }) }),
      fc.record({ type: fc.constant('DisciplineRep' as const), level: fc.constantFrom('warning', 'fine'), reason: fc.constant('late'), amountMinor: fc.integer({ min: 0, max: 10_000 }) }),
      fc.record({ type: fc.constant('RewardRep' as const), kind: fc.constantFrom('bonus', 'honor'), reason: fc.constant('top seller') }),
      fc.record({ type: fc.constant('SubmitSalesReport' as const), period: fc.constantFrom(...months).map((start) => ({ unit: 'month' as const, start })), summary: fc.constant('done') }),
      fc.record({ type: fc.constant('ReviewSalesReport' as const), period: fc.constantFrom(...months).map((start) => ({ unit: 'month' as const, start })), reviewerId: fc.constantFrom('m-1', 'r-1'), feedback: fc.constant('fine') }),
      fc.record({ type: fc.constant('RequestDeparture' as const), effectiveAt: fc.constant(new Date(BASE + 60 * DAY).toISOString()) }),
      fc.record({ type: fc.constant('MarkRepDeparted' as const), busy: fc.boolean() }),
    ),
  )
  .map(([n, day, body]) => {
    const { busy, ...rest } = body as typeof body & { busy?: boolean };
    const workload = { customers: busy ? ['customer-1'] : [], leads: [], openOpportunities: [] };
    return {
      ...rest,
      repId: 'r-1',
      commandId: `c-${n}`,
      actorId: 'hr-1',
      occurredAt: new Date(BASE + day * DAY).toISOString(),
      ...(rest.type === 'MarkRepDeparted' ? { context: { refs: { workload } } } : {}),
    } as RepDecision;
  });

const legal: Record<RepStatus, readonly RepStatus[]> = { none: ['none', 'active'], active: ['active', 'departing'], departing: ['departing', 'departed'], departed: ['departed'] };

describe('SalesRep (model-based)', () => {
  it('random command sequences keep every invariant; rejections emit nothing; replay rebuilds the state', () => {
    let accepted = 0;
    let rejected = 0;
    assertDeciderModel({
      decider,
      commands: commandArb,
      // Most runs start by hiring the rep, so that most commands have a rep to act on.
      prefix: fc.option(commandArb.filter((c) => c.type === 'HireRep').map((c) => [c]), { nil: [], freq: 5 }),
      eventSchemas: repEventSchemas,
      numRuns: 300,
      step(before, after, events) {
        assert.ok(legal[before.status].includes(after.status), `illegal transition ${before.status} → ${after.status}`);
        for (const e of events) if (e.type === 'RepDeparted') assert.equal(before.status, 'departing');
      },
      invariants(state, history) {
        // Reviewed reports were submitted, each month at most once, never before the month ended.
        const submitted = history.filter((e) => e.type === 'SalesReportSubmitted');
        assert.equal(new Set(submitted.map((e) => e.data.period.start)).size, submitted.length);
        for (const [start, r] of Object.entries(state.reports)) {
          const [y, m] = start.split('-').map(Number) as [number, number];
          assert.ok(r.submittedAt >= new Date(Date.UTC(y, m, 1) - 8 * 3_600_000).toISOString(), 'report before its month ended (Asia/Shanghai)');
        }
        // Certifications are only changed after being granted; a hired rep has a role and an id.
        for (const e of history) if (e.type === 'RepCertificationSuspended' || e.type === 'RepCertificationRevoked') assert.ok(state.certifications[e.data.productLine]);
        if (state.status !== 'none') assert.ok(state.role !== undefined && state.repId === 'r-1');
      },
      onRun(a, r) {
        accepted += a;
        rejected += r;
      },
    });
    expect(accepted).toBeGreaterThan(500);
    expect(rejected).toBeGreaterThan(500);
  });
});
