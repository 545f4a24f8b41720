import { periodKeyBounds, periodKeysBetween, policyTimelineOf, type PolicyOption } from '@dealbook/core';
import { queryFunnel } from '@dealbook/projections-funnel';
import { queryKpi, queryReceivables, type KpiRow } from '@dealbook/projections-kpi';
import type { AuditResult } from './auditor.js';
import type { AuditReport, Finding } from './report.js';

export interface ReportContext {
  readonly source: AuditReport['source'];
  readonly auditedAt: string;
  readonly asOf: string | null;
  readonly policy?: PolicyOption;
  readonly redact: boolean;
  /** Lines read (JSONL) or records (stores). */
  readonly lines: number;
}

/** Keys that hold customer contact details (seed confidentiality rules): left out everywhere with `--redact`. */
const CONTACT_KEYS = new Set(['contacts', 'contact', 'address', 'phone', 'email', 'customerSignatory']);

/** A copy of a value with every contact-detail member replaced by "[redacted]". */
export function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = CONTACT_KEYS.has(k) ? '[redacted]' : redactValue(v);
  return out;
}

const redactFinding = (f: Finding): Finding => (f.details === undefined ? f : { ...f, details: redactValue(f.details) as Record<string, unknown> });

/** The audit's JSON report (docs/auditor.md): findings, summary, and the rebuilt numbers. */
export function buildAuditReport(result: AuditResult, context: ReportContext): AuditReport {
  const timeline = policyTimelineOf(context.policy);
  const policy = timeline.at(result.judgedAt);
  const timeZone = policy.timeZone;
  const months = result.firstOccurredAt === null || result.lastOccurredAt === null ? [] : periodKeysBetween(result.firstOccurredAt, result.lastOccurredAt, 'month', timeZone);
  // The last full month (the last month of the history when it has only one).
  const lastFull = months.length > 1 && periodKeyBounds(months[months.length - 1]!, timeZone).endsAt > result.judgedAt ? months[months.length - 2]! : (months[months.length - 1] ?? null);
  const kpiRows = (period: string | null, by: 'rep' | 'team' | 'region'): readonly KpiRow[] =>
    result.kpi === null || period === null ? [] : queryKpi(result.kpi, { period, by, at: result.judgedAt }).rows;
  const company = (period: string) => (result.kpi === null ? undefined : queryKpi(result.kpi, { period, at: result.judgedAt }).rows[0]);
  const funnelCompany = result.funnel === null ? null : (queryFunnel(result.funnel, {}).rows[0] ?? null);
  const findings = context.redact ? result.findings.map(redactFinding) : result.findings;
  return {
    kind: 'dealbook.audit-report',
    reportVersion: 1,
    source: context.source,
    auditedAt: context.auditedAt,
    asOf: context.asOf,
    judgedAt: result.judgedAt,
    timeZone,
    currency: policy.currency,
    redacted: context.redact,
    summary: {
      lines: context.lines,
      events: result.events,
      streams: result.streams,
      firstOccurredAt: result.firstOccurredAt,
      lastOccurredAt: result.lastOccurredAt,
      errors: result.errors,
      warnings: result.warnings,
      byCode: result.byCode,
      clean: result.errors + result.warnings === 0,
    },
    findings,
    findingsOmitted: result.findingsOmitted,
    kpi: {
      months: months.map(company).filter((r): r is KpiRow => r !== undefined),
      byRep: { period: lastFull ?? '', by: 'rep', rows: kpiRows(lastFull, 'rep') },
      byTeam: { period: lastFull ?? '', by: 'team', rows: kpiRows(lastFull, 'team') },
      byRegion: { period: lastFull ?? '', by: 'region', rows: kpiRows(lastFull, 'region') },
    },
    funnel: { company: funnelCompany, byRegion: result.funnel === null ? [] : queryFunnel(result.funnel, { by: 'region' }).rows },
    receivables: {
      company: result.receivables === null ? null : (queryReceivables(result.receivables, { at: result.judgedAt }).rows[0] ?? null),
      byRep: result.receivables === null ? [] : queryReceivables(result.receivables, { at: result.judgedAt, by: 'rep' }).rows,
    },
  };
}

