// Stage 6 — emit: the published dataset. Four tables as CSV and Parquet, datapackage.json, and the
// dataset card. Publishes only a dataset the validate stage found valid.
// Inputs: out/link (rows), out/validate (report), schemas/, DATASET_CARD.md (hand-written prose).
// Output: out/dataset/.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { CardStats, renderCardFromStats, type CardStatsPart } from '../lib/card.js';
import { readJson } from '../lib/fsutil.js';
import { collectGarbageIfGrown } from '../lib/gcHint.js';
import { HashedFile } from '../lib/hashedFile.js';
import { readJsonlRecords } from '../lib/lineFile.js';
import { csvLines, dataPackage, ParquetColumns, SpillingByteWriter, type ResourceFile } from '../lib/publish.js';
import { loadSchemas, schemaFiles, TABLE_NAMES, type Row, type TableName } from '../lib/schema.js';
import type { StageDefinition } from '../lib/stage.js';
import type { ValidationReport } from '../lib/validate.js';
import { defaultWorkerCount, TaskFailure, WorkerPool } from '../lib/workerPool.js';

/** CSV text is written in pieces of about this many characters. */
const CSV_FLUSH_CHARS = 1 << 20;

/** The table published on a worker thread, beside the others (about half of the rows' bytes). */
const PARALLEL_TABLE: TableName = 'figures';
/** No time budget: this is the build's own work, not a document's. */
const NO_BUDGET_MS = 2 ** 31 - 1;
const WORKER_HEAP_MB = 4096;

export interface PublishTableInput {
  table: TableName;
  linkDir: string;
  outDir: string;
  root: string;
}

export interface PublishedTable {
  files: ResourceFile[];
  stats: CardStatsPart;
}

/** One table's CSV and Parquet files (and their hashes) and its card statistics. Exported for the worker. */
export function publishTable({ table, linkDir, outDir, root }: PublishTableInput): PublishedTable {
  const schema = loadSchemas(root)[table];
  const stats = new CardStats();
  const csvFile = `${table}.csv`;
  const csv = new HashedFile(path.join(outDir, csvFile));
  const lines = csvLines(schema);
  const parquet = new ParquetColumns(schema);
  let text = lines.header;
  for (const row of readJsonlRecords<Row>(path.join(linkDir, `${table}.jsonl`))) {
    text += lines.line(row);
    parquet.add(row);
    stats.add(table, row);
    if (text.length >= CSV_FLUSH_CHARS) {
      csv.write(Buffer.from(text, 'utf8'));
      text = '';
    }
  }
  if (text) csv.write(Buffer.from(text, 'utf8'));
  const files: ResourceFile[] = [{ table, path: csvFile, format: 'csv', ...csv.close(), rows: parquet.rows }];
  const parquetFile = `${table}.parquet`;
  const out = new HashedFile(path.join(outDir, parquetFile));
  parquet.write(new SpillingByteWriter((bytes) => out.write(bytes)));
  files.push({ table, path: parquetFile, format: 'parquet', ...out.close(), rows: parquet.rows });
  collectGarbageIfGrown();
  return { files, stats: stats.part(table) };
}

export const emitStage: StageDefinition = {
  name: 'emit',
  output: 'dataset',
  moduleUrl: import.meta.url,
  inputs: (config) => ({
    link: path.join(config.out, 'link'),
    validate: path.join(config.out, 'validate'),
    card: path.join(config.root, 'DATASET_CARD.md'),
  }),
  codeFiles: (config) => schemaFiles(config.root),
  async run(context) {
    // load
    const report = await readJson<ValidationReport>(path.join(context.inputs.validate!, 'report.json'));
    if (!report.valid) throw new Error('refusing to publish: out/validate/report.json lists problems');
    const schemas = loadSchemas(context.config.root);
    const packageJson = JSON.parse(fs.readFileSync(path.join(context.config.root, 'package.json'), 'utf8')) as { name: string; version: string; description: string; license: string };

    // process + save: each table is read once, its CSV streamed to disk while hashed, its Parquet
    // column arrays and the card's statistics filled; then its Parquet file is written. The figures
    // table (the largest) is published on a worker thread while this thread does the other three.
    const job = (table: TableName): PublishTableInput => ({ table, linkDir: context.inputs.link!, outDir: context.outDir, root: context.config.root });
    const pool = defaultWorkerCount() > 0 ? new WorkerPool<PublishTableInput, PublishedTable>({ workers: 1, timeoutMs: NO_BUDGET_MS, maxHeapMb: WORKER_HEAP_MB }) : null;
    let published: PublishedTable[];
    try {
      const onWorker = pool?.run({ moduleUrl: import.meta.url, exportName: 'publishTable' }, job(PARALLEL_TABLE)) ?? null;
      onWorker?.catch(() => {}); // awaited below; a failure must not count as unhandled meanwhile
      await pool?.dispatched();
      const here = new Map(TABLE_NAMES.filter((table) => !onWorker || table !== PARALLEL_TABLE).map((table) => [table, publishTable(job(table))]));
      // A pool that cannot start (no worker threads here) only costs the parallelism.
      const fromWorker = onWorker ? await onWorker.catch((error: unknown) => (error instanceof TaskFailure && error.kind === 'setup' ? null : Promise.reject(error))) : null;
      published = TABLE_NAMES.map((table) => here.get(table) ?? fromWorker ?? publishTable(job(table)));
    } finally {
      await pool?.close();
    }
    const files = published.flatMap((p) => p.files);
    const stats = new CardStats();
    for (const p of published) stats.absorb(p.stats);
    const pkg = dataPackage(schemas, files, {
      name: packageJson.name,
      version: packageJson.version,
      title: 'Cybercrime crackdowns: enforcement figures from news reports',
      description: packageJson.description,
      license: 'CC-BY-4.0',
    });
    await fsp.writeFile(path.join(context.outDir, 'datapackage.json'), JSON.stringify(pkg, null, 2) + '\n');
    const prose = fs.existsSync(context.inputs.card!) ? await fsp.readFile(context.inputs.card!, 'utf8') : '';
    await fsp.writeFile(path.join(context.outDir, 'DATASET_CARD.md'), renderCardFromStats(prose, { schemas, stats, version: packageJson.version }));
    const rows = TABLE_NAMES.map((t) => `${stats.rows[t]} ${t}`).join(', ');
    return { ok: true, summary: `published ${rows} (CSV + Parquet)` };
  },
};
