import { periodKeyUnit } from '@dealbook/core';
import { applyEvents, createInMemoryCheckpointStore, createInMemoryEventStore, createProjectionRunner, type RecordedEvent } from '@dealbook/eventsourcing';
import { generateHistory, historyArbitrary, allRecords } from '@dealbook/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildKpi } from './build.js';
import { figureNames } from './figures.js';
import { createKpiProjection } from './kpi-projection.js';
import { queryKpi, type KpiGrouping, type KpiQuery, type KpiRow } from './kpi-query.js';
import type { KpiState } from './kpi-state.js';
import { explainKpi } from './lineage.js';
import { monthsOf } from './period-buckets.js';

/** Every figure of a row that is a sum (so rows must add up). */
function sums(row: KpiRow): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of figureNames) out[name] = row[name];
  out.targetSales = row.target.salesMinor ?? 0;
  out.targetVisits = row.target.visits ?? 0;
  out.reportsDue = row.reportsDue;
  out.overdue = row.overdueReceivablesMinor;
  out.pay = row.performancePayMinor ?? 0;
  out.commission = row.commissionMinor.total;
  return out;
}

function total(rows: readonly KpiRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of rows) for (const [k, v] of Object.entries(sums(row))) out[k] = (out[k] ?? 0) + v;
  return out;
}

const zeroIfMissing = (row: KpiRow | undefined): Record<string, number> => (row === undefined ? {} : sums(row));
const normalized = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== 0).sort());

/** Periods of every unit that the history touches: the months and weeks kept, and the quarters and years of the months. */
function periodsOf(state: KpiState): string[] {
  const kept = Object.keys(state.buckets);
  const months = kept.filter((k) => periodKeyUnit(k) === 'month');
  const quarters = months.map((m) => `${m.slice(0, 4)}-Q${Math.floor((Number(m.slice(5)) - 1) / 3) + 1}`);
  return [...new Set([...kept, ...quarters, ...months.map((m) => m.slice(0, 4))])].sort();
}

const histories = historyArbitrary({ minReps: 10, maxReps: 17, minMonths: 1, maxMonths: 2 });

describe('KPI read model on generated histories', () => {
  it('rollups add up: Σ reps = team, Σ teams = region, Σ regions = company, for every figure that is a sum', async () => {
    let multiTeam = 0;
    await fc.assert(
      fc.asyncProperty(histories, fc.infiniteStream(fc.nat()), async (options, picks) => {
        const { store } = await generateHistory(options);
        const state = await buildKpi(store);
        const periods = periodsOf(state);
        const it = picks[Symbol.iterator]();
        for (let i = 0; i < 4; i++) {
          const period = periods[it.next().value! % periods.length]!;
          const q = (by: KpiGrouping, where: KpiQuery['where'] = {}) => queryKpi(state, { period, by, where }).rows;
          const company = q('company')[0];
          expect(normalized(total(q('rep')))).toEqual(normalized(zeroIfMissing(company)));
          expect(normalized(total(q('team')))).toEqual(normalized(zeroIfMissing(company)));
          expect(normalized(total(q('region')))).toEqual(normalized(zeroIfMissing(company)));
          const teams = q('team');
          if (teams.length > 1) multiTeam++;
          for (const team of teams) expect(normalized(total(q('rep', { team: team.group })))).toEqual(normalized(sums(team)));
          for (const region of q('region')) expect(normalized(total(q('team', { region: region.group })))).toEqual(normalized(sums(region)));
        }
      }),
      { numRuns: 4 },
    );
    expect(multiTeam).toBeGreaterThan(0);
  });

  it('one pass = any batching with restarts from checkpoints = one event at a time; a re-delivered event counts once', async () => {
    await fc.assert(
      fc.asyncProperty(
        historyArbitrary({ maxReps: 5, maxMonths: 2 }),
        fc.integer({ min: 1, max: 700 }),
        fc.integer({ min: 1, max: 4 }),
        fc.infiniteStream(fc.nat()),
        async (options, batchSize, maxBatches, picks) => {
          const { store } = await generateHistory(options);
          const onePass = JSON.stringify(await buildKpi(store));

          const projection = createKpiProjection();
          const checkpoints = createInMemoryCheckpointStore<KpiState>();
          for (;;) {
            // A new runner each time: a restart that resumes from the saved checkpoint.
            const runner = createProjectionRunner({ store, projection, checkpoints, batchSize });
            const before = (await checkpoints.load(projection.name))?.position ?? 0;
            const { position } = await runner.catchUp({ maxBatches });
            if (position === before) break;
          }
          expect(JSON.stringify((await checkpoints.load(projection.name))!.state)).toBe(onePass);

          const records = await allRecords(store);
          let incremental = projection.initialState();
          for (const record of records) incremental = applyEvents(projection, incremental, [record]);
          expect(JSON.stringify(incremental)).toBe(onePass);

          // Re-deliver some events later in the log (as an at-least-once subscription may).
          const it = picks[Symbol.iterator]();
          const redelivered: RecordedEvent[] = [];
          let duplicates = 0;
          records.forEach((record, index) => {
            redelivered.push(record);
            if (it.next().value! % 7 === 0) {
              redelivered.push(records[it.next().value! % (index + 1)]!); // an event already delivered
              duplicates++;
            }
          });
          expect(duplicates).toBeGreaterThan(0);
          expect(JSON.stringify(applyEvents(projection, projection.initialState(), redelivered))).toBe(onePass);
        },
      ),
      { numRuns: 6 },
    );
  });

  it('as of T equals a fresh build over the history filtered to recordedAt ≤ T', async () => {
    await fc.assert(
      fc.asyncProperty(historyArbitrary({ maxReps: 5, maxMonths: 2 }), fc.double({ min: 0, max: 1, noNaN: true }), async (options, fraction) => {
        const { store } = await generateHistory(options);
        const records = await allRecords(store);
        const asOf = records[Math.min(records.length - 1, Math.floor(fraction * records.length))]!.event.recordedAt;
        const filtered = createInMemoryEventStore();
        for (const { event } of records.filter((r) => r.event.recordedAt <= asOf)) {
          await filtered.append(event.streamId, [{ eventId: event.eventId, type: event.type, occurredAt: event.occurredAt, recordedAt: event.recordedAt, data: event.data, metadata: event.metadata }]);
        }
        const past = await buildKpi(store, { asOf });
        const fresh = await buildKpi(filtered);
        expect(JSON.stringify(past)).toBe(JSON.stringify(fresh));
        const period = Object.keys(fresh.buckets).sort()[0];
        if (period !== undefined) expect(queryKpi(past, { period, by: 'rep' })).toEqual(queryKpi(fresh, { period, by: 'rep' }));
      }),
      { numRuns: 5 },
    );
  });

  it('lineage: the events behind signed sales, collected and commission add up to the figure', async () => {
    await fc.assert(
      fc.asyncProperty(historyArbitrary({ maxReps: 5, maxMonths: 2 }), fc.nat(), async (options, pick) => {
        const { store } = await generateHistory(options);
        const state = await buildKpi(store);
        const periods = periodsOf(state);
        const period = periods[pick % periods.length]!;
        const company = queryKpi(state, { period }).rows[0];
        for (const figure of ['signedSalesMinor', 'collectedMinor'] as const) {
          const lineage = await explainKpi(store, { figure, period });
          expect(lineage.total).toBe(company?.[figure] ?? 0);
          expect(new Set(lineage.events.map((e) => e.eventId)).size).toBe(lineage.events.length);
        }
        const commission = await explainKpi(store, { figure: 'commissionMinor', period });
        expect(commission.total).toBe(company?.commissionMinor.total ?? 0);
      }),
      { numRuns: 4 },
    );
  });
  it('years and quarters (not kept) are the sums of their months, by every cut, and match the credits lineage traces to them', async () => {
    await fc.assert(
      fc.asyncProperty(historyArbitrary({ maxReps: 6, maxMonths: 4 }), async (options) => {
        const { store } = await generateHistory(options);
        const state = await buildKpi(store);
        const rolled = periodsOf(state).filter((p) => periodKeyUnit(p) === 'year' || periodKeyUnit(p) === 'quarter');
        expect(rolled.length).toBeGreaterThan(1);
        expect(rolled.some((p) => p in state.buckets)).toBe(false);
        for (const period of rolled) {
          for (const by of ['rep', 'region', 'company'] as const) {
            const perGroup = new Map<string, Record<string, number>>();
            for (const month of monthsOf(period)) {
              for (const row of queryKpi(state, { period: month, by }).rows) {
                const acc = perGroup.get(row.group) ?? {};
                for (const name of figureNames) acc[name] = (acc[name] ?? 0) + row[name];
                perGroup.set(row.group, acc);
              }
            }
            const rows = queryKpi(state, { period, by }).rows;
            expect(rows.map((r) => r.group)).toEqual([...perGroup.keys()].sort());
            for (const row of rows) expect(Object.fromEntries(figureNames.map((n) => [n, row[n]]))).toEqual(perGroup.get(row.group));
          }
          const company = queryKpi(state, { period }).rows[0];
          const lineage = await explainKpi(store, { figure: 'signedSalesMinor', period });
          expect(lineage.total).toBe(company?.signedSalesMinor ?? 0);
        }
      }),
      { numRuns: 3 },
    );
  });
});
