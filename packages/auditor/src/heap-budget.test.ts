import { describe, expect, it } from 'vitest';
import { estimateAuditHeap } from './heap-budget.js';

describe('estimateAuditHeap', () => {
  it('judges from the source size: a JSONL line or a SQLite row per event, 400 heap bytes each, against 60 % of the heap limit', () => {
    const gb = 1024 ** 3;
    // 5.8 GB of JSONL ≈ 10M events ≈ 4 GB of heap: more than 60 % of a 4 GB limit.
    expect(estimateAuditHeap('jsonl', 5.8e9, 4 * gb)).toEqual({ events: 10_000_000, heapBytes: 4e9, outgrows: true });
    // 200 MB ≈ 345k events ≈ 138 MB: fits 4 GB, not 128 MB.
    expect(estimateAuditHeap('jsonl', 200e6, 4 * gb).outgrows).toBe(false);
    expect(estimateAuditHeap('jsonl', 200e6, 128 * 1024 ** 2).outgrows).toBe(true);
    expect(estimateAuditHeap('sqlite', 870e6, 1e9)).toEqual({ events: 1_000_000, heapBytes: 4e8, outgrows: false });
    expect(estimateAuditHeap('sqlite', 870e6, 0.6e9).outgrows).toBe(true);
    expect(estimateAuditHeap('eventstoredb', 1e12, 1).outgrows).toBe(false);
  });
});
