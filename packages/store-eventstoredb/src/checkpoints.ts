import { randomUUID } from 'node:crypto';
import { ValidationError, type CheckpointStore, type ProjectionCheckpoint } from '@dealbook/eventsourcing';
import type { EventStoreDbClientLike } from './client-like.js';
import { isWrongExpectedVersion } from './errors.js';
import { collect } from './read-helpers.js';

/** Event type of a saved checkpoint. */
export const CHECKPOINT_SAVED = 'ProjectionCheckpointSaved';
/** Event type written by `delete`: the stream's latest event says "no checkpoint". */
export const CHECKPOINT_DELETED = 'ProjectionCheckpointDeleted';

/**
 * Projection checkpoints in EventStoreDB: each projection's in its own stream
 * `<prefix><name>`, whose stream metadata sets `maxCount: 1` so the server
 * keeps only the latest. `load` reads the stream's last event; `delete`
 * appends a deletion marker. States must be JSON.
 */
export function createEsdbCheckpointStore<State>(client: EventStoreDbClientLike, prefix: string, assertOpen: () => void): CheckpointStore<State> {
  const limited = new Set<string>();
  const streamOf = (name: string) => {
    if (typeof name !== 'string' || !/^[^\s]{1,400}$/.test(name)) {
      throw new ValidationError('Checkpoint', [{ path: 'name', message: 'must be 1 to 400 characters without white space' }]);
    }
    return prefix + name;
  };
  const ensureMaxCount = async (stream: string) => {
    if (limited.has(stream)) return;
    await client.setStreamMetadata(stream, { maxCount: 1 });
    limited.add(stream);
  };
  const write = async (stream: string, type: string, data: unknown, expectedRevision: 'any' | 'stream_exists') => {
    await ensureMaxCount(stream);
    await client.appendToStream(stream, { id: randomUUID(), contentType: 'application/json', type, data, metadata: {} }, { expectedRevision });
  };

  return {
    async load(name) {
      assertOpen();
      const rows = await collect(client.readStream(streamOf(name), { direction: 'backwards', fromRevision: 'end', maxCount: 1 }));
      const event = rows[0]?.event;
      if (event === undefined || event.type !== CHECKPOINT_SAVED) return undefined;
      const data = event.data as Partial<ProjectionCheckpoint<State>> | null;
      if (
        typeof data !== 'object' ||
        data === null ||
        data.name !== name ||
        typeof data.version !== 'number' ||
        typeof data.position !== 'number' ||
        !Number.isSafeInteger(data.position) ||
        !('state' in data)
      ) {
        throw new ValidationError(`Checkpoint "${name}" in stream "${prefix}${name}"`, [{ path: 'data', message: 'is not a saved projection checkpoint' }]);
      }
      return { name: data.name, version: data.version, position: data.position, state: data.state as State };
    },

    async save(checkpoint) {
      assertOpen();
      const stream = streamOf(checkpoint.name);
      let state: unknown;
      try {
        state = JSON.parse(JSON.stringify(checkpoint.state ?? null)) as unknown;
      } catch (error) {
        throw new ValidationError(`Checkpoint "${checkpoint.name}"`, [{ path: 'state', message: `must be JSON (${(error as Error).message})` }]);
      }
      if (!Number.isSafeInteger(checkpoint.position) || checkpoint.position < 0) {
        throw new ValidationError(`Checkpoint "${checkpoint.name}"`, [{ path: 'position', message: 'must be an integer ≥ 0' }]);
      }
      await write(stream, CHECKPOINT_SAVED, { name: checkpoint.name, version: checkpoint.version, position: checkpoint.position, state }, 'any');
    },

    async delete(name) {
      assertOpen();
      try {
        await write(streamOf(name), CHECKPOINT_DELETED, { name }, 'stream_exists');
      } catch (error) {
        if (!isWrongExpectedVersion(error)) throw error; // no stream: nothing to delete
      }
    },
  };
}
