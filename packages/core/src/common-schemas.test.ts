import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idSchema, isId } from './common-schemas.js';

describe('isId', () => {
  it('accepts exactly what idSchema accepts', () => {
    const whiteSpace = fc.constantFrom(' ', '\t', '\n', '\u00a0', '\u2028', '\u3000', '\ufeff');
    const idLike = fc.oneof(
      fc.string({ minLength: 0, maxLength: 210 }),
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.tuple(fc.string({ maxLength: 10 }), whiteSpace, fc.string({ maxLength: 10 })).map(([a, w, b]) => a + w + b),
      fc.integer({ min: 199, max: 201 }).map((n) => 'x'.repeat(n)),
    );
    fc.assert(
      fc.property(fc.oneof(idLike, fc.anything()), (value) => {
        expect(isId(value)).toBe(idSchema.safeParse(value).success);
      }),
      { numRuns: 2000 },
    );
  });

  it('examples', () => {
    expect(isId('rep-7')).toBe(true);
    expect(isId('x'.repeat(200))).toBe(true);
    expect(isId('x'.repeat(201))).toBe(false);
    expect(isId('')).toBe(false);
    expect(isId('a b')).toBe(false);
    expect(isId(7)).toBe(false);
  });
});
