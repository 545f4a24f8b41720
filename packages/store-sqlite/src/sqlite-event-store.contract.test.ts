import { eventStoreContract } from '@dealbook/testing';
import { afterAll, describe, it } from 'vitest';
import { createSqliteEventStore } from './index.js';
import { tempDir } from './test-helpers.js';

describe('SQLite event store on :memory:: the store contract', () => {
  for (const c of eventStoreContract({ createStore: ({ clock }) => createSqliteEventStore({ path: ':memory:', clock }) })) it(c.name, c.run);
});

describe('SQLite event store on a file: the store contract', () => {
  const temp = tempDir();
  let n = 0;
  afterAll(() => temp.remove());
  // Fewer runs: every run makes a new file (and fsyncs each commit).
  for (const c of eventStoreContract({ numRuns: 10, createStore: ({ clock }) => createSqliteEventStore({ path: temp.file(`contract-${++n}.db`), clock }) })) it(c.name, c.run);
});
