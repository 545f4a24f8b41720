import type { KeyedTable } from '@dealbook/engine';
import type { ScratchTable } from './scratch.js';

/** A table of values by key (as the audit asks of one: a `Map` is one) that keeps most of them in a scratch table. */
export interface SpillingMap<V> extends KeyedTable<V> {
  delete(key: string): void;
  /** Every key held, in the heap or in the table (those of the table in key order, then those only in the heap). */
  keys(): string[];
}

export interface SpillingMapOptions {
  /**
   * Values are changed in place by whoever got them (read-model records): every
   * value pushed out is written back, not only those `set`. A caller must not
   * keep a value across `capacity` other lookups. Default false: values are
   * replaced with `set`, never changed in place.
   */
  readonly mutable?: boolean;
}

/**
 * A table that keeps its `capacity` most recently used values in the heap and
 * the rest in a scratch table: a value pushed out is written there (if it may
 * have changed since it was read) and read back when asked for again. Values
 * must be JSON.
 */
export function createSpillingMap<V>(table: ScratchTable, capacity: number, options: SpillingMapOptions = {}): SpillingMap<V> {
  if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be an integer ≥ 1, got ${capacity}`);
  const mutable = options.mutable === true;
  // Insertion order is recency: the first key is the least recently used.
  const hot = new Map<string, V>();
  const changed = new Set<string>();

  const admit = (key: string, value: V) => {
    hot.set(key, value);
    while (hot.size > capacity) {
      const oldest = hot.keys().next().value as string;
      if (changed.delete(oldest) || mutable) table.set(oldest, hot.get(oldest));
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
    delete(key) {
      hot.delete(key);
      changed.delete(key);
      table.delete(key);
    },
    keys() {
      const keys = table.keys();
      const stored = new Set(keys);
      for (const key of hot.keys()) if (!stored.has(key)) keys.push(key);
      return keys;
    },
  };
}
