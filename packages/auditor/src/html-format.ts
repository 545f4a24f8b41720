/**
 * Text for the HTML report: escaping and the formats of money, counts,
 * ratios and instants. Every function here is total: bad or missing input
 * gives a dash or the input as given, never an exception.
 */

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values (`& < > " '`). Any value is turned to text first. */
export function escapeHtml(value: unknown): string {
  const text = typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** What a missing figure shows as. */
export const DASH = '—';

/** Formats money of one currency, given in integer minor units. */
export interface MoneyFormat {
  /** Exact amount, like `CN¥1,234.56` (a non-integer input is rounded to the minor unit; non-finite: a dash). */
  readonly format: (minor: number | null | undefined) => string;
  /** Short amount for chart axes and bar labels, like `CN¥1.2M`. */
  readonly compact: (minor: number) => string;
  /** The currency code, or `?` when it is not one Intl knows. */
  readonly currency: string;
  /** Digits of the minor unit (2 for CNY, 0 for JPY). */
  readonly digits: number;
}

/** Splits an integer number of minor units into an exact decimal string (no float arithmetic on the amount). */
function decimalOf(minor: number, digits: number): string {
  const whole = Math.round(minor);
  const negative = whole < 0;
  const text = BigInt(Math.abs(whole)).toString();
  if (digits === 0) return (negative ? '-' : '') + text;
  const padded = text.padStart(digits + 1, '0');
  return `${negative ? '-' : ''}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

/**
 * Money formats for an ISO 4217 currency (`Intl.NumberFormat('en', { style: 'currency' })`):
 * the minor unit's digits come from Intl (2 for CNY, 0 for JPY), the amount is
 * formatted from its exact decimal string. An unknown code formats plain
 * numbers followed by the code as given.
 */
export function moneyFormat(currency: string): MoneyFormat {
  let exact: Intl.NumberFormat;
  let short: Intl.NumberFormat;
  try {
    exact = new Intl.NumberFormat('en', { style: 'currency', currency });
    short = new Intl.NumberFormat('en', { style: 'currency', currency, notation: 'compact', minimumFractionDigits: 0, maximumFractionDigits: 1 });
  } catch {
    const plainDigits = 2;
    const plain = new Intl.NumberFormat('en', { minimumFractionDigits: plainDigits, maximumFractionDigits: plainDigits });
    const plainShort = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
    const code = currency.slice(0, 12);
    return {
      format: (minor) => (typeof minor === 'number' && Number.isFinite(minor) ? `${plain.format(decimalOf(minor, plainDigits) as unknown as number)} ${code}` : DASH),
      compact: (minor) => (Number.isFinite(minor) ? plainShort.format(minor / 10 ** plainDigits) : DASH),
      currency: '?',
      digits: plainDigits,
    };
  }
  const digits = exact.resolvedOptions().maximumFractionDigits ?? 2;
  return {
    // Intl formats a decimal string exactly (no rounding through a double); the type only lists numbers.
    format: (minor) => (typeof minor === 'number' && Number.isFinite(minor) ? exact.format(decimalOf(minor, digits) as unknown as number) : DASH),
    compact: (minor) => (Number.isFinite(minor) ? short.format(minor / 10 ** digits) : DASH),
    currency,
    digits,
  };
}

const integerFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** A count with thousands separators (`12,345`); a dash when missing. */
export function formatCount(n: number | null | undefined): string {
  return typeof n === 'number' && Number.isFinite(n) ? integerFormat.format(n) : DASH;
}

/** A number with one decimal (`7.5`), for days and scores; a dash when missing. */
export function formatDecimal(n: number | null | undefined): string {
  return typeof n === 'number' && Number.isFinite(n) ? oneDecimal.format(n) : DASH;
}

/** A ratio (0.723) as a percentage (`72.3%`); a dash when missing. */
export function formatPercent(ratio: number | null | undefined): string {
  return typeof ratio === 'number' && Number.isFinite(ratio) ? `${oneDecimal.format(ratio * 100)}%` : DASH;
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat | null>();
function dateTimeFormat(timeZone: string): Intl.DateTimeFormat | null {
  let f = dateTimeFormats.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    } catch {
      f = null;
    }
    dateTimeFormats.set(timeZone, f);
  }
  return f;
}

/** An instant as local wall time in a time zone, `2026-03-31 10:39:14`; null when the instant or the zone is not valid. */
export function localTime(iso: string, timeZone: string): string | null {
  const ms = Date.parse(iso);
  const f = dateTimeFormat(timeZone);
  if (Number.isNaN(ms) || f === null) return null;
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(ms))) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/**
 * An instant as HTML: the local time in the company time zone with the zone
 * named, and the UTC instant as given beside it (`<time datetime>`). Null: `none` text.
 */
export function formatInstantHtml(iso: string | null | undefined, timeZone: string, none = 'none'): string {
  if (iso === null || iso === undefined || iso === '') return `<span class="muted">${escapeHtml(none)}</span>`;
  const local = localTime(iso, timeZone);
  if (local === null) return `<span>${escapeHtml(iso)}</span>`;
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(local)} <span class="muted">${escapeHtml(timeZone)}</span></time> <span class="utc">${escapeHtml(iso)}</span>`;
}

/** `1 error`, `2 errors`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
