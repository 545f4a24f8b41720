import { existsSync, statSync } from 'node:fs';
import { DealbookError, type EventStore } from '@dealbook/eventsourcing';
import { connectEventStoreDb } from '@dealbook/store-eventstoredb';
import { createSqliteEventStore } from '@dealbook/store-sqlite';
import { readJsonl, SourceError, sourceSize } from './jsonl-source.js';

/** A history to read: a JSONL file (`-` for stdin), `sqlite:<path>`, or an EventStoreDB connection string (`esdb://…`). */
export type SourceSpec = { readonly kind: 'jsonl'; readonly path: string } | { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'eventstoredb'; readonly url: string };

/** Parses a source argument. */
export function parseSource(arg: string): SourceSpec {
  if (arg.startsWith('sqlite:')) return { kind: 'sqlite', path: arg.slice('sqlite:'.length) };
  if (arg.startsWith('esdb://') || arg.startsWith('esdb+discover://')) return { kind: 'eventstoredb', url: arg };
  return { kind: 'jsonl', path: arg };
}

export const describeSource = (spec: SourceSpec): string => (spec.kind === 'jsonl' ? spec.path : spec.kind === 'sqlite' ? `sqlite:${spec.path}` : spec.url);

/** One thing read from a source: a record (with its line and exact text for files) or a line that could not be read. */
export type SourceItem =
  | { readonly kind: 'record'; readonly value: unknown; readonly line?: number; readonly text?: string }
  | { readonly kind: 'problem'; readonly code: 'A-NOT-JSON' | 'A-BINARY' | 'A-TRUNCATED' | 'A-LINE-TOO-LONG' | 'A-NOT-OBJECT'; readonly message: string; readonly line: number; readonly bytes?: number };

/** Opens an existing store source (never creates one). Throws `SourceError` when it is not there. */
export function openStore(spec: Exclude<SourceSpec, { kind: 'jsonl' }>, options: { readonly create?: boolean } = {}): EventStore {
  if (spec.kind === 'sqlite') {
    if (options.create !== true && (spec.path === '' || !existsSync(spec.path))) throw new SourceError('SOURCE_NOT_FOUND', spec.path, `No SQLite database at "${spec.path}".`);
    if (existsSync(spec.path) && statSync(spec.path).isDirectory()) throw new SourceError('SOURCE_UNREADABLE', spec.path, `"${spec.path}" is a directory, not a SQLite database.`);
    return createSqliteEventStore({ path: spec.path });
  }
  return connectEventStoreDb(spec.url);
}

/**
 * Reads a whole source once, in commit order, in constant memory: JSONL line
 * by line, stores page by page. `onProgress(done, total?)` reports bytes for
 * files (with the file size when known) and events for stores.
 */
export async function* readSource(spec: SourceSpec, onProgress?: (done: number, total: number | undefined) => void): AsyncGenerator<SourceItem> {
  if (spec.kind === 'jsonl') {
    const total = spec.path === '-' ? undefined : sourceSize(spec.path);
    const reader = readJsonl(spec.path, onProgress === undefined ? {} : { onProgress: (bytes) => onProgress(bytes, total) });
    for await (const item of reader) {
      if (item.kind === 'record') yield { kind: 'record', value: item.value, line: item.line, text: item.text };
      else yield { kind: 'problem', code: item.code, message: item.message, line: item.line, ...(item.bytes === undefined ? {} : { bytes: item.bytes }) };
    }
    return;
  }
  const store = openStore(spec);
  try {
    let done = 0;
    for (let after = 0; ; ) {
      const page = await store.readAll({ after, maxCount: 1000 });
      for (const r of page.events) yield { kind: 'record', value: r.event };
      done += page.events.length;
      onProgress?.(done, undefined);
      after = page.position;
      if (page.isEnd) break;
    }
  } finally {
    await store.close();
  }
}

/** Is this error one that means "the source cannot be read" (exit status 2)? */
export function isUnreadableSource(error: unknown): boolean {
  return error instanceof SourceError || (error instanceof DealbookError && /^(NOT_SQLITE|NOT_A_DEALBOOK_DATABASE|SCHEMA_TOO_NEW|CANNOT_OPEN|BUSY)$/.test(error.code));
}
