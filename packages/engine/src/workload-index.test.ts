import fc from 'fast-check';
import { recordedEvents } from '@dealbook/testing';
import { describe, expect, it } from 'vitest';
import { applyToWorkloadIndex, createWorkloadIndex, memberSets, workloadOf, type IndexedOpportunity, type KeyedTable } from './workload-index.js';

const reps = ['r-1', 'r-2', 'r-3'];
const step = fc.oneof(
  fc.record({ kind: fc.constant('assignCustomer' as const), customer: fc.constantFrom('c-1', 'c-2', 'c-3'), rep: fc.constantFrom(...reps) }),
  fc.record({ kind: fc.constantFrom('capture' as const, 'disqualify' as const, 'won' as const, 'lost' as const, 'reopen' as const), opp: fc.constantFrom('o-1', 'o-2', 'o-3') }),
  fc.record({ kind: fc.constantFrom('assignLead' as const, 'open' as const), opp: fc.constantFrom('o-1', 'o-2', 'o-3'), rep: fc.constantFrom(...reps) }),
);
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

const eventOf = (s: Step) => {
  switch (s.kind) {
    case 'assignCustomer':
      return { type: 'CustomerAssigned', streamId: `customer-${s.customer}`, data: { repId: s.rep, reason: 'reassignment' } };
    case 'capture':
      return { type: 'LeadCaptured', streamId: `opportunity-${s.opp}`, data: {} };
    case 'disqualify':
      return { type: 'LeadDisqualified', streamId: `opportunity-${s.opp}`, data: { reason: 'x' } };
    case 'won':
      return { type: 'OpportunityWon', streamId: `opportunity-${s.opp}`, data: {} };
    case 'lost':
      return { type: 'OpportunityLost', streamId: `opportunity-${s.opp}`, data: { reason: 'x' } };
    case 'reopen':
      return { type: 'OpportunityReopened', streamId: `opportunity-${s.opp}`, data: { reason: 'x' } };
    case 'assignLead':
      return { type: 'LeadAssigned', streamId: `opportunity-${s.opp}`, data: { repId: s.rep } };
    case 'open':
      return { type: 'OpportunityOpened', streamId: `opportunity-${s.opp}`, data: { repId: s.rep } };
  }
};

/** Brute force: replay everything and ask who holds what at the end. */
function model(steps: readonly Step[], rep: string) {
  const owner = new Map<string, string>();
  const opp = new Map<string, { phase: 'lead' | 'open' | 'closed'; owner?: string }>();
  for (const s of steps) {
    if (s.kind === 'assignCustomer') owner.set(s.customer, s.rep);
    else if (s.kind === 'capture') opp.set(s.opp, { phase: 'lead' });
    else {
      const o = opp.get(s.opp);
      if (s.kind === 'assignLead') opp.set(s.opp, { phase: o?.phase ?? 'lead', owner: s.rep });
      else if (s.kind === 'open') opp.set(s.opp, { phase: 'open', owner: s.rep });
      else if (s.kind === 'reopen') opp.set(s.opp, { ...o, phase: 'open' });
      else opp.set(s.opp, { ...o, phase: 'closed' });
    }
  }
  const ids = (phase: string) => [...opp].filter(([, o]) => o.phase === phase && o.owner === rep).map(([id]) => id).sort();
  return { customers: [...owner].filter(([, r]) => r === rep).map(([c]) => c).sort(), leads: ids('lead'), openOpportunities: ids('open') };
}

describe('workload index', () => {
  it('matches a brute-force replay for any history, folded in any batches', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.integer({ min: 1, max: 7 }), (steps, batch) => {
        const records = recordedEvents(steps.map(eventOf));
        const index = createWorkloadIndex();
        for (let i = 0; i < records.length; i += batch) applyToWorkloadIndex(index, records.slice(i, i + batch));
        for (const rep of reps) expect(workloadOf(index, rep)).toEqual(model(steps, rep));
      }),
      { numRuns: 400 },
    );
  });

  it('keeps what grows with customers and opportunities where it is told (tables that hold only JSON text, as outside the heap)', () => {
    /** A table that keeps values as JSON text: values changed in place after a lookup would be lost. */
    const textTable = <V>(): KeyedTable<V> & { readonly size: number } => {
      const rows = new Map<string, string>();
      return {
        get: (key) => (rows.has(key) ? (JSON.parse(rows.get(key)!) as V) : undefined),
        set: (key, value) => rows.set(key, JSON.stringify(value)),
        get size() {
          return rows.size;
        },
      };
    };
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const storage = { customerOwner: textTable<string>(), opportunity: textTable<IndexedOpportunity>(), customersByRep: memberSets(), customerNumbers: {} };
        const index = createWorkloadIndex(storage);
        applyToWorkloadIndex(index, recordedEvents(steps.map(eventOf)));
        for (const rep of reps) expect(workloadOf(index, rep)).toEqual(model(steps, rep));
        expect(storage.customerOwner.size).toBe(new Set(steps.flatMap((s) => (s.kind === 'assignCustomer' ? [s.customer] : []))).size);
        expect(index.customersByRep).toBe(storage.customersByRep);
      }),
      { numRuns: 200 },
    );
  });
});
