import esdb from '@eventstore/db-client';
import { createEventStoreDbStore, type EventStoreDbEventStore, type EventStoreDbStoreOptions } from './store.js';

/**
 * Connects to EventStoreDB with a connection string (e.g.
 * `esdb://localhost:2113?tls=false`, or several gossip seeds
 * `esdb://node1:2113,node2:2113,node3:2113?nodePreference=leader`) and returns
 * a store on it. The store owns this client: closing the store disposes it.
 */
export function connectEventStoreDb(connectionString: string, options: Omit<EventStoreDbStoreOptions, 'client' | 'disposeClient'> = {}): EventStoreDbEventStore {
  const client = esdb.EventStoreDBClient.connectionString(connectionString);
  return createEventStoreDbStore({ ...options, client, disposeClient: true });
}
