// A table's JSON Lines cut into segments whose boundaries depend on the rows' content, not on their
// position (content-defined chunking, as in rsync or FastCDC, with rows as the unit): a row starts a
// new segment after the previous one when a hash of its first bytes (where every table puts its
// primary key) hits a mask. Inserting, removing or changing a few rows therefore changes only the
// segments they fall in; every other segment keeps its bytes, and so its hash. emit publishes a
// segment as one Parquet row group and one run of CSV lines, and reuses both when the hash repeats.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { nonEmptyLines, readRange } from './lineFile.js';

export interface SegmentRule {
  /** A boundary follows a row whose key hash is 0 modulo this (a power of two): the mean segment length in rows. */
  meanRows: number;
  /** No boundary before this many rows (so segments are never tiny). */
  minRows: number;
  /** A boundary after this many rows whatever the hash (so segments are never huge). */
  maxRows: number;
}

/**
 * About 4,000 rows per segment: at 100,000 articles, ~130 row groups for ~530,000 figure rows. An
 * added article's rows fall into about 8 segments (its claims spread through the claims table), and
 * emit encodes those again: at 8,000 rows a 1-article rebuild spent 3.8 s in emit, at 4,000 2.9 s,
 * for Parquet files 1.8% larger (each row group has its own dictionaries) and the same full build time.
 */
export const DEFAULT_SEGMENT_RULE: SegmentRule = { meanRows: 4096, minRows: 512, maxRows: 32768 };

export interface Segment {
  /** sha256 (hex) of the segment's bytes: its lines, each with its newline. */
  hash: string;
  /** Non-empty lines in it. */
  rows: number;
  /** Its bytes, as in the file (read when asked for: a reader that knows the hash may not need them). */
  read(): Buffer;
}

/** Where a segment lies in its file: what the writer of a table records (SegmentCutter). */
export interface SegmentSpan {
  offset: number;
  length: number;
  rows: number;
  hash: string;
}

const CHUNK_BYTES = 8 * 1024 * 1024;
const NEWLINE = 0x0a;
/** The bytes of a line that decide a boundary: enough to hold `{"claim_id":"clm_` and the id's hash. */
const KEY_BYTES = 64;

/** FNV-1a over a line's first KEY_BYTES bytes. */
function keyHash(data: Uint8Array, start: number, end: number): number {
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
      const segment = { hash: createHash('sha256').update(bytes).digest('hex'), rows, read: () => bytes };
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

/**
 * Cuts a table into segments while it is written, by the rule fileSegments applies to the written
 * file (its lines are non-empty and end in a bare newline), so a reader can take the segments from
 * the spans instead of reading and hashing the whole file again.
 */
export class SegmentCutter {
  private readonly mask: number;
  private lines: Uint8Array[] = [];
  private rows = 0;
  private offset = 0;
  private length = 0;
  private readonly spans: SegmentSpan[] = [];
  constructor(private readonly rule: SegmentRule = DEFAULT_SEGMENT_RULE) {
    this.mask = rule.meanRows - 1;
  }
  /** The next line, as written (UTF-8, without its newline; not empty). */
  add(line: Uint8Array): void {
    this.lines.push(line, NEWLINE_BYTES);
    this.rows++;
    this.length += line.length + 1;
    if (this.rows >= this.rule.minRows && ((keyHash(line, 0, line.length) & this.mask) === 0 || this.rows >= this.rule.maxRows)) this.cut();
  }
  /** Is the next line the first of a segment? */
  atBoundary(): boolean {
    return this.rows === 0;
  }
  /**
   * A whole segment cut by this rule in another file, appended as it was (its hash not computed
   * again). Only at a boundary, and only a segment that ended by the rule (not by its file's end):
   * from a boundary, where the next cut falls depends only on the lines that follow, so cutting its
   * lines one by one would give the same segment.
   */
  addSegment(segment: Pick<SegmentSpan, 'length' | 'rows' | 'hash'>): void {
    if (!this.atBoundary()) throw new Error('SegmentCutter.addSegment: not at a segment boundary');
    this.spans.push({ offset: this.offset, length: segment.length, rows: segment.rows, hash: segment.hash });
    this.offset += segment.length;
  }
  /** The spans of every segment, once the last line is added. */
  finish(): SegmentSpan[] {
    if (this.rows > 0) this.cut();
    return this.spans;
  }
  private cut(): void {
    // One hash call per segment: per line, the call costs more than hashing the line.
    const hash = createHash('sha256').update(Buffer.concat(this.lines, this.length)).digest('hex');
    this.spans.push({ offset: this.offset, length: this.length, rows: this.rows, hash });
    this.offset += this.length;
    this.lines = [];
    this.rows = 0;
    this.length = 0;
  }
}

const NEWLINE_BYTES = Buffer.from('\n');

/**
 * A digest of a table file from the spans that cover it: the segments' sha256 in order. It changes
 * whenever a byte of the file does, as the file's own sha256 would, without reading the file again
 * (a stage's output hash takes it; see knownHashes in stage.ts). Prefixed so that it is never taken
 * for the file's sha256.
 */
export function spansDigest(spans: readonly Pick<SegmentSpan, 'hash'>[]): string {
  return `segments:${createHash('sha256').update(spans.map((span) => span.hash).join('\n')).digest('hex')}`;
}

/** Do the spans follow one another from the file's start to its end (so they can describe it)? */
export function spansCoverFile(file: string, spans: readonly SegmentSpan[]): boolean {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return false;
  }
  let at = 0;
  for (const span of spans) {
    if (span.offset !== at || !(span.length > 0)) return false;
    at += span.length;
  }
  return at === size;
}

/**
 * A file's segments from the spans its writer recorded; a segment's bytes are read only when asked
 * for. The spans must cover the file exactly (else null: the file is not the one they describe, and
 * the caller cuts it with fileSegments).
 */
export function spannedSegments(file: string, spans: readonly SegmentSpan[]): Iterable<Segment> | null {
  if (!spansCoverFile(file, spans)) return null;
  return spans.map((span) => ({
    hash: span.hash,
    rows: span.rows,
    read: () => {
      const fd = fs.openSync(file, 'r');
      try {
        return readRange(fd, span.offset, span.length);
      } finally {
        fs.closeSync(fd);
      }
    },
  }));
}

/** Beside a folder's tables, the spans their writer recorded: `{ rule, tables: { <table>: SegmentSpan[] } }`. */
export const SEGMENT_SPANS = 'segments.json';

export interface RecordedSpans {
  rule: SegmentRule;
  tables: Record<string, SegmentSpan[]>;
}

/**
 * The segments of a table file (`<dir>/<table>.jsonl`): from the spans recorded beside it when they
 * were cut by the same rule, cover the file, and were recorded after the file was last written
 * (the writer records them last: a table changed since, even to the same size, is newer), else by
 * reading and cutting the file.
 */
export function tableSegments(file: string, rule: SegmentRule = DEFAULT_SEGMENT_RULE): Iterable<Segment> {
  const spans = recordedSpans(file, rule);
  return (spans && spannedSegments(file, spans)) ?? fileSegments(file, rule);
}

/** The spans recorded beside a table file by its writer, if usable (see tableSegments); else null. */
export function recordedSpans(file: string, rule: SegmentRule = DEFAULT_SEGMENT_RULE): SegmentSpan[] | null {
  const table = path.basename(file, '.jsonl');
  const spansFile = path.join(path.dirname(file), SEGMENT_SPANS);
  try {
    if (fs.statSync(file).mtimeMs >= fs.statSync(spansFile).mtimeMs) return null;
    const recorded = JSON.parse(fs.readFileSync(spansFile, 'utf8')) as RecordedSpans;
    const sameRule = recorded.rule.meanRows === rule.meanRows && recorded.rule.minRows === rule.minRows && recorded.rule.maxRows === rule.maxRows;
    return sameRule && Array.isArray(recorded.tables[table]) ? recorded.tables[table] : null;
  } catch {
    return null; // none recorded (or unreadable): the file is cut instead
  }
}

/**
 * Writes the spans beside their tables (`dir`/segments.json), in a later tick of the file clock than
 * the tables: readers take the spans only when the file is newer than its table (recordedSpans), and
 * file times come from a coarse clock (a few ms), so a table closed just before could carry the same
 * time, and the spans be ignored, its table read and cut again, run after run. Rewriting the file
 * until its time is past the tables' (a few ms at most) keeps the check strict: a table edited
 * afterwards is dated no earlier than the spans, and is cut again. (Dating the file ahead instead
 * would hide an edit made within that margin.)
 */
export function recordSpans(dir: string, recorded: RecordedSpans): void {
  const file = path.join(dir, SEGMENT_SPANS);
  const text = JSON.stringify(recorded, null, 2) + '\n';
  const newestTable = Math.max(...Object.keys(recorded.tables).map((table) => fs.statSync(path.join(dir, `${table}.jsonl`)).mtimeMs));
  fs.writeFileSync(file, text);
  for (let waited = 0; fs.statSync(file).mtimeMs <= newestTable; waited++) {
    if (waited > 1000) throw new Error(`${file}: the file clock did not pass its tables' time (${new Date(newestTable).toISOString()})`);
    Atomics.wait(PAUSE, 0, 0, 1); // 1 ms
    fs.writeFileSync(file, text);
  }
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** The non-empty lines of a segment's bytes (a `\r` before a newline dropped), as text. */
export function segmentLines(bytes: Buffer): string[] {
  const lines: string[] = [];
  for (const line of nonEmptyLines(bytes)) {
    const stop = line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
    if (stop > 0) lines.push(line.toString('utf8', 0, stop));
  }
  return lines;
}
