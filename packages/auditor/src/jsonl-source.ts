/**
 * The auditor's streaming JSONL reader: one pass over a history, in memory
 * bounded by `maxLineBytes` plus one read chunk, whatever the file's size.
 *
 * Every non-blank line gives one item, in order: a `record` (a JSON object)
 * or a `problem`; reading goes on after a problem. Line numbers are 1-based
 * physical lines (blank lines count). A line ends at `\n`; one `\r` before it
 * is dropped. Blank lines (empty, or only spaces, tabs and `\r`) are skipped
 * silently, and so is the final newline. A UTF-8 BOM at the start of line 1
 * is dropped.
 *
 * Problem codes (public, stable), checked in this order:
 *
 * - `A-LINE-TOO-LONG`: the line is over `maxLineBytes` bytes (default 1 MiB,
 *   not counting its line end). It is skipped unread: only its length is
 *   kept (`bytes`), so a 100 MB line costs no more memory than a short one.
 *   An over-long unterminated last line gets this code too.
 * - `A-BINARY`: the line is not UTF-8 text: it holds bytes that are not valid
 *   UTF-8 (checked strictly, as `new TextDecoder('utf-8', { fatal: true })`
 *   would), or a C0 control character other than tab and CR (e.g. NUL), which
 *   JSON allows neither inside nor outside strings. The message names the
 *   first bad byte or character and shows the first bytes in hex.
 * - `A-TRUNCATED`: the last line has no newline and is not valid JSON (it
 *   may also end inside a multi-byte UTF-8 character): the file was cut off.
 *   A last line without newline that parses is fine.
 * - `A-NOT-JSON`: the line is UTF-8 text but `JSON.parse` rejects it. The
 *   message gives JSON.parse's reason and quotes the first ~80 characters of
 *   the line, control characters escaped.
 * - `A-NOT-OBJECT`: the line is valid JSON but not an object (`3`, `"x"`,
 *   `null`, `[]`…).
 *
 * A source that cannot be read at all is not an item: iteration rejects with
 * a {@link SourceError} (`SOURCE_NOT_FOUND`, `SOURCE_UNREADABLE`) before any
 * item. A read error in the middle of the input rejects the same way.
 */
import { statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { DealbookError, ValidationError } from '@dealbook/eventsourcing';
import { LineSplitter, type JsonlItem } from './jsonl-lines.js';

export type { JsonlItem, JsonlProblem, JsonlProblemCode, JsonlRecord } from './jsonl-lines.js';

/** Default `maxLineBytes`: 1 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/** Default size of one read from a file: 1 MiB. */
export const DEFAULT_READ_CHUNK_BYTES = 1024 * 1024;

const PROGRESS_EVERY_BYTES = 64 * 1024;

/** The codes of a {@link SourceError}. */
export type SourceErrorCode = 'SOURCE_NOT_FOUND' | 'SOURCE_UNREADABLE';

/**
 * The JSONL source cannot be read: `SOURCE_NOT_FOUND` (no such file) or
 * `SOURCE_UNREADABLE` (a directory, no permission, a read error, a stream
 * that failed). `source` is the path, or `stdin` / `stream`.
 */
export class SourceError extends DealbookError {
  readonly source: string;
  constructor(code: SourceErrorCode, source: string, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.source = source;
  }
}

/**
 * What `readJsonl` reads: a file path, `'-'` for standard input, or any async
 * iterable of byte chunks (a Node `Readable` is one). String chunks (a stream
 * with an encoding set) are accepted and re-encoded as UTF-8, but then bad
 * bytes were already replaced by U+FFFD and cannot be reported as `A-BINARY`.
 */
export type JsonlInput = string | AsyncIterable<Uint8Array | string>;

/** Options of {@link readJsonl}. */
export interface ReadJsonlOptions {
  /** Lines longer than this many bytes are reported as `A-LINE-TOO-LONG` and skipped unread. Default 1 MiB. */
  readonly maxLineBytes?: number;
  /** Bytes per read when `input` is a path. Default 1 MiB. */
  readonly readChunkBytes?: number;
  /**
   * Called as the input is read, at most once per 64 KiB read (and once at
   * the end): bytes read so far and lines ended so far. Compare the bytes
   * with {@link sourceSize} for a progress bar.
   */
  readonly onProgress?: (bytesRead: number, lines: number) => void;
}

/** Counts of one read, live while reading and final once the iterator is done. */
export interface JsonlTotals {
  /** Bytes read from the source. */
  readonly bytesRead: number;
  /** Physical lines ended, blank lines included. */
  readonly lines: number;
  /** Items of kind `record`. */
  readonly records: number;
  /** Items of kind `problem`. */
  readonly problems: number;
}

/**
 * A one-pass async iterator over the items of a JSONL source. Its return
 * value (`done: true`) is the final {@link JsonlTotals}; `totals` shows them
 * at any time (also after a `for await` loop, which drops the return value).
 */
export interface JsonlReader extends AsyncIterableIterator<JsonlItem, JsonlTotals, undefined> {
  readonly totals: JsonlTotals;
  /** Stops early and closes the source (a `for await` loop calls it on `break`). */
  return(): Promise<IteratorReturnResult<JsonlTotals>>;
}

/**
 * Reads a JSONL history as items, one per non-blank line, in order (see the
 * comment at the top of this file for the problem codes). Nothing is read
 * until iteration starts; a missing or unreadable source rejects the first
 * `next()` with a {@link SourceError}. Items are produced lazily as the
 * consumer pulls them, so memory stays bounded by `maxLineBytes` plus one
 * read chunk. Throws a `ValidationError` at once for bad options.
 *
 * ```ts
 * for await (const item of readJsonl('history.jsonl')) {
 *   if (item.kind === 'problem') console.log(item.line, item.code, item.message);
 *   else handle(item.value, item.text);
 * }
 * ```
 */
export function readJsonl(input: JsonlInput, options: ReadJsonlOptions = {}): JsonlReader {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const readChunkBytes = options.readChunkBytes ?? DEFAULT_READ_CHUNK_BYTES;
  const issues = [
    ...(Number.isSafeInteger(maxLineBytes) && maxLineBytes > 0 ? [] : [{ path: 'maxLineBytes', message: `must be a positive integer (got ${String(maxLineBytes)})` }]),
    ...(Number.isSafeInteger(readChunkBytes) && readChunkBytes > 0 ? [] : [{ path: 'readChunkBytes', message: `must be a positive integer (got ${String(readChunkBytes)})` }]),
  ];
  if (issues.length > 0) throw new ValidationError('readJsonl options', issues);
  const onProgress = options.onProgress;

  const splitter = new LineSplitter(maxLineBytes);
  let state: 'new' | 'open' | 'done' = 'new';
  let source: ChunkSource | undefined;
  let busy: Promise<IteratorResult<JsonlItem, JsonlTotals>> | undefined;
  let bytesRead = 0;
  let reported = 0;

  const totals = (): JsonlTotals => ({ bytesRead, lines: splitter.lines, records: splitter.records, problems: splitter.problems });
  const report = (): void => {
    reported = bytesRead;
    onProgress?.(bytesRead, splitter.lines);
  };
  const close = async (): Promise<void> => {
    state = 'done';
    const s = source;
    source = undefined;
    if (s !== undefined) await s.close();
  };

  // Reads chunks until one yields an item, or the input ends.
  const slow = async (): Promise<IteratorResult<JsonlItem, JsonlTotals>> => {
    try {
      if (state === 'new') {
        source = await openSource(input, readChunkBytes);
        state = 'open';
      }
      for (;;) {
        if (state !== 'open' || source === undefined) return { done: true, value: totals() };
        const chunk = await source.read();
        if (chunk === null) {
          const last = splitter.end();
          await close();
          if (onProgress !== undefined && reported !== bytesRead) report();
          if (last !== undefined) return { done: false, value: last };
          return { done: true, value: totals() };
        }
        bytesRead += chunk.length;
        if (onProgress !== undefined && bytesRead - reported >= PROGRESS_EVERY_BYTES) report();
        splitter.push(chunk);
        const item = splitter.next();
        if (item !== undefined) return { done: false, value: item };
      }
    } catch (error) {
      await close().catch(() => undefined);
      throw error;
    }
  };

  const reader: JsonlReader = {
    get totals() {
      return totals();
    },
    next() {
      if (busy !== undefined) return busy.then(() => reader.next());
      if (state === 'open') {
        const item = splitter.next();
        if (item !== undefined) return Promise.resolve({ done: false, value: item });
      } else if (state === 'done') {
        return Promise.resolve({ done: true, value: totals() });
      }
      const pending = slow();
      busy = pending;
      const clear = (): void => {
        busy = undefined;
      };
      pending.then(clear, clear);
      return pending;
    },
    async return() {
      if (busy !== undefined) await busy.catch(() => undefined);
      await close();
      return { done: true, value: totals() };
    },
    [Symbol.asyncIterator]() {
      return reader;
    },
  };
  return reader;
}

/**
 * The size in bytes of the file at `path`, for a progress bar; `undefined`
 * for `'-'` (stdin), anything that is not a regular file, or a path that
 * cannot be read (readJsonl will say why).
 */
export function sourceSize(path: string): number | undefined {
  if (path === '-') return undefined;
  try {
    const stats = statSync(path);
    return stats.isFile() ? stats.size : undefined;
  } catch {
    return undefined;
  }
}

/** Bytes in, one chunk at a time; `null` at the end. */
interface ChunkSource {
  read(): Promise<Buffer | null>;
  close(): Promise<void>;
}

function openSource(input: JsonlInput, readChunkBytes: number): Promise<ChunkSource> {
  if (input === '-') return Promise.resolve(streamSource(process.stdin, 'stdin'));
  if (typeof input === 'string') return fileSource(input, readChunkBytes);
  return Promise.resolve(streamSource(input, 'stream'));
}

const noop = (): void => undefined;

async function fileSource(path: string, readChunkBytes: number): Promise<ChunkSource> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
    // Opening a directory for reading succeeds on Linux; reading it fails.
    if ((await handle.stat()).isDirectory()) {
      await handle.close().catch(noop);
      throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read`), { code: 'EISDIR' });
    }
  } catch (error) {
    throw sourceError(path, error);
  }
  const fh = handle;
  // Two buffers: the next read runs while the splitter works on the last one.
  const buffers = [Buffer.allocUnsafe(readChunkBytes), Buffer.allocUnsafe(readChunkBytes)] as const;
  let current = 0;
  const readInto = (buffer: Buffer): Promise<number> => {
    const pending = fh.read(buffer, 0, buffer.length, null).then((r) => r.bytesRead);
    pending.catch(noop); // it is awaited later; do not report it as unhandled meanwhile
    return pending;
  };
  let inflight: Promise<number> | undefined = readInto(buffers[0]);
  let closed = false;
  return {
    async read() {
      if (inflight === undefined) return null;
      let n: number;
      try {
        n = await inflight;
      } catch (error) {
        inflight = undefined;
        throw sourceError(path, error);
      }
      if (n === 0) {
        inflight = undefined;
        return null;
      }
      const buffer = buffers[current as 0 | 1];
      current ^= 1;
      inflight = readInto(buffers[current as 0 | 1]);
      return buffer.subarray(0, n);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (inflight !== undefined) await inflight.catch(noop);
      inflight = undefined;
      await fh.close();
    },
  };
}

function streamSource(input: AsyncIterable<Uint8Array | string>, name: string): ChunkSource {
  let iterator: AsyncIterator<Uint8Array | string> | undefined;
  let finished = false;
  return {
    async read() {
      if (finished) return null;
      let result: IteratorResult<Uint8Array | string>;
      try {
        iterator ??= input[Symbol.asyncIterator]();
        result = await iterator.next();
      } catch (error) {
        finished = true;
        throw sourceError(name, error);
      }
      if (result.done === true) {
        finished = true;
        return null;
      }
      const chunk: unknown = result.value;
      if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
      if (Buffer.isBuffer(chunk)) return chunk;
      if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      finished = true;
      throw new SourceError('SOURCE_UNREADABLE', name, `Cannot read the ${name === 'stdin' ? 'standard input' : 'input stream'}: it gave a chunk that is not bytes (${chunk === null ? 'null' : typeof chunk}).`);
    },
    async close() {
      if (finished) return;
      finished = true;
      await iterator?.return?.();
    },
  };
}

function sourceError(source: string, error: unknown): SourceError {
  if (error instanceof SourceError) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  const reason = error instanceof Error ? error.message : String(error);
  const where = source === 'stdin' || source === 'stream' ? `the ${source === 'stdin' ? 'standard input' : 'input stream'}` : `"${source}"`;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new SourceError('SOURCE_NOT_FOUND', source, `Cannot read ${where}: no such file.`, { cause: error });
    case 'EISDIR':
      return new SourceError('SOURCE_UNREADABLE', source, `Cannot read ${where}: it is a directory, not a JSONL file.`, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new SourceError('SOURCE_UNREADABLE', source, `Cannot read ${where}: permission denied.`, { cause: error });
    default:
      return new SourceError('SOURCE_UNREADABLE', source, `Cannot read ${where}: ${reason}`, { cause: error });
  }
}
