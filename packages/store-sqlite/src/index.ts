export { isSqliteStoreError, SqliteStoreError, type SqliteStoreErrorCode } from './errors.js';
export { SQLITE_APPLICATION_ID, SQLITE_SCHEMA_VERSION } from './schema.js';
export { createSqliteEventStore, type SqliteEventStore, type SqliteEventStoreOptions, type SqliteSynchronous } from './sqlite-event-store.js';
