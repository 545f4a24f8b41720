// `pnpm bench`: every benchmark, each figure beside a baseline from the same run.
// Options: --quick (small sizes, for a smoke run), --no-write (do not update docs/performance.md),
// --only <section>[,<section>…] (hashing, domain, projections, sqlite, auditor, kernel; implies --no-write).
import { auditorBenchmarks } from './auditor.bench.js';
import { domainBenchmarks } from './domain.bench.js';
import { hashingBenchmarks } from './hashing.bench.js';
import { kernelBenchmarks } from './kernel.bench.js';
import { projectionBenchmarks } from './projections.bench.js';
import { sqliteBenchmarks } from './sqlite.bench.js';
import { machine } from './harness.js';
import { writePerformanceDoc } from './report.js';

const quick = process.argv.includes('--quick');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt === -1 ? undefined : new Set((process.argv[onlyAt + 1] ?? '').split(','));
const write = !process.argv.includes('--no-write') && !quick && only === undefined;
const runs = (section: string) => only === undefined || only.has(section);
console.log(`dealbook benchmarks on ${machine()}${quick ? ' (quick)' : ''}`);
if (runs('hashing')) await hashingBenchmarks({ quick });
// The domain run comes before the kernel's million-event store, so it does not inherit that heap.
if (runs('domain')) await domainBenchmarks({ quick });
if (runs('projections')) await projectionBenchmarks({ quick });
if (runs('sqlite')) await sqliteBenchmarks({ quick });
if (runs('auditor')) await auditorBenchmarks({ quick });
if (runs('kernel')) await kernelBenchmarks({ largeHistory: quick ? 50_000 : 1_000_000, quick });
if (write) {
  const path = writePerformanceDoc();
  console.log(`\nwrote ${path}`);
}
