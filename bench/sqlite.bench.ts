// The SQLite store against raw better-sqlite3 doing the same inserts and
// selects with the same pragmas (WAL, synchronous FULL), in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// better-sqlite3 is a dependency of @dealbook/store-sqlite, not of the repository root: load it from there.
import type BetterSqlite3 from '../packages/store-sqlite/node_modules/@types/better-sqlite3/index.js';
import { sealEvents, streamCategory, toJsonLine, ZERO_HASH, type EventEnvelope, type NewEvent } from '@dealbook/eventsourcing';
import { createSqliteEventStore } from '@dealbook/store-sqlite';
import { sampleEvent } from './fixtures.js';
import { notes, paired, record, throughput } from './harness.js';

const section = 'sqlite store';
const Database = createRequire(new URL('../packages/store-sqlite/package.json', import.meta.url))('better-sqlite3') as typeof BetterSqlite3;

/** A row as the store writes it: stream, version, event id, type, category, canonical line. */
type Row = readonly [string, number, string, string, string, string];

export async function sqliteBenchmarks(options: { readonly quick: boolean }): Promise<void> {
  console.log(`\n${section}: durable appends and stream loads (WAL, synchronous FULL), beside raw better-sqlite3`);
  const dir = mkdtempSync(join(tmpdir(), 'dealbook-sqlite-bench-'));
  const store = createSqliteEventStore({ path: join(dir, 'store.db') });
  // The baseline: the same table, indexes and pragmas, written without the store.
  const raw = new Database(join(dir, 'raw.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.exec(`
    CREATE TABLE events (
      position INTEGER PRIMARY KEY AUTOINCREMENT, stream_id TEXT NOT NULL, stream_version INTEGER NOT NULL,
      event_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, category TEXT NOT NULL, envelope TEXT NOT NULL,
      UNIQUE (stream_id, stream_version));
    CREATE INDEX events_by_type ON events (type, position);
    CREATE INDEX events_by_category ON events (category, position);`);
  const insert = raw.prepare('INSERT INTO events (stream_id, stream_version, event_id, type, category, envelope) VALUES (?, ?, ?, ?, ?, ?)');
  const rawAppend = raw.transaction((rows: readonly Row[]) => {
    for (const row of rows) insert.run(...row);
  });
  const select = raw.prepare('SELECT position, envelope FROM events WHERE stream_id = ? ORDER BY stream_version').raw(true);

  // Each round appends to fresh streams in both databases; rows for the baseline are sealed and serialized before timing.
  let streamSerial = 0;
  const makeRound = (appends: number, perAppend: number) => {
    const streams = 200;
    const versions = new Array<number>(streams).fill(0);
    const prevHashes = new Array<string>(streams).fill(ZERO_HASH);
    const base = streamSerial;
    streamSerial += streams;
    const batches: { streamId: string; events: NewEvent[] }[] = [];
    const rows: Row[][] = [];
    for (let a = 0; a < appends; a++) {
      const s = a % streams;
      const streamId = `contract-${base + s}`;
      const events = Array.from({ length: perAppend }, (_, i) => sampleEvent(a * perAppend + i));
      batches.push({ streamId, events });
      // The baseline's rows: the same events for its own database (fresh ids: event ids are unique per file).
      const sealed = sealEvents(streamId, versions[s]!, prevHashes[s]!, events.map((e) => ({ ...sampleEvent(0), data: e.data })), '2026-03-02T01:30:00.000Z');
      versions[s]! += perAppend;
      prevHashes[s] = sealed[sealed.length - 1]!.hash;
      rows.push(sealed.map((e) => [e.streamId, e.streamVersion, e.eventId, e.type, streamCategory(e.streamId), toJsonLine(e)] as const));
    }
    return { batches, rows };
  };

  // fsync times on a shared disk drift from second to second: many short alternating rounds keep the ratio honest.
  const rounds = options.quick ? 3 : 11;
  const goal = (ratio: number) => ({ text: '≥ 0.75× raw', met: ratio >= 0.75 });
  try {
    for (const [perAppend, appends] of [
      [1, options.quick ? 100 : 300],
      [100, options.quick ? 10 : 30],
    ] as const) {
      const rawRun = () => {
        const { rows } = makeRound(appends, perAppend);
        return throughput(appends, (i) => rawAppend.immediate(rows[i]!));
      };
      const storeRun = () => {
        const { batches } = makeRound(appends, perAppend);
        return throughput(appends, (i) => store.append(batches[i]!.streamId, batches[i]!.events));
      };
      const m = await paired(rounds, rawRun, storeRun);
      record({
        section,
        name: `append ${perAppend === 1 ? '1 event' : `${perAppend} events`} (one transaction, fsync)`,
        unit: 'appends/s',
        value: m.subject,
        baselineName: 'raw INSERTs of serialized rows',
        baseline: m.baseline,
        ratio: m.ratio,
        spread: m.spread,
        goal: goal(m.ratio),
      });
    }

    // Stream loads: streams of 20 events in both files, read whole.
    const loadStreams = options.quick ? 100 : 500;
    const loadIds: string[] = [];
    for (let s = 0; s < loadStreams; s++) {
      const streamId = `customer-${s}`;
      loadIds.push(streamId);
      const events = Array.from({ length: 20 }, (_, i) => sampleEvent(i));
      await store.append(streamId, events);
      const sealed = sealEvents(streamId, 0, ZERO_HASH, events.map((e) => ({ ...sampleEvent(0), data: e.data })), '2026-03-02T01:30:00.000Z');
      rawAppend.immediate(sealed.map((e) => [e.streamId, e.streamVersion, e.eventId, e.type, streamCategory(e.streamId), toJsonLine(e)] as const));
    }
    const loads = options.quick ? 2_000 : 20_000;
    const pick = (i: number) => loadIds[(i * 7919) % loadIds.length]!;
    const m = await paired(
      rounds,
      () =>
        throughput(loads, (i) => {
          const rows = select.all(pick(i)) as [number, string][];
          return rows.map((r) => ({ position: r[0], event: JSON.parse(r[1]) as EventEnvelope }));
        }),
      () => throughput(loads, (i) => store.readStream(pick(i))),
    );
    record({ section, name: 'load a 20-event stream (readStream)', unit: 'loads/s', value: m.subject, baselineName: 'raw SELECT + JSON.parse', baseline: m.baseline, ratio: m.ratio, spread: m.spread, goal: goal(m.ratio) });
    notes.push({
      section,
      text:
        'Appends: the baseline inserts rows sealed and serialized before timing, one `BEGIN IMMEDIATE` transaction per append, ' +
        'so the ratio is what the store adds (argument checks, reading the stream head for the version check, validating, hashing, serializing). ' +
        'With synchronous FULL each commit waits for an fsync of the WAL, which dominates single-event appends. ' +
        'Loads: the baseline runs the same SELECT and parses each line, as any reader must.',
    });
  } finally {
    await store.close();
    raw.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
