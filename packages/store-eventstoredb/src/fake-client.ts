// An in-memory stand-in for an EventStoreDB server behind the client subset
// the adapter uses (test-only: not exported from the package). It mimics the
// server semantics the adapter relies on: stream revisions, one commit
// position per event (equal to its prepare position, growing by the record's
// size), expected-revision errors shaped like the client's, stream-not-found,
// stream metadata `maxCount`, `$all` reads that include system events, and
// subscriptions with server-side filters, checkpoints, "caught up" messages,
// pause/resume, and drops on demand.
import { EventEmitter } from 'node:events';
import type {
  EsdbAllSubscription,
  EsdbAppendResult,
  EsdbEventData,
  EsdbExpectedRevision,
  EsdbFilter,
  EsdbPosition,
  EsdbReadAllOptions,
  EsdbReadStreamOptions,
  EsdbRecordedEvent,
  EsdbResolvedEvent,
  EsdbStreamingRead,
  EsdbSubscribeToAllOptions,
  EventStoreDbClientLike,
} from './client-like.js';

interface StoredRecord {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: string;
  readonly metadata: string;
  /** Commit position. */
  readonly position: bigint;
  /** Prepare position: the record's own offset (equal to the commit position except in legacy explicit transactions). */
  readonly prepare: bigint;
}

/** `a` after `b` in `$all` order: by commit, then prepare position. */
const isAfter = (a: EsdbPosition, b: EsdbPosition) => a.commit > b.commit || (a.commit === b.commit && a.prepare > b.prepare);
const positionOf = (r: StoredRecord): EsdbPosition => ({ commit: r.position, prepare: r.prepare });

export interface FakeClientOptions {
  /** Send the "caught up" message when a subscription goes live (servers ≥ 23.10). Default true. */
  readonly caughtUpMessages?: boolean;
  /** Call a filter's `checkpointReached` when a filtered subscription goes live. Default true. */
  readonly checkpoints?: boolean;
  /** Position of the first record (a real log starts after its chunk header). Default 1000. */
  readonly firstPosition?: number;
}

/** A command error shaped like the client's (recognised by `type`). */
class FakeCommandError extends Error {
  constructor(
    readonly type: string,
    message: string,
    extra: Record<string, unknown> = {},
  ) {
    super(message);
    Object.assign(this, extra);
  }
}

export interface FakeEventStoreDbClient extends EventStoreDbClientLike {
  /** Every `$all` record in commit order (system events included). */
  readonly log: readonly StoredRecord[];
  /** Calls made, by method name, with their arguments. */
  readonly calls: { readonly method: string; readonly args: readonly unknown[] }[];
  /** Stream metadata as set with `setStreamMetadata`. */
  streamMetadata(streamName: string): { maxCount?: number } | undefined;
  /** Appends an event the way another application (or the server itself) would: any stream, any metadata. */
  appendRaw(
    streamName: string,
    event: { type: string; data?: unknown; metadata?: unknown; isJson?: boolean; id?: string },
    /** Give it the previous record's position, as events of a legacy explicit transaction share their commit position. */
    sharePreviousPosition?: boolean,
  ): void;
  /** Makes the server drop every open subscription with this error. */
  dropSubscriptions(error?: Error): void;
  /** Makes the next `count` subscriptions fail right after they open. */
  failNextSubscriptions(count: number, error?: Error): void;
  /** How often a subscriber paused a subscription (backpressure). */
  readonly pauses: number;
  /** Number of subscriptions currently open. */
  readonly openSubscriptions: number;
  readonly disposed: boolean;
}

const json = (value: unknown) => JSON.stringify(value ?? null);

/** Creates the fake client. */
export function createFakeEventStoreDbClient(options: FakeClientOptions = {}): FakeEventStoreDbClient {
  const log: StoredRecord[] = [];
  const streams = new Map<string, StoredRecord[]>();
  const metadata = new Map<string, { maxCount?: number }>();
  const calls: { method: string; args: unknown[] }[] = [];
  const live = new Set<FakeSubscription>();
  let nextPosition = BigInt(options.firstPosition ?? 1000);
  let failures: { count: number; error: Error } = { count: 0, error: new Error('unavailable') };
  let disposed = false;
  let pauses = 0;

  const assertUsable = () => {
    if (disposed) throw new FakeCommandError('unavailable', 'the client is disposed');
  };

  const toRecorded = (r: StoredRecord, withPosition = true): EsdbResolvedEvent => {
    const position = positionOf(r);
    const event: EsdbRecordedEvent = {
      streamId: r.streamId,
      id: r.id,
      revision: r.revision,
      type: r.type,
      isJson: r.isJson,
      data: r.isJson ? (JSON.parse(r.data) as unknown) : new TextEncoder().encode(r.data),
      metadata: r.metadata === '' ? undefined : (JSON.parse(r.metadata) as unknown),
      ...(withPosition ? { position } : {}),
    };
    return { event, commitPosition: r.position };
  };

  const write = (streamName: string, events: readonly { id: string; type: string; data: string; metadata: string; isJson: boolean }[], sharePosition = false): StoredRecord[] => {
    const stream = streams.get(streamName) ?? [];
    if (!streams.has(streamName)) streams.set(streamName, stream);
    const written: StoredRecord[] = [];
    for (const e of events) {
      const shared = sharePosition ? log[log.length - 1]?.position : undefined;
      const record: StoredRecord = {
        streamId: streamName,
        id: e.id.toLowerCase(),
        revision: BigInt(stream.length),
        type: e.type,
        isJson: e.isJson,
        data: e.data,
        metadata: e.metadata,
        position: shared ?? nextPosition,
        prepare: nextPosition,
      };
      nextPosition += BigInt(100 + e.data.length + e.metadata.length); // positions are byte offsets: rising, with gaps
      stream.push(record);
      log.push(record);
      written.push(record);
    }
    for (const s of live) s.offer(written);
    return written;
  };

  const currentRevision = (streamName: string): bigint | 'no_stream' => {
    const stream = streams.get(streamName);
    return stream === undefined || stream.length === 0 ? 'no_stream' : BigInt(stream.length - 1);
  };

  const checkExpected = (streamName: string, expected: EsdbExpectedRevision) => {
    const current = currentRevision(streamName);
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && current === 'no_stream') ||
      (expected === 'stream_exists' && current !== 'no_stream') ||
      (typeof expected === 'bigint' && current === expected);
    if (!ok) {
      throw new FakeCommandError('wrong-expected-version', `Wrong expected version on ${streamName}`, {
        streamName,
        expectedVersion: expected,
        actualVersion: current,
      });
    }
  };

  function streamingRead(produce: () => EsdbResolvedEvent[]): EsdbStreamingRead<EsdbResolvedEvent> {
    let cancelled = false;
    return {
      async *[Symbol.asyncIterator]() {
        await new Promise((r) => setImmediate(r)); // a network round trip: other calls interleave
        const rows = produce();
        for (const row of rows) {
          if (cancelled) return;
          yield row;
        }
      },
      async cancel() {
        cancelled = true;
      },
    };
  }

  class FakeSubscription extends EventEmitter implements EsdbAllSubscription {
    private last: EsdbPosition;
    private paused = false;
    private buffer: EsdbResolvedEvent[] = [];
    private closed = false;
    private caughtUp = false;
    private pending: StoredRecord[] = [];
    constructor(private readonly subscribeOptions: EsdbSubscribeToAllOptions) {
      super();
      const from = subscribeOptions.fromPosition ?? 'start';
      const tail = log[log.length - 1];
      this.last = from === 'start' || (from === 'end' && tail === undefined) ? { commit: -1n, prepare: -1n } : from === 'end' ? positionOf(tail!) : from;
      live.add(this);
      setImmediate(() => this.catchUp());
    }
    private matches(r: StoredRecord): boolean {
      const f: EsdbFilter | undefined = this.subscribeOptions.filter;
      if (f === undefined) return true;
      const subject = f.filterOn === 'streamName' ? r.streamId : r.type;
      return 'regex' in f ? new RegExp(f.regex).test(subject) : f.prefixes.some((p) => subject.startsWith(p));
    }
    private catchUp() {
      if (this.closed) return;
      if (failures.count > 0) {
        failures.count--;
        return this.fail(failures.error);
      }
      this.emit('confirmation');
      for (const r of log) if (isAfter(positionOf(r), this.last)) this.deliver(r);
      if (this.closed) return;
      const f = this.subscribeOptions.filter;
      if (f?.checkpointReached !== undefined && options.checkpoints !== false) {
        const end = nextPosition;
        void f.checkpointReached(this as never, { commit: end, prepare: 0n });
      }
      if (options.caughtUpMessages !== false) this.emit('caughtUp');
      this.caughtUp = true;
      const pending = this.pending;
      this.pending = [];
      this.offer(pending);
    }
    offer(records: readonly StoredRecord[]) {
      if (this.closed) return;
      if (!this.caughtUp) {
        this.pending.push(...records); // delivered by the catch-up read (or after it)
        return;
      }
      setImmediate(() => {
        for (const r of records) if (isAfter(positionOf(r), this.last)) this.deliver(r);
      });
    }
    private deliver(r: StoredRecord) {
      if (this.closed) return;
      this.last = positionOf(r);
      if (!this.matches(r)) return;
      const row = toRecorded(r);
      if (this.paused) this.buffer.push(row);
      else this.emit('data', row);
    }
    fail(error: Error) {
      if (this.closed) return;
      this.closed = true;
      live.delete(this);
      this.emit('error', error);
    }
    pause(): this {
      pauses++;
      this.paused = true;
      return this;
    }
    resume(): this {
      this.paused = false;
      const rows = this.buffer;
      this.buffer = [];
      for (const row of rows) {
        if (this.paused || this.closed) {
          this.buffer.push(row);
          continue;
        }
        this.emit('data', row);
      }
      return this;
    }
    async unsubscribe(): Promise<void> {
      this.closed = true;
      live.delete(this);
    }
  }

  const client: FakeEventStoreDbClient = {
    log,
    calls,
    get pauses() {
      return pauses;
    },
    get openSubscriptions() {
      return live.size;
    },
    get disposed() {
      return disposed;
    },
    streamMetadata: (streamName) => metadata.get(streamName),

    async appendToStream(streamName, events, appendOptions = {}): Promise<EsdbAppendResult> {
      calls.push({ method: 'appendToStream', args: [streamName, events, appendOptions] });
      assertUsable();
      await new Promise((r) => setImmediate(r));
      checkExpected(streamName, appendOptions.expectedRevision ?? 'any');
      const list: EsdbEventData[] = Array.isArray(events) ? events : [events];
      const written = write(
        streamName,
        list.map((e) => ({ id: e.id, type: e.type, isJson: e.contentType === 'application/json', data: json(e.data), metadata: e.metadata === undefined ? '' : json(e.metadata) })),
      );
      const lastWritten = written[written.length - 1];
      const position = lastWritten === undefined ? undefined : positionOf(lastWritten);
      return { success: true, nextExpectedRevision: lastWritten?.revision ?? -1n, ...(position ? { position } : {}) };
    },

    readStream(streamName, readOptions: EsdbReadStreamOptions = {}) {
      calls.push({ method: 'readStream', args: [streamName, readOptions] });
      assertUsable();
      return streamingRead(() => {
        const stream = streams.get(streamName);
        if (stream === undefined || stream.length === 0) throw new FakeCommandError('stream-not-found', `${streamName} not found`, { streamName });
        const maxAge = metadata.get(streamName)?.maxCount;
        const visible = maxAge === undefined ? stream : stream.slice(Math.max(0, stream.length - maxAge));
        const maxCount = Number(readOptions.maxCount ?? Number.MAX_SAFE_INTEGER);
        const from = readOptions.fromRevision;
        if (readOptions.direction === 'backwards') {
          const last = stream.length - 1;
          const start = from === undefined || from === 'end' ? last : from === 'start' ? 0 : Math.min(Number(from), last);
          return visible.filter((r) => Number(r.revision) <= start).reverse().slice(0, maxCount).map((r) => toRecorded(r));
        }
        const start = from === undefined || from === 'start' ? 0 : from === 'end' ? stream.length : Number(from);
        return visible.filter((r) => Number(r.revision) >= start).slice(0, maxCount).map((r) => toRecorded(r));
      });
    },

    readAll(readOptions: EsdbReadAllOptions = {}) {
      calls.push({ method: 'readAll', args: [readOptions] });
      assertUsable();
      return streamingRead(() => {
        const maxCount = Number(readOptions.maxCount ?? Number.MAX_SAFE_INTEGER);
        const from = readOptions.fromPosition ?? (readOptions.direction === 'backwards' ? 'end' : 'start');
        if (readOptions.direction === 'backwards') {
          const rows = from === 'end' ? log : from === 'start' ? [] : log.filter((r) => isAfter(from, positionOf(r)));
          return rows.slice().reverse().slice(0, maxCount).map((r) => toRecorded(r));
        }
        // Forwards from a position includes the record at it.
        const rows = from === 'start' ? log : from === 'end' ? [] : log.filter((r) => !isAfter(from, positionOf(r)));
        return rows.slice(0, maxCount).map((r) => toRecorded(r));
      });
    },

    subscribeToAll(subscribeOptions: EsdbSubscribeToAllOptions = {}) {
      calls.push({ method: 'subscribeToAll', args: [subscribeOptions] });
      assertUsable();
      return new FakeSubscription(subscribeOptions);
    },

    async setStreamMetadata(streamName, streamMetadata) {
      calls.push({ method: 'setStreamMetadata', args: [streamName, streamMetadata] });
      assertUsable();
      await new Promise((r) => setImmediate(r));
      metadata.set(streamName, { ...streamMetadata });
      // The server keeps stream metadata as an event of the metastream `$$<stream>`, visible in $all.
      const [written] = write(`$$${streamName}`, [{ id: crypto.randomUUID(), type: '$metadata', isJson: true, data: json(streamMetadata), metadata: '' }]);
      return { success: true, nextExpectedRevision: written!.revision, position: positionOf(written!) };
    },

    appendRaw(streamName, event, sharePreviousPosition = false) {
      write(streamName, [
        {
          id: event.id ?? crypto.randomUUID(),
          type: event.type,
          isJson: event.isJson ?? true,
          data: json(event.data),
          metadata: event.metadata === undefined ? '' : json(event.metadata),
        },
      ], sharePreviousPosition);
    },

    dropSubscriptions(error = new FakeCommandError('unavailable', 'connection lost')) {
      for (const s of [...live]) s.fail(error);
    },

    failNextSubscriptions(count, error = new FakeCommandError('unavailable', 'server unavailable')) {
      failures = { count, error };
    },

    async dispose() {
      calls.push({ method: 'dispose', args: [] });
      disposed = true;
      for (const s of [...live]) void s.unsubscribe();
    },
  };
  return client;
}
