// Random access to the lines of a large JSON Lines file: one sequential pass yields every line with
// its byte position, and a line can be read again later from that position. Cross-document stages
// use this to keep only compact summaries in memory and re-read a document's full record when they
// write its rows, in whatever order the output needs.
import fs from 'node:fs';

/** Where a line sits in its file (bytes, without the newline). */
export interface LineRef {
  offset: number;
  length: number;
}

const CHUNK_BYTES = 4 * 1024 * 1024;
const NEWLINE = 0x0a;

/**
 * Every non-empty line of `file`, in order, as bytes (without the newline) with its position.
 * Synchronous reads: no stream overhead. A line's bytes are a view into the buffer of one read. By
 * default that buffer is reused, so a view is valid until the next line is asked for; with
 * `keepViews` every read gets a fresh buffer, so views stay valid as long as they are referenced
 * (a kept view keeps its whole chunk alive), which saves copying each line that is kept a while.
 */
export function* rawLinesWithRefs(file: string, keepViews = false): Generator<{ bytes: Buffer; ref: LineRef }> {
  const fd = fs.openSync(file, 'r');
  try {
    // buffer[0, carry) is the unfinished line the last read ended in; the next read goes after it.
    // (Concatenating it with each read into a new buffer copied every chunk once more, into freshly
    // allocated memory.)
    let buffer: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let carry = 0;
    let bufferOffset = 0; // file offset of buffer[0]
    for (let position = 0; ; ) {
      // A line longer than half a chunk: room to read a chunk after it.
      if (buffer.length - carry < CHUNK_BYTES / 2) buffer = moveTail(buffer, 0, carry, carry + CHUNK_BYTES, true);
      const read = fs.readSync(fd, buffer, carry, buffer.length - carry, position);
      if (read === 0) break;
      position += read;
      const end = carry + read;
      let start = 0;
      // Lines are cut on bytes, never inside a UTF-8 sequence: 0x0a is never part of a multi-byte character.
      for (let nl = buffer.indexOf(NEWLINE, carry); nl !== -1 && nl < end; nl = buffer.indexOf(NEWLINE, start)) {
        if (nl > start) yield { bytes: buffer.subarray(start, nl), ref: { offset: bufferOffset + start, length: nl - start } };
        start = nl + 1;
      }
      // With keepViews, the lines handed out keep their buffer: the tail goes to a new one. A read
      // without a newline (start 0) handed nothing out, and its tail is already at the front.
      if (start > 0) buffer = moveTail(buffer, start, end, keepViews ? Math.max(CHUNK_BYTES, end - start + CHUNK_BYTES / 2) : buffer.length, keepViews);
      carry = end - start;
      bufferOffset += start;
    }
    if (carry > 0) yield { bytes: buffer.subarray(0, carry), ref: { offset: bufferOffset, length: carry } };
  } finally {
    fs.closeSync(fd);
  }
}

/** `buffer[start, end)` moved to the front of a buffer of `size` bytes: `buffer` itself unless `fresh` or of another size. */
function moveTail(buffer: Buffer, start: number, end: number, size: number, fresh: boolean): Buffer {
  if (!fresh && size === buffer.length) {
    buffer.copyWithin(0, start, end);
    return buffer;
  }
  const moved = Buffer.allocUnsafe(size);
  buffer.copy(moved, 0, start, end);
  return moved;
}

const fieldPatterns = new Map<string, Buffer>();

/**
 * A string-or-null field of a flat JSON object line (no nested objects), read without parsing the
 * line; undefined when it cannot be read that way (absent, another type, or escapes in the value),
 * and the caller parses the line. The bytes `"key":` can only be the key itself: inside a string
 * value every quote is escaped.
 */
export function flatJsonField(bytes: Buffer, key: string): string | null | undefined {
  let pattern = fieldPatterns.get(key);
  if (!pattern) fieldPatterns.set(key, (pattern = Buffer.from(JSON.stringify(key) + ':')));
  const at = bytes.indexOf(pattern);
  if (at < 0) return undefined;
  const value = at + pattern.length;
  if (bytes[value] === 0x6e && bytes.toString('latin1', value, value + 4) === 'null') return null;
  if (bytes[value] !== 0x22) return undefined;
  const end = bytes.indexOf(0x22, value + 1);
  if (end < 0 || bytes.subarray(value + 1, end).includes(0x5c)) return undefined;
  return bytes.toString('utf8', value + 1, end);
}

/**
 * The raw bytes of a top-level value of a JSON object line that is a string, null, or an array of
 * strings (as `"a"`, `null`, `["a","b"]`), found without parsing the line; undefined when absent or
 * of another shape. Two lines written by JSON.stringify hold equal values exactly when these bytes
 * are equal.
 */
export function rawJsonValue(bytes: Buffer, key: string): Buffer | undefined {
  let pattern = fieldPatterns.get(key);
  if (!pattern) fieldPatterns.set(key, (pattern = Buffer.from(JSON.stringify(key) + ':')));
  const at = bytes.indexOf(pattern);
  if (at < 0) return undefined;
  const start = at + pattern.length;
  if (bytes[start] === 0x6e) return bytes.toString('latin1', start, start + 4) === 'null' ? bytes.subarray(start, start + 4) : undefined;
  const array = bytes[start] === 0x5b;
  let i = array ? start + 1 : start;
  for (;;) {
    if (bytes[i] !== 0x22) return undefined;
    for (i++; i < bytes.length && bytes[i] !== 0x22; i++) if (bytes[i] === 0x5c) i++;
    if (i >= bytes.length) return undefined;
    i++; // past the closing quote
    if (!array) return bytes.subarray(start, i);
    if (bytes[i] === 0x5d) return bytes.subarray(start, i + 1);
    if (bytes[i] !== 0x2c) return undefined;
    i++;
  }
}

/** flatJsonField for several columns, as a row; null if any of them cannot be read that way. */
export function flatJsonFields(line: Buffer, keys: readonly string[]): Record<string, string | null> | null {
  const row: Record<string, string | null> = {};
  for (const key of keys) {
    const value = flatJsonField(line, key);
    if (value === undefined) return null;
    row[key] = value;
  }
  return row;
}

/** The non-empty lines of a buffer of whole lines, as views (without their newlines). */
export function* nonEmptyLines(bytes: Buffer): Generator<Buffer> {
  for (let start = 0; start < bytes.length; ) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end === -1) end = bytes.length;
    if (end > start) yield bytes.subarray(start, end);
    start = end + 1;
  }
}

/** Every non-empty line of `file`, in order, as text with its position. */
export function* linesWithRefs(file: string): Generator<{ text: string; ref: LineRef }> {
  for (const { bytes, ref } of rawLinesWithRefs(file)) yield { text: bytes.toString('utf8'), ref };
}

/** The records of a JSON Lines file, in order (empty lines skipped; a `\r` before a newline ignored). */
export function* readJsonlRecords<T>(file: string): Generator<T> {
  for (const { text } of linesWithRefs(file)) {
    const line = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (line) yield JSON.parse(line) as T;
  }
}

/** Exactly `length` bytes of an open file from `offset`; a file shorter than that changed since it was indexed. */
export function readRange(fd: number, offset: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  readInto(fd, buffer, length, offset);
  return buffer;
}

/** Fills the first `length` bytes of `target` from `offset` of an open file (short reads retried). */
function readInto(fd: number, target: Buffer, length: number, offset: number): void {
  for (let done = 0; done < length; ) {
    const n = fs.readSync(fd, target, done, length - done, offset + done);
    if (n === 0) throw new Error(`the bytes at ${offset}..${offset + length} end early: the file changed since it was indexed`);
    done += n;
  }
}

/**
 * The most one write call hands the kernel. On this project's machine (Linux 6.18, ext4, a VM), a
 * write of 1 MB or more into a new file often took 4-10 times as long per byte as writes of 256 KB:
 * copying a 188 MB table took 144-453 ms in writes of 1-4 MB, 39-51 ms in writes of 64-512 KB (the
 * page cache takes folios as large as the write, which the VM must first get back from its host).
 * Every stage writes through buffers of several MB; smaller calls cost nothing measurable elsewhere.
 */
export const MAX_WRITE_BYTES = 256 << 10;

/** Writes all of `bytes` to an open file (short writes retried), at most MAX_WRITE_BYTES a call. */
export function writeAll(fd: number, bytes: Uint8Array): void {
  for (let written = 0; written < bytes.length; ) written += fs.writeSync(fd, bytes, written, Math.min(MAX_WRITE_BYTES, bytes.length - written));
}

/** fs.writeFileSync, in writes of at most MAX_WRITE_BYTES (it hands the kernel the whole file at once). */
export function writeFileInPieces(file: string, data: string | Uint8Array, flags: 'w' | 'wx' = 'w'): void {
  const fd = fs.openSync(file, flags);
  try {
    writeAll(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads lines back by their LineRef. Close it when done. */
export class LineFile {
  private readonly fd: number;
  constructor(file: string) {
    this.fd = fs.openSync(file, 'r');
  }
  read(ref: LineRef): string {
    return readRange(this.fd, ref.offset, ref.length).toString('utf8');
  }
  close(): void {
    fs.closeSync(this.fd);
  }
}

/**
 * Write buffers by size, kept when their writer closes: a stage opens a writer per shard or table,
 * and a fresh multi-megabyte buffer for each counts as external memory that makes V8 collect the
 * whole heap sooner.
 */
const spareBuffers = new Map<number, Buffer[]>();

/**
 * Writes lines through one in-memory buffer with synchronous writes: far cheaper per line than a
 * stream write and an await for each of a million rows, and memory stays bounded by the buffer.
 * A line is text, encoded straight into the buffer (no joined string, no Buffer per line: joining a
 * flush's lines and encoding the result took six times as long), or bytes copied from another file
 * (UTF-8, without its newline): copying a reused line's bytes saves decoding it and encoding it again.
 */
export class BufferedLineWriter {
  private readonly fd: number;
  private buffer: Buffer;
  /** Bytes of `buffer` waiting to be written. */
  private used = 0;
  count = 0;
  constructor(
    file: string,
    /** The buffer's size: lines are written when it is full. */
    private readonly capacity = 1 << 20,
  ) {
    this.fd = fs.openSync(file, 'w');
    this.buffer = spareBuffers.get(capacity)?.pop() ?? Buffer.allocUnsafe(capacity);
  }
  write(line: string | Uint8Array): void {
    this.assertOpen();
    this.count++;
    // A UTF-16 code unit takes at most three bytes of UTF-8.
    const most = (typeof line === 'string' ? 3 * line.length : line.length) + 1;
    if (most > this.capacity - this.used) {
      this.flush();
      if (most > this.capacity) {
        writeAll(this.fd, typeof line === 'string' ? Buffer.from(line, 'utf8') : line);
        writeAll(this.fd, NEWLINE_BYTES);
        return;
      }
    }
    if (typeof line === 'string') this.used += this.buffer.write(line, this.used, 'utf8');
    else {
      this.buffer.set(line, this.used);
      this.used += line.length;
    }
    this.buffer[this.used++] = NEWLINE;
  }
  /** Complete lines as bytes, each with its newline (`lines` of them): a run copied from another file. */
  writeLines(bytes: Uint8Array, lines: number): void {
    this.assertOpen();
    this.count += lines;
    if (bytes.length > this.capacity - this.used) {
      this.flush();
      // A run larger than half the buffer goes out as it is, not copied into it first.
      if (2 * bytes.length > this.capacity) return writeAll(this.fd, bytes);
    }
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }
  /**
   * `length` bytes of another file (`fd`) from `offset`, complete lines (`lines` of them) each with
   * its newline, copied through one reused buffer: link copies hundreds of MB of its last tables a
   * run, and a fresh buffer per run of lines made V8 collect the whole heap for their external memory.
   */
  copyFrom(fd: number, offset: number, length: number, lines: number): void {
    if (length === 0) return;
    this.flush();
    copyRange(fd, offset, length, (bytes) => writeAll(this.fd, bytes));
    this.count += lines;
  }
  private assertOpen(): void {
    if (this.buffer === EMPTY_BUFFER) throw new Error('BufferedLineWriter: written to after it was closed');
  }
  private flush(): void {
    this.assertOpen();
    if (this.used > 0) writeAll(this.fd, this.buffer.subarray(0, this.used));
    this.used = 0;
  }
  close(): void {
    this.flush();
    fs.closeSync(this.fd);
    const spare = spareBuffers.get(this.capacity) ?? [];
    if (spare.length < MAX_SPARE_BUFFERS) spare.push(this.buffer);
    spareBuffers.set(this.capacity, spare);
    this.buffer = EMPTY_BUFFER; // another writer may have it now: a write after close fails (assertOpen)
  }
}

/** Writers open at once in one thread, at most (link: its tables and a cache). */
const MAX_SPARE_BUFFERS = 4;
const EMPTY_BUFFER = Buffer.alloc(0);

const NEWLINE_BYTES = Uint8Array.of(NEWLINE);

const COPY_SCRATCH_BYTES = 4 << 20;
let scratchBuffer: Buffer | null = null;

/**
 * `length` bytes of a file from `offset`, handed to `sink` in pieces of one reused buffer (one per
 * thread): a copy of hundreds of MB allocates nothing. The sink must be done with a piece when it
 * returns (the next read overwrites it).
 */
export function copyRange(fd: number, offset: number, length: number, sink: (bytes: Buffer) => void): void {
  const scratch = (scratchBuffer ??= Buffer.allocUnsafe(COPY_SCRATCH_BYTES));
  for (let done = 0; done < length; ) {
    const piece = Math.min(scratch.length, length - done);
    readInto(fd, scratch, piece, offset + done);
    sink(scratch.subarray(0, piece));
    done += piece;
  }
}
