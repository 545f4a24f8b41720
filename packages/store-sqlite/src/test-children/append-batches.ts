// Test child (not part of the build): appends 1,000-event batches to a few
// streams of one file until it is killed. Prints "ready" once the store is
// open and "committed <n>" after each batch.
import { randomUUID } from 'node:crypto';
import { createSqliteEventStore } from '../index.js';

const [path, streamCount = '4'] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: append-batches.ts <db path> [streams]');
const store = createSqliteEventStore({ path });
process.stdout.write('ready\n');
const meta = { commandId: 'crash', correlationId: 'crash', causationId: 'crash', actorId: 'crash-test' };
for (let batch = 0; ; batch++) {
  const events = Array.from({ length: 1000 }, (_, i) => ({
    eventId: randomUUID(),
    type: 'Filled',
    occurredAt: '2026-03-02T01:30:00.000Z',
    data: { batch, i, text: 'x'.repeat(i % 50) },
    metadata: meta,
  }));
  await store.append(`crash-${batch % Number(streamCount)}`, events);
  process.stdout.write(`committed ${batch}\n`);
}
