import type { PolicyOption } from '@dealbook/core';
import fc from 'fast-check';
import { generateHistory, type GeneratedHistory, type HistoryOptions } from './generator.js';

export interface HistoryArbitraryOptions {
  /** Fewest and most representatives (default 2–6). */
  readonly minReps?: number;
  readonly maxReps?: number;
  /** Fewest and most months (default 1–3). */
  readonly minMonths?: number;
  readonly maxMonths?: number;
  readonly start?: string;
  readonly policy?: PolicyOption;
}

/**
 * A fast-check arbitrary of small generator options (seed, 2–6 reps, 1–3
 * months) for property tests of projections: `fc.asyncProperty(historyArbitrary(), async (o) => { const { store } = await generateHistory(o); … })`.
 * Shrinks towards fewer reps, fewer months and seed 0.
 */
export function historyArbitrary(options: HistoryArbitraryOptions = {}): fc.Arbitrary<HistoryOptions> {
  const { minReps = 2, maxReps = 6, minMonths = 1, maxMonths = 3, start, policy } = options;
  return fc
    .record({
      seed: fc.integer({ min: 0, max: 0x7fff_ffff }),
      reps: fc.integer({ min: minReps, max: maxReps }),
      months: fc.integer({ min: minMonths, max: maxMonths }),
    })
    .map((o): HistoryOptions => ({ ...o, ...(start === undefined ? {} : { start }), ...(policy === undefined ? {} : { policy }) }));
}

/** A generated company history: `generateHistory({ seed, reps, months, … })`. */
export function companyHistory(seed: number, options: Omit<HistoryOptions, 'seed'>): Promise<GeneratedHistory> {
  return generateHistory({ ...options, seed });
}
