// Shared by the tests (not exported from the package).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '@dealbook/eventsourcing';

/** A fresh temp directory and a way to remove it. */
export function tempDir(prefix = 'dealbook-sqlite-'): { readonly dir: string; file(name: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, file: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

let counter = 0;
/** A valid new event with a unique id. */
export function event(type: string, data: unknown = {}): NewEvent {
  counter++;
  return {
    eventId: `00000000-0000-4000-8000-${(0x100000000 + counter).toString(16).padStart(12, '0')}`,
    type,
    occurredAt: '2026-03-02T01:30:00.000Z',
    data,
    metadata: { commandId: `c-${counter}`, correlationId: `c-${counter}`, causationId: `c-${counter}`, actorId: 'tester' },
  };
}
