import { AssertionError } from 'node:assert';
import { DomainError, defineProjection, type Decider, type EventEnvelope } from '@dealbook/eventsourcing';
import { describe, expect, it } from 'vitest';
import { deciderSpec } from './decider-spec.js';
import { projectionSpec } from './projection-spec.js';
import { recordedEvents } from './envelopes.js';

type Cmd = { type: 'Add'; n: number } | { type: 'Reset' };
type Ev = { type: 'Added'; data: { n: number } } | { type: 'WasReset'; data: Record<string, never> };
const counter: Decider<Cmd, Ev, number> = {
  initialState: 0,
  decide(c, total) {
    if (c.type === 'Reset') return total === 0 ? [] : [{ type: 'WasReset', data: {} }];
    if (total + c.n > 10) throw new DomainError('R-MAX', `Total would exceed 10 (is ${total}).`);
    return [{ type: 'Added', data: { n: c.n } }];
  },
  evolve: (total, e) => (e.type === 'Added' ? total + e.data.n : 0),
};
const spec = deciderSpec(counter);

describe('deciderSpec', () => {
  it('passes when decide returns exactly the expected events', () => {
    spec.given([{ type: 'Added', data: { n: 4 } }]).when({ type: 'Add', n: 3 }).then([{ type: 'Added', data: { n: 3 } }]);
    spec.given([]).when({ type: 'Reset' }).then([]);
    spec.given([{ type: 'Added', data: { n: 2 } }, { type: 'Added', data: { n: 5 } }]).expectState(7);
  });

  it('passes when decide throws the expected rule code', () => {
    spec.given([{ type: 'Added', data: { n: 9 } }]).when({ type: 'Add', n: 2 }).then('R-MAX');
    spec.given([{ type: 'Added', data: { n: 9 } }]).when({ type: 'Add', n: 2 }).thenError('R-MAX', /exceed 10/);
  });

  it('fails with an AssertionError on other events, another code, or no error', () => {
    expect(() => spec.given([]).when({ type: 'Add', n: 3 }).then([{ type: 'Added', data: { n: 4 } }])).toThrow(AssertionError);
    expect(() => spec.given([]).when({ type: 'Add', n: 3 }).then('R-MAX')).toThrow(/expected the command to be rejected with R-MAX/);
    expect(() => spec.given([{ type: 'Added', data: { n: 9 } }]).when({ type: 'Add', n: 2 }).then('R-OTHER')).toThrow(/expected rule R-OTHER, got R-MAX/);
    expect(() => spec.given([{ type: 'Added', data: { n: 9 } }]).when({ type: 'Add', n: 2 }).then([])).toThrow(DomainError);
    expect(() => spec.given([{ type: 'Added', data: { n: 1 } }]).expectState(2)).toThrow(AssertionError);
  });
});

type Added = EventEnvelope<'Added', { n: number }>;
const totals = defineProjection<{ byStream: Record<string, number> }, Added>({
  name: 'totals',
  version: 1,
  initialState: () => ({ byStream: {} }),
  handlers: { Added: (s, e) => ({ byStream: { ...s.byStream, [e.streamId]: (s.byStream[e.streamId] ?? 0) + e.data.n } }) },
});

describe('projectionSpec', () => {
  it('builds from sketches and compares the state', () => {
    projectionSpec(totals)
      .given([
        { type: 'Added', data: { n: 2 }, streamId: 'a-1' },
        { type: 'Added', data: { n: 3 }, streamId: 'b-1' },
        { type: 'Other', data: {} },
        { type: 'Added', data: { n: 5 }, streamId: 'a-1' },
      ])
      .expectState({ byStream: { 'a-1': 7, 'b-1': 3 } });
    expect(() => projectionSpec(totals).given([{ type: 'Added', data: { n: 1 } }]).expectState({ byStream: {} })).toThrow(AssertionError);
  });

  it('honours asOf on recordedAt', () => {
    const given = projectionSpec(totals, { asOf: '2026-01-01T00:01:00.000Z' }).given([
      { type: 'Added', data: { n: 1 } },
      { type: 'Added', data: { n: 2 } },
      { type: 'Added', data: { n: 4 } },
    ]);
    expect(given.state).toEqual({ byStream: { 'test-1': 3 } });
  });

  it('sketches become real chained envelopes', () => {
    const records = recordedEvents([{ type: 'A', data: {} }, { type: 'B', data: {}, streamId: 'x-1' }, { type: 'C', data: {} }]);
    expect(records.map((r) => [r.position, r.event.streamId, r.event.streamVersion])).toEqual([
      [1, 'test-1', 0],
      [2, 'x-1', 0],
      [3, 'test-1', 1],
    ]);
    expect(records[2]!.event.prevHash).toBe(records[0]!.event.hash);
  });
});
