// Validation results are data (after frictionless): every problem is a record with a stable `type`,
// the table, the row, the column, the offending value and the rule. `validateTables` returns a report;
// `assertValid` throws. Row checks come from ajv over schemas/; table checks (unique keys, references
// resolve) come from the same schemas' x-primaryKey and x-foreignKeys.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { DEFAULT_SEGMENT_RULE, segmentLines, tableSegments, type SegmentRule } from './segments.js';
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
 * What the table checks need from a run of rows, so the rows need not be read again: each row's
 * primary key, the values its foreign keys point at, the keys it offers to other tables' foreign
 * keys, and its schema problems (`row` counted from the segment's first row). A segment of a table
 * file (segments.ts) whose bytes repeat has the same digest: validate keeps them between runs.
 */
export interface SegmentDigest {
  hash: string;
  rows: number;
  keys: string[];
  /** Per foreign key of the table (schema order), per row: the referenced value, null when empty. */
  refs: (string | null)[][];
  /** Per key set other tables look up in this table (ValidationRun order), per row. */
  offers: string[][];
  problems: ValidationProblem[];
}

/**
 * Checks every table against the schemas; the report lists, table by table in TABLE_NAMES order, the
 * row problems (row order), then duplicate keys, then each foreign key's missing references.
 */
export function validateTables(tables: Tables, schemas: Record<TableName, TableSchema>): ValidationReport {
  const run = new ValidationRun(schemas);
  const digests = new Map(TABLE_NAMES.map((table) => [table, run.digest(table, tables[table], '')]));
  for (const table of run.prepassTables) run.offer(table, digests.get(table)!);
  for (const table of run.order) run.begin(table).add(digests.get(table)!);
  return run.report();
}

/**
 * The same report as validateTables, reading the tables from JSON Lines files one segment at a time:
 * memory holds the key sets (primary keys, and the keys other tables refer to), not the rows. A
 * segment found in `known` (the last run's digests of the same code, by segment hash) is not parsed
 * again; `digested` receives every segment's digest, to keep for the next run.
 */
export function validateJsonlFiles(
  files: Record<TableName, string>,
  schemas: Record<TableName, TableSchema>,
  known: ReadonlyMap<string, SegmentDigest> = new Map(),
  digested: (table: TableName, digest: SegmentDigest) => void = () => {},
  rule: SegmentRule = DEFAULT_SEGMENT_RULE,
): ValidationReport & { reused: number } {
  const run = new ValidationRun(schemas);
  let reused = 0;
  const digestsOf = function* (table: TableName): Generator<SegmentDigest> {
    for (const segment of tableSegments(files[table], rule)) {
      const before = known.get(`${table}\0${segment.hash}`);
      if (before && before.rows === segment.rows) reused++;
      yield before && before.rows === segment.rows ? before : run.digest(table, readRows(segment.read()), segment.hash);
    }
  };
  const prepassed = new Map<TableName, SegmentDigest[]>();
  for (const table of run.prepassTables) {
    const digests = [...digestsOf(table)];
    for (const digest of digests) run.offer(table, digest);
    prepassed.set(table, digests);
  }
  for (const table of run.order) {
    const check = run.begin(table);
    for (const digest of prepassed.get(table) ?? digestsOf(table)) {
      check.add(digest);
      digested(table, digest);
    }
  }
  return { ...run.report(), reused };
}

/**
 * Digests segments the way validateJsonlFiles does (schema problems, keys, references), for a caller
 * that checks only the segments that changed (validateDelta.ts); `order` is the tables' check order,
 * the order validateJsonlFiles hands digests to `digested` in.
 */
export function segmentDigester(schemas: Record<TableName, TableSchema>): { order: readonly TableName[]; digest(table: TableName, bytes: Buffer, hash: string): SegmentDigest } {
  const run = new ValidationRun(schemas);
  return { order: run.order, digest: (table, bytes, hash) => run.digest(table, readRows(bytes), hash) };
}

function readRows(bytes: Buffer): Row[] {
  return segmentLines(bytes).map((line) => JSON.parse(line) as Row);
}

/** Joined key of a row over some fields, as the table checks compare them. */
function keyFunction(fields: readonly string[]): (row: Row) => string {
  if (fields.length === 1) {
    const field = fields[0]!;
    return (row) => String(row[field] ?? '');
  }
  return (row) => fields.map((f) => String(row[f] ?? '')).join('|');
}

/** The value a foreign key points at (fields joined by `|`), or null when any field is empty (= not stated). */
function referenceFunction(fields: readonly string[]): (row: Row) => string | null {
  if (fields.length === 1) {
    const field = fields[0]!;
    return (row) => {
      const value = row[field];
      return value === null || value === undefined || value === '' ? null : String(value);
    };
  }
  return (row) => {
    const values = fields.map((f) => row[f]);
    return values.some((v) => v === null || v === undefined || v === '') ? null : values.map(String).join('|');
  };
}

/**
 * One validation over all tables, fed one segment digest at a time. Tables are checked in an order
 * where every table a foreign key points at comes first (its keys are collected while it is
 * checked); a target that cannot come first (a cycle, a table referring to itself) is read once
 * beforehand for its keys.
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

  /** The digest of a run of rows of `table` (schema problems numbered from its first row). */
  digest(table: TableName, rows: readonly Row[], hash: string): SegmentDigest {
    const schema = this.schemas[table];
    const validate = this.validators[table];
    const keyOf = keyFunction(schema['x-primaryKey']);
    const refsOf = schema['x-foreignKeys'].map((fk) => referenceFunction(fk.fields));
    const offersOf = [...(this.offered.get(table)?.values() ?? [])].map((set) => set.key);
    const digest: SegmentDigest = { hash, rows: rows.length, keys: [], refs: refsOf.map(() => []), offers: offersOf.map(() => []), problems: [] };
    rows.forEach((row, index) => {
      const key = keyOf(row);
      digest.keys.push(key);
      if (!validate(row)) for (const error of validate.errors ?? []) digest.problems.push(problemFromAjv(table, index, key, row, error));
      refsOf.forEach((refOf, i) => digest.refs[i]!.push(refOf(row)));
      offersOf.forEach((offerOf, i) => digest.offers[i]!.push(offerOf(row)));
    });
    return digest;
  }

  /** Prepass: adds a segment's keys to the sets other tables look up. */
  offer(table: TableName, digest: SegmentDigest): void {
    [...(this.offered.get(table)?.values() ?? [])].forEach((set, i) => {
      for (const key of digest.offers[i]!) set.known.add(key);
    });
  }

  begin(table: TableName): TableCheck {
    for (const check of this.checks.values()) check.end();
    const schema = this.schemas[table];
    const prepassed = this.prepassTables.includes(table);
    const sets = this.offered.get(table);
    const offer = sets && !prepassed ? [...sets.values()].map((set) => set.known) : [];
    const foreignKeys = schema['x-foreignKeys'].map((fk) => ({
      fk,
      known: this.offered.get(fk.reference.resource as TableName)!.get(fk.reference.fields.join('\0'))!.known,
    }));
    const check = new TableCheck(table, schema, foreignKeys, offer);
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

/** The checks of one table, one segment digest at a time; problems kept in the report's order. */
class TableCheck {
  rows = 0;
  private readonly rowProblems: ValidationProblem[] = [];
  private readonly duplicateProblems: ValidationProblem[] = [];
  private readonly referenceProblems: ValidationProblem[][];
  private readonly seen = new Map<string, number>();
  private readonly keyColumns: string;
  private readonly references: { known: Set<string>; rule: string; message: (ref: string) => string; column: string }[];

  constructor(
    private readonly table: TableName,
    schema: TableSchema,
    foreignKeys: { fk: ForeignKey; known: Set<string> }[],
    /** The key sets this table fills for later tables (in the digest's `offers` order); empty when prepassed. */
    private readonly offer: Set<string>[],
  ) {
    this.keyColumns = schema['x-primaryKey'].join(',');
    this.references = foreignKeys.map(({ fk, known }) => {
      const target = fk.reference.resource;
      const fields = fk.reference.fields.join(',');
      return {
        known,
        column: fk.fields.join(','),
        rule: `x-foreignKeys -> ${target}.${fields}`,
        message: (ref: string) => `no ${target} row has ${fields} = ${ref}`,
      };
    });
    this.referenceProblems = this.references.map(() => []);
  }

  add(digest: SegmentDigest): void {
    const base = this.rows;
    const table = this.table;
    for (const problem of digest.problems) this.rowProblems.push({ ...problem, row: base + problem.row });
    for (let r = 0; r < digest.rows; r++) {
      const index = base + r;
      const key = digest.keys[r]!;
      const first = this.seen.get(key);
      if (first === undefined) this.seen.set(key, index);
      else
        this.duplicateProblems.push({
          type: 'primary-key-duplicate', table, row: index, key, column: this.keyColumns, value: key,
          rule: 'x-primaryKey', message: `duplicate primary key (first at row ${first})`,
        });
      for (let i = 0; i < this.references.length; i++) {
        const ref = digest.refs[i]![r];
        const reference = this.references[i]!;
        if (ref === null || ref === undefined || reference.known.has(ref)) continue;
        this.referenceProblems[i]!.push({
          type: 'foreign-key-missing', table, row: index, key, column: reference.column, value: ref,
          rule: reference.rule, message: reference.message(ref),
        });
      }
    }
    for (let i = 0; i < this.offer.length; i++) for (const key of digest.offers[i]!) this.offer[i]!.add(key);
    this.rows += digest.rows;
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
