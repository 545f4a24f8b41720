import { DealbookError } from '@dealbook/eventsourcing';

/**
 * Why the SQLite store refused or failed:
 * - `NOT_SQLITE`: the file is not a SQLite database at all;
 * - `NOT_A_DEALBOOK_DATABASE`: a SQLite database of another application (a foreign
 *   `application_id`, or tables without dealbook's marker);
 * - `SCHEMA_TOO_NEW`: a dealbook database written by a newer version of this package;
 * - `CANNOT_OPEN`: SQLite could not open the path (missing directory, permissions, …);
 * - `BUSY`: another connection held the write lock longer than `busyTimeoutMs`;
 * - `STORE_CLOSED`: the store was used after `close()`.
 */
export type SqliteStoreErrorCode = 'NOT_SQLITE' | 'NOT_A_DEALBOOK_DATABASE' | 'SCHEMA_TOO_NEW' | 'CANNOT_OPEN' | 'BUSY' | 'STORE_CLOSED';

/** An error of the SQLite store with a stable `code` and the database `path` it concerns. */
export class SqliteStoreError extends DealbookError {
  declare readonly code: SqliteStoreErrorCode;
  readonly path: string;
  constructor(code: SqliteStoreErrorCode, path: string, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.path = path;
  }
}

/** Is `error` a {@link SqliteStoreError} (optionally with this `code`)? */
export function isSqliteStoreError(error: unknown, code?: SqliteStoreErrorCode): error is SqliteStoreError {
  return error instanceof SqliteStoreError && (code === undefined || error.code === code);
}

/** better-sqlite3's `SqliteError` carries SQLite's extended result code as a string (`SQLITE_BUSY`, …). */
export function sqliteCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}
