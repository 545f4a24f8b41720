/** Returns the current instant as an ISO-8601 UTC string with milliseconds. */
export type Clock = () => string;

let lastMs = Number.NaN;
let lastIso = '';
/** Wall-clock time. Infrastructure only: the domain core takes a `Clock` instead. */
export const systemClock: Clock = () => {
  const ms = Date.now(); // eslint-disable-line no-restricted-syntax -- this is the one place that reads the wall clock
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
};

export interface ManualClock {
  readonly now: Clock;
  /** Moves time forward (or back, with a negative amount). */
  advance(ms: number): void;
  set(iso: string): void;
}

/** A clock that only moves when told to: for tests and deterministic generators. */
export function manualClock(startIso: string, autoAdvanceMs = 0): ManualClock {
  let current = Date.parse(startIso);
  if (!Number.isFinite(current)) throw new TypeError(`manualClock: not an ISO-8601 instant: ${startIso}`);
  let formattedMs = Number.NaN;
  let formatted = '';
  return {
    now() {
      if (current !== formattedMs) {
        formattedMs = current;
        formatted = new Date(current).toISOString();
      }
      current += autoAdvanceMs;
      return formatted;
    },
    advance(ms) {
      current += ms;
    },
    set(iso) {
      const next = Date.parse(iso);
      if (!Number.isFinite(next)) throw new TypeError(`manualClock.set: not an ISO-8601 instant: ${iso}`);
      current = next;
    },
  };
}
