// The synchronous core of the JSONL reader: splits byte chunks into lines and
// classifies each line as a record or a problem. jsonl-source.ts wraps it in
// an async iterator over files and streams; the problem codes are documented
// there.
import { isUtf8 } from 'node:buffer';

/** One good line: a JSON object. */
export interface JsonlRecord {
  readonly kind: 'record';
  /** 1-based physical line number (blank lines count). */
  readonly line: number;
  /** `JSON.parse(text)`: always a plain object (not an array, not null). */
  readonly value: Readonly<Record<string, unknown>>;
  /** The line exactly as read, decoded as UTF-8, without its `\n` or `\r\n` (and without a BOM on line 1). */
  readonly text: string;
}

/** The problem codes a line can get (see the comment at the top of jsonl-source.ts). */
export type JsonlProblemCode = 'A-NOT-JSON' | 'A-BINARY' | 'A-TRUNCATED' | 'A-LINE-TOO-LONG' | 'A-NOT-OBJECT';

/** One bad line: what is wrong, in words a person reads, and where. */
export interface JsonlProblem {
  readonly kind: 'problem';
  /** 1-based physical line number. */
  readonly line: number;
  readonly code: JsonlProblemCode;
  readonly message: string;
  /** Length of the line in bytes, without its line end. */
  readonly bytes?: number;
}

/** What the reader yields for each non-blank line. */
export type JsonlItem = JsonlRecord | JsonlProblem;

const NEWLINE = 10;
const CR = 13;
const QUOTE_CHARS = 80;
const FIRST_CARRY_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * Splits chunks on `\n` and classifies each line. Feed it with `push(chunk)`,
 * drain with `next()` until `undefined`, repeat; call `end()` once after the
 * last chunk for an unterminated last line. A chunk must be drained before
 * the next is pushed; the splitter keeps no reference to a drained chunk (a
 * partial line is copied), so callers may reuse their read buffers.
 *
 * Memory: a line that spans chunks is copied into a carry buffer of at most
 * `maxLineBytes + 1` bytes; beyond that it is only counted, not kept.
 */
export class LineSplitter {
  /** Lines ended so far (including blank ones, and the last unterminated one after `end()`). */
  lines = 0;
  records = 0;
  problems = 0;

  private chunk: Buffer = EMPTY;
  private pos = 0;
  // Byte range of the current chunk already checked to be valid UTF-8 in one go.
  private validFrom = 0;
  private validTo = 0;
  // Bytes of a line that started in an earlier chunk.
  private carry: Buffer = EMPTY;
  private carryLength = 0;
  // A line over the limit is counted, not kept.
  private skipping = false;
  private skipLength = 0;
  private skipEndsWithCr = false;

  constructor(private readonly maxLineBytes: number) {}

  /** Starts on a new chunk; the previous one must be drained (`next()` returned `undefined`). */
  push(chunk: Buffer): void {
    this.chunk = chunk;
    this.pos = 0;
    this.validFrom = 0;
    this.validTo = 0;
    // Validate every whole line of the chunk at once (a `\n` never sits
    // inside a multi-byte character, so valid bytes split into valid lines).
    const last = chunk.lastIndexOf(NEWLINE);
    if (last <= 0) return;
    const from = this.carryLength > 0 || this.skipping ? chunk.indexOf(NEWLINE) + 1 : 0;
    if (from < last && isUtf8(chunk.subarray(from, last))) {
      this.validFrom = from;
      this.validTo = last;
    }
  }

  /** The next item of the current chunk, or `undefined` when it holds no more complete lines. */
  next(): JsonlItem | undefined {
    const chunk = this.chunk;
    const length = chunk.length;
    while (this.pos < length) {
      const start = this.pos;
      const end = chunk.indexOf(NEWLINE, start);
      if (end === -1) {
        this.hold(chunk, start, length);
        this.pos = length;
        break;
      }
      this.pos = end + 1;
      this.lines++;
      let item: JsonlItem | undefined;
      if (this.carryLength === 0 && !this.skipping) {
        if (end === start) continue;
        item = this.classify(chunk, start, end, true, start >= this.validFrom && end <= this.validTo);
      } else {
        this.hold(chunk, start, end);
        item = this.finishHeld(true);
      }
      if (item !== undefined) return item;
    }
    this.chunk = EMPTY;
    this.pos = 0;
    return undefined;
  }

  /** The input ended: the item of an unterminated last line, if there is one and it is not blank. */
  end(): JsonlItem | undefined {
    if (this.carryLength === 0 && !this.skipping) return undefined;
    this.lines++;
    return this.finishHeld(false);
  }

  private hold(chunk: Buffer, start: number, end: number): void {
    const n = end - start;
    if (n === 0) return;
    if (this.skipping) {
      this.skipLength += n;
      this.skipEndsWithCr = chunk[end - 1] === CR;
      return;
    }
    const needed = this.carryLength + n;
    // One byte of slack: the line may end in the `\r` of a `\r\n`.
    if (needed > this.maxLineBytes + 1) {
      this.skipping = true;
      this.skipLength = needed;
      this.skipEndsWithCr = chunk[end - 1] === CR;
      this.carryLength = 0;
      return;
    }
    if (needed > this.carry.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.maxLineBytes + 1, Math.max(needed, this.carry.length * 2, FIRST_CARRY_BYTES)));
      this.carry.copy(grown, 0, 0, this.carryLength);
      this.carry = grown;
    }
    chunk.copy(this.carry, this.carryLength, start, end);
    this.carryLength = needed;
  }

  private finishHeld(terminated: boolean): JsonlItem | undefined {
    if (this.skipping) {
      const bytes = this.skipLength - (this.skipEndsWithCr ? 1 : 0);
      this.skipping = false;
      this.skipLength = 0;
      return this.tooLong(bytes);
    }
    const length = this.carryLength;
    this.carryLength = 0;
    return this.classify(this.carry, 0, length, terminated, false);
  }

  private classify(buffer: Buffer, start: number, end: number, terminated: boolean, knownUtf8: boolean): JsonlItem | undefined {
    if (end > start && buffer[end - 1] === CR) end--;
    const bytes = end - start;
    if (bytes === 0) return undefined;
    if (bytes > this.maxLineBytes) return this.tooLong(bytes);
    if (!knownUtf8 && !isUtf8(buffer.subarray(start, end))) return this.notUtf8(buffer, start, end, terminated);
    let text = buffer.toString('utf8', start, end);
    if (this.lines === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return this.notJson(text, bytes, terminated, error);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return this.problem('A-NOT-OBJECT', `Line ${this.lines} is JSON but not an object (it is ${describeJson(value)}): ${quote(text)}.`, bytes);
    }
    this.records++;
    return { kind: 'record', line: this.lines, value: value as Readonly<Record<string, unknown>>, text };
  }

  private notJson(text: string, bytes: number, terminated: boolean, error: unknown): JsonlProblem | undefined {
    if (isBlank(text)) return undefined;
    const at = firstControl(text);
    if (at !== -1) {
      return this.problem(
        'A-BINARY',
        `Line ${this.lines} is not text: it holds the control character U+${hex(text.charCodeAt(at), 4)} at character ${at + 1} (binary data?): ${quote(text)}.`,
        bytes,
      );
    }
    const reason = parseReason(error);
    if (!terminated) {
      return this.problem(
        'A-TRUNCATED',
        `Line ${this.lines}, the last line, has no newline and is not complete JSON (${reason}): the file looks cut off. It ends with ${quoteEnd(text)}.`,
        bytes,
      );
    }
    return this.problem('A-NOT-JSON', `Line ${this.lines} is not valid JSON (${reason}): ${quote(text)}.`, bytes);
  }

  private notUtf8(buffer: Buffer, start: number, end: number, terminated: boolean): JsonlProblem {
    const bad = firstInvalidUtf8(buffer, start, end);
    const offset = bad === undefined ? 0 : bad.at - start;
    // A file cut inside a multi-byte character leaves an incomplete sequence
    // at the very end of its last line: that is truncation, not binary data.
    if (!terminated && bad !== undefined && bad.cut && !hasControlByte(buffer, start, bad.at)) {
      return this.problem(
        'A-TRUNCATED',
        `Line ${this.lines}, the last line, has no newline and ends inside a UTF-8 character: the file looks cut off. It ends with ${quoteEnd(buffer.toString('utf8', start, bad.at))}.`,
        end - start,
      );
    }
    const byte = buffer[start + offset] ?? 0;
    const preview = buffer.subarray(start, Math.min(end, start + 16)).toString('hex').replace(/(..)(?!$)/g, '$1 ');
    return this.problem(
      'A-BINARY',
      `Line ${this.lines} is not UTF-8 text (binary data?): byte ${offset + 1} of the line, 0x${hex(byte, 2)}, ${bad?.cut === true ? 'starts a character that never ends' : 'is not valid UTF-8'}. It starts with bytes ${preview}${end - start > 16 ? ' …' : ''}.`,
      end - start,
    );
  }

  private tooLong(bytes: number): JsonlProblem {
    return this.problem('A-LINE-TOO-LONG', `Line ${this.lines} is ${bytes} bytes long, over the limit of ${this.maxLineBytes} bytes: it was skipped unread.`, bytes);
  }

  private problem(code: JsonlProblemCode, message: string, bytes: number): JsonlProblem {
    this.problems++;
    return { kind: 'problem', line: this.lines, code, message, bytes };
  }
}

// Characters escaped in quotes beyond what JSON.stringify escapes: DEL, C1 controls, line/paragraph separators.
const UNPRINTABLE = /[\u007f-\u009f\u2028\u2029]/g;

/** Index of the first C0 control character other than tab and CR (JSON whitespace), or -1. `\n` never occurs inside a line. */
function firstControl(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0d) return i;
  }
  return -1;
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

function hasControlByte(buffer: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buffer[i] ?? 0;
    if (b < 0x20 && b !== 0x09 && b !== 0x0d) return true;
  }
  return false;
}

const hex = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, '0');

function escapeText(text: string): string {
  return JSON.stringify(text).replace(UNPRINTABLE, (c) => `\\u${hex(c.charCodeAt(0), 4)}`);
}

/** The first ~80 characters of a line, in double quotes, control characters escaped. */
export function quote(text: string): string {
  return text.length <= QUOTE_CHARS ? escapeText(text) : `${escapeText(text.slice(0, QUOTE_CHARS))}…`;
}

function quoteEnd(text: string): string {
  return text.length <= QUOTE_CHARS ? escapeText(text) : `…${escapeText(text.slice(-QUOTE_CHARS))}`;
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** JSON.parse's reason, without the copy of the input V8 puts in some messages. */
function parseReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const token = /^(Unexpected token .*?), (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s.exec(message);
  const reason = token?.[1] ?? message;
  return escapeText(reason.length > 120 ? `${reason.slice(0, 120)}…` : reason).slice(1, -1);
}

/**
 * Where the bytes `[start, end)` stop being UTF-8 (RFC 3629: no overlongs, no
 * surrogates, nothing past U+10FFFF): the offset of the first bad sequence,
 * and whether it is only cut short by `end`. `undefined` when all is valid.
 */
export function firstInvalidUtf8(buffer: Uint8Array, start: number, end: number): { at: number; cut: boolean } | undefined {
  let i = start;
  while (i < end) {
    const b = buffer[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) low = 0xa0; // no overlong forms
      if (b === 0xed) high = 0x9f; // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) low = 0x90; // no overlong forms
      if (b === 0xf4) high = 0x8f; // nothing past U+10FFFF
    } else {
      return { at: i, cut: false };
    }
    for (let k = 1; k <= need; k++) {
      if (i + k >= end) return { at: i, cut: true };
      const c = buffer[i + k] ?? 0;
      if (c < (k === 1 ? low : 0x80) || c > (k === 1 ? high : 0xbf)) return { at: i, cut: false };
    }
    i += need + 1;
  }
  return undefined;
}
