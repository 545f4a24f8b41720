import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEventIdSet } from './event-id-set.js';

describe('createEventIdSet', () => {
  it('answers as a Set<string> would, for UUIDs, near-UUIDs and any other strings (property)', () => {
    const uuid = fc.uuid();
    const id = fc.oneof(
      uuid,
      uuid.map((u) => u.toUpperCase()), // not canonical: kept as a string, distinct from the lowercase one
      uuid.map((u) => u.replaceAll('-', '')),
      uuid.map((u) => `${u.slice(0, 35)}g`),
      fc.constant('00000000-0000-0000-0000-000000000000'),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(fc.array(id, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(), { maxLength: 80 }), (pool, picks) => {
        const set = createEventIdSet();
        const model = new Set<string>();
        // Every id once, then re-adds drawn from the pool: duplicates must be found.
        for (const next of [...pool, ...picks.map((p) => pool[p % pool.length]!)]) {
          expect(set.addIfNew(next)).toBe(!model.has(next));
          model.add(next);
          expect(set.size).toBe(model.size);
        }
      }),
    );
  });

  it('keeps every id through many growths, and tells ids apart that differ in one hex digit', () => {
    const set = createEventIdSet();
    const ids: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      const hex = i.toString(16).padStart(12, '0');
      ids.push(`0192f3a0-0000-7000-8000-${hex}`, `${hex.slice(4)}-0000-7000-8000-000000000000`);
    }
    for (const id of ids) expect(set.addIfNew(id)).toBe(true);
    expect(set.size).toBe(100_000);
    for (const id of ids) expect(set.addIfNew(id)).toBe(false);
    expect(set.size).toBe(100_000);
  });
});
