import { randomUUID } from 'node:crypto';

/** Makes a fresh unique id (a UUID for event ids). */
export type IdGenerator = () => string;

/** Random UUID v4 ids. Infrastructure only: the domain core takes an `IdGenerator` instead. */
export const randomIds: IdGenerator = () => randomUUID();

/**
 * Deterministic UUID-shaped ids (valid RFC 9562 v4 layout) from a counter:
 * for tests, examples and seeded generators.
 */
export function sequentialIds(prefix = 0): IdGenerator {
  let n = 0;
  const head = (prefix >>> 0).toString(16).padStart(8, '0');
  return () => {
    n++;
    const tail = n.toString(16).padStart(12, '0');
    return `${head}-0000-4000-8000-${tail}`;
  };
}
