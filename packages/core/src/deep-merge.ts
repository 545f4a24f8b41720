/** A plain object: `{…}` literal or `Object.create(null)`, not an array, a `Date` or a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * `patch` deep-merged over `base`, as a new value (neither input is changed):
 * plain objects are merged key by key, recursively; anything else in `patch`
 * (an array, a primitive, `null`) replaces what `base` has; keys whose value
 * in `patch` is `undefined` are treated as absent. Keys are copied as own
 * properties, so a `__proto__` key in a parsed JSON patch stays an ordinary
 * (and, for a strict schema, unknown) key instead of changing a prototype.
 */
export function mergeDeep(base: unknown, patch: unknown): unknown {
  if (patch === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(base)) setOwn(out, key, base[key]);
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === undefined) continue;
    setOwn(out, key, Object.hasOwn(base, key) ? mergeDeep(base[key], value) : value);
  }
  return out;
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
