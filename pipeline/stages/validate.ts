// Stage 5 — validate: every row of every table against schemas/ (ajv, allErrors) plus table checks
// (unique keys, references resolve). Writes out/validate/report.json; a dataset with problems is
// not published (the build stops before emit and the previous out/dataset stays as it was).
// Input: out/link. Output: out/validate/report.json.
import path from 'node:path';
import { writeJson } from '../lib/fsutil.js';
import { loadSchemas, schemaFiles, TABLE_NAMES, type TableName } from '../lib/schema.js';
import type { StageDefinition } from '../lib/stage.js';
import { formatProblem, validateJsonlFiles } from '../lib/validate.js';

/** How many problems to print on stderr; the report file has them all. */
const PROBLEMS_SHOWN = 20;

export const validateStage: StageDefinition = {
  name: 'validate',
  moduleUrl: import.meta.url,
  inputs: (config) => ({ link: path.join(config.out, 'link') }),
  codeFiles: (config) => schemaFiles(config.root),
  async run(context) {
    // Streamed row by row: memory holds key sets, not tables.
    const files = Object.fromEntries(TABLE_NAMES.map((table) => [table, path.join(context.inputs.link!, `${table}.jsonl`)])) as Record<TableName, string>;
    const report = await validateJsonlFiles(files, loadSchemas(context.config.root));
    await writeJson(path.join(context.outDir, 'report.json'), report);
    for (const problem of report.problems.slice(0, PROBLEMS_SHOWN)) process.stderr.write(`validate: ${formatProblem(problem)}\n`);
    if (report.problems.length > PROBLEMS_SHOWN) process.stderr.write(`validate: ... ${report.problems.length - PROBLEMS_SHOWN} more in out/validate/report.json\n`);
    const rows = TABLE_NAMES.map((t) => `${report.tables[t]!.rows} ${t}`).join(', ');
    return {
      ok: report.valid,
      summary: report.valid ? `valid: ${rows}` : `INVALID: ${report.problems.length} problem(s) in ${rows}; see validate/report.json`,
    };
  },
};
