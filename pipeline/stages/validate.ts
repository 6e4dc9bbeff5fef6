// Stage 5 — validate: every row of every table against schemas/ (ajv, allErrors) plus table checks
// (unique keys, references resolve). Writes out/validate/report.json; a dataset with problems is
// not published (the build stops before emit and the previous out/dataset stays as it was).
// Input: out/link. Output: out/validate/report.json; and, for the next run of the same code,
// segments/<table>/, a file per table segment holding its digest (keys, references, schema
// problems); segments-index.json, each table's digest files and whether the tables were valid; and
// keys.bin, the tables' keys and references as exact 64-bit sets (validateDelta.ts). The segments
// are those link recorded in out/link/segments.json (only a changed segment is read), or cut from
// the tables.
//
// Incremental: when the last run's tables were valid, only the segments that changed are parsed and
// checked, against the last run's key sets (checkChanges); the other digests' files are hard links
// to the last run's.
// Anything that check finds or cannot decide sends the run to the full check, over every segment's
// digest (those of unchanged segments taken from the last run), which gives the exact report.
import path from 'node:path';
import { writeJson } from '../lib/fsutil.js';
import { loadSchemas, schemaFiles, TABLE_NAMES, type TableName } from '../lib/schema.js';
import type { StageDefinition } from '../lib/stage.js';
import { formatProblem, type SegmentDigest } from '../lib/validate.js';
import { keyPlan } from '../lib/validateDelta.js';
import { validateAll, validateChanges } from '../lib/validateRun.js';

/** How many problems to print on stderr; the report file has them all. */
const PROBLEMS_SHOWN = 20;

export const validateStage: StageDefinition = {
  name: 'validate',
  moduleUrl: import.meta.url,
  inputs: (config) => ({ link: path.join(config.out, 'link') }),
  codeFiles: (config) => schemaFiles(config.root),
  async run(context) {
    // load: the tables are streamed segment by segment (memory holds key sets, not tables)
    const files = Object.fromEntries(TABLE_NAMES.map((table) => [table, path.join(context.inputs.link!, table)])) as Record<TableName, string>;
    const schemas = loadSchemas(context.config.root);
    const inputs = { context, files, schemas, plan: keyPlan(schemas) };

    // process: the changed segments against the last valid run, else every segment
    const digested = new Map<string, SegmentDigest>();
    const changes = await validateChanges(inputs, digested);
    if (typeof changes !== 'string') context.log(`${changes.reused} table segments unchanged since the last run: only the changed ones checked against its keys`);
    else if (context.previous) context.log(`checking every segment: ${changes}`);
    const { report, knownHashes } = typeof changes === 'string' ? await validateAll(inputs, digested) : changes;

    // save
    await writeJson(path.join(context.outDir, 'report.json'), report);
    for (const problem of report.problems.slice(0, PROBLEMS_SHOWN)) process.stderr.write(`validate: ${formatProblem(problem)}\n`);
    if (report.problems.length > PROBLEMS_SHOWN) process.stderr.write(`validate: ... ${report.problems.length - PROBLEMS_SHOWN} more in out/validate/report.json\n`);
    const rows = TABLE_NAMES.map((t) => `${report.tables[t]!.rows} ${t}`).join(', ');
    return {
      ok: report.valid,
      summary: report.valid ? `valid: ${rows}` : `INVALID: ${report.problems.length} problem(s) in ${rows}; see validate/report.json`,
      knownHashes,
    };
  },
};
