import { eventStoreContract } from '@dealbook/testing';
import { describe, it } from 'vitest';
import { createFakeEventStoreDbClient } from './fake-client.js';
import { createEventStoreDbStore } from './store.js';

describe('EventStoreDB store on the fake client: the store contract', () => {
  for (const c of eventStoreContract({ createStore: ({ clock }) => createEventStoreDbStore({ client: createFakeEventStoreDbClient(), clock }) })) it(c.name, c.run);
});

describe('EventStoreDB store on the fake client without "caught up" messages or checkpoints (older servers): the store contract', () => {
  const createStore = ({ clock }: { clock: () => string }) =>
    createEventStoreDbStore({ client: createFakeEventStoreDbClient({ caughtUpMessages: false, checkpoints: false }), clock });
  for (const c of eventStoreContract({ createStore, numRuns: 10 })) it(c.name, c.run);
});
