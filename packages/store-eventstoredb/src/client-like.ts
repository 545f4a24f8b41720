// The structural subset of `@eventstore/db-client`'s `EventStoreDBClient` this
// adapter uses, declared here so a caller can pass its own configured client
// and tests can pass a fake. The real client is assignable to
// `EventStoreDbClientLike` (a type-level test pins that).

/** A position in the EventStoreDB transaction log. */
export interface EsdbPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** Where a read of `$all` starts: `'start'`, `'end'`, or a position. */
export type EsdbReadPosition = 'start' | 'end' | EsdbPosition;

/** Where a stream read starts: `'start'`, `'end'`, or a revision. */
export type EsdbReadRevision = 'start' | 'end' | bigint;

/** Expected revision of an append: `'any'`, `'no_stream'`, `'stream_exists'`, or the revision of the stream's last event. */
export type EsdbExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

/** One event as recorded by the server. */
export interface EsdbRecordedEvent {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata?: unknown;
  /** Returned by servers later than 22.6.0 (always for `$all` reads). */
  readonly position?: EsdbPosition | undefined;
}

/** A read result: the event (and the link, for resolved links). */
export interface EsdbResolvedEvent {
  readonly event?: EsdbRecordedEvent | undefined;
  readonly link?: EsdbRecordedEvent | undefined;
  readonly commitPosition?: bigint | undefined;
}

/** An event to append. The adapter always sends JSON. */
export interface EsdbEventData {
  readonly id: string;
  readonly contentType: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
}

export interface EsdbAppendResult {
  readonly success: boolean;
  readonly nextExpectedRevision: bigint;
  readonly position?: EsdbPosition | undefined;
}

/** A finite read (`readStream`, `readAll`): an async iterable that can be cancelled. */
export interface EsdbStreamingRead<E> extends AsyncIterable<E> {
  cancel(): Promise<void>;
}

/** Server-side filter of a `$all` subscription (what `streamNameFilter` / `eventTypeFilter` build). */
export type EsdbFilter = {
  readonly filterOn: 'streamName' | 'eventType';
  readonly checkpointInterval: number;
  readonly maxSearchWindow?: number;
  readonly checkpointReached?: (subscription: never, position: EsdbPosition) => void | Promise<void>;
} & ({ readonly regex: string } | { readonly prefixes: string[] });

/** A live subscription to `$all`: a readable stream of resolved events plus control events. */
export interface EsdbAllSubscription {
  on(event: 'data', listener: (event: EsdbResolvedEvent) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'end', listener: () => void): this;
  on(event: 'close', listener: () => void): this;
  on(event: 'caughtUp', listener: () => void): this;
  pause(): this;
  resume(): this;
  unsubscribe(): Promise<void>;
}

export interface EsdbReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  readonly fromRevision?: EsdbReadRevision;
  readonly maxCount?: number | bigint;
}

export interface EsdbReadAllOptions {
  readonly direction?: 'forwards' | 'backwards';
  readonly fromPosition?: EsdbReadPosition;
  readonly maxCount?: number | bigint;
}

export interface EsdbSubscribeToAllOptions {
  readonly fromPosition?: EsdbReadPosition;
  readonly filter?: EsdbFilter;
}

/**
 * What the adapter needs of an EventStoreDB client: a structural subset of
 * `EventStoreDBClient` from `@eventstore/db-client` 6.x. Pass your own
 * configured client (credentials, TLS, node preference), or a fake in tests.
 */
export interface EventStoreDbClientLike {
  appendToStream(
    streamName: string,
    events: EsdbEventData | EsdbEventData[],
    options?: { expectedRevision?: EsdbExpectedRevision },
  ): Promise<EsdbAppendResult>;
  readStream(streamName: string, options?: EsdbReadStreamOptions): EsdbStreamingRead<EsdbResolvedEvent>;
  readAll(options?: EsdbReadAllOptions): EsdbStreamingRead<EsdbResolvedEvent>;
  subscribeToAll(options?: EsdbSubscribeToAllOptions): EsdbAllSubscription;
  setStreamMetadata(streamName: string, metadata: { maxCount?: number }, options?: { expectedRevision?: EsdbExpectedRevision }): Promise<EsdbAppendResult>;
  dispose(): Promise<void>;
}
