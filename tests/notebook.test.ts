// notebooks/quickstart.ipynb runs: its code cells, joined in order, executed by Debian's python3
// (not nbconvert) against a freshly built dataset; its answers match the same question asked of
// DuckDB through the notebook's own SQL.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SEEDS, build, tempDir } from './helpers/build.js';

const NOTEBOOK = path.join(ROOT, 'notebooks/quickstart.ipynb');

interface Cell {
  cell_type: string;
  source: string[] | string;
}

const notebook = JSON.parse(fs.readFileSync(NOTEBOOK, 'utf8')) as { cells: Cell[]; nbformat: number };
const codeCells = notebook.cells.filter((c) => c.cell_type === 'code').map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source));

const out = tempDir('notebook');
const dataset = path.join(out, 'dataset');
const charts = tempDir('notebook-output');
let run: ReturnType<typeof spawnSync>;
let stdout = '';

beforeAll(async () => {
  expect((await build(SEEDS, out)).ok).toBe(true);
  const script = path.join(charts, 'quickstart.py');
  fs.writeFileSync(script, codeCells.join('\n\n'));
  // Run from notebooks/ as Jupyter would; the dataset and output folders come from the environment.
  run = spawnSync('/usr/bin/python3', [script], {
    cwd: path.dirname(NOTEBOOK),
    encoding: 'utf8',
    env: { ...process.env, CC_DATASET: dataset, CC_OUTPUT: charts, MPLBACKEND: 'Agg' },
    timeout: 60_000,
  });
  stdout = String(run.stdout);
}, 120_000);

describe('quickstart notebook', () => {
  it('is nbformat 4 with no stored outputs, and reads its dataset folder from CC_DATASET (default ../out/dataset)', () => {
    expect(notebook.nbformat).toBe(4);
    expect(codeCells.length).toBeGreaterThanOrEqual(4);
    expect(codeCells[0]).toContain('os.environ.get("CC_DATASET", "../out/dataset")');
  });

  it('runs to the end under /usr/bin/python3 with pandas', () => {
    expect(run.status, `${run.stderr}`).toBe(0);
    expect(stdout).toMatch(/figures\s+\d+ rows/);
  });

  it('answers "arrests by campaign" as DuckDB does with the notebook\'s own SQL', async () => {
    const cell = codeCells.find((c) => c.includes('ARRESTS_SQL = """'))!;
    const query = cell.split('ARRESTS_SQL = """')[1]!.split('"""')[0]!.replaceAll('{dataset}', dataset);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll(query)).getRowObjects();
    connection.closeSync();
    expect(rows.length).toBeGreaterThan(0);
    const lines = stdout.split('\n');
    for (const row of rows) {
      // The pandas table prints the campaign name and its total on one line.
      const line = lines.find((l) => l.trim().startsWith(String(row.name)) && new RegExp(`\\s${Number(row.arrested)}\\s`).test(l));
      expect(line, `${row.name}: ${row.arrested} in\n${stdout}`).toBeDefined();
    }
  });

  it('lists the conflicting claims with the sources\' wording', () => {
    const conflicting = fs.readFileSync(path.join(dataset, 'claims.csv'), 'utf8').split('\n').filter((l) => l.includes(',conflicting,')).length;
    expect(stdout).toContain(`${conflicting} conflicting claims`);
    if (conflicting) expect(stdout).toMatch(/from '[^']+' \(/);
  });

  it('draws the chart (a PNG with matplotlib, else a text chart)', () => {
    const hasMatplotlib = spawnSync('/usr/bin/python3', ['-c', 'import matplotlib']).status === 0;
    if (hasMatplotlib) {
      const png = fs.readFileSync(path.join(charts, 'arrests_by_campaign.png'));
      expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    } else expect(stdout).toMatch(/#+ [\d,]+/);
  });
});
