// The store contract against a LIVE EventStoreDB, only when EVENTSTOREDB_URL is
// set (e.g. `esdb://localhost:2113?tls=false`); see the README for starting a
// server. Not run in this repository's CI.
//
// Isolation: the contract makes hundreds of stores that all use the same
// stream names (`order-1`, …) and expect an empty log, but a server keeps
// everything. So every store talks through `isolatedClient(client, prefix)`
// with its own random prefix:
// - stream names get the prefix on the way in (appends, stream reads, stream
//   metadata) and lose it on the way out, so the store sees `order-1`;
// - `$all` reads and subscriptions see every stream on the server: events of
//   this store's streams come back unprefixed, and every other event is
//   renamed into a `$…` stream (`$other:<name>`), which the store hides like a
//   system stream. Positions stay the server's, so they still rise and page
//   correctly; other stores' events are just invisible;
// - a server-side stream-name filter is anchored on the prefix (each `^`
//   anchor of the regex gets the prefix after it); event-type filters pass
//   unchanged and the renaming hides other stores' events.
import { randomUUID } from 'node:crypto';
import { eventStoreContract } from '@dealbook/testing';
import { EventStoreDBClient } from '@eventstore/db-client';
import { afterAll, describe, it } from 'vitest';
import type { EsdbAllSubscription, EsdbResolvedEvent, EsdbStreamingRead, EventStoreDbClientLike } from './client-like.js';
import { escapeRegex } from './filters.js';
import { createEventStoreDbStore } from './store.js';

const url = process.env.EVENTSTOREDB_URL;

function isolatedClient(client: EventStoreDbClientLike, prefix: string): EventStoreDbClientLike {
  const rename = (row: EsdbResolvedEvent): EsdbResolvedEvent => {
    const event = row.event;
    if (event === undefined) return row;
    const streamId = event.streamId.startsWith(prefix) ? event.streamId.slice(prefix.length) : `$other:${event.streamId}`;
    return { ...row, event: { ...event, streamId } };
  };
  const mapRead = (read: EsdbStreamingRead<EsdbResolvedEvent>): EsdbStreamingRead<EsdbResolvedEvent> => ({
    async *[Symbol.asyncIterator]() {
      for await (const row of read) yield rename(row);
    },
    cancel: () => read.cancel(),
  });
  return {
    appendToStream: (name, events, options) => client.appendToStream(prefix + name, events, options),
    readStream: (name, options) => mapRead(client.readStream(prefix + name, options)),
    readAll: (options) => mapRead(client.readAll(options)),
    setStreamMetadata: (name, metadata, options) => client.setStreamMetadata(prefix + name, metadata, options),
    dispose: () => Promise.resolve(), // the shared client is disposed once, after all tests
    subscribeToAll(options = {}) {
      const filter = options.filter;
      const anchored =
        filter !== undefined && filter.filterOn === 'streamName' && 'regex' in filter
          ? { ...filter, regex: filter.regex.replace(/(?<!\\)\^/g, `^${escapeRegex(prefix)}`) }
          : filter;
      const inner = client.subscribeToAll({ ...options, ...(anchored === undefined ? {} : { filter: anchored }) });
      const outer: EsdbAllSubscription = {
        on(event: string, listener: (...args: never[]) => void) {
          if (event === 'data') inner.on('data', (row) => (listener as (row: EsdbResolvedEvent) => void)(rename(row)));
          else inner.on(event as 'end', listener as () => void);
          return outer;
        },
        pause: () => (inner.pause(), outer),
        resume: () => (inner.resume(), outer),
        unsubscribe: () => inner.unsubscribe(),
      } as EsdbAllSubscription;
      return outer;
    },
  };
}

describe.skipIf(!url)('EventStoreDB store on a live server (EVENTSTOREDB_URL): the store contract', () => {
  const client = url ? EventStoreDBClient.connectionString(url) : undefined;
  afterAll(() => client?.dispose());
  const createStore = ({ clock }: { clock: () => string }) =>
    createEventStoreDbStore({ client: isolatedClient(client!, `t${randomUUID().replaceAll('-', '')}_`), clock });
  for (const c of eventStoreContract({ createStore, numRuns: 5 })) it(c.name, c.run, 300_000);
});
