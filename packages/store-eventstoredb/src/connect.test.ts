import { describe, expect, it, vi } from 'vitest';
import { connectEventStoreDb } from './connect.js';

describe('connectEventStoreDb', () => {
  it('builds the real client from a connection string (it connects lazily) and disposes it on close', async () => {
    const store = connectEventStoreDb('esdb://localhost:2113?tls=false');
    const dispose = vi.spyOn(store.client, 'dispose');
    await store.close();
    expect(dispose).toHaveBeenCalledTimes(1);
    await expect(store.readAll()).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });
});
