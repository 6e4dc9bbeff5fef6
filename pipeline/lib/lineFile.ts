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

/** Every non-empty line of `file`, in order, with its position. Synchronous reads: no stream overhead. */
export function* linesWithRefs(file: string): Generator<{ text: string; ref: LineRef }> {
  const fd = fs.openSync(file, 'r');
  try {
    let carry: Buffer = Buffer.alloc(0);
    let carryOffset = 0; // file offset of carry[0]
    let position = 0;
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      const read = fs.readSync(fd, chunk, 0, CHUNK_BYTES, position);
      if (read === 0) break;
      position += read;
      // Lines are cut on bytes, never inside a UTF-8 sequence: 0x0a is never part of a multi-byte character.
      const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      let start = 0;
      for (let nl = data.indexOf(NEWLINE, start); nl !== -1; nl = data.indexOf(NEWLINE, start)) {
        if (nl > start) yield { text: data.toString('utf8', start, nl), ref: { offset: carryOffset + start, length: nl - start } };
        start = nl + 1;
      }
      // The unfinished tail is copied: `chunk` is reused by the next read.
      carry = Buffer.from(data.subarray(start));
      carryOffset += start;
    }
    if (carry.length) yield { text: carry.toString('utf8'), ref: { offset: carryOffset, length: carry.length } };
  } finally {
    fs.closeSync(fd);
  }
}

/** The records of a JSON Lines file, in order (empty lines skipped; a `\r` before a newline ignored). */
export function* readJsonlRecords<T>(file: string): Generator<T> {
  for (const { text } of linesWithRefs(file)) {
    const line = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (line) yield JSON.parse(line) as T;
  }
}

/** Reads lines back by their LineRef. Close it when done. */
export class LineFile {
  private readonly fd: number;
  constructor(file: string) {
    this.fd = fs.openSync(file, 'r');
  }
  read(ref: LineRef): string {
    const buffer = Buffer.allocUnsafe(ref.length);
    let done = 0;
    while (done < ref.length) {
      const n = fs.readSync(this.fd, buffer, done, ref.length - done, ref.offset + done);
      if (n === 0) throw new Error(`line at byte ${ref.offset} ends early: the file changed while it was read`);
      done += n;
    }
    return buffer.toString('utf8');
  }
  close(): void {
    fs.closeSync(this.fd);
  }
}

/**
 * Writes lines through a large in-memory buffer with synchronous writes: far cheaper per line than a
 * stream write and an await for each of a million rows, and memory stays bounded by the buffer.
 */
export class BufferedLineWriter {
  private readonly fd: number;
  private pending: string[] = [];
  private pendingLength = 0;
  count = 0;
  constructor(file: string, private readonly flushAt = 1 << 20) {
    this.fd = fs.openSync(file, 'w');
  }
  write(line: string): void {
    this.pending.push(line, '\n');
    this.pendingLength += line.length + 1;
    this.count++;
    if (this.pendingLength >= this.flushAt) this.flush();
  }
  private flush(): void {
    if (this.pending.length) fs.writeSync(this.fd, this.pending.join(''));
    this.pending = [];
    this.pendingLength = 0;
  }
  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}
