import { createProjectionRunner, defineProjection, ValidationError, type EventEnvelope } from '@dealbook/eventsourcing';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_SAVED } from './checkpoints.js';
import { createFakeEventStoreDbClient } from './fake-client.js';
import { createEventStoreDbStore } from './store.js';
import { newEvent } from './test-events.js';

describe('checkpoints', () => {
  it('keeps each projection in a stream limited to one event (maxCount 1, set once) and loads the latest', async () => {
    const fake = createFakeEventStoreDbClient();
    const checkpoints = createEventStoreDbStore({ client: fake }).checkpoints<{ n: number }>();
    expect(await checkpoints.load('kpi')).toBeUndefined();
    await checkpoints.save({ name: 'kpi', version: 1, position: 10, state: { n: 1 } });
    await checkpoints.save({ name: 'kpi', version: 1, position: 20, state: { n: 2 } });
    expect(fake.streamMetadata('dealbook-checkpoint-kpi')).toEqual({ maxCount: 1 });
    expect(fake.calls.filter((c) => c.method === 'setStreamMetadata')).toHaveLength(1);
    const loaded = await checkpoints.load('kpi');
    expect(loaded).toEqual({ name: 'kpi', version: 1, position: 20, state: { n: 2 } });
    loaded!.state.n = 99; // a copy: changing it changes nothing stored
    expect((await checkpoints.load('kpi'))!.state.n).toBe(2);
    const written = fake.log.filter((r) => r.streamId === 'dealbook-checkpoint-kpi');
    expect(written.map((r) => r.type)).toEqual([CHECKPOINT_SAVED, CHECKPOINT_SAVED]);
  });

  it('delete makes load return undefined; deleting nothing is fine', async () => {
    const checkpoints = createEventStoreDbStore({ client: createFakeEventStoreDbClient() }).checkpoints();
    await checkpoints.delete('never-saved');
    await checkpoints.save({ name: 'kpi', version: 2, position: 5, state: [] });
    await checkpoints.delete('kpi');
    expect(await checkpoints.load('kpi')).toBeUndefined();
  });

  it('refuses bad names and states', async () => {
    const checkpoints = createEventStoreDbStore({ client: createFakeEventStoreDbClient() }).checkpoints();
    await expect(checkpoints.save({ name: 'has space', version: 1, position: 0, state: {} })).rejects.toThrow(ValidationError);
    await expect(checkpoints.save({ name: 'kpi', version: 1, position: 0, state: { big: 1n } })).rejects.toThrow(/state: must be JSON/);
  });

  it("serves the kernel's projection runner: a restart resumes from the checkpoint", async () => {
    const fake = createFakeEventStoreDbClient();
    const store = createEventStoreDbStore({ client: fake });
    const counter = defineProjection<{ count: number }, EventEnvelope<'Placed'>>({
      name: 'placed-count',
      version: 1,
      initialState: () => ({ count: 0 }),
      handlers: { Placed: (state) => ({ count: state.count + 1 }) },
    });
    for (let i = 0; i < 3; i++) await store.append('order-1', [newEvent('Placed')]);
    const first = createProjectionRunner({ store, projection: counter, checkpoints: store.checkpoints<{ count: number }>() });
    expect((await first.catchUp()).state).toEqual({ count: 3 });
    await store.append('order-2', [newEvent('Placed'), newEvent('Shipped')]);
    const second = createProjectionRunner({ store, projection: counter, checkpoints: store.checkpoints<{ count: number }>() });
    expect((await second.catchUp()).state).toEqual({ count: 4 });
    expect((await store.readAll()).events).toHaveLength(5); // checkpoint streams stay out of the log
  });
});
