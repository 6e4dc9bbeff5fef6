// File-system helpers shared by the stages: directory walks in a fixed order, small JSON Lines files,
// and the atomic publish of a stage's folder (write to a temp folder, then rename).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { readJsonlRecords } from './lineFile.js';
import { defaultWorkerCount } from './cores.js';

export interface WalkedFile {
  /** Path relative to the walked root, `/`-separated. */
  relPath: string;
  absPath: string;
  size: number;
  mtimeMs: number;
}

export interface WalkProblem {
  relPath: string;
  reason: string;
}

/**
 * Every regular file below root, sorted by relative path (code-unit order, machine independent).
 * Symlinks are followed once; a link that loops or dangles is reported, not fatal.
 * The walk uses synchronous calls: a promise round trip per entry costs more than the stat itself
 * (about 0.3 ms each: half a minute on a 100k-file corpus); with many files, a second thread stats
 * half of them (statFiles).
 */
export interface FolderWalk {
  files: WalkedFile[];
  problems: WalkProblem[];
}

export async function walkFiles(
  root: string,
  /** From how many files on they are stat'ed on two threads (if there is a second core). */
  parallelStatFrom = PARALLEL_STAT_MIN_FILES,
): Promise<FolderWalk> {
  const files: WalkedFile[] = [];
  const problems: WalkProblem[] = [];
  const seenDirs = new Set<string>();
  /** Entries the folder listing gave as regular files: stat'ed after the walk, on two threads when there are many. */
  const listedFiles: { relPath: string; absPath: string }[] = [];
  function classify(abs: string, relPath: string, stat: fs.Stats): void {
    if (stat.isDirectory()) visit(abs, relPath);
    else if (stat.isFile()) files.push({ relPath, absPath: abs, size: stat.size, mtimeMs: stat.mtimeMs });
    else problems.push({ relPath, reason: 'not a regular file' });
  }
  function statEntry(abs: string, relPath: string): void {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch (error) {
      problems.push({ relPath, reason: `unreadable entry (${errorCode(error)}: broken or looping symlink?)` });
      return;
    }
    classify(abs, relPath, stat);
  }
  function visit(dir: string, rel: string): void {
    let real: string;
    try {
      real = fs.realpathSync(dir);
    } catch (error) {
      problems.push({ relPath: rel || '.', reason: `cannot resolve folder (${errorCode(error)})` });
      return;
    }
    if (seenDirs.has(real)) {
      problems.push({ relPath: rel, reason: 'symlink loop: folder already visited' });
      return;
    }
    seenDirs.add(real);
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue; // hidden files (.DS_Store, .git) are never articles
      // Joined by hand: path.join normalises every one of 100k paths again (a tenth of a second).
      const abs = dir + path.sep + entry.name;
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isFile()) listedFiles.push({ relPath, absPath: abs });
      else statEntry(abs, relPath); // folders, symlinks (followed), anything else
    }
  }
  visit(path.resolve(root), '');
  const stats = await statFiles(
    listedFiles.map((f) => f.absPath),
    listedFiles.length >= parallelStatFrom && defaultWorkerCount() >= 2,
  );
  // A file replaced or removed since it was listed is stat'ed again here, and reported as it is now
  // (a folder now is visited: its files join the list, past the stats, and are stat'ed here too).
  for (let i = 0; i < listedFiles.length; i++) {
    const { relPath, absPath } = listedFiles[i]!;
    if (stats[3 * i] === REGULAR_FILE) files.push({ relPath, absPath, size: stats[3 * i + 1]!, mtimeMs: stats[3 * i + 2]! });
    else statEntry(absPath, relPath);
  }
  const byRelPath = (a: { relPath: string }, b: { relPath: string }): number => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0);
  files.sort(byRelPath);
  problems.sort(byRelPath); // in one order however they were found
  return { files, problems };
}

const REGULAR_FILE = 1;
/** Below this many files one thread stats them all: a thread takes a few hundredths of a second to start. */
const PARALLEL_STAT_MIN_FILES = 20_000;

/**
 * Per file: REGULAR_FILE (else 0), its size and mtimeMs, three numbers each. With `twoThreads`, a
 * worker thread stats the second half while this thread stats the first: stat is mostly
 * system-call time, which two cores share out (at 100k files, 0.8 s of walking took 0.6 s).
 */
export async function statFiles(paths: readonly string[], twoThreads: boolean): Promise<Float64Array> {
  const split = twoThreads ? paths.length >> 1 : paths.length;
  const theirs = split < paths.length ? statOnThread(paths.slice(split)) : null;
  const mine = statAll(paths, 0, split);
  const out = new Float64Array(3 * paths.length);
  out.set(mine);
  // A thread that cannot start or fails leaves its half to this one.
  out.set((await theirs?.catch(() => null)) ?? statAll(paths, split, paths.length), 3 * split);
  return out;
}

function statAll(paths: readonly string[], from: number, to: number): Float64Array {
  const out = new Float64Array(3 * (to - from));
  for (let i = from; i < to; i++) {
    try {
      const stat = fs.statSync(paths[i]!);
      if (!stat.isFile()) continue;
      out[3 * (i - from)] = REGULAR_FILE;
      out[3 * (i - from) + 1] = stat.size;
      out[3 * (i - from) + 2] = stat.mtimeMs;
    } catch {
      // left at 0: the caller stats it again and reports why
    }
  }
  return out;
}

/** statAll on a thread of its own (plain JavaScript evaluated there: nothing to load). */
const STAT_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const paths = workerData;
const out = new Float64Array(3 * paths.length);
for (let i = 0; i < paths.length; i++) {
  try {
    const stat = fs.statSync(paths[i]);
    if (!stat.isFile()) continue;
    out[3 * i] = ${REGULAR_FILE};
    out[3 * i + 1] = stat.size;
    out[3 * i + 2] = stat.mtimeMs;
  } catch {}
}
parentPort.postMessage(out, [out.buffer]);
`;

export function statOnThread(paths: readonly string[]): Promise<Float64Array> {
  return new Promise((resolve, reject) => {
    // No execArgv: a parent run under a loader (tsx, vitest) would have the thread start it too.
    const worker = new Worker(STAT_WORKER_SOURCE, { eval: true, workerData: paths, execArgv: [] });
    worker.once('message', (out: Float64Array) => resolve(out));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`stat thread exited with code ${code}`)));
  });
}

export function errorCode(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error) return String((error as { code: unknown }).code);
  return error instanceof Error ? error.message : String(error);
}

/** Why a hard link can fail where a copy would do: another file system, or none that links. */
const NO_HARD_LINKS = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS']);

/**
 * A file of a stage's last output taken into its new one: a hard link (no byte read or written), or
 * a copy where the file system has none. Never into an existing file: the target shares its inode
 * with the last output, so writing into it in place would change that output too.
 */
export function linkOrCopyFile(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch (error) {
    if (!NO_HARD_LINKS.has(errorCode(error))) throw error;
    fs.copyFileSync(from, to, fs.constants.COPYFILE_EXCL);
  }
}

/**
 * Writes a file that vouches for `files` (an index of them) in a later tick of the file clock than
 * every one of them, so that a reader can trust them only while each is strictly older than it: file
 * times come from a coarse clock (a few ms), and one of them written in the same tick would pass
 * for older. Rewrites the file until its time is past theirs (a few ms at most); dating it ahead
 * instead would hide an edit made within that margin.
 */
export function writeFileDatedAfter(file: string, text: string, files: readonly string[]): void {
  let newest = 0;
  for (const f of files) newest = Math.max(newest, fs.statSync(f).mtimeMs);
  fs.writeFileSync(file, text);
  for (let waited = 0; fs.statSync(file).mtimeMs <= newest; waited++) {
    if (waited > 1000) throw new Error(`${file}: the file clock did not pass the time of the files it indexes (${new Date(newest).toISOString()})`);
    Atomics.wait(PAUSE, 0, 0, 1); // 1 ms
    fs.writeFileSync(file, text);
  }
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** Every record of a (small) JSON Lines file. */
export async function readJsonlAll<T>(file: string): Promise<T[]> {
  return [...readJsonlRecords<T>(file)];
}

export async function writeJson(file: string, value: unknown): Promise<void> {
  await fsp.writeFile(file, JSON.stringify(value, null, 2) + '\n');
}

export async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await fsp.readFile(file, 'utf8')) as T;
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fsp.access(file);
    return true;
  } catch {
    return false;
  }
}

/** Superseded folders being deleted while the build goes on (publishFolder's `removeOldInBackground`). */
const pendingRemovals = new Set<Promise<void>>();
let supersededCount = 0;

/**
 * Replaces `target` with the finished folder `staged` so that at every instant either the old or the
 * new folder is complete on disk: target -> backup, staged -> target, delete backup.
 * `recoverFolder` undoes a crash between the two renames.
 *
 * `removeOldInBackground`: the old folder is renamed aside and deleted while the caller goes on
 * (await supersededFoldersRemoved before finishing). Freeing the last build's tables is disk work
 * (a quarter second for link's 600 MB at 100k articles) that the next stage need not wait for. Its
 * name ends in `.tmp-<pid>`, so should this process die first, the next build removes it.
 *
 * `keepOldAt`: the old folder is moved there instead of being deleted, and what was there before
 * is deleted as the old folder would have been (in the background with `removeOldInBackground`).
 */
export async function publishFolder(staged: string, target: string, options: { removeOldInBackground?: boolean; keepOldAt?: string | null } = {}): Promise<void> {
  const backup = backupPathFor(target);
  await fsp.rm(backup, { recursive: true, force: true });
  const hadTarget = await exists(target);
  if (hadTarget) await fsp.rename(target, backup);
  await fsp.rename(staged, target);
  if (!hadTarget) return;
  if (options.keepOldAt) {
    // The old folder takes the kept one's place; the kept one is deleted in its stead. A kept
    // folder that cannot be moved (on another file system) is deleted, and the old folder with it.
    const kept = options.keepOldAt;
    const displaced = displacedPathFor(target);
    await fsp.rm(displaced, { recursive: true, force: true });
    try {
      if (await exists(kept)) await fsp.rename(kept, displaced);
      await fsp.mkdir(path.dirname(kept), { recursive: true });
      await fsp.rename(backup, kept);
    } catch {
      await fsp.rm(kept, { recursive: true, force: true });
    }
    for (const old of [displaced, backup]) if (await exists(old)) await removeOld(old, target, options.removeOldInBackground ?? false);
    return;
  }
  await removeOld(backup, target, options.removeOldInBackground ?? false);
}

/** Deletes a superseded folder: at once, or renamed aside and deleted in the background (publishFolder). */
async function removeOld(old: string, target: string, inBackground: boolean): Promise<void> {
  if (!inBackground) {
    await fsp.rm(old, { recursive: true, force: true });
    return;
  }
  const superseded = path.join(path.dirname(target), `.${path.basename(target)}.superseded-${supersededCount++}.tmp-${process.pid}`);
  await fsp.rename(old, superseded);
  // A failed deletion only leaves a stale temp folder, which the next build removes.
  const removal: Promise<void> = removeOneAtATime(superseded)
    .catch(() => {})
    .finally(() => pendingRemovals.delete(removal));
  pendingRemovals.add(removal);
}

/**
 * Deletes a folder with one file operation in flight at a time. fs.rm's recursive delete issues
 * them all at once, and they fill libuv's thread pool (four threads): freeing the large files of a
 * stage's last output took about 0.17 s at 100k articles, and every asynchronous fs call of the
 * build (a stat, a rename, a stamp written) waited behind it that long.
 */
async function removeOneAtATime(dir: string): Promise<void> {
  const gone = (error: unknown): void => {
    if (errorCode(error) !== 'ENOENT') throw error;
  };
  for (const entry of await fsp.readdir(dir, { withFileTypes: true }).catch((error: unknown) => (gone(error), []))) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) await removeOneAtATime(entryPath);
    else await fsp.unlink(entryPath).catch(gone);
  }
  await fsp.rmdir(dir).catch(gone);
}

/** Waits until every folder publishFolder is deleting in the background is gone. */
export async function supersededFoldersRemoved(): Promise<void> {
  while (pendingRemovals.size > 0) await Promise.all(pendingRemovals);
}

/**
 * After a crash: restore a backup whose replacement never arrived, drop one that was superseded,
 * and a kept folder's predecessor that was still to be deleted (publishFolder's keepOldAt).
 */
export async function recoverFolder(target: string): Promise<void> {
  await fsp.rm(displacedPathFor(target), { recursive: true, force: true });
  const backup = backupPathFor(target);
  if (!(await exists(backup))) return;
  if (await exists(target)) await fsp.rm(backup, { recursive: true, force: true });
  else await fsp.rename(backup, target);
}

function backupPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.previous`);
}

function displacedPathFor(target: string): string {
  return `${backupPathFor(target)}.displaced`;
}
