// Run by auditor.bench.ts in a fresh process (node --expose-gc): the heap an audit of a JSONL file holds,
// measured after full GCs — after the last event, and its growth over the second half of the history.
// A first audit of the same file runs before, only to warm up: code compiled and object shapes made once
// per process are not growth that a longer history would repeat.
// Argument 2: the file; argument 3: `heap` (the default audit), `low-memory` (spill, 200 hot entries per
// table) or `low-memory-checks` (the same without read models).
// Prints one JSON line: { events, retainedBytes, secondHalfBytes, bytesPerEvent (the slope over 9 points of the second half),
// secondHalfRssBytes } (RSS: the whole process, SQLite's pages included).
import { readFileSync } from 'node:fs';
import { createAuditor, type AuditorOptions } from '@dealbook/auditor';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const lines = readFileSync(process.argv[2]!, 'utf8').split('\n').filter((l) => l.length > 0);
const mode = process.argv[3] ?? 'heap';
// Findings are counted, not kept (`findingsLimit` caps what is kept, 10,000 by default): they do not grow with the history.
const options: AuditorOptions =
  mode === 'heap' ? { findingsLimit: 0 } : mode === 'low-memory' ? { findingsLimit: 0, spill: { hotStreams: 200 } } : { findingsLimit: 0, spill: { hotStreams: 200 }, readModels: false };
const collect = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
/** Least-squares slope of bytes over events: the growth per event, steadier than two points (GC leaves ± some 100 KB). */
const slope = (points: readonly (readonly [number, number])[]) => {
  const mx = points.reduce((a, [x]) => a + x, 0) / points.length;
  const my = points.reduce((a, [, y]) => a + y, 0) / points.length;
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxy / sxx;
};
const SAMPLES = 8;
const audit = (measure: boolean) => {
  const before = collect();
  const auditor = createAuditor(options);
  const half = Math.floor(lines.length / 2);
  const step = Math.max(1, Math.floor((lines.length - half) / SAMPLES));
  const heap: [number, number][] = [];
  let rssAtHalf = 0;
  for (let i = 0; i < lines.length; i++) {
    if (measure && i >= half && (i - half) % step === 0) {
      heap.push([i, collect()]);
      if (i === half) rssAtHalf = process.memoryUsage().rss;
    }
    auditor.record(JSON.parse(lines[i]!), { line: i + 1, text: lines[i]! });
  }
  const atEnd = collect();
  heap.push([lines.length, atEnd]);
  const rssAtEnd = process.memoryUsage().rss;
  auditor.finish();
  auditor.close();
  return {
    events: lines.length,
    retainedBytes: atEnd - before,
    secondHalfBytes: measure ? atEnd - heap[0]![1] : 0,
    bytesPerEvent: measure ? slope(heap) : 0,
    secondHalfRssBytes: rssAtEnd - rssAtHalf,
  };
};
audit(false);
console.log(JSON.stringify(audit(true)));
