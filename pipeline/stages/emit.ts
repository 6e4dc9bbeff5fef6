// Stage 6 — emit: the published dataset. Four tables as CSV and Parquet, datapackage.json, and the
// dataset card. Publishes only a dataset the validate stage found valid.
// Inputs: out/link (rows), out/validate (report), schemas/, DATASET_CARD.md (hand-written prose).
// Output: out/dataset/; and OUT/.cache/emit-segments.json, the segment index that lets the next build
// copy the parts of each table whose rows did not change (lib/tablePublisher.ts). The segments are
// those link recorded in out/link/segments.json (only a changed segment is read), or cut from the tables.
//
// The tables are encoded while validate checks them: when validate starts, emit (startAhead) hands
// the tables, costliest first, to a worker thread that publishes them into a staging folder, on the
// core validate leaves idle; when emit runs, this thread takes the tables the worker has not started
// (publishClaimedTables), and the files are moved into the stage's folder. Nothing is published before
// emit has read a valid report, and a head start begun for other code, another last dataset or
// another link output is thrown away, so the bytes are those of an emit that did everything itself.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { CardStats, renderCardFromStats } from '../lib/card.js';
import { readJson } from '../lib/fsutil.js';
import { dataPackage } from '../lib/publish.js';
import { siblingModule } from '../lib/runtime.js';
import { loadSchemas, schemaFiles, TABLE_NAMES, type TableName } from '../lib/schema.js';
import { buildCachePath, lastOutputOf, publishedOutputHash, segmentRuleOf, stageCodeHash, writeBuildCache, type BuildConfig, type StageContext, type StageDefinition } from '../lib/stage.js';
import { publishClaimedTables, publishingSeconds, publishingWork, publishTable, sharedTables, usableSegments, type PublishedTable, type PublishingWork, type PublishTableInput, type SegmentIndex, type SharedTables } from '../lib/tablePublisher.js';
import type { ValidationReport } from '../lib/validate.js';
import { defaultWorkerCount } from '../lib/cores.js';
import { TaskFailure, WorkerPool } from '../lib/workerPool.js';

const PUBLISHER_MODULE = siblingModule(import.meta.url, '../lib/tablePublisher');
/** No time budget: this is the build's own work, not a document's. */
const NO_BUDGET_MS = 2 ** 31 - 1;
const WORKER_HEAP_MB = 4096;
/**
 * Without a head start, the tables go to a new worker thread beside this one only when the costliest
 * has at least this many segments to encode (about 0.06 s each): starting the thread costs about
 * half a second of CPU, more than a rebuild after a few changed articles saves by it.
 */
const WORKER_MIN_SEGMENTS = 8;

const newPool = (): Pool =>
  new WorkerPool({ workers: 1, timeoutMs: NO_BUDGET_MS, maxHeapMb: WORKER_HEAP_MB, handBeforeReady: true });

/** The segment index, outside the published folder: OUT/.cache/emit-segments.json. */
const SEGMENT_INDEX = 'emit-segments.json';
/**
 * Where the dataset a build replaces goes instead of being deleted, OUT/.cache/emit-spare: the next
 * build writes its tables' files over these (HashedFile), whose pages are cached already, rather
 * than into new files (320 MB at 100k articles; see hashedFile.ts). It holds the dataset before the
 * last one, and is not read.
 */
const SPARE = 'emit-spare';

/**
 * CC_EMIT_SPARE=0: no spare is kept (the replaced dataset is deleted), for a reader that keeps the
 * files of a dataset two builds old open or memory-mapped: a spare's file is rewritten in place.
 */
function spareDirOf(config: BuildConfig): string | null {
  return process.env.CC_EMIT_SPARE === '0' ? null : buildCachePath(config.out, SPARE);
}

/** What emit's tables are made from, beside the code: compared before a head start is taken. */
interface EmitInputs {
  config: BuildConfig;
  linkDir: string;
  codeHash: string;
  previous: StageContext['previous'];
  /** The output hash link's stamp records (null without one). */
  linkHash: string | null;
}

/** The last build's segment index and published file hashes, or nothing usable. */
async function previousSegments({ config, previous }: EmitInputs): Promise<{ index: SegmentIndex | null; published: Map<string, string> }> {
  const published = new Map<string, string>();
  const indexFile = buildCachePath(config.out, SEGMENT_INDEX);
  if (!previous || !fs.existsSync(indexFile)) return { index: null, published };
  try {
    const pkg = await readJson<{ resources?: { path: string; hash: string }[] }>(path.join(previous.dir, 'datapackage.json'));
    for (const resource of pkg.resources ?? []) published.set(resource.path, resource.hash.replace(/^sha256:/, ''));
    return { index: await readJson<SegmentIndex>(indexFile), published };
  } catch {
    return { index: null, published }; // a damaged cache costs only the reuse
  }
}

/** Each table's job (writing into `outDir`), costliest first, with what it takes (publishingWork); whether the last build's segment index was found. */
async function planTables(inputs: EmitInputs, outDir: string): Promise<{ jobs: { job: PublishTableInput; work: PublishingWork }[]; indexed: boolean }> {
  const { index, published } = await previousSegments(inputs);
  const previousDir = inputs.previous?.dir ?? null;
  const jobs = TABLE_NAMES.map((table) => {
    // Checking the last build's files for reuse stats them: once per table.
    const segments = previousDir === null ? null : usableSegments(index, inputs.codeHash, table, published, previousDir);
    const previous = segments && previousDir !== null ? { dir: previousDir, segments } : null;
    const job: PublishTableInput = { table, linkDir: inputs.linkDir, outDir, root: inputs.config.root, previous, rule: segmentRuleOf(inputs.config), spareDir: spareDirOf(inputs.config) };
    return { job, work: publishingWork(job) };
  });
  // Costliest first (publishingSeconds; ties in table order): each thread takes the next one left.
  jobs.sort((a, b) => publishingSeconds(b.work) - publishingSeconds(a.work));
  return { jobs, indexed: index !== null };
}

/** The tables being published: by a worker thread (if any) and, from finish(), by this one. */
class TablesInFlight {
  private readonly tables: SharedTables;
  private readonly onWorker: Promise<[number, PublishedTable][]> | null;
  constructor(
    readonly plan: Awaited<ReturnType<typeof planTables>>,
    private readonly pool: Pool | null,
    /** How the log names the worker thread (null without one). */
    readonly worker: string | null,
  ) {
    this.tables = sharedTables(plan.jobs.map((j) => j.job));
    this.onWorker = pool?.run({ moduleUrl: PUBLISHER_MODULE, exportName: 'publishClaimedTables' }, this.tables) ?? null;
    this.onWorker?.catch(() => {}); // awaited in finish(); a failure must not count as unhandled meanwhile
  }

  /** Publishes here the tables the worker has not claimed, then waits for its own: every table, in TABLE_NAMES order. */
  async finish(): Promise<{ published: PublishedTable[]; byWorker: TableName[] }> {
    try {
      const here = publishClaimedTables(this.tables);
      // A thread that could not start (no worker threads here), or died while starting, publishes
      // nothing: the tables it claimed, if any, are published here (a file it began is written anew).
      const there = this.onWorker ? await this.onWorker.catch((error: unknown) => (error instanceof TaskFailure && error.kind === 'setup' ? [] : Promise.reject(error))) : [];
      const byJob = new Map([...here, ...there]);
      const byTable = new Map(this.plan.jobs.map(({ job }, i) => [job.table, byJob.get(i) ?? publishTable(job)]));
      return { published: TABLE_NAMES.map((table) => byTable.get(table)!), byWorker: there.map(([i]) => this.plan.jobs[i]!.job.table) };
    } finally {
      await this.pool?.close();
    }
  }

  /**
   * Ends the publishing without taking it: the worker takes no further table and finishes the one it
   * is on (a thread stopped mid-table would leave its files open and half written), for at most
   * CANCEL_WAIT_MS; then the thread ends.
   */
  async cancel(): Promise<void> {
    const claims = new Int32Array(this.tables.claims);
    for (let i = 0; i < claims.length; i++) Atomics.store(claims, i, 1);
    if (this.onWorker) {
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, CANCEL_WAIT_MS)));
      await Promise.race([this.onWorker.then(() => {}, () => {}), waited]);
      clearTimeout(timer);
    }
    await this.pool?.close();
  }
}

/** How long cancel() waits for the worker to finish its table (a figures table from scratch at 100k takes about 5 s). */
const CANCEL_WAIT_MS = 60_000;

/** A head start: the tables being published into `staging` for the inputs emit expected when validate began. */
interface HeadStart {
  inputs: EmitInputs;
  staging: string;
  tables: TablesInFlight;
}

let headStart: HeadStart | null = null;

type Pool = WorkerPool<SharedTables, [number, PublishedTable][]>;
/**
 * A thread started while link runs (warmAhead), its modules loading meanwhile, so that neither
 * validate nor emit waits for it (about a third of a second of CPU; after a few changed articles
 * link's own second thread has little to do). It holds about 20 MB through link: a full build at
 * 100k peaked 17 MB higher with it (1,034 MB against 1,017 MB).
 */
let warmThread: Pool | null = null;

function takeWarmThread(): Pool | null {
  const thread = warmThread;
  warmThread = null;
  return thread && !thread.isClosed ? thread : null;
}

async function emitInputs(config: BuildConfig, linkDir: string, codeHash: string, previous: StageContext['previous']): Promise<EmitInputs> {
  return { config, linkDir, codeHash, previous, linkHash: await publishedOutputHash(linkDir) };
}

/** The head start if it was made from the inputs this run has (else it is ended): the same code, last dataset, link output and segment rule. */
async function takeHeadStart(context: StageContext): Promise<HeadStart | null> {
  const started = headStart;
  headStart = null;
  if (!started) return null;
  const now = await emitInputs(context.config, context.inputs.link!, context.codeHash, context.previous);
  const was = started.inputs;
  const same =
    was.codeHash === now.codeHash &&
    was.linkDir === now.linkDir &&
    was.linkHash !== null &&
    was.linkHash === now.linkHash &&
    was.previous?.dir === now.previous?.dir &&
    was.previous?.codeHash === now.previous?.codeHash &&
    JSON.stringify(segmentRuleOf(was.config)) === JSON.stringify(segmentRuleOf(now.config));
  if (same) return started;
  await endHeadStart(started);
  return null;
}

async function endHeadStart(started: HeadStart): Promise<void> {
  await started.tables.cancel();
  await fsp.rm(started.staging, { recursive: true, force: true });
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
  keepSupersededAt: spareDirOf,
  warmAhead() {
    if (warmThread || defaultWorkerCount() === 0) return;
    warmThread = newPool();
    warmThread.preload([PUBLISHER_MODULE]);
  },
  // The build calls it when validate starts, link's output published: the tables are final. (Were
  // it called while link ran, the head start would be planned from link's last output, and thrown
  // away when emit runs, link's output hash having changed.)
  async startAhead(config) {
    if (headStart || defaultWorkerCount() === 0) return;
    const staging = path.join(config.out, `.dataset-ahead.tmp-${process.pid}`); // a killed build's is removed (runStage)
    try {
      const inputs = await emitInputs(config, emitStage.inputs(config).link!, stageCodeHash(emitStage, config), await lastOutputOf(emitStage, config));
      if (inputs.linkHash === null) return; // link's output is not a published one: emit plans when it runs
      await fsp.rm(staging, { recursive: true, force: true });
      await fsp.mkdir(staging, { recursive: true });
      headStart = { inputs, staging, tables: new TablesInFlight(await planTables(inputs, staging), takeWarmThread() ?? newPool(), 'a worker thread that began while validate ran') };
    } catch {
      // Only a head start: emit plans and publishes everything when it runs.
      await fsp.rm(staging, { recursive: true, force: true });
    }
  },
  async endAhead() {
    const started = headStart;
    headStart = null;
    await takeWarmThread()?.close();
    if (started) await endHeadStart(started);
  },
  async run(context) {
    // load
    const report = await readJson<ValidationReport>(path.join(context.inputs.validate!, 'report.json'));
    if (!report.valid) throw new Error('refusing to publish: out/validate/report.json lists problems');
    if (spareDirOf(context.config) === null) fs.rmSync(buildCachePath(context.config.out, SPARE), { recursive: true, force: true });
    const schemas = loadSchemas(context.config.root);
    const packageJson = JSON.parse(fs.readFileSync(path.join(context.config.root, 'package.json'), 'utf8')) as { name: string; version: string; description: string; license: string };

    // process + save: each table is read once, segment by segment; a segment the last build
    // published is copied, the others are parsed and encoded (lib/tablePublisher.ts). The tables
    // are taken costliest first by a worker thread (the one started while validate ran; else a new
    // one, when the costliest table has enough to encode to pay for starting it: WORKER_MIN_SEGMENTS)
    // and by this thread.
    const started = await takeHeadStart(context);
    let tables: TablesInFlight;
    if (started) tables = started.tables;
    else {
      const plan = await planTables(await emitInputs(context.config, context.inputs.link!, context.codeHash, context.previous), context.outDir);
      // A thread started while link ran has its modules loaded: handing it tables costs little.
      const warm = takeWarmThread();
      const parallel = defaultWorkerCount() > 0 && (warm !== null || plan.jobs[0]!.work.segmentsToEncode >= WORKER_MIN_SEGMENTS);
      if (!parallel) await warm?.close();
      tables = parallel ? new TablesInFlight(plan, warm ?? newPool(), warm ? 'a worker thread started while link ran' : 'a worker thread') : new TablesInFlight(plan, null, null);
    }
    let published: PublishedTable[];
    let byWorker: TableName[];
    try {
      ({ published, byWorker } = await tables.finish());
      // Published into the staging folder: moved into the stage's (a rename keeps the times the segment index records).
      if (started) for (const file of published.flatMap((p) => p.files)) await fsp.rename(path.join(started.staging, file.path), path.join(context.outDir, file.path));
    } finally {
      if (started) await fsp.rm(started.staging, { recursive: true, force: true });
    }
    const toEncode = tables.plan.jobs.reduce((n, j) => n + j.work.segmentsToEncode, 0);
    const segmentCount = published.reduce((n, p) => n + p.segments.segments.length, 0);
    const here = TABLE_NAMES.filter((t) => !byWorker.includes(t));
    const listed = (names: TableName[]): string => names.join(', ') || 'none';
    context.log(`${toEncode} of ${segmentCount} table segments to encode; ${tables.worker ? `on ${tables.worker}: ${listed(byWorker)}; ` : ''}on this thread: ${listed(here)}`);
    if (tables.plan.indexed) context.log(`${published.reduce((n, p) => n + p.reused, 0)} of ${segmentCount} table segments copied from the last build`);
    const files = published.flatMap((p) => p.files);
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
