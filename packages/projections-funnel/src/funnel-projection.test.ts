import { createPolicyTimeline, definePolicy } from '@dealbook/core';
import { applyEvents, createInMemoryEventStore, ValidationError } from '@dealbook/eventsourcing';
import { recordedEvents, type EventSketch } from '@dealbook/testing';
import { describe, expect, it } from 'vitest';
import { buildFunnel } from './build-funnel.js';
import { createFunnelProjection } from './funnel-projection.js';
import { queryFunnel, type FunnelQuery, type FunnelRow } from './funnel-query.js';
import type { FunnelStage, FunnelState } from './funnel-state.js';

const build = (events: readonly EventSketch[]): FunnelState => {
  const projection = createFunnelProjection();
  return applyEvents(projection, projection.initialState(), recordedEvents(events));
};
const company = (events: readonly EventSketch[], query: FunnelQuery = {}): FunnelRow => queryFunnel(build(events), query).rows[0]!;
const stage = (row: FunnelRow, name: FunnelStage) => row.stages.find((s) => s.stage === name)!;
const rowsBy = (events: readonly EventSketch[], query: FunnelQuery) => Object.fromEntries(queryFunnel(build(events), query).rows.map((r) => [String(r.group), r]));

// ---- builders of hand-written histories ----

/** Noon UTC on a day of January 2026 (20:00 in Asia/Shanghai, the same local date). */
const jan = (day: number, hour = 12): string => new Date(Date.UTC(2026, 0, day, hour)).toISOString();
const feb = (day: number, hour = 12): string => new Date(Date.UTC(2026, 1, day, hour)).toISOString();

const repHired = (repId: string, regions: string[], at = jan(1, 0)): EventSketch => ({
  type: 'RepHired',
  streamId: `rep-${repId}`,
  occurredAt: at,
  data: { repId, name: `Rep ${repId}`, role: 'representative', regions },
});

const customerRegistered = (customerId: string, region: string, at = jan(1, 1)): EventSketch => ({
  type: 'CustomerRegistered',
  streamId: `customer-${customerId}`,
  occurredAt: at,
  data: { customerId, customerNumber: `N-${customerId}`, name: `Customer ${customerId}`, region, contacts: [] },
});

/** Builders for the events of one opportunity stream. */
function opportunity(id: string) {
  const streamId = `opportunity-${id}`;
  const e = (type: string, occurredAt: string, data: unknown): EventSketch => ({ type, streamId, occurredAt, data });
  return {
    captured: (at: string, source: string, who: { customerId?: string; prospectRegion?: string } = {}) =>
      e('LeadCaptured', at, {
        opportunityId: id,
        source,
        ...(who.customerId === undefined ? { prospect: { name: `Prospect ${id}`, ...(who.prospectRegion === undefined ? {} : { region: who.prospectRegion }) } } : { customerId: who.customerId }),
        capturedBy: 'r1',
      }),
    assigned: (at: string, repId: string) => e('LeadAssigned', at, { repId }),
    qualified: (at: string) => e('LeadQualified', at, { score: 80, priority: 'high' }),
    disqualified: (at: string, reason: string) => e('LeadDisqualified', at, { reason }),
    opened: (at: string, customerId: string, repId: string, estimatedValueMinor: number, probability: number) =>
      e('OpportunityOpened', at, { customerId, repId, productLines: ['power-cable'], estimatedValueMinor, probability, expectedCloseDate: '2026-06-30' }),
    evaluated: (at: string, estimatedValueMinor: number, probability: number) => e('OpportunityEvaluated', at, { estimatedValueMinor, probability }),
    moved: (at: string, from: string, to: string, reason?: string) => e('OpportunityStageChanged', at, { from, to, ...(reason === undefined ? {} : { reason }) }),
    won: (at: string, valueMinor: number) => e('OpportunityWon', at, { contractId: `k-${id}`, valueMinor }),
    lost: (at: string, reason: string, competitor?: string) => e('OpportunityLost', at, { reason, ...(competitor === undefined ? {} : { competitor }) }),
    reopened: (at: string, stage: string) => e('OpportunityReopened', at, { reason: 'the customer came back', stage }),
  };
}

// ---- the hand example ----

const A = opportunity('A');
const B = opportunity('B');
const C = opportunity('C');
const D = opportunity('D');
const E = opportunity('E');
const F = opportunity('F');

/**
 * The hand example (all times noon UTC unless said):
 * - A: web lead for customer c1 (south) Jan 5, assigned r1, opened Jan 7 (1,000,000 @ 0.5),
 *   needs_analysis Jan 10, proposal Jan 14, won Jan 24 for 1,200,000.
 * - B: referral lead (prospect, region west) Jan 6, assigned r2, opened for c2 (west) Jan 8
 *   (2,000,000 @ 0.3), straight to quotation Jan 12, lost Jan 22: price too high, to Nexans.
 * - C: phone lead (prospect, region north) Jan 6, disqualified Jan 9.
 * - D: web lead for c1 Jan 10, assigned r1, opened Jan 11 (3,000,000 @ 0.4),
 *   re-evaluated Jan 12 to 2,500,000 @ 0.6; still in prospecting.
 * - E: exhibition lead (prospect, no region) Jan 31 17:00 UTC = Feb 1 01:00 in Shanghai; nobody assigned.
 * - F: web lead for c2 Jan 2, assigned r2, opened Jan 3 (500,000 @ 0.25), needs_analysis Jan 5,
 *   lost Jan 9: budget cut (no competitor).
 */
const handHistory: readonly EventSketch[] = [
  repHired('r1', ['east']),
  repHired('r2', ['north', 'central']),
  customerRegistered('c1', 'south'),
  customerRegistered('c2', 'west'),
  F.captured(jan(2), 'web', { customerId: 'c2' }),
  F.assigned(jan(2, 13), 'r2'),
  F.qualified(jan(2, 14)),
  F.opened(jan(3), 'c2', 'r2', 500_000, 0.25),
  A.captured(jan(5), 'web', { customerId: 'c1' }),
  A.assigned(jan(5, 13), 'r1'),
  F.moved(jan(5), 'prospecting', 'needs_analysis'),
  B.captured(jan(6), 'referral', { prospectRegion: 'west' }),
  C.captured(jan(6), 'phone', { prospectRegion: 'north' }),
  B.assigned(jan(6, 13), 'r2'),
  A.qualified(jan(6)),
  A.opened(jan(7), 'c1', 'r1', 1_000_000, 0.5),
  B.qualified(jan(7)),
  B.opened(jan(8), 'c2', 'r2', 2_000_000, 0.3),
  C.disqualified(jan(9), 'no budget'),
  F.lost(jan(9), 'budget cut'),
  A.moved(jan(10), 'prospecting', 'needs_analysis'),
  D.captured(jan(10), 'web', { customerId: 'c1' }),
  D.assigned(jan(10, 13), 'r1'),
  D.qualified(jan(10, 14)),
  D.opened(jan(11), 'c1', 'r1', 3_000_000, 0.4),
  B.moved(jan(12), 'prospecting', 'quotation'),
  D.evaluated(jan(12), 2_500_000, 0.6),
  A.moved(jan(14), 'needs_analysis', 'proposal'),
  B.lost(jan(22), 'price too high', 'Nexans'),
  A.won(jan(24), 1_200_000),
  E.captured(jan(31, 17), 'exhibition', {}),
];

describe('the hand example', () => {
  const row = company(handHistory);

  it('counts and values per stage now: leads at value 0, open ones at the latest estimate, won at the won value', () => {
    expect(row.stages.map((s) => [s.stage, s.count, s.valueMinor])).toEqual([
      ['lead', 1, 0], // E
      ['prospecting', 1, 2_500_000], // D, re-evaluated from 3,000,000
      ['needs_analysis', 0, 0],
      ['proposal', 0, 0],
      ['quotation', 0, 0],
      ['negotiation', 0, 0],
      ['won', 1, 1_200_000], // A
    ]);
    expect([row.openCount, row.openValueMinor]).toEqual([1, 2_500_000]);
  });

  it('keeps entered = moved on + lost + still there for every stage', () => {
    expect(row.stages.map((s) => [s.stage, s.entered, s.movedOn, s.lost, s.stillThere])).toEqual([
      ['lead', 6, 4, 1, 1], // A B C D E F entered; A B D F opened; C disqualified; E still a lead
      ['prospecting', 4, 3, 0, 1], // A B D F; A F to needs_analysis, B to quotation; D still open
      ['needs_analysis', 2, 1, 1, 0], // A F (B skipped it); A moved on; F lost
      ['proposal', 1, 1, 0, 0], // A, then won
      ['quotation', 1, 0, 1, 0], // B, lost
      ['negotiation', 0, 0, 0, 0],
      ['won', 1, 0, 0, 1], // A
    ]);
  });

  it('stage-to-stage conversion = moved on / entered (a skipped stage is not reached)', () => {
    expect(row.stages.map((s) => s.conversion)).toEqual([
      4 / 6, // lead: A B D F of 6
      3 / 4, // prospecting: A B F of 4
      1 / 2, // needs_analysis: A of A F (B skipped it)
      1, // proposal: A of A
      0, // quotation: B lost
      null, // negotiation: nobody entered
      null, // won: nothing comes after it
    ]);
  });

  it('average days in stage over completed stays only', () => {
    expect(row.stages.map((s) => [s.averageDaysInStage, s.completedStays])).toEqual([
      [1.8, 5], // lead: A 2 + B 2 + C 3 + D 1 + F 1 = 9 days / 5 (E is still a lead: not counted)
      [3, 3], // prospecting: A 3 + B 4 + F 2 = 9 / 3 (D is still there)
      [4, 2], // needs_analysis: A 4 + F 4 = 8 / 2
      [10, 1], // proposal: A Jan 14 → Jan 24
      [10, 1], // quotation: B Jan 12 → Jan 22
      [null, 0],
      [null, 0],
    ]);
  });

  it('weighted pipeline = Σ round(open value × probability)', () => {
    expect(row.weightedPipelineMinor).toBe(1_500_000); // D: 2,500,000 × 0.6; A, B, F are closed
  });

  it('win rate, average won value, average cycle and velocity', () => {
    expect(row.closing.won).toBe(1);
    expect(row.closing.lost).toBe(2);
    expect(row.closing.winRate).toBe(1 / 3); // A won; B and F lost
    expect(row.closing.averageWonValueMinor).toBe(1_200_000);
    expect(row.closing.averageSalesCycleDays).toBe(17); // A: opened Jan 7, won Jan 24
    expect(row.closing.velocityMinorPerDay).toBe(23_529); // 1 open × 1,200,000 × 1/3 / 17 = 23,529.41…
  });

  it('lead conversion = opened / (opened + disqualified)', () => {
    expect([row.leadsConverted, row.leadsDisqualified, row.leadConversion]).toEqual([4, 1, 0.8]); // A B D F; C; 4 / 5
  });

  it('lost reasons and competitors, with the latest estimated value', () => {
    expect(row.closing.lostValueMinor).toBe(2_500_000); // B 2,000,000 + F 500,000
    expect(row.closing.lostReasons).toEqual([
      { reason: 'budget cut', count: 1, valueMinor: 500_000 }, // F
      { reason: 'price too high', count: 1, valueMinor: 2_000_000 }, // B
    ]);
    expect(row.closing.lostToCompetitors).toEqual([{ competitor: 'Nexans', count: 1, valueMinor: 2_000_000 }]); // B; F named none
  });

  it('restricts closing figures to a period', () => {
    const week2 = company(handHistory, { period: '2026-W02' }); // Mon Jan 5 – Sun Jan 11: F lost Jan 9
    expect([week2.closing.won, week2.closing.lost, week2.closing.winRate, week2.closing.velocityMinorPerDay]).toEqual([0, 1, 0, null]);
    expect(week2.closing.lostReasons).toEqual([{ reason: 'budget cut', count: 1, valueMinor: 500_000 }]);
    const q1 = company(handHistory, { period: '2026-Q1' });
    expect([q1.closing.won, q1.closing.lost, q1.closing.averageSalesCycleDays]).toEqual([1, 2, 17]);
    const february = company(handHistory, { period: '2026-02' });
    expect([february.closing.won, february.closing.lost, february.closing.winRate, february.closing.averageSalesCycleDays, february.closing.velocityMinorPerDay]).toEqual([0, 0, null, null, null]);
    // Figures that are not closing ones ignore the period.
    expect(february.openCount).toBe(1);
    expect(stage(february, 'lead').entered).toBe(6);
    expect(company(handHistory, { period: '2025' }).closing.won).toBe(0);
  });

  it('cuts by rep (current owner), region, source and entry cohort', () => {
    const byRep = rowsBy(handHistory, { by: 'rep' });
    expect(Object.keys(byRep)).toEqual(['r1', 'r2', 'null']); // C and E were never assigned
    expect([byRep['r1']!.openCount, byRep['r1']!.closing.won, byRep['r2']!.closing.lost, stage(byRep['null']!, 'lead').entered]).toEqual([1, 1, 2, 2]);

    const byRegion = rowsBy(handHistory, { by: 'region' });
    // A, D: customer c1 (south); B, F: customer c2 (west); C: its prospect's region; E: no customer, no prospect region, no owner.
    expect(Object.fromEntries(Object.entries(byRegion).map(([k, r]) => [k, stage(r, 'lead').entered]))).toEqual({ north: 1, south: 2, west: 2, null: 1 });

    const bySource = rowsBy(handHistory, { by: 'source' });
    expect(Object.fromEntries(Object.entries(bySource).map(([k, r]) => [k, stage(r, 'lead').entered]))).toEqual({ exhibition: 1, phone: 1, referral: 1, web: 3 });
    expect(bySource['web']!.closing.winRate).toBe(0.5); // A won, F lost

    const byCohort = rowsBy(handHistory, { by: 'cohort' });
    // E was captured Jan 31 17:00 UTC = Feb 1 01:00 in Asia/Shanghai.
    expect(Object.fromEntries(Object.entries(byCohort).map(([k, r]) => [k, stage(r, 'lead').entered]))).toEqual({ '2026-01': 5, '2026-02': 1 });
  });

  it('filters with where, and null selects the unknown', () => {
    const r2West = queryFunnel(build(handHistory), { by: 'source', where: { rep: 'r2', region: 'west' } }).rows;
    expect(r2West.map((r) => [r.group, stage(r, 'lead').entered])).toEqual([
      ['referral', 1],
      ['web', 1],
    ]);
    expect(company(handHistory, { where: { rep: null } }).stages[0]!.entered).toBe(2);
    expect(company(handHistory, { where: { cohort: '2026-02', source: 'exhibition' } }).stages[0]!.count).toBe(1);
    expect(company(handHistory, { where: { rep: 'nobody' } }).stages[0]!.entered).toBe(0);
  });

  it('counts the cuts in the company time zone of the policy', () => {
    const projection = createFunnelProjection({ policy: definePolicy({ timeZone: 'UTC' }) });
    const state = applyEvents(projection, projection.initialState(), recordedEvents(handHistory));
    expect(queryFunnel(state, { by: 'cohort' }).rows.map((r) => r.group)).toEqual(['2026-01']); // E: Jan 31 in UTC
  });

  it('takes the time zone in force at each event from a policy timeline', () => {
    const cohorts = (switchAt: string) => {
      const timeline = createPolicyTimeline([definePolicy({ timeZone: 'UTC' }), definePolicy({ timeZone: 'Asia/Shanghai', effectiveFrom: switchAt })]);
      const projection = createFunnelProjection({ policy: timeline });
      return queryFunnel(applyEvents(projection, projection.initialState(), recordedEvents(handHistory)), { by: 'cohort' }).rows.map((r) => r.group);
    };
    expect(cohorts('2026-01-20T00:00:00.000Z')).toEqual(['2026-01', '2026-02']); // E, Jan 31 17:00 UTC, is Feb 1 in Shanghai
    expect(cohorts('2026-02-10T00:00:00.000Z')).toEqual(['2026-01']); // still UTC on Jan 31
  });
});

describe('moving between cuts', () => {
  const G = opportunity('G');
  const base = [repHired('r1', ['east']), repHired('r2', ['north']), customerRegistered('c1', 'south')];

  it('follows the owner: a reassigned opportunity moves with everything it counts', () => {
    const A = opportunity('A');
    const events = [...base, A.captured(jan(2), 'web', { customerId: 'c1' }), A.assigned(jan(2), 'r1'), A.opened(jan(3), 'c1', 'r1', 100, 1), A.moved(jan(4), 'prospecting', 'proposal'), A.assigned(jan(5), 'r2')];
    const byRep = rowsBy(events, { by: 'rep' });
    expect(Object.keys(byRep)).toEqual(['r2']);
    expect([stage(byRep['r2']!, 'proposal').count, stage(byRep['r2']!, 'prospecting').averageDaysInStage, byRep['r2']!.weightedPipelineMinor]).toEqual([1, 1, 100]);
  });

  it('region: the customer region, else the prospect region, else the owner first region, following their changes', () => {
    const H = opportunity('H');
    const events: EventSketch[] = [...base, G.captured(jan(2), 'web', {}), G.assigned(jan(2, 13), 'r2'), H.captured(jan(2), 'web', { customerId: 'c9' })];
    const regions = (evs: readonly EventSketch[]) => queryFunnel(build(evs), { by: 'region' }).rows.map((r) => [r.group, r.stages[0]!.entered]);
    expect(regions(events)).toEqual([['north', 1], [null, 1]]); // G: r2's first region; H: customer c9 is not registered (yet)
    events.push({ type: 'RepTerritoryAssigned', streamId: 'rep-r2', occurredAt: jan(3), data: { regions: ['central', 'north'] } });
    expect(regions(events)).toEqual([['central', 1], [null, 1]]);
    events.push(customerRegistered('c9', 'west', jan(4)));
    expect(regions(events)).toEqual([['central', 1], ['west', 1]]);
    events.push({ type: 'CustomerProfileUpdated', streamId: 'customer-c9', occurredAt: jan(5), data: { region: 'east' } });
    expect(regions(events)).toEqual([['central', 1], ['east', 1]]);
    events.push(G.qualified(jan(6)), G.opened(jan(6), 'c1', 'r2', 50, 0.5));
    expect(regions(events)).toEqual([['east', 1], ['south', 1]]); // G is now for customer c1 (south)
  });
});

describe('reopening, direct opportunities and odd histories', () => {
  const base = [repHired('r1', ['east']), customerRegistered('c1', 'south')];
  const B = opportunity('B');
  const lostB = [...base, B.captured(jan(6), 'referral', { customerId: 'c1' }), B.assigned(jan(6), 'r1'), B.opened(jan(8), 'c1', 'r1', 2_000_000, 0.3), B.moved(jan(12), 'prospecting', 'quotation'), B.lost(jan(22), 'price too high', 'Nexans')];

  it('a reopened opportunity leaves the closing figures and is open again at the stage it reopens at', () => {
    const reopened = [...lostB, B.reopened(jan(25), 'quotation')];
    const row = company(reopened);
    expect([row.closing.lost, row.closing.lostReasons.length, row.openCount, stage(row, 'quotation').count]).toEqual([0, 0, 1, 1]);
    expect([stage(row, 'quotation').entered, stage(row, 'quotation').stillThere, stage(row, 'quotation').lost]).toEqual([1, 1, 0]);
    // Lost again in February: counted in February, with a second completed quotation stay (Jan 12 → 22 and Jan 25 → Feb 4).
    const again = company([...reopened, B.lost(feb(4), 'project postponed')], { period: '2026-02' });
    expect([again.closing.lost, again.closing.lostReasons[0]!.reason]).toEqual([1, 'project postponed']);
    expect([stage(again, 'quotation').completedStays, stage(again, 'quotation').averageDaysInStage]).toEqual([2, 10]); // (10 + 10) / 2
    expect(company([...reopened, B.lost(feb(4), 'project postponed')], { period: '2026-01' }).closing.lost).toBe(0);
  });

  it('a won opportunity reopened and then lost leaves the won stage as lost', () => {
    const events = [...lostB.slice(0, -1), B.won(jan(20), 900), B.reopened(jan(21), 'quotation'), B.lost(jan(22), 'contract cancelled')];
    const won = stage(company(events), 'won');
    expect([won.entered, won.movedOn, won.lost, won.stillThere, won.count]).toEqual([1, 0, 1, 0, 0]);
  });

  it('moving back: a stage entered after a later one is not moved on', () => {
    const events = [...lostB.slice(0, -1), B.moved(jan(13), 'quotation', 'needs_analysis', 'scope changed'), B.lost(jan(14), 'budget cut')];
    const row = company(events);
    expect([stage(row, 'needs_analysis').entered, stage(row, 'needs_analysis').movedOn, stage(row, 'needs_analysis').lost]).toEqual([1, 0, 1]);
    expect([stage(row, 'quotation').entered, stage(row, 'quotation').movedOn, stage(row, 'quotation').lost]).toEqual([1, 0, 1]);
  });

  it("an opportunity opened without a lead is 'direct', with its opening month as cohort, outside lead conversion", () => {
    const X = opportunity('X');
    const rows = rowsBy([...base, X.opened(jan(31, 20), 'c1', 'r1', 10, 0.5)], { by: 'source' });
    expect(Object.keys(rows)).toEqual(['direct']);
    const row = rows['direct']!;
    expect([stage(row, 'lead').entered, stage(row, 'prospecting').entered, row.leadConversion]).toEqual([0, 1, null]);
    expect(queryFunnel(build([...base, X.opened(jan(31, 20), 'c1', 'r1', 10, 0.5)]), { by: 'cohort' }).rows[0]!.group).toBe('2026-02'); // Feb 1 04:00 in Shanghai
  });

  it('skips events that break the lifecycle, and counts a re-delivered event once', () => {
    const clean = build(lostB);
    const odd = [...lostB, B.moved(jan(23), 'quotation', 'negotiation'), B.won(jan(23), 5), B.opened(jan(23), 'c1', 'r1', 1, 1)];
    expect(JSON.stringify(queryFunnel(build(odd)))).toBe(JSON.stringify(queryFunnel(clean)));
    const records = recordedEvents(lostB);
    const projection = createFunnelProjection();
    const twice = applyEvents(projection, projection.initialState(), [...records, ...records.slice(3)]);
    expect(twice).toEqual(clean);
  });

  it('keeps ids and reasons such as __proto__ as plain entries', () => {
    const P = opportunity('__proto__');
    const events = [...base, customerRegistered('constructor', 'north'), P.captured(jan(2), 'web', { customerId: 'constructor' }), P.assigned(jan(2), 'r1'), P.opened(jan(3), 'constructor', 'r1', 7, 1), P.lost(jan(4), '__proto__', 'toString')];
    const state = build(events);
    expect(Object.getPrototypeOf(state.opportunities)).toBe(Object.prototype);
    const row = company(events);
    expect(row.closing.lostReasons).toEqual([{ reason: '__proto__', count: 1, valueMinor: 7 }]);
    expect(row.closing.lostToCompetitors).toEqual([{ competitor: 'toString', count: 1, valueMinor: 7 }]);
    expect(queryFunnel(state, { by: 'region' }).rows.map((r) => r.group)).toEqual(['north']);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});

describe('buildFunnel', () => {
  it('builds from a store, and as of an instant', async () => {
    const store = createInMemoryEventStore();
    for (const { event } of recordedEvents(handHistory)) {
      await store.append(event.streamId, [{ eventId: event.eventId, type: event.type, occurredAt: event.occurredAt, recordedAt: event.recordedAt, data: event.data, metadata: event.metadata }]);
    }
    const now = queryFunnel(await buildFunnel(store)).rows[0]!;
    expect([now.stages[0]!.entered, now.closing.won]).toEqual([6, 1]);
    // As of Jan 20: A (won Jan 24) was still in proposal, B (lost Jan 22) in quotation, E not captured.
    const then = queryFunnel(await buildFunnel(store, { asOf: '2026-01-20T00:00:00.000Z' })).rows[0]!;
    expect([then.stages[0]!.entered, then.closing.won, then.closing.lost, then.stages[3]!.count, then.stages[4]!.count, then.openCount]).toEqual([5, 0, 1, 1, 1, 3]);
  });

  it('refuses a malformed asOf', async () => {
    await expect(buildFunnel(createInMemoryEventStore(), { asOf: 'yesterday' })).rejects.toBeInstanceOf(ValidationError);
  });
});
