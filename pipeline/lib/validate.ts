// Validation results are data (after frictionless): every problem is a record with a stable `type`,
// the table, the row, the column, the offending value and the rule. `validateTables` returns a report;
// `assertValid` throws. Row checks come from ajv over schemas/; table checks (unique keys, references
// resolve) come from the same schemas' x-primaryKey and x-foreignKeys.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { readJsonlRecords } from './lineFile.js';
import type { ForeignKey, Row, TableName, TableSchema } from './schema.js';
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

/**
 * Checks every table against the schemas; the report lists, table by table in TABLE_NAMES order, the
 * row problems (row order), then duplicate keys, then each foreign key's missing references.
 */
export function validateTables(tables: Tables, schemas: Record<TableName, TableSchema>): ValidationReport {
  const run = new ValidationRun(schemas);
  for (const table of run.prepassTables) for (const row of tables[table]) run.offer(table, row);
  for (const table of run.order) {
    const check = run.begin(table);
    for (const row of tables[table]) check.add(row);
  }
  return run.report();
}

/**
 * The same report as validateTables, reading the tables from JSON Lines files one row at a time:
 * memory holds the key sets (primary keys, and the keys other tables refer to), not the rows.
 */
export async function validateJsonlFiles(files: Record<TableName, string>, schemas: Record<TableName, TableSchema>): Promise<ValidationReport> {
  const run = new ValidationRun(schemas);
  for (const table of run.prepassTables) for (const row of readJsonlRecords<Row>(files[table])) run.offer(table, row);
  for (const table of run.order) {
    const check = run.begin(table);
    for (const row of readJsonlRecords<Row>(files[table])) check.add(row);
  }
  return run.report();
}

/** Joined key of a row over some fields, as the table checks compare them. */
function keyFunction(fields: readonly string[]): (row: Row) => string {
  if (fields.length === 1) {
    const field = fields[0]!;
    return (row) => String(row[field] ?? '');
  }
  return (row) => fields.map((f) => String(row[f] ?? '')).join('|');
}

/**
 * One validation over all tables, fed one row at a time. Tables are checked in an order where every
 * table a foreign key points at comes first (its keys are collected while it is checked); a target
 * that cannot come first (a cycle, a table referring to itself) is read once beforehand for its keys.
 */
class ValidationRun {
  readonly order: TableName[] = [];
  readonly prepassTables: TableName[] = [];
  private readonly validators: Record<TableName, ValidateFunction>;
  /** Per table: the key sets other tables' foreign keys look up, by referenced field list. */
  private readonly offered = new Map<TableName, Map<string, { key: (row: Row) => string; known: Set<string> }>>();
  private readonly checks = new Map<TableName, TableCheck>();

  constructor(private readonly schemas: Record<TableName, TableSchema>) {
    this.validators = compileValidators(schemas);
    for (const table of TABLE_NAMES)
      for (const fk of schemas[table]['x-foreignKeys']) {
        const target = fk.reference.resource as TableName;
        if (!this.offered.has(target)) this.offered.set(target, new Map());
        const sets = this.offered.get(target)!;
        const id = fk.reference.fields.join('\0');
        if (!sets.has(id)) sets.set(id, { key: keyFunction(fk.reference.fields), known: new Set() });
      }
    const remaining: TableName[] = [...TABLE_NAMES];
    const targetsOf = (table: TableName) => schemas[table]['x-foreignKeys'].map((fk) => fk.reference.resource as TableName);
    while (remaining.length) {
      const ready = remaining.find((t) => targetsOf(t).every((target) => target !== t && this.order.includes(target)));
      const next = ready ?? remaining[0]!;
      if (!ready) for (const target of targetsOf(next)) if (!this.order.includes(target) && !this.prepassTables.includes(target)) this.prepassTables.push(target);
      this.order.push(next);
      remaining.splice(remaining.indexOf(next), 1);
    }
  }

  /** Prepass: adds a row's keys to the sets other tables look up. */
  offer(table: TableName, row: Row): void {
    const sets = this.offered.get(table);
    if (sets) for (const set of sets.values()) set.known.add(set.key(row));
  }

  begin(table: TableName): TableCheck {
    for (const check of this.checks.values()) check.end();
    const schema = this.schemas[table];
    const prepassed = this.prepassTables.includes(table);
    const sets = this.offered.get(table);
    const offer = sets && !prepassed ? [...sets.values()] : [];
    const foreignKeys = schema['x-foreignKeys'].map((fk) => ({
      fk,
      known: this.offered.get(fk.reference.resource as TableName)!.get(fk.reference.fields.join('\0'))!.known,
    }));
    const check = new TableCheck(table, schema, this.validators[table], foreignKeys, offer);
    this.checks.set(table, check);
    return check;
  }

  report(): ValidationReport {
    for (const check of this.checks.values()) check.end();
    const problems: ValidationProblem[] = [];
    const tables: ValidationReport['tables'] = {};
    for (const table of TABLE_NAMES) {
      const check = this.checks.get(table)!;
      const own = check.problems();
      for (const problem of own) problems.push(problem);
      tables[table] = { rows: check.rows, problems: own.length };
    }
    return { valid: problems.length === 0, tables, problems };
  }
}

/** The checks of one table, one row at a time; problems kept in the report's order. */
class TableCheck {
  rows = 0;
  private readonly rowProblems: ValidationProblem[] = [];
  private readonly duplicateProblems: ValidationProblem[] = [];
  private readonly referenceProblems: ValidationProblem[][];
  private readonly seen = new Map<string, number>();
  private readonly keyOf: (row: Row) => string;
  private readonly keyColumns: string;
  private readonly references: { fields: string[]; known: Set<string>; rule: string; message: (ref: string) => string; column: string }[];

  constructor(
    private readonly table: TableName,
    schema: TableSchema,
    private readonly validate: ValidateFunction,
    foreignKeys: { fk: ForeignKey; known: Set<string> }[],
    private readonly offer: { key: (row: Row) => string; known: Set<string> }[],
  ) {
    this.keyOf = keyFunction(schema['x-primaryKey']);
    this.keyColumns = schema['x-primaryKey'].join(',');
    this.references = foreignKeys.map(({ fk, known }) => {
      const target = fk.reference.resource;
      const fields = fk.reference.fields.join(',');
      return {
        fields: fk.fields,
        known,
        column: fk.fields.join(','),
        rule: `x-foreignKeys -> ${target}.${fields}`,
        message: (ref: string) => `no ${target} row has ${fields} = ${ref}`,
      };
    });
    this.referenceProblems = this.references.map(() => []);
  }

  add(row: Row): void {
    const index = this.rows++;
    const table = this.table;
    const key = this.keyOf(row);
    if (!this.validate(row)) for (const error of this.validate.errors ?? []) this.rowProblems.push(problemFromAjv(table, index, key, row, error));
    const first = this.seen.get(key);
    if (first === undefined) this.seen.set(key, index);
    else
      this.duplicateProblems.push({
        type: 'primary-key-duplicate', table, row: index, key, column: this.keyColumns, value: key,
        rule: 'x-primaryKey', message: `duplicate primary key (first at row ${first})`,
      });
    for (let i = 0; i < this.references.length; i++) {
      const reference = this.references[i]!;
      let ref: string;
      if (reference.fields.length === 1) {
        const value = row[reference.fields[0]!];
        if (value === null || value === undefined || value === '') continue; // empty = not stated
        ref = String(value);
      } else {
        const values = reference.fields.map((f) => row[f]);
        if (values.some((v) => v === null || v === undefined || v === '')) continue;
        ref = values.map(String).join('|');
      }
      if (!reference.known.has(ref))
        this.referenceProblems[i]!.push({
          type: 'foreign-key-missing', table, row: index, key, column: reference.column, value: ref,
          rule: reference.rule, message: reference.message(ref),
        });
    }
    for (const set of this.offer) set.known.add(set.key(row));
  }

  /** The table is done: its primary keys are no longer needed. */
  end(): void {
    this.seen.clear();
  }

  problems(): ValidationProblem[] {
    return [...this.rowProblems, ...this.duplicateProblems, ...this.referenceProblems.flat()];
  }
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
