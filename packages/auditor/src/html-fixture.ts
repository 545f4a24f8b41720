import { definePolicy, periodKeyBounds, periodKeysBetween, type PeriodKey } from '@dealbook/core';
import type { EventStore, RecordedEvent } from '@dealbook/eventsourcing';
import { buildFunnel, queryFunnel } from '@dealbook/projections-funnel';
import { buildKpi, buildReceivables, queryKpi, queryReceivables, type KpiRow } from '@dealbook/projections-kpi';
import { generateHistory } from '@dealbook/testing';
import type { AuditReport, Finding } from './report.js';

/** Options of `sampleAuditReport`. Defaults: seed 7, 12 reps, 3 months from 2026-01-01, the sample findings. */
export interface SampleAuditReportOptions {
  /** Seed of the generated history. Default 7. */
  readonly seed?: number;
  /** Sales representatives. Default 12. */
  readonly reps?: number;
  /** Months of history. Default 3. */
  readonly months?: number;
  /** ISO instant the history starts at. Default `2026-01-01T00:00:00.000Z`. */
  readonly start?: string;
  /** The findings to report. Default `sampleFindings()` (one of them with `<script>` in its message). */
  readonly findings?: readonly Finding[];
  /** Findings left out of the list (`findingsOmitted`). Default 0. */
  readonly findingsOmitted?: number;
  /** When the audit ran. Default: the instant after the last event recorded. */
  readonly auditedAt?: string;
}

/** A few hand-made findings of every kind, one of them carrying `<script>alert(1)</script>` and quotes in its message and ids. */
export function sampleFindings(): Finding[] {
  return [
    { code: 'A-PARSE', severity: 'error', check: 'parse', line: 17, message: 'Line 17 is not JSON: Unexpected token } in JSON at position 42.' },
    {
      code: 'A-CHAIN',
      severity: 'error',
      check: 'chain',
      streamId: 'contract-c-0042',
      streamVersion: 3,
      eventId: 'evt-0042-3',
      line: 118,
      message: 'The hash chain breaks at version 3: previousHash does not match the hash of version 2.',
      details: { expected: 'ab12', actual: 'cd34' },
    },
    {
      code: 'R-CONTRACT-LEGAL',
      severity: 'error',
      check: 'rule',
      streamId: 'contract-c-0077',
      streamVersion: 1,
      eventId: 'evt-"0077"&<1>',
      line: 240,
      message: 'Contract signed above 500,000.00 without legal review. <script>alert(1)</script>',
    },
    {
      code: 'R-REPORT-LATE',
      severity: 'warning',
      check: 'deadline',
      streamId: 'rep-r-3',
      streamVersion: 12,
      eventId: 'evt-r3-12',
      message: "The monthly report for 2026-02 was submitted 2 days after its deadline (O'Brien & Co's account).",
    },
    { code: 'A-SCHEMA', severity: 'warning', check: 'schema', streamId: 'customer-c-9', streamVersion: 0, eventId: 'evt-c9-0', line: 305, message: 'Unknown schema version 3 of CustomerRegistered.' },
  ];
}

/** Reads a whole store: every event in commit order. */
async function readEverything(store: EventStore): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let after = 0;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 5000 });
    out.push(...page.events);
    if (page.isEnd || page.events.length === 0) return out;
    after = page.position;
  }
}

/** Summary figures of a list of findings. */
function summarise(findings: readonly Finding[], omitted: number): Pick<AuditReport['summary'], 'errors' | 'warnings' | 'byCode' | 'clean'> {
  const byCode: Record<string, number> = {};
  let errors = 0;
  let warnings = 0;
  for (const f of findings) {
    byCode[f.code] = (byCode[f.code] ?? 0) + 1;
    if (f.severity === 'error') errors++;
    else warnings++;
  }
  return { errors, warnings, byCode, clean: findings.length + omitted === 0 };
}

/**
 * Builds a real `AuditReport` for tests and demos: a generated company history
 * (`generateHistory` of @dealbook/testing) with its KPI (per month for the
 * company; the last full month by rep, team and region), its funnel and its
 * receivables rebuilt by the shipped read models, plus hand-made findings.
 * Defaults: seed 7, 12 reps, 3 months from 2026-01-01, `sampleFindings()`.
 */
export async function sampleAuditReport(options: SampleAuditReportOptions = {}): Promise<AuditReport> {
  const policy = definePolicy({ regulatedProductLines: ['hv-cable'] });
  const { store } = await generateHistory({
    seed: options.seed ?? 7,
    reps: options.reps ?? 12,
    months: options.months ?? 3,
    start: options.start ?? '2026-01-01T00:00:00.000Z',
    policy,
  });
  const events = await readEverything(store);
  const timeZone = policy.timeZone;
  let firstOccurredAt: string | null = null;
  let lastOccurredAt: string | null = null;
  let lastRecordedAt = '1970-01-01T00:00:00.000Z';
  const streams = new Set<string>();
  for (const { event: e } of events) {
    streams.add(e.streamId);
    if (firstOccurredAt === null || e.occurredAt < firstOccurredAt) firstOccurredAt = e.occurredAt;
    if (lastOccurredAt === null || e.occurredAt > lastOccurredAt) lastOccurredAt = e.occurredAt;
    if (e.recordedAt > lastRecordedAt) lastRecordedAt = e.recordedAt;
  }
  const auditedAt = options.auditedAt ?? new Date(Date.parse(lastRecordedAt) + 1).toISOString();
  const judgedAt = lastOccurredAt ?? auditedAt;

  const kpi = await buildKpi(store, { policy });
  const months: KpiRow[] = [];
  let lastFull: PeriodKey | null = null;
  if (firstOccurredAt !== null && lastOccurredAt !== null) {
    for (const month of periodKeysBetween(firstOccurredAt, lastOccurredAt, 'month', timeZone)) {
      const row = queryKpi(kpi, { period: month, by: 'company', at: judgedAt }).rows[0];
      if (row !== undefined) months.push(row);
      if (periodKeyBounds(month, timeZone).endsAt <= judgedAt || lastFull === null) lastFull = month;
    }
  }
  const section = (by: 'rep' | 'team' | 'region') => ({ period: lastFull ?? '', by, rows: lastFull === null ? [] : queryKpi(kpi, { period: lastFull, by, at: judgedAt }).rows });

  const funnel = await buildFunnel(store, { policy });
  const receivables = await buildReceivables(store, { policy });
  const findings = options.findings ?? sampleFindings();
  const findingsOmitted = options.findingsOmitted ?? 0;

  return {
    kind: 'dealbook.audit-report',
    reportVersion: 1,
    source: { kind: 'jsonl', name: `history-seed-${options.seed ?? 7}.jsonl` },
    auditedAt,
    asOf: null,
    judgedAt,
    timeZone,
    currency: policy.currency,
    redacted: false,
    summary: { lines: events.length, events: events.length, streams: streams.size, firstOccurredAt, lastOccurredAt, ...summarise(findings, findingsOmitted) },
    findings,
    findingsOmitted,
    kpi: { months, byRep: section('rep'), byTeam: section('team'), byRegion: section('region') },
    funnel: { company: queryFunnel(funnel).rows[0] ?? null, byRegion: queryFunnel(funnel, { by: 'region' }).rows },
    receivables: {
      company: queryReceivables(receivables, { by: 'company', at: judgedAt }).rows[0] ?? null,
      byRep: queryReceivables(receivables, { by: 'rep', at: judgedAt }).rows,
    },
  };
}

/** The report of an audit that found nothing at all: no events, no findings, empty read models. */
export function emptyAuditReport(): AuditReport {
  const at = '2026-04-01T00:00:00.000Z';
  return {
    kind: 'dealbook.audit-report',
    reportVersion: 1,
    source: { kind: 'jsonl', name: 'empty.jsonl' },
    auditedAt: at,
    asOf: null,
    judgedAt: at,
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
    redacted: false,
    summary: { lines: 0, events: 0, streams: 0, firstOccurredAt: null, lastOccurredAt: null, errors: 0, warnings: 0, byCode: {}, clean: true },
    findings: [],
    findingsOmitted: 0,
    kpi: { months: [], byRep: { period: '', by: 'rep', rows: [] }, byTeam: { period: '', by: 'team', rows: [] }, byRegion: { period: '', by: 'region', rows: [] } },
    funnel: { company: null, byRegion: [] },
    receivables: { company: null, byRep: [] },
  };
}

/**
 * The report with `reps` rep rows in its per-rep KPI and receivables: copies of
 * its first rep row under the ids `rep-001`, `rep-002`, … with signed sales
 * and targets spread deterministically (rep i signs i × 1,000.00), for
 * checking that the page stays readable with hundreds of reps. Default 500 reps.
 */
export function manyRepsAuditReport(report: AuditReport, reps = 500): AuditReport {
  const template = report.kpi.byRep.rows[0];
  const receivable = report.receivables.byRep[0];
  if (template === undefined || receivable === undefined) throw new RangeError('manyRepsAuditReport: the report needs a rep row in kpi.byRep and receivables.byRep');
  const id = (i: number) => `rep-${String(i).padStart(3, '0')}`;
  const rows: KpiRow[] = [];
  for (let i = 1; i <= reps; i++) {
    rows.push({ ...template, group: id(i), signedSalesMinor: i * 100_000, target: { ...template.target, salesMinor: 250 * 100_000 }, attainment: (i * 100_000) / (250 * 100_000) });
  }
  const receivables = Array.from({ length: reps }, (_, k) => ({ ...receivable, key: id(k + 1) }));
  return {
    ...report,
    kpi: { ...report.kpi, byRep: { ...report.kpi.byRep, rows } },
    receivables: { ...report.receivables, byRep: receivables },
  };
}
