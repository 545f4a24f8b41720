import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ValidationError } from '@dealbook/eventsourcing';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore, isSqliteStoreError, SQLITE_APPLICATION_ID, SQLITE_SCHEMA_VERSION, type SqliteStoreErrorCode } from './index.js';
import { event, tempDir } from './test-helpers.js';

describe('opening a file that is not ours', () => {
  const temp = tempDir();
  afterAll(() => temp.remove());

  /** Opens `path`, expects the refusal `code`, and checks that the file and its side files are exactly as before. */
  const expectRefusedUntouched = (path: string, code: SqliteStoreErrorCode, message: RegExp) => {
    const before = readFileSync(path);
    const sides = ['-wal', '-shm', '-journal'].map((s) => existsSync(path + s));
    expect(() => createSqliteEventStore({ path })).toThrow(message);
    try {
      createSqliteEventStore({ path });
    } catch (error) {
      expect(isSqliteStoreError(error, code), String(error)).toBe(true);
    }
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(['-wal', '-shm', '-journal'].map((s) => existsSync(path + s))).toEqual(sides);
  };

  it('refuses a file that is not SQLite at all', () => {
    const path = temp.file('notes.txt');
    writeFileSync(path, 'Quarterly pipeline review\n'.repeat(200));
    expectRefusedUntouched(path, 'NOT_SQLITE', /not a SQLite database/);
  });

  it('refuses a file with the SQLite header but garbage after it', () => {
    const path = temp.file('broken.db');
    writeFileSync(path, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(4000, 0xab)]));
    expectRefusedUntouched(path, 'NOT_SQLITE', /not a readable SQLite database/);
  });

  it('refuses a SQLite database with tables but no dealbook marker', () => {
    const path = temp.file('crm.db');
    const raw = new Database(path);
    raw.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('Acme')");
    raw.close();
    expectRefusedUntouched(path, 'NOT_A_DEALBOOK_DATABASE', /no dealbook marker/);
  });

  it("refuses a SQLite database in WAL mode with another application's id", () => {
    const path = temp.file('other-app.db');
    const raw = new Database(path);
    raw.pragma('journal_mode = WAL');
    raw.pragma('application_id = 1234');
    raw.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    expectRefusedUntouched(path, 'NOT_A_DEALBOOK_DATABASE', /application_id 1234/);
  });

  it('refuses a dealbook database of a newer schema version', async () => {
    const path = temp.file('future.db');
    const store = createSqliteEventStore({ path });
    await store.append('deal-1', [event('Opened')]);
    await store.close();
    const raw = new Database(path);
    expect(raw.pragma('application_id', { simple: true })).toBe(SQLITE_APPLICATION_ID);
    raw.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
    raw.close();
    expectRefusedUntouched(path, 'SCHEMA_TOO_NEW', /newer than this @dealbook\/store-sqlite knows/);
  });

  it('reports a path it cannot open', () => {
    expect(() => createSqliteEventStore({ path: temp.file('no/such/dir/x.db') })).toThrow(expect.objectContaining({ code: 'CANNOT_OPEN' }) as Error);
  });

  it('refuses bad options, naming each', () => {
    const bad = { path: '', synchronous: 'SOMETIMES', busyTimeoutMs: -1, pollIntervalMs: 0 } as unknown as Parameters<typeof createSqliteEventStore>[0];
    try {
      createSqliteEventStore(bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['path', 'synchronous', 'busyTimeoutMs', 'pollIntervalMs']);
    }
  });

  it('opens an empty file and an existing dealbook database; marks new files as dealbook, schema, WAL', async () => {
    const path = temp.file('empty.db');
    writeFileSync(path, '');
    const store = createSqliteEventStore({ path });
    await store.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('application_id', { simple: true })).toBe(SQLITE_APPLICATION_ID);
    expect(raw.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    const again = createSqliteEventStore({ path });
    expect(await again.count()).toBe(0);
    await again.close();
  });
});
