import { definePolicy, periodKeyAt, type SalesEventEnvelope } from '@dealbook/core';
import {
  applyEvents,
  createInMemoryCheckpointStore,
  createInMemoryEventStore,
  createProjectionRunner,
  ValidationError,
  type RecordedEvent,
} from '@dealbook/eventsourcing';
import { generateHistory, historyArbitrary, recordedEvents, type EventSketch, allRecords } from '@dealbook/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildRevenueByProductLine,
  createRevenueByProductLineProjection,
  queryRevenueByProductLine,
  type RevenueByProductLineState,
  type RevenueRow,
} from './revenue-by-product-line.js';

const projection = createRevenueByProductLineProjection();
const oneAtATime = (records: readonly RecordedEvent[]): RevenueByProductLineState =>
  records.reduce((state, record) => applyEvents(projection, state, [record]), projection.initialState());
const onePass = (records: readonly RecordedEvent[]): RevenueByProductLineState => applyEvents(projection, projection.initialState(), records);

/** Sums of the rows, overall and per product line. */
function totals(rows: readonly RevenueRow[]) {
  const byLine: Record<string, number> = {};
  let revenueMinor = 0;
  let terminatedMinor = 0;
  let contractsSigned = 0;
  for (const row of rows) {
    byLine[row.productLine] = (byLine[row.productLine] ?? 0) + row.revenueMinor;
    revenueMinor += row.revenueMinor;
    terminatedMinor += row.terminatedMinor;
    contractsSigned += row.contractsSigned;
  }
  return { revenueMinor, terminatedMinor, contractsSigned, byLine };
}

/** What the test keeps per contract stream while reading raw events. */
interface ContractFacts {
  /** `totalMinor` of the last ContractDrafted / ContractTermsRevised. */
  totalMinor: number;
  /** Distinct product lines of the current terms. */
  productLines: number;
  signed: boolean;
  /** The total when a signed contract was terminated. */
  terminatedMinor: number;
}

/**
 * The expected sums, computed straight from the raw events and without the
 * projection's arithmetic: a contract's value is the `totalMinor` its last
 * ContractDrafted / ContractTermsRevised recorded (the projection multiplies
 * quantities by prices per line instead).
 */
function expectedFromEvents(records: readonly RecordedEvent[], timeZone: string) {
  const contracts = new Map<string, ContractFacts>();
  let contractsSigned = 0;
  const signedByQuarter: Record<string, number> = {};
  for (const { event } of records) {
    const e = event as SalesEventEnvelope;
    const contract = contracts.get(e.streamId);
    if (e.type === 'ContractDrafted') {
      contracts.set(e.streamId, { totalMinor: e.data.totalMinor, productLines: new Set(e.data.lines.map((l) => l.productLine)).size, signed: false, terminatedMinor: 0 });
    } else if (e.type === 'ContractTermsRevised' && contract !== undefined) {
      contract.totalMinor = e.data.totalMinor;
      contract.productLines = new Set(e.data.lines.map((l) => l.productLine)).size;
    } else if (e.type === 'ContractSigned' && contract !== undefined) {
      contract.signed = true;
      contractsSigned += contract.productLines; // a signed contract counts once per product line it sells
      const quarter = periodKeyAt(e.occurredAt, 'quarter', timeZone);
      signedByQuarter[quarter] = (signedByQuarter[quarter] ?? 0) + contract.totalMinor;
    } else if (e.type === 'ContractTerminated' && contract?.signed === true) {
      contract.terminatedMinor = contract.totalMinor;
    }
  }
  const signed = [...contracts.values()].filter((c) => c.signed);
  return {
    revenueMinor: signed.reduce((sum, c) => sum + c.totalMinor, 0),
    terminatedMinor: signed.reduce((sum, c) => sum + c.terminatedMinor, 0),
    contractsSigned,
    signedByQuarter,
  };
}

// ─── One history written out by hand ────────────────────────────────────────

const terms = (lines: { productLine: string; spec?: string; quantity: number; unitPriceMinor: number }[]) => ({
  lines,
  totalMinor: lines.reduce((sum, l) => sum + l.quantity * l.unitPriceMinor, 0),
  deliveryDate: '2017-12-31',
  paymentTerms: { creditDays: 30 },
});
const drafted = (contractId: string, lines: Parameters<typeof terms>[0]) => ({ contractId, customerId: 'c-1', repId: 'r-7', ...terms(lines) });
const signed = { companySignatoryId: 'm-1', customerSignatory: '王经理' };
const HASH = 'a'.repeat(64);

/** Three contracts in 2017, in commit order (company time zone: Asia/Shanghai, UTC+8). */
const handHistory: EventSketch[] = [
  // k-2: 10 × 1,000.00 hv-cable, signed one millisecond before midnight local time on March 31: Q1.
  { streamId: 'contract-k-2', type: 'ContractDrafted', occurredAt: '2017-03-05T02:00:00.000Z', data: drafted('k-2', [{ productLine: 'hv-cable', quantity: 10, unitPriceMinor: 1_000_00 }]) },
  // k-1: hv-cable 100 × 1,500.00 + 20 × 2,000.00 = 190,000.00; transformers 2 × 30,000.00 = 60,000.00
  {
    streamId: 'contract-k-1',
    type: 'ContractDrafted',
    occurredAt: '2017-03-10T02:00:00.000Z',
    data: drafted('k-1', [
      { productLine: 'hv-cable', spec: 'YJV 3x95', quantity: 100, unitPriceMinor: 1_500_00 },
      { productLine: 'hv-cable', spec: 'YJV 3x120', quantity: 20, unitPriceMinor: 2_000_00 },
      { productLine: 'transformers', quantity: 2, unitPriceMinor: 30_000_00 },
    ]),
  },
  // Revised before signing (books nothing): transformers 3 × 30,000.00 = 90,000.00.
  {
    streamId: 'contract-k-1',
    type: 'ContractTermsRevised',
    occurredAt: '2017-03-20T02:00:00.000Z',
    data: terms([
      { productLine: 'hv-cable', spec: 'YJV 3x95', quantity: 100, unitPriceMinor: 1_500_00 },
      { productLine: 'hv-cable', spec: 'YJV 3x120', quantity: 20, unitPriceMinor: 2_000_00 },
      { productLine: 'transformers', quantity: 3, unitPriceMinor: 30_000_00 },
    ]),
  },
  { streamId: 'contract-k-1', type: 'ContractSubmittedForReview', occurredAt: '2017-03-21T02:00:00.000Z', data: {} },
  { streamId: 'contract-k-1', type: 'ContractApproved', occurredAt: '2017-03-22T02:00:00.000Z', data: { reviewerId: 'legal-1', termsHash: HASH } },
  { streamId: 'contract-k-2', type: 'ContractSigned', occurredAt: '2017-03-31T15:59:59.999Z', data: signed }, // 23:59:59.999 local: Q1
  // k-1 signed at 17:00 UTC on March 31 = 01:00 on April 1 local time: Q2.
  { streamId: 'contract-k-1', type: 'ContractSigned', occurredAt: '2017-03-31T17:00:00.000Z', data: signed },
  // k-3 is cancelled before signing: nothing booked, nothing reported.
  { streamId: 'contract-k-3', type: 'ContractDrafted', occurredAt: '2017-04-02T02:00:00.000Z', data: drafted('k-3', [{ productLine: 'hv-cable', quantity: 1, unitPriceMinor: 9_999_00 }]) },
  { streamId: 'contract-k-3', type: 'ContractTerminated', occurredAt: '2017-04-03T02:00:00.000Z', data: { reason: 'customer withdrew' } },
  { streamId: 'contract-k-2', type: 'ContractFulfilled', occurredAt: '2017-05-10T02:00:00.000Z', data: {} },
  // k-1 amended in Q3: hv-cable 80 × 1,500.00 + 20 × 2,000.00 = 160,000.00 (−30,000.00);
  // transformers unchanged (90,000.00, no row); switchgear 1 × 12,000.00 added (+12,000.00).
  { streamId: 'contract-k-1', type: 'ContractAmendmentApproved', occurredAt: '2017-08-15T02:00:00.000Z', data: { approvedBy: 'm-1', termsHash: HASH } },
  {
    streamId: 'contract-k-1',
    type: 'ContractTermsRevised',
    occurredAt: '2017-08-15T02:00:00.000Z',
    data: terms([
      { productLine: 'hv-cable', spec: 'YJV 3x95', quantity: 80, unitPriceMinor: 1_500_00 },
      { productLine: 'hv-cable', spec: 'YJV 3x120', quantity: 20, unitPriceMinor: 2_000_00 },
      { productLine: 'transformers', quantity: 3, unitPriceMinor: 30_000_00 },
      { productLine: 'switchgear', quantity: 1, unitPriceMinor: 12_000_00 },
    ]),
  },
  // k-1 terminated in Q4: its booked value per line is reported, the revenue stays.
  { streamId: 'contract-k-1', type: 'ContractTerminated', occurredAt: '2017-11-02T02:00:00.000Z', data: { reason: 'project cancelled', approvedBy: 'm-1' } },
];

const row = (quarter: string, productLine: string, r: Partial<Omit<RevenueRow, 'quarter' | 'productLine' | 'revenueMinor'>>): RevenueRow => {
  const full = { contractsSigned: 0, signedMinor: 0, amendedMinor: 0, terminatedMinor: 0, ...r };
  return { quarter, productLine, ...full, revenueMinor: full.signedMinor + full.amendedMinor };
};

const handRows: RevenueRow[] = [
  row('2017-Q1', 'hv-cable', { contractsSigned: 1, signedMinor: 10_000_00 }), // k-2: 10 × 1,000.00
  row('2017-Q2', 'hv-cable', { contractsSigned: 1, signedMinor: 190_000_00 }), // k-1: 100 × 1,500.00 + 20 × 2,000.00
  row('2017-Q2', 'transformers', { contractsSigned: 1, signedMinor: 90_000_00 }), // k-1 as revised: 3 × 30,000.00
  row('2017-Q3', 'hv-cable', { amendedMinor: -30_000_00 }), // 160,000.00 − 190,000.00
  row('2017-Q3', 'switchgear', { amendedMinor: 12_000_00 }), // 12,000.00 − 0
  row('2017-Q4', 'hv-cable', { terminatedMinor: 160_000_00 }), // k-1's booked hv-cable value at termination
  row('2017-Q4', 'switchgear', { terminatedMinor: 12_000_00 }),
  row('2017-Q4', 'transformers', { terminatedMinor: 90_000_00 }),
];

describe('revenue by product line: a hand-computed example', () => {
  const records = recordedEvents(handHistory);
  const state = onePass(records);

  it('books signatures, amendment differences and terminations in their local quarters', () => {
    expect(queryRevenueByProductLine(state)).toEqual(handRows);
    expect(queryRevenueByProductLine(state, { quarter: '2017-Q3' })).toEqual(handRows.slice(3, 5));
    expect(queryRevenueByProductLine(state, { quarter: '2018-Q1' })).toEqual([]);
    // Σ revenue = 10,000.00 (k-2) + 262,000.00 (k-1 as amended: 160,000.00 + 90,000.00 + 12,000.00); k-3 never signed.
    expect(totals(queryRevenueByProductLine(state)).revenueMinor).toBe(272_000_00);
  });

  it('keeps plain JSON and forgets closed contracts', () => {
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(state.contracts).toEqual({}); // k-1 and k-3 terminated, k-2 fulfilled
    expect(state.streams).toEqual({ 'contract-k-1': 7, 'contract-k-2': 2, 'contract-k-3': 1 });
  });

  it('counts a re-delivered event once', () => {
    // k-1's draft, revision and signature come again right after the signature
    // (a consumer re-reading a batch), and its signature once more at the end:
    // applied again, the draft would reset the contract and the signature book it twice.
    const [draft, revision, signing] = [records[1]!, records[2]!, records[6]!];
    expect([draft, revision, signing].map((r) => r.event.type)).toEqual(['ContractDrafted', 'ContractTermsRevised', 'ContractSigned']);
    const again = [...records.slice(0, 7), draft, revision, signing, ...records.slice(7), signing];
    expect(queryRevenueByProductLine(onePass(again))).toEqual(handRows);
  });

  it('buckets by the policy’s time zone', () => {
    const utc = createRevenueByProductLineProjection({ policy: definePolicy({ timeZone: 'UTC' }) });
    const rows = queryRevenueByProductLine(applyEvents(utc, utc.initialState(), records), { quarter: '2017-Q1' });
    // In UTC both signatures (15:59 and 17:00 on March 31) fall in Q1: 10,000.00 + 190,000.00 of hv-cable.
    expect(rows).toEqual([
      row('2017-Q1', 'hv-cable', { contractsSigned: 2, signedMinor: 200_000_00 }),
      row('2017-Q1', 'transformers', { contractsSigned: 1, signedMinor: 90_000_00 }),
    ]);
  });

  it('as of an instant, counts only the events recorded by then', async () => {
    const store = createInMemoryEventStore();
    for (const { event } of records) {
      const { eventId, type, schemaVersion, occurredAt, recordedAt, data, metadata } = event;
      await store.append(event.streamId, [{ eventId, type, schemaVersion, occurredAt, recordedAt, data, metadata }]);
    }
    // Recorded by June 30: both signatures, not yet the amendment or the termination.
    const june = await buildRevenueByProductLine(store, { asOf: '2017-06-30T00:00:00.000Z' });
    expect(queryRevenueByProductLine(june)).toEqual(handRows.slice(0, 3));
    expect(queryRevenueByProductLine(await buildRevenueByProductLine(store))).toEqual(handRows);
  });

  it('refuses a bad query, naming each bad field', () => {
    const refusal = (query: unknown) => {
      try {
        queryRevenueByProductLine(state, query as never);
      } catch (error) {
        if (error instanceof ValidationError) return error.issues.map((i) => i.path);
        throw error;
      }
      return 'accepted';
    };
    expect(refusal({ quarter: '2017-03' })).toEqual(['quarter']); // a month, not a quarter
    expect(refusal({ quarter: '2017-Q5' })).toEqual(['quarter']);
    expect(refusal({ quarter: 2017 })).toEqual(['quarter']);
    expect(refusal({ quarter: 'Q1', year: 2017 })).toEqual(['year', 'quarter']);
    expect(refusal(null)).toEqual(['']);
    expect(refusal({})).toBe('accepted');
  });
});

// ─── Random contract lifecycles: amendments and terminations, often ─────────

// Generated company histories amend and terminate signed contracts rarely, so
// these lifecycles are written from random parts: draft, revisions, maybe a
// signature, then amendments, and an end.
// Product lines are free text: names every plain object inherits are product lines too.
const linesArb = fc.array(
  fc.record({ productLine: fc.constantFrom('hv-cable', 'transformers', 'switchgear', 'constructor', '__proto__'), quantity: fc.integer({ min: 1, max: 50 }), unitPriceMinor: fc.integer({ min: 0, max: 100_000 }) }),
  { minLength: 1, maxLength: 3 },
);
const lifecycleArb = fc.record({
  drafted: linesArb,
  revisions: fc.array(linesArb, { maxLength: 2 }),
  sign: fc.boolean(),
  amendments: fc.array(linesArb, { maxLength: 3 }),
  end: fc.constantFrom('open', 'terminated', 'fulfilled'),
  startDay: fc.integer({ min: 0, max: 400 }),
  gapsHours: fc.array(fc.integer({ min: 0, max: 24 * 60 }), { minLength: 8, maxLength: 8 }),
});
type Lifecycle = typeof lifecycleArb extends fc.Arbitrary<infer L> ? L : never;

/** The lifecycle's events (with strictly business-time order inside the contract) and its expected revenue per quarter. */
function lifecycleEvents(n: number, c: Lifecycle, timeZone: string) {
  const streamId = `contract-k-${n}`;
  let at = Date.UTC(2017, 0, 1) + c.startDay * 86_400_000;
  let step = 0;
  const next = () => new Date((at += (c.gapsHours[step++ % c.gapsHours.length]! + 1) * 60_000)).toISOString();
  const events: EventSketch[] = [{ streamId, type: 'ContractDrafted', occurredAt: next(), data: drafted(`k-${n}`, c.drafted) }];
  const revenueByQuarter: Record<string, number> = {};
  const book = (occurredAt: string, amount: number) => {
    const quarter = periodKeyAt(occurredAt, 'quarter', timeZone);
    revenueByQuarter[quarter] = (revenueByQuarter[quarter] ?? 0) + amount;
  };
  let total = terms(c.drafted).totalMinor;
  for (const lines of c.revisions) {
    events.push({ streamId, type: 'ContractTermsRevised', occurredAt: next(), data: terms(lines) });
    total = terms(lines).totalMinor;
  }
  let terminatedMinor = 0;
  if (c.sign) {
    const signedAt = next();
    events.push({ streamId, type: 'ContractSigned', occurredAt: signedAt, data: signed });
    book(signedAt, total);
    for (const lines of c.amendments) {
      const amendedAt = next();
      events.push({ streamId, type: 'ContractAmendmentApproved', occurredAt: amendedAt, data: { approvedBy: 'm-1', termsHash: HASH } });
      events.push({ streamId, type: 'ContractTermsRevised', occurredAt: amendedAt, data: terms(lines) });
      book(amendedAt, terms(lines).totalMinor - total);
      total = terms(lines).totalMinor;
    }
    if (c.end === 'fulfilled') events.push({ streamId, type: 'ContractFulfilled', occurredAt: next(), data: {} });
    if (c.end === 'terminated') terminatedMinor = total;
  }
  if (c.end === 'terminated') events.push({ streamId, type: 'ContractTerminated', occurredAt: next(), data: { reason: 'ended' } });
  return { events, revenueByQuarter, terminatedMinor };
}

describe('revenue by product line: random contract lifecycles', () => {
  it('revenue per quarter = signed totals + amendment differences, booked where they occurred; terminations reported once', () => {
    fc.assert(
      fc.property(fc.array(lifecycleArb, { minLength: 1, maxLength: 8 }), fc.constantFrom('Asia/Shanghai', 'UTC', 'America/New_York'), (lifecycles, timeZone) => {
        const parts = lifecycles.map((c, n) => lifecycleEvents(n, c, timeZone));
        // Interleave the contracts by business time; a stable sort keeps each stream in order.
        const sketches = parts.flatMap((p) => p.events).sort((a, b) => (a.occurredAt! < b.occurredAt! ? -1 : a.occurredAt! > b.occurredAt! ? 1 : 0));
        const p = createRevenueByProductLineProjection({ policy: definePolicy({ timeZone }) });
        const rows = queryRevenueByProductLine(applyEvents(p, p.initialState(), recordedEvents(sketches)));

        const expected: Record<string, number> = {};
        for (const part of parts) for (const [q, v] of Object.entries(part.revenueByQuarter)) expected[q] = (expected[q] ?? 0) + v;
        const got: Record<string, number> = {};
        for (const r of rows) got[r.quarter] = (got[r.quarter] ?? 0) + r.revenueMinor;
        // A quarter whose differences cancel out may be missing on either side: compare the non-zero ones.
        const nonZero = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== 0));
        expect(nonZero(got)).toEqual(nonZero(expected));
        expect(totals(rows).terminatedMinor).toBe(parts.reduce((sum, part) => sum + part.terminatedMinor, 0));
      }),
      { numRuns: 100 },
    );
  });
});

// ─── Properties on generated company histories ──────────────────────────────

// 2–5 reps over 2–3 months: enough time for contracts to be signed.
const histories = historyArbitrary({ maxReps: 5, minMonths: 2 });
const RUNS = 8;

describe('revenue by product line: properties of generated histories', () => {
  it('Σ over product lines and quarters = Σ of the signed contracts’ totals, computed from the raw events', async () => {
    let withRevenue = 0;
    await fc.assert(
      fc.asyncProperty(histories, async (options) => {
        const { store } = await generateHistory(options);
        const expected = expectedFromEvents(await allRecords(store), 'Asia/Shanghai');
        const rows = queryRevenueByProductLine(await buildRevenueByProductLine(store));
        const got = totals(rows);
        expect(got.revenueMinor).toBe(expected.revenueMinor);
        expect(got.terminatedMinor).toBe(expected.terminatedMinor);
        expect(got.contractsSigned).toBe(expected.contractsSigned);
        // The signatures land in the right quarters.
        const signedByQuarter: Record<string, number> = {};
        for (const r of rows) if (r.signedMinor !== 0 || r.contractsSigned !== 0) signedByQuarter[r.quarter] = (signedByQuarter[r.quarter] ?? 0) + r.signedMinor;
        expect(signedByQuarter).toEqual(expected.signedByQuarter);
        if (expected.revenueMinor > 0) withRevenue++;
      }),
      { numRuns: RUNS },
    );
    expect(withRevenue).toBeGreaterThan(0);
  });

  it('any batching with restarts from checkpoints = one pass = one event at a time', async () => {
    await fc.assert(
      fc.asyncProperty(histories, fc.integer({ min: 1, max: 200 }), fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 8 }), async (options, batchSize, runs) => {
        const { store } = await generateHistory(options);
        const records = await allRecords(store);
        const expected = onePass(records);
        const checkpoints = createInMemoryCheckpointStore<RevenueByProductLineState>();
        let batched: RevenueByProductLineState;
        for (let i = 0; ; i++) {
          // A new runner each time: a process restarting from the saved checkpoint.
          const runner = createProjectionRunner({ store, projection, checkpoints, batchSize });
          const result = await runner.catchUp({ maxBatches: runs[i % runs.length]! });
          if (result.processed === 0) {
            batched = result.state;
            break;
          }
        }
        expect(batched).toEqual(expected);
        expect(oneAtATime(records)).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('a re-delivered event counts once', async () => {
    await fc.assert(
      fc.asyncProperty(histories, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 50 })), { minLength: 1, maxLength: 40 }), async (options, repeats) => {
        const { store } = await generateHistory(options);
        const records = await allRecords(store);
        // Re-deliver events the projection handles, each some events after its first delivery.
        const handled = records.filter((r) => projection.eventTypes.includes(r.event.type));
        fc.pre(handled.length > 0);
        const delivered = [...records];
        for (const [which, later] of repeats) {
          const record = handled[which % handled.length]!;
          delivered.splice(Math.min(delivered.indexOf(record) + 1 + later, delivered.length), 0, record);
        }
        expect(onePass(delivered)).toEqual(onePass(records));
      }),
      { numRuns: RUNS },
    );
  });

  it('as of T = a fresh build over the events recorded by T', async () => {
    await fc.assert(
      fc.asyncProperty(histories, fc.nat(), async (options, pick) => {
        const { store } = await generateHistory(options);
        const records = await allRecords(store);
        const asOf = records[pick % records.length]!.event.recordedAt;
        const filtered = createInMemoryEventStore();
        for (const { event } of records) {
          if (event.recordedAt > asOf) continue;
          const { eventId, type, schemaVersion, occurredAt, recordedAt, data, metadata } = event;
          await filtered.append(event.streamId, [{ eventId, type, schemaVersion, occurredAt, recordedAt, data, metadata }]);
        }
        expect(await buildRevenueByProductLine(store, { asOf })).toEqual(await buildRevenueByProductLine(filtered));
      }),
      { numRuns: RUNS },
    );
  });
});
