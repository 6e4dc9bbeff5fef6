// End to end: build the seeds into a temp folder, score against the hand-checked gold, and check
// the backbone's promises (tables present, Parquet readable and typed, idempotent, atomic).
import fs from 'node:fs';
import path from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { beforeAll, describe, expect, it } from 'vitest';
import { columnsOf, loadSchemas, TABLE_NAMES } from '../pipeline/lib/schema.js';
import { STAGES } from '../pipeline/stages/index.js';
import { ROOT, SEEDS, SHARED, build, expectScoreAtLeast, folderHashes, scoreDataset, tempDir, type ScoreFloors } from './helpers/build.js';
import { parseCsv } from './helpers/csv.js';

/** Floors for the seed gold; raise them as extraction improves, never lower them. */
const FLOORS: ScoreFloors = { figuresF1: 0.975, provenance: 1, title: 1, authors: 1, published_date: 1, publisher: 0.8, campaignF1: 1 };

const out = tempDir('e2e');
const dataset = path.join(out, 'dataset');
let firstBuild: Awaited<ReturnType<typeof build>>;

beforeAll(async () => {
  firstBuild = await build(SEEDS, out);
}, 120_000);

describe('seed build', () => {
  it('publishes four CSV and four Parquet tables and datapackage.json', () => {
    expect(firstBuild.ok).toBe(true);
    for (const table of TABLE_NAMES) {
      expect(fs.existsSync(path.join(dataset, `${table}.csv`))).toBe(true);
      expect(fs.existsSync(path.join(dataset, `${table}.parquet`))).toBe(true);
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(dataset, 'datapackage.json'), 'utf8'));
    expect(pkg.resources.map((r: { path: string }) => r.path).sort()).toEqual(TABLE_NAMES.flatMap((t) => [`${t}.csv`, `${t}.parquet`]).sort());
  });

  it('scores at or above the floors on the seed gold', () => {
    const gold = path.join(SHARED, 'gold/seeds');
    expect(fs.existsSync(gold), `gold folder ${gold} (set SHARED_DIR)`).toBe(true);
    const { report, stdout } = scoreDataset(dataset, gold, SEEDS);
    console.log(stdout);
    expectScoreAtLeast(report, FLOORS);
  });

  it('writes Parquet files whose rows and column types match the CSV and the schema', async () => {
    const schemas = loadSchemas(ROOT);
    const expectedPhysical = { string: 'BYTE_ARRAY', integer: 'INT64', number: 'DOUBLE', date: 'INT32', boolean: 'BOOLEAN' } as const;
    for (const table of TABLE_NAMES) {
      const csvRows = parseCsv(fs.readFileSync(path.join(dataset, `${table}.csv`), 'utf8'));
      const buffer = fs.readFileSync(path.join(dataset, `${table}.parquet`));
      const file = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
      const metadata = parquetMetadata(file);
      expect(Number(metadata.num_rows)).toBe(csvRows.length);
      const columns = columnsOf(schemas[table]);
      expect(metadata.schema.slice(1).map((s) => s.name)).toEqual(columns);
      for (const element of metadata.schema.slice(1)) {
        const column = schemas[table].properties[element.name]!;
        const types = (Array.isArray(column.type) ? column.type : [column.type]).filter((t) => t !== 'null');
        const logical = column.format === 'date' ? 'date' : (types[0] as 'string' | 'integer' | 'number' | 'boolean');
        expect(element.type, `${table}.${element.name}`).toBe(expectedPhysical[logical]);
        if (logical === 'date') expect(element.converted_type).toBe('DATE');
      }
      const rows = await parquetReadObjects({ file });
      rows.forEach((row, i) => {
        for (const column of columns) {
          const fromCsv = csvRows[i]![column] ?? '';
          const value = row[column];
          const asText = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
          expect(asText, `${table} row ${i} ${column}`).toBe(fromCsv);
        }
      });
    }
  });

  it('is idempotent: a second build reports every stage up to date and changes no byte', async () => {
    const before = folderHashes(out);
    const second = await build(SEEDS, out);
    expect(second.ok).toBe(true);
    expect(second.reports.map((r) => r.status)).toEqual(STAGES.map(() => 'up to date'));
    expect(folderHashes(out)).toEqual(before);
  }, 60_000);

  it('gives byte-identical published files when built into a fresh folder', async () => {
    const other = tempDir('e2e-fresh');
    await build(SEEDS, other);
    expect(folderHashes(path.join(other, 'dataset'))).toEqual(folderHashes(dataset));
  }, 120_000);
});
