// Test helpers shared by this package's tests (not exported from the package).
import type { NewEvent } from '@dealbook/eventsourcing';

let counter = 0;

/** A valid new event with a fresh UUID. */
export function newEvent(type = 'Placed', data: unknown = { n: counter }): NewEvent {
  counter++;
  return {
    eventId: `00000000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`,
    type,
    occurredAt: '2026-01-01T00:00:00.000Z',
    data,
    metadata: { commandId: `cmd-${counter}`, correlationId: 'corr', causationId: 'cause', actorId: 'tester' },
  };
}
