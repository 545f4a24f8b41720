// `pnpm bench`: every benchmark, each figure beside a baseline from the same run.
// Options: --quick (small sizes, for a smoke run), --no-write (do not update docs/performance.md).
import { auditorBenchmarks } from './auditor.bench.js';
import { domainBenchmarks } from './domain.bench.js';
import { hashingBenchmarks } from './hashing.bench.js';
import { kernelBenchmarks } from './kernel.bench.js';
import { projectionBenchmarks } from './projections.bench.js';
import { sqliteBenchmarks } from './sqlite.bench.js';
import { machine } from './harness.js';
import { writePerformanceDoc } from './report.js';

const quick = process.argv.includes('--quick');
const write = !process.argv.includes('--no-write') && !quick;
console.log(`dealbook benchmarks on ${machine()}${quick ? ' (quick)' : ''}`);
await hashingBenchmarks({ quick });
// The domain run comes before the kernel's million-event store, so it does not inherit that heap.
await domainBenchmarks({ quick });
await projectionBenchmarks({ quick });
await sqliteBenchmarks({ quick });
await auditorBenchmarks({ quick });
await kernelBenchmarks({ largeHistory: quick ? 50_000 : 1_000_000, quick });
if (write) {
  const path = writePerformanceDoc();
  console.log(`\nwrote ${path}`);
}
