import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { openScratch, type Scratch } from './scratch.js';

let scratch: Scratch | undefined;
afterEach(() => scratch?.close());

describe('openScratch', () => {
  it('member tables hold sets of members by key, as Sets in a Map do (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.constantFrom('r-1', 'r-2', 'r-3'), fc.constantFrom('c-1', 'c-2', 'c-3', 'c-4')), { maxLength: 60 }), (steps) => {
        scratch?.close();
        scratch = openScratch();
        const table = scratch.members('customersByRep');
        const other = scratch.members('other');
        const model = new Map<string, Set<string>>();
        for (const [add, key, member] of steps) {
          if (add) {
            table.add(key, member);
            model.set(key, (model.get(key) ?? new Set()).add(member));
          } else {
            table.delete(key, member);
            model.get(key)?.delete(member);
          }
          other.add(key, 'elsewhere');
        }
        for (const key of ['r-1', 'r-2', 'r-3']) expect([...table.members(key)].sort()).toEqual([...(model.get(key) ?? [])].sort());
      }),
      { numRuns: 100 },
    );
  });

  it('lists the keys of a table, and nothing can be read once it is closed', () => {
    scratch = openScratch();
    const table = scratch.table('t');
    table.set('b', 1);
    table.set('a', 2);
    scratch.table('u').set('c', 3);
    table.delete('b');
    expect(table.keys()).toEqual(['a']);
    scratch.close();
    expect(() => table.keys()).toThrow(/closed/);
    expect(() => scratch!.members('m').members('k')).toThrow(/closed/);
  });
});
