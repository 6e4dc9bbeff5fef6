// validate keeps each table segment's digest (keys, references, schema problems) and reads again
// only the segments whose bytes changed. The report must be the one a run from scratch gives, also
// when the problem lies in an unchanged segment that refers to a row removed elsewhere.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSchemas, TABLE_NAMES, type TableName } from '../pipeline/lib/schema.js';
import type { SegmentRule } from '../pipeline/lib/segments.js';
import { validateJsonlFiles, type SegmentDigest } from '../pipeline/lib/validate.js';
import { ROOT, SEEDS, build, tableLines, tempDir } from './helpers/build.js';

const schemas = loadSchemas(ROOT);
const SMALL: SegmentRule = { meanRows: 4, minRows: 2, maxRows: 12 };
let linkDir = '';

beforeAll(async () => {
  const out = tempDir('validate-segments');
  await build(SEEDS, out);
  linkDir = path.join(out, 'link');
}, 120_000);

type Edit = (lines: Record<TableName, string[]>) => void;

/** The seeds' link tables with an edit applied, validated from scratch and with the unedited run's digests. */
function validateEdited(edit: Edit) {
  const dir = tempDir('validate-edit');
  const lines = Object.fromEntries(TABLE_NAMES.map((t) => [t, tableLines(linkDir, t)])) as Record<TableName, string[]>;
  const files = Object.fromEntries(TABLE_NAMES.map((t) => [t, path.join(dir, `${t}.jsonl`)])) as Record<TableName, string>;
  const write = () => TABLE_NAMES.forEach((t) => fs.writeFileSync(files[t], lines[t].map((l) => l + '\n').join('')));
  write();
  const known = new Map<string, SegmentDigest>();
  validateJsonlFiles(files, schemas, new Map(), (table, digest) => known.set(`${table}\0${digest.hash}`, digest), SMALL);
  edit(lines);
  write();
  const fromScratch = validateJsonlFiles(files, schemas, new Map(), undefined, SMALL);
  const incremental = validateJsonlFiles(files, schemas, known, undefined, SMALL);
  return { fromScratch, incremental };
}

const withoutReuse = ({ reused: _reused, ...report }: ReturnType<typeof validateJsonlFiles>) => report;

describe('validate with the last run\'s segment digests', () => {
  it('gives the from-scratch report for unchanged tables, reading no segment again', () => {
    const { fromScratch, incremental } = validateEdited(() => {});
    expect(fromScratch.valid).toBe(true);
    expect(withoutReuse(incremental)).toEqual(withoutReuse(fromScratch));
    expect(incremental.reused).toBeGreaterThan(8);
    expect(fromScratch.reused).toBe(0);
  });

  it('finds a schema problem in a changed segment, at its row in the table', () => {
    const { fromScratch, incremental } = validateEdited((lines) => {
      const row = JSON.parse(lines.figures[30]!);
      lines.figures[30] = JSON.stringify({ ...row, measure: 'not_a_measure' });
    });
    expect(withoutReuse(incremental)).toEqual(withoutReuse(fromScratch));
    expect(incremental.problems.map((p) => [p.type, p.table, p.row, p.column])).toEqual([['schema-enum', 'figures', 30, 'measure']]);
    expect(incremental.reused).toBeGreaterThan(0);
  });

  it('finds references broken by a row removed from another table, in segments that did not change', () => {
    const { fromScratch, incremental } = validateEdited((lines) => {
      lines.documents.splice(0, 1);
    });
    expect(withoutReuse(incremental)).toEqual(withoutReuse(fromScratch));
    expect(incremental.problems.length).toBeGreaterThan(0);
    expect(new Set(incremental.problems.map((p) => p.type))).toEqual(new Set(['foreign-key-missing']));
  });

  it('finds a duplicate key across segments, numbered after the rows before it', () => {
    const { fromScratch, incremental } = validateEdited((lines) => {
      lines.claims.push(lines.claims[0]!);
    });
    expect(withoutReuse(incremental)).toEqual(withoutReuse(fromScratch));
    expect(incremental.problems.map((p) => [p.type, p.table, p.row])).toEqual([['primary-key-duplicate', 'claims', fromScratch.tables.claims!.rows - 1]]);
  });
});
