// Writers for the published tables. Column order, types and descriptions come from schemas/ only.
//   CSV: RFC 4180 via csv-stringify, header row, UTF-8 without BOM, `\n`, empty cell = null,
//        integers without separators, dates ISO.
//   Parquet: hyparquet-writer with an explicit schema: STRING, INT64, DOUBLE, DATE (INT32 days).
//   datapackage.json: a Frictionless Data Package describing the files, typed fields, keys, hashes.
import { stringify } from 'csv-stringify/sync';
import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';
import { columnsOf, isNullable, logicalType, type LogicalType, type Row, type TableName, type TableSchema } from './schema.js';

export function tableToCsv(rows: Row[], schema: TableSchema): string {
  const columns = columnsOf(schema);
  const records = rows.map((row) => columns.map((column) => csvCell(row[column])));
  return stringify(records, { header: true, columns, record_delimiter: '\n', bom: false, quoted_match: /^[\s]|[\s]$/ });
}

function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  return value;
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

export function tableToParquet(rows: Row[], schema: TableSchema): Uint8Array {
  const columns = columnsOf(schema);
  const parquetSchema: SchemaElement[] = [
    { name: 'root', num_children: columns.length },
    ...columns.map((name) => {
      const column = schema.properties[name]!;
      return {
        name,
        ...PARQUET_TYPES[logicalType(column)],
        repetition_type: isNullable(column) ? ('OPTIONAL' as const) : ('REQUIRED' as const),
      };
    }),
  ];
  const columnData = columns.map((name) => {
    const type = logicalType(schema.properties[name]!);
    return { name, data: rows.map((row) => parquetCell(row[name] ?? null, type)) };
  });
  const writer = new ByteWriter();
  // One row group and a fixed creator string: the same rows always give the same bytes.
  parquetWrite({ writer, columnData, schema: parquetSchema, rowGroupSize: Math.max(rows.length, 1), createdBy: 'cybercrime-crackdowns' });
  return new Uint8Array(writer.getBuffer());
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
