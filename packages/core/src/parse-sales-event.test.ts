import { eventEnvelopeSchema, isValidationError, type EventEnvelope } from '@dealbook/eventsourcing';
import { allRecords, generateHistory } from '@dealbook/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { salesEventCategory, salesEventSchemas, type SalesEventType } from './catalogue.js';
import { parseSalesEvent } from './parse-sales-event.js';

let history: EventEnvelope[] = [];
beforeAll(async () => {
  const { store } = await generateHistory({ seed: 5, reps: 3, months: 2 });
  history = (await allRecords(store)).map((r) => JSON.parse(JSON.stringify(r.event)) as EventEnvelope);
}, 60_000);

/** The definition: the envelope schema, a catalogue type in its kind of stream, version 1, and the payload schema (runtime zod). */
function valid(value: unknown): boolean {
  if (!eventEnvelopeSchema.safeParse(value).success) return false;
  const e = value as EventEnvelope;
  if (!Object.prototype.hasOwnProperty.call(salesEventSchemas, e.type) || e.schemaVersion !== 1) return false;
  const category = salesEventCategory[e.type as SalesEventType];
  if (!e.streamId.startsWith(`${category}-`) || e.streamId.length === category.length + 1) return false;
  return salesEventSchemas[e.type as SalesEventType].safeParse(e.data).success;
}

const issuesOf = (value: unknown) => {
  try {
    parseSalesEvent(value);
  } catch (error) {
    if (isValidationError(error)) return error.issues.map((i) => i.path);
    throw error;
  }
  return [];
};

describe('parseSalesEvent', () => {
  it('accepts every event of a history the engine made, of every type in it, as it is', () => {
    expect(new Set(history.map((e) => e.type)).size).toBeGreaterThan(20);
    for (const event of history) expect(parseSalesEvent(event)).toBe(event);
  });

  it('agrees with the schemas on events with a field changed anywhere (property)', () => {
    const paths = (value: unknown, prefix: (string | number)[] = []): (string | number)[][] =>
      typeof value === 'object' && value !== null ? Object.entries(value).flatMap(([k, v]) => [[...prefix, Array.isArray(value) ? Number(k) : k], ...paths(v, [...prefix, Array.isArray(value) ? Number(k) : k])]) : [];
    const mutated = fc.tuple(fc.nat(), fc.nat(), fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constantFrom(-1, 0, 1.5, '', 'x', null, [], {}, 'Nope', 'contract-x'))).map(([i, j, replacement]) => {
      const event = structuredClone(history[i % history.length]!) as unknown as Record<string, unknown>;
      const all = paths(event);
      const path = all[j % all.length]!;
      let target = event as Record<string | number, unknown>;
      for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
      target[path.at(-1)!] = replacement;
      return event;
    });
    fc.assert(
      fc.property(mutated, (event) => {
        expect(issuesOf(event).length === 0).toBe(valid(event));
      }),
      { numRuns: 2000 },
    );
  });

  it('names the bad field: envelope, type, stream, schema version, payload', () => {
    const signed = history.find((e) => e.type === 'ContractDrafted')!;
    const data = signed.data as { lines: { quantity: number }[] };
    expect(issuesOf({ ...signed, streamVersion: -1 })).toEqual(['streamVersion']);
    expect(issuesOf({ ...signed, type: 'ContractSealed' })).toEqual(['type']);
    expect(issuesOf({ ...signed, streamId: 'customer-c-1' })).toEqual(['streamId']);
    expect(issuesOf({ ...signed, streamId: 'contract-' })).toEqual(['streamId']);
    expect(issuesOf({ ...signed, schemaVersion: 2 })).toEqual(['schemaVersion']);
    expect(issuesOf({ ...signed, data: { ...data, lines: [{ ...data.lines[0]!, quantity: -3 }] } })).toEqual(['data.lines[0].quantity']);
    expect(() => parseSalesEvent({ ...signed, data: { ...data, lines: [{ ...data.lines[0]!, quantity: -3 }] } })).toThrow(/ContractDrafted event contract-\S+ v0 is invalid: data\.lines\[0\]\.quantity/);
  });
});
