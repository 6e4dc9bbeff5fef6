// The stage skeleton shared by every step of the pipeline (after owid/etl):
//   load declared inputs -> process -> save outputs into a temp folder -> publish atomically.
// A stage records `out/<stage>.stamp.json` beside its folder: the hash of its code and inputs and of
// what it wrote. When code and inputs are unchanged the stage is skipped.
import { DEFAULT_SEGMENT_RULE, type SegmentRule } from './segments.js';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { codeHash } from './codehash.js';
import { sha256OfFile } from './hashedFile.js';
import { exists, publishFolder, readJson, recoverFolder, walkFiles, type FolderWalk } from './fsutil.js';
import { canonicalJson, sha256Hex } from './hash.js';

export interface BuildConfig {
  /** Project root: where schemas/, DATASET_CARD.md and package-lock.json live. */
  root: string;
  /** The input folder of articles. */
  seeds: string;
  /** The output folder; each stage owns `out/<output>/`. */
  out: string;
  /** Print progress to stderr. */
  quiet?: boolean;
  /** How link cuts its tables into segments (default DEFAULT_SEGMENT_RULE); tests use small ones. */
  segmentRule?: SegmentRule;
}

export interface StageContext {
  config: BuildConfig;
  /** Declared inputs, resolved to absolute paths (folders or files). */
  inputs: Record<string, string>;
  /** The temp folder to write into; it becomes `out/<output>/` when the stage succeeds. */
  outDir: string;
  /** The last published output of this stage, if any, and the code hash that produced it: a per-document cache. */
  previous: { dir: string; codeHash: string } | null;
  /**
   * The walks of input folders that are not stage outputs (the articles), by location, as the
   * fingerprint saw them: a stage reads the same file list its stamp records, without walking again.
   */
  walked?: ReadonlyMap<string, FolderWalk>;
  codeHash: string;
  log(message: string): void;
  progress(done: number, total: number): void;
}

export interface StageOutcome {
  /** false = the stage ran and found the data unfit to publish (validation); the build stops. */
  ok: boolean;
  /** One line for the progress report: documents in/out, rows. */
  summary: string;
  /**
   * sha256 of output files the stage already knows (relative path -> hex), e.g. shards it took over
   * from the last run or hashed as it wrote them, or another digest that changes whenever the file's
   * bytes do (cacheDigests, link.ts): the output hash uses them instead of reading the files. Only
   * for files as the stage leaves them: a file changed after its hash was taken must not be listed.
   */
  knownHashes?: Record<string, string>;
}

export interface StageDefinition {
  name: string;
  /** Folder under OUT the stage writes (defaults to the name). */
  output?: string;
  /** `import.meta.url` of the stage module: the root of its code hash. */
  moduleUrl: string;
  /** Runs documents on the shared worker threads (see workerPool.ts); the threads are kept for the next such stage. */
  usesWorkers?: boolean;
  /** The module its worker threads run (default: the stage module); the build has it loaded on them ahead of time. */
  workerModuleUrl?: string;
  /**
   * Called when the stage before this one starts running (not when it is up to date): starts what
   * this stage will need, on a core the stage before leaves idle, such as a worker thread that loads
   * its modules meanwhile, or work on inputs that are final already (emit encodes the tables link
   * wrote while validate checks them). The stage takes it if it runs with what it was started for;
   * endAhead ends it if it does not.
   */
  startAhead?(config: BuildConfig): void | Promise<void>;
  /**
   * Called when the stage two before this one starts running: starts a thread that loads this
   * stage's modules (a third of a second of CPU) while that stage runs, for startAhead or the stage
   * to take. The thread's heap (about 20 MB) is held meanwhile.
   */
  warmAhead?(): void;
  /** Ends what warmAhead and startAhead started and the stage did not take (the build calls it when it ends). */
  endAhead?(): Promise<void>;
  inputs(config: BuildConfig): Record<string, string>;
  /** Extra files whose content counts as code (e.g. schemas). */
  codeFiles?(config: BuildConfig): string[];
  /**
   * Where the output a run replaces goes instead of being deleted (replacing what was there): emit
   * keeps the dataset before the last one, whose files its next run writes over (hashedFile.ts).
   */
  keepSupersededAt?(config: BuildConfig): string | null;
  run(context: StageContext): Promise<StageOutcome>;
}

export interface StageStamp {
  stage: string;
  code_hash: string;
  inputs_hash: string;
  output_hash: string;
  ok: boolean;
  summary: string;
}

export interface StageReport {
  stage: string;
  status: 'built' | 'up to date';
  ok: boolean;
  summary: string;
  seconds: number;
  /** Why the last output of the same code could not be used as a cache, when the stage was run again without it. */
  fellBack?: string;
}

/** The rule link cuts its tables by, and validate and emit read them by (recorded spans are used only under the same rule). */
export function segmentRuleOf(config: BuildConfig): SegmentRule {
  return config.segmentRule ?? DEFAULT_SEGMENT_RULE;
}

export function stageOutputDir(stage: StageDefinition, config: BuildConfig): string {
  return path.join(config.out, stage.output ?? stage.name);
}

export function stampPath(stage: StageDefinition, config: BuildConfig): string {
  return path.join(config.out, `${stage.output ?? stage.name}.stamp.json`);
}

/**
 * A file of this stage's last published output, usable as a cache: only if the same stage code
 * wrote it (else null).
 */
export async function previousOutputFile(context: StageContext, name: string): Promise<string | null> {
  if (!context.previous || context.previous.codeHash !== context.codeHash) return null;
  const file = path.join(context.previous.dir, name);
  return (await exists(file)) ? file : null;
}

/** The hash a stage's stamp records of its code: its module's closure, the lockfile and its codeFiles. */
export function stageCodeHash(stage: StageDefinition, config: BuildConfig): string {
  return codeHash(stage.moduleUrl, config.root, [path.join(config.root, 'package-lock.json'), ...(stage.codeFiles?.(config) ?? [])]);
}

async function lastOutput(stamp: StageStamp | null, target: string): Promise<StageContext['previous']> {
  return stamp && (await exists(target)) ? { dir: target, codeHash: stamp.code_hash } : null;
}

/** What runStage will give the stage as `previous`: its last published output and the code hash that wrote it. */
export async function lastOutputOf(stage: StageDefinition, config: BuildConfig): Promise<StageContext['previous']> {
  const stampFile = stampPath(stage, config);
  return lastOutput((await exists(stampFile)) ? await readJson<StageStamp>(stampFile) : null, stageOutputDir(stage, config));
}

/**
 * Runs one stage unless its stamp says code and inputs are unchanged. A run that fails while the
 * last output of the same code was on offer is run once more without it (see below).
 */
export async function runStage(
  stage: StageDefinition,
  config: BuildConfig,
  /** Called once the stage is known to run (not up to date), before it does. */
  beforeRun: () => void | Promise<void> = () => {},
): Promise<StageReport> {
  const started = process.hrtime.bigint();
  const target = stageOutputDir(stage, config);
  await fsp.mkdir(config.out, { recursive: true });
  await recoverFolder(target);
  // Before the up-to-date check: a killed build's leftovers go even when nothing needs building.
  await removeStaleTemps(config.out);
  const inputs = stage.inputs(config);
  const code = stageCodeHash(stage, config);
  const walked = new Map<string, FolderWalk>();
  const inputsHash = await fingerprintInputs(inputs, config, walked);
  const stampFile = stampPath(stage, config);
  const stamp = (await exists(stampFile)) ? await readJson<StageStamp>(stampFile) : null;
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;

  if (stamp && stamp.code_hash === code && stamp.inputs_hash === inputsHash && (await exists(target))) {
    return { stage: stage.name, status: 'up to date', ok: stamp.ok, summary: stamp.summary, seconds: seconds() };
  }

  await beforeRun();
  const staged = path.join(config.out, `.${stage.output ?? stage.name}.tmp-${process.pid}`);
  await fsp.rm(staged, { recursive: true, force: true });
  await fsp.mkdir(staged, { recursive: true });
  const previous = await lastOutput(stamp, target);
  const progress = progressPrinter(stage.name, config.quiet ?? false);
  let outcome: StageOutcome;
  let fellBack: string | undefined;
  const context: StageContext = {
    config,
    inputs,
    outDir: staged,
    previous,
    walked,
    codeHash: code,
    log: (message) => {
      if (!config.quiet) process.stderr.write(`${stage.name}: ${message}\n`);
    },
    progress,
  };
  try {
    try {
      outcome = await stage.run(context);
    } catch (error) {
      // The last output of the same code is only a cache: if reusing it failed (a file damaged or
      // edited since), say so in one line and build from scratch, which needs nothing of it.
      if (!previous || previous.codeHash !== code) throw error;
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      fellBack = reason;
      context.log(`ignoring the last run's output (${reason}): building from scratch`);
      await fsp.rm(staged, { recursive: true, force: true });
      await fsp.mkdir(staged, { recursive: true });
      outcome = await stage.run({ ...context, previous: null });
    }
  } catch (error) {
    await fsp.rm(staged, { recursive: true, force: true });
    throw error;
  } finally {
    progress.done();
  }
  const outputHash = await hashFolder(staged, outcome.knownHashes);
  // Folder first, stamp second: a crash in between leaves a stale stamp, which only causes a rerun.
  await publishFolder(staged, target, { removeOldInBackground: true, keepOldAt: stage.keepSupersededAt?.(config) ?? null }); // runBuild waits for it at the end
  const newStamp: StageStamp = { stage: stage.name, code_hash: code, inputs_hash: inputsHash, output_hash: outputHash, ok: outcome.ok, summary: outcome.summary };
  await writeFileAtomic(stampFile, JSON.stringify(newStamp, null, 2) + '\n');
  return { stage: stage.name, status: 'built', ok: outcome.ok, summary: outcome.summary, seconds: seconds(), ...(fellBack === undefined ? {} : { fellBack }) };
}

/** The output hash a stage's stamp records for its published folder `location` (out/<stage>), or null without a stamp. */
export async function publishedOutputHash(location: string): Promise<string | null> {
  const stamp = path.join(path.dirname(location), `${path.basename(location)}.stamp.json`);
  return (await exists(stamp)) ? (await readJson<StageStamp>(stamp)).output_hash : null;
}

/**
 * Inputs are fingerprinted cheaply: a folder another stage published is represented by that stage's
 * recorded output hash; an external folder (the articles) by its file list with sizes and mtimes;
 * a single file by its content.
 */
async function fingerprintInputs(inputs: Record<string, string>, config: BuildConfig, walked: Map<string, FolderWalk>): Promise<string> {
  const parts: Record<string, string> = {};
  for (const [name, location] of Object.entries(inputs).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const producerHash = path.dirname(path.resolve(location)) === path.resolve(config.out) ? await publishedOutputHash(location) : null;
    if (producerHash !== null) {
      parts[name] = `stage:${producerHash}`;
    } else if (!(await exists(location))) {
      parts[name] = 'missing';
    } else if ((await fsp.stat(location)).isDirectory()) {
      const walk = await walkFiles(location);
      walked.set(location, walk);
      const { files, problems } = walk;
      // A line per file into the hash: an array per file through canonicalJson took 0.12-0.16 s at 100k.
      const hash = createHash('sha256');
      for (const f of files) hash.update(`${JSON.stringify(f.relPath)}\t${f.size}\t${f.mtimeMs}\n`); // quoted: a name may hold a tab
      parts[name] = hash.update(canonicalJson(problems)).digest('hex');
    } else {
      parts[name] = sha256Hex(await fsp.readFile(location));
    }
  }
  return sha256Hex(canonicalJson(parts));
}

/** sha256 over every file's relative path and content, in sorted order (`known`: hashes the stage vouches for). */
export async function hashFolder(dir: string, known: Readonly<Record<string, string>> = {}): Promise<string> {
  const { files } = await walkFiles(dir);
  const lines: string[] = [];
  for (const file of files) lines.push(`${file.relPath}\t${Object.hasOwn(known, file.relPath) ? known[file.relPath] : sha256OfFile(file.absPath)}`);
  return sha256Hex(lines.join('\n'));
}

/** `.<stage>.tmp-<pid>` folders and `<file>.tmp-<pid>` files: what runStage and writeFileAtomic stage into. */
const TEMP_NAME = /\.tmp-(\d+)$/;

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCodeOf(error) === 'EPERM'; // exists, owned by someone else
  }
}

function errorCodeOf(error: unknown): string | undefined {
  return error && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

/**
 * A build killed mid-stage leaves its temp folder (and maybe a stamp's temp file) behind; nothing
 * else ever removes them, so they piled up one per killed run. Remove those whose process is gone.
 * A live process's temps are left alone (another build may be writing them).
 */
async function removeStaleTemps(out: string): Promise<void> {
  for (const name of await fsp.readdir(out)) {
    const pid = TEMP_NAME.exec(name)?.[1];
    if (!pid || Number(pid) === process.pid || processIsAlive(Number(pid))) continue;
    await fsp.rm(path.join(out, name), { recursive: true, force: true });
  }
}

/**
 * A stage's cache file outside the published folders, `OUT/.cache/<name>` (ingest's file hashes,
 * emit's segment index): what it holds (mtimes, byte offsets) must never reach an artifact.
 */
export function buildCachePath(out: string, name: string): string {
  return path.join(out, '.cache', name);
}

export async function writeBuildCache(out: string, name: string, content: string): Promise<void> {
  const file = buildCachePath(out, name);
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, content);
}

export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  const temp = `${file}.tmp-${process.pid}`;
  await fsp.writeFile(temp, content);
  await fsp.rename(temp, file);
}

/** A progress bar on stderr for long stages, only on an interactive terminal. */
function progressPrinter(name: string, quiet: boolean): ((done: number, total: number) => void) & { done(): void } {
  let shown = false;
  let lastPercent = -1;
  const print = (done: number, total: number) => {
    if (quiet || !process.stderr.isTTY || total < 200) return;
    const percent = Math.floor((100 * done) / total);
    if (percent === lastPercent) return;
    lastPercent = percent;
    const width = 30;
    const filled = Math.round((width * done) / total);
    process.stderr.write(`\r${name.padEnd(9)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
    shown = true;
  };
  return Object.assign(print, {
    done() {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  });
}
