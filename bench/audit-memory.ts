// Run by auditor.bench.ts in a fresh process (node --expose-gc): the heap an audit of a JSONL file holds,
// measured after full GCs — after the last event, and its growth over the second half of the history.
// A first audit of the same file runs before, only to warm up: code compiled and object shapes made once
// per process are not growth that a longer history would repeat.
// Argument 2: the file; argument 3: `heap` (the default audit), `low-memory` (spill, 200 hot entries per
// table) or `low-memory-checks` (the same without read models).
// Prints one JSON line: { events, retainedBytes, secondHalfBytes, secondHalfRssBytes } (RSS: the whole process, SQLite's pages included).
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
const audit = (measure: boolean) => {
  const before = collect();
  const auditor = createAuditor(options);
  const half = Math.floor(lines.length / 2);
  let atHalf = 0;
  let rssAtHalf = 0;
  for (let i = 0; i < lines.length; i++) {
    if (measure && i === half) {
      atHalf = collect();
      rssAtHalf = process.memoryUsage().rss;
    }
    auditor.record(JSON.parse(lines[i]!), { line: i + 1, text: lines[i]! });
  }
  const atEnd = collect();
  const rssAtEnd = process.memoryUsage().rss;
  auditor.finish();
  auditor.close();
  return { events: lines.length, retainedBytes: atEnd - before, secondHalfBytes: atEnd - atHalf, secondHalfRssBytes: rssAtEnd - rssAtHalf };
};
audit(false);
console.log(JSON.stringify(audit(true)));
