import type { SpillingMap } from './spilling-map.js';

/**
 * A plain-object record (`record[id]`, `record[id] = v`, `id in record`,
 * `delete record[id]`, own-key checks) whose entries live in a spilling map:
 * what a read model or the engine's index keeps per stream or entity, kept
 * out of the heap. Values changed in place (read-model records) need a
 * `mutable` map.
 * Listing it (`Object.keys`, `Object.values`, `for…in`) reads every key from
 * the table (then each value, as asked): fine for a query at the end, not
 * for a loop per event.
 */
export function createSpilledRecord<V>(map: SpillingMap<V>): Record<string, V> {
  const valueOf = (key: string | symbol) => (typeof key === 'string' ? map.get(key) : undefined);
  return new Proxy(Object.create(null) as Record<string, V>, {
    get: (_, key) => valueOf(key),
    has: (_, key) => valueOf(key) !== undefined,
    set: (_, key, value: V) => {
      if (typeof key !== 'string') return false;
      map.set(key, value);
      return true;
    },
    defineProperty: (_, key, descriptor) => {
      if (typeof key !== 'string' || !('value' in descriptor)) return false;
      map.set(key, descriptor.value as V);
      return true;
    },
    deleteProperty: (_, key) => {
      if (typeof key === 'string') map.delete(key);
      return true;
    },
    getOwnPropertyDescriptor: (_, key) => {
      const value = valueOf(key);
      return value === undefined ? undefined : { value, writable: true, enumerable: true, configurable: true };
    },
    ownKeys: () => map.keys(),
  });
}
