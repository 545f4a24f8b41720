import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeRegex, includingHead, isHiddenStream, planFilter } from './filters.js';

const envelope = (streamId: string, type: string) => ({ streamId, type }) as Parameters<NonNullable<ReturnType<typeof planFilter>['matches']>>[0];

describe('planFilter: what EventStoreDB filters and what the adapter checks', () => {
  it('sends no server filter without a filter', () => {
    expect(planFilter(undefined)).toEqual({ server: undefined, matches: undefined, matchesNothing: false });
    expect(planFilter({}).server).toBeUndefined();
  });

  it('filters categories on stream names: the category before the first dash, dashless ids included', () => {
    const plan = planFilter({ streamCategories: ['customer', 'order'] });
    expect(plan.server).toEqual({ filterOn: 'streamName', regex: '^(?:customer|order)(?:-|$)' });
    const re = new RegExp(plan.server!.regex);
    expect(['customer-42', 'customer', 'order-1-2', 'order'].every((s) => re.test(s))).toBe(true);
    expect(['customers-1', 'xcustomer-1', 'invoice-1', '$ce-customer'].some((s) => re.test(s))).toBe(false);
  });

  it('filters event types by exact name', () => {
    const plan = planFilter({ eventTypes: ['Placed', 'order.Billed'] });
    expect(plan.server).toEqual({ filterOn: 'eventType', regex: '^(?:Placed|order\\.Billed)$' });
    const re = new RegExp(plan.server!.regex);
    expect(re.test('Placed')).toBe(true);
    expect(re.test('order.Billed')).toBe(true);
    expect(re.test('orderxBilled')).toBe(false);
    expect(re.test('PlacedAgain')).toBe(false);
  });

  it('with both kinds filters categories on the server and still checks event types in the adapter', () => {
    const plan = planFilter({ streamCategories: ['order'], eventTypes: ['Placed'] });
    expect(plan.server?.filterOn).toBe('streamName');
    expect(plan.matches!(envelope('order-1', 'Placed'))).toBe(true);
    expect(plan.matches!(envelope('order-1', 'Shipped'))).toBe(false);
    expect(plan.matches!(envelope('invoice-1', 'Placed'))).toBe(false);
  });

  it('ignores categories that contain a dash (no stream has such a category)', () => {
    expect(planFilter({ streamCategories: ['a-b'] }).matchesNothing).toBe(true);
    const plan = planFilter({ streamCategories: ['a-b', 'order'] });
    expect(new RegExp(plan.server!.regex).test('a-b')).toBe(false);
    expect(plan.matches!(envelope('a-b', 'X'))).toBe(false);
  });

  it('an empty list matches nothing', () => {
    expect(planFilter({ eventTypes: [] }).matchesNothing).toBe(true);
    expect(planFilter({ streamCategories: [], eventTypes: ['A'] }).matchesNothing).toBe(true);
  });

  it('agrees with the kernel filter on every stream and type (property)', () => {
    const word = fc.stringMatching(/^[a-z.$*+?()[\]{}|^\\-]{1,6}$/);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 3 }), fc.array(word, { minLength: 1, maxLength: 3 }), word, word, (categories, types, stream, type) => {
        const byCategory = planFilter({ streamCategories: categories });
        const byType = planFilter({ eventTypes: types });
        const streamId = stream;
        const serverSays = byCategory.matchesNothing ? false : new RegExp(byCategory.server!.regex).test(streamId);
        expect(serverSays).toBe(byCategory.matches!(envelope(streamId, type)));
        expect(new RegExp(byType.server!.regex).test(type)).toBe(byType.matches!(envelope(streamId, type)));
      }),
      { numRuns: 500 },
    );
  });

  it('widens a server filter to the head event, by stream name or type', () => {
    const streams = includingHead({ filterOn: 'streamName', regex: '^(?:order)(?:-|$)' }, { streamId: '$stats-1.2', type: '$statsCollected' });
    expect(new RegExp(streams.regex).test('$stats-1.2')).toBe(true);
    expect(new RegExp(streams.regex).test('order-1')).toBe(true);
    expect(new RegExp(streams.regex).test('$stats-1x2')).toBe(false);
    const types = includingHead({ filterOn: 'eventType', regex: '^(?:A)$' }, { streamId: 'x', type: 'B' });
    expect(types.regex).toBe('^(?:A)$|^B$');
  });

  it('escapes regex syntax and white space', () => {
    expect(new RegExp(`^${escapeRegex('a.b*c (d)')}$`).test('a.b*c (d)')).toBe(true);
    expect(new RegExp(`^${escapeRegex('a.b')}$`).test('axb')).toBe(false);
  });

  it('hides system and checkpoint streams', () => {
    expect(isHiddenStream('$ce-order', 'dealbook-checkpoint-')).toBe(true);
    expect(isHiddenStream('dealbook-checkpoint-kpi', 'dealbook-checkpoint-')).toBe(true);
    expect(isHiddenStream('order-1', 'dealbook-checkpoint-')).toBe(false);
  });
});
