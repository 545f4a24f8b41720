import type { FunnelRow } from '@dealbook/projections-funnel';
import type { KpiRow, ReceivablesRow } from '@dealbook/projections-kpi';
import { barChart, chartColors, columnChart, funnelChart, type BarRow } from './html-charts.js';
import { DASH, escapeHtml, formatCount, formatDecimal, formatInstantHtml, formatPercent, moneyFormat, plural, type MoneyFormat } from './html-format.js';
import { reportCss } from './html-style.js';
import type { AuditReport, Finding, Severity } from './report.js';

/** Options of `renderHtmlReport`. */
export interface HtmlReportOptions {
  /** Reps drawn in the per-rep chart: those with the highest signed sales. Default 30. */
  readonly topReps?: number;
}

/** What a person reads for each funnel stage key. */
export const funnelStageNames: Readonly<Record<string, string>> = {
  lead: 'Lead',
  prospecting: 'Prospecting',
  needs_analysis: 'Needs analysis',
  proposal: 'Proposal',
  quotation: 'Quotation',
  negotiation: 'Negotiation',
  won: 'Won',
};

const checkNames: Readonly<Record<string, string>> = {
  parse: 'parse',
  schema: 'schema',
  integrity: 'stream integrity',
  chain: 'hash chain',
  rule: 'business rule',
  deadline: 'deadline',
};

/** The verdict line: `Clean: no findings`, or `N errors, M warnings`. */
export function verdictText(report: AuditReport): string {
  const { errors, warnings, clean } = report.summary;
  if (clean && errors === 0 && warnings === 0) return 'Clean: no findings';
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

interface Ctx {
  readonly report: AuditReport;
  readonly money: MoneyFormat;
  readonly tz: string;
  readonly topReps: number;
  readonly noEvents: boolean;
}

const num = (text: string) => `<td class="num">${text}</td>`;
const cell = (text: string) => `<td>${text}</td>`;
const head = (labels: readonly (string | [string, 'num'])[]) =>
  `<thead><tr>${labels.map((l) => (typeof l === 'string' ? `<th scope="col">${escapeHtml(l)}</th>` : `<th scope="col" class="num">${escapeHtml(l[0])}</th>`)).join('')}</tr></thead>`;
const empty = (text: string) => `<p class="empty">${escapeHtml(text)}</p>`;
const note = (text: string) => `<p class="note">${escapeHtml(text)}</p>`;
const card = (value: string, label: string, kind = '') => `<div class="card${kind === '' ? '' : ` ${kind}`}"><div class="value">${value}</div><div class="label">${escapeHtml(label)}</div></div>`;

// ---------------------------------------------------------------- header

function headerHtml(ctx: Ctx): string {
  const { report, tz } = ctx;
  const s = report.summary;
  const verdict = verdictText(report);
  const kind = s.errors > 0 ? 'errors' : s.clean && s.warnings === 0 ? 'clean' : 'warnings';
  const explain =
    kind === 'clean'
      ? 'Every line parsed, every stream is intact, the hash chains hold and no rule or deadline was broken.'
      : 'The audit found problems: see the findings below, worst first.';
  const meta: [string, string][] = [
    ['Source', `${escapeHtml(report.source.name)} <span class="muted">(${escapeHtml(report.source.kind)})</span>`],
    ['Audited at', formatInstantHtml(report.auditedAt, tz)],
    ['As of', report.asOf === null ? 'everything recorded (no cut-off)' : formatInstantHtml(report.asOf, tz)],
    ['Judged at', `${formatInstantHtml(report.judgedAt, tz)} <span class="muted">(deadlines and aging are judged at this instant)</span>`],
    ['Time zone', escapeHtml(tz)],
    ['Currency', escapeHtml(report.currency)],
    ['History', s.firstOccurredAt === null ? '<span class="muted">no events</span>' : `${formatInstantHtml(s.firstOccurredAt, tz)} → ${formatInstantHtml(s.lastOccurredAt, tz)}`],
  ];
  if (report.redacted) meta.push(['Redacted', 'yes: customer contact details are left out']);
  const codes = Object.entries(s.byCode).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const severityOf = new Map<string, Severity>();
  for (const f of report.findings) if (!severityOf.has(f.code)) severityOf.set(f.code, f.severity);
  const byCode =
    codes.length === 0
      ? ''
      : `<h3>Findings per code</h3><table class="compact" id="findings-per-code">${head(['Code', 'Severity', ['Findings', 'num']])}<tbody>${codes
          .map(([code, n]) => {
            const sev = severityOf.get(code);
            return `<tr>${cell(escapeHtml(code))}${cell(sev === undefined ? DASH : `<span class="sev ${sev}">${sev}</span>`)}${num(formatCount(n))}</tr>`;
          })
          .join('')}</tbody></table>`;
  return (
    `<header>` +
    `<h1>Audit report</h1>` +
    `<p class="subtitle">dealbook event-replay audit of <strong>${escapeHtml(report.source.name)}</strong></p>` +
    `<div class="verdict ${kind}" role="status" id="verdict">${escapeHtml(verdict)}<small>${escapeHtml(explain)}</small></div>` +
    `<dl class="meta">${meta.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join('')}</dl>` +
    `<div class="cards" id="totals">` +
    card(formatCount(s.events), 'events') +
    card(formatCount(s.streams), 'streams') +
    card(formatCount(s.lines), 'lines') +
    card(formatCount(s.errors), 'errors', s.errors > 0 ? 'bad' : '') +
    card(formatCount(s.warnings), 'warnings', s.warnings > 0 ? 'warn' : '') +
    `</div>` +
    byCode +
    `<nav class="toc" aria-label="Contents"><a href="#findings">Findings</a><a href="#funnel">Sales funnel</a><a href="#kpi">KPI</a><a href="#receivables">Receivables</a></nav>` +
    `</header>`
  );
}

// ---------------------------------------------------------------- findings

const severityRank = (s: Severity) => (s === 'error' ? 0 : 1);

/** Findings grouped worst first: errors then warnings, each by code, each group in history order. */
export function groupFindings(findings: readonly Finding[]): { readonly severity: Severity; readonly code: string; readonly findings: readonly Finding[] }[] {
  const groups = new Map<string, { severity: Severity; code: string; findings: Finding[] }>();
  for (const f of findings) {
    const severity: Severity = f.severity === 'warning' ? 'warning' : 'error';
    const key = `${severity}\u0000${f.code}`;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { severity, code: String(f.code), findings: [] }));
    g.findings.push(f);
  }
  return [...groups.values()].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

function findingsHtml(ctx: Ctx): string {
  const { report } = ctx;
  const parts: string[] = [`<section id="findings"><h2>Findings</h2>`];
  if (report.findings.length === 0 && report.findingsOmitted === 0) {
    parts.push(empty('No findings: nothing to report.'));
  } else {
    parts.push(`<p>${escapeHtml(plural(report.findings.length + report.findingsOmitted, 'finding'))}, errors first, grouped by code; within a code in the order of the history.</p>`);
    parts.push(`<table id="findings-table">${head(['Severity', 'Code', 'Check', 'Stream', ['Version', 'num'], ['Line', 'num'], 'Event id', 'Message'])}`);
    for (const g of groupFindings(report.findings)) {
      parts.push(`<tbody><tr class="group"><th colspan="8" scope="rowgroup">${escapeHtml(g.code)} · ${escapeHtml(plural(g.findings.length, g.severity))}</th></tr>`);
      for (const f of g.findings) {
        const details =
          f.details === undefined || Object.keys(f.details).length === 0
            ? ''
            : `<details><summary>details</summary><pre>${escapeHtml(safeJson(f.details))}</pre></details>`;
        parts.push(
          `<tr class="finding">` +
            cell(`<span class="sev ${g.severity}">${g.severity}</span>`) +
            cell(escapeHtml(f.code)) +
            cell(escapeHtml(checkNames[f.check] ?? f.check)) +
            `<td class="id">${f.streamId === undefined ? DASH : escapeHtml(f.streamId)}</td>` +
            num(f.streamVersion === undefined ? DASH : escapeHtml(f.streamVersion)) +
            num(f.line === undefined ? DASH : escapeHtml(f.line)) +
            `<td class="id">${f.eventId === undefined ? DASH : escapeHtml(f.eventId)}</td>` +
            `<td class="message">${escapeHtml(f.message)}${details}</td>` +
            `</tr>`,
        );
      }
      parts.push(`</tbody>`);
    }
    parts.push(`</table>`);
    if (report.findingsOmitted > 0) {
      parts.push(note(`… and ${formatCount(report.findingsOmitted)} more not shown (the report lists the first ${formatCount(report.findings.length)}; the per-code counts above include them all).`));
    }
  }
  parts.push(`</section>`);
  return parts.join('');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? '';
  } catch {
    return String(value);
  }
}

// ---------------------------------------------------------------- funnel

const stageName = (stage: string) => funnelStageNames[stage] ?? stage;
const groupName = (group: string | null) => (group === null ? '(unknown)' : group);
const enteredAt = (row: FunnelRow, stage: string) => row.stages.find((s) => s.stage === stage)?.entered ?? 0;

function funnelHtml(ctx: Ctx): string {
  const { report, money } = ctx;
  const company = report.funnel.company;
  const parts: string[] = [`<section id="funnel"><h2>Sales funnel</h2>`];
  if (company === null || company.stages.every((s) => s.entered === 0 && s.count === 0)) {
    parts.push(empty(ctx.noEvents ? 'No events were audited, so there is no funnel to show.' : 'No leads or opportunities in the history: there is no funnel to show.'));
    parts.push(`</section>`);
    return parts.join('');
  }
  const c = company.closing;
  parts.push(
    `<div class="cards">` +
      card(formatCount(company.openCount), 'open opportunities') +
      card(escapeHtml(money.format(company.openValueMinor)), 'open pipeline value') +
      card(escapeHtml(money.format(company.weightedPipelineMinor)), 'weighted pipeline') +
      card(formatPercent(c.winRate), 'win rate (won ÷ closed)') +
      card(formatDecimal(c.averageSalesCycleDays), 'average sales cycle, days') +
      card(escapeHtml(c.velocityMinorPerDay === null ? DASH : money.format(c.velocityMinorPerDay)), 'pipeline velocity per day') +
      `</div>`,
  );
  parts.push(
    funnelChart({
      id: 'chart-funnel',
      title: 'Sales funnel: lead → prospecting → … → won',
      description: `Company funnel. ${company.stages.map((s) => `${stageName(s.stage)}: ${s.entered} entered, ${s.count} now${s.conversion === null ? '' : `, ${formatPercent(s.conversion)} moved on`}`).join('; ')}.`,
      stages: company.stages.map((s) => ({ name: stageName(s.stage), entered: s.entered, now: s.count, conversion: s.conversion })),
    }),
  );
  parts.push(`<h3>Stages</h3><table id="funnel-stages">${head(['Stage', ['Now', 'num'], ['Value now', 'num'], ['Entered', 'num'], ['Moved on', 'num'], ['Lost', 'num'], ['Still there', 'num'], ['Conversion', 'num'], ['Avg days in stage', 'num']])}<tbody>`);
  for (const s of company.stages) {
    parts.push(
      `<tr>${cell(escapeHtml(stageName(s.stage)))}${num(formatCount(s.count))}${num(escapeHtml(money.format(s.valueMinor)))}${num(formatCount(s.entered))}${num(formatCount(s.movedOn))}${num(formatCount(s.lost))}${num(formatCount(s.stillThere))}${num(formatPercent(s.conversion))}${num(formatDecimal(s.averageDaysInStage))}</tr>`,
    );
  }
  parts.push(`</tbody></table>`);

  parts.push(`<h3>Per region</h3>`);
  if (report.funnel.byRegion.length === 0) parts.push(empty('No region is known for any lead or opportunity.'));
  else {
    parts.push(`<table id="funnel-regions">${head(['Region', ['Leads captured', 'num'], ['Opportunities', 'num'], ['Won', 'num'], ['Lost', 'num'], ['Win rate', 'num'], ['Lead conversion', 'num'], ['Open pipeline', 'num'], ['Weighted pipeline', 'num']])}<tbody>`);
    for (const r of report.funnel.byRegion) {
      parts.push(
        `<tr>${cell(escapeHtml(groupName(r.group)))}${num(formatCount(enteredAt(r, 'lead')))}${num(formatCount(enteredAt(r, 'prospecting')))}${num(formatCount(r.closing.won))}${num(formatCount(r.closing.lost))}${num(formatPercent(r.closing.winRate))}${num(formatPercent(r.leadConversion))}${num(escapeHtml(money.format(r.openValueMinor)))}${num(escapeHtml(money.format(r.weightedPipelineMinor)))}</tr>`,
      );
    }
    parts.push(`</tbody></table>`);
  }
  if (c.lostReasons.length > 0) {
    parts.push(`<h3>Why opportunities were lost</h3><table class="compact" id="funnel-lost">${head(['Reason', ['Lost', 'num'], ['Value', 'num']])}<tbody>`);
    for (const l of [...c.lostReasons].sort((a, b) => b.count - a.count)) parts.push(`<tr>${cell(escapeHtml(l.reason))}${num(formatCount(l.count))}${num(escapeHtml(money.format(l.valueMinor)))}</tr>`);
    parts.push(`</tbody></table>`);
  }
  parts.push(`</section>`);
  return parts.join('');
}

// ---------------------------------------------------------------- KPI

const hasSalesTarget = (r: KpiRow) => r.target.salesMinor !== null;
const bySignedDesc = (a: KpiRow, b: KpiRow) => b.signedSalesMinor - a.signedSalesMinor || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0);

function signedVsTarget(rows: readonly KpiRow[]): BarRow[] {
  return rows.map((r) => ({
    label: r.group,
    value: r.signedSalesMinor,
    target: r.target.salesMinor,
    ...(r.attainment === null ? {} : { note: `${formatPercent(r.attainment)} of target` }),
  }));
}

function kpiBarSection(ctx: Ctx, opts: { id: string; unit: string; unitPlural: string; period: string; rows: readonly KpiRow[]; limit: number }): string {
  const { money } = ctx;
  const { rows, period } = opts;
  if (rows.length === 0) return empty(`No KPI figures per ${opts.unit} for ${period === '' ? 'any period' : period}.`);
  const anyTarget = rows.some(hasSalesTarget);
  const anySigned = rows.some((r) => r.signedSalesMinor !== 0);
  if (!anyTarget && !anySigned) return empty(`Nothing was signed in ${period} and no sales targets were set for it: there is nothing to chart per ${opts.unit}.`);
  const parts: string[] = [];
  if (!anyTarget) parts.push(note(`No sales targets were set for ${period}: the bars show signed sales only.`));
  const sorted = [...rows].sort(bySignedDesc);
  const shown = sorted.slice(0, opts.limit);
  if (sorted.length > shown.length) {
    parts.push(note(`Showing the ${formatCount(shown.length)} ${opts.unitPlural} with the highest signed sales of ${formatCount(sorted.length)}; the table below lists them all.`));
  }
  parts.push(
    barChart({
      id: opts.id,
      title: `Signed sales vs target per ${opts.unit}, ${period}`,
      description: `Signed sales (${money.currency}) per ${opts.unit} in ${period}${anyTarget ? ', with each target as a wider light bar behind' : ''}. ${shown.map((r) => `${r.group}: ${money.format(r.signedSalesMinor)}${r.target.salesMinor === null ? '' : ` of ${money.format(r.target.salesMinor)}`}`).join('; ')}.`,
      categoryLabel: opts.unit === 'rep' ? 'Sales rep' : 'Region',
      valueLabel: `Signed sales (${ctx.report.currency})`,
      valueName: 'Signed sales',
      targetName: 'Sales target',
      rows: signedVsTarget(shown),
      format: (v) => money.format(v),
      compact: (v) => money.compact(v),
    }),
  );
  return parts.join('');
}

function visitsText(r: KpiRow): string {
  const visits = r.visitsOnsite + r.visitsPhone;
  return r.target.visits === null ? formatCount(visits) : `${formatCount(visits)} / ${formatCount(r.target.visits)}`;
}

function kpiTable(ctx: Ctx, id: string, label: string, rows: readonly KpiRow[], withScore: boolean): string {
  const { money } = ctx;
  // Rep rows trade collected and contracts for score, pay and commission, so the table fits the page.
  const columns: (string | [string, 'num'])[] = [label, ['Signed sales', 'num'], ['Target', 'num'], ['Attainment', 'num']];
  if (!withScore) columns.push(['Collected', 'num'], ['Contracts', 'num']);
  columns.push(['Win rate', 'num'], ['Visits (vs target)', 'num'], ['Report completion', 'num']);
  if (withScore) columns.push(['Score', 'num'], ['Performance pay', 'num'], ['Commission', 'num']);
  const body = rows
    .map((r) => {
      let tr =
        `<tr>${cell(escapeHtml(r.group))}${num(escapeHtml(money.format(r.signedSalesMinor)))}${num(escapeHtml(r.target.salesMinor === null ? 'no target' : money.format(r.target.salesMinor)))}` +
        num(formatPercent(r.attainment)) +
        (withScore ? '' : `${num(escapeHtml(money.format(r.collectedMinor)))}${num(formatCount(r.contractsSigned))}`) +
        `${num(formatPercent(r.winRate))}${num(visitsText(r))}${num(formatPercent(r.reportCompletion))}`;
      if (withScore) tr += `${num(formatDecimal(r.score))}${num(escapeHtml(money.format(r.performancePayMinor)))}${num(escapeHtml(money.format(r.commissionMinor.total)))}`;
      return `${tr}</tr>`;
    })
    .join('');
  return `<div class="table-wrap"><table id="${id}" class="wide">${head(columns)}<tbody>${body}</tbody></table></div>`;
}

function kpiHtml(ctx: Ctx): string {
  const { report, money } = ctx;
  const { kpi } = report;
  const parts: string[] = [`<section id="kpi"><h2>KPI</h2>`];
  if (ctx.noEvents) {
    parts.push(empty('No events were audited, so there are no KPI figures to show.'), `</section>`);
    return parts.join('');
  }
  const period = kpi.byRep.period || kpi.byTeam.period || kpi.byRegion.period;
  parts.push(`<p>Per rep, team and region for <strong>${escapeHtml(period === '' ? 'no full period' : period)}</strong> (the last full month); per month for the company. Each fact is credited to whoever owned it when it happened.</p>`);

  // Per period.
  parts.push(`<h3>Per month</h3>`);
  const months = kpi.months;
  if (months.length === 0 || months.every((m) => m.signedSalesMinor === 0 && m.collectedMinor === 0)) {
    parts.push(empty(months.length === 0 ? 'No months in the history.' : `Nothing was signed or collected in ${months[0]!.period} – ${months[months.length - 1]!.period}.`));
  } else {
    parts.push(
      columnChart({
        id: 'chart-kpi-months',
        title: 'Company signed sales and collections per month',
        description: `Per month, signed sales and collected payments (${money.currency}). ${months.map((m) => `${m.period}: signed ${money.format(m.signedSalesMinor)}, collected ${money.format(m.collectedMinor)}`).join('; ')}.`,
        categoryLabel: `Month (${ctx.tz})`,
        valueLabel: `Amount (${report.currency})`,
        categories: months.map((m) => m.period),
        series: [
          { name: 'Signed sales', values: months.map((m) => m.signedSalesMinor), color: chartColors.primary },
          { name: 'Collected', values: months.map((m) => m.collectedMinor), color: chartColors.secondary },
        ],
        format: (v) => money.format(v),
        compact: (v) => money.compact(v),
      }),
    );
  }
  if (months.length > 0) {
    parts.push(`<table id="kpi-months">${head(['Month', ['Signed sales', 'num'], ['Target', 'num'], ['Attainment', 'num'], ['Collected', 'num'], ['Contracts', 'num'], ['New customers', 'num'], ['Win rate', 'num'], ['Overdue at month end', 'num']])}<tbody>`);
    for (const m of months) {
      parts.push(
        `<tr>${cell(escapeHtml(m.period))}${num(escapeHtml(money.format(m.signedSalesMinor)))}${num(escapeHtml(m.target.salesMinor === null ? 'no target' : money.format(m.target.salesMinor)))}${num(formatPercent(m.attainment))}${num(escapeHtml(money.format(m.collectedMinor)))}${num(formatCount(m.contractsSigned))}${num(formatCount(m.newCustomers))}${num(formatPercent(m.winRate))}${num(escapeHtml(money.format(m.overdueReceivablesMinor)))}</tr>`,
      );
    }
    parts.push(`</tbody></table>`);
  }

  // Per rep.
  parts.push(`<h3>Per rep</h3>`);
  parts.push(kpiBarSection(ctx, { id: 'chart-kpi-reps', unit: 'rep', unitPlural: 'reps', period: kpi.byRep.period, rows: kpi.byRep.rows, limit: ctx.topReps }));
  if (kpi.byRep.rows.length > 0) {
    const reps = [...kpi.byRep.rows].sort(bySignedDesc);
    parts.push(
      `<details id="kpi-reps-details"${reps.length <= ctx.topReps ? ' open' : ''}><summary>All ${escapeHtml(plural(reps.length, 'rep'))}: score, pay and commission (${escapeHtml(kpi.byRep.period)})</summary>${kpiTable(ctx, 'kpi-reps', 'Rep', reps, true)}</details>`,
    );
  }

  // Per region.
  parts.push(`<h3>Per region</h3>`);
  parts.push(kpiBarSection(ctx, { id: 'chart-kpi-regions', unit: 'region', unitPlural: 'regions', period: kpi.byRegion.period, rows: kpi.byRegion.rows, limit: 50 }));

  // Per team.
  parts.push(`<h3>Per team</h3>`);
  if (kpi.byTeam.rows.length === 0) parts.push(empty(`No KPI figures per team for ${kpi.byTeam.period === '' ? 'any period' : kpi.byTeam.period}.`));
  else {
    if (!kpi.byTeam.rows.some(hasSalesTarget)) parts.push(note(`No sales targets were set for ${kpi.byTeam.period}: attainment cannot be computed.`));
    parts.push(kpiTable(ctx, 'kpi-teams', 'Team (manager)', kpi.byTeam.rows, false));
  }
  parts.push(`</section>`);
  return parts.join('');
}

// ---------------------------------------------------------------- receivables

const agingKeys = ['notDue', 'days1to30', 'days31to60', 'days61to90', 'over90'] as const;
const agingNames = ['Not due', '1–30 days', '31–60 days', '61–90 days', 'Over 90 days'];

function receivablesHtml(ctx: Ctx): string {
  const { report, money } = ctx;
  const company = report.receivables.company;
  const parts: string[] = [`<section id="receivables"><h2>Receivables</h2>`];
  if (ctx.noEvents) {
    parts.push(empty('No events were audited, so there are no receivables to show.'), `</section>`);
    return parts.join('');
  }
  parts.push(`<p>Open invoices at ${formatInstantHtml(report.judgedAt, ctx.tz)}, by days past due.</p>`);
  if (company === null || company.openMinor === 0) {
    parts.push(empty('Nothing is owed: no invoice is open at this instant.'));
  } else {
    parts.push(
      `<div class="cards">` +
        card(escapeHtml(money.format(company.openMinor)), 'open') +
        card(escapeHtml(money.format(company.overdueMinor)), 'past due', company.overdueMinor > 0 ? 'bad' : '') +
        card(formatCount(company.openInvoices), 'open invoices') +
        card(formatDecimal(company.dsoDays), 'DSO, days') +
        `</div>`,
    );
    const values = agingKeys.map((k) => company.aging[k]);
    parts.push(
      columnChart({
        id: 'chart-aging',
        title: 'Receivables aging: open amounts by days past due',
        description: `Open receivables (${money.currency}) by days past due. ${agingNames.map((n, i) => `${n}: ${money.format(values[i]!)}`).join('; ')}.`,
        categoryLabel: 'Days past due',
        valueLabel: `Open amount (${report.currency})`,
        categories: agingNames,
        series: [{ name: 'Open amount', values, color: chartColors.primary }],
        categoryColors: chartColors.aging,
        format: (v) => money.format(v),
        compact: (v) => money.compact(v),
      }),
    );
  }
  parts.push(`<h3>Per rep</h3>`);
  const reps = [...report.receivables.byRep].sort((a, b) => b.overdueMinor - a.overdueMinor || b.openMinor - a.openMinor || (a.key < b.key ? -1 : 1));
  if (reps.length === 0) parts.push(empty('No rep has an open invoice or invoiced anything in the DSO window.'));
  else {
    parts.push(`<p class="muted">Most past due first.</p>`);
    parts.push(`<div class="table-wrap"><table id="receivables-reps" class="wide">${head(['Rep', ['Open', 'num'], ...agingNames.map((n): [string, 'num'] => [n, 'num']), ['Past due', 'num'], ['Invoices', 'num'], ['DSO days', 'num']])}<tbody>`);
    for (const r of reps) parts.push(receivablesRow(money, r));
    parts.push(`</tbody></table></div>`);
  }
  parts.push(`</section>`);
  return parts.join('');
}

function receivablesRow(money: MoneyFormat, r: ReceivablesRow): string {
  return `<tr>${cell(escapeHtml(r.key))}${num(escapeHtml(money.format(r.openMinor)))}${agingKeys.map((k) => num(escapeHtml(money.format(r.aging[k])))).join('')}${num(escapeHtml(money.format(r.overdueMinor)))}${num(formatCount(r.openInvoices))}${num(formatDecimal(r.dsoDays))}</tr>`;
}

// ---------------------------------------------------------------- page

/**
 * Renders an audit report as ONE self-contained HTML document: inline CSS,
 * inline SVG charts, no scripts and nothing loaded from anywhere (a
 * Content-Security-Policy forbids it too). Header with the verdict and totals,
 * the findings (errors first, grouped by code, every text escaped), the funnel,
 * KPI per month, rep, region and team, and receivables aging. Money is
 * formatted from minor units in the report's currency; instants show in the
 * report's time zone with the UTC instant beside them. Options: `topReps`
 * (default 30) reps drawn in the per-rep chart.
 */
export function renderHtmlReport(report: AuditReport, options: HtmlReportOptions = {}): string {
  const ctx: Ctx = {
    report,
    money: moneyFormat(report.currency),
    tz: report.timeZone,
    topReps: Math.max(1, Math.floor(options.topReps ?? 30)),
    noEvents: report.summary.events === 0,
  };
  const title = `Audit report: ${report.source.name} (${verdictText(report)})`;
  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="generator" content="dealbook auditor, report version ${escapeHtml(report.reportVersion)}">` +
    `<title>${escapeHtml(title)}</title><style>${reportCss}</style></head>` +
    `<body><main>` +
    headerHtml(ctx) +
    findingsHtml(ctx) +
    funnelHtml(ctx) +
    kpiHtml(ctx) +
    receivablesHtml(ctx) +
    `<footer>Made by the dealbook auditor (report version ${escapeHtml(report.reportVersion)}). Amounts in ${escapeHtml(report.currency)}; times in ${escapeHtml(report.timeZone)} with the UTC instant beside them. Ratios are computed from summed figures.</footer>` +
    `</main></body></html>\n`
  );
}
