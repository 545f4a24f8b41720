import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instantMs } from './instant-ms.js';

const same = (s: string): void => {
  expect(Object.is(instantMs(s), Date.parse(s)), s).toBe(true);
};

describe('instantMs', () => {
  it('is Date.parse on every instant toISOString writes (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
        const iso = new Date(ms).toISOString();
        expect(instantMs(iso)).toBe(ms);
        same(iso);
      }),
      { numRuns: 2000 },
    );
  });

  it('is Date.parse on strings that look almost like instants (property)', () => {
    const chars = fc.constantFrom(...'0123456789-:.TZ+ x');
    const mutated = fc.tuple(fc.integer({ min: 0, max: 253_402_300_799_999 }), fc.array(fc.tuple(fc.nat(23), chars), { maxLength: 3 })).map(([ms, edits]) => {
      const s = new Date(ms).toISOString().split('');
      for (const [i, c] of edits) s[i] = c;
      return s.join('');
    });
    fc.assert(fc.property(mutated, same), { numRuns: 3000 });
  });

  it('is Date.parse on out-of-range fields, other forms and early years', () => {
    for (const s of [
      '2026-02-29T00:00:00.000Z',
      '2024-02-29T00:00:00.000Z',
      '2100-02-29T12:00:00.000Z',
      '2000-02-29T12:00:00.000Z',
      '2026-04-31T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-00-10T00:00:00.000Z',
      '2026-01-00T00:00:00.000Z',
      '2026-01-01T24:00:00.000Z',
      '2026-01-01T23:60:00.000Z',
      '2026-01-01T23:59:60.000Z',
      '0050-01-01T00:00:00.000Z',
      '1969-12-31T23:59:59.999Z',
      '2026-01-01T00:00:00Z',
      '2026-01-01',
      '2026-01-01T00:00:00.000+01:00',
      '+002026-01-01T00:00:00.000Z',
      '',
      'not a date at all, 24 ch',
    ])
      same(s);
  });
});
