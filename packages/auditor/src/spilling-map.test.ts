import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { openScratch, type Scratch } from './scratch.js';
import { createSpillingMap } from './spilling-map.js';

let scratch: Scratch | undefined;
afterEach(() => scratch?.close());

describe('createSpillingMap', () => {
  it('answers as a Map would, whatever it keeps in the heap (property: random sets and gets, capacity 1–4)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 9 }), fc.jsonValue()), { maxLength: 120 }),
        (capacity, steps) => {
          scratch?.close();
          scratch = openScratch();
          const map = createSpillingMap<unknown>(scratch.table('t'), capacity);
          const model = new Map<string, unknown>();
          for (const [isSet, k, value] of steps) {
            const key = `stream-${k}`;
            // Values come back through JSON: compare with what JSON keeps (-0 → 0).
            const stored = JSON.parse(JSON.stringify(value)) as unknown;
            if (isSet) {
              map.set(key, stored);
              model.set(key, stored);
            } else {
              expect(map.get(key)).toEqual(model.get(key));
            }
          }
          for (const [key, value] of model) expect(map.get(key)).toEqual(value);
          expect(map.keys().sort()).toEqual([...model.keys()].sort());
        },
      ),
      { numRuns: 150 },
    );
  });

  it('mutable: values changed in place after a lookup are kept, and deleted keys are gone (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.tuple(fc.constantFrom('set', 'bump', 'delete', 'get'), fc.integer({ min: 0, max: 9 })), { maxLength: 120 }),
        (capacity, steps) => {
          scratch?.close();
          scratch = openScratch();
          const map = createSpillingMap<{ n: number }>(scratch.table('t'), capacity, { mutable: true });
          const model = new Map<string, number>();
          for (const [op, k] of steps) {
            const key = `k${k}`;
            if (op === 'set') {
              map.set(key, { n: 0 });
              model.set(key, 0);
            } else if (op === 'bump') {
              const value = map.get(key);
              expect(value?.n).toBe(model.get(key));
              if (value !== undefined) {
                value.n++; // in place, as read models do
                model.set(key, value.n);
              }
            } else if (op === 'delete') {
              map.delete(key);
              model.delete(key);
            } else expect(map.get(key)?.n).toBe(model.get(key));
          }
          expect(new Set(map.keys())).toEqual(new Set(model.keys()));
          expect(map.keys()).toHaveLength(model.size);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('tables of one scratch file are apart, and event ids are remembered', () => {
    scratch = openScratch();
    const a = createSpillingMap<number>(scratch.table('a'), 1);
    const b = createSpillingMap<number>(scratch.table('b'), 1);
    a.set('k', 1);
    b.set('k', 2);
    a.set('other', 3); // pushes a's "k" out to the file
    b.set('other', 4);
    expect([a.get('k'), b.get('k'), a.get('missing')]).toEqual([1, 2, undefined]);
    expect([scratch.addIdIfNew('e1'), scratch.addIdIfNew('e2'), scratch.addIdIfNew('e1')]).toEqual([true, true, false]);
  });

  it('refuses a capacity below 1', () => {
    scratch = openScratch();
    expect(() => createSpillingMap(scratch!.table('t'), 0)).toThrow(/capacity/);
  });
});
