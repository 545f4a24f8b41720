import type { ScratchTable } from './scratch.js';

/** What the audit asks of a table of per-stream values: a `Map` is one. */
export interface KeyedValues<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): unknown;
}

/**
 * A table that keeps its `capacity` most recently used values in the heap and
 * the rest in a scratch table: a value pushed out is written there (once, if
 * it changed since it was read) and read back when asked for again. Values
 * must be JSON and are replaced with `set`, never changed in place (a value
 * changed in place after it was pushed out would be lost).
 */
export function createSpillingMap<V>(table: ScratchTable, capacity: number): KeyedValues<V> {
  if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be an integer ≥ 1, got ${capacity}`);
  // Insertion order is recency: the first key is the least recently used.
  const hot = new Map<string, V>();
  const changed = new Set<string>();

  const admit = (key: string, value: V) => {
    hot.set(key, value);
    while (hot.size > capacity) {
      const oldest = hot.keys().next().value as string;
      if (changed.delete(oldest)) table.set(oldest, hot.get(oldest));
      hot.delete(oldest);
    }
  };

  return {
    get(key) {
      const value = hot.get(key);
      if (value !== undefined) {
        hot.delete(key);
        hot.set(key, value);
        return value;
      }
      const stored = table.get(key) as V | undefined;
      if (stored !== undefined) admit(key, stored);
      return stored;
    },
    set(key, value) {
      hot.delete(key);
      changed.add(key);
      admit(key, value);
    },
  };
}
