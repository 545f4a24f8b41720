/** The report's inline stylesheet: system fonts only, readable on screen, and printable (A4 portrait). */
export const reportCss = `
:root { color-scheme: light; --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --bg-soft: #f9fafb; --ok: #15803d; --ok-bg: #dcfce7; --err: #b91c1c; --err-bg: #fee2e2; --warn: #a16207; --warn-bg: #fef9c3; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--fg); background: #fff; font-size: 14px; line-height: 1.45; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 8px; padding-bottom: 6px; border-bottom: 2px solid var(--fg); }
h3 { font-size: 16px; margin: 22px 0 6px; }
p { margin: 6px 0; }
.muted, .utc { color: var(--muted); }
.utc { font-size: 12px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.subtitle { color: var(--muted); margin-bottom: 14px; }
.verdict { font-size: 22px; font-weight: 700; padding: 14px 18px; border-radius: 8px; margin: 12px 0 16px; border-left: 8px solid; }
.verdict.clean { background: var(--ok-bg); color: var(--ok); border-color: var(--ok); }
.verdict.errors { background: var(--err-bg); color: var(--err); border-color: var(--err); }
.verdict.warnings { background: var(--warn-bg); color: var(--warn); border-color: var(--warn); }
.verdict small { display: block; font-size: 13px; font-weight: 400; color: var(--fg); margin-top: 2px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0 0 14px; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 130px; background: var(--bg-soft); }
.card .value { font-size: 20px; font-weight: 700; }
.card .label { color: var(--muted); font-size: 12px; }
.card.bad .value { color: var(--err); }
.card.warn .value { color: var(--warn); }
nav.toc { margin: 10px 0 0; font-size: 13px; }
nav.toc a { margin-right: 14px; color: #1d4ed8; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
thead th { background: #f3f4f6; border-bottom: 2px solid #d1d5db; white-space: nowrap; }
tbody tr:nth-child(even) td { background: var(--bg-soft); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; word-break: break-all; }
td.message { min-width: 280px; white-space: pre-wrap; word-break: break-word; }
tr.group th { background: #e5e7eb; font-weight: 600; }
.sev { display: inline-block; padding: 0 6px; border-radius: 4px; font-size: 12px; font-weight: 600; }
.sev.error { background: var(--err-bg); color: var(--err); }
.sev.warning { background: var(--warn-bg); color: var(--warn); }
table.compact { width: auto; }
.table-wrap { overflow-x: auto; max-width: 100%; }
table.wide { font-size: 12px; }
table.wide th, table.wide td { padding: 4px 5px; }
.note { background: var(--bg-soft); border-left: 4px solid #9ca3af; padding: 8px 12px; margin: 8px 0; }
.empty { background: var(--bg-soft); border: 1px dashed #9ca3af; border-radius: 6px; padding: 14px 16px; color: #374151; margin: 8px 0; }
figure.chart { margin: 12px 0 18px; padding: 10px 12px; border: 1px solid var(--line); border-radius: 8px; break-inside: avoid; page-break-inside: avoid; }
figure.chart figcaption { font-weight: 700; font-size: 15px; margin-bottom: 4px; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
ul.legend { list-style: none; padding: 0; margin: 0 0 6px; display: flex; gap: 16px; font-size: 12px; color: #374151; }
ul.legend .swatch { display: inline-block; width: 12px; height: 12px; margin-right: 5px; vertical-align: -1px; border-radius: 2px; }
details { margin: 8px 0; }
details summary { cursor: pointer; color: #1d4ed8; }
details pre { margin: 4px 0 0; font-size: 11px; white-space: pre-wrap; word-break: break-all; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  .table-wrap { overflow: visible; }
  table.wide { font-size: 8pt; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
@page { size: A4; margin: 14mm; }
`;
