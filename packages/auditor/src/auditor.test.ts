import { definePolicy } from '@dealbook/core';
import { toJsonLine, type EventEnvelope } from '@dealbook/eventsourcing';
import { allRecords, generateHistory, historyArbitrary } from '@dealbook/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditor, type AuditResult } from './auditor.js';
import { buildAuditReport } from './build-report.js';
import { plantViolations } from './plant.js';

async function historyOf(options: Parameters<typeof generateHistory>[0]): Promise<EventEnvelope[]> {
  return (await allRecords((await generateHistory(options)).store)).map((r) => r.event);
}
function auditLines(lines: readonly string[], options: Parameters<typeof createAuditor>[0] = {}): AuditResult {
  const auditor = createAuditor({ readModels: false, ...options });
  lines.forEach((text, i) => auditor.record(JSON.parse(text), { line: i + 1, text }));
  return auditor.finish();
}

const errorsOf = (r: AuditResult) => r.findings.filter((f) => f.severity === 'error');

describe('the auditor on generated histories', () => {
  it('a history the engine made breaks no rule and no chain: zero errors', async () => {
    await fc.assert(
      fc.asyncProperty(historyArbitrary({ maxReps: 6, maxMonths: 2 }), async (options) => {
        const events = await historyOf(options);
        const result = auditLines(events.map(toJsonLine));
        expect(errorsOf(result)).toEqual([]);
        expect(result.events).toBe(events.length);
      }),
      { numRuns: 4 },
    );
  });

  it('a history generated under policy versions breaks no rule judged under the same versions', async () => {
    // From March, switchgear is regulated too (reps need a certification to sell it).
    const january = definePolicy({ regulatedProductLines: ['hv-cable'] });
    const march = definePolicy({ effectiveFrom: '2026-03-01T00:00:00.000Z', regulatedProductLines: ['hv-cable', 'switchgear'] }, january);
    const { store, stats } = await generateHistory({ seed: 21, reps: 6, months: 4, policy: [january, march] });
    const events = (await allRecords(store)).map((r) => r.event);
    expect(errorsOf(auditLines(events.map(toJsonLine), { policy: [january, march] }))).toEqual([]);
    expect(stats.rejected['R-REP-CERT'] ?? 0).toBe(0);
    expect(events.some((e) => e.type === 'RepCertified' && (e.data as { productLine: string }).productLine === 'switchgear')).toBe(true);
  });

  it('an event changed after it was recorded is named by A-HASH, at its line; a removed event by A-VERSION or A-CHAIN', async () => {
    const events = await historyOf({ seed: 11, reps: 4, months: 1 });
    const lines = events.map(toJsonLine);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: events.length - 1 }), fc.string({ minLength: 1, maxLength: 8 }), async (index, text) => {
        const changed = [...lines];
        const event = events[index]!;
        changed[index] = toJsonLine({ ...event, metadata: { ...event.metadata, actorId: `${event.metadata.actorId}~${text}` } });
        const hashFindings = errorsOf(auditLines(changed)).filter((f) => f.code === 'A-HASH');
        expect(hashFindings.map((f) => [f.line, f.eventId])).toEqual([[index + 1, event.eventId]]);

        const removed = lines.filter((_, i) => i !== index);
        const next = events.findIndex((e, i) => i > index && e.streamId === event.streamId);
        const found = errorsOf(auditLines(removed)).filter((f) => f.code === 'A-VERSION' || f.code === 'A-CHAIN');
        if (next === -1) expect(found).toEqual([]); // the last event of a stream: only a known head could tell (verifyChain's expectedHead)
        else expect(found.map((f) => f.eventId)).toContain(events[next]!.eventId);
      }),
      { numRuns: 25 },
    );
  });

  it('a duplicated event is reported as a repeated id and version; an event of the wrong stream is refused', async () => {
    const events = await historyOf({ seed: 5, reps: 3, months: 1 });
    const lines = events.map(toJsonLine);
    const twice = [...lines.slice(0, 20), lines[10]!, ...lines.slice(20)];
    const codes = errorsOf(auditLines(twice)).map((f) => [f.code, f.line]);
    expect(codes).toContainEqual(['A-DUPLICATE-ID', 21]);
    expect(codes).toContainEqual(['A-VERSION', 21]);
    const visit = events.find((e) => e.type === 'CustomerVisited')!;
    const misplaced = { ...visit, streamId: 'contract-x', streamVersion: 0, prevHash: '0'.repeat(64) };
    expect(errorsOf(auditLines([toJsonLine(misplaced)])).map((f) => f.code)).toContain('A-WRONG-STREAM');
    const bad = { ...visit, data: { ...(visit.data as object), channel: 'carrier pigeon' } };
    const payload = errorsOf(auditLines([...lines.slice(0, lines.indexOf(toJsonLine(visit))), toJsonLine(bad)])).filter((f) => f.code === 'A-PAYLOAD');
    expect(payload).toHaveLength(1);
    expect(payload[0]!.message).toMatch(/data\.channel/);
  });

  it('as of T audits only what was recorded by T, and judges deadlines at T', async () => {
    const events = await historyOf({ seed: 9, reps: 4, months: 2 });
    const asOf = events[Math.floor(events.length / 2)]!.recordedAt;
    const result = auditLines(events.map(toJsonLine), { asOf });
    expect(result.events).toBe(events.filter((e) => e.recordedAt <= asOf).length);
    expect(result.skippedAfterAsOf).toBe(events.length - result.events);
    expect(result.judgedAt).toBe(asOf);
    for (const f of result.findings) if (f.check === 'deadline' && typeof f.details?.dueAt === 'string') expect(f.details.dueAt < asOf).toBe(true);
  });

  it('a stored event that breaks a rule is reported with the rule code, at its line', () => {
    const auditor = createAuditor({ readModels: false });
    const base = { schemaVersion: 1, metadata: { commandId: 'c', correlationId: 'c', causationId: 'c', actorId: 'a' } };
    // A rep who was never hired visits a customer: R-REP-ACTIVE (judged with the rep states as of that commit).
    // (The hashes are made up: the A-HASH / A-CHAIN findings they cause are not what this test is about.)
    const events = [
      { eventId: '00000000-0000-4000-8000-000000000001', streamId: 'customer-c1', streamVersion: 0, type: 'CustomerRegistered', occurredAt: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:00.000Z', data: { customerId: 'c1', customerNumber: 'N1', name: 'C', region: 'east', contacts: [] } },
      { eventId: '00000000-0000-4000-8000-000000000002', streamId: 'customer-c1', streamVersion: 1, type: 'CustomerVisited', occurredAt: '2026-01-02T00:00:00.000Z', recordedAt: '2026-01-02T00:00:00.000Z', data: { visitId: 'v1', repId: 'ghost', channel: 'onsite', followUps: [] } },
    ];
    let prevHash = '0'.repeat(64);
    events.forEach((e, i) => {
      auditor.record({ ...base, ...e, prevHash, hash: prevHash }, { line: i + 1 });
      prevHash = 'f'.repeat(64);
    });
    const codes = auditor.finish().findings.map((f) => [f.code, f.line]);
    expect(codes).toContainEqual(['R-REP-ACTIVE', 2]);
  });
});

describe('event types are names', () => {
  it('an event of type constructor or toString is an unknown type (A-UNKNOWN-TYPE), not a crash', () => {
    const auditor = createAuditor();
    const base = { schemaVersion: 1, metadata: { commandId: 'c', correlationId: 'c', causationId: 'c', actorId: 'a' }, occurredAt: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:00.000Z', data: {} };
    ['constructor', 'toString'].forEach((type, i) =>
      auditor.record({ ...base, eventId: `00000000-0000-4000-8000-00000000000${i + 1}`, streamId: `customer-c${i}`, streamVersion: 0, type, prevHash: '0'.repeat(64), hash: 'f'.repeat(64) }, { line: i + 1 }),
    );
    const codes = auditor.finish().findings.map((f) => [f.code, f.line]);
    expect(codes).toContainEqual(['A-UNKNOWN-TYPE', 1]);
    expect(codes).toContainEqual(['A-UNKNOWN-TYPE', 2]);
  });
});

describe('open complaints', () => {
  it('customer a/b with complaint c and customer a with complaint b/c are two complaints, each named by its own id', () => {
    const auditor = createAuditor({ readModels: false });
    const base = { schemaVersion: 1, metadata: { commandId: 'c', correlationId: 'c', causationId: 'c', actorId: 'a' } };
    const events = ['a/b', 'a'].flatMap((customerId, n) => [
      { streamId: `customer-${customerId}`, streamVersion: 0, type: 'CustomerRegistered', occurredAt: '2026-01-01T00:00:00.000Z', data: { customerId, customerNumber: `N${n}`, name: 'C', region: 'east', contacts: [] } },
      { streamId: `customer-${customerId}`, streamVersion: 1, type: 'ComplaintReceived', occurredAt: '2026-01-02T00:00:00.000Z', data: { complaintId: n === 0 ? 'c' : 'b/c', category: 'quality', description: 'scratches' } },
    ]);
    events.forEach((e, i) => auditor.record({ ...base, ...e, eventId: `00000000-0000-4000-8000-00000000000${i + 1}`, recordedAt: e.occurredAt, prevHash: '0'.repeat(64), hash: 'f'.repeat(64) }, { line: i + 1 }));
    const late = auditor.finish('2026-01-10T00:00:00.000Z').findings.filter((f) => f.code === 'R-COMPLAINT-SLA');
    expect(late.map((f) => [f.details?.customerId, f.details?.complaintId])).toEqual([['a/b', 'c'], ['a', 'b/c']]);
    expect(late.map((f) => f.message.split(' ')[1])).toEqual(['c', 'b/c']);
  });
});

describe('an audit that spills to a scratch file', () => {
  it('finds exactly what the audit in the heap finds and rebuilds the same read models, whatever it keeps in the heap (property)', async () => {
    await fc.assert(
      fc.asyncProperty(historyArbitrary({ maxReps: 4, maxMonths: 2 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 6 }), async (options, hotStreams, planted) => {
        const { events } = plantViolations(await historyOf(options), planted, { tamper: true, visitDelayHours: 200 });
        const lines = events.map(toJsonLine);
        // A repeated line too: a repeated event id and version must be seen though the first is long out of the heap.
        lines.splice(Math.floor(lines.length / 2), 0, lines[1]!);
        const inHeap = auditLines(lines, { readModels: true });
        const dir = mkdtempSync(join(tmpdir(), 'dealbook-spill-test-'));
        const auditor = createAuditor({ spill: { hotStreams, dir } });
        try {
          lines.forEach((text, i) => auditor.record(JSON.parse(text), { line: i + 1, text }));
          const spilled = auditor.finish();
          expect(spilled.findings).toEqual(inHeap.findings);
          expect(spilled.byCode['A-DUPLICATE-ID']).toBe(1);
          // The read models answer every query alike, read from the scratch file (it stays until close).
          const withoutModels = (r: AuditResult) => ({ ...r, kpi: null, funnel: null, receivables: null });
          expect(withoutModels(spilled)).toEqual(withoutModels(inHeap));
          const context = { source: { kind: 'jsonl' as const, name: 'h.jsonl' }, auditedAt: inHeap.judgedAt, asOf: null, redact: false, lines: lines.length };
          expect(buildAuditReport(spilled, context)).toEqual(buildAuditReport(inHeap, context));
          expect(spilled.kpi?.ledger).toEqual(inHeap.kpi?.ledger);
          expect(spilled.kpi?.buckets).toEqual(inHeap.kpi?.buckets);
          expect(spilled.kpi?.customers).toEqual(inHeap.kpi?.customers);
          expect(spilled.funnel?.cells).toEqual(inHeap.funnel?.cells);
          expect(spilled.funnel?.opportunities).toEqual(inHeap.funnel?.opportunities);
          expect(spilled.receivables?.ledger).toEqual(inHeap.receivables?.ledger);
          expect(readdirSync(dir)).toHaveLength(1);
        } finally {
          auditor.close();
        }
        expect(readdirSync(dir)).toHaveLength(0);
        rmSync(dir, { recursive: true });
      }),
      { numRuns: 4 },
    );
  });

  it('refuses a heap cache below one state, and deletes its scratch file when closed (or finished without read models)', async () => {
    expect(() => createAuditor({ spill: { hotStreams: 0 } })).toThrow(/spill\.hotStreams/);
    const dir = mkdtempSync(join(tmpdir(), 'dealbook-spill-test-'));
    const auditor = createAuditor({ spill: { dir } });
    expect(readdirSync(dir)).toHaveLength(1);
    auditor.close();
    expect(readdirSync(dir)).toHaveLength(0);
    // The read models of a finished spill audit read from the file: after close they say so.
    const lines = (await historyOf({ seed: 1, reps: 2, months: 1 })).map(toJsonLine);
    const spilled = createAuditor({ spill: { dir } });
    lines.forEach((text, i) => spilled.record(JSON.parse(text), { line: i + 1, text }));
    const result = spilled.finish();
    const context = { source: { kind: 'jsonl' as const, name: 'h.jsonl' }, auditedAt: result.judgedAt, asOf: null, redact: false, lines: lines.length };
    expect(buildAuditReport(result, context).summary.events).toBe(lines.length);
    spilled.close();
    expect(() => buildAuditReport(result, context)).toThrow(/read its result \(queries, buildAuditReport\) before auditor\.close\(\)/);
    // Without read models nothing reads the scratch file after `finish`: it is deleted then.
    const checksOnly = createAuditor({ spill: { dir }, readModels: false });
    checksOnly.finish();
    expect(readdirSync(dir)).toHaveLength(0);
    rmSync(dir, { recursive: true });
  });
});
