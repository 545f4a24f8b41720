import type { SourceSpec } from './sources.js';

/**
 * What the default audit keeps in the heap per event (`npm run bench` measures
 * 315–350 bytes on generated histories), with a margin.
 */
export const HEAP_BYTES_PER_EVENT = 400;

/** Bytes a source takes per event: a JSONL line, a row of the SQLite store with its indexes. */
export const SOURCE_BYTES_PER_EVENT: Readonly<Record<'jsonl' | 'sqlite', number>> = { jsonl: 580, sqlite: 870 };

/** The share of the heap limit the default audit may be expected to fill before `--low-memory` is chosen for it. */
const HEAP_SHARE = 0.6;

export interface HeapEstimate {
  readonly events: number;
  readonly heapBytes: number;
  /** True when the default audit would likely run out of heap: audit with `spill` instead. */
  readonly outgrows: boolean;
}

/**
 * Whether a history of `sourceBytes` would outgrow a heap of `heapLimitBytes`
 * in the default audit (estimated from the source's size; EventStoreDB
 * sources and standard input have none, and are never judged to).
 */
export function estimateAuditHeap(kind: SourceSpec['kind'], sourceBytes: number, heapLimitBytes: number): HeapEstimate {
  if (kind === 'eventstoredb') return { events: 0, heapBytes: 0, outgrows: false };
  const events = Math.ceil(sourceBytes / SOURCE_BYTES_PER_EVENT[kind]);
  const heapBytes = events * HEAP_BYTES_PER_EVENT;
  return { events, heapBytes, outgrows: heapBytes > heapLimitBytes * HEAP_SHARE };
}
