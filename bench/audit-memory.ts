// Run by auditor.bench.ts in a fresh process (node --expose-gc): the heap an audit holds after the last
// event of a JSONL file, measured after full GCs. Prints one JSON line: { events, retainedBytes }.
import { readFileSync } from 'node:fs';
import { createAuditor } from '@dealbook/auditor';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const lines = readFileSync(process.argv[2]!, 'utf8').split('\n').filter((l) => l.length > 0);
gc();
const before = process.memoryUsage().heapUsed;
const auditor = createAuditor();
for (let i = 0; i < lines.length; i++) auditor.record(JSON.parse(lines[i]!), { line: i + 1, text: lines[i]! });
gc();
const retainedBytes = process.memoryUsage().heapUsed - before;
auditor.finish();
console.log(JSON.stringify({ events: lines.length, retainedBytes }));
