/**
 * Inline SVG charts for the HTML report: horizontal bars against a target,
 * grouped columns, and a funnel. Each chart is a `<figure>` with a visible
 * caption, an SVG with `role="img"`, `<title>` and `<desc>`, axis labels, and a
 * `<title>` tooltip per bar. Pure string building, no DOM, no network.
 */
import { escapeHtml, formatCount, formatPercent } from './html-format.js';

/** Chart colours (fills), chosen to stay apart in greyscale print too. */
export const chartColors = {
  primary: '#2563eb',
  target: '#cbd5e1',
  secondary: '#16a34a',
  funnelEntered: '#bfdbfe',
  funnelNow: '#1d4ed8',
  aging: ['#16a34a', '#eab308', '#f97316', '#dc2626', '#7f1d1d'] as readonly string[],
} as const;

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"';

/** Up to ~`count` round tick values from 0 to at least `max` (1, 2 or 5 × 10ⁿ apart). */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const steps = Math.ceil(max / step - 1e-9);
  if (!(step > 0) || !Number.isFinite(steps) || steps > 100) return [0, max];
  return Array.from({ length: steps + 1 }, (_, i) => i * step);
}

/** Cuts a label to `max` characters with an ellipsis. */
export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

const fmt = (n: number): string => (Math.round(n * 10) / 10).toString();

interface Frame {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly width: number;
  readonly height: number;
  readonly body: string;
  readonly legend?: readonly { readonly name: string; readonly color: string }[];
}

function figure(frame: Frame): string {
  const legend =
    frame.legend === undefined || frame.legend.length === 0
      ? ''
      : `<ul class="legend">${frame.legend.map((l) => `<li><span class="swatch" style="background:${l.color}"></span>${escapeHtml(l.name)}</li>`).join('')}</ul>`;
  return (
    `<figure class="chart" id="${frame.id}">` +
    `<figcaption>${escapeHtml(frame.title)}</figcaption>${legend}` +
    `<svg role="img" aria-labelledby="${frame.id}-title ${frame.id}-desc" viewBox="0 0 ${frame.width} ${frame.height}" width="100%" preserveAspectRatio="xMinYMin meet" ${FONT} font-size="12">` +
    `<title id="${frame.id}-title">${escapeHtml(frame.title)}</title><desc id="${frame.id}-desc">${escapeHtml(frame.description)}</desc>` +
    frame.body +
    `</svg></figure>`
  );
}

/** One bar of a bar chart: a value, and optionally a target drawn behind it. */
export interface BarRow {
  readonly label: string;
  readonly value: number;
  /** Drawn as a wider light bar behind the value; null or absent: no target. */
  readonly target?: number | null;
  /** Text after the value label (an attainment, say). */
  readonly note?: string;
}

/** A horizontal bar chart (one row per category), values against optional targets. */
export interface BarChartSpec {
  /** Unique id in the page (letters, digits, dashes). */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** Axis label of the categories (`Sales rep`). */
  readonly categoryLabel: string;
  /** Axis label of the values (`Signed sales (CNY)`). */
  readonly valueLabel: string;
  readonly valueName: string;
  /** Name of the target series in the legend. Default `Target`. */
  readonly targetName?: string;
  readonly rows: readonly BarRow[];
  /** Exact value for tooltips. */
  readonly format: (value: number) => string;
  /** Short value for ticks and bar labels. */
  readonly compact: (value: number) => string;
}

/** Renders a horizontal bar chart with targets behind the bars. Negative values draw as empty bars (their label shows the value). */
export function barChart(spec: BarChartSpec): string {
  const left = 150;
  const right = 200;
  const plot = 550;
  const top = 10;
  const rowH = 24;
  const width = left + plot + right;
  const height = top + spec.rows.length * rowH + 52;
  const max = Math.max(0, ...spec.rows.map((r) => Math.max(r.value, r.target ?? 0)));
  const ticks = niceTicks(max);
  const scaleMax = ticks[ticks.length - 1]!;
  const x = (v: number) => left + (Math.max(0, v) / scaleMax) * plot;
  const bottom = top + spec.rows.length * rowH;
  const hasTargets = spec.rows.some((r) => r.target !== null && r.target !== undefined);
  const targetName = spec.targetName ?? 'Target';
  const parts: string[] = [];
  for (const t of ticks) {
    parts.push(`<line x1="${fmt(x(t))}" y1="${top}" x2="${fmt(x(t))}" y2="${bottom}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${fmt(x(t))}" y="${bottom + 16}" text-anchor="middle" fill="#4b5563">${escapeHtml(spec.compact(t))}</text>`);
  }
  spec.rows.forEach((r, i) => {
    const y = top + i * rowH;
    const tip = `${r.label}: ${spec.valueName} ${spec.format(r.value)}${r.target === null || r.target === undefined ? '' : `, ${targetName} ${spec.format(r.target)}`}${r.note === undefined ? '' : ` (${r.note})`}`;
    parts.push(`<g class="bar"><title>${escapeHtml(tip)}</title>`);
    parts.push(`<text x="${left - 8}" y="${y + rowH / 2 + 4}" text-anchor="end" fill="#111827">${escapeHtml(shorten(r.label, 22))}</text>`);
    if (r.target !== null && r.target !== undefined) {
      parts.push(`<rect x="${left}" y="${y + 3}" width="${fmt(x(r.target) - left)}" height="${rowH - 6}" fill="${chartColors.target}"/>`);
    }
    parts.push(`<rect x="${left}" y="${y + 7}" width="${fmt(x(r.value) - left)}" height="${rowH - 14}" fill="${chartColors.primary}"/>`);
    const end = Math.max(x(r.value), x(r.target ?? 0));
    parts.push(`<text x="${fmt(end + 6)}" y="${y + rowH / 2 + 4}" fill="#111827">${escapeHtml(spec.compact(r.value))}${r.note === undefined ? '' : ` <tspan fill="#4b5563">${escapeHtml(r.note)}</tspan>`}</text>`);
    parts.push(`</g>`);
  });
  parts.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#6b7280"/>`);
  parts.push(`<line x1="${left}" y1="${bottom}" x2="${left + plot}" y2="${bottom}" stroke="#6b7280"/>`);
  parts.push(`<text class="axis-label" x="${left + plot / 2}" y="${bottom + 38}" text-anchor="middle" fill="#111827" font-weight="600">${escapeHtml(spec.valueLabel)}</text>`);
  parts.push(`<text class="axis-label" transform="translate(14 ${fmt((top + bottom) / 2)}) rotate(-90)" text-anchor="middle" fill="#111827" font-weight="600">${escapeHtml(spec.categoryLabel)}</text>`);
  const legend = [{ name: spec.valueName, color: chartColors.primary }, ...(hasTargets ? [{ name: targetName, color: chartColors.target }] : [])];
  return figure({ id: spec.id, title: spec.title, description: spec.description, width, height, body: parts.join(''), legend });
}

/** One series of a column chart. */
export interface ColumnSeries {
  readonly name: string;
  /** One value per category. */
  readonly values: readonly number[];
  readonly color: string;
}

/** A vertical column chart: categories along the bottom, one column per series in each. */
export interface ColumnChartSpec {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly categoryLabel: string;
  readonly valueLabel: string;
  readonly categories: readonly string[];
  readonly series: readonly ColumnSeries[];
  /** One colour per category instead of the series colour (single-series charts like aging). */
  readonly categoryColors?: readonly string[];
  readonly format: (value: number) => string;
  readonly compact: (value: number) => string;
}

/** Renders grouped columns with value labels on top. */
export function columnChart(spec: ColumnChartSpec): string {
  const left = 90;
  const plotW = 760;
  const width = left + plotW + 30;
  const top = 24;
  const plotH = 240;
  const bottom = top + plotH;
  const height = bottom + 62;
  const max = Math.max(0, ...spec.series.flatMap((s) => s.values));
  const ticks = niceTicks(max);
  const scaleMax = ticks[ticks.length - 1]!;
  const y = (v: number) => bottom - (Math.max(0, v) / scaleMax) * plotH;
  const n = Math.max(1, spec.categories.length);
  const band = plotW / n;
  const groupW = Math.min(band * 0.75, 70 * spec.series.length);
  const colW = groupW / Math.max(1, spec.series.length);
  const parts: string[] = [];
  for (const t of ticks) {
    parts.push(`<line x1="${left}" y1="${fmt(y(t))}" x2="${left + plotW}" y2="${fmt(y(t))}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${left - 8}" y="${fmt(y(t) + 4)}" text-anchor="end" fill="#4b5563">${escapeHtml(spec.compact(t))}</text>`);
  }
  spec.categories.forEach((category, c) => {
    const x0 = left + c * band + (band - groupW) / 2;
    spec.series.forEach((s, k) => {
      const v = s.values[c] ?? 0;
      const color = spec.categoryColors?.[c] ?? s.color;
      const x = x0 + k * colW;
      parts.push(`<g class="column"><title>${escapeHtml(`${category}: ${s.name} ${spec.format(v)}`)}</title>`);
      parts.push(`<rect x="${fmt(x + 2)}" y="${fmt(y(v))}" width="${fmt(colW - 4)}" height="${fmt(bottom - y(v))}" fill="${color}"/>`);
      parts.push(`<text x="${fmt(x + colW / 2)}" y="${fmt(y(v) - 5)}" text-anchor="middle" fill="#111827" font-size="11">${escapeHtml(spec.compact(v))}</text></g>`);
    });
    parts.push(`<text x="${fmt(left + c * band + band / 2)}" y="${bottom + 18}" text-anchor="middle" fill="#111827">${escapeHtml(shorten(category, Math.max(4, Math.floor(band / 7))))}</text>`);
  });
  parts.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#6b7280"/>`);
  parts.push(`<line x1="${left}" y1="${bottom}" x2="${left + plotW}" y2="${bottom}" stroke="#6b7280"/>`);
  parts.push(`<text class="axis-label" x="${left + plotW / 2}" y="${bottom + 44}" text-anchor="middle" fill="#111827" font-weight="600">${escapeHtml(spec.categoryLabel)}</text>`);
  parts.push(`<text class="axis-label" transform="translate(16 ${fmt((top + bottom) / 2)}) rotate(-90)" text-anchor="middle" fill="#111827" font-weight="600">${escapeHtml(spec.valueLabel)}</text>`);
  const legend = spec.categoryColors === undefined ? spec.series.map((s) => ({ name: s.name, color: s.color })) : [];
  return figure({ id: spec.id, title: spec.title, description: spec.description, width, height, body: parts.join(''), legend });
}

/** One stage of the funnel chart. */
export interface FunnelChartStage {
  /** What the reader sees (`Needs analysis`). */
  readonly name: string;
  /** Ever entered the stage. */
  readonly entered: number;
  /** At the stage now. */
  readonly now: number;
  /** Of those entered, the share that moved on (null: none entered, or the last stage). */
  readonly conversion: number | null;
}

/** A funnel: one centred bar per stage, as wide as the count that entered it, the count there now inside it, and the conversion to the next stage. */
export interface FunnelChartSpec {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly stages: readonly FunnelChartStage[];
}

/** Renders the funnel chart. */
export function funnelChart(spec: FunnelChartSpec): string {
  const left = 140;
  const plotW = 520;
  const right = 220;
  const width = left + plotW + right;
  const top = 12;
  const rowH = 46;
  const height = top + spec.stages.length * rowH + 40;
  const max = Math.max(1, ...spec.stages.map((s) => Math.max(s.entered, s.now)));
  const w = (v: number) => Math.max(0, (v / max) * plotW);
  const centre = left + plotW / 2;
  const parts: string[] = [];
  spec.stages.forEach((s, i) => {
    const y = top + i * rowH;
    const barH = 26;
    const tip = `${s.name}: ${formatCount(s.entered)} entered, ${formatCount(s.now)} there now${s.conversion === null ? '' : `, ${formatPercent(s.conversion)} moved on`}`;
    parts.push(`<g class="stage"><title>${escapeHtml(tip)}</title>`);
    parts.push(`<text class="stage-name" x="${left - 10}" y="${y + barH / 2 + 5}" text-anchor="end" fill="#111827" font-weight="600">${escapeHtml(s.name)}</text>`);
    parts.push(`<rect x="${fmt(centre - w(s.entered) / 2)}" y="${y}" width="${fmt(w(s.entered))}" height="${barH}" fill="${chartColors.funnelEntered}" rx="3"/>`);
    parts.push(`<rect x="${fmt(centre - w(s.now) / 2)}" y="${y + 6}" width="${fmt(w(s.now))}" height="${barH - 12}" fill="${chartColors.funnelNow}" rx="2"/>`);
    parts.push(`<text x="${left + plotW + 10}" y="${y + barH / 2 + 5}" fill="#111827">${escapeHtml(`${formatCount(s.entered)} entered · ${formatCount(s.now)} now`)}</text>`);
    if (s.conversion !== null && i < spec.stages.length - 1) {
      parts.push(`<text x="${centre}" y="${y + barH + 15}" text-anchor="middle" fill="#374151" font-size="11">${escapeHtml(`↓ ${formatPercent(s.conversion)} moved on`)}</text>`);
    }
    parts.push(`</g>`);
  });
  const axisY = top + spec.stages.length * rowH + 4;
  parts.push(`<text class="axis-label" x="${centre}" y="${axisY + 20}" text-anchor="middle" fill="#111827" font-weight="600">Bar width: leads and opportunities that entered the stage (light) and are there now (dark)</text>`);
  parts.push(`<text class="axis-label" transform="translate(14 ${fmt((top + axisY) / 2)}) rotate(-90)" text-anchor="middle" fill="#111827" font-weight="600">Stage</text>`);
  const legend = [
    { name: 'Entered the stage', color: chartColors.funnelEntered },
    { name: 'At the stage now', color: chartColors.funnelNow },
  ];
  return figure({ id: spec.id, title: spec.title, description: spec.description, width, height, body: parts.join(''), legend });
}
