import type Database from 'better-sqlite3';
import { ValidationError, type CheckpointStore, type ProjectionCheckpoint, type Snapshot, type SnapshotStore } from '@dealbook/eventsourcing';
import { stateToJson } from './json-state.js';

/** The prepared statements behind checkpoints and snapshots, made once per store. */
export interface StateStatements {
  readonly loadCheckpoint: Database.Statement;
  readonly saveCheckpoint: Database.Statement;
  readonly deleteCheckpoint: Database.Statement;
  readonly loadSnapshot: Database.Statement;
  readonly saveSnapshot: Database.Statement;
}

export function prepareStateStatements(db: Database.Database): StateStatements {
  return {
    loadCheckpoint: db.prepare('SELECT version, position, state FROM checkpoints WHERE name = ?').raw(true),
    saveCheckpoint: db.prepare(
      'INSERT INTO checkpoints (name, version, position, state) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position, state = excluded.state',
    ),
    deleteCheckpoint: db.prepare('DELETE FROM checkpoints WHERE name = ?'),
    loadSnapshot: db.prepare('SELECT version, state_version, state FROM snapshots WHERE stream_id = ?').raw(true),
    // Never go back: a slower writer must not replace a newer snapshot of the same state version.
    saveSnapshot: db.prepare(
      'INSERT INTO snapshots (stream_id, version, state_version, state) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, state_version = excluded.state_version, state = excluded.state ' +
        'WHERE NOT (snapshots.state_version = excluded.state_version AND snapshots.version >= excluded.version)',
    ),
  };
}

const isCount = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Projection checkpoints in the `checkpoints` table: one row per projection name, saved in one statement. */
export function sqliteCheckpointStore<State>(statements: StateStatements, assertOpen: () => void): CheckpointStore<State> {
  return {
    async load(name) {
      assertOpen();
      const row = statements.loadCheckpoint.get(name) as [number, number, string] | undefined;
      if (row === undefined) return undefined;
      return { name, version: row[0], position: row[1], state: JSON.parse(row[2]) as State };
    },
    async save(checkpoint: ProjectionCheckpoint<State>) {
      assertOpen();
      if (typeof checkpoint.name !== 'string' || !Number.isSafeInteger(checkpoint.version) || !isCount(checkpoint.position)) {
        throw new ValidationError('Checkpoint', [{ path: '', message: 'name must be a string, version an integer and position an integer ≥ 0' }]);
      }
      const state = stateToJson(checkpoint.state, `Checkpoint "${checkpoint.name}"`);
      statements.saveCheckpoint.run(checkpoint.name, checkpoint.version, checkpoint.position, state);
    },
    async delete(name) {
      assertOpen();
      statements.deleteCheckpoint.run(name);
    },
  };
}

/** Aggregate snapshots in the `snapshots` table: one row per stream; a save never replaces a newer snapshot of the same state version. */
export function sqliteSnapshotStore<State>(statements: StateStatements, assertOpen: () => void): SnapshotStore<State> {
  return {
    async load(streamId) {
      assertOpen();
      const row = statements.loadSnapshot.get(streamId) as [number, number, string] | undefined;
      if (row === undefined) return undefined;
      return { streamId, version: row[0], stateVersion: row[1], state: JSON.parse(row[2]) as State };
    },
    async save(snapshot: Snapshot<State>) {
      assertOpen();
      if (typeof snapshot.streamId !== 'string' || !isCount(snapshot.version) || !Number.isSafeInteger(snapshot.stateVersion)) {
        throw new ValidationError('Snapshot', [{ path: '', message: 'streamId must be a string, version an integer ≥ 0 and stateVersion an integer' }]);
      }
      const state = stateToJson(snapshot.state, `Snapshot of "${snapshot.streamId}"`);
      statements.saveSnapshot.run(snapshot.streamId, snapshot.version, snapshot.stateVersion, state);
    },
  };
}
