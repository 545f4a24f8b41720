import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from './envelope.js';
import { UpcastError } from './errors.js';
import { createUpcasterRegistry, type Upcaster } from './upcasters.js';

const envelope = (type: string, schemaVersion: number, data: unknown): EventEnvelope => ({
  eventId: '00000000-0000-4000-8000-000000000001',
  streamId: 'thing-1',
  streamVersion: 0,
  type,
  schemaVersion,
  occurredAt: '2026-01-01T00:00:00.000Z',
  recordedAt: '2026-01-01T00:00:00.000Z',
  data,
  metadata: { commandId: 'c', correlationId: 'c', causationId: 'c', actorId: 'a' },
  prevHash: '0'.repeat(64),
  hash: '1'.repeat(64),
});

/** Step v → v+1 appends v to a `trail` array, so the result shows which steps ran, in which order. */
const step = (type: string, fromVersion: number, toType?: string): Upcaster => ({
  type,
  fromVersion,
  ...(toType ? { toType } : {}),
  upcast: (data) => ({ trail: [...((data as { trail: number[] }).trail ?? []), fromVersion] }),
});

describe('upcasters', () => {
  it('chains any stored version to the latest, each step once, in order (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 3 }), fc.nat(), fc.boolean(), (steps, renameAt, pick, shuffle) => {
        // The type is "Old" up to version renameAt and "New" after it (renamed by step renameAt).
        const typeAt = (v: number) => (v <= renameAt ? 'Old' : 'New');
        const ups: Upcaster[] = [];
        for (let v = 1; v <= steps; v++) ups.push(step(typeAt(v), v, typeAt(v + 1) === typeAt(v) ? undefined : typeAt(v + 1)));
        const registry = createUpcasterRegistry(shuffle ? [...ups].reverse() : ups);
        const start = 1 + (pick % (steps + 1));
        const out = registry.upcast(envelope(typeAt(start), start, { trail: [] }));
        expect(out.type).toBe(typeAt(steps + 1));
        expect(out.schemaVersion).toBe(steps + 1);
        expect((out.data as { trail: number[] }).trail).toEqual(Array.from({ length: steps + 1 - start }, (_, i) => start + i));
        expect(registry.currentVersion(out.type)).toBe(steps + 1);
        // Idempotent: the latest shape goes through unchanged (same object).
        expect(registry.upcast(out)).toBe(out);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the stored hash fields and leaves unknown types alone', () => {
    const registry = createUpcasterRegistry([step('A', 1)]);
    const stored = envelope('A', 1, {});
    const up = registry.upcast(stored);
    expect(up).toMatchObject({ schemaVersion: 2, hash: stored.hash, prevHash: stored.prevHash });
    const other = envelope('B', 7, {});
    expect(registry.upcast(other)).toBe(other);
  });

  it('refuses events newer than the code, and broken registries', () => {
    const registry = createUpcasterRegistry([step('A', 1)]);
    expect(() => registry.upcast(envelope('A', 3, {}))).toThrow(UpcastError);
    expect(() => createUpcasterRegistry([step('A', 1), step('A', 1)])).toThrow(/Two upcasters/);
    expect(() => createUpcasterRegistry([step('A', 1), step('A', 3)])).toThrow(/stop at A version 2/);
    expect(() => createUpcasterRegistry([step('A', 1)], { currentVersions: { A: 3 } })).toThrow(/current version 3/);
    expect(createUpcasterRegistry([], { currentVersions: { A: 3 } }).currentVersion('A')).toBe(3);
    expect(() => createUpcasterRegistry([], { currentVersions: { A: 3 } }).upcast(envelope('A', 2, {}))).toThrow(/no upcaster/);
  });
});
