#!/usr/bin/env node
// Checks the built packages as a user gets them from npm: packs each one,
// installs the tarballs into a scratch project, then loads them with
// require() and import() and type-checks a consumer in both module systems.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packagesDir = join(root, 'packages');
const scratch = mkdtempSync(join(tmpdir(), 'dealbook-packages-'));
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
const failures = [];

try {
  const names = [];
  for (const dir of readdirSync(packagesDir)) {
    const manifest = JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8'));
    if (manifest.private) continue;
    for (const field of ['exports', 'engines', 'files', 'license', 'types']) {
      if (!manifest[field]) failures.push(`${manifest.name}: package.json has no "${field}"`);
    }
    if (!/^>=20\.19/.test(manifest.engines?.node ?? '')) failures.push(`${manifest.name}: engines.node should be ">=20.19"`);
    run(process.execPath, [join(root, 'scripts/pnpm.mjs'), '--dir', join(packagesDir, dir), 'pack', '--pack-destination', scratch], root);
    names.push(manifest.name);
  }
  const tarballs = readdirSync(scratch).filter((f) => f.endsWith('.tgz')).map((f) => join(scratch, f));
  const consumer = join(scratch, 'consumer');
  execFileSync('mkdir', ['-p', consumer]);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '0.0.0' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs, `typescript@${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies.typescript}`, '@types/node@20'], consumer);

  const smoke = `
    const m = LOAD('@dealbook/eventsourcing');
    const store = m.createInMemoryEventStore();
    const r = await store.append('thing-1', [{ eventId: '00000000-0000-4000-8000-000000000001', type: 'Made', occurredAt: '2026-01-01T00:00:00.000Z', data: { a: 1 }, metadata: { commandId: 'c', correlationId: 'c', causationId: 'c', actorId: 'a' } }]);
    if (!m.verifyChain(r.events.map((e) => e.event)).ok) throw new Error('chain');
    const t = LOAD('@dealbook/testing');
    if (typeof t.eventStoreContract !== 'function' || typeof t.deciderSpec !== 'function') throw new Error('testing exports');
    const core = LOAD('@dealbook/core');
    if (core.definePolicy().timeZone !== 'Asia/Shanghai') throw new Error('core policy defaults');
    const engineModule = LOAD('@dealbook/engine');
    const engine = engineModule.createSalesEngine();
    const hired = await engine.execute({ type: 'HireRep', commandId: 'c-1', actorId: 'hr', occurredAt: '2026-03-02T01:00:00.000Z', repId: 'r-1', name: 'W', role: 'manager', regions: [] });
    if (hired.state.status !== 'active') throw new Error('engine');
    const kpiModule = LOAD('@dealbook/projections-kpi');
    const kpi = await kpiModule.buildKpi(engine.store);
    if (kpiModule.queryKpi(kpi, { period: '2026-03', by: 'rep' }).rows[0].group !== 'r-1') throw new Error('kpi');
    const funnelModule = LOAD('@dealbook/projections-funnel');
    if (!Array.isArray(funnelModule.queryFunnel(await funnelModule.buildFunnel(engine.store)).rows)) throw new Error('funnel');
    const sqlite = LOAD('@dealbook/store-sqlite');
    const durable = sqlite.createSqliteEventStore({ path: ':memory:' });
    const onDisk = await engineModule.createSalesEngine({ store: durable }).execute({ type: 'HireRep', commandId: 'c-2', actorId: 'hr', occurredAt: '2026-03-02T01:00:00.000Z', repId: 'r-2', name: 'V', role: 'manager', regions: [] });
    if (onDisk.version !== 0 || (await durable.count()) !== 1) throw new Error('sqlite store');
    await durable.close();
    const esdb = LOAD('@dealbook/store-eventstoredb');
    if (typeof esdb.createEventStoreDbStore !== 'function' || typeof esdb.connectEventStoreDb !== 'function') throw new Error('eventstoredb exports');
    console.log('ok');`;
  writeFileSync(join(consumer, 'smoke.cjs'), `(async () => { ${smoke.replaceAll('LOAD', 'require')} })().catch((e) => { console.error(e); process.exit(1); });`);
  writeFileSync(join(consumer, 'smoke.mjs'), smoke.replace(/const (\w+) = LOAD\(('[^']+')\);/g, 'const $1 = await import($2);'));
  for (const file of ['smoke.cjs', 'smoke.mjs']) {
    const out = run(process.execPath, [file], consumer).trim();
    if (out !== 'ok') failures.push(`${file}: ${out}`);
  }
  // The `dealbook` bin, as `npx dealbook` runs it after `npm install @dealbook/auditor`.
  const dealbook = join(consumer, 'node_modules', '.bin', 'dealbook');
  if (!run(dealbook, ['help'], consumer).includes('dealbook audit <source>')) failures.push('dealbook help: no usage');
  run(dealbook, ['generate', '--reps', '2', '--months', '1', '--seed', '1', '--out', 'h.jsonl'], consumer);
  try {
    run(dealbook, ['audit', 'h.jsonl', '--json'], consumer);
  } catch (error) {
    // Exit 1 means "findings" (deadlines of a generated month); only a report that is not JSON, or exit 2, is a failure.
    if (error.status !== 1) failures.push(`dealbook audit: exit ${error.status}`);
    else if (JSON.parse(error.stdout).kind !== 'dealbook.audit-report') failures.push('dealbook audit --json: not a report');
  }
  // Types, as a CommonJS and as an ES module consumer sees them.
  const typed = `import { createInMemoryEventStore, type EventStore, type Decider } from '@dealbook/eventsourcing';
import { deciderSpec } from '@dealbook/testing';
import { definePolicy, type Policy } from '@dealbook/core';
import { createSalesEngine, type SalesEngine } from '@dealbook/engine';
import { queryKpi, type KpiState, type KpiRow } from '@dealbook/projections-kpi';
import { type FunnelRow } from '@dealbook/projections-funnel';
import { createAuditor, type AuditReport } from '@dealbook/auditor';
const auditReport: AuditReport | undefined = undefined;
void auditReport;
void createAuditor;
import { createSqliteEventStore, type SqliteEventStore } from '@dealbook/store-sqlite';
import { type EventStoreDbClientLike } from '@dealbook/store-eventstoredb';
const sqliteStore: SqliteEventStore = createSqliteEventStore({ path: ':memory:' });
const esdbClient: EventStoreDbClientLike | undefined = undefined;
void sqliteStore;
void esdbClient;
const funnelRows: readonly FunnelRow[] = [];
void funnelRows;
const rows: readonly KpiRow[] = queryKpi({} as KpiState, { period: '2026-Q1' }).rows;
void rows;
const policy: Policy = definePolicy({ timeZone: 'UTC' });
const engine: SalesEngine = createSalesEngine({ policy });
void engine;
const store: EventStore = createInMemoryEventStore();
const d: Decider<{ type: 'X' }, { type: 'Y'; data: null }, number> = { initialState: 0, decide: () => [{ type: 'Y', data: null }], evolve: (s) => s + 1 };
deciderSpec(d).given([]).when({ type: 'X' }).then([{ type: 'Y', data: null }]);
void store;
`;
  writeFileSync(join(consumer, 'typed.cts'), typed);
  writeFileSync(join(consumer, 'typed.mts'), typed);
  writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] }, files: ['typed.cts', 'typed.mts'] }));
  try {
    run(process.execPath, [join(consumer, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], consumer);
  } catch (error) {
    failures.push(`type-check of a consumer failed:\n${error.stdout ?? error.message}`);
  }
  if (failures.length > 0) {
    console.error(`check-packages: ${failures.length} problem(s):\n- ${failures.join('\n- ')}`);
    process.exitCode = 1;
  } else {
    console.log(`check-packages: ${names.join(', ')} install from their tarballs, load with require() and import(), and type-check as CJS and ESM.`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
