import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@dealbook/eventsourcing';

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
