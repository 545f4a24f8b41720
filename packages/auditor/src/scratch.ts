import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MemberTable } from '@dealbook/engine';
import { DealbookError } from '@dealbook/eventsourcing';
import Database from 'better-sqlite3';

/**
 * A scratch file for what an audit must remember but need not keep in the
 * heap: one SQLite database in a fresh temporary directory, written without
 * a journal or fsync (it is thrown away; writes are batched in transactions
 * that the connection itself reads through), deleted by `close`. Holds JSON
 * values by (table, key) and a set of event ids.
 */
export interface Scratch {
  /** A key → JSON value table (values must be JSON: they come back parsed). */
  table(name: string): ScratchTable;
  /** Sets of members by key (no cache: each change is a row written). */
  members(name: string): MemberTable;
  /** Adds an event id; false when it was there already. */
  addIdIfNew(id: string): boolean;
  /** Deletes the file; the scratch cannot be used after. */
  close(): void;
}

export interface ScratchTable {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  /** Every key of the table, in key order. */
  keys(): string[];
}

export interface ScratchOptions {
  /** Where the temporary directory is made. Default: the OS temp directory. */
  readonly dir?: string;
}

/** Writes are committed every this many changes (one transaction each). */
const BATCH = 2000;

export function openScratch(options: ScratchOptions = {}): Scratch {
  const dir = mkdtempSync(join(options.dir ?? tmpdir(), 'dealbook-audit-'));
  const db = new Database(join(dir, 'scratch.db'));
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('cache_size = -8192'); // 8 MiB of pages
    db.exec(`
      CREATE TABLE kv (t INTEGER NOT NULL, k TEXT NOT NULL, v TEXT NOT NULL, PRIMARY KEY (t, k)) WITHOUT ROWID;
      CREATE TABLE ids (id TEXT PRIMARY KEY) WITHOUT ROWID;
      CREATE TABLE members (t INTEGER NOT NULL, k TEXT NOT NULL, m TEXT NOT NULL, PRIMARY KEY (t, k, m)) WITHOUT ROWID;
    `);
  } catch (error) {
    db.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const put = db.prepare<[number, string, string]>('INSERT OR REPLACE INTO kv (t, k, v) VALUES (?, ?, ?)');
  const read = db.prepare<[number, string], { v: string }>('SELECT v FROM kv WHERE t = ? AND k = ?');
  const remove = db.prepare<[number, string]>('DELETE FROM kv WHERE t = ? AND k = ?');
  const list = db.prepare<[number], string>('SELECT k FROM kv WHERE t = ? ORDER BY k').pluck();
  const addId = db.prepare<[string]>('INSERT OR IGNORE INTO ids (id) VALUES (?)');
  const addMember = db.prepare<[number, string, string]>('INSERT OR IGNORE INTO members (t, k, m) VALUES (?, ?, ?)');
  const removeMember = db.prepare<[number, string, string]>('DELETE FROM members WHERE t = ? AND k = ? AND m = ?');
  const membersOf = db.prepare<[number, string], string>('SELECT m FROM members WHERE t = ? AND k = ?').pluck();
  const tables = new Map<string, number>();
  const idOf = (name: string) => {
    let t = tables.get(name);
    if (t === undefined) tables.set(name, (t = tables.size));
    return t;
  };
  let pending = 0;
  let closed = false;
  const assertOpen = () => {
    if (closed) {
      throw new DealbookError('SCRATCH_CLOSED', 'The scratch file of this low-memory (spill) audit is closed: read its result (queries, buildAuditReport) before auditor.close().');
    }
  };

  const write = () => {
    assertOpen();
    if (pending === 0) db.exec('BEGIN');
    if (++pending >= BATCH) {
      db.exec('COMMIT');
      pending = 0;
    }
  };

  return {
    table(name) {
      const id = idOf(name);
      return {
        get(key) {
          assertOpen();
          const row = read.get(id, key);
          return row === undefined ? undefined : (JSON.parse(row.v) as unknown);
        },
        set(key, value) {
          write();
          put.run(id, key, JSON.stringify(value));
        },
        delete(key) {
          write();
          remove.run(id, key);
        },
        keys() {
          assertOpen();
          return list.all(id);
        },
      };
    },
    members(name) {
      const id = idOf(`members:${name}`);
      return {
        add(key, member) {
          write();
          addMember.run(id, key, member);
        },
        delete(key, member) {
          write();
          removeMember.run(id, key, member);
        },
        members(key) {
          assertOpen();
          return membersOf.all(id, key);
        },
      };
    },
    addIdIfNew(eventId) {
      write();
      return addId.run(eventId).changes === 1;
    },
    close() {
      if (closed) return;
      closed = true;
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
