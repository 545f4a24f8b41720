import { closeSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { SqliteStoreError, sqliteCode } from './errors.js';

/** dealbook's number in `PRAGMA application_id` (ASCII "deal"), so its files are recognised. */
export const SQLITE_APPLICATION_ID = 0x6465616c;

/**
 * `migrations[i]` takes a database from schema version `i` to `i + 1`; the
 * schema version lives in `PRAGMA user_version`. Never edit a released step:
 * add one.
 */
const migrations: readonly string[] = [
  `
  CREATE TABLE events (
    position       INTEGER PRIMARY KEY AUTOINCREMENT, -- the global position: strictly increasing, never reused
    stream_id      TEXT    NOT NULL,
    stream_version INTEGER NOT NULL,
    event_id       TEXT    NOT NULL UNIQUE,
    type           TEXT    NOT NULL,
    category       TEXT    NOT NULL,
    envelope       TEXT    NOT NULL, -- the canonical JSONL line (toJsonLine)
    UNIQUE (stream_id, stream_version)
  );
  CREATE INDEX events_by_type ON events (type, position);
  CREATE INDEX events_by_category ON events (category, position);
  CREATE TABLE checkpoints (
    name     TEXT    PRIMARY KEY,
    version  INTEGER NOT NULL,
    position INTEGER NOT NULL,
    state    TEXT    NOT NULL
  );
  CREATE TABLE snapshots (
    stream_id     TEXT    PRIMARY KEY,
    version       INTEGER NOT NULL,
    state_version INTEGER NOT NULL,
    state         TEXT    NOT NULL
  );
  `,
];

/** The schema version this code writes and reads (`PRAGMA user_version`). */
export const SQLITE_SCHEMA_VERSION = migrations.length;

const SQLITE_MAGIC = 'SQLite format 3\0';

/** What is in a file before anything is written to it. */
interface Inspection {
  readonly applicationId: number;
  readonly userVersion: number;
  readonly objects: number;
}

export interface OpenDatabaseOptions {
  readonly path: string;
  readonly synchronous: 'FULL' | 'NORMAL' | 'EXTRA' | 'OFF';
  readonly busyTimeoutMs: number;
}

/**
 * Opens (or creates) a dealbook database: refuses foreign or newer files
 * before writing anything, then sets WAL, `synchronous` and the busy timeout,
 * and migrates the schema in one `BEGIN IMMEDIATE` transaction.
 */
export function openDatabase(options: OpenDatabaseOptions): Database.Database {
  const { path } = options;
  const inMemory = path === ':memory:';
  if (!inMemory) checkHeader(path);
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: options.busyTimeoutMs });
  } catch (error) {
    throw new SqliteStoreError('CANNOT_OPEN', path, `Cannot open the SQLite database "${path}": ${(error as Error).message}`, { cause: error });
  }
  try {
    refuseForeign(path, inspect(db, path));
    // Only now is anything written: the journal mode is stored in the file. SQLite answers a switch to
    // WAL that meets another connection's lock with SQLITE_BUSY at once (its busy handler is not asked),
    // as when two processes create one new file together: tried again until the busy timeout.
    if (!inMemory) retryWhileBusy(path, options.busyTimeoutMs, () => db.pragma('journal_mode = WAL'));
    db.pragma(`synchronous = ${options.synchronous}`);
    migrate(db, path);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** A non-empty file that does not start with SQLite's magic string is refused without SQLite touching it. */
function checkHeader(path: string): void {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return; // absent: SQLite creates it (or reports why it cannot)
  }
  if (size === 0) return;
  const header = Buffer.alloc(SQLITE_MAGIC.length);
  let read = 0;
  try {
    const fd = openSync(path, 'r');
    try {
      read = readSync(fd, header, 0, header.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new SqliteStoreError('CANNOT_OPEN', path, `Cannot read "${path}": ${(error as Error).message}`, { cause: error });
  }
  if (read < header.length || header.toString('latin1') !== SQLITE_MAGIC) {
    throw new SqliteStoreError('NOT_SQLITE', path, `"${path}" is not a SQLite database (it does not start with the SQLite header); it was left untouched.`);
  }
}

function inspect(db: Database.Database, path: string): Inspection {
  try {
    // One statement, so one snapshot: read apart, another process's migration could commit between the
    // marker (still 0) and the count of tables (already there), and a fresh dealbook file would look foreign.
    const row = db.prepare('SELECT a.application_id AS applicationId, u.user_version AS userVersion, (SELECT count(*) FROM sqlite_schema) AS objects FROM pragma_application_id AS a, pragma_user_version AS u').get() as Inspection;
    return { applicationId: row.applicationId, userVersion: row.userVersion, objects: row.objects };
  } catch (error) {
    const code = sqliteCode(error);
    if (code === 'SQLITE_NOTADB' || code?.startsWith('SQLITE_CORRUPT') === true) {
      throw new SqliteStoreError('NOT_SQLITE', path, `"${path}" is not a readable SQLite database (${code}); it was left untouched.`, { cause: error });
    }
    if (code?.startsWith('SQLITE_BUSY') === true) throw busy(path, error);
    throw error;
  }
}

function refuseForeign(path: string, found: Inspection): void {
  if (found.applicationId === SQLITE_APPLICATION_ID) {
    if (found.userVersion > SQLITE_SCHEMA_VERSION) {
      throw new SqliteStoreError(
        'SCHEMA_TOO_NEW',
        path,
        `"${path}" is a dealbook database of schema version ${found.userVersion}, newer than this @dealbook/store-sqlite knows (${SQLITE_SCHEMA_VERSION}). ` +
          'Upgrade @dealbook/store-sqlite; the file was left untouched.',
      );
    }
    return;
  }
  if (found.applicationId !== 0) {
    throw new SqliteStoreError(
      'NOT_A_DEALBOOK_DATABASE',
      path,
      `"${path}" belongs to another application (application_id ${found.applicationId}, dealbook's is ${SQLITE_APPLICATION_ID}); it was left untouched.`,
    );
  }
  if (found.objects > 0) {
    throw new SqliteStoreError(
      'NOT_A_DEALBOOK_DATABASE',
      path,
      `"${path}" is a SQLite database with ${found.objects} tables or indexes but no dealbook marker (application_id 0); it was left untouched.`,
    );
  }
}

function migrate(db: Database.Database, path: string): void {
  const current = () => db.pragma('user_version', { simple: true }) as number;
  if (current() === SQLITE_SCHEMA_VERSION && db.pragma('application_id', { simple: true }) === SQLITE_APPLICATION_ID) return;
  try {
    db.transaction(() => {
      // Another process may have created or migrated the file since it was inspected.
      refuseForeign(path, inspect(db, path));
      db.pragma(`application_id = ${SQLITE_APPLICATION_ID}`);
      for (let version = current(); version < SQLITE_SCHEMA_VERSION; version++) {
        db.exec(migrations[version]!);
        db.pragma(`user_version = ${version + 1}`);
      }
    }).immediate();
  } catch (error) {
    if (sqliteCode(error)?.startsWith('SQLITE_BUSY') === true) throw busy(path, error);
    throw error;
  }
}

/** Runs `work` again while SQLite says SQLITE_BUSY, waiting a little longer each time, for at most `timeoutMs`. */
function retryWhileBusy<T>(path: string, timeoutMs: number, work: () => T): T {
  const deadline = performance.now() + timeoutMs;
  for (let waitMs = 1; ; waitMs = Math.min(waitMs * 2, 50)) {
    try {
      return work();
    } catch (error) {
      if (sqliteCode(error)?.startsWith('SQLITE_BUSY') !== true) throw error;
      if (performance.now() >= deadline) throw busy(path, error);
      Atomics.wait(pause, 0, 0, waitMs); // a synchronous sleep: opening a store is synchronous
    }
  }
}
const pause = new Int32Array(new SharedArrayBuffer(4));

/** The write lock stayed taken longer than the busy timeout. */
export function busy(path: string, cause: unknown): SqliteStoreError {
  return new SqliteStoreError('BUSY', path, `"${path}" stayed locked by another connection longer than the busy timeout (busyTimeoutMs).`, { cause });
}
