#!/usr/bin/env node
// The whole check, in order, with a heading and a time for each step:
// lint, typecheck, the docs' code, every test, build, the packed packages, the examples and a
// quick benchmark smoke run. Stops at the first failing step.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Files the main job writes go to a scratch directory, not into the working tree.
const scratch = mkdtempSync(join(tmpdir(), 'dealbook-check-'));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const steps = [
  ['lint', bin('eslint'), ['.']],
  ['typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
  ['docs: code blocks type-check and run', process.execPath, [join(root, 'scripts/check-docs.mjs')]],
  ['unit and property tests', bin('vitest'), ['run']],
  ['build (tsup: ESM + CJS + .d.ts)', process.execPath, [join(root, 'scripts/pnpm.mjs'), '-r', '--filter', './packages/*', 'run', 'build']],
  ['packages as users install them', process.execPath, [join(root, 'scripts/check-packages.mjs')]],
  ['examples run: quickstart', bin('tsx'), ['examples/quickstart/main.ts']],
  ['examples run: custom projection', bin('tsx'), ['examples/custom-projection/main.ts']],
  ['examples run: the host app over HTTP (demo against a live server on loopback)', bin('tsx'), ['examples/host-app/src/demo.ts']],
  ['the main job (npm start): generate a year into SQLite, audit, KPI, funnel, report.html', bin('tsx'), ['examples/main-job/main.ts']],
  ['benchmark smoke run (no goals asserted)', bin('tsx'), ['bench/main.ts', '--quick']],
];

for (const [name, command, args] of steps) {
  console.log(`\n=== ${name}`);
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0', DEALBOOK_DEMO_DB: join(scratch, 'demo.db'), DEALBOOK_DEMO_REPORT: join(scratch, 'report.html') } });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`\n✗ ${name} failed after ${seconds}s (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
  console.log(`✓ ${name} (${seconds}s)`);
}
console.log('\nAll checks passed.');
