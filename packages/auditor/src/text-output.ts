import type { FunnelResult } from '@dealbook/projections-funnel';
import type { KpiResult } from '@dealbook/projections-kpi';
import type { AuditReport } from './report.js';

/** Money for a terminal: minor units as a decimal with two places (formatting only, never arithmetic). */
export function money(minor: number): string {
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(3, '0');
  const units = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${units}.${digits.slice(-2)}`;
}
const pct = (ratio: number | null) => (ratio === null ? '-' : `${(ratio * 100).toFixed(1)}%`);
const num = (n: number | null) => (n === null ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: 1 }));

/** A plain text table: left-aligned first column, right-aligned others. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

/** `dealbook kpi`: one row per group. */
export function formatKpiTable(result: KpiResult): string {
  const rows = result.rows.map((r) => [
    r.group,
    money(r.signedSalesMinor),
    r.target.salesMinor === null ? '-' : money(r.target.salesMinor),
    pct(r.attainment),
    money(r.collectedMinor),
    String(r.visitsOnsite + r.visitsPhone),
    String(r.newCustomers),
    pct(r.winRate),
    pct(r.reportCompletion),
    r.score === null ? '-' : r.score.toFixed(1),
    r.performancePayMinor === null ? '-' : money(r.performancePayMinor),
    money(r.commissionMinor.total),
  ]);
  return `KPI ${result.period} by ${result.by} (${result.timeZone}; amounts in minor units / 100)\n\n${table(['group', 'signed', 'target', 'attain.', 'collected', 'visits', 'new cust.', 'win rate', 'reports', 'score', 'pay', 'commission'], rows)}`;
}

/** `dealbook funnel`: the stages of each group, then the closing figures. */
export function formatFunnelTable(result: FunnelResult): string {
  const out: string[] = [`Funnel by ${result.by}${result.period === null ? '' : `, closings in ${result.period}`}\n`];
  for (const row of result.rows) {
    out.push(`\n${row.group ?? '(none)'}: ${row.openCount} open, pipeline ${money(row.openValueMinor)}, weighted ${money(row.weightedPipelineMinor)}, win rate ${pct(row.closing.winRate)}, lead conversion ${pct(row.leadConversion)}\n`);
    out.push(table(['stage', 'now', 'value', 'entered', 'moved on', 'lost', 'still there', 'conversion', 'avg days'], row.stages.map((s) => [s.stage, String(s.count), money(s.valueMinor), String(s.entered), String(s.movedOn), String(s.lost), String(s.stillThere), pct(s.conversion), num(s.averageDaysInStage)])));
  }
  return out.join('');
}

/** The human summary `dealbook audit` prints without `--json`. */
export function formatAuditSummary(report: AuditReport, htmlPath: string | undefined): string {
  const s = report.summary;
  const lines = [
    `Audit of ${report.source.name}: ${s.events.toLocaleString('en-US')} events in ${s.streams.toLocaleString('en-US')} streams (${s.lines.toLocaleString('en-US')} records read), ${s.firstOccurredAt ?? '-'} to ${s.lastOccurredAt ?? '-'}.`,
    `Deadlines judged at ${report.judgedAt}${report.asOf === null ? '' : ` (as of ${report.asOf})`}.`,
    s.clean ? 'Clean: no findings.' : `${s.errors.toLocaleString('en-US')} errors, ${s.warnings.toLocaleString('en-US')} warnings.`,
  ];
  if (!s.clean) {
    lines.push('', table(['code', 'findings'], Object.entries(s.byCode).sort(([a], [b]) => (a < b ? -1 : 1)).map(([code, n]) => [code, String(n)])).trimEnd());
    lines.push('', 'First findings:');
    const first = [...report.findings.filter((f) => f.severity === 'error').slice(0, 5), ...report.findings.filter((f) => f.severity === 'warning').slice(0, 5)];
    for (const f of first) lines.push(`  ${f.severity === 'error' ? 'ERROR' : 'warn '} ${f.code}${f.line === undefined ? '' : ` line ${f.line}`}: ${f.message}`);
  }
  const company = report.kpi.months;
  if (company.length > 0) {
    lines.push('', table(['month', 'signed', 'collected', 'contracts', 'new cust.', 'visits'], company.map((r) => [r.period, money(r.signedSalesMinor), money(r.collectedMinor), String(r.contractsSigned), String(r.newCustomers), String(r.visitsOnsite + r.visitsPhone)])).trimEnd());
  }
  const r = report.receivables.company;
  if (r !== null) lines.push('', `Receivables at ${report.judgedAt}: ${money(r.openMinor)} open, ${money(r.overdueMinor)} past due, DSO ${r.dsoDays === null ? '-' : r.dsoDays.toFixed(1)} days.`);
  if (htmlPath !== undefined) lines.push('', `Report written to ${htmlPath}.`);
  return `${lines.join('\n')}\n`;
}
