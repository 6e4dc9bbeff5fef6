// Writing one of link's tables (JSON Lines in schema column order) as a folder of segment files
// (segments.ts: cut as it goes, a file per segment), with runs of the last run's lines copied as
// bytes. An incremental build keeps most rows: their lines are copied from the last run's table by
// byte range, and where a copied run starts at a segment boundary of both tables, its whole segments
// are hard links to the last run's segment files, neither read, split into lines nor hashed again.
// The files and their segments are the same as writing every line one by one.
import fs from 'node:fs';
import path from 'node:path';
import { linkOrCopyFile } from './fsutil.js';
import { readRange, writeFileInPieces } from './lineFile.js';
import { columnsOf, type Row, type TableSchema } from './schema.js';
import { DEFAULT_SEGMENT_RULE, recordedSpans, SegmentCutter, segmentFileName, spansDescribeFolder, type SegmentRule, type SegmentSpan } from './segments.js';

/** A table as written: its rows and where its segments lie. */
export interface WrittenTable {
  rows: number;
  spans: SegmentSpan[];
}

const NEWLINE = 0x0a;
/** Bytes endLines reads at each end of a segment: many lines of any table. */
const END_BYTES = 8192;

/**
 * The last run's folder of a table and the segments its writer recorded: lines a TableWriter can
 * copy. Offsets are those of the table read as one file (the segment files one after the other).
 */
export class PreviousTable {
  private readonly indexByStart = new Map<number, number>();
  private readonly ends: number[];
  /**
   * The one segment file kept open (reads go through the table in order): one per segment would
   * hold thousands of files open at a million articles.
   */
  private open: { index: number; fd: number } | null = null;

  private constructor(
    private readonly dir: string,
    readonly spans: readonly SegmentSpan[],
  ) {
    spans.forEach((span, i) => this.indexByStart.set(span.offset, i));
    this.ends = spans.map((s) => s.offset + s.length);
  }

  /**
   * The folder with its spans, if they describe it exactly (else it is not the table they describe:
   * null, and nothing is copied from it).
   */
  static open(dir: string, spans: readonly SegmentSpan[]): PreviousTable | null {
    return spansDescribeFolder(dir, spans) ? PreviousTable.ofSpans(dir, spans) : null;
  }

  /**
   * A table folder this writer wrote in the last run, with the spans recorded beside it, or null.
   * recordedSpans has checked that they describe the folder: not listed and stat'ed again here.
   */
  static ofTable(dir: string | null, rule: SegmentRule = DEFAULT_SEGMENT_RULE): PreviousTable | null {
    const spans = dir === null ? null : recordedSpans(dir, rule);
    return spans === null ? null : PreviousTable.ofSpans(dir!, spans);
  }

  /** Spans that describe the folder, if each was cut with rows and a hash (as this writer records them). */
  private static ofSpans(dir: string, spans: readonly SegmentSpan[]): PreviousTable | null {
    return spans.every((span) => span.rows > 0 && typeof span.hash === 'string') ? new PreviousTable(dir, spans) : null;
  }

  /** The file of the segment at `index`. */
  segmentFile(index: number): string {
    return path.join(this.dir, segmentFileName(index, this.spans[index]!.hash));
  }

  /** `length` bytes of the table from `offset`, from as many segment files as they span. */
  read(offset: number, length: number): Buffer {
    const pieces: Buffer[] = [];
    for (let at = offset, end = offset + length; at < end; ) {
      const index = this.segmentHolding(at);
      const span = this.spans[index];
      if (!span) throw new Error(`PreviousTable.read: ${offset}..${end} runs past the table's end`);
      const piece = Math.min(end, span.offset + span.length) - at;
      pieces.push(readRange(this.fdOf(index), at - span.offset, piece));
      at += piece;
    }
    return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
  }

  /**
   * The first and last lines of a segment (without their newlines), read from its two ends only;
   * from `whole()`, the segment's bytes, when one of them is longer than the few KB read there.
   */
  endLines(span: Pick<SegmentSpan, 'offset' | 'length'>, whole: () => Buffer = () => this.read(span.offset, span.length)): { first: Buffer; last: Buffer } {
    const ends = Math.min(END_BYTES, span.length);
    const head = this.read(span.offset, ends);
    const tail = ends === span.length ? head : this.read(span.offset + span.length - ends, ends);
    const firstEnd = head.indexOf(NEWLINE);
    // Lines end in a newline; the last line starts after the newline before the tail's final one.
    const lastStart = tail.lastIndexOf(NEWLINE, tail.length - 2) + 1;
    if (firstEnd >= 0 && (lastStart > 0 || ends === span.length)) return { first: head.subarray(0, firstEnd), last: tail.subarray(lastStart, tail.length - 1) };
    const bytes = whole();
    return { first: bytes.subarray(0, bytes.indexOf(NEWLINE)), last: bytes.subarray(bytes.lastIndexOf(NEWLINE, bytes.length - 2) + 1, bytes.length - 1) };
  }

  /** The place of the segment that starts at `offset`, if it ended by the segment rule (every one but the table's last). */
  wholeSegmentAt(offset: number): number | undefined {
    const index = this.indexByStart.get(offset);
    return index === this.spans.length - 1 ? undefined : index;
  }

  /** The first segment boundary after `offset` (the table's end at most). */
  boundaryAfter(offset: number): number {
    return this.ends[this.segmentHolding(offset)] ?? Infinity;
  }

  /** The place of the segment that holds `offset` (the first whose end is past it). */
  private segmentHolding(offset: number): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private fdOf(index: number): number {
    if (this.open?.index !== index) {
      this.close();
      this.open = { index, fd: fs.openSync(this.segmentFile(index), 'r') };
    }
    return this.open.fd;
  }

  close(): void {
    if (this.open) fs.closeSync(this.open.fd);
    this.open = null;
  }
}

/**
 * Writes rows as JSON lines: schema columns first, in schema order; anything else is kept so
 * validation can report it. Cuts the table into segments as it goes, each into its own file of the
 * table folder (the spans go to segments.json), so validate and emit need not read and hash the whole
 * table again to find them. `offset` is where the next line will start in the table read as one
 * file, so a caller can record where each document's rows went.
 */
export class TableWriter {
  private readonly cutter: SegmentCutter;
  private rows = 0;
  private readonly columns: string[];
  private readonly columnSet: Set<string>;
  private written = 0;
  /** Segments of the previous table appended whole (neither split into lines nor hashed again). */
  wholeSegments = 0;
  /** A run of the previous table's lines waiting to be copied (adjacent runs are joined). */
  private run: { offset: number; length: number } | null = null;

  constructor(
    /** The table's folder (created; it must hold no segment files yet). */
    private readonly dir: string,
    schema: TableSchema,
    private readonly previous: PreviousTable | null = null,
    rule: SegmentRule = DEFAULT_SEGMENT_RULE,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    // A segment's lines are held until it is cut (the cutter hashes them then): one segment in memory.
    // A new file ('wx'): never one that might be a hard link to the last run's output.
    this.cutter = new SegmentCutter(rule, (span, index, bytes) => writeFileInPieces(path.join(dir, segmentFileName(index, span.hash)), bytes, 'wx'));
    this.columns = columnsOf(schema);
    this.columnSet = new Set(this.columns);
  }

  /** Bytes written so far, including a run not yet copied. */
  get offset(): number {
    return this.written + (this.run?.length ?? 0);
  }

  /** A row's line: schema columns first, in schema order. */
  format(row: Row): string {
    // Rows are mostly built with the schema's columns in order: then they are the line as they are
    // (copying each row into a new object took about 3 of the 7 s link spent formatting 1.2M rows).
    if (this.inSchemaOrder(row)) return JSON.stringify(row);
    const ordered: Row = {};
    for (const c of this.columns) if (c in row) ordered[c] = row[c]!;
    for (const c in row) if (!this.columnSet.has(c)) ordered[c] = row[c]!;
    return JSON.stringify(ordered);
  }

  /** Does the row hold exactly the schema's columns, in schema order? */
  private inSchemaOrder(row: Row): boolean {
    let k = 0;
    for (const column in row) if (column !== this.columns[k++]) return false;
    return k === this.columns.length;
  }

  write(row: Row): void {
    this.writeLine(this.format(row));
  }

  /** A line this writer formatted, in this run or (same code) the last one (as bytes). */
  writeLine(line: string | Buffer): void {
    this.copyRun();
    const bytes = typeof line === 'string' ? Buffer.from(line, 'utf8') : line;
    this.add(bytes);
  }

  /**
   * Whole lines of the previous table, `length` bytes from `offset` (each line with its newline).
   * Copied when the next line is written or the table is closed, joined with adjacent runs.
   */
  copy(offset: number, length: number): void {
    if (!this.previous) throw new Error('TableWriter.copy: no previous table to copy from');
    if (length === 0) return;
    if (this.run && this.run.offset + this.run.length === offset) this.run.length += length;
    else {
      this.copyRun();
      this.run = { offset, length };
    }
  }

  close(): WrittenTable {
    this.copyRun();
    const spans = this.cutter.finish();
    this.previous?.close();
    return { rows: this.rows, spans };
  }

  private add(line: Buffer): void {
    this.rows++;
    this.cutter.add(line);
    this.written += line.length + 1;
  }

  /**
   * The waiting run: a segment of the previous table that starts where this table is at a boundary,
   * and lies inside the run, is appended whole; other lines one by one (until a boundary of the
   * previous table, where the two may fall into step again).
   */
  private copyRun(): void {
    const run = this.run;
    const previous = this.previous;
    if (!run || !previous) return;
    this.run = null;
    const end = run.offset + run.length;
    for (let at = run.offset; at < end; ) {
      const index = previous.wholeSegmentAt(at);
      const segment = index === undefined ? undefined : previous.spans[index]!;
      if (segment && this.cutter.atBoundary() && at + segment.length <= end) {
        linkOrCopyFile(previous.segmentFile(index!), path.join(this.dir, segmentFileName(this.cutter.addSegment(segment), segment.hash)));
        this.rows += segment.rows;
        this.wholeSegments++;
        this.written += segment.length;
        at += segment.length;
        continue;
      }
      const stop = Math.min(end, previous.boundaryAfter(at));
      const bytes = previous.read(at, stop - at);
      for (let start = 0; start < bytes.length; ) {
        const nl = bytes.indexOf(NEWLINE, start);
        // This writer's tables have no empty lines, and runs are whole lines.
        if (nl <= start) throw new Error(`TableWriter.copy: the run at ${run.offset}..${end} is not whole lines of a table this writer wrote`);
        this.add(bytes.subarray(start, nl));
        start = nl + 1;
      }
      at = stop;
    }
  }
}
