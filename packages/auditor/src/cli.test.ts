import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { toJsonLine } from '@dealbook/eventsourcing';
import { recordedEvents } from '@dealbook/testing';
import { runCli, type CliIo } from './cli.js';
import type { PlantedViolation } from './plant.js';
import type { AuditReport } from './report.js';

const dir = mkdtempSync(join(tmpdir(), 'dealbook-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cliWith(io: Partial<CliIo>, argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), progress: false, now: () => '2026-03-01T00:00:00.000Z', ...io });
  return { status, stdout, stderr };
}
const cli = (...argv: string[]) => cliWith({}, argv);

const history = join(dir, 'history.jsonl');
const generated = cli('generate', '--reps', '4', '--months', '1', '--seed', '3', '--out', history);

describe('dealbook audit', () => {
  it('finds exactly the violations planted in a generated history (errors), and exits 1', async () => {
    const planted = join(dir, 'planted.jsonl');
    expect((await cli('generate', '--reps', '6', '--months', '2', '--seed', '8', '--violations', '6', '--out', planted)).status).toBe(0);
    const { planted: expected } = JSON.parse(readFileSync(`${planted}.violations.json`, 'utf8')) as { planted: PlantedViolation[] };
    expect(expected.length).toBeGreaterThanOrEqual(4);
    const { status, stdout } = await cli('audit', planted, '--json');
    expect(status).toBe(1);
    const report = JSON.parse(stdout) as AuditReport;
    const errors = report.findings.filter((f) => f.severity === 'error').map((f) => [f.code, f.streamId, f.streamVersion]);
    expect(errors.sort()).toEqual(expected.map((p) => [p.code, p.streamId, p.streamVersion]).sort());
    expect(report.summary.errors).toBe(expected.length);
    // --low-memory keeps what the audit remembers in a scratch file: the very same report.
    const low = await cli('audit', planted, '--json', '--low-memory');
    expect([low.status, low.stdout, low.stderr]).toEqual([status, stdout, '']);
    // A source too big for the heap is audited so without being asked, and stderr says why.
    const small = await cliWith({ heapLimitBytes: 200_000 }, ['audit', planted, '--json']);
    expect([small.status, small.stdout]).toEqual([status, stdout]);
    expect(small.stderr).toMatch(/^dealbook: auditing with --low-memory: .*planted\.jsonl \([\d.]+ MB, about [\d,]+ events\) would need about [\d.,]+ MB of heap, more than this process can use well \(limit 0\.2 MB\)\.\n$/);
    expect((await cli('audit', planted, '--json')).stderr).toBe('');
  });

  it('reads every kind of bad line, reports each with its line number and goes on', async () => {
    await generated;
    const good = readFileSync(history, 'utf8').trimEnd().split('\n');
    const badKinds = {
      'A-NOT-JSON': () => Buffer.from('{"eventId": oops'),
      'A-BINARY': () => Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x9c]),
      'A-NOT-OBJECT': () => Buffer.from('[1,2,3]'),
      'A-LINE-TOO-LONG': () => Buffer.from(`{"pad":"${'x'.repeat(1024 * 1024 + 10)}"}`),
      'A-UNKNOWN-TYPE': () => Buffer.from(good[0]!.replace(/"type":"[A-Za-z]+"/, '"type":"MysteryHappened"')),
      'A-SCHEMA-VERSION': () => Buffer.from(good[0]!.replace('"schemaVersion":1', '"schemaVersion":7')),
      'A-ENVELOPE': () => Buffer.from('{"hello":"world"}'),
    } as const;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...(Object.keys(badKinds) as (keyof typeof badKinds)[])), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        async (kinds, truncate) => {
          runs++;
          const lines: Buffer[] = good.slice(0, 30).map((l) => Buffer.from(l));
          const expected: [string, number][] = [];
          kinds.forEach((kind, i) => {
            const at = Math.min(lines.length, 3 + i * 5);
            lines.splice(at, 0, badKinds[kind]());
            expected.push([kind, at + 1]);
          });
          // Line numbers shift as later lines are inserted: recompute from the final positions.
          const positions = new Map<Buffer, string>();
          kinds.forEach((kind, i) => positions.set(lines[Math.min(lines.length - 1, 3 + i * 5)]!, kind));
          let body = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
          if (truncate) body = Buffer.concat([body, Buffer.from('{"eventId":"0000')]);
          const file = join(dir, `bad-${runs}.jsonl`);
          writeFileSync(file, body);
          const { status, stdout, stderr } = await cli('audit', file, '--json');
          expect(stderr).toBe('');
          expect(status).toBe(1);
          const report = JSON.parse(stdout) as AuditReport;
          const found = report.findings.map((f) => [f.code, f.line]);
          lines.forEach((line, index) => {
            const kind = positions.get(line);
            if (kind !== undefined) expect(found).toContainEqual([kind, index + 1]);
          });
          if (truncate) expect(found).toContainEqual(['A-TRUNCATED', lines.length + 1]);
          rmSync(file);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('a missing file, a directory or wrong usage exit 2 with a message, never a stack trace', async () => {
    for (const argv of [['audit', join(dir, 'nope.jsonl')], ['audit', dir], ['audit', 'sqlite:/nowhere/x.db'], ['audit'], ['audit', history, '--as-of', 'yesterday'], ['frobnicate'], ['kpi', history, '--period', '2017-13'], ['generate']]) {
      const { status, stderr } = await cli(...argv);
      expect(status, argv.join(' ')).toBe(2);
      expect(stderr).toMatch(/dealbook/);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('--policy takes one policy or its versions, oldest first, each changing the one before; a bad version is named, exit 2', async () => {
    // Two visits, each recorded 30 hours after it happened: late under 24 h, in time under the default 48 h.
    const visit = (visitId: string, occurredAt: string, recordedAt: string) => ({ streamId: 'customer-c-1', type: 'CustomerVisited', occurredAt, recordedAt, data: { visitId, repId: 'r-7', channel: 'onsite', followUps: [] } });
    const events = recordedEvents([
      { streamId: 'rep-r-7', type: 'RepHired', occurredAt: '2026-01-05T02:00:00.000Z', data: { repId: 'r-7', name: 'Wang Fang', role: 'director', regions: ['east-china'] } },
      { streamId: 'customer-c-1', type: 'CustomerRegistered', occurredAt: '2026-01-05T03:00:00.000Z', data: { customerId: 'c-1', customerNumber: 'K-0001', name: 'East Cable Co.', region: 'east-china', contacts: [] } },
      visit('v-1', '2026-01-20T02:00:00.000Z', '2026-01-21T08:00:00.000Z'),
      visit('v-2', '2026-03-20T02:00:00.000Z', '2026-03-21T08:00:00.000Z'),
    ]);
    const file = join(dir, 'late-visits.jsonl');
    writeFileSync(file, events.map((r) => `${toJsonLine(r.event)}\n`).join(''));
    const late = async (policy: unknown) => {
      const path = join(dir, 'policy.json');
      writeFileSync(path, JSON.stringify(policy));
      const { status, stdout, stderr } = await cli('audit', file, '--policy', path, '--json');
      return { status, stderr, late: status === 2 ? undefined : (JSON.parse(stdout) as AuditReport).summary.byCode['R-VISIT-TIMELY'] ?? 0 };
    };
    expect((await late({ visitRecordingDelayHours: 24 })).late).toBe(2);
    // March's version changes the follow-up interval only: it keeps January's 24 h.
    expect((await late([{ visitRecordingDelayHours: 24 }, { effectiveFrom: '2026-03-01T00:00:00.000Z', followUpIntervalDays: { A: 7 } }])).late).toBe(2);
    // From March, back to 48 h: only January's visit is late.
    expect((await late([{ visitRecordingDelayHours: 24 }, { effectiveFrom: '2026-03-01T00:00:00.000Z', visitRecordingDelayHours: 48 }])).late).toBe(1);
    const bad = await late([{ visitRecordingDelayHours: 24 }, { effectiveFrom: '2026-03-01T00:00:00.000Z', visitRecordingDelayHours: -1 }]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Policy version \[1\] of .*visitRecordingDelayHours/);
    // A version without its own effectiveFrom would take effect with the one before it.
    expect((await late([{ visitRecordingDelayHours: 24 }, { visitRecordingDelayHours: 36 }])).status).toBe(2);
  });

  it('writes the JSON report and the HTML file; --redact leaves contact details out', async () => {
    await generated;
    const html = join(dir, 'report.html');
    const { stdout } = await cli('audit', history, '--json', '--redact', '--html', html);
    const report = JSON.parse(stdout) as AuditReport;
    expect(report.redacted).toBe(true);
    expect(report.summary.events).toBeGreaterThan(100);
    expect(report.kpi.months.length).toBeGreaterThan(0);
    const contacts = readFileSync(history, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"CustomerRegistered"'))
      .flatMap((l) => ((JSON.parse(l) as { data: { contacts: { name: string; phone?: string }[] } }).data.contacts ?? []).flatMap((c) => [c.name, c.phone ?? '']))
      .filter((v) => v.length > 3);
    for (const value of contacts) {
      expect(stdout).not.toContain(value);
      expect(readFileSync(html, 'utf8')).not.toContain(value);
    }
    expect(readFileSync(html, 'utf8')).toMatch(/^<!DOCTYPE html>/i);
  });
});

describe('dealbook import, export, kpi and funnel', () => {
  it('import into SQLite then export gives the file back byte for byte; kpi and funnel read both', async () => {
    await generated;
    const db = join(dir, 'round.db');
    expect((await cli('import', history, '--into', `sqlite:${db}`)).status).toBe(0);
    const exported = await cli('export', `sqlite:${db}`);
    expect(exported.stdout).toBe(readFileSync(history, 'utf8'));
    const fromFile = JSON.parse((await cli('kpi', history, '--period', '2026-01', '--by', 'team', '--json')).stdout) as { rows: unknown[] };
    const fromDb = JSON.parse((await cli('kpi', `sqlite:${db}`, '--period', '2026-01', '--by', 'team', '--json')).stdout) as { rows: unknown[] };
    expect(fromDb).toEqual(fromFile);
    expect(fromFile.rows.length).toBeGreaterThan(0);
    const funnel = JSON.parse((await cli('funnel', `sqlite:${db}`, '--by', 'rep', '--json')).stdout) as { rows: unknown[] };
    expect(funnel.rows.length).toBeGreaterThan(0);
    expect((await cli('kpi', history, '--period', '2026-01')).stdout).toMatch(/KPI 2026-01 by rep/);
  });

  it('refuses a history whose chain breaks, naming where; chains a legacy history without hashes', async () => {
    await generated;
    const lines = readFileSync(history, 'utf8').trimEnd().split('\n');
    const tampered = join(dir, 'tampered.jsonl');
    writeFileSync(tampered, [...lines.slice(0, 10), lines[10]!.replace('"actorId":"', '"actorId":"X'), ...lines.slice(11)].join('\n') + '\n');
    const refused = await cli('import', tampered, '--into', `sqlite:${join(dir, 'tampered.db')}`);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/line 11.*hash/);

    const legacy = join(dir, 'legacy.jsonl');
    writeFileSync(legacy, lines.map((l) => {
      const { hash: _h, prevHash: _p, streamVersion: _v, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return JSON.stringify(rest);
    }).join('\n') + '\n');
    const db = join(dir, 'legacy.db');
    expect((await cli('import', legacy, '--into', `sqlite:${db}`)).status).toBe(0);
    const audited = JSON.parse((await cli('audit', `sqlite:${db}`, '--json')).stdout) as AuditReport;
    expect(audited.summary.errors).toBe(0);
    expect(audited.summary.events).toBe(lines.length);
  });
});
