/**
 * A bounded map that keeps recently used entries: two generations of at most
 * half the limit each. Reads and writes go to the young generation; an entry
 * found only in the old one moves to the young one; when the young one is
 * full it becomes the old one, and the old one is dropped whole.
 *
 * Close to least-recently-used, at the cost of one hash lookup per hit (an
 * exact LRU over a `Map` pays a delete and a re-insert per hit). At most
 * `limit` entries are held; an entry used since the last `limit / 2` distinct
 * keys were put in is always still there.
 */
export interface RecentMap<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  readonly size: number;
}

export function createRecentMap<K, V>(limit: number): RecentMap<K, V> {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('createRecentMap: limit must be an integer ≥ 1');
  const half = Math.max(1, Math.floor(limit / 2));
  let young = new Map<K, V>();
  let old = new Map<K, V>();
  const put = (key: K, value: V) => {
    young.set(key, value);
    if (young.size >= half) {
      old = young;
      young = new Map();
    }
  };
  return {
    get(key) {
      const hit = young.get(key);
      if (hit !== undefined || old.size === 0) return hit;
      const aged = old.get(key);
      if (aged !== undefined) {
        old.delete(key);
        put(key, aged);
      }
      return aged;
    },
    set(key, value) {
      old.delete(key);
      put(key, value);
    },
    get size() {
      return young.size + old.size;
    },
  };
}
