// A row that breaks a schema fails the build with a report naming table, row, column and rule, and
// leaves the previously published out/dataset untouched.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSchemas, TABLE_NAMES, type Row, type TableName } from '../pipeline/lib/schema.js';
import type { StageDefinition } from '../pipeline/lib/stage.js';
import { validateTables, type ValidationReport } from '../pipeline/lib/validate.js';
import { STAGES } from '../pipeline/stages/index.js';
import { ROOT, SEEDS, build, folderHashes, tableLines, tempDir, writeTableByHand } from './helpers/build.js';

/** The link stage, followed by the injection of one bad figure row (a measure outside the enum). */
function linkWithBadRow(): StageDefinition {
  const link = STAGES.find((s) => s.name === 'link')!;
  return {
    ...link,
    async run(context) {
      const outcome = await link.run(context);
      const rows = tableLines(context.outDir, 'figures').map((line) => JSON.parse(line) as Row);
      rows[0] = { ...rows[0]!, measure: 'persons_teleported', value: -5 };
      writeTableByHand(context.outDir, 'figures', rows.map((r) => JSON.stringify(r)));
      // The files changed after link vouched for their hashes (knownHashes): the output hash must read them.
      const knownHashes = Object.fromEntries(Object.entries(outcome.knownHashes ?? {}).filter(([file]) => !file.startsWith('figures/')));
      return { ...outcome, knownHashes };
    },
  };
}

describe('validation failure', () => {
  it('stops the build, reports table/row/column/rule, and keeps the last good dataset', async () => {
    const out = tempDir('invalid');
    expect((await build(SEEDS, out)).ok).toBe(true);
    const published = folderHashes(path.join(out, 'dataset'));
    fs.rmSync(path.join(out, 'link.stamp.json')); // force the link stage to run again

    const stages = STAGES.map((s) => (s.name === 'link' ? linkWithBadRow() : s));
    const result = await build(SEEDS, out, stages);
    expect(result.ok).toBe(false);
    expect(result.failedStage).toBe('validate');
    expect(result.lines.at(-1)).toMatch(/INVALID: 2 problem/);

    const report = JSON.parse(fs.readFileSync(path.join(out, 'validate/report.json'), 'utf8')) as ValidationReport;
    expect(report.valid).toBe(false);
    const types = report.problems.map((p) => [p.table, p.row, p.column, p.type]);
    expect(types).toContainEqual(['figures', 0, 'measure', 'schema-enum']);
    expect(types).toContainEqual(['figures', 0, 'value', 'schema-minimum']);
    expect(report.problems.every((p) => p.rule.length > 0 && p.key.startsWith('fig_'))).toBe(true);

    expect(folderHashes(path.join(out, 'dataset'))).toEqual(published);
    // Still invalid on the next run, even though nothing changed: the stamp remembers the verdict.
    const again = await build(SEEDS, out, stages);
    expect(again.ok).toBe(false);
    expect(folderHashes(path.join(out, 'dataset'))).toEqual(published);
  }, 120_000);

  it('checks keys and references as well as rows', () => {
    const schemas = loadSchemas(ROOT);
    const empty = Object.fromEntries(TABLE_NAMES.map((t) => [t, [] as Row[]])) as Record<TableName, Row[]>;
    const doc: Row = {
      doc_id: 'doc_0123456789abcdef', source_file: 'a.txt', title: 'T', publisher: null, authors: null, published_date: null,
      campaign_id: 'cmp_0123456789abcdef', source_files: 'a.txt', format: 'text', encoding: 'utf-8', bytes: 1,
      sha256: '0'.repeat(64), n_figures: 0,
    };
    const report = validateTables({ ...empty, documents: [doc, { ...doc }] }, schemas);
    expect(report.problems.map((p) => p.type).sort()).toEqual(['foreign-key-missing', 'foreign-key-missing', 'primary-key-duplicate']);
  });
});
