import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { niceTicks } from './html-charts.js';
import { emptyAuditReport, manyRepsAuditReport, sampleAuditReport, sampleFindings } from './html-fixture.js';
import { escapeHtml, formatInstantHtml, formatPercent, moneyFormat } from './html-format.js';
import { groupFindings, renderHtmlReport, verdictText } from './html-report.js';
import type { AuditReport, Finding } from './report.js';

let report: AuditReport;
let html: string;

beforeAll(async () => {
  report = await sampleAuditReport();
  html = renderHtmlReport(report);
});

/** The markup of the element with this id (up to its closing tag of the same name, no nesting of that name). */
function element(page: string, id: string): string {
  const start = page.search(new RegExp(`<([a-z]+)[^>]*\\bid="${id}"`));
  expect(start, `#${id} in the page`).toBeGreaterThanOrEqual(0);
  const tag = /^<([a-z]+)/.exec(page.slice(start))![1]!;
  const end = page.indexOf(`</${tag}>`, start);
  return page.slice(start, end + tag.length + 3);
}

const count = (text: string, needle: string) => text.split(needle).length - 1;
const cleanOf = (r: AuditReport): AuditReport => ({ ...r, findings: [], findingsOmitted: 0, summary: { ...r.summary, errors: 0, warnings: 0, byCode: {}, clean: true } });

describe('escapeHtml and formats', () => {
  it('escapes the five HTML specials and turns anything into text', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(42)).toBe('42');
  });

  it('formats money exactly from minor units in the currency', () => {
    const cny = moneyFormat('CNY');
    expect(cny.format(123456)).toBe('CN¥1,234.56');
    expect(cny.format(5)).toBe('CN¥0.05');
    expect(cny.format(-100)).toBe('-CN¥1.00');
    expect(cny.format(Number.MAX_SAFE_INTEGER)).toBe('CN¥90,071,992,547,409.91');
    expect(cny.format(162610814.59016395)).toBe('CN¥1,626,108.15'); // a mean: rounded to the minor unit
    expect(cny.format(null)).toBe('—');
    expect(cny.format(Number.NaN)).toBe('—');
    expect(cny.compact(4_160_000_00)).toBe('CN¥4.2M');
    expect(cny.compact(0)).toBe('CN¥0');
    expect(moneyFormat('JPY').format(1234)).toBe('¥1,234');
    expect(moneyFormat('USD').format(1999)).toBe('$19.99');
    expect(moneyFormat('not a currency').format(1999)).toBe('19.99 not a curren');
  });

  it('shows instants in the time zone with the UTC instant beside them, and bad ones as given', () => {
    expect(formatInstantHtml('2026-01-31T17:00:00.000Z', 'Asia/Shanghai')).toContain('2026-02-01 01:00:00');
    expect(formatInstantHtml('2026-01-31T17:00:00.000Z', 'Asia/Shanghai')).toContain('2026-01-31T17:00:00.000Z');
    expect(formatInstantHtml('2026-01-31T17:00:00.000Z', 'Not/AZone')).toBe('<span>2026-01-31T17:00:00.000Z</span>');
    expect(formatInstantHtml('<b>', 'UTC')).toBe('<span>&lt;b&gt;</span>');
    expect(formatInstantHtml(null, 'UTC')).toContain('none');
    expect(formatPercent(0.7230046948356808)).toBe('72.3%');
    expect(formatPercent(null)).toBe('—');
  });

  it('picks round axis ticks that reach the maximum', () => {
    expect(niceTicks(58_278_768)).toEqual([0, 20_000_000, 40_000_000, 60_000_000]);
    expect(niceTicks(0)).toEqual([0, 1]);
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: 1e-3, max: 1e15, noNaN: true }), fc.double({ min: Number.MIN_VALUE, max: 1e300, noNaN: true }), fc.constantFrom(1000.0784513367718, 5e-324)), (max) => {
        const ticks = niceTicks(max);
        expect(ticks[0]).toBe(0);
        expect(ticks[ticks.length - 1]!).toBeGreaterThanOrEqual(max * (1 - 1e-9));
        expect(ticks.length).toBeLessThanOrEqual(12);
      }),
    );
  });
});

describe('renderHtmlReport', () => {
  it('is one HTML document with the verdict, the header facts and the totals', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(count(html, '<html')).toBe(1);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(verdictText(report)).toBe('3 errors, 2 warnings');
    expect(element(html, 'verdict')).toContain('3 errors, 2 warnings');
    expect(element(html, 'verdict')).toContain('class="verdict errors"');
    for (const fact of ['Source', 'Audited at', 'As of', 'Judged at', 'Time zone', 'Currency']) expect(html).toContain(`<dt>${fact}</dt>`);
    expect(html).toContain(report.source.name);
    expect(html).toContain(report.auditedAt);
    expect(html).toContain('Asia/Shanghai');
    const totals = html.slice(html.indexOf('id="totals"'), html.indexOf('id="findings-per-code"'));
    for (const [n, label] of [[report.summary.events, 'events'], [report.summary.streams, 'streams'], [report.summary.lines, 'lines'], [3, 'errors'], [2, 'warnings']] as const) {
      expect(totals).toContain(`<div class="value">${n.toLocaleString('en')}</div><div class="label">${label}</div>`);
    }
    const perCode = element(html, 'findings-per-code');
    for (const code of Object.keys(report.summary.byCode)) expect(perCode).toContain(`<td>${code}</td>`);
  });

  it('says Clean when there are no findings, and the warnings verdict when only warnings', () => {
    const clean = renderHtmlReport(cleanOf(report));
    expect(element(clean, 'verdict')).toContain('Clean: no findings');
    expect(element(clean, 'verdict')).toContain('class="verdict clean"');
    expect(clean).toContain('No findings: nothing to report.');
    const warningsOnly = renderHtmlReport({ ...report, findings: report.findings.filter((f) => f.severity === 'warning'), summary: { ...report.summary, errors: 0, warnings: 2 } });
    expect(element(warningsOnly, 'verdict')).toContain('0 errors, 2 warnings');
    expect(element(warningsOnly, 'verdict')).toContain('class="verdict warnings"');
  });

  it('lists every finding, errors first and grouped by code, with its stream, version, line and event id', () => {
    const table = element(html, 'findings-table');
    expect(count(table, '<tr class="finding">')).toBe(report.findings.length);
    const groups = groupFindings(report.findings);
    expect(groups.map((g) => `${g.severity} ${g.code}`)).toEqual(['error A-CHAIN', 'error A-PARSE', 'error R-CONTRACT-LEGAL', 'warning A-SCHEMA', 'warning R-REPORT-LATE']);
    let at = 0;
    for (const g of groups) {
      const next = table.indexOf(`${g.code} · `, at);
      expect(next, g.code).toBeGreaterThan(at);
      at = next;
    }
    expect(table).toContain('contract-c-0042');
    expect(table).toContain('<td class="num">118</td>');
    expect(table).toContain('evt-0042-3');
    expect(table).toContain('hash chain');
  });

  it('shows untrusted text as text: <script> in a message is escaped, never markup', () => {
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('evt-&quot;0077&quot;&amp;&lt;1&gt;');
    expect(html).toContain('O&#39;Brien &amp; Co&#39;s');
    const hostile = '"><img src=x onerror=alert(1)><svg onload=alert(2)>';
    const page = renderHtmlReport({ ...report, source: { kind: 'jsonl', name: hostile }, findings: [{ ...report.findings[0]!, code: hostile, streamId: hostile, eventId: hostile, message: hostile, details: { hostile } }] });
    expect(page).not.toMatch(/<img|<svg onload|<script/i);
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it('no text of a finding can add markup (property: any message, id or code leaves the tags as they were)', () => {
    const base = emptyAuditReport();
    const withFinding = (f: Finding): AuditReport => ({ ...base, findings: [f], summary: { ...base.summary, errors: 1, byCode: { [f.code]: 1 }, clean: false } });
    const plain: Finding = { code: 'A-X', severity: 'error', check: 'rule', message: 'm', streamId: 's', eventId: 'e', details: { s: 'm' } };
    const reference = renderHtmlReport(withFinding(plain));
    const tags = (page: string) => [count(page, '<'), count(page, '>')];
    // Markup-heavy text as often as arbitrary Unicode: a random code point is almost never `<`.
    const text = (minLength: number) =>
      fc.oneof(fc.string({ unit: 'binary', minLength }), fc.string({ unit: fc.constantFrom('<', '>', '&', '"', "'", '/', '=', ' ', 'script', 'img', 'a', '\n'), minLength }));
    fc.assert(
      fc.property(text(0), text(0), text(1), (message, id, code) => {
        const page = renderHtmlReport({ ...withFinding({ ...plain, message, streamId: id, eventId: id, code, details: { [id]: message } }), source: { kind: 'jsonl', name: id } });
        expect(tags(page)).toEqual(tags(reference));
        expect(page).toContain(escapeHtml(message));
      }),
      { numRuns: 200 },
    );
  });

  it('loads nothing from anywhere: no scripts, links, images, URLs in src, href or url()', () => {
    for (const page of [html, renderHtmlReport(emptyAuditReport())]) {
      expect(page).not.toMatch(/<(script|link|img|iframe|object|embed|base)\b/i);
      expect(page).not.toMatch(/@import/i);
      expect(page).not.toMatch(/url\s*\(/i);
      for (const m of page.matchAll(/\b(?:src|href|xlink:href|action)\s*=\s*["']?([^"'\s>]*)/gi)) expect(m[1]!, m[0]).toMatch(/^#[\w-]+$/);
      expect(page).not.toMatch(/https?:|\/\/[a-z0-9]/i);
      expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    }
  });

  it('has the funnel, KPI and aging charts, each an accessible SVG with a title, a description and axis labels', () => {
    for (const id of ['chart-funnel', 'chart-kpi-months', 'chart-kpi-reps', 'chart-kpi-regions', 'chart-aging']) {
      const chart = element(html, id);
      expect(chart).toContain(`<svg role="img" aria-labelledby="${id}-title ${id}-desc"`);
      expect(chart).toMatch(new RegExp(`<title id="${id}-title">[^<]+</title><desc id="${id}-desc">[^<]+</desc>`));
      expect(chart).toContain('class="axis-label"');
      expect(chart).toContain('<figcaption>');
    }
    const funnel = element(html, 'chart-funnel');
    for (const stage of ['Lead', 'Prospecting', 'Needs analysis', 'Proposal', 'Quotation', 'Negotiation', 'Won']) expect(funnel).toContain(`>${stage}</text>`);
    const lead = report.funnel.company!.stages[0]!;
    expect(funnel).toContain(`${lead.entered} entered · ${lead.count} now`);
    expect(funnel).toContain(`${formatPercent(lead.conversion)} moved on`);
    expect(element(html, 'chart-kpi-reps')).toContain('Signed sales vs target per rep, 2026-02');
    expect(count(element(html, 'chart-kpi-reps'), '<g class="bar">')).toBe(report.kpi.byRep.rows.length);
    expect(count(element(html, 'chart-kpi-regions'), '<g class="bar">')).toBe(report.kpi.byRegion.rows.length);
    expect(count(element(html, 'chart-kpi-months'), '<g class="column">')).toBe(2 * report.kpi.months.length);
    expect(count(element(html, 'chart-aging'), '<g class="column">')).toBe(5);
    expect(element(html, 'chart-aging')).toContain('Receivables aging');
  });

  it('bars are proportional to their values', () => {
    const chart = element(html, 'chart-funnel');
    const widths = [...chart.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="26"/g)].map((m) => Number(m[1]));
    const entered = report.funnel.company!.stages.map((s) => s.entered);
    const max = Math.max(...entered);
    expect(widths).toHaveLength(entered.length);
    widths.forEach((w, i) => expect(w).toBeCloseTo((entered[i]! / max) * 520, 0));
  });

  it('has the per-region funnel table, the team KPI table and the per-rep receivables table with money in the currency', () => {
    const regions = element(html, 'funnel-regions');
    expect(count(regions, '<tr>') - 1).toBe(report.funnel.byRegion.length);
    const money = moneyFormat('CNY');
    const teams = element(html, 'kpi-teams');
    for (const t of report.kpi.byTeam.rows) {
      expect(teams).toContain(`<td>${t.group}</td><td class="num">${money.format(t.signedSalesMinor)}</td>`);
      expect(teams).toContain(formatPercent(t.reportCompletion));
    }
    for (const header of ['Attainment', 'Win rate', 'Visits (vs target)', 'Report completion']) expect(teams).toContain(header);
    const receivables = element(html, 'receivables-reps');
    expect(count(receivables, '<tr>') - 1).toBe(report.receivables.byRep.length);
    for (const r of report.receivables.byRep) expect(receivables).toContain(`<td>${r.key}</td><td class="num">${money.format(r.openMinor)}</td>`);
    expect(element(html, 'chart-aging')).toContain(money.format(report.receivables.company!.aging.notDue));
  });

  it('says "and N more not shown" when findings were left out', () => {
    const page = renderHtmlReport({ ...report, findingsOmitted: 1234 });
    expect(page).toContain('… and 1,234 more not shown');
    expect(html).not.toContain('more not shown');
  });

  it('an empty history: says so in every section instead of drawing empty charts', () => {
    const page = renderHtmlReport(emptyAuditReport());
    expect(page).not.toContain('<svg');
    expect(element(page, 'verdict')).toContain('Clean: no findings');
    expect(page).toContain('No events were audited, so there is no funnel to show.');
    expect(page).toContain('No events were audited, so there are no KPI figures to show.');
    expect(page).toContain('No events were audited, so there are no receivables to show.');
    for (const id of ['findings', 'funnel', 'kpi', 'receivables']) expect(page).toContain(`<section id="${id}">`);
  });

  it('no targets: says so and draws signed sales only; nothing signed either: no chart', () => {
    const strip = (rows: AuditReport['kpi']['byRep']['rows']) => rows.map((r) => ({ ...r, target: { salesMinor: null, newCustomers: null, visits: null }, attainment: null }));
    const noTargets: AuditReport = { ...report, kpi: { ...report.kpi, byRep: { ...report.kpi.byRep, rows: strip(report.kpi.byRep.rows) } } };
    const page = renderHtmlReport(noTargets);
    expect(page).toContain('No sales targets were set for 2026-02: the bars show signed sales only.');
    expect(element(page, 'chart-kpi-reps')).not.toContain('Sales target');
    const nothing: AuditReport = { ...noTargets, kpi: { ...noTargets.kpi, byRep: { ...noTargets.kpi.byRep, rows: noTargets.kpi.byRep.rows.map((r) => ({ ...r, signedSalesMinor: 0 })) } } };
    const none = renderHtmlReport(nothing);
    expect(none).not.toContain('id="chart-kpi-reps"');
    expect(none).toContain('Nothing was signed in 2026-02 and no sales targets were set for it');
  });

  it('500 reps: the chart draws the top 30 by signed sales and says so; the tables list them all', () => {
    const big = manyRepsAuditReport(report, 500);
    const page = renderHtmlReport(big);
    const chart = element(page, 'chart-kpi-reps');
    expect(count(chart, '<g class="bar">')).toBe(30);
    expect(chart.indexOf('>rep-500<')).toBeGreaterThan(0);
    expect(chart.indexOf('>rep-500<')).toBeLessThan(chart.indexOf('>rep-499<'));
    expect(chart).toContain('>rep-471<');
    expect(chart).not.toContain('>rep-470<');
    expect(page).toContain('Showing the 30 reps with the highest signed sales of 500');
    expect(count(element(page, 'kpi-reps'), '<tr>') - 1).toBe(500);
    expect(count(element(page, 'receivables-reps'), '<tr>') - 1).toBe(500);
    expect(renderHtmlReport(big, { topReps: 10 })).toContain('Showing the 10 reps');
  });

  it('never throws on odd input: an unknown currency or time zone, a missing funnel, findings without optional fields', () => {
    const odd: AuditReport = { ...report, currency: 'XYZW', timeZone: 'Mars/Olympus', funnel: { company: null, byRegion: [] }, findings: [{ code: 'A-X', severity: 'warning', check: 'parse', message: '' }] };
    const page = renderHtmlReport(odd);
    expect(page).toContain('No leads or opportunities in the history');
    expect(page).toContain('Mars/Olympus');
    expect(page).toContain(odd.auditedAt);
  });

  it('the sample fixture is a real audit of a generated history with the hand-made findings', () => {
    expect(report.summary.events).toBeGreaterThan(1000);
    expect(report.kpi.months.map((m) => m.period)).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(report.kpi.byRep.rows.length).toBeGreaterThanOrEqual(12);
    expect(report.funnel.company?.stages.map((s) => s.stage)).toEqual(['lead', 'prospecting', 'needs_analysis', 'proposal', 'quotation', 'negotiation', 'won']);
    expect(report.receivables.company?.openMinor).toBeGreaterThan(0);
    expect(report.findings).toEqual(sampleFindings());
    expect(report.summary).toMatchObject({ errors: 3, warnings: 2, clean: false });
  });
});
