import { ValidationError, type ValidationIssue } from '@dealbook/eventsourcing';

const MAX_ISSUES = 20;

/**
 * Serializes a checkpoint or snapshot state to JSON, refusing what JSON cannot
 * hold faithfully: `undefined` in arrays, non-finite numbers, bigints,
 * functions, symbols, `Date`/`Map`/`Set`/class instances, and cycles. Throws a
 * `ValidationError` naming each bad path (`state.byAccount.a-1`). Object
 * members whose value is `undefined` are left out, as `JSON.stringify` does.
 */
export function stateToJson(state: unknown, what: string): string {
  const issues: ValidationIssue[] = [];
  check(state, 'state', issues, []);
  if (issues.length > 0) throw new ValidationError(`${what} (states must be JSON-serializable)`, issues);
  return JSON.stringify(state);
}

function check(value: unknown, path: string, issues: ValidationIssue[], ancestors: object[]): void {
  if (issues.length >= MAX_ISSUES) return;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) issues.push({ path, message: `${String(value)} is not a JSON number` });
      return;
    case 'object': {
      if (value === null) return;
      if (ancestors.includes(value)) {
        issues.push({ path, message: 'refers back to an object that contains it (a cycle)' });
        return;
      }
      ancestors.push(value);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === undefined) issues.push({ path: `${path}[${i}]`, message: 'undefined is not a JSON value (arrays cannot hold it)' });
          else check(item, `${path}[${i}]`, issues, ancestors);
        }
      } else {
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
          const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
          issues.push({ path, message: `a ${kind} is not plain JSON data${kind === 'Date' ? ' (store an ISO-8601 string)' : kind === 'Map' || kind === 'Set' ? ' (use a plain object or an array)' : ''}` });
        } else {
          const record = value as Record<string, unknown>;
          for (const key of Object.keys(record)) {
            const item = record[key];
            if (item !== undefined) check(item, `${path}.${key}`, issues, ancestors);
          }
        }
      }
      ancestors.pop();
      return;
    }
    case 'undefined':
      issues.push({ path, message: 'undefined is not a JSON value' });
      return;
    default:
      issues.push({ path, message: `a ${typeof value} is not a JSON value` });
  }
}
