import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { verifyChain } from '@dealbook/eventsourcing';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from './index.js';
import { tempDir } from './test-helpers.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const child = (name: string) => fileURLToPath(new URL(`./test-children/${name}`, import.meta.url));

function start(script: string, args: readonly string[]): { process: ChildProcessWithoutNullStreams; lines: string[]; nextLine(match: (line: string) => boolean): Promise<string>; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', child(script), ...args], { cwd: repoRoot });
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  let buffer = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) !== -1) {
      lines.push(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
    }
    for (const listener of [...listeners]) listener();
  });
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    process: proc,
    lines,
    exited,
    nextLine: (match) =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          const found = lines.find(match);
          if (found !== undefined) {
            listeners.delete(check);
            resolve(found);
          }
        };
        listeners.add(check);
        check();
        void exited.then((code) => {
          listeners.delete(check);
          reject(new Error(`child ${script} exited (${String(code)}) before the expected line; stderr: ${stderr}`));
        });
      }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SQLite event store across processes', () => {
  const temp = tempDir();
  afterAll(() => temp.remove());

  it('survives SIGKILL in the middle of 1,000-event appends: integrity ok, whole batches only, chains verify, acknowledged batches kept', async () => {
    const path = temp.file('crash.db');
    let acknowledged = 0;
    for (let round = 0; round < 4; round++) {
      const writer = start('append-batches.ts', [path, '3']);
      await writer.nextLine((l) => l.startsWith('committed '));
      await sleep(10 + Math.floor(Math.random() * 120));
      writer.process.kill('SIGKILL');
      await writer.exited;
      acknowledged += writer.lines.filter((l) => l.startsWith('committed ')).length;

      const raw = new Database(path, { readonly: true });
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      raw.close();
      const store = createSqliteEventStore({ path });
      const count = await store.count();
      expect(count % 1000).toBe(0);
      expect(count / 1000).toBeGreaterThanOrEqual(acknowledged);
      for (let s = 0; s < 3; s++) {
        const events = (await store.readStream(`crash-${s}`)).map((r) => r.event);
        const report = verifyChain(events);
        expect(report.ok, report.ok ? '' : report.message).toBe(true);
      }
      await store.close();
    }
    expect(acknowledged).toBeGreaterThanOrEqual(4);
  });

  it('two processes creating the same new file at the same moment both open it (the first one migrates, the other sees a dealbook file)', async () => {
    const openers = ['a', 'b'].map(() => start('open-race.ts', []));
    await Promise.all(openers.map((o) => o.nextLine((l) => l === 'ready')));
    for (let i = 0; i < 40; i++) {
      const path = temp.file(`fresh-${i}.db`);
      for (const o of openers) o.process.stdin.write(`${path}\n`);
      const answers = await Promise.all(openers.map((o) => o.nextLine((l) => l.endsWith(` ${path}`))));
      expect(answers).toEqual([`ok ${path}`, `ok ${path}`]);
    }
    for (const o of openers) o.process.stdin.end();
    expect(await Promise.all(openers.map((o) => o.exited))).toEqual([0, 0]);
  });

  it('two processes appending to one stream with the version they read: each version won exactly once, losers get VersionConflictError', async () => {
    const path = temp.file('race.db');
    const times = 250;
    const writers = ['a', 'b'].map((name) => start('append-race.ts', [path, 'race-1', String(times), name]));
    await Promise.all(writers.map((w) => w.nextLine((l) => l === 'ready')));
    for (const w of writers) w.process.stdin.write('go\n');
    const reports = await Promise.all(writers.map(async (w) => JSON.parse(await w.nextLine((l) => l.startsWith('{'))) as { won: number[]; conflicts: number }));
    expect(await Promise.all(writers.map((w) => w.exited))).toEqual([0, 0]);

    for (const r of reports) expect(r.won.length + r.conflicts).toBe(times);
    const won = reports.flatMap((r) => r.won).sort((x, y) => x - y);
    const store = createSqliteEventStore({ path });
    const stream = (await store.readStream('race-1')).map((r) => r.event);
    await store.close();
    expect(won).toEqual(stream.map((e) => e.streamVersion)); // every stored version won by exactly one writer
    expect(stream.map((e) => e.streamVersion)).toEqual([...stream.keys()]);
    expect(verifyChain(stream).ok).toBe(true);
    expect(reports.reduce((n, r) => n + r.conflicts, 0)).toBeGreaterThan(0);
  });
});
