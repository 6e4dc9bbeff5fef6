// Writers for the published tables. Column order, types and descriptions come from schemas/ only.
//   CSV: RFC 4180 via csv-stringify, header row, UTF-8 without BOM, `\n`, empty cell = null,
//        integers without separators, dates ISO.
//   Parquet: hyparquet-writer with an explicit schema: STRING, INT64, DOUBLE, DATE (INT32 days); a file
//        is assembled from row groups encoded one at a time (ParquetFileWriter), so emit can reuse them.
//   datapackage.json: a Frictionless Data Package describing the files, typed fields, keys, hashes.
import { stringify } from 'csv-stringify/sync';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { ColumnChunk, RowGroup, SchemaElement } from 'hyparquet';
import { collectGarbageIfGrown } from './gcHint.js';
import { columnsOf, isNullable, logicalType, type LogicalType, type Row, type TableName, type TableSchema } from './schema.js';

export function tableToCsv(rows: Row[], schema: TableSchema): string {
  const columns = columnsOf(schema);
  const records = rows.map((row) => columns.map((column) => csvCell(row[column])));
  return stringify(records, { header: true, columns, record_delimiter: '\n', bom: false, quoted_match: CSV_QUOTED_MATCH });
}

/** Cells that start or end with white space are quoted (a reader would trim them otherwise). */
const CSV_QUOTED_MATCH = /^[\s]|[\s]$/;

function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  return value;
}

/**
 * One CSV field exactly as tableToCsv's csv-stringify call writes it: quoted when it contains a quote,
 * the delimiter or the record delimiter `\n`, or matches CSV_QUOTED_MATCH; quotes doubled inside.
 * (csv-stringify with a record_delimiter given does not quote a lone `\r` inside a field.)
 */
function csvField(cell: string): string {
  if (cell === '') return '';
  const first = cell.charCodeAt(0);
  const last = cell.charCodeAt(cell.length - 1);
  // \s is only ever a code unit <= 32 or >= 127: skip the regex for printable ASCII ends
  const edgeSpace = (first <= 32 || first >= 127 || last <= 32 || last >= 127) && CSV_QUOTED_MATCH.test(cell);
  const hasQuote = cell.includes('"');
  if (edgeSpace || hasQuote || cell.includes(',') || cell.includes('\n')) return `"${hasQuote ? cell.replaceAll('"', '""') : cell}"`;
  return cell;
}

/**
 * Streaming CSV, byte for byte what tableToCsv returns for the same rows: `header` is its first line,
 * `line(row)` each following line (each ends with `\n`).
 */
export function csvLines(schema: TableSchema): { header: string; line(row: Row): string } {
  const columns = columnsOf(schema);
  const last = columns.length - 1;
  return {
    header: columns.map(csvField).join(',') + '\n',
    line(row) {
      let out = '';
      for (let i = 0; i < last; i++) out += csvField(csvCell(row[columns[i]!])) + ',';
      return out + csvField(csvCell(row[columns[last]!])) + '\n';
    },
  };
}

const PARQUET_TYPES: Record<LogicalType, Pick<SchemaElement, 'type' | 'converted_type' | 'logical_type'>> = {
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  integer: { type: 'INT64' },
  number: { type: 'DOUBLE' },
  date: { type: 'INT32', converted_type: 'DATE' },
  boolean: { type: 'BOOLEAN' },
};

export function parquetTypeName(type: LogicalType): string {
  return { string: 'STRING', integer: 'INT64', number: 'DOUBLE', date: 'DATE', boolean: 'BOOLEAN' }[type];
}

/** The Parquet schema of a table: column order, physical and logical types, nullability from schemas/. */
export function parquetSchema(schema: TableSchema): SchemaElement[] {
  const names = columnsOf(schema);
  return [
    { name: 'root', num_children: names.length },
    ...names.map((name) => {
      const column = schema.properties[name]!;
      return {
        name,
        ...PARQUET_TYPES[logicalType(column)],
        repetition_type: isNullable(column) ? ('OPTIONAL' as const) : ('REQUIRED' as const),
      };
    }),
  ];
}

/** The file's creator string: fixed, so the same rows always give the same bytes. */
const CREATED_BY = 'cybercrime-crackdowns';

/** The page index hyparquet-writer keeps for a column chunk until the file's end. */
interface ColumnPageIndexes {
  chunk: ColumnChunk;
  columnIndex?: unknown;
  offsetIndex?: { page_locations: { offset: bigint; compressed_page_size: number; first_row_index: bigint }[] };
}

/**
 * One encoded row group, independent of where it will stand in a file: its column chunks' bytes and
 * their metadata with file offsets counted from the row group's first byte. A file is assembled from
 * row groups by ParquetFileWriter, which moves the offsets to where each one lands.
 */
export interface ParquetRowGroup {
  bytes: Uint8Array;
  rowGroup: RowGroup;
  indexes: ColumnPageIndexes[];
}

/**
 * A Parquet file assembled from row groups encoded elsewhere (or in an earlier build): the PAR1
 * header, the row groups' bytes one after another, then page indexes and the footer, as
 * hyparquet-writer's ParquetWriter writes them. The same row groups give the same bytes whether
 * they were encoded now or reused. It relies on ParquetWriter's public `row_groups`, `num_rows` and
 * `pendingIndexes` (hyparquet-writer 0.17, pinned by package-lock.json); the tests that read the
 * files back (tests/publish.segments.test.ts) are what catches a change there.
 */
export class ParquetFileWriter {
  private readonly parquet: ParquetWriter;
  constructor(
    private readonly writer: ByteWriter,
    schema: SchemaElement[],
  ) {
    this.parquet = new ParquetWriter({ writer, schema, createdBy: CREATED_BY });
  }
  add(group: ParquetRowGroup): void {
    this.addCopied(group, (sink) => sink(group.bytes));
  }
  /**
   * A row group encoded before (its metadata as it was written, relative to its first byte), its
   * bytes handed over by `copy` in pieces: a reused row group is copied from the last build's file
   * without being read into memory whole.
   */
  addCopied(group: Pick<ParquetRowGroup, 'rowGroup' | 'indexes'>, copy: (sink: (bytes: Uint8Array) => void) => void): void {
    const shift = BigInt(this.writer.offset);
    copy((bytes) => this.writer.appendBytes(bytes));
    const moved = relocateRowGroup(group, shift);
    this.parquet.row_groups.push(moved.rowGroup);
    this.parquet.num_rows += moved.rowGroup.num_rows;
    this.parquet.pendingIndexes.push(...(moved.indexes as PageIndexes[]));
  }
  finish(): void {
    void this.parquet.finish();
  }
}

type PageIndexes = ParquetWriter['pendingIndexes'][number];

/** A copy of a row group's metadata with every file offset moved by `shift` bytes. */
function relocateRowGroup(group: Pick<ParquetRowGroup, 'rowGroup' | 'indexes'>, shift: bigint): Pick<ParquetRowGroup, 'rowGroup' | 'indexes'> {
  const move = (offset: bigint | undefined): bigint | undefined => (offset === undefined ? undefined : offset + shift);
  const columns = group.rowGroup.columns.map((chunk): ColumnChunk => {
    if (chunk.column_index_offset !== undefined || chunk.offset_index_offset !== undefined || chunk.meta_data?.bloom_filter_offset !== undefined || chunk.meta_data?.index_page_offset !== undefined) {
      throw new Error('a row group to relocate must not point at page indexes or bloom filters yet');
    }
    const meta = chunk.meta_data;
    return {
      ...chunk,
      file_offset: chunk.file_offset + shift,
      ...(meta ? { meta_data: { ...meta, data_page_offset: meta.data_page_offset + shift, dictionary_page_offset: move(meta.dictionary_page_offset) } } : {}),
    };
  });
  const indexes = group.indexes.map((index, i): ColumnPageIndexes => {
    const chunk = columns[i];
    if (!chunk || index.chunk !== group.rowGroup.columns[i]) throw new Error('page indexes must follow the row group columns, one each');
    return {
      ...index,
      chunk,
      ...(index.offsetIndex ? { offsetIndex: { page_locations: index.offsetIndex.page_locations.map((p) => ({ ...p, offset: p.offset + shift })) } } : {}),
    };
  });
  return { rowGroup: { ...group.rowGroup, columns }, indexes };
}

/**
 * A row group's metadata as JSON text, to keep beside its bytes across builds. The metadata holds
 * values JSON cannot carry (BigInt offsets and counts, Date and byte-array statistics, -0 and
 * non-finite doubles), so those are written as tagged objects and restored exactly by
 * parseRowGroupMetadata.
 */
export function rowGroupMetadataJson(group: Pick<ParquetRowGroup, 'rowGroup' | 'indexes'>): string {
  // The page indexes point at the row group's column chunks; they are stored as column numbers.
  const indexes = group.indexes.map((index, i) => {
    if (index.chunk !== group.rowGroup.columns[i]) throw new Error('page indexes must follow the row group columns, one each');
    const { chunk: _chunk, ...rest } = index;
    return rest;
  });
  return JSON.stringify({ rowGroup: group.rowGroup, indexes }, function (this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key];
    if (typeof raw === 'bigint') return { $bigint: raw.toString() };
    if (raw instanceof Date) return { $date: raw.getTime() };
    if (raw instanceof Uint8Array) return { $bytes: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
    if (typeof raw === 'number' && (!Number.isFinite(raw) || Object.is(raw, -0))) return { $number: Object.is(raw, -0) ? '-0' : String(raw) };
    return value;
  });
}

export function parseRowGroupMetadata(text: string): Pick<ParquetRowGroup, 'rowGroup' | 'indexes'> {
  const parsed = JSON.parse(text, (_key, value: unknown) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const tagged = value as Record<string, unknown>;
    const keys = Object.keys(tagged);
    if (keys.length !== 1) return value;
    if (typeof tagged.$bigint === 'string') return BigInt(tagged.$bigint);
    if (typeof tagged.$date === 'number') return new Date(tagged.$date);
    if (typeof tagged.$bytes === 'string') return new Uint8Array(Buffer.from(tagged.$bytes, 'base64'));
    if (typeof tagged.$number === 'string') return tagged.$number === '-0' ? -0 : Number(tagged.$number);
    return value;
  }) as { rowGroup: RowGroup; indexes: Omit<ColumnPageIndexes, 'chunk'>[] };
  return { rowGroup: parsed.rowGroup, indexes: parsed.indexes.map((index, i) => ({ ...index, chunk: parsed.rowGroup.columns[i]! })) };
}

/** The first byte of a row group inside a Parquet file written by ParquetWriter: after `PAR1`. */
const PARQUET_HEADER_BYTES = 4;

/**
 * A table's Parquet columns, filled one row at a time: the rows themselves need not be kept.
 * `rowGroup` encodes them as one row group.
 *
 * Memory: a column keeps the rows' values as parsed (small integers stay unboxed; strings that repeat,
 * like ids of a sorted table or enum values, are stored once) and is converted to the writer's values
 * (BigInt, Date, ...) only when the writer asks for that column, which it does one column at a time.
 */
export class ParquetColumns {
  private readonly schema: SchemaElement[];
  private readonly names: string[];
  private readonly types: LogicalType[];
  private values: (string | number | null)[][];
  private readonly interners: StringInterner[];
  rows = 0;

  constructor(schema: TableSchema) {
    this.names = columnsOf(schema);
    this.types = this.names.map((name) => logicalType(schema.properties[name]!));
    this.values = this.names.map(() => []);
    this.interners = this.names.map(() => new StringInterner());
    this.schema = parquetSchema(schema);
  }

  add(row: Row): void {
    this.rows++;
    for (let i = 0; i < this.names.length; i++) {
      const value = row[this.names[i]!] ?? null;
      this.values[i]!.push(typeof value === 'string' ? this.interners[i]!.intern(value) : value);
    }
  }

  /** The rows added so far as one encoded row group; the columns are emptied for the next rows. */
  rowGroup(): ParquetRowGroup {
    let converted: { index: number; data: unknown[] } | null = null;
    const values = this.values;
    const column = (index: number): unknown[] => {
      if (converted?.index !== index) {
        converted = null; // let the previous column go before converting the next
        collectGarbageIfGrown();
        const type = this.types[index]!;
        const raw = values[index]!;
        converted = { index, data: type === 'string' && raw.every((v) => v === null || typeof v === 'string') ? raw : raw.map((v) => parquetCell(v, type)) };
      }
      return converted.data;
    };
    // hyparquet-writer reads `data` column by column, so one converted column exists at a time
    // (reading them all at once would still give the same bytes, with more memory).
    const columnData = this.names.map((name, index) => ({
      name,
      get data() {
        return column(index);
      },
    }));
    const writer = new ByteWriter();
    const parquet = new ParquetWriter({ writer, schema: this.schema, createdBy: CREATED_BY });
    void parquet.write({ columnData, rowGroupSize: Math.max(this.rows, 1) });
    converted = null;
    this.values = this.names.map(() => []);
    this.rows = 0;
    const [rowGroup] = parquet.row_groups;
    if (!rowGroup || parquet.row_groups.length !== 1) throw new Error('a row group needs at least one row');
    const group = { rowGroup, indexes: parquet.pendingIndexes as ColumnPageIndexes[] };
    return { bytes: new Uint8Array(writer.buffer.slice(PARQUET_HEADER_BYTES, writer.offset)), ...relocateRowGroup(group, -BigInt(PARQUET_HEADER_BYTES)) };
  }
}

/**
 * Returns an equal string, reusing an earlier one when it repeats: the previous value (sorted tables
 * repeat ids in runs) or, for short values, any value seen while the column has few distinct ones.
 */
class StringInterner {
  private last: string | null = null;
  private seen: Map<string, string> | null = new Map();
  private static readonly MAX_LENGTH = 64;
  private static readonly MAX_DISTINCT = 1 << 14;

  intern(value: string): string {
    if (value === this.last) return this.last;
    this.last = value;
    if (this.seen === null || value.length > StringInterner.MAX_LENGTH) return value;
    const known = this.seen.get(value);
    if (known !== undefined) return (this.last = known);
    if (this.seen.size >= StringInterner.MAX_DISTINCT) this.seen = null; // many distinct values: not worth it
    else this.seen.set(value, value);
    return value;
  }
}

/**
 * A ByteWriter that hands its bytes to `sink` whenever more than `chunkBytes` are buffered (and on
 * finish), like hyparquet-writer's own file writer: a large Parquet file is never whole in memory.
 * The sink must consume the bytes before returning (they are overwritten afterwards).
 */
export class SpillingByteWriter extends ByteWriter {
  constructor(
    private readonly sink: (bytes: Uint8Array) => void,
    private readonly chunkBytes = 1 << 20,
  ) {
    super(Math.max(1024, chunkBytes * 2));
  }

  override ensure(size: number): void {
    if (this.index > this.chunkBytes) this.spill();
    super.ensure(size);
  }

  /** A piece as large as a chunk (a reused row group's bytes) goes to the sink as it is, not copied into the buffer first. */
  override appendBytes(value: Uint8Array): void {
    if (value.length < this.chunkBytes) return super.appendBytes(value);
    this.spill();
    this.sink(value);
    this.offset += value.length;
  }

  override finish(): void {
    this.spill();
  }

  private spill(): void {
    if (this.index > 0) this.sink(new Uint8Array(this.buffer, 0, this.index));
    this.index = 0;
  }
}

function parquetCell(value: string | number | null, type: LogicalType): unknown {
  if (value === null) return null;
  switch (type) {
    case 'integer':
      return BigInt(value);
    case 'number':
      return Number(value);
    case 'date':
      return new Date(`${value}T00:00:00Z`);
    case 'boolean':
      return Boolean(value);
    default:
      return String(value);
  }
}

export interface ResourceFile {
  table: TableName;
  path: string;
  format: 'csv' | 'parquet';
  bytes: number;
  sha256: string;
  rows: number;
}

/**
 * A Frictionless Data Package (v1, profile `tabular-data-package`) for the four tables, CSV and Parquet.
 * That profile requires every resource to be a tabular-data-resource with a Table Schema, so the
 * Parquet copies carry the same schema as the CSVs (frictionless-py reads them with its parquet
 * plugin); they have no CSV dialect and no text encoding. A Parquet table's foreign keys point at the
 * Parquet copy of the referenced table, so each format is a self-contained set.
 * Checked against schemas/vendor/tabular-data-package.json by tests/datapackage.test.ts.
 */
export function dataPackage(
  schemas: Record<TableName, TableSchema>,
  files: ResourceFile[],
  meta: { name: string; version: string; title: string; description: string; license: string },
): Record<string, unknown> {
  return {
    profile: 'tabular-data-package',
    name: meta.name,
    title: meta.title,
    description: meta.description,
    version: meta.version,
    licenses: [{ name: meta.license, path: `https://spdx.org/licenses/${meta.license}.html`, title: meta.license }],
    resources: files.map((file) => {
      const schema = schemas[file.table];
      const isCsv = file.format === 'csv';
      return {
        profile: 'tabular-data-resource',
        name: resourceName(file.table, file.format),
        path: file.path,
        title: file.table,
        description: schema.description,
        format: file.format,
        mediatype: isCsv ? 'text/csv' : 'application/vnd.apache.parquet',
        ...(isCsv ? { encoding: 'utf-8' } : {}),
        bytes: file.bytes,
        hash: `sha256:${file.sha256}`,
        ...(isCsv ? { dialect: { delimiter: ',', lineTerminator: '\n', quoteChar: '"', doubleQuote: true, header: true } } : {}),
        schema: frictionlessSchema(schema, (table) => resourceName(table, file.format)),
      };
    }),
  };
}

/** Resource names: the CSV keeps the table's name (what analysts type), the Parquet copy gets a suffix. */
export function resourceName(table: string, format: ResourceFile['format']): string {
  return format === 'csv' ? table : `${table}-parquet`;
}

const FRICTIONLESS_TYPES: Record<LogicalType, string> = { string: 'string', integer: 'integer', number: 'number', date: 'date', boolean: 'boolean' };

export function frictionlessSchema(schema: TableSchema, referencedResource: (table: string) => string = (table) => table): Record<string, unknown> {
  const foreignKeys = schema['x-foreignKeys'].map((fk) => ({
    fields: fk.fields,
    reference: { resource: referencedResource(fk.reference.resource), fields: fk.reference.fields },
  }));
  return {
    fields: columnsOf(schema).map((name) => {
      const column = schema.properties[name]!;
      const constraints: Record<string, unknown> = {};
      if (!isNullable(column)) constraints.required = true;
      if (column.enum) constraints.enum = column.enum.filter((v) => v !== null);
      // Table Schema patterns are XML Schema regexes: implicitly anchored, so ^ and $ go.
      if (column.pattern) constraints.pattern = column.pattern.replace(/^\^/, '').replace(/\$$/, '');
      if (column.minimum !== undefined) constraints.minimum = column.minimum;
      return {
        name,
        type: FRICTIONLESS_TYPES[logicalType(column)],
        ...(logicalType(column) === 'date' ? { format: 'default' } : {}),
        description: column.description,
        ...(Object.keys(constraints).length ? { constraints } : {}),
      };
    }),
    missingValues: [''],
    primaryKey: schema['x-primaryKey'],
    // The profile requires at least one foreign key when the property is present.
    ...(foreignKeys.length ? { foreignKeys } : {}),
  };
}
