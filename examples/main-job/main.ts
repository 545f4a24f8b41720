// The main job, what `npm start` runs: a year of a 50-rep company generated through the engine into an
// embedded SQLite file, audited (rules, hash chain, deadlines), the KPI and funnel printed, report.html written.
// Each step is a `dealbook` command line; run them yourself with `npx dealbook …` once @dealbook/auditor is installed.
import { runCli, type CliIo } from '@dealbook/auditor';

const io: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  progress: process.stderr.isTTY === true,
};
const database = process.env.DEALBOOK_DEMO_DB ?? 'dealbook-demo.db';
const report = process.env.DEALBOOK_DEMO_REPORT ?? 'report.html';
const steps: string[][] = [
  ['generate', '--reps', '50', '--months', '12', '--seed', '42', '--out', `sqlite:${database}`],
  ['audit', `sqlite:${database}`, '--html', report],
  ['kpi', `sqlite:${database}`, '--period', '2026-Q4', '--by', 'region'],
  ['funnel', `sqlite:${database}`],
];
for (const argv of steps) {
  process.stdout.write(`\n$ dealbook ${argv.join(' ')}\n`);
  const status = await runCli(argv, io);
  // The audit exits 1 when it has findings (a realistic year has late reports and missed follow-ups): that is its answer, not a failure.
  if (status === 2 || (status === 1 && argv[0] !== 'audit')) {
    process.exitCode = status;
    break;
  }
}
process.stdout.write(`\nOpen ${report} in a browser. docs/auditor.md explains every finding and figure.\n`);
