import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRecentMap } from './recent-map.js';

type Op = { readonly get: boolean; readonly key: number; readonly value: number };
const opsArb = fc.array(fc.record({ get: fc.boolean(), key: fc.nat(12), value: fc.nat() }), { maxLength: 200 });

describe('recent map (property)', () => {
  it('holds at most its limit, answers only what was set last for a key, and keeps what was used since the last limit / 2 new keys', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), opsArb, (limit, ops: Op[]) => {
        const map = createRecentMap<number, number>(limit);
        const latest = new Map<number, number>();
        const uses: number[] = []; // keys in order of use (get hits and sets)
        for (const op of ops) {
          if (op.get) {
            const got = map.get(op.key);
            if (got !== undefined) {
              expect(got).toBe(latest.get(op.key));
              uses.push(op.key);
            } else {
              // A miss is allowed only for a key never set, or one not used since limit / 2 distinct keys were put in after it.
              const lastUse = uses.lastIndexOf(op.key);
              if (lastUse !== -1) {
                const since = new Set(uses.slice(lastUse + 1).filter((k) => k !== op.key));
                expect(since.size).toBeGreaterThanOrEqual(Math.max(1, Math.floor(limit / 2)));
              }
            }
          } else {
            map.set(op.key, op.value);
            latest.set(op.key, op.value);
            uses.push(op.key);
          }
          expect(map.size).toBeLessThanOrEqual(Math.max(limit, 1));
        }
      }),
      { numRuns: 500 },
    );
  });
  it('refuses a limit below 1', () => {
    expect(() => createRecentMap(0)).toThrow(RangeError);
  });
});
