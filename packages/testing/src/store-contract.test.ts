import { createInMemoryEventStore } from '@dealbook/eventsourcing';
import { describe, it } from 'vitest';
import { eventStoreContract } from './store-contract.js';

describe('in-memory event store: the store contract', () => {
  for (const c of eventStoreContract({ createStore: ({ clock }) => createInMemoryEventStore({ clock }) })) it(c.name, c.run);
});
