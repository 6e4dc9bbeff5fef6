// A table's JSON Lines cut into segments whose boundaries depend on the rows' content, not on their
// position (content-defined chunking, as in rsync or FastCDC, with rows as the unit): a row starts a
// new segment after the previous one when a hash of its first bytes (where every table puts its
// primary key) hits a mask. Inserting, removing or changing a few rows therefore changes only the
// segments they fall in; every other segment keeps its bytes, and so its hash. emit publishes a
// segment as one Parquet row group and one run of CSV lines, and reuses both when the hash repeats.
import { createHash } from 'node:crypto';
import fs from 'node:fs';

export interface SegmentRule {
  /** A boundary follows a row whose key hash is 0 modulo this (a power of two): the mean segment length in rows. */
  meanRows: number;
  /** No boundary before this many rows (so segments are never tiny). */
  minRows: number;
  /** A boundary after this many rows whatever the hash (so segments are never huge). */
  maxRows: number;
}

/** About 8,000 rows per segment: at 100,000 articles, 65 row groups for ~530,000 figure rows. */
export const DEFAULT_SEGMENT_RULE: SegmentRule = { meanRows: 8192, minRows: 1024, maxRows: 65536 };

export interface Segment {
  /** sha256 (hex) of the segment's bytes: its lines, each with its newline. */
  hash: string;
  /** Non-empty lines in it. */
  rows: number;
  /** Its bytes, as in the file. */
  bytes: Buffer;
}

const CHUNK_BYTES = 8 * 1024 * 1024;
const NEWLINE = 0x0a;
/** The bytes of a line that decide a boundary: enough to hold `{"claim_id":"clm_` and the id's hash. */
const KEY_BYTES = 64;

/** FNV-1a over a line's first KEY_BYTES bytes. */
function keyHash(data: Buffer, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start, stop = Math.min(end, start + KEY_BYTES); i < stop; i++) hash = Math.imul(hash ^ data[i]!, 0x01000193);
  return hash >>> 0;
}

/**
 * The segments of a JSON Lines file, in order. Empty lines count towards no segment's rows but stay
 * in its bytes. Synchronous chunked reads; the file is closed when the caller stops early.
 */
export function* fileSegments(file: string, rule: SegmentRule = DEFAULT_SEGMENT_RULE): Generator<Segment> {
  const mask = rule.meanRows - 1;
  if (rule.meanRows < 1 || (rule.meanRows & mask) !== 0) throw new Error(`segment meanRows must be a power of two, got ${rule.meanRows}`);
  const fd = fs.openSync(file, 'r');
  try {
    let pieces: Buffer[] = []; // the open segment's bytes from earlier chunks (copied)
    let rows = 0;
    let carry: Buffer = Buffer.alloc(0);
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    const close = (data: Buffer, start: number, end: number): Segment => {
      const bytes = pieces.length ? Buffer.concat([...pieces, data.subarray(start, end)]) : Buffer.from(data.subarray(start, end));
      const segment = { hash: createHash('sha256').update(bytes).digest('hex'), rows, bytes };
      pieces = [];
      rows = 0;
      return segment;
    };
    for (let position = 0; ; ) {
      const read = fs.readSync(fd, chunk, 0, CHUNK_BYTES, position);
      position += read;
      const data = read === 0 ? carry : carry.length ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      let segmentStart = 0;
      let lineStart = 0;
      for (let nl = data.indexOf(NEWLINE, lineStart); nl !== -1 || (read === 0 && lineStart < data.length); nl = data.indexOf(NEWLINE, lineStart)) {
        const lineEnd = nl === -1 ? data.length : nl;
        const next = nl === -1 ? data.length : nl + 1;
        const empty = lineEnd === lineStart || (lineEnd === lineStart + 1 && data[lineStart] === 0x0d);
        if (!empty) rows++;
        const boundary = !empty && rows >= rule.minRows && ((keyHash(data, lineStart, lineEnd) & mask) === 0 || rows >= rule.maxRows);
        lineStart = next;
        if (boundary) {
          yield close(data, segmentStart, next);
          segmentStart = next;
        }
        if (nl === -1) break;
      }
      if (read === 0) {
        if (rows > 0 || pieces.length || segmentStart < data.length) yield close(data, segmentStart, data.length);
        return;
      }
      // The open segment's complete lines are kept; the unfinished last line is carried to the next read.
      if (lineStart > segmentStart) pieces.push(Buffer.from(data.subarray(segmentStart, lineStart)));
      carry = Buffer.from(data.subarray(lineStart));
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The non-empty lines of a segment's bytes (a `\r` before a newline dropped), as text. */
export function segmentLines(bytes: Buffer): string[] {
  const lines: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end === -1) end = bytes.length;
    let stop = end;
    if (stop > start && bytes[stop - 1] === 0x0d) stop--;
    if (stop > start) lines.push(bytes.toString('utf8', start, stop));
    start = end + 1;
  }
  return lines;
}
