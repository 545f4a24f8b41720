import canonicalizeModule from 'canonicalize';

// canonicalize 2.x is CommonJS (`module.exports = serialize`) but declares an
// ES default export; under NodeNext resolution the default import is the
// function at run time, so it is typed here as what it is.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;
import { ValidationError, type ValidationIssue } from './errors.js';

/** `String.prototype.isWellFormed` (Node ≥ 20) is ES2024; the project's lib is ES2023. */
type WellFormedString = string & { isWellFormed(): boolean };

/** A JSON value, as stored in an event's `data` and `metadata`. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * RFC 8785 (JCS) canonical JSON of a JSON value, computed by the `canonicalize`
 * library. This is the reference serialization the hash chain is defined on.
 */
export function canonicalJson(value: unknown): string {
  const out = canonicalize(value);
  if (out === undefined) throw new TypeError('canonicalJson: value has no JSON representation');
  return out;
}

/** Collects what {@link toCanonicalJson} finds on its way. */
export interface CanonicalContext {
  /** Every value that is not JSON, with its path. */
  readonly issues: ValidationIssue[];
  /**
   * Set when some object has an array-index-like key (`"0"`, `"42"`): JS
   * enumerates those first, in numeric order, whatever the insertion order,
   * so `JSON.stringify` cannot write them in RFC 8785 order.
   */
  indexKeys: boolean;
  /**
   * When given, the copies' objects and arrays are collected here instead of
   * being frozen, and the caller freezes them after serializing (V8
   * serializes frozen objects markedly slower).
   */
  readonly unfrozen?: object[];
}

export function canonicalContext(): CanonicalContext {
  return { issues: [], indexKeys: false };
}

/**
 * Copies a JSON value into a frozen value whose object keys are in RFC 8785
 * order (sorted by UTF-16 code units), checking that it is JSON on the way.
 *
 * For such a value `JSON.stringify` produces exactly the RFC 8785 bytes
 * (ECMAScript number and string serialization are what JCS specifies), so the
 * hot path hashes with the native serializer, except for objects with
 * array-index keys, which {@link stringifyCanonical} hands to `canonicalize`.
 * A property test pins this equivalence. The copy also isolates stored events
 * from later mutation of the caller's objects.
 *
 * Every problem is pushed to `context.issues` with its path (`path` is where
 * `value` sits, as a string or as segments); the returned value is only
 * meaningful when no issue was added.
 */
export function toCanonicalJson(value: unknown, path: string | readonly (string | number)[], context: CanonicalContext): JsonValue {
  // A path given as segments is only turned into a string if an issue needs it.
  // Segments are used as a stack and left as they were found.
  return typeof path === 'string' ? copyValue(value, { context, base: path, trail: [] }) : copyValue(value, { context, base: '', trail: path as (string | number)[] });
}

interface Walk {
  readonly context: CanonicalContext;
  readonly base: string;
  /** Keys and indexes from `base` down to the current value; turned into a path string only for an issue. */
  readonly trail: (string | number)[];
}

function report(walk: Walk, message: string, last?: string | number): void {
  let path = walk.base;
  const add = (segment: string | number) => {
    path += typeof segment === 'number' ? `[${segment}]` : path === '' ? segment : `.${segment}`;
  };
  walk.trail.forEach(add);
  if (last !== undefined) add(last);
  walk.context.issues.push({ path, message });
}

function copyValue(value: unknown, walk: Walk): JsonValue {
  switch (typeof value) {
    case 'string':
      if (!(value as WellFormedString).isWellFormed()) report(walk, 'string contains a lone UTF-16 surrogate (not valid Unicode)');
      return value;
    case 'number':
      if (!Number.isFinite(value)) {
        report(walk, `${String(value)} is not a JSON number`);
        return 0;
      }
      return value === 0 ? 0 : value; // -0 → 0, as JSON has no negative zero
    case 'boolean':
      return value;
    case 'object': {
      if (value === null) return null;
      const { trail } = walk;
      if (Array.isArray(value)) {
        const out: JsonValue[] = new Array<JsonValue>(value.length);
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === undefined) {
            report(walk, 'undefined is not a JSON value (arrays cannot hold it)', i);
            out[i] = null;
            continue;
          }
          trail.push(i);
          out[i] = copyValue(item, walk);
          trail.pop();
        }
        return seal(out, walk) as JsonValue[];
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
        report(walk, `a ${kind} is not plain JSON data${kind === 'Date' ? ' (pass an ISO-8601 string)' : ''}`);
        return null;
      }
      const source = value as Record<string, unknown>;
      const keys = Object.keys(source);
      let sorted = true;
      for (let i = 1; i < keys.length; i++) {
        if (keys[i - 1]! > keys[i]!) {
          sorted = false;
          break;
        }
      }
      if (!sorted) sortKeys(keys);
      const out: JsonObject = {};
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        const item = source[key];
        if (item === undefined) continue; // as JSON.stringify and JCS do: an undefined member is absent
        const first = key.charCodeAt(0);
        if (first >= 48 && first <= 57 && isIndexKey(key)) walk.context.indexKeys = true;
        trail.push(key);
        const copy = copyValue(item, walk);
        trail.pop();
        // "__proto__" is data here (JSON.parse makes it an own member); plain assignment would set the prototype.
        if (key === '__proto__') Object.defineProperty(out, key, { value: copy, enumerable: true, writable: true, configurable: true });
        else out[key] = copy;
      }
      return seal(out, walk);
    }
    default:
      report(walk, `a ${typeof value} is not a JSON value`);
      return null;
  }
}

/**
 * Sorts property names by UTF-16 code units, as `Array.prototype.sort` does
 * for strings, in place: short lists (nearly all event data) by insertion,
 * which allocates nothing; long ones by the built-in sort.
 */
function sortKeys(keys: string[]): void {
  const n = keys.length;
  if (n > 24) {
    keys.sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
}

function seal<T extends object>(value: T, walk: Walk): T {
  const later = walk.context.unfrozen;
  if (later === undefined) return Object.freeze(value);
  later.push(value);
  return value;
}

const INDEX_KEY = /^(?:0|[1-9]\d{0,9})$/;
/** An array-index property name (0 … 2³² − 2), which JS objects enumerate before all others. */
function isIndexKey(key: string): boolean {
  return INDEX_KEY.test(key) && Number(key) < 4294967295;
}

/** The RFC 8785 text of a value made by {@link toCanonicalJson} with this context. */
export function stringifyCanonical(value: unknown, context: CanonicalContext): string {
  return context.indexKeys ? canonicalJson(value) : JSON.stringify(value);
}

/**
 * The RFC 8785 text of a JSON value, the same as {@link canonicalJson}, by
 * the fast path: a sorted copy written by `JSON.stringify` (`canonicalize`
 * only where JavaScript's key order cannot follow RFC 8785). Throws a
 * `ValidationError` naming each member that is not JSON.
 */
export function canonicalText(value: unknown, what = 'Value'): string {
  const context: CanonicalContext = { issues: [], indexKeys: false, unfrozen: [] }; // a throw-away copy: never frozen
  const copy = toCanonicalJson(value, '', context);
  if (context.issues.length > 0) throw new ValidationError(what, context.issues);
  return stringifyCanonical(copy, context);
}
