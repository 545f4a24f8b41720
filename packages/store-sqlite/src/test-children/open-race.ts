// Test child (not part of the build): for each database path read from stdin, opens the store on it
// (creating it when it is new), closes it and prints "ok <path>", or "error <code> <path>".
import { createInterface } from 'node:readline';
import { createSqliteEventStore } from '../index.js';

const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const path of lines) {
  try {
    const store = createSqliteEventStore({ path });
    await store.close();
    process.stdout.write(`ok ${path}\n`);
  } catch (error) {
    process.stdout.write(`error ${(error as { code?: string }).code ?? String(error)} ${path}\n`);
  }
}
