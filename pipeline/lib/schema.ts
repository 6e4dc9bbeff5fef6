// schemas/ is the single source of truth for the published tables: column order (the order of
// `properties`), types, enums, descriptions, keys and sort order. Everything that needs a column
// list (CSV, Parquet, datapackage.json, the card's data dictionary, validation) derives it from here.
import fs from 'node:fs';
import path from 'node:path';

export const TABLE_NAMES = ['documents', 'figures', 'campaigns', 'claims'] as const;
export type TableName = (typeof TABLE_NAMES)[number];

export interface ColumnSchema {
  type: string | string[];
  format?: string;
  enum?: unknown[];
  pattern?: string;
  description: string;
  minimum?: number;
}

export interface ForeignKey {
  fields: string[];
  reference: { resource: string; fields: string[] };
}

export interface TableSchema {
  $id: string;
  title: TableName;
  description: string;
  required: string[];
  properties: Record<string, ColumnSchema>;
  'x-primaryKey': string[];
  'x-sortKey': string[];
  'x-foreignKeys': ForeignKey[];
}

export type Row = Record<string, string | number | null>;

/** The logical column types the dataset uses; Parquet, Frictionless and pandas types map from these. */
export type LogicalType = 'string' | 'integer' | 'number' | 'date' | 'boolean';

export function schemaPath(root: string, table: TableName): string {
  return path.join(root, 'schemas', `${table}.schema.json`);
}

export function schemaFiles(root: string): string[] {
  return TABLE_NAMES.map((table) => schemaPath(root, table));
}

export function loadSchemas(root: string): Record<TableName, TableSchema> {
  return Object.fromEntries(
    TABLE_NAMES.map((table) => [table, JSON.parse(fs.readFileSync(schemaPath(root, table), 'utf8')) as TableSchema]),
  ) as Record<TableName, TableSchema>;
}

export function columnsOf(schema: TableSchema): string[] {
  return Object.keys(schema.properties);
}

export function logicalType(column: ColumnSchema): LogicalType {
  const types = (Array.isArray(column.type) ? column.type : [column.type]).filter((t) => t !== 'null');
  const base = types[0] ?? 'string';
  if (base === 'string' && column.format === 'date') return 'date';
  if (base === 'integer' || base === 'number' || base === 'boolean') return base;
  return 'string';
}

export function isNullable(column: ColumnSchema): boolean {
  return Array.isArray(column.type) && column.type.includes('null');
}

/** The columns that decide a row's place in its table: the sort key, then the primary key. */
export function orderColumns(schema: TableSchema): string[] {
  return [...schema['x-sortKey'], ...schema['x-primaryKey']];
}

/** The table's row order: the schema's sort key, then its primary key (nulls first, numbers numerically, strings by code unit). */
export function rowComparator(schema: TableSchema): (a: Row, b: Row) => number {
  const keys = orderColumns(schema);
  return (a, b) => {
    for (const key of keys) {
      const order = compareCells(a[key] ?? null, b[key] ?? null);
      if (order !== 0) return order;
    }
    return 0;
  };
}

/**
 * The table's row order (rowComparator) over rows given as columns: `columns` holds each order
 * column's values, row `i` at index `i`. Sorting indices by it spares an object per row.
 */
export function columnComparator(schema: TableSchema, columns: Readonly<Record<string, readonly (string | number | null)[]>>): (i: number, j: number) => number {
  const values = orderColumns(schema).map((key) => {
    const column = columns[key];
    if (!column) throw new Error(`columnComparator: no values for the order column ${key}`);
    return column;
  });
  return (i, j) => {
    for (const column of values) {
      const order = compareCells(column[i] ?? null, column[j] ?? null);
      if (order !== 0) return order;
    }
    return 0;
  };
}

/** Sorts rows into the table's order (rowComparator). */
export function sortRows<T extends Row>(rows: T[], schema: TableSchema): T[] {
  return [...rows].sort(rowComparator(schema));
}

function compareCells(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
