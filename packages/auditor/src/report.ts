import type { FunnelRow } from '@dealbook/projections-funnel';
import type { KpiRow, ReceivablesRow } from '@dealbook/projections-kpi';

/** How bad a finding is: an `error` breaks a rule or the record itself; a `warning` is worth a look. */
export type Severity = 'error' | 'warning';

/** Which check found it (docs/auditor.md lists every code of each). */
export type CheckKind = 'parse' | 'schema' | 'integrity' | 'chain' | 'rule' | 'deadline';

/** One thing the audit found. */
export interface Finding {
  /** A rule code (`R-CONTRACT-LEGAL`) or an audit code (`A-PARSE`, `A-CHAIN`, …). */
  readonly code: string;
  readonly severity: Severity;
  readonly check: CheckKind;
  /** What a person reads: what is wrong, where, and what it means. */
  readonly message: string;
  readonly streamId?: string;
  readonly streamVersion?: number;
  readonly eventId?: string;
  /** 1-based line of a JSONL source. */
  readonly line?: number;
  /** Machine-readable facts (amounts, deadlines, the expected hash…). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** A KPI table of one period. */
export interface KpiSection {
  readonly period: string;
  readonly by: 'rep' | 'team' | 'region' | 'company';
  readonly rows: readonly KpiRow[];
}

/** The one JSON document `dealbook audit --json` prints (schema: docs/auditor.md). */
export interface AuditReport {
  readonly kind: 'dealbook.audit-report';
  /** Version of this report's shape. */
  readonly reportVersion: 1;
  readonly source: { readonly kind: 'jsonl' | 'sqlite' | 'eventstoredb'; readonly name: string };
  /** When the audit ran (ISO-8601 UTC). */
  readonly auditedAt: string;
  /** Only events recorded at or before this instant were audited (null: all). */
  readonly asOf: string | null;
  /** The instant time-based rules were judged at: `asOf`, else the audit instant. */
  readonly judgedAt: string;
  readonly timeZone: string;
  readonly currency: string;
  /** Customer contact details left out (`--redact`). */
  readonly redacted: boolean;
  readonly summary: {
    readonly lines: number;
    readonly events: number;
    readonly streams: number;
    readonly firstOccurredAt: string | null;
    readonly lastOccurredAt: string | null;
    readonly errors: number;
    readonly warnings: number;
    /** Findings per code. */
    readonly byCode: Readonly<Record<string, number>>;
    /** No findings at all. */
    readonly clean: boolean;
  };
  /** Every finding, in the order of the history (the first `findingsLimit` when there are more; see `findingsOmitted`). */
  readonly findings: readonly Finding[];
  readonly findingsOmitted: number;
  /** KPI rebuilt: per month by company, the last full period by rep, team and region. */
  readonly kpi: {
    /** Company figures of each month of the history, oldest first. */
    readonly months: readonly KpiRow[];
    readonly byRep: KpiSection;
    readonly byTeam: KpiSection;
    readonly byRegion: KpiSection;
  };
  /** The funnel now: the company row and one row per region. */
  readonly funnel: { readonly company: FunnelRow | null; readonly byRegion: readonly FunnelRow[] };
  /** Receivables at `judgedAt`: the company and per rep. */
  readonly receivables: { readonly company: ReceivablesRow | null; readonly byRep: readonly ReceivablesRow[] };
}
