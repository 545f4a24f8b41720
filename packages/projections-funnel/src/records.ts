/**
 * Plain-object records keyed by ids and free text (loss reasons) that come
 * from events. A key like `__proto__` or `constructor` must be an ordinary own
 * entry, never the prototype's: reads check own keys, writes define the entry.
 */

/** The own entry of `record` under `key`, or undefined. */
export function entryOf<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** Sets the own entry of `record` under `key` (also for `__proto__`). */
export function setEntry<T>(record: Record<string, T>, key: string, value: T): T {
  if (key === '__proto__') Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
  else record[key] = value;
  return value;
}

/** The own entry under `key`, created with `make()` when missing. */
export function entryOrNew<T>(record: Record<string, T>, key: string, make: () => T): T {
  const found = entryOf(record, key);
  return found !== undefined ? found : setEntry(record, key, make());
}
