/**
 * Plain-object records keyed by ids and free text (loss reasons) that come
 * from events. A key like `__proto__` or `constructor` must be an ordinary own
 * entry, never the prototype's: reads check own keys, writes define the entry.
 */

const objectPrototype = Object.prototype;

/**
 * The own entry of `record` under `key`, or undefined. Entries are plain JSON
 * (never undefined, a function or `Object.prototype`), so one read answers:
 * only what a plain object inherits (`constructor`, `__proto__`…) needs the
 * own-key check.
 */
export function entryOf<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  const value = record[key];
  if (value === undefined || (typeof value !== 'function' && (value as unknown) !== objectPrototype)) return value;
  return objectPrototype.hasOwnProperty.call(record, key) ? value : undefined;
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
