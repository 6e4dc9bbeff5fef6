// Publishing one table (emit): its CSV and Parquet files, their hashes, and the card's statistics,
// segment by segment (segments.ts). A segment becomes one run of CSV lines and one Parquet row group.
// A segment whose bytes the last build published with the same code is copied from the last build's
// files instead of being parsed and encoded again: the segment index (SegmentIndex) records, for each
// segment hash, where its CSV lines and row group stand in those files, the row group's metadata and
// the segment's card statistics. Output bytes are the same whether a segment was encoded or copied.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CardStats, type CardStatsPart } from './card.js';
import { HashedFile, sha256OfFile } from './hashedFile.js';
import { csvLines, ParquetColumns, ParquetFileWriter, parquetSchema, parseRowGroupMetadata, rowGroupMetadataJson, SpillingByteWriter, type ParquetRowGroup, type ResourceFile } from './publish.js';
import { loadSchemas, type Row, type TableName } from './schema.js';
import { copyRange } from './lineFile.js';
import { DEFAULT_SEGMENT_RULE, segmentLines, tableSegments, type SegmentRule } from './segments.js';

/** Where one segment's output stands in a published table's files, and what it contributed. */
export interface SegmentEntry {
  hash: string;
  rows: number;
  /** Byte offset and length of its CSV lines in the CSV file. */
  csv: [number, number];
  /** Byte offset and length of its row group in the Parquet file (absent for a segment without rows). */
  parquet: [number, number] | null;
  /** The row group's metadata, offsets counted from its first byte (rowGroupMetadataJson). */
  metadata: string | null;
  stats: CardStatsPart;
}

/** A published file as the index saw it: checked before any of its bytes is reused. */
export interface IndexedFile {
  path: string;
  sha256: string;
  bytes: number;
  mtimeMs: number;
}

export interface TableSegments {
  /** The published files these segments stand in. */
  files: { csv: IndexedFile; parquet: IndexedFile };
  segments: SegmentEntry[];
}

/** The segment index of a whole build: which code wrote it, and each table's segments. */
export interface SegmentIndex {
  code_hash: string;
  tables: Partial<Record<TableName, TableSegments>>;
}

export interface PublishTableInput {
  table: TableName;
  linkDir: string;
  outDir: string;
  root: string;
  /** The last build's published folder and its segments for this table, when usable. */
  previous: { dir: string; segments: TableSegments } | null;
  /** How rows are cut into segments (row groups); tests use small ones. */
  rule?: SegmentRule;
  /** A folder of spare files to write the table's files over, by name (HashedFile): emit's, the dataset before the last. */
  spareDir?: string | null;
}

export interface PublishedTable {
  files: ResourceFile[];
  stats: CardStatsPart;
  segments: TableSegments;
  /** Segments copied from the last build (the others were encoded). */
  reused: number;
}

/** Reads byte ranges of a file the last build published. */
class RangeReader {
  private readonly fd: number;
  constructor(file: string) {
    this.fd = fs.openSync(file, 'r');
  }
  /** The bytes of a range handed to `sink` in pieces (copyRange), never whole in memory. */
  copy([offset, length]: [number, number], sink: (bytes: Uint8Array) => void): void {
    copyRange(this.fd, offset, length, sink);
  }
  close(): void {
    fs.closeSync(this.fd);
  }
}

/** When this machine started (ms since the epoch), taken a minute later: files written in its first minute are checked too. */
function startedAtMs(): number {
  return Date.now() - os.uptime() * 1000 + 60_000;
}

/** What publishTable would do for a table: the segments (and their rows) it would encode, and the bytes it would copy from the last build. */
export interface PublishingWork {
  segmentsToEncode: number;
  rowsToEncode: number;
  bytesToCopy: number;
}

export function publishingWork({ table, linkDir, previous, rule = DEFAULT_SEGMENT_RULE }: PublishTableInput): PublishingWork {
  const lastBuild = lastBuildSegments(previous);
  const work: PublishingWork = { segmentsToEncode: 0, rowsToEncode: 0, bytesToCopy: 0 };
  for (const segment of tableSegments(path.join(linkDir, table), rule)) {
    const entry = lastBuild(segment);
    if (entry) work.bytesToCopy += entry.csv[1] + (entry.parquet?.[1] ?? 0);
    else {
      work.segmentsToEncode++;
      work.rowsToEncode += segment.rows;
    }
  }
  return work;
}

/**
 * About how long publishTable takes for the work (seconds on this project's machine): encoding is
 * about 10 µs a row, copying and hashing the last build's bytes about 1.9 ns a byte (fitted to
 * a rebuild after one added article at 100k: claims 6 segments and 109 MB in 0.44 s, figures 1
 * segment and 172 MB in 0.36 s). Only to compare tables with each other.
 */
export function publishingSeconds(work: PublishingWork): number {
  return work.rowsToEncode * 10e-6 + work.bytesToCopy * 1.9e-9;
}

/** The last build's entry for a segment with the same bytes (hash and rows), which is copied rather than encoded. */
function lastBuildSegments(previous: PublishTableInput['previous']): (segment: { hash: string; rows: number }) => SegmentEntry | undefined {
  const known = new Map((previous?.segments.segments ?? []).map((entry) => [entry.hash, entry]));
  return (segment) => {
    const entry = known.get(segment.hash);
    return entry && entry.rows === segment.rows ? entry : undefined;
  };
}

/** One table's CSV and Parquet files (and their hashes), card statistics and segment index. Exported for the worker. */
export function publishTable({ table, linkDir, outDir, root, previous, rule = DEFAULT_SEGMENT_RULE, spareDir = null }: PublishTableInput): PublishedTable {
  const schema = loadSchemas(root)[table];
  const lines = csvLines(schema);
  const tableStats = new CardStats();
  const csvPath = `${table}.csv`;
  const parquetPath = `${table}.parquet`;
  const spare = (file: string): string | null => (spareDir === null ? null : path.join(spareDir, file));
  const csv = new HashedFile(path.join(outDir, csvPath), spare(csvPath));
  const parquetOut = new HashedFile(path.join(outDir, parquetPath), spare(parquetPath));
  const parquetWriter = new SpillingByteWriter((bytes) => parquetOut.write(bytes));
  const parquet = new ParquetFileWriter(parquetWriter, parquetSchema(schema));
  const lastBuild = lastBuildSegments(previous);
  const previousCsv = previous ? new RangeReader(path.join(previous.dir, previous.segments.files.csv.path)) : null;
  const previousParquet = previous ? new RangeReader(path.join(previous.dir, previous.segments.files.parquet.path)) : null;
  const header = Buffer.from(lines.header, 'utf8');
  csv.write(header);
  let csvOffset = header.length;
  let rows = 0;
  let reused = 0;
  const segments: SegmentEntry[] = [];
  try {
    for (const segment of tableSegments(path.join(linkDir, table), rule)) {
      const before = lastBuild(segment);
      const parquetOffset = parquetWriter.offset;
      let csvLength: number;
      let parquetLength: number | null;
      let metadata: string | null;
      let stats: CardStatsPart;
      if (before && previousCsv && previousParquet) {
        // Copied from the last build's files piece by piece, never read whole into memory.
        const range = before.metadata ? before.parquet : null;
        if (range) parquet.addCopied(parseRowGroupMetadata(before.metadata!), (sink) => previousParquet.copy(range, sink));
        previousCsv.copy(before.csv, (bytes) => csv.write(bytes));
        csvLength = before.csv[1];
        parquetLength = range ? range[1] : null;
        metadata = range ? before.metadata : null;
        stats = before.stats;
        reused++;
      } else {
        const encoded = encodeSegment(table, segmentLines(segment.read()), lines.line, new ParquetColumns(schema));
        if (encoded.group) parquet.add(encoded.group);
        csv.write(encoded.csvBytes);
        csvLength = encoded.csvBytes.length;
        parquetLength = encoded.group ? encoded.group.bytes.length : null;
        metadata = encoded.group ? rowGroupMetadataJson(encoded.group) : null;
        stats = encoded.stats;
      }
      segments.push({
        hash: segment.hash,
        rows: segment.rows,
        csv: [csvOffset, csvLength],
        parquet: parquetLength === null ? null : [parquetOffset, parquetLength],
        metadata,
        stats,
      });
      csvOffset += csvLength;
      rows += segment.rows;
      tableStats.absorb(stats);
    }
    parquet.finish();
  } finally {
    previousCsv?.close();
    previousParquet?.close();
  }
  const csvFile = { table, path: csvPath, format: 'csv' as const, ...csv.close(), rows };
  const parquetFile = { table, path: parquetPath, format: 'parquet' as const, ...parquetOut.close(), rows };
  const indexed = (file: ResourceFile): IndexedFile => ({ path: file.path, sha256: file.sha256, bytes: file.bytes, mtimeMs: fs.statSync(path.join(outDir, file.path)).mtimeMs });
  return {
    files: [csvFile, parquetFile],
    stats: tableStats.part(table),
    segments: { files: { csv: indexed(csvFile), parquet: indexed(parquetFile) }, segments },
    reused,
  };
}

/**
 * Tables to publish, shared by this thread and a worker thread: each takes the next one neither has
 * claimed, in order (costliest first), until none is left. A flag per table in shared memory, not
 * messages: this thread may hold its event loop in synchronous work (validate, or a table of its
 * own) when the worker finishes one, and the worker must not wait for it to get the next.
 */
export interface SharedTables {
  jobs: PublishTableInput[];
  /** An Int32 per job: 0 until a thread claims it. */
  claims: SharedArrayBuffer;
}

export function sharedTables(jobs: PublishTableInput[]): SharedTables {
  return { jobs, claims: new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * jobs.length) };
}

/** Publishes, in order, every job of `tables` that no other thread has claimed: [its place in jobs, what was published]. Exported for the worker. */
export function publishClaimedTables({ jobs, claims }: SharedTables): [number, PublishedTable][] {
  const flags = new Int32Array(claims);
  const published: [number, PublishedTable][] = [];
  for (let i = 0; i < jobs.length; i++) if (Atomics.compareExchange(flags, i, 0, 1) === 0) published.push([i, publishTable(jobs[i]!)]);
  return published;
}

/** A segment's rows as CSV bytes, a Parquet row group (null without rows) and card statistics. */
function encodeSegment(table: TableName, jsonLines: string[], csvLine: (row: Row) => string, columns: ParquetColumns): { csvBytes: Buffer; group: ParquetRowGroup | null; stats: CardStatsPart } {
  const stats = new CardStats();
  const text: string[] = [];
  for (const line of jsonLines) {
    const row = JSON.parse(line) as Row;
    text.push(csvLine(row));
    columns.add(row);
    stats.add(table, row);
  }
  // A segment is at most SegmentRule.maxRows rows: its CSV text is built whole.
  return { csvBytes: Buffer.from(text.join(''), 'utf8'), group: columns.rows ? columns.rowGroup() : null, stats: stats.part(table) };
}

function isIndexedFile(file: unknown): file is IndexedFile {
  const f = file as Partial<IndexedFile> | undefined;
  return typeof f?.path === 'string' && typeof f.sha256 === 'string' && typeof f.bytes === 'number' && typeof f.mtimeMs === 'number';
}

/**
 * The last build's segments of a table, if the same code wrote them and its published files are still
 * the ones indexed: the same sha256 in the last datapackage.json (`published`: file name -> sha256),
 * and the same size and modification time in `dir`, so a file edited by hand since (a spreadsheet
 * saving over figures.csv) is never copied from. Renaming the folder keeps the times; copying it
 * without preserving them only costs the reuse.
 */
export function usableSegments(index: SegmentIndex | null, codeHash: string, table: TableName, published: ReadonlyMap<string, string>, dir: string): TableSegments | null {
  const segments = index?.code_hash === codeHash ? index.tables?.[table] : undefined;
  if (!segments || !isIndexedFile(segments.files?.csv) || !isIndexedFile(segments.files?.parquet) || !Array.isArray(segments.segments)) return null;
  const unchanged = (file: IndexedFile): boolean => {
    if (published.get(file.path) !== file.sha256) return false;
    try {
      const stat = fs.statSync(path.join(dir, file.path));
      if (stat.size !== file.bytes || stat.mtimeMs !== file.mtimeMs) return false;
      // A file written before the machine last started may not hold what was written: a file
      // written over a spare (HashedFile) keeps its size and mtime after a power loss, but the
      // bytes the page cache had not yet put on disk are the spare's. Its bytes are checked then.
      return stat.mtimeMs > startedAtMs() || sha256OfFile(path.join(dir, file.path)) === file.sha256;
    } catch {
      return false;
    }
  };
  return unchanged(segments.files.csv) && unchanged(segments.files.parquet) ? segments : null;
}
