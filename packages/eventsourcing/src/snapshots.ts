/** An aggregate's state as of one stream version. */
export interface Snapshot<State> {
  readonly streamId: string;
  /** `streamVersion` of the last event folded into `state`. */
  readonly version: number;
  /**
   * Version of the state's shape. Bump it when `evolve` or the state type
   * changes: snapshots of another version are ignored (and replaced).
   */
  readonly stateVersion: number;
  readonly state: State;
}

/** Where snapshots live. Durable implementations need JSON-serializable states. */
export interface SnapshotStore<State> {
  load(streamId: string): Promise<Snapshot<State> | undefined>;
  save(snapshot: Snapshot<State>): Promise<void>;
}

/** Facts a snapshot policy decides on, after a successful append. */
export interface SnapshotContext {
  readonly streamId: string;
  /** The stream's version after the append. */
  readonly version: number;
  /** Events since the last snapshot (or since the start of the stream). */
  readonly eventsSinceSnapshot: number;
}

/** Whether to save a snapshot now. */
export type SnapshotPolicy = (context: SnapshotContext) => boolean;

/** Take a snapshot once at least `n` events have been appended since the last one. */
export function everyNEvents(n: number): SnapshotPolicy {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`everyNEvents: n must be an integer ≥ 1, got ${n}`);
  return ({ eventsSinceSnapshot }) => eventsSinceSnapshot >= n;
}

/** Never take snapshots. */
export const neverSnapshot: SnapshotPolicy = () => false;

/**
 * Snapshots in process memory. States are copied on save and on load
 * (`structuredClone`), so later mutation of a state object cannot reach them.
 */
export function createInMemorySnapshotStore<State>(): SnapshotStore<State> & { readonly size: number } {
  const snapshots = new Map<string, Snapshot<State>>();
  return {
    get size() {
      return snapshots.size;
    },
    async load(streamId) {
      const s = snapshots.get(streamId);
      return s === undefined ? undefined : { ...s, state: structuredClone(s.state) };
    },
    async save(snapshot) {
      const existing = snapshots.get(snapshot.streamId);
      // Never go back: a slower writer must not replace a newer snapshot.
      if (existing !== undefined && existing.stateVersion === snapshot.stateVersion && existing.version >= snapshot.version) return;
      snapshots.set(snapshot.streamId, { ...snapshot, state: structuredClone(snapshot.state) });
    },
  };
}
