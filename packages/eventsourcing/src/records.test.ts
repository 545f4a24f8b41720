import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entryOf, entryOrNew, setEntry } from './records.js';

// Keys a plain object inherits, and ordinary ones.
const inherited = Object.getOwnPropertyNames(Object.prototype);
const keyArb = fc.oneof(fc.constantFrom(...inherited), fc.string({ maxLength: 6 }));
const valueArb = fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }), fc.array(fc.integer(), { maxLength: 3 }));

describe('records keyed by text from events', () => {
  it('entryOf finds exactly the own entries, whatever the key (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(keyArb, valueArb), { maxLength: 8 }), fc.array(keyArb, { maxLength: 8 }), (entries, probes) => {
        const record: Record<string, unknown> = {};
        const model = new Map<string, unknown>();
        for (const [k, v] of entries) {
          setEntry(record, k, v);
          model.set(k, v);
        }
        for (const k of [...probes, ...entries.map(([key]) => key)]) expect(entryOf(record, k)).toBe(model.get(k));
        expect(Object.keys(record).sort()).toEqual([...model.keys()].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('an inherited member is not an entry; an own one of that name is', () => {
    const record: Record<string, number> = {};
    for (const k of inherited) expect(entryOf(record, k)).toBeUndefined();
    for (const k of inherited) setEntry(record, k, 7);
    for (const k of inherited) expect(entryOf(record, k)).toBe(7);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
  });

  it('entryOrNew makes a missing entry once', () => {
    const record: Record<string, number[]> = {};
    const made = entryOrNew(record, 'constructor', () => [1]);
    expect(entryOrNew(record, 'constructor', () => [2])).toBe(made);
    expect(record).toEqual({ constructor: [1] });
  });
});
