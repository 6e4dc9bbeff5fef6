// Stage 5 — validate: every row of every table against schemas/ (ajv, allErrors) plus table checks
// (unique keys, references resolve). Writes out/validate/report.json; a dataset with problems is
// not published (the build stops before emit and the previous out/dataset stays as it was).
// Input: out/link. Output: out/validate/report.json; and out/validate/segments.jsonl, each table
// segment's digest (keys, references, schema problems), so that the next run with the same code
// parses and checks again only the segments whose bytes changed. The segments are those link
// recorded in out/link/segments.json (only a changed segment is read), or cut from the tables.
import path from 'node:path';
import { writeJson } from '../lib/fsutil.js';
import { BufferedLineWriter, readJsonlRecords } from '../lib/lineFile.js';
import { loadSchemas, schemaFiles, TABLE_NAMES, type TableName } from '../lib/schema.js';
import { previousOutputFile, type StageContext, type StageDefinition } from '../lib/stage.js';
import { formatProblem, validateJsonlFiles, type SegmentDigest } from '../lib/validate.js';

const DIGESTS = 'segments.jsonl';

type StoredDigest = SegmentDigest & { table: TableName };

/** The last run's segment digests by table and hash, if the same code wrote them (a damaged file only costs the reuse). */
async function previousDigests(context: StageContext): Promise<Map<string, SegmentDigest>> {
  const file = await previousOutputFile(context, DIGESTS);
  const digests = new Map<string, SegmentDigest>();
  if (!file) return digests;
  try {
    for (const { table, ...digest } of readJsonlRecords<StoredDigest>(file)) {
      if (!Array.isArray(digest.keys) || digest.keys.length !== digest.rows || !Array.isArray(digest.refs) || !Array.isArray(digest.offers) || !Array.isArray(digest.problems)) throw new Error('not a digest');
      digests.set(`${table}\0${digest.hash}`, digest);
    }
  } catch (error) {
    context.log(`ignoring ${DIGESTS} of the last run (${error instanceof Error ? error.message : String(error)}): every segment is checked again`);
    digests.clear();
  }
  return digests;
}

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
    const known = await previousDigests(context);
    const digests = new BufferedLineWriter(path.join(context.outDir, DIGESTS), 4 << 20);
    let report: ReturnType<typeof validateJsonlFiles>;
    try {
      report = validateJsonlFiles(files, loadSchemas(context.config.root), known, (table, digest) => digests.write(JSON.stringify({ table, ...digest })));
    } finally {
      digests.close();
    }
    if (known.size) context.log(`${report.reused} table segments unchanged since the last run, not read again`);
    const { reused: _reused, ...published } = report;
    await writeJson(path.join(context.outDir, 'report.json'), published);
    for (const problem of report.problems.slice(0, PROBLEMS_SHOWN)) process.stderr.write(`validate: ${formatProblem(problem)}\n`);
    if (report.problems.length > PROBLEMS_SHOWN) process.stderr.write(`validate: ... ${report.problems.length - PROBLEMS_SHOWN} more in out/validate/report.json\n`);
    const rows = TABLE_NAMES.map((t) => `${report.tables[t]!.rows} ${t}`).join(', ');
    return {
      ok: report.valid,
      summary: report.valid ? `valid: ${rows}` : `INVALID: ${report.problems.length} problem(s) in ${rows}; see validate/report.json`,
    };
  },
};
