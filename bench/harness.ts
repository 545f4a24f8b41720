// Tiny benchmark harness: every figure is printed beside a baseline measured
// in the same run, on the same machine, so ratios stay comparable across
// machines while absolute numbers do not.
import os from 'node:os';

export interface Measurement {
  readonly section: string;
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly baselineName: string;
  readonly baseline: number;
  /** value / baseline for throughput; baseline / value for costs (so higher is better either way). */
  readonly ratio: number;
  readonly goal?: { readonly text: string; readonly met: boolean };
  /** The lowest and highest per-round ratio of a paired measurement (how much a shared machine moved it). */
  readonly spread?: readonly [number, number];
  readonly note?: string;
}

/** Runs `op` `count` times (it may be async) and returns operations per second. */
export async function throughput(count: number, op: (i: number) => unknown): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const r = op(i);
    if (r instanceof Promise) await r;
  }
  return (count / (performance.now() - start)) * 1000;
}

/** Median of `rounds` runs of a measurement (after one warm-up run). */
export async function median(rounds: number, measure: () => Promise<number>): Promise<number> {
  await measure();
  const values: number[] = [];
  for (let i = 0; i < rounds; i++) values.push(await measure());
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)]!;
}

const gc = (globalThis as { gc?: () => void }).gc;
/** A full collection when node runs with --expose-gc (`npm run bench` does); nothing otherwise. */
export function collectGarbage(): void {
  gc?.();
}

/**
 * Measures a subject against its baseline in alternating rounds (after a
 * warm-up of each), so a slow phase of a shared machine hits both alike.
 * Returns the medians and the median of the per-round ratios.
 */
export async function paired(
  rounds: number,
  baseline: () => Promise<number>,
  subject: () => Promise<number>,
): Promise<{ baseline: number; subject: number; ratio: number; spread: readonly [number, number] }> {
  await baseline();
  await subject();
  const b: number[] = [];
  const s: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // Each run starts from a collected heap: neither pays for the garbage the other left.
    collectGarbage();
    const x = await baseline();
    collectGarbage();
    const y = await subject();
    b.push(x);
    s.push(y);
    r.push(y / x);
  }
  const mid = (v: number[]) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)]!;
  return { baseline: mid(b), subject: mid(s), ratio: mid(r), spread: [Math.min(...r), Math.max(...r)] };
}

export const results: Measurement[] = [];
/** Prose that belongs beside a section's table in docs/performance.md (what the figures mean, what is left). */
export const notes: { readonly section: string; readonly text: string }[] = [];

export function record(m: Measurement): void {
  results.push(m);
  const goal = m.goal ? `  goal ${m.goal.text}: ${m.goal.met ? 'met' : 'NOT MET'}` : '';
  console.log(
    `  ${m.name.padEnd(44)} ${fmt(m.value).padStart(10)} ${m.unit.padEnd(9)} vs ${m.baselineName} ${fmt(m.baseline)} → ${m.ratio.toFixed(2)}×${m.spread ? ` (${m.spread[0].toFixed(2)}–${m.spread[1].toFixed(2)})` : ''}${goal}`,
  );
}

export function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`;
}
