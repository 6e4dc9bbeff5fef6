// Stage 6 — emit: the published dataset. Four tables as CSV and Parquet, datapackage.json, and the
// dataset card. Publishes only a dataset the validate stage found valid.
// Inputs: out/link (rows), out/validate (report), schemas/, DATASET_CARD.md (hand-written prose).
// Output: out/dataset/; and OUT/.cache/emit-segments.json, the segment index that lets the next build
// copy the parts of each table whose rows did not change (lib/tablePublisher.ts). The segments are
// those link recorded in out/link/segments.json (only a changed segment is read), or cut from the tables.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { CardStats, renderCardFromStats } from '../lib/card.js';
import { readJson } from '../lib/fsutil.js';
import { dataPackage } from '../lib/publish.js';
import { loadSchemas, schemaFiles, TABLE_NAMES, type TableName } from '../lib/schema.js';
import { buildCachePath, segmentRuleOf, writeBuildCache, type StageContext, type StageDefinition } from '../lib/stage.js';
import { publishingSeconds, publishingWork, publishTable, usableSegments, type PublishedTable, type PublishTableInput, type SegmentIndex } from '../lib/tablePublisher.js';
import type { ValidationReport } from '../lib/validate.js';
import { defaultWorkerCount } from '../lib/cores.js';
import { TaskFailure, WorkerPool } from '../lib/workerPool.js';

/** For the worker thread, which imports a table's publisher by this module and name. */
export { publishTable };

/** No time budget: this is the build's own work, not a document's. */
const NO_BUDGET_MS = 2 ** 31 - 1;
const WORKER_HEAP_MB = 4096;
/**
 * Without a thread started ahead, the costliest table goes to a new worker thread only when it has
 * at least this many segments to encode (about 0.06 s each): starting the thread costs about half a
 * second of CPU, more than a rebuild after a few changed articles saves by it.
 */
const WORKER_MIN_SEGMENTS = 8;

const newPool = (): WorkerPool<PublishTableInput, PublishedTable> => new WorkerPool({ workers: 1, timeoutMs: NO_BUDGET_MS, maxHeapMb: WORKER_HEAP_MB });

/**
 * A thread started, with this module loaded, while the stage before emit (validate) runs, on the
 * core it leaves idle (startAhead): then even a rebuild after one added article publishes its
 * costliest table beside the others (its claims, spread over several segments: about 0.4 s of 1 s),
 * where starting a thread only then would cost more than it saves.
 */
let aheadPool: WorkerPool<PublishTableInput, PublishedTable> | null = null;

/** The segment index, outside the published folder: OUT/.cache/emit-segments.json. */
const SEGMENT_INDEX = 'emit-segments.json';

/** The last build's segment index and published file hashes, or nothing usable. */
async function previousSegments(context: StageContext): Promise<{ index: SegmentIndex | null; published: Map<string, string> }> {
  const published = new Map<string, string>();
  const indexFile = buildCachePath(context.config.out, SEGMENT_INDEX);
  if (!context.previous || !fs.existsSync(indexFile)) return { index: null, published };
  try {
    const pkg = await readJson<{ resources?: { path: string; hash: string }[] }>(path.join(context.previous.dir, 'datapackage.json'));
    for (const resource of pkg.resources ?? []) published.set(resource.path, resource.hash.replace(/^sha256:/, ''));
    return { index: await readJson<SegmentIndex>(indexFile), published };
  } catch {
    return { index: null, published }; // a damaged cache costs only the reuse
  }
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
  startAhead() {
    if (aheadPool || defaultWorkerCount() === 0) return;
    aheadPool = newPool();
    aheadPool.preload([import.meta.url]);
  },
  async endAhead() {
    const pool = aheadPool;
    aheadPool = null;
    await pool?.close();
  },
  async run(context) {
    // load
    const report = await readJson<ValidationReport>(path.join(context.inputs.validate!, 'report.json'));
    if (!report.valid) throw new Error('refusing to publish: out/validate/report.json lists problems');
    const schemas = loadSchemas(context.config.root);
    const packageJson = JSON.parse(fs.readFileSync(path.join(context.config.root, 'package.json'), 'utf8')) as { name: string; version: string; description: string; license: string };

    // process + save: each table is read once, segment by segment; a segment the last build
    // published is copied, the others are parsed and encoded (lib/tablePublisher.ts). The costliest
    // table (the figures from scratch, the most bytes; after a few changed articles, often the
    // claims, with the most segments to encode) is published on a worker thread while this thread
    // does the other three: on the thread started ahead, or on a new one when it has enough to
    // encode to pay for starting it (WORKER_MIN_SEGMENTS).
    const { index, published: publishedHashes } = await previousSegments(context);
    const previousDir = context.previous?.dir ?? null;
    // Each table's job once: checking the last build's files for reuse stats them.
    const jobs = new Map(
      TABLE_NAMES.map((table): [TableName, PublishTableInput] => {
        const segments = previousDir === null ? null : usableSegments(index, context.codeHash, table, publishedHashes, previousDir);
        const previous = segments && previousDir !== null ? { dir: previousDir, segments } : null;
        return [table, { table, linkDir: context.inputs.link!, outDir: context.outDir, root: context.config.root, previous, rule: segmentRuleOf(context.config) }];
      }),
    );
    const job = (table: TableName): PublishTableInput => jobs.get(table)!;
    const works = TABLE_NAMES.map((table) => ({ table, work: publishingWork(job(table)) }));
    const { table: parallelTable, work } = works.reduce((a, b) => (publishingSeconds(b.work) > publishingSeconds(a.work) ? b : a));
    const started = aheadPool;
    aheadPool = null;
    // A thread started ahead has its modules loaded: handing it a table costs a message each way.
    const parallel = defaultWorkerCount() > 0 && (started !== null || work.segmentsToEncode >= WORKER_MIN_SEGMENTS);
    const where = !parallel ? 'this thread' : started ? 'a worker thread started ahead' : 'a worker thread';
    if (parallel || index) context.log(`${parallelTable}: ${work.segmentsToEncode} segment${work.segmentsToEncode === 1 ? '' : 's'} to encode, on ${where}`);
    const pool = parallel ? (started ?? newPool()) : null;
    if (!parallel) await started?.close();
    let published: PublishedTable[];
    try {
      const onWorker = pool?.run({ moduleUrl: import.meta.url, exportName: 'publishTable' }, job(parallelTable)) ?? null;
      onWorker?.catch(() => {}); // awaited below; a failure must not count as unhandled meanwhile
      await pool?.dispatched();
      const here = new Map(TABLE_NAMES.filter((table) => !onWorker || table !== parallelTable).map((table) => [table, publishTable(job(table))]));
      // A pool that cannot start (no worker threads here) only costs the parallelism.
      const fromWorker = onWorker ? await onWorker.catch((error: unknown) => (error instanceof TaskFailure && error.kind === 'setup' ? null : Promise.reject(error))) : null;
      published = TABLE_NAMES.map((table) => here.get(table) ?? fromWorker ?? publishTable(job(table)));
    } finally {
      await pool?.close();
    }
    const files = published.flatMap((p) => p.files);
    const segmentCount = published.reduce((n, p) => n + p.segments.segments.length, 0);
    if (index) context.log(`${published.reduce((n, p) => n + p.reused, 0)} of ${segmentCount} table segments copied from the last build`);
    // Written before the folder is published: if the build stops in between, the index names file
    // hashes the published datapackage.json does not list, and the next build ignores it.
    const nextIndex: SegmentIndex = { code_hash: context.codeHash, tables: Object.fromEntries(published.map((p, i) => [TABLE_NAMES[i]!, p.segments])) };
    await writeBuildCache(context.config.out, SEGMENT_INDEX, JSON.stringify(nextIndex));
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
    // The tables' files were hashed as they were written (datapackage.json lists them): not read again.
    return { ok: true, summary: `published ${rows} (CSV + Parquet)`, knownHashes: Object.fromEntries(files.map((file) => [file.path, file.sha256])) };
  },
};
