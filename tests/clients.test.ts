// The analyst's first minute: every published CSV loads in pandas and DuckDB with the documented
// types, ids stay text even without type hints, and Parquet carries the types itself.
// pandas is Debian's (python3-pandas, installed by .ci/run) under /usr/bin/python3: the pyenv
// python3 on PATH has no pandas. A missing pandas is a failure, not a skip.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableToCsv } from '../pipeline/lib/publish.js';
import { columnsOf, loadSchemas, logicalType, TABLE_NAMES, type LogicalType, type Row, type TableName } from '../pipeline/lib/schema.js';
import { ROOT, SEEDS, build, tempDir } from './helpers/build.js';
import { parseCsv } from './helpers/csv.js';

const PYTHON = '/usr/bin/python3';
const schemas = loadSchemas(ROOT);

/** The pandas dtype each logical type is read as (dates are parsed after reading, as text). */
const PANDAS_DTYPE: Record<LogicalType, string> = { string: 'string', integer: 'Int64', number: 'Float64', date: 'datetime64[ns]', boolean: 'boolean' };
const DUCKDB_TYPE: Record<LogicalType, string> = { string: 'VARCHAR', integer: 'BIGINT', number: 'DOUBLE', date: 'DATE', boolean: 'BOOLEAN' };

const typesOf = (table: TableName): Record<string, LogicalType> =>
  Object.fromEntries(columnsOf(schemas[table]).map((c) => [c, logicalType(schemas[table].properties[c]!)]));

// Reads each table twice: with explicit dtypes from the schema (the documented way), and with no hints.
const PANDAS_SCRIPT = String.raw`
import json, sys
import pandas as pd
spec = json.loads(sys.argv[1])
PANDAS = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean", "date": "string"}
result = {}
for table, types in spec["tables"].items():
    path = f"{spec['dataset']}/{table}.csv"
    df = pd.read_csv(path, dtype={c: PANDAS[t] for c, t in types.items()}, keep_default_na=False, na_values=[""], encoding="utf-8")
    for column, t in types.items():
        if t == "date":
            df[column] = pd.to_datetime(df[column], format="%Y-%m-%d")
    plain = pd.read_csv(path)
    result[table] = {
        "rows": len(df),
        "columns": list(df.columns),
        "dtypes": {c: str(df[c].dtype) for c in df.columns},
        "nulls": {c: int(df[c].isna().sum()) for c in df.columns},
        "plain_dtypes": {c: str(plain[c].dtype) for c in plain.columns},
    }
print(json.dumps(result))
`;

interface PandasTable {
  rows: number;
  columns: string[];
  dtypes: Record<string, string>;
  nulls: Record<string, number>;
  plain_dtypes: Record<string, string>;
}

function pandasAvailable(): { ok: boolean; message: string } {
  const run = spawnSync(PYTHON, ['-c', 'import pandas; print(pandas.__version__)'], { encoding: 'utf8' });
  return run.status === 0
    ? { ok: true, message: run.stdout.trim() }
    : { ok: false, message: `pandas is missing under ${PYTHON}: install Debian's python3-pandas (apt-get install python3-pandas; .ci/run does this). ${run.stderr.trim().split('\n').pop() ?? ''}` };
}

function readWithPandas(dataset: string, tables: readonly TableName[]): Record<string, PandasTable> {
  const spec = { dataset, tables: Object.fromEntries(tables.map((t) => [t, typesOf(t)])) };
  const run = spawnSync(PYTHON, ['-c', PANDAS_SCRIPT, JSON.stringify(spec)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`pandas failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, PandasTable>;
}

async function describeQuery(connection: DuckDBConnection, from: string): Promise<Record<string, string>> {
  const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`);
  return Object.fromEntries(reader.getRowObjects().map((row) => [String(row.column_name), String(row.column_type)]));
}

async function countRows(connection: DuckDBConnection, from: string): Promise<number> {
  const reader = await connection.runAndReadAll(`SELECT count(*) AS n FROM ${from}`);
  return Number(reader.getRowObjects()[0]!.n);
}

const sql = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** DuckDB's read_csv with explicit column types from the schema (what docs/RELEASES.md recommends). */
function typedCsv(file: string, table: TableName): string {
  const columns = Object.entries(typesOf(table)).map(([c, t]) => `${sql(c)}: ${sql(DUCKDB_TYPE[t])}`).join(', ');
  return `read_csv(${sql(file)}, header = true, columns = {${columns}}, dateformat = '%Y-%m-%d')`;
}

const out = tempDir('clients');
const dataset = path.join(out, 'dataset');
const csvRows = {} as Record<TableName, Record<string, string>[]>;
let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  const result = await build(SEEDS, out);
  expect(result.ok).toBe(true);
  for (const table of TABLE_NAMES) csvRows[table] = parseCsv(fs.readFileSync(path.join(dataset, `${table}.csv`), 'utf8'));
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
}, 120_000);

afterAll(() => {
  connection?.closeSync();
});

describe('pandas (Debian python3-pandas via /usr/bin/python3)', () => {
  it('is installed', () => {
    const status = pandasAvailable();
    expect(status.ok, status.message).toBe(true);
  });

  it('reads every CSV with the schema dtypes: string, Int64, Float64, datetime', () => {
    const status = pandasAvailable();
    expect(status.ok, status.message).toBe(true);
    const tables = readWithPandas(dataset, TABLE_NAMES);
    for (const table of TABLE_NAMES) {
      const read = tables[table]!;
      expect(read.rows, table).toBe(csvRows[table].length);
      expect(read.columns, table).toEqual(columnsOf(schemas[table]));
      for (const [column, type] of Object.entries(typesOf(table))) {
        expect(read.dtypes[column], `${table}.${column}`).toBe(PANDAS_DTYPE[type]);
        // Empty cell = null, and only empty cells: pandas' "NA"/"null" guessing is off.
        expect(read.nulls[column], `${table}.${column} nulls`).toBe(csvRows[table].filter((r) => r[column] === '').length);
      }
    }
  });

  it('reads ids as text even with no dtype hints (the prefixes keep them from looking numeric)', () => {
    const tables = readWithPandas(dataset, TABLE_NAMES);
    for (const table of TABLE_NAMES) {
      const idColumns = columnsOf(schemas[table]).filter((c) => /_id$/.test(c));
      expect(idColumns.length).toBeGreaterThan(0);
      for (const column of idColumns) expect(tables[table]!.plain_dtypes[column], `${table}.${column}`).toBe('object');
    }
  });
});

describe('DuckDB (@duckdb/node-api)', () => {
  it('read_parquet gives the schema types exactly, and every row', async () => {
    for (const table of TABLE_NAMES) {
      const from = `read_parquet(${sql(path.join(dataset, `${table}.parquet`))})`;
      const expected = Object.fromEntries(Object.entries(typesOf(table)).map(([c, t]) => [c, DUCKDB_TYPE[t]]));
      expect(await describeQuery(connection, from), table).toEqual(expected);
      expect(await countRows(connection, from), table).toBe(csvRows[table].length);
    }
  });

  it('read_csv with the schema types reads every CSV, and every row', async () => {
    for (const table of TABLE_NAMES) {
      const from = typedCsv(path.join(dataset, `${table}.csv`), table);
      const expected = Object.fromEntries(Object.entries(typesOf(table)).map(([c, t]) => [c, DUCKDB_TYPE[t]]));
      expect(await describeQuery(connection, from), table).toEqual(expected);
      expect(await countRows(connection, from), table).toBe(csvRows[table].length);
    }
  });

  it('read_csv_auto sniffs the same types (ids VARCHAR), except whole-valued decimals and all-empty columns', async () => {
    for (const table of TABLE_NAMES) {
      const from = `read_csv_auto(${sql(path.join(dataset, `${table}.csv`))})`;
      const sniffed = await describeQuery(connection, from);
      expect(Object.keys(sniffed), table).toEqual(columnsOf(schemas[table]));
      for (const [column, type] of Object.entries(typesOf(table))) {
        const allEmpty = csvRows[table].every((r) => r[column] === '');
        // A sniffer cannot know that '6' in a decimal column is a DOUBLE, nor type a column with no values.
        const acceptable = allEmpty ? ['VARCHAR'] : type === 'number' ? ['DOUBLE', 'BIGINT'] : [DUCKDB_TYPE[type]];
        if (/_id$/.test(column)) expect(sniffed[column], `${table}.${column}`).toBe('VARCHAR');
        expect(acceptable, `${table}.${column} sniffed as ${sniffed[column]}`).toContain(sniffed[column]);
      }
      expect(await countRows(connection, from), table).toBe(csvRows[table].length);
    }
  });
});

describe('hostile cells', () => {
  // Titles as a scraper might meet them: formula-like, pandas' NA words, numeric-looking, quoted, multi-line.
  const TITLES = ['=HYPERLINK("http://example.com","click")', '+15,000 arrested', '-5 gangs', '@SUM(A1:A9)', 'NA', 'null', '00123', 'He said "stop", twice', 'Line one\nline two', ' leading space'];
  const folder = tempDir('clients-hostile');

  beforeAll(() => {
    const columns = columnsOf(schemas.documents);
    const rows: Row[] = TITLES.map((title, i) => {
      const row: Row = Object.fromEntries(columns.map((c) => [c, null]));
      const hex = i.toString(16).padStart(16, '0');
      Object.assign(row, { doc_id: `doc_${hex}`, source_file: `${i}.txt`, title, source_files: `${i}.txt`, format: 'text', encoding: 'utf-8', bytes: 100 + i, sha256: hex.repeat(4), n_figures: 0 });
      return row;
    });
    fs.writeFileSync(path.join(folder, 'documents.csv'), tableToCsv(rows, schemas.documents));
  });

  it('publishes formula-like titles verbatim (no quote-prefix, no stripping)', () => {
    const read = parseCsv(fs.readFileSync(path.join(folder, 'documents.csv'), 'utf8'));
    expect(read.map((r) => r.title)).toEqual(TITLES);
  });

  it('pandas with the documented options gets every title back exactly, none as NaN', () => {
    const script = 'import sys, json, pandas as pd\ndf = pd.read_csv(sys.argv[1], dtype={"title": "string", "doc_id": "string"}, keep_default_na=False, na_values=[""])\nprint(json.dumps(list(df["title"])))';
    const run = spawnSync(PYTHON, ['-c', script, path.join(folder, 'documents.csv')], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(TITLES);
  });

  it('DuckDB with explicit types gets every title back exactly', async () => {
    const reader = await connection.runAndReadAll(`SELECT title FROM ${typedCsv(path.join(folder, 'documents.csv'), 'documents')} ORDER BY doc_id`);
    expect(reader.getRowObjects().map((r) => r.title)).toEqual(TITLES);
  });
});
