// A table's JSON Lines cut into segments whose boundaries depend on the rows' content, not on their
// position (content-defined chunking, as in rsync or FastCDC, with rows as the unit): a row starts a
// new segment after the previous one when a hash of its first bytes (where every table puts its
// primary key) hits a mask. Inserting, removing or changing a few rows therefore changes only the
// segments they fall in; every other segment keeps its bytes, and so its hash. emit publishes a
// segment as one Parquet row group and one run of CSV lines, and reuses both when the hash repeats.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileDatedAfter } from './fsutil.js';
import { nonEmptyLines, readJsonlRecords } from './lineFile.js';

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
  /** Its bytes, as in the table (read when asked for: a reader that knows the hash may not need them). */
  read(): Buffer;
}

/** Where a segment lies in its table, read as one file (its segment files one after the other): what the writer of a table records (SegmentCutter). */
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
 * The segments of JSON Lines bytes, in order: one file's, or several files' read as one (a table
 * folder's segment files, in name order). Empty lines count towards no segment's rows but stay in
 * its bytes. Synchronous chunked reads; the open file is closed when the caller stops early.
 */
export function* fileSegments(files: string | readonly string[], rule: SegmentRule = DEFAULT_SEGMENT_RULE): Generator<Segment> {
  const mask = rule.meanRows - 1;
  if (rule.meanRows < 1 || (rule.meanRows & mask) !== 0) throw new Error(`segment meanRows must be a power of two, got ${rule.meanRows}`);
  const reader = new ConcatenatedReader(typeof files === 'string' ? [files] : files);
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
    for (;;) {
      const read = reader.read(chunk);
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
    reader.close();
  }
}

/** Files read one after the other as if they were one, in chunks. */
class ConcatenatedReader {
  private next = 0;
  private fd: number | null = null;
  private position = 0;
  constructor(private readonly files: readonly string[]) {}
  /** Fills the start of `chunk`; 0 only past the last file's end. */
  read(chunk: Buffer): number {
    for (;;) {
      if (this.fd === null) {
        if (this.next >= this.files.length) return 0;
        this.fd = fs.openSync(this.files[this.next++]!, 'r');
        this.position = 0;
      }
      const read = fs.readSync(this.fd, chunk, 0, chunk.length, this.position);
      if (read > 0) {
        this.position += read;
        return read;
      }
      this.close();
    }
  }
  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}

/**
 * Cuts a table into segments while it is written, by the rule fileSegments applies to the written
 * table read as one file (its lines are non-empty and end in a bare newline), so a reader can take
 * the segments from the spans instead of reading and hashing the whole table again.
 */
export class SegmentCutter {
  private readonly mask: number;
  private lines: Uint8Array[] = [];
  private rows = 0;
  private offset = 0;
  private length = 0;
  private readonly spans: SegmentSpan[] = [];
  constructor(
    private readonly rule: SegmentRule = DEFAULT_SEGMENT_RULE,
    /** Given each segment cut from added lines: its span, its place among the spans, and its bytes. */
    private readonly onCut: (span: SegmentSpan, index: number, bytes: Buffer) => void = () => {},
  ) {
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
   * lines one by one would give the same segment. Returns its place among the spans.
   */
  addSegment(segment: Pick<SegmentSpan, 'length' | 'rows' | 'hash'>): number {
    if (!this.atBoundary()) throw new Error('SegmentCutter.addSegment: not at a segment boundary');
    this.spans.push({ offset: this.offset, length: segment.length, rows: segment.rows, hash: segment.hash });
    this.offset += segment.length;
    return this.spans.length - 1;
  }
  /** The spans of every segment, once the last line is added. */
  finish(): SegmentSpan[] {
    if (this.rows > 0) this.cut();
    return this.spans;
  }
  private cut(): void {
    // One hash call per segment: per line, the call costs more than hashing the line.
    const bytes = Buffer.concat(this.lines, this.length);
    const span = { offset: this.offset, length: this.length, rows: this.rows, hash: createHash('sha256').update(bytes).digest('hex') };
    this.spans.push(span);
    this.onCut(span, this.spans.length - 1, bytes);
    this.offset += this.length;
    this.lines = [];
    this.rows = 0;
    this.length = 0;
  }
}

const NEWLINE_BYTES = Buffer.from('\n');

/**
 * A table as link writes it: a folder of segment files, one per segment, named by the segment's
 * place and hash (`000042-<16 hex digits of its sha256>.jsonl`), so that listing the folder by name
 * gives the rows in table order (`cat figures/*.jsonl` is the table) and an unchanged segment can be
 * hard-linked from the last run's folder instead of written again. Its spans (segments.json beside
 * the folders) give each segment's offset in the table read as one file.
 */
export function segmentFileName(index: number, hash: string): string {
  return `${String(index).padStart(6, '0')}-${hash.slice(0, 16)}.jsonl`;
}

const isSegmentFileName = (name: string): boolean => name.endsWith('.jsonl') && !name.startsWith('.');

/** A table folder's JSON Lines files, in name order (the table's order). */
export function tableFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter(isSegmentFileName)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => path.join(dir, name));
}

/** Every record of a table folder (its segment files in order), or of a single JSON Lines file. */
export function* tableRecords<T>(location: string): Generator<T> {
  for (const file of fs.statSync(location).isDirectory() ? tableFiles(location) : [location]) yield* readJsonlRecords<T>(file);
}

/**
 * Do the spans describe the table folder: one after the other from offset 0, each the file
 * segmentFileName names, of the span's length, last written before `writtenBefore` (ms), and no other
 * JSON Lines file in the folder?
 */
export function spansDescribeFolder(dir: string, spans: readonly SegmentSpan[], writtenBefore = Infinity): boolean {
  try {
    const names = new Set(fs.readdirSync(dir).filter(isSegmentFileName));
    if (names.size !== spans.length) return false;
    let at = 0;
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i]!;
      const name = segmentFileName(i, span.hash);
      if (span.offset !== at || !(span.length > 0) || !names.has(name)) return false;
      const stat = fs.statSync(path.join(dir, name));
      if (stat.size !== span.length || stat.mtimeMs >= writtenBefore) return false;
      at += span.length;
    }
    return true;
  } catch {
    return false;
  }
}

/** A table folder's segments from the spans its writer recorded; a segment's file is read only when asked for. */
export function spannedSegments(dir: string, spans: readonly SegmentSpan[]): Segment[] {
  return spans.map((span, i) => ({ hash: span.hash, rows: span.rows, read: () => fs.readFileSync(path.join(dir, segmentFileName(i, span.hash))) }));
}

/**
 * The sha256 of every segment file of the recorded tables (path relative to their folder -> hex):
 * a segment file holds exactly its segment's bytes, so its hash is the span's (a stage's output hash
 * takes these instead of reading the files again; see knownHashes in stage.ts).
 */
export function segmentFileHashes(recorded: RecordedSpans): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const [table, spans] of Object.entries(recorded.tables)) spans.forEach((span, i) => (hashes[`${table}/${segmentFileName(i, span.hash)}`] = span.hash));
  return hashes;
}

/** Beside a folder's tables, the spans their writer recorded: `{ rule, tables: { <table>: SegmentSpan[] } }`. */
export const SEGMENT_SPANS = 'segments.json';

export interface RecordedSpans {
  rule: SegmentRule;
  tables: Record<string, SegmentSpan[]>;
}

/**
 * The segments of a table: a table folder (`<dir>/<table>/`) from the spans recorded beside it, when
 * they were cut by the same rule and still describe the folder (spansDescribeFolder: a segment file
 * edited since the spans were written is newer than them), else by reading its files and cutting
 * them; a single JSON Lines file (a table made by hand) by reading and cutting it.
 */
export function tableSegments(location: string, rule: SegmentRule = DEFAULT_SEGMENT_RULE): Iterable<Segment> {
  if (!fs.statSync(location).isDirectory()) return fileSegments(location, rule);
  const spans = recordedSpans(location, rule);
  return spans ? spannedSegments(location, spans) : fileSegments(tableFiles(location), rule);
}

/** The spans recorded beside a table folder by its writer, if usable (see tableSegments); else null. */
export function recordedSpans(dir: string, rule: SegmentRule = DEFAULT_SEGMENT_RULE): SegmentSpan[] | null {
  const spansFile = path.join(path.dirname(dir), SEGMENT_SPANS);
  try {
    const recordedAt = fs.statSync(spansFile).mtimeMs;
    const recorded = JSON.parse(fs.readFileSync(spansFile, 'utf8')) as RecordedSpans;
    const sameRule = recorded.rule.meanRows === rule.meanRows && recorded.rule.minRows === rule.minRows && recorded.rule.maxRows === rule.maxRows;
    const spans = recorded.tables[path.basename(dir)];
    return sameRule && Array.isArray(spans) && spansDescribeFolder(dir, spans, recordedAt) ? spans : null;
  } catch {
    return null; // none recorded (or unreadable): the folder is cut instead
  }
}

/**
 * Writes the spans beside their table folders (`dir`/segments.json), in a later tick of the file
 * clock than every segment file: readers take the spans only when the file is newer than each
 * segment (recordedSpans), and file times come from a coarse clock (a few ms), so a segment written
 * just before could carry the same time, and the spans be ignored, the table read and cut again,
 * run after run. Rewriting the file until its time is past the segments' (a few ms at most) keeps
 * the check strict: a segment edited afterwards is dated no earlier than the spans, and the table is
 * cut again. (Dating the file ahead instead would hide an edit made within that margin.)
 */
export function recordSpans(dir: string, recorded: RecordedSpans): void {
  const file = path.join(dir, SEGMENT_SPANS);
  const text = JSON.stringify(recorded, null, 2) + '\n';
  const files = Object.entries(recorded.tables).flatMap(([table, spans]) => spans.map((span, i) => path.join(dir, table, segmentFileName(i, span.hash))));
  writeFileDatedAfter(file, text, files);
}

/** The non-empty lines of a segment's bytes (a `\r` before a newline dropped), as text. */
export function segmentLines(bytes: Buffer): string[] {
  const lines: string[] = [];
  for (const line of nonEmptyLines(bytes)) {
    const stop = line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
    if (stop > 0) lines.push(line.toString('utf8', 0, stop));
  }
  return lines;
}
