import { contractEventSchemas, customerEventSchemas, opportunityEventSchemas, repEventSchemas } from '@dealbook/core';
import { toJsonLine, verifyChain, type EventEnvelope, type EventStore } from '@dealbook/eventsourcing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { companyHistory, generateHistory, historyArbitrary, mulberry32, type GeneratedHistory } from './index.js';

async function readEverything(store: EventStore): Promise<EventEnvelope[]> {
  const events: EventEnvelope[] = [];
  let after = 0;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 10_000 });
    for (const r of page.events) events.push(r.event);
    after = page.position;
    if (page.isEnd || page.events.length === 0) return events;
  }
}

const schemas: Record<string, Record<string, { safeParse(data: unknown): { success: boolean } }>> = {
  rep: repEventSchemas,
  customer: customerEventSchemas,
  opportunity: opportunityEventSchemas,
  contract: contractEventSchemas,
};
const catalogue = [...Object.keys(repEventSchemas), ...Object.keys(customerEventSchemas), ...Object.keys(opportunityEventSchemas), ...Object.keys(contractEventSchemas)].sort();
const rejectedTotal = (h: GeneratedHistory) => Object.values(h.stats.rejected).reduce((a, b) => a + b, 0);

describe('mulberry32', () => {
  it('is deterministic per seed and stays in range', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const c = mulberry32(7);
    expect(Array.from({ length: 1000 }, () => c.int(2, 5)).every((n) => n >= 2 && n <= 5)).toBe(true);
  });
});

describe('generateHistory: a 20-rep, 6-month company', () => {
  let history: GeneratedHistory;
  let events: EventEnvelope[];
  beforeAll(async () => {
    history = await generateHistory({ seed: 2, reps: 20, months: 6 });
    events = await readEverything(history.store);
  });

  it('records what its stats say', () => {
    expect(events).toHaveLength(history.stats.events);
    expect(Object.values(history.stats.byType).reduce((a, b) => a + b, 0)).toBe(history.stats.events);
    expect(history.stats.events).toBeGreaterThan(10_000);
  });

  it('is refused for less than 1% of its commands', () => {
    expect(rejectedTotal(history) / history.stats.commands).toBeLessThan(0.01);
  });

  it('produces every event type of the catalogue', () => {
    const seen = new Set(events.map((e) => e.type));
    expect(catalogue.filter((t) => !seen.has(t))).toEqual([]);
    expect([...seen].sort()).toEqual(catalogue);
  });

  it('fills all four aggregates, every stream a valid hash chain', () => {
    const streams = new Map<string, EventEnvelope[]>();
    for (const e of events) {
      const list = streams.get(e.streamId);
      if (list === undefined) streams.set(e.streamId, [e]);
      else list.push(e);
    }
    const categories = new Set([...streams.keys()].map((id) => id.slice(0, id.indexOf('-'))));
    expect([...categories].sort()).toEqual(['contract', 'customer', 'opportunity', 'rep']);
    for (const [streamId, list] of streams) expect(verifyChain(list).ok, streamId).toBe(true);
  });

  it('gives every event data its schema accepts', () => {
    for (const e of events) {
      const schema = schemas[e.streamId.slice(0, e.streamId.indexOf('-'))]?.[e.type];
      expect(schema, e.type).toBeDefined();
      const parsed = schema!.safeParse(e.data);
      if (!parsed.success) expect.fail(`${e.type} in ${e.streamId}: ${JSON.stringify(parsed)}`);
    }
  });

  it('wins the opportunity of every signed contract that has one', () => {
    const opportunityOf = new Map<string, string>();
    for (const e of events) if (e.type === 'ContractDrafted') {
      const data = e.data as { contractId: string; opportunityId?: string };
      if (data.opportunityId !== undefined) opportunityOf.set(data.contractId, data.opportunityId);
    }
    const won = new Set(events.filter((e) => e.type === 'OpportunityWon').map((e) => `${e.streamId}/${(e.data as { contractId: string }).contractId}`));
    const signed = events.filter((e) => e.type === 'ContractSigned').map((e) => e.streamId.slice('contract-'.length));
    const withOpportunity = signed.filter((id) => opportunityOf.has(id));
    expect(withOpportunity.length).toBeGreaterThan(0);
    expect(signed.length).toBeGreaterThan(withOpportunity.length); // repeat orders without an opportunity too
    for (const id of withOpportunity) expect(won.has(`opportunity-${opportunityOf.get(id)}/${id}`), id).toBe(true);
  });

  it('records visits before their recording time and within the recording delay', () => {
    for (const e of events) {
      if (e.type !== 'CustomerVisited') continue;
      const delay = Date.parse(e.recordedAt) - Date.parse(e.occurredAt);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(48 * 3_600_000);
    }
  });
});

describe('generateHistory: determinism', () => {
  it('gives byte-identical histories for the same seed and options, and another for another seed', async () => {
    const jsonl = async (seed: number) => (await readEverything((await generateHistory({ seed, reps: 5, months: 2 })).store)).map(toJsonLine).join('\n');
    const first = await jsonl(11);
    expect(await jsonl(11)).toBe(first);
    expect(await jsonl(12)).not.toBe(first);
  });

  it('reports progress and honours start', async () => {
    const progress: number[] = [];
    const { store, stats } = await companyHistory(3, { reps: 2, months: 1, start: '2026-05-01T00:00:00.000Z', onProgress: (n) => progress.push(n) });
    expect(progress.length).toBe(31);
    expect(progress.at(-1)).toBe(stats.events);
    const events = await readEverything(store);
    expect(events[0]!.occurredAt >= '2026-05-01T00:00:00.000Z').toBe(true);
  });
});

describe('historyArbitrary', () => {
  it('yields small valid histories', async () => {
    await fc.assert(
      fc.asyncProperty(historyArbitrary(), async (options) => {
        expect(options.reps).toBeGreaterThanOrEqual(2);
        expect(options.reps).toBeLessThanOrEqual(6);
        expect(options.months).toBeGreaterThanOrEqual(1);
        expect(options.months).toBeLessThanOrEqual(3);
        const history = await generateHistory(options);
        expect(history.stats.events).toBeGreaterThan(0);
        expect(rejectedTotal(history) / history.stats.commands).toBeLessThan(0.01);
      }),
      { numRuns: 5 },
    );
  });
});
