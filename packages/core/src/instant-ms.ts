// Milliseconds of ISO-8601 instants, for read models that subtract them on every event.

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;

// The calendar is Date's: the first instant of each date met is asked of Date.parse once
// (NaN for a date that does not exist, like 2026-02-30); only the time of day is added here.
const dayStarts = new Map<number, number>();
function dayStartMs(instant: string, key: number): number {
  let start = dayStarts.get(key);
  if (start === undefined) {
    start = Date.parse(`${instant.slice(0, 10)}T00:00:00.000Z`);
    if (dayStarts.size >= 100_000) dayStarts.clear();
    dayStarts.set(key, start);
  }
  return start;
}

/**
 * `Date.parse(instant)`, read by hand for the form `Date.prototype.toISOString`
 * writes (`2026-03-02T01:31:05.123Z`, years 1970–9999, every field in range);
 * anything else goes to `Date.parse` itself, so the result is always the same.
 */
export function instantMs(instant: string): number {
  if (instant.length !== 24 || instant.charCodeAt(23) !== 90 /* Z */) return Date.parse(instant);
  let ok = instant.charCodeAt(4) === 45 && instant.charCodeAt(7) === 45 && instant.charCodeAt(10) === 84 && instant.charCodeAt(13) === 58 && instant.charCodeAt(16) === 58 && instant.charCodeAt(19) === 46;
  for (let i = 0; ok && i < 23; i++) {
    if (i === 4 || i === 7 || i === 10 || i === 13 || i === 16 || i === 19) continue;
    const d = digit(instant, i);
    ok = d >= 0 && d <= 9;
  }
  if (!ok) return Date.parse(instant);
  const year = digit(instant, 0) * 1000 + digit(instant, 1) * 100 + digit(instant, 2) * 10 + digit(instant, 3);
  const hour = digit(instant, 11) * 10 + digit(instant, 12);
  const minute = digit(instant, 14) * 10 + digit(instant, 15);
  const second = digit(instant, 17) * 10 + digit(instant, 18);
  if (year < 1970 || hour > 23 || minute > 59 || second > 59) return Date.parse(instant);
  const start = dayStartMs(instant, year * 10_000 + (digit(instant, 5) * 10 + digit(instant, 6)) * 100 + digit(instant, 8) * 10 + digit(instant, 9));
  if (Number.isNaN(start)) return Date.parse(instant);
  const ms = digit(instant, 20) * 100 + digit(instant, 21) * 10 + digit(instant, 22);
  return start + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}
