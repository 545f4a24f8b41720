import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { definePolicy, isPeriodKey, periodKeyAt, policyTimelineOf, type Policy } from '@dealbook/core';
import { computeEventHash, DealbookError, isIsoTimestamp, toJsonLine, ValidationError, ZERO_HASH, type EventEnvelope, type EventStore, type NewEvent } from '@dealbook/eventsourcing';
import { buildFunnel, queryFunnel, type FunnelCut } from '@dealbook/projections-funnel';
import { buildKpi, queryKpi, type KpiGrouping } from '@dealbook/projections-kpi';
import { createSqliteEventStore } from '@dealbook/store-sqlite';
import { allRecords, generateHistory } from '@dealbook/testing';
import { createAuditor } from './auditor.js';
import { buildAuditReport } from './build-report.js';
import { estimateAuditHeap } from './heap-budget.js';
import { renderHtmlReport } from './html-report.js';
import { plantViolations } from './plant.js';
import type { AuditReport } from './report.js';
import { describeSource, isUnreadableSource, openStore, parseSource, readSource, type SourceSpec } from './sources.js';
import { formatKpiTable, formatFunnelTable, formatAuditSummary } from './text-output.js';

/** Exit statuses: 0 clean (or done), 1 findings, 2 unreadable source or wrong usage. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/** Where a command writes: stdout for results, stderr for progress and errors. Injected so tests capture them. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Show a progress indicator on stderr (a terminal). */
  readonly progress: boolean;
  /** The audit instant. Default: the system clock. */
  readonly now?: () => string;
  /** The heap the process may use, in bytes (`audit` chooses `--low-memory` for a source that would not fit). Default: V8's heap size limit. */
  readonly heapLimitBytes?: number;
}

export class UsageError extends DealbookError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

export const USAGE = `dealbook — audit, rebuild and move dealbook histories

Usage:
  dealbook audit <source> [--as-of T] [--policy policy.json] [--json] [--html report.html] [--redact] [--low-memory]
  dealbook kpi <source> [--period 2017|2017-Q1|2017-03|2017-W09] [--by rep|team|region|company] [--as-of T] [--policy policy.json] [--json]
  dealbook funnel <source> [--by company|rep|region|source|cohort] [--period P] [--as-of T] [--policy policy.json] [--json]
  dealbook generate [--reps 50] [--months 12] [--seed 42] [--start 2026-01-01T00:00:00.000Z] [--violations N] --out <file.jsonl | sqlite:path>
  dealbook import <file.jsonl | -> --into sqlite:<path>
  dealbook export <sqlite:path | esdb://…> [--redact]  > out.jsonl

A <source> is a JSONL file (- for stdin), sqlite:<path>, or an EventStoreDB connection string (esdb://…).
Exit status: 0 clean, 1 findings, 2 unreadable source or wrong usage. See docs/auditor.md.`;

const flag = (values: Record<string, unknown>, name: string): string | undefined => {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
};

function loadPolicy(path: string | undefined): Policy | readonly Policy[] | undefined {
  if (path === undefined) return undefined;
  if (!existsSync(path)) throw new UsageError(`--policy: no file at "${path}".`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--policy: "${path}" is not JSON (${(error as Error).message}).`);
  }
  if (!Array.isArray(json)) return definePolicy(json as object);
  // Versions, oldest first: each one is what changes from the one before it.
  const versions: Policy[] = [];
  for (const [i, change] of json.entries()) {
    try {
      versions.push(definePolicy(change as object, versions.at(-1)));
    } catch (error) {
      if (error instanceof ValidationError) throw new ValidationError(`Policy version [${i}] of "${path}"`, error.issues);
      throw error;
    }
  }
  return versions;
}

function checkInstant(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && !isIsoTimestamp(value)) throw new UsageError(`--${name}: "${value}" is not an ISO-8601 UTC instant with milliseconds, like 2026-03-31T16:00:00.000Z.`);
  return value;
}

function oneSource(positionals: readonly string[], command: string): SourceSpec {
  if (positionals.length !== 1) throw new UsageError(`dealbook ${command} takes one source (a JSONL file, - for stdin, sqlite:<path> or esdb://…); got ${positionals.length}.`);
  return parseSource(positionals[0]!);
}

function progressBar(io: CliIo, label: string): ((done: number, total: number | undefined) => void) | undefined {
  if (!io.progress) return undefined;
  let last = 0;
  return (done, total) => {
    const t = performance.now();
    if (t - last < 200) return;
    last = t;
    const text = total === undefined || total === 0 ? `${label}: ${done.toLocaleString('en-US')}` : `${label}: ${((100 * done) / total).toFixed(1)}% of ${(total / 1e6).toFixed(1)} MB`;
    io.stderr(`\r${text}   `);
  };
}

async function audit(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'as-of': { type: 'string' }, policy: { type: 'string' }, json: { type: 'boolean' }, html: { type: 'string' }, redact: { type: 'boolean' }, 'low-memory': { type: 'boolean' } },
  });
  const spec = oneSource(positionals, 'audit');
  const asOf = checkInstant('as-of', flag(values, 'as-of'));
  const policy = loadPolicy(flag(values, 'policy'));
  const auditedAt = io.now?.() ?? new Date().toISOString();
  const auditor = createAuditor({
    ...(policy === undefined ? {} : { policy }),
    ...(asOf === undefined ? {} : { asOf }),
    ...(values['low-memory'] === true || outgrowsHeap(spec, io) ? { spill: true } : {}),
  });
  let lines = 0;
  let report: AuditReport;
  try {
    const progress = progressBar(io, 'auditing');
    for await (const item of readSource(spec, progress)) {
      lines++;
      if (item.kind === 'record') auditor.record(item.value, { ...(item.line === undefined ? {} : { line: item.line }), ...(item.text === undefined ? {} : { text: item.text }) });
      else auditor.problem(item.code, item.message, item.line, item.bytes === undefined ? undefined : { bytes: item.bytes });
    }
    if (progress !== undefined) io.stderr('\r\x1b[K');
    // Deadlines are judged at --as-of, else at the audit instant (never before the history's last record).
    const last = auditor.lastRecordedAt;
    const judgedAt = asOf ?? (last !== null && last > auditedAt ? last : auditedAt);
    report = buildAuditReport(auditor.finish(judgedAt), {
      source: { kind: spec.kind, name: describeSource(spec) },
      auditedAt,
      asOf: asOf ?? null,
      ...(policy === undefined ? {} : { policy }),
      redact: values.redact === true,
      lines,
    });
  } finally {
    auditor.close(); // the scratch file of --low-memory (the read models read from it until the report is built), also when the source fails half-way
  }
  const html = flag(values, 'html');
  if (html !== undefined) writeFileSync(html, renderHtmlReport(report), 'utf8');
  if (values.json === true) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout(formatAuditSummary(report, html));
  return report.summary.clean ? EXIT.ok : EXIT.findings;
}

/** Would the default audit of this source run out of heap? Then it runs as with --low-memory, and says so on stderr. */
function outgrowsHeap(spec: SourceSpec, io: CliIo): boolean {
  if (spec.kind === 'eventstoredb' || spec.path === '-' || !existsSync(spec.path)) return false;
  const bytes = statSync(spec.path).size;
  const limit = io.heapLimitBytes ?? getHeapStatistics().heap_size_limit;
  const estimate = estimateAuditHeap(spec.kind, bytes, limit);
  if (!estimate.outgrows) return false;
  const mb = (n: number) => `${n < 10e6 ? (n / 1e6).toFixed(1) : Math.round(n / 1e6).toLocaleString('en-US')} MB`;
  io.stderr(
    `dealbook: auditing with --low-memory: ${spec.path} (${mb(bytes)}, about ${estimate.events.toLocaleString('en-US')} events) would need about ${mb(estimate.heapBytes)} of heap, more than this process can use well (limit ${mb(limit)}).\n`,
  );
  return true;
}

async function storeOrFileHistory(spec: SourceSpec, asOf: string | undefined, build: (store: EventStore) => Promise<void>): Promise<void> {
  if (spec.kind !== 'jsonl') {
    const store = openStore(spec);
    try {
      await build(store);
    } finally {
      await store.close();
    }
    return;
  }
  // A JSONL file is loaded into a temporary in-memory SQLite store (the read models read stores).
  const store = createSqliteEventStore({ path: ':memory:' });
  try {
    await importInto(store, readSource(spec), () => undefined, asOf);
    await build(store);
  } finally {
    await store.close();
  }
}

async function kpi(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { period: { type: 'string' }, by: { type: 'string' }, 'as-of': { type: 'string' }, policy: { type: 'string' }, json: { type: 'boolean' } },
  });
  const spec = oneSource(positionals, 'kpi');
  const by = (flag(values, 'by') ?? 'rep') as KpiGrouping;
  if (!['rep', 'team', 'region', 'company'].includes(by)) throw new UsageError(`--by: "${by}" is not one of rep, team, region, company.`);
  const period = flag(values, 'period');
  if (period !== undefined && !isPeriodKey(period)) throw new UsageError(`--period: "${period}" is not a period: use 2017, 2017-Q1, 2017-03 or 2017-W09.`);
  const asOf = checkInstant('as-of', flag(values, 'as-of'));
  const policy = loadPolicy(flag(values, 'policy'));
  await storeOrFileHistory(spec, asOf, async (store) => {
    const state = await buildKpi(store, { ...(asOf === undefined ? {} : { asOf }), ...(policy === undefined ? {} : { policy }) });
    const timeZone = policyTimelineOf(policy).versions[0]!.timeZone;
    const chosen = period ?? (state.lastOccurredAt === null ? undefined : periodKeyAt(state.lastOccurredAt, 'month', timeZone));
    if (chosen === undefined) {
      io.stdout(values.json === true ? `${JSON.stringify({ period: null, by, rows: [] })}\n` : 'No events: no KPI.\n');
      return;
    }
    const result = queryKpi(state, { period: chosen, by });
    io.stdout(values.json === true ? `${JSON.stringify(result, null, 2)}\n` : formatKpiTable(result));
  });
  return EXIT.ok;
}

async function funnel(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { period: { type: 'string' }, by: { type: 'string' }, 'as-of': { type: 'string' }, policy: { type: 'string' }, json: { type: 'boolean' } },
  });
  const spec = oneSource(positionals, 'funnel');
  const by = (flag(values, 'by') ?? 'company') as FunnelCut | 'company';
  if (!['company', 'rep', 'region', 'source', 'cohort'].includes(by)) throw new UsageError(`--by: "${by}" is not one of company, rep, region, source, cohort.`);
  const period = flag(values, 'period');
  if (period !== undefined && !isPeriodKey(period)) throw new UsageError(`--period: "${period}" is not a period: use 2017, 2017-Q1, 2017-03 or 2017-W09.`);
  const asOf = checkInstant('as-of', flag(values, 'as-of'));
  const policy = loadPolicy(flag(values, 'policy'));
  await storeOrFileHistory(spec, asOf, async (store) => {
    const state = await buildFunnel(store, { ...(asOf === undefined ? {} : { asOf }), ...(policy === undefined ? {} : { policy }) });
    const result = queryFunnel(state, { by, ...(period === undefined ? {} : { period }) });
    io.stdout(values.json === true ? `${JSON.stringify(result, null, 2)}\n` : formatFunnelTable(result));
  });
  return EXIT.ok;
}

async function generate(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { reps: { type: 'string' }, months: { type: 'string' }, seed: { type: 'string' }, start: { type: 'string' }, violations: { type: 'string' }, out: { type: 'string' } },
  });
  if (positionals.length > 0) throw new UsageError(`dealbook generate takes no positional arguments (got "${positionals.join(' ')}").`);
  const int = (name: string, fallback: number, min: number) => {
    const raw = flag(values, name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name}: "${raw}" must be a whole number ≥ ${min}.`);
    return n;
  };
  const reps = int('reps', 50, 1);
  const months = int('months', 12, 1);
  const seed = int('seed', 42, 0);
  const violations = int('violations', 0, 0);
  const start = checkInstant('start', flag(values, 'start')) ?? '2026-01-01T00:00:00.000Z';
  const out = flag(values, 'out');
  if (out === undefined) throw new UsageError('dealbook generate needs --out <file.jsonl | sqlite:path>.');
  const target = parseSource(out);
  if (target.kind === 'eventstoredb') throw new UsageError('--out: generate writes a JSONL file or sqlite:<path> (import into EventStoreDB from there).');
  if (target.kind === 'jsonl' && target.path === '-') throw new UsageError('--out: give a file name (the violations sidecar needs one).');

  const progress = progressBar(io, 'generating');
  const { store, stats } = await generateHistory({ seed, reps, months, start, ...(progress === undefined ? {} : { onProgress: (n) => progress(n, undefined) }) });
  if (progress !== undefined) io.stderr('\r\x1b[K');
  const history = (await allRecords(store)).map((r) => r.event);
  const policy = definePolicy();
  const { events, planted } = plantViolations(history, violations, { tamper: target.kind === 'jsonl', visitDelayHours: policy.visitRecordingDelayHours });
  if (planted.length < violations) io.stderr(`Only ${planted.length} of ${violations} violations could be planted in this history.\n`);

  const path = target.path;
  if (target.kind === 'jsonl') {
    writeFileSync(path, events.map((e) => `${toJsonLine(e)}\n`).join(''), 'utf8');
  } else {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    const sqlite = createSqliteEventStore({ path, synchronous: 'NORMAL' });
    try {
      await importInto(sqlite, (async function* () {
        for (const e of events) yield { kind: 'record' as const, value: e };
      })(), () => undefined);
    } finally {
      await sqlite.close();
    }
  }
  const sidecar = `${path}.violations.json`;
  if (violations > 0) writeFileSync(sidecar, `${JSON.stringify({ seed, reps, months, start, planted }, null, 2)}\n`, 'utf8');
  io.stdout(
    `Generated ${events.length.toLocaleString('en-US')} events (${stats.commands.toLocaleString('en-US')} commands) of a ${reps}-rep company over ${months} months from ${start}, seed ${seed}, into ${out}.` +
      (violations > 0 ? ` Planted ${planted.length} violations, listed in ${sidecar}.` : '') +
      '\n',
  );
  return EXIT.ok;
}

/**
 * Appends records to a store, stream by stream in order, keeping `recordedAt`
 * (so hashes stay the same). Records with hash fields are verified per
 * stream first: where a chain breaks, the import stops with a `ValidationError`
 * naming the line and nothing of that stream's later events is written.
 * Records without hash fields (a legacy export) are chained on import.
 */
async function importInto(store: EventStore, items: AsyncIterable<{ kind: string; value?: unknown; line?: number; code?: string; message?: string }>, onCount: (n: number) => void, asOf?: string): Promise<number> {
  const heads = new Map<string, EventEnvelope | { streamVersion: number; hash: string }>();
  let count = 0;
  let pending: { streamId: string; before: number; events: NewEvent[] } | undefined;
  const flush = async () => {
    if (pending === undefined) return;
    const { streamId, before, events } = pending;
    pending = undefined;
    await store.append(streamId, events, { expectedVersion: before === -1 ? 'no_stream' : before });
  };
  for await (const item of items) {
    const where = item.line === undefined ? '' : ` (line ${item.line})`;
    if (item.kind !== 'record') throw new ValidationError('Import', [{ path: `line ${item.line ?? '?'}`, message: `${item.code ?? 'unreadable'}: ${item.message ?? ''}` }]);
    const e = item.value as Partial<EventEnvelope> & Record<string, unknown>;
    if (typeof e.streamId !== 'string') throw new ValidationError('Import', [{ path: `streamId${where}`, message: 'is required' }]);
    if (asOf !== undefined && typeof e.recordedAt === 'string' && e.recordedAt > asOf) continue;
    const known = heads.get(e.streamId);
    if (typeof e.hash === 'string' || typeof e.prevHash === 'string') {
      const expectedVersion = known === undefined ? 0 : known.streamVersion + 1;
      const problem =
        e.streamVersion !== expectedVersion
          ? `its version is ${String(e.streamVersion)}, the stream is at ${expectedVersion - 1}`
          : e.prevHash !== (known === undefined ? ZERO_HASH : known.hash)
            ? 'its prevHash is not the hash of the event before it'
            : (() => {
                try {
                  return computeEventHash(e as EventEnvelope) === e.hash ? undefined : 'its hash does not match its content';
                } catch (error) {
                  return `it cannot be hashed (${(error as Error).message})`;
                }
              })();
      if (problem !== undefined) {
        throw new ValidationError('Import', [{ path: `${e.streamId} v${String(e.streamVersion)}${where}`, message: `the hash chain breaks here: ${problem}. Events before it were imported, nothing from it on.` }]);
      }
    }
    if (pending !== undefined && pending.streamId !== e.streamId) await flush();
    pending ??= { streamId: e.streamId, before: known?.streamVersion ?? -1, events: [] };
    pending.events.push({
      eventId: String(e.eventId),
      type: String(e.type),
      ...(typeof e.schemaVersion === 'number' ? { schemaVersion: e.schemaVersion } : {}),
      occurredAt: String(e.occurredAt),
      ...(typeof e.recordedAt === 'string' ? { recordedAt: e.recordedAt } : {}),
      data: e.data,
      metadata: e.metadata as NewEvent['metadata'],
    });
    if (typeof e.hash === 'string' && typeof e.streamVersion === 'number') heads.set(e.streamId, { streamVersion: e.streamVersion, hash: e.hash });
    else heads.set(e.streamId, { streamVersion: (known?.streamVersion ?? -1) + 1, hash: '' });
    count++;
    if (count % 1000 === 0) onCount(count);
  }
  await flush();
  return count;
}

async function importCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { into: { type: 'string' } } });
  const spec = oneSource(positionals, 'import');
  if (spec.kind !== 'jsonl') throw new UsageError('dealbook import reads a JSONL file (or - for stdin).');
  const into = flag(values, 'into');
  if (into === undefined) throw new UsageError('dealbook import needs --into sqlite:<path> (or esdb://…).');
  const target = parseSource(into);
  if (target.kind === 'jsonl') throw new UsageError('--into: give a store: sqlite:<path> or esdb://….');
  const store = openStore(target, { create: true });
  try {
    const progress = progressBar(io, 'importing');
    const n = await importInto(store, readSource(spec), (c) => progress?.(c, undefined));
    if (progress !== undefined) io.stderr('\r\x1b[K');
    io.stdout(`Imported ${n.toLocaleString('en-US')} events into ${into}.\n`);
  } finally {
    await store.close();
  }
  return EXIT.ok;
}

async function exportCommand(argv: string[], io: CliIo): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  const spec = oneSource(positionals, 'export');
  if (spec.kind === 'jsonl') throw new UsageError('dealbook export reads a store: sqlite:<path> or esdb://….');
  for await (const item of readSource(spec)) if (item.kind === 'record') io.stdout(`${toJsonLine(item.value as EventEnvelope)}\n`);
  return EXIT.ok;
}

const commands: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  audit,
  kpi,
  funnel,
  generate,
  import: importCommand,
  export: exportCommand,
};

/** Runs one `dealbook` command line; returns the exit status. Never throws: errors become a message and status 2. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.stdout(`${USAGE}\n`);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  const run = commands[command];
  if (run === undefined) {
    io.stderr(`dealbook: unknown command "${command}".\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String((error as { code: unknown }).code).startsWith('ERR_PARSE_ARGS'))) {
      io.stderr(`dealbook ${command}: ${(error as Error).message}\n\n${USAGE}\n`);
      return EXIT.usage;
    }
    if (isUnreadableSource(error)) {
      io.stderr(`dealbook ${command}: ${(error as Error).message}\n`);
      return EXIT.usage;
    }
    if (error instanceof DealbookError) {
      io.stderr(`dealbook ${command}: ${error.message}\n`);
      return EXIT.usage;
    }
    io.stderr(`dealbook ${command}: unexpected error: ${(error as Error)?.message ?? String(error)}\n`);
    return EXIT.usage;
  }
}
