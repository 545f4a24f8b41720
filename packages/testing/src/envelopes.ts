import { sealEvents, type EventEnvelope, type EventMetadata, type RecordedEvent } from '@dealbook/eventsourcing';

/** What a test says about an event; everything else gets a sensible default. */
export interface EventSketch {
  readonly type: string;
  readonly data: unknown;
  /** Default `test-1`. */
  readonly streamId?: string;
  /** Default: 2026-01-01T00:00:00.000Z plus one minute per event. */
  readonly occurredAt?: string;
  /** Default: the event's `occurredAt`. */
  readonly recordedAt?: string;
  readonly schemaVersion?: number;
  readonly metadata?: Partial<EventMetadata>;
}

const BASE = Date.UTC(2026, 0, 1);

/**
 * Real, sealed envelopes (versions per stream, hash chain and all) from
 * sketches, with deterministic ids and times: what projections see from a
 * store. Each envelope is returned with its position (1, 2, …).
 */
export function recordedEvents(sketches: readonly (EventSketch | EventEnvelope)[]): RecordedEvent[] {
  const heads = new Map<string, { version: number; hash: string }>();
  return sketches.map((sketch, i) => {
    const streamId = sketch.streamId ?? 'test-1';
    const head = heads.get(streamId) ?? { version: -1, hash: '0'.repeat(64) };
    const occurredAt = sketch.occurredAt ?? new Date(BASE + i * 60_000).toISOString();
    const n = (i + 1).toString(16).padStart(12, '0');
    const [event] = sealEvents(
      streamId,
      head.version + 1,
      head.hash,
      [
        {
          eventId: 'eventId' in sketch ? sketch.eventId : `00000000-0000-4000-8000-${n}`,
          type: sketch.type,
          schemaVersion: sketch.schemaVersion ?? 1,
          occurredAt,
          recordedAt: sketch.recordedAt ?? occurredAt,
          data: sketch.data,
          metadata: { commandId: `command-${i + 1}`, correlationId: `command-${i + 1}`, causationId: `command-${i + 1}`, actorId: 'test', ...sketch.metadata },
        },
      ],
      occurredAt,
    );
    heads.set(streamId, { version: head.version + 1, hash: event!.hash });
    return { position: i + 1, event: event! };
  });
}
