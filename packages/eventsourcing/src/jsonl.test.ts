import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from './envelope.js';
import { ZERO_HASH } from './envelope.js';
import { sealEvents } from './hash-chain.js';
import { canonicalJson } from './json.js';
import { lineHashMatches, toJsonLine } from './jsonl.js';

const seal = (data: unknown) =>
  sealEvents('thing-1', 0, ZERO_HASH, [{ eventId: '00000000-0000-4000-8000-000000000001', type: 'T', occurredAt: '2026-01-01T00:00:00.000Z', data, metadata: { commandId: 'c', correlationId: 'c', causationId: 'c', actorId: 'a' } }], '2026-01-01T00:00:00.000Z')[0]!;

describe('JSONL lines', () => {
  it('toJsonLine writes canonical JSON that parses back to the envelope', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (data) => {
        const envelope = seal(data);
        const line = toJsonLine(envelope);
        expect(line).toBe(canonicalJson(envelope));
        expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(envelope)));
        expect(lineHashMatches(line, JSON.parse(line) as EventEnvelope)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('lines of another tool (other spacing and order) verify through the slow path', () => {
    const lines = readFileSync(new URL('../vectors/hash-chain.jsonl', import.meta.url), 'utf8').trim().split('\n');
    for (const line of lines) expect(lineHashMatches(line, JSON.parse(line) as EventEnvelope)).toBe(true);
  });

  it('a changed value fails on both paths', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        fc.pre(canonicalJson(a) !== canonicalJson(b));
        const original = seal(a);
        const forged = { ...original, data: JSON.parse(JSON.stringify(b)) as unknown };
        expect(lineHashMatches(toJsonLine(forged), forged)).toBe(false);
        expect(lineHashMatches(JSON.stringify(forged, null, 1), forged)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
