import type { EventStoreDBClient } from '@eventstore/db-client';
import { describe, expectTypeOf, it } from 'vitest';
import type { EventStoreDbClientLike } from './client-like.js';

describe('EventStoreDbClientLike', () => {
  it('is a structural subset of the real EventStoreDBClient (checked by tsc)', () => {
    const _: EventStoreDbClientLike = {} as EventStoreDBClient;
    expectTypeOf<EventStoreDBClient>().toMatchTypeOf<EventStoreDbClientLike>();
  });
});
