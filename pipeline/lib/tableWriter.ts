// Writing one of link's tables (JSON Lines in schema column order), cut into segments as it goes
// (segments.ts), with runs of the last run's lines copied as bytes. An incremental build keeps most
// rows: their lines are copied from the last run's table by byte range, and where a copied run starts
// at a segment boundary of both files, its whole segments are appended with their recorded hashes,
// neither split into lines nor hashed again. The file and its segments are the same as writing every
// line one by one.
import fs from 'node:fs';
import path from 'node:path';
import { BufferedLineWriter, readRange } from './lineFile.js';
import { columnsOf, type Row, type TableSchema } from './schema.js';
import { DEFAULT_SEGMENT_RULE, recordedSpans, SegmentCutter, spansCoverFile, type SegmentRule, type SegmentSpan } from './segments.js';

/** A table as written: its rows and where its segments lie. */
export interface WrittenTable {
  rows: number;
  spans: SegmentSpan[];
}

const NEWLINE = 0x0a;
/** Bytes endLines reads at each end of a segment: many lines of any table. */
const END_BYTES = 8192;

/** The last run's file of a table and the segments its writer recorded: lines a TableWriter can copy. */
export class PreviousTable {
  private readonly fd: number;
  private readonly byStart = new Map<number, SegmentSpan>();
  private readonly ends: number[];
  private readonly last: SegmentSpan | undefined;

  private constructor(
    file: string,
    readonly spans: readonly SegmentSpan[],
  ) {
    this.fd = fs.openSync(file, 'r');
    for (const span of spans) this.byStart.set(span.offset, span);
    this.ends = spans.map((s) => s.offset + s.length);
    this.last = spans[spans.length - 1];
  }

  /**
   * The file with its spans, if they cover it exactly (else it is not the file they describe: null,
   * and nothing is copied from it).
   */
  static open(file: string, spans: readonly SegmentSpan[]): PreviousTable | null {
    const recorded = spans.every((span) => span.rows > 0 && typeof span.hash === 'string');
    return recorded && spansCoverFile(file, spans) ? new PreviousTable(file, spans) : null;
  }

  /** A table file this writer wrote in the last run, with the spans recorded beside it (recordedSpans), or null. */
  static ofTable(file: string | null, rule: SegmentRule = DEFAULT_SEGMENT_RULE): PreviousTable | null {
    const spans = file === null ? null : recordedSpans(file, rule);
    return spans === null ? null : PreviousTable.open(file!, spans);
  }

  read(offset: number, length: number): Buffer {
    return readRange(this.fd, offset, length);
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

  /** Whole lines of this file (`lines` of them) appended to `writer`, without reading them into memory. */
  copyInto(writer: BufferedLineWriter, offset: number, length: number, lines: number): void {
    writer.copyFrom(this.fd, offset, length, lines);
  }

  /** The segment that starts at `offset`, if it ended by the segment rule (every one but the file's last). */
  wholeSegmentAt(offset: number): SegmentSpan | undefined {
    const span = this.byStart.get(offset);
    return span === this.last ? undefined : span;
  }

  /** The first segment boundary after `offset` (the file's end at most). */
  boundaryAfter(offset: number): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return this.ends[lo] ?? Infinity;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/**
 * Writes rows as JSON lines: schema columns first, in schema order; anything else is kept so
 * validation can report it. Cuts the table into segments as it goes (the spans go to segments.json),
 * so validate and emit need not read and hash the whole table again to find them. `offset` is where
 * the next line will start, so a caller can record where each document's rows went.
 */
export class TableWriter {
  private readonly writer: BufferedLineWriter;
  private readonly cutter: SegmentCutter;
  private readonly columns: string[];
  private readonly columnSet: Set<string>;
  private written = 0;
  /** Segments of the previous table appended whole (neither split into lines nor hashed again). */
  wholeSegments = 0;
  /** A run of the previous table's lines waiting to be copied (adjacent runs are joined). */
  private run: { offset: number; length: number } | null = null;

  constructor(
    file: string,
    schema: TableSchema,
    private readonly previous: PreviousTable | null = null,
    rule: SegmentRule = DEFAULT_SEGMENT_RULE,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.writer = new BufferedLineWriter(file);
    this.cutter = new SegmentCutter(rule);
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
    this.writer.close();
    this.previous?.close();
    return { rows: this.writer.count, spans: this.cutter.finish() };
  }

  private add(line: Buffer): void {
    this.writer.write(line);
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
      const segment = previous.wholeSegmentAt(at);
      if (segment && this.cutter.atBoundary() && at + segment.length <= end) {
        previous.copyInto(this.writer, at, segment.length, segment.rows);
        this.cutter.addSegment(segment);
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
