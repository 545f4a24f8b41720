// Test child (not part of the build): once "go" arrives on stdin, appends to
// one stream N times, each with the expected version it last read, and prints
// {"won":[versions],"conflicts":n} as JSON.
import { createInterface } from 'node:readline';
import { isVersionConflict } from '@dealbook/eventsourcing';
import { createSqliteEventStore } from '../index.js';

const [path, streamId, times, name] = process.argv.slice(2);
if (path === undefined || streamId === undefined || times === undefined || name === undefined) throw new Error('usage: append-race.ts <db path> <stream> <N> <name>');
const store = createSqliteEventStore({ path });
process.stdout.write('ready\n');
await new Promise<void>((resolve) => {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line === 'go') {
      lines.close();
      process.stdin.destroy(); // nothing more to read: let the process end when done
      resolve();
    }
  });
});
const won: number[] = [];
let conflicts = 0;
for (let i = 0; i < Number(times); i++) {
  const last = (await store.readStream(streamId, { direction: 'backwards', maxCount: 1 }))[0];
  const expected = last === undefined ? ('no_stream' as const) : last.event.streamVersion;
  // Give the other writer a chance to get in between the read and the append.
  if (i % 2 === 1) await new Promise((resolve) => setImmediate(resolve));
  try {
    const result = await store.append(
      streamId,
      [{ eventId: crypto.randomUUID(), type: 'Raced', occurredAt: '2026-03-02T01:30:00.000Z', data: { name, i }, metadata: { commandId: `${name}-${i}`, correlationId: name, causationId: name, actorId: name } }],
      { expectedVersion: expected },
    );
    won.push(result.nextExpectedVersion);
  } catch (error) {
    if (!isVersionConflict(error)) throw error;
    conflicts++;
  }
}
await store.close();
process.stdout.write(`${JSON.stringify({ won, conflicts })}\n`);
