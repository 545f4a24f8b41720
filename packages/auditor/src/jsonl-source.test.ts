import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DealbookError, ValidationError } from '@dealbook/eventsourcing';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { firstInvalidUtf8 } from './jsonl-lines.js';
import { readJsonl, sourceSize, SourceError, type JsonlInput, type JsonlItem, type JsonlProblemCode, type ReadJsonlOptions } from './jsonl-source.js';

const dir = mkdtempSync(join(tmpdir(), 'dealbook-jsonl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

async function* chunked(data: Uint8Array, sizes: readonly number[] = [data.length], reuse = false): AsyncGenerator<Uint8Array> {
  // With `reuse`, every chunk is copied into the same buffer, as a file reader would: the reader must not keep references.
  const shared = new Uint8Array(Math.max(1, ...sizes));
  let at = 0;
  let i = 0;
  while (at < data.length) {
    const size = Math.max(1, sizes[i++ % sizes.length] ?? 1);
    const part = data.subarray(at, at + size);
    at += part.length;
    if (reuse) {
      shared.set(part);
      yield shared.subarray(0, part.length);
    } else {
      yield part.slice();
    }
  }
}

async function collect(input: JsonlInput, options?: ReadJsonlOptions): Promise<JsonlItem[]> {
  const items: JsonlItem[] = [];
  for await (const item of readJsonl(input, options)) items.push(item);
  return items;
}

const fromText = (text: string, options?: ReadJsonlOptions): Promise<JsonlItem[]> => collect(chunked(bytes(text)), options);
const summary = (items: readonly JsonlItem[]) => items.map((i) => (i.kind === 'record' ? [i.line, i.text] : [i.line, i.code]));

describe('readJsonl: lines', () => {
  it('yields records with 1-based line numbers and the exact text; skips blank lines and the final newline', async () => {
    const items = await fromText('{"type":"A"}\n\n  \t\n{"type":"B", "x": [1, 2]}\r\n\r\n{"é":"报价 😀"}\n');
    expect(items).toEqual([
      { kind: 'record', line: 1, value: { type: 'A' }, text: '{"type":"A"}' },
      { kind: 'record', line: 4, value: { type: 'B', x: [1, 2] }, text: '{"type":"B", "x": [1, 2]}' },
      { kind: 'record', line: 6, value: { é: '报价 😀' }, text: '{"é":"报价 😀"}' },
    ]);
  });

  it('accepts a last line without newline when it parses; a BOM on line 1 is dropped', async () => {
    expect(summary(await fromText('\uFEFF{"a":1}\n{"b":2}'))).toEqual([
      [1, '{"a":1}'],
      [2, '{"b":2}'],
    ]);
  });

  it('reports each kind of bad line with its code and line, and goes on', async () => {
    const text = ['not json', '3', '[]', 'null', '"s"', '{"a":"x\u0000y"}', '{"ok":true}', '{"cut":'].join('\n');
    const items = await fromText(text);
    expect(summary(items)).toEqual([
      [1, 'A-NOT-JSON'],
      [2, 'A-NOT-OBJECT'],
      [3, 'A-NOT-OBJECT'],
      [4, 'A-NOT-OBJECT'],
      [5, 'A-NOT-OBJECT'],
      [6, 'A-BINARY'],
      [7, '{"ok":true}'],
      [8, 'A-TRUNCATED'],
    ]);
    const not = items[0];
    expect(not?.kind === 'problem' && not.message).toMatch(/^Line 1 is not valid JSON \(.+\): "not json"\.$/);
  });

  it('A-NOT-JSON quotes at most ~80 characters, with control characters escaped', async () => {
    const long = `{"a": nope ${'\u007f\u2028é'.repeat(100)}`;
    const [item] = await fromText(`${long}\n`);
    expect(item).toMatchObject({ kind: 'problem', code: 'A-NOT-JSON', line: 1, bytes: Buffer.byteLength(long) });
    const message = item?.kind === 'problem' ? item.message : '';
    expect(message).toContain('"{\\"a\\": nope \\u007F\\u2028é');
    expect(message).toContain('…');
    expect(message.split('é').length - 1).toBe(23); // 11 + 3 × 23 = 80 characters of the line, then …
    expect([...message].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f' || c === '\u2028')).toBe(false);
  });

  it('A-BINARY: bytes that are not UTF-8, named with their position', async () => {
    const data = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n{"b":1}\n')]);
    const items = await collect(chunked(new Uint8Array(data)));
    expect(items[0]).toMatchObject({ kind: 'problem', code: 'A-BINARY', line: 1, bytes: 10 });
    expect(items[0]?.kind === 'problem' && items[0].message).toContain('byte 7 of the line, 0xC3');
    expect(items[1]).toMatchObject({ kind: 'record', line: 2 });
  });

  it('A-TRUNCATED: a last line cut inside a multi-byte character; binary garbage at the end stays A-BINARY', async () => {
    const cut = Buffer.from('{"a":"报价"}').subarray(0, 8); // inside 报
    expect(await collect(chunked(new Uint8Array(Buffer.concat([Buffer.from('{"x":1}\n'), cut])), [3]))).toMatchObject([
      { kind: 'record', line: 1 },
      { kind: 'problem', code: 'A-TRUNCATED', line: 2, bytes: 8 },
    ]);
    expect(await collect(chunked(new Uint8Array([0x7b, 0xff, 0x7d])))).toMatchObject([{ kind: 'problem', code: 'A-BINARY', line: 1 }]);
  });

  it('A-LINE-TOO-LONG: over maxLineBytes (line end not counted), with the length in bytes', async () => {
    const line = (n: number) => `{"p":"${'x'.repeat(n - 8)}"}`;
    const text = `${line(16)}\r\n${line(17)}\r\n${line(16)}\n${line(40)}`;
    const items = await collect(chunked(bytes(text), [1, 5, 2]), { maxLineBytes: 16 });
    expect(items.map((i) => (i.kind === 'record' ? [i.line, i.text.length] : [i.line, i.code, i.bytes]))).toEqual([
      [1, 16],
      [2, 'A-LINE-TOO-LONG', 17],
      [3, 16],
      [4, 'A-LINE-TOO-LONG', 40],
    ]);
  });

  it('firstInvalidUtf8 agrees with a fatal TextDecoder', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (data) => {
        let valid = true;
        try {
          decoder.decode(data);
        } catch {
          valid = false;
        }
        expect(firstInvalidUtf8(data, 0, data.length) === undefined).toBe(valid);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects bad options with a ValidationError', () => {
    expect(() => readJsonl('-', { maxLineBytes: 0 })).toThrow(ValidationError);
    expect(() => readJsonl('-', { readChunkBytes: 1.5 })).toThrow(/readChunkBytes/);
  });
});

// ---- the fuzz: a history of random line kinds, cut into random chunks ----

const MAX = 256;
const LINE_ENDS = ['\n', '\r\n'] as const;

interface Line {
  readonly data: Uint8Array;
  /** What the line must give when terminated; `blank` gives nothing. */
  readonly expect: { readonly kind: 'record'; readonly text: string } | { readonly kind: 'problem'; readonly code: JsonlProblemCode; readonly bytes?: number } | { readonly kind: 'blank' };
  /** Only as the last line, without newline. */
  readonly lastOnly?: boolean;
}

const sized = (text: string, line: Line): Line => {
  const n = Buffer.byteLength(text);
  return n > MAX ? { data: bytes(text), expect: { kind: 'problem', code: 'A-LINE-TOO-LONG', bytes: n } } : line;
};

const eventObject = fc.record({
  type: fc.string({ unit: 'binary', maxLength: 12 }),
  streamVersion: fc.nat(),
  data: fc.jsonValue({ maxDepth: 2 }),
});
const eventText = eventObject.map((o) => JSON.stringify(o));

const validLine = eventText.map((text): Line => sized(text, { data: bytes(text), expect: { kind: 'record', text } }));

const CONTROLS = [0, 1, 7, 8, 11, 12, 14, 27, 31];
const garbageLine = fc
  .oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
    eventText.map((t) => t.slice(0, -1)),
    eventText.map((t) => `${t}}`),
    eventText.map((t) => `${t} ${t}`),
  )
  .map((s) => Buffer.from(s, 'utf8').toString('utf8'))
  .filter((s) => {
    if (/^[ \t]*$|^\uFEFF/.test(s) || [...s].some((c) => c.charCodeAt(0) < 0x20)) return false;
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  })
  .map((text): Line => sized(text, { data: bytes(text), expect: { kind: 'problem', code: 'A-NOT-JSON' } }));

const binaryLine = fc
  .tuple(fc.uint8Array({ maxLength: 40 }), fc.nat())
  .map(([random, at]): Line => {
    const data = [...random].filter((b) => b !== 10);
    data.splice(at % (data.length + 1), 0, 0xff); // never valid UTF-8
    return { data: new Uint8Array(data), expect: { kind: 'problem', code: 'A-BINARY' } };
  });

const controlLine = fc.tuple(eventText, fc.nat(), fc.constantFrom(...CONTROLS)).map(([text, at, control]): Line => {
  const i = at % (text.length + 1);
  const bad = `${text.slice(0, i)}${String.fromCharCode(control)}${text.slice(i)}`;
  return sized(bad, { data: bytes(bad), expect: { kind: 'problem', code: 'A-BINARY' } });
});

const nonObjectLine = fc
  .jsonValue({ maxDepth: 2 })
  .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))
  .map((v) => JSON.stringify(v))
  .map((text): Line => sized(text, { data: bytes(text), expect: { kind: 'problem', code: 'A-NOT-OBJECT' } }));

const blankLine = fc.constantFrom('', '', ' ', '\t', ' \t  ').map((text): Line => ({ data: bytes(text), expect: { kind: 'blank' } }));

// Long lines around and far over the limit, with multi-byte characters so that cuts land inside them.
const longLine = fc.tuple(fc.integer({ min: MAX - 3, max: MAX * 6 }), fc.constantFrom('x', 'é', '报', '😀')).map(([n, ch]): Line => {
  let text = `{"p":"`;
  while (Buffer.byteLength(text) + Buffer.byteLength(ch) + 2 <= n) text += ch;
  text += `"}`;
  return sized(text, { data: bytes(text), expect: { kind: 'record', text } });
});

// A valid line cut short (possibly inside a multi-byte character): only as the unterminated last line.
const truncatedLine = fc.tuple(eventText, fc.nat()).map(([text, at]): Line => {
  const full = Buffer.from(text, 'utf8');
  const cut = full.subarray(0, 1 + (at % (full.length - 1)));
  return cut.length > MAX
    ? { data: new Uint8Array(cut), expect: { kind: 'problem', code: 'A-LINE-TOO-LONG', bytes: cut.length }, lastOnly: true }
    : { data: new Uint8Array(cut), expect: { kind: 'problem', code: 'A-TRUNCATED' }, lastOnly: true };
});

const history = fc.record({
  lines: fc.array(
    fc.tuple(
      fc.oneof(
        { arbitrary: validLine, weight: 5 },
        { arbitrary: garbageLine, weight: 2 },
        { arbitrary: binaryLine, weight: 1 },
        { arbitrary: controlLine, weight: 1 },
        { arbitrary: nonObjectLine, weight: 1 },
        { arbitrary: blankLine, weight: 1 },
        { arbitrary: longLine, weight: 1 },
      ),
      fc.constantFrom(...LINE_ENDS),
    ),
    { maxLength: 25 },
  ),
  last: fc.option(fc.oneof(validLine, garbageLine, binaryLine, nonObjectLine, longLine, truncatedLine), { nil: undefined }),
  chunkSizes: fc.oneof(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 })),
  reuse: fc.boolean(),
});

/** The bytes of a generated history and the items it must give. */
function serialize(h: { lines: readonly (readonly [Line, string])[]; last: Line | undefined }) {
  const parts: Buffer[] = [];
  const expected: { line: number; expect: Exclude<Line['expect'], { kind: 'blank' }> }[] = [];
  let number = 0;
  for (const [line, end] of h.lines) {
    number++;
    parts.push(Buffer.from(line.data), Buffer.from(end));
    if (line.expect.kind !== 'blank') expected.push({ line: number, expect: line.expect });
  }
  let lines = number;
  if (h.last !== undefined) {
    number++;
    parts.push(Buffer.from(h.last.data));
    // Without a newline, a line that does not parse was cut off.
    const e = h.last.expect;
    if (e.kind === 'problem' && e.code === 'A-NOT-JSON') expected.push({ line: number, expect: { kind: 'problem', code: 'A-TRUNCATED' } });
    else if (e.kind !== 'blank') expected.push({ line: number, expect: e });
    if (h.last.data.length > 0) lines = number;
  }
  return { data: new Uint8Array(Buffer.concat(parts)), expected, lines };
}

function check(items: readonly JsonlItem[], expected: ReturnType<typeof serialize>['expected']): void {
  expect(items.length).toBe(expected.length);
  expected.forEach(({ line, expect: e }, i) => {
    const item = items[i];
    expect(item?.line).toBe(line);
    if (e.kind === 'record') {
      expect(item).toEqual({ kind: 'record', line, text: e.text, value: JSON.parse(e.text) as unknown });
    } else {
      expect(item).toMatchObject({ kind: 'problem', code: e.code, ...(e.bytes === undefined ? {} : { bytes: e.bytes }) });
      expect(item?.kind === 'problem' && item.message.length > 0 && item.message.length < 400).toBe(true);
      expect(item?.kind === 'problem' && item.message).toContain(`Line ${line}`);
    }
  });
}

describe('readJsonl: fuzzed histories', () => {
  it('every line gives the right record or exactly one problem, whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(history, async (h) => {
        const { data, expected, lines } = serialize(h);
        const reader = readJsonl(chunked(data, h.chunkSizes, h.reuse), { maxLineBytes: MAX });
        const items: JsonlItem[] = [];
        for await (const item of reader) items.push(item);
        check(items, expected);
        expect(reader.totals).toEqual({
          bytesRead: data.length,
          lines,
          records: expected.filter((e) => e.expect.kind === 'record').length,
          problems: expected.filter((e) => e.expect.kind === 'problem').length,
        });
      }),
      { numRuns: 400 },
    );
  });

  it('a file read in small chunks gives the same items as one chunk (the reader reuses its read buffers)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(history, fc.integer({ min: 1, max: 64 }), async (h, readChunkBytes) => {
        const { data, expected } = serialize(h);
        const path = join(dir, `fuzz-${n++}.jsonl`);
        writeFileSync(path, data);
        check(await collect(path, { maxLineBytes: MAX, readChunkBytes }), expected);
        rmSync(path);
      }),
      { numRuns: 40 },
    );
  });
});

describe('readJsonl: memory', () => {
  it('a 50 MB line with maxLineBytes 1 MiB is skipped in bounded memory', async () => {
    const total = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x78); // 'x', reused for every chunk: the input itself costs nothing
    const used = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const before = used();
    let peak = before;
    async function* lazily(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('{"pad":"');
      for (let sent = 8; sent < total - 2; sent += chunk.length) {
        yield chunk.subarray(0, Math.min(chunk.length, total - 2 - sent));
        peak = Math.max(peak, used());
      }
      yield Buffer.from('"}\n{"after":true}\n');
    }
    const items = await collect(lazily());
    expect(items).toEqual([
      { kind: 'problem', code: 'A-LINE-TOO-LONG', line: 1, bytes: total, message: `Line 1 is ${total} bytes long, over the limit of 1048576 bytes: it was skipped unread.` },
      { kind: 'record', line: 2, value: { after: true }, text: '{"after":true}' },
    ]);
    expect(peak - before).toBeLessThan(10 * 1024 * 1024);
  });
});

describe('readJsonl: sources', () => {
  it('reads a file, with its totals and progress', async () => {
    const path = join(dir, 'history.jsonl');
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ type: 'T', i, pad: 'é'.repeat(40) }));
    writeFileSync(path, `${lines.join('\r\n')}\r\n`);
    const size = sourceSize(path);
    expect(size).toBe(Buffer.byteLength(`${lines.join('\r\n')}\r\n`));
    const progress: [number, number][] = [];
    const reader = readJsonl(path, { readChunkBytes: 10_000, onProgress: (b, l) => progress.push([b, l]) });
    const texts: string[] = [];
    for await (const item of reader) if (item.kind === 'record') texts.push(item.text);
    expect(texts).toEqual(lines);
    expect(reader.totals).toEqual({ bytesRead: size, lines: 3000, records: 3000, problems: 0 });
    expect(await reader.next()).toEqual({ done: true, value: reader.totals });
    expect(progress.at(-1)).toEqual([size, 3000]);
    expect(progress.length).toBeGreaterThan(2);
    for (let i = 1; i < progress.length - 1; i++) expect(progress[i]![0] - progress[i - 1]![0]).toBeGreaterThanOrEqual(64 * 1024);
  });

  it('the final totals are the iterator return value; break closes the source early', async () => {
    const path = join(dir, 'small.jsonl');
    writeFileSync(path, '{"a":1}\n{"b":2}\nnope\n');
    const reader = readJsonl(path);
    let result = await reader.next();
    const all: unknown[] = [];
    while (result.done !== true) {
      all.push(result.value);
      result = await reader.next();
    }
    expect(result.value).toEqual({ bytesRead: 21, lines: 3, records: 2, problems: 1 });
    const early = readJsonl(path);
    for await (const item of early) {
      expect(item.line).toBe(1);
      break;
    }
    expect(await early.next()).toMatchObject({ done: true, value: { records: 1 } });
  });

  it('a missing file, a directory and an unreadable file reject with a SourceError before any item', async () => {
    const missing = join(dir, 'nope.jsonl');
    const reader = readJsonl(missing); // nothing happens until iteration starts
    const error: unknown = await reader.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toBeInstanceOf(DealbookError);
    expect(error).toMatchObject({ code: 'SOURCE_NOT_FOUND', source: missing, message: expect.stringContaining(missing) as string });
    await expect(collect(dir)).rejects.toMatchObject({ name: 'SourceError', code: 'SOURCE_UNREADABLE', message: expect.stringContaining('directory') as string });
    expect(sourceSize(missing)).toBeUndefined();
    expect(sourceSize(dir)).toBeUndefined();
    expect(sourceSize('-')).toBeUndefined();
  });

  it.skipIf(process.getuid?.() === 0)('a file without read permission is SOURCE_UNREADABLE', async () => {
    const path = join(dir, 'locked.jsonl');
    writeFileSync(path, '{}\n');
    chmodSync(path, 0o000);
    await expect(collect(path)).rejects.toMatchObject({ code: 'SOURCE_UNREADABLE', message: expect.stringContaining('permission') as string });
  });

  it('reads a Node Readable (as stdin would be), string chunks included', async () => {
    const items = await collect(Readable.from([Buffer.from('{"a":'), '1}\n{"b"', Buffer.from(':2}\n')]));
    expect(summary(items)).toEqual([
      [1, '{"a":1}'],
      [2, '{"b":2}'],
    ]);
  });

  it('next() called again before the last call settled still gives the items in order', async () => {
    const reader = readJsonl(chunked(bytes('{"a":1}\n{"a":2}\nx\n{"a":3}'), [3]));
    const results = await Promise.all([reader.next(), reader.next(), reader.next(), reader.next(), reader.next()]);
    expect(results.map((r) => (r.done === true ? 'done' : r.value.kind === 'record' ? r.value.text : r.value.code))).toEqual(['{"a":1}', '{"a":2}', 'A-NOT-JSON', '{"a":3}', 'done']);
  });

  it('a stream of things that are not bytes rejects with SOURCE_UNREADABLE', async () => {
    await expect(collect(Readable.from([{ not: 'bytes' }]) as AsyncIterable<Uint8Array>)).rejects.toMatchObject({ code: 'SOURCE_UNREADABLE', message: expect.stringContaining('not bytes') as string });
  });

  it('a stream that fails midway rejects with SOURCE_UNREADABLE after the items before it', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield bytes('{"a":1}\n');
      throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    }
    const reader = readJsonl(failing());
    expect(await reader.next()).toMatchObject({ done: false, value: { kind: 'record', line: 1 } });
    await expect(reader.next()).rejects.toMatchObject({ code: 'SOURCE_UNREADABLE', message: expect.stringContaining('EIO') as string });
    expect(await reader.next()).toMatchObject({ done: true });
  });

  it('a path through a missing folder or through a file (ENOTDIR) is SOURCE_NOT_FOUND', async () => {
    await expect(collect(join(dir, 'no-such-folder', 'x.jsonl'))).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND' });
    const file = join(dir, 'plain.jsonl');
    writeFileSync(file, '{}\n');
    await expect(collect(join(file, 'x'))).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND' });
  });
});
