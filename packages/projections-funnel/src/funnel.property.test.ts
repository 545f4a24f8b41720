import { opportunityStages } from '@dealbook/core';
import { applyEvents, createInMemoryCheckpointStore, createProjectionRunner, type RecordedEvent } from '@dealbook/eventsourcing';
import { generateHistory, historyArbitrary, allRecords } from '@dealbook/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFunnel } from './build-funnel.js';
import { takeOut } from './cell-bookkeeping.js';
import { createFunnelProjection } from './funnel-projection.js';
import { queryFunnel, type FunnelCut, type FunnelQuery, type FunnelRow } from './funnel-query.js';
import { funnelStages, type FunnelState } from './funnel-state.js';

const NUM_RUNS = 8;

/** One event at a time, from a fresh state. */
function incremental(records: readonly RecordedEvent[]): FunnelState {
  const projection = createFunnelProjection();
  let state = projection.initialState();
  for (const record of records) state = applyEvents(projection, state, [record]);
  return state;
}

const history = async (options: Parameters<typeof generateHistory>[0]) => {
  const { store } = await generateHistory(options);
  return { store, records: await allRecords(store) };
};

/** Every figure of a row that is a count or a sum of money, flattened. */
function additiveFigures(row: FunnelRow): Record<string, number> {
  const out: Record<string, number> = {
    openCount: row.openCount,
    openValueMinor: row.openValueMinor,
    weightedPipelineMinor: row.weightedPipelineMinor,
    leadsConverted: row.leadsConverted,
    leadsDisqualified: row.leadsDisqualified,
    won: row.closing.won,
    wonValueMinor: row.closing.wonValueMinor,
    lost: row.closing.lost,
    lostValueMinor: row.closing.lostValueMinor,
  };
  for (const s of row.stages) {
    for (const f of ['count', 'valueMinor', 'entered', 'movedOn', 'lost', 'stillThere', 'completedStays'] as const) out[`${s.stage}.${f}`] = s[f];
  }
  for (const r of row.closing.lostReasons) {
    out[`reason:${r.reason}.count`] = r.count;
    out[`reason:${r.reason}.valueMinor`] = r.valueMinor;
  }
  for (const c of row.closing.lostToCompetitors) {
    out[`competitor:${c.competitor}.count`] = c.count;
    out[`competitor:${c.competitor}.valueMinor`] = c.valueMinor;
  }
  return out;
}

function sumFigures(rows: readonly FunnelRow[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const row of rows) for (const [k, v] of Object.entries(additiveFigures(row))) total[k] = (total[k] ?? 0) + v;
  return total;
}

/**
 * The conservation figures read straight from the definitions, per
 * opportunity, from its events: the stages it reached in order, and how it is
 * now. Independent of the projection's incremental bookkeeping.
 */
function modelFigures(records: readonly RecordedEvent[]) {
  const opps = new Map<string, { reached: number[]; phase: string; value: number }>();
  const open = (stage: string) => opportunityStages.indexOf(stage as (typeof opportunityStages)[number]) + 1;
  for (const { event } of records) {
    if (!event.streamId.startsWith('opportunity-')) continue;
    let o = opps.get(event.streamId);
    if (o === undefined) opps.set(event.streamId, (o = { reached: [], phase: 'none', value: 0 }));
    const data = event.data as Record<string, unknown>;
    switch (event.type) {
      case 'LeadCaptured':
        o.reached.push(0);
        o.phase = 'lead';
        break;
      case 'LeadDisqualified':
        o.phase = 'disqualified';
        break;
      case 'OpportunityOpened':
        o.reached.push(1);
        o.phase = 'open';
        break;
      case 'OpportunityStageChanged':
        o.reached.push(open(data['to'] as string));
        break;
      case 'OpportunityWon':
        o.reached.push(funnelStages.length - 1);
        o.phase = 'won';
        break;
      case 'OpportunityLost':
        o.phase = 'lost';
        break;
      case 'OpportunityReopened':
        o.reached.push(open(data['stage'] as string));
        o.phase = 'open';
        break;
    }
  }
  const zero = () => funnelStages.map(() => 0);
  const figures = { entered: zero(), movedOn: zero(), lost: zero(), stillThere: zero(), count: zero(), won: 0, lost_: 0, converted: 0, disqualified: 0 };
  for (const o of opps.values()) {
    funnelStages.forEach((_, s) => {
      const first = o.reached.indexOf(s);
      if (first === -1) return;
      figures.entered[s]!++;
      if (o.reached.slice(first + 1).some((later) => later > s)) figures.movedOn[s]!++;
      else if (o.phase === 'lost' || o.phase === 'disqualified') figures.lost[s]!++;
      else figures.stillThere[s]!++;
    });
    const now = o.phase === 'lead' ? 0 : o.phase === 'open' ? o.reached.at(-1)! : o.phase === 'won' ? funnelStages.length - 1 : -1;
    if (now >= 0) figures.count[now]!++;
    if (o.phase === 'won') figures.won++;
    if (o.phase === 'lost') figures.lost_++;
    if (o.reached[0] === 0 && o.reached.includes(1)) figures.converted++;
    if (o.phase === 'disqualified') figures.disqualified++;
  }
  return figures;
}

const REGIONS = ['north', 'south', 'east', 'west'];

/**
 * Generated histories of a few reps have one region. This spreads customers,
 * prospects and reps over four, and moves some customers on profile updates,
 * so the region cut has rows to add up and opportunities that change rows.
 */
function varyRegions(records: readonly RecordedEvent[], salt: number): RecordedEvent[] {
  let k = salt;
  const next = () => REGIONS[k++ % REGIONS.length]!;
  return records.map((r) => {
    const data = r.event.data as Record<string, unknown>;
    switch (r.event.type) {
      case 'CustomerRegistered':
        return { ...r, event: { ...r.event, data: { ...data, region: next() } } };
      case 'CustomerProfileUpdated':
        return k % 2 === 0 ? { ...r, event: { ...r.event, data: { ...data, region: next() } } } : r;
      case 'RepHired':
      case 'RepTerritoryAssigned':
        return { ...r, event: { ...r.event, data: { ...data, regions: [next()] } } };
      case 'LeadCaptured': {
        const prospect = data['prospect'] as Record<string, unknown> | undefined;
        if (prospect === undefined) return r;
        const { region: _dropped, ...rest } = prospect;
        return { ...r, event: { ...r.event, data: { ...data, prospect: k++ % 3 === 0 ? rest : { ...prospect, region: next() } } } };
      }
      default:
        return r;
    }
  });
}

const closeMonths = (records: readonly RecordedEvent[]): string[] => [...new Set(records.filter((r) => r.event.type === 'OpportunityWon' || r.event.type === 'OpportunityLost').map((r) => r.event.occurredAt.slice(0, 7)))];

describe('funnel properties on generated histories', () => {
  it('one pass = any batching with restarts from checkpoints = one event at a time', async () => {
    await fc.assert(
      fc.asyncProperty(historyArbitrary(), fc.integer({ min: 1, max: 400 }), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 12 }), async (options, batchSize, restarts) => {
        const { store, records } = await history(options);
        const onePass = await buildFunnel(store);
        const checkpoints = createInMemoryCheckpointStore<FunnelState>();
        for (const maxBatches of restarts) await createProjectionRunner({ store, projection: createFunnelProjection(), checkpoints, batchSize }).catchUp({ maxBatches });
        const batched = (await createProjectionRunner({ store, projection: createFunnelProjection(), checkpoints, batchSize }).catchUp()).state;
        const expected = JSON.stringify(incremental(records));
        expect(JSON.stringify(onePass)).toBe(expected);
        expect(JSON.stringify(batched)).toBe(expected);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('a re-delivered event counts once', async () => {
    await fc.assert(
      fc.asyncProperty(historyArbitrary(), fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 60 }), async (options, dups) => {
        const { records } = await history(options);
        // Each duplicate of event i is delivered again somewhere after it.
        const later = new Map<number, RecordedEvent[]>();
        for (const [i, j] of dups) {
          const from = i % records.length;
          const at = from + (j % (records.length - from));
          later.set(at, [...(later.get(at) ?? []), records[from]!]);
        }
        const delivered = records.flatMap((r, k) => [r, ...(later.get(k) ?? [])]);
        expect(delivered.length).toBe(records.length + dups.length);
        const projection = createFunnelProjection();
        const state = applyEvents(projection, projection.initialState(), delivered);
        expect(JSON.stringify(state)).toBe(JSON.stringify(incremental(records)));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('as of T = a fresh build over the events recorded up to T', async () => {
    await fc.assert(
      fc.asyncProperty(historyArbitrary(), fc.double({ min: 0, max: 1, noNaN: true }), async (options, where) => {
        const { store, records } = await history(options);
        const asOf = records[Math.min(records.length - 1, Math.floor(where * records.length))]!.event.recordedAt;
        const built = await buildFunnel(store, { asOf });
        const projection = createFunnelProjection();
        const fresh = applyEvents(projection, projection.initialState(), records.filter((r) => r.event.recordedAt <= asOf));
        expect(JSON.stringify(built)).toBe(JSON.stringify(fresh));
        expect(queryFunnel(built, { by: 'cohort' })).toEqual(queryFunnel(fresh, { by: 'cohort' }));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('conservation: entered = moved on + lost + still there, for every stage of every row, matching the definitions', async () => {
    await fc.assert(
      fc.asyncProperty(historyArbitrary(), fc.nat(), async (options, salt) => {
        const { records: recorded } = await history(options);
        const records = varyRegions(recorded, salt);
        const state = incremental(records);
        const model = modelFigures(records);
        const company = queryFunnel(state).rows[0]!;
        expect(company.stages.map((s) => s.entered)).toEqual(model.entered);
        expect(company.stages.map((s) => s.movedOn)).toEqual(model.movedOn);
        expect(company.stages.map((s) => s.lost)).toEqual(model.lost);
        expect(company.stages.map((s) => s.stillThere)).toEqual(model.stillThere);
        expect(company.stages.map((s) => s.count)).toEqual(model.count);
        expect([company.closing.won, company.closing.lost, company.leadsConverted, company.leadsDisqualified]).toEqual([model.won, model.lost_, model.converted, model.disqualified]);
        expect(model.entered[0]).toBeGreaterThan(0);
        for (const by of ['company', 'rep', 'region', 'source', 'cohort'] as const) {
          for (const row of queryFunnel(state, { by }).rows) {
            for (const s of row.stages) expect(s.entered, `${by} ${String(row.group)} ${s.stage}`).toBe(s.movedOn + s.lost + s.stillThere);
          }
        }
        for (const cell of Object.values(state.cells)) {
          funnelStages.forEach((_, s) => expect(cell.entered[s]).toBe(cell.movedOn[s]! + cell.lost[s]! + cell.stillThere[s]!));
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('Σ over the rows of every cut = the company figure, for every count and value, over all time and over a period', async () => {
    await fc.assert(
      fc.asyncProperty(historyArbitrary(), fc.nat(), async (options, salt) => {
        const { records: recorded } = await history(options);
        const records = varyRegions(recorded, salt);
        const state = incremental(records);
        expect(queryFunnel(state, { by: 'region' }).rows.length).toBeGreaterThan(1);
        const periods: (string | undefined)[] = [undefined, ...closeMonths(records)];
        for (const period of periods) {
          const q: FunnelQuery = period === undefined ? {} : { period };
          const company = additiveFigures(queryFunnel(state, q).rows[0]!);
          for (const by of ['rep', 'region', 'source', 'cohort'] as FunnelCut[]) {
            const rows = queryFunnel(state, { ...q, by }).rows;
            expect(new Set(rows.map((r) => r.group)).size).toBe(rows.length);
            const summed = sumFigures(rows);
            for (const [k, v] of Object.entries(company)) expect(summed[k] ?? 0, `${by} ${k} ${String(period)}`).toBe(v);
            expect(Object.keys(summed).sort()).toEqual(Object.keys(company).sort());
          }
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
  it('a cell holds only the sum of its members: with every opportunity taken out, every cell is zeros (an emptied cell is reused as new)', async () => {
    await fc.assert(
      fc.asyncProperty(historyArbitrary(), fc.nat(), async (options, salt) => {
        const { records: recorded } = await history(options);
        const state = incremental(varyRegions(recorded, salt));
        const cells = Object.values(state.cells);
        expect(cells.length).toBeGreaterThan(0);
        for (const cell of cells) expect(cell.members).toBeGreaterThan(0);
        for (const opp of Object.values(state.opportunities)) takeOut(state, opp);
        for (const cell of cells) {
          const { rep: _rep, region: _region, source: _source, cohort: _cohort, ...counters } = cell;
          const zeros = (values: readonly number[]) => values.map(() => 0);
          expect(counters).toEqual({
            members: 0,
            count: zeros(cell.count),
            valueMinor: zeros(cell.valueMinor),
            weightedMinor: 0,
            entered: zeros(cell.entered),
            movedOn: zeros(cell.movedOn),
            lost: zeros(cell.lost),
            stillThere: zeros(cell.stillThere),
            stayMs: zeros(cell.stayMs),
            stays: zeros(cell.stays),
            converted: 0,
            disqualified: 0,
            closings: {},
          });
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
