// Validation results are data (after frictionless): every problem is a record with a stable `type`,
// the table, the row, the column, the offending value and the rule. `validateTables` returns a report;
// `assertValid` throws. Row checks come from ajv over schemas/; table checks (unique keys, references
// resolve) come from the same schemas' x-primaryKey and x-foreignKeys.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import type { Row, TableName, TableSchema } from './schema.js';
import { TABLE_NAMES } from './schema.js';

// ajv-formats ships CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as (ajv: Ajv) => Ajv;

export type ProblemType =
  | 'schema-required'
  | 'schema-type'
  | 'schema-enum'
  | 'schema-pattern'
  | 'schema-format'
  | 'schema-minimum'
  | 'schema-additional-column'
  | 'schema-other'
  | 'primary-key-duplicate'
  | 'foreign-key-missing';

export interface ValidationProblem {
  type: ProblemType;
  table: TableName;
  /** 0-based index of the row in the table as published (after sorting). */
  row: number;
  /** The row's primary key value, to find it without counting. */
  key: string;
  column: string | null;
  value: unknown;
  rule: string;
  message: string;
}

export interface ValidationReport {
  valid: boolean;
  tables: Record<string, { rows: number; problems: number }>;
  problems: ValidationProblem[];
}

export type Tables = Record<TableName, Row[]>;

const SCHEMA_KEYWORD_TYPES: Record<string, ProblemType> = {
  required: 'schema-required',
  type: 'schema-type',
  enum: 'schema-enum',
  pattern: 'schema-pattern',
  format: 'schema-format',
  minimum: 'schema-minimum',
  additionalProperties: 'schema-additional-column',
};

export function compileValidators(schemas: Record<TableName, TableSchema>): Record<TableName, ValidateFunction> {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addVocabulary(['x-primaryKey', 'x-sortKey', 'x-foreignKeys']);
  return Object.fromEntries(TABLE_NAMES.map((table) => [table, ajv.compile(schemas[table])])) as Record<TableName, ValidateFunction>;
}

export function validateTables(tables: Tables, schemas: Record<TableName, TableSchema>): ValidationReport {
  const validators = compileValidators(schemas);
  const problems: ValidationProblem[] = [];
  for (const table of TABLE_NAMES) {
    const schema = schemas[table];
    const rows = tables[table];
    const keyOf = (row: Row) => schema['x-primaryKey'].map((k) => String(row[k] ?? '')).join('|');
    rows.forEach((row, index) => {
      if (validators[table](row)) return;
      for (const error of validators[table].errors ?? []) problems.push(problemFromAjv(table, index, keyOf(row), row, error));
    });
    const seen = new Map<string, number>();
    rows.forEach((row, index) => {
      const key = keyOf(row);
      const first = seen.get(key);
      if (first === undefined) seen.set(key, index);
      else
        problems.push({
          type: 'primary-key-duplicate', table, row: index, key, column: schema['x-primaryKey'].join(','), value: key,
          rule: 'x-primaryKey', message: `duplicate primary key (first at row ${first})`,
        });
    });
    for (const fk of schema['x-foreignKeys']) {
      const target = fk.reference.resource as TableName;
      const known = new Set(tables[target].map((r) => fk.reference.fields.map((f) => String(r[f] ?? '')).join('|')));
      rows.forEach((row, index) => {
        const values = fk.fields.map((f) => row[f]);
        if (values.some((v) => v === null || v === undefined || v === '')) return; // empty = not stated
        const ref = values.map(String).join('|');
        if (!known.has(ref))
          problems.push({
            type: 'foreign-key-missing', table, row: index, key: keyOf(row), column: fk.fields.join(','), value: ref,
            rule: `x-foreignKeys -> ${target}.${fk.reference.fields.join(',')}`, message: `no ${target} row has ${fk.reference.fields.join(',')} = ${ref}`,
          });
      });
    }
  }
  const summary = Object.fromEntries(
    TABLE_NAMES.map((table) => [table, { rows: tables[table].length, problems: problems.filter((p) => p.table === table).length }]),
  );
  return { valid: problems.length === 0, tables: summary, problems };
}

function problemFromAjv(table: TableName, row: number, key: string, record: Row, error: ErrorObject): ValidationProblem {
  const missing = error.keyword === 'required' ? String((error.params as { missingProperty?: string }).missingProperty) : null;
  const extra = error.keyword === 'additionalProperties' ? String((error.params as { additionalProperty?: string }).additionalProperty) : null;
  const column = missing ?? extra ?? (error.instancePath.replace(/^\//, '') || null);
  return {
    type: SCHEMA_KEYWORD_TYPES[error.keyword] ?? 'schema-other',
    table,
    row,
    key,
    column,
    value: column ? (record[column] ?? null) : null,
    rule: `${error.keyword}${error.schemaPath ? ` (${error.schemaPath})` : ''}`,
    message: error.message ?? error.keyword,
  };
}

/** One readable line per problem, for stderr. */
export function formatProblem(p: ValidationProblem): string {
  return `${p.table} row ${p.row} [${p.key}] column ${p.column ?? '-'} = ${JSON.stringify(p.value)}: ${p.message} (rule ${p.rule}, type ${p.type})`;
}

export class ValidationError extends Error {
  constructor(readonly report: ValidationReport) {
    super(`dataset is not valid: ${report.problems.length} problem(s); first: ${report.problems[0] ? formatProblem(report.problems[0]) : 'none'}`);
  }
}

export function assertValid(tables: Tables, schemas: Record<TableName, TableSchema>): void {
  const report = validateTables(tables, schemas);
  if (!report.valid) throw new ValidationError(report);
}
