import type { EventStore, RecordedEvent } from '@dealbook/eventsourcing';

/**
 * Every event of a store, in commit order, read page by page into one array:
 * for tests and small histories (production code should stream the pages).
 */
export async function allRecords(store: EventStore, pageSize = 5000): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for (let after = 0; ; ) {
    const page = await store.readAll({ after, maxCount: pageSize });
    for (const record of page.events) out.push(record);
    after = page.position;
    if (page.isEnd) return out;
  }
}
