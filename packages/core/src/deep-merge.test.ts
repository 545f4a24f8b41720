import { describe, expect, it } from 'vitest';
import { isPlainObject, mergeDeep } from './deep-merge.js';

describe('mergeDeep', () => {
  it('merges plain objects key by key, recursively, and lets everything else replace', () => {
    const base = { a: 1, n: { x: 1, y: { p: 1, q: 2 } }, list: [1, 2, 3], o: { k: 1 } };
    expect(mergeDeep(base, { n: { y: { q: 20 }, z: 3 }, list: [9], o: null, extra: [1] })).toEqual({
      a: 1,
      n: { x: 1, y: { p: 1, q: 20 }, z: 3 },
      list: [9],
      o: null,
      extra: [1],
    });
    expect(mergeDeep({ a: { b: 1 } }, { a: 5 })).toEqual({ a: 5 });
    expect(mergeDeep({ a: 5 }, { a: { b: 1 } })).toEqual({ a: { b: 1 } });
    expect(mergeDeep({ a: 1 }, [1])).toEqual([1]);
  });

  it('treats undefined as absent, at the top and inside', () => {
    const base = { a: 1, n: { x: 1 } };
    expect(mergeDeep(base, undefined)).toBe(base);
    // toStrictEqual: a key left at undefined would not be absent.
    expect(mergeDeep(base, { a: undefined, n: { x: undefined } })).toStrictEqual(base);
    expect(Object.keys(mergeDeep({}, { a: undefined }) as object)).toEqual([]);
  });

  it('changes neither input and shares nothing it merged into', () => {
    const base = Object.freeze({ n: Object.freeze({ x: 1 }) });
    const patch = { n: { y: 2 } };
    const out = mergeDeep(base, patch) as { n: { x: number; y: number } };
    expect(out).toEqual({ n: { x: 1, y: 2 } });
    expect(base).toEqual({ n: { x: 1 } });
    expect(patch).toEqual({ n: { y: 2 } });
    expect(out.n).not.toBe(patch.n);
  });

  it('keeps a __proto__ key as an own key instead of changing the prototype', () => {
    const out = mergeDeep({ a: 1 }, JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['a', '__proto__']);
    expect(out.polluted).toBeUndefined();
  });

  it('recognises plain objects only', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    for (const v of [null, undefined, [], new Date(0), new Map(), 1, 'a']) expect(isPlainObject(v)).toBe(false);
  });
});
