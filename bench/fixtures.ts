import { randomUUID } from 'node:crypto';
import { toJsonLine, type EventStore, type NewEvent } from '@dealbook/eventsourcing';
import { allRecords, generateHistory } from '@dealbook/testing';

/** Event data that makes an envelope of about 600 bytes of canonical JSON, like a typical sales event. */
export function sampleData(i: number) {
  return {
    customerId: '0192f3a0-0000-7000-8000-0000000000cc',
    lines: [{ productLine: 'power-cable', quantity: 120 + (i % 7), unitPriceMinor: 125000 }],
    totalMinor: 15000000 + i,
  };
}

export const sampleMetadata = {
  actorId: 'rep-12',
  causationId: '0192f3a0-0000-7000-8000-0000000000c1',
  commandId: '0192f3a0-0000-7000-8000-0000000000c1',
  correlationId: '0192f3a0-0000-7000-8000-0000000000c1',
};

export function sampleEvent(i: number): NewEvent {
  return { eventId: randomUUID(), type: 'ContractDrafted', occurredAt: '2026-03-02T01:30:00.000Z', data: sampleData(i), metadata: sampleMetadata };
}

/**
 * The JSONL lines of a generated company history. Only the lines are kept: the
 * store they came from is dropped, so the heap a measurement runs in holds no
 * unrelated 100 MB of stored events (which would tax every garbage collection).
 */
export async function historyLines(seed: number, reps: number, months: number): Promise<string[]> {
  return (await historyStore(seed, reps, months)).lines;
}

/** A generated company history: the in-memory store the engine appended it to, and its JSONL lines. */
export async function historyStore(seed: number, reps: number, months: number): Promise<{ readonly store: EventStore; readonly lines: string[] }> {
  const { store } = await generateHistory({ seed, reps, months });
  return { store, lines: (await allRecords(store)).map((r) => toJsonLine(r.event)) };
}
