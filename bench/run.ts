// `make bench`: time the pipeline on N synthetic articles (issue #7).
//   tsx bench/run.ts [--n 100000] [--seed 7] [--out out] [--verify | --no-verify]
// Steps: generate the corpus (once; reused while unchanged) -> floor (read + one regex) -> full build
// from an empty folder -> no-change rebuild -> incremental rebuilds with 1 article added, three times
// (the article removed again, and rebuilt, in between) -> incremental rebuild with 1% of the articles
// changed -> optionally a from-scratch build of the changed corpus, whose outputs must equal the
// incremental ones byte for byte. The summary's "incremental" is the median of the 1-article rebuilds
// (the issue's "1-file incremental"); the 1% rebuild is reported beside it.
// Every build is a child process; wall time and peak RSS cover the whole process (worker threads
// included), and starts after a sync (settle). The last line is the one-line summary.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256Hex } from '../pipeline/lib/hash.js';
import { generateArticle, writeCorpus } from './generate.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The pipeline and the floor compiled to JavaScript (tsconfig.build.json), as `make dataset` runs them. */
const COMPILED = path.join(ROOT, 'dist');
const GNU_TIME = '/usr/bin/time';
/** Floor runs; the fastest counts. */
const FLOOR_RUNS = 3;
/**
 * 1-article rebuilds; the median counts. Two rebuilds of the same change differed here by up to a
 * third (the machine's memory and page cache), as much as a change to the code can gain: one run
 * would make the figure a draw.
 */
const ADDED_RUNS = 3;

interface Options {
  n: number;
  seed: number;
  out: string;
  verify: boolean;
}

function parseArgs(argv: string[]): Options {
  const value = (name: string) => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const n = Number(value('n') ?? 100000);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--n must be a positive integer, got '${value('n')}'`);
  const verify = argv.includes('--verify') ? true : argv.includes('--no-verify') ? false : n <= 20000;
  return { n, seed: Number(value('seed') ?? 7), out: path.resolve(value('out') ?? 'out'), verify };
}

interface Run {
  seconds: number;
  rssMb: number;
  status: number;
  stages: { name: string; seconds: number | null; summary: string }[];
  stdout: string;
  stderr: string;
}

/** Runs a command as a child, measuring wall time and the peak RSS of its process tree. */
async function measure(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const useGnuTime = fs.existsSync(GNU_TIME);
  const [bin, argv] = useGnuTime ? [GNU_TIME, ['-f', 'maxrss_kb=%M', command, ...args]] : [command, args];
  const started = process.hrtime.bigint();
  const child = spawn(bin, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  // Without GNU time, poll the tree's resident memory (workers are threads, so one process holds them).
  let polledKb = 0;
  const poller = useGnuTime ? null : setInterval(() => (polledKb = Math.max(polledKb, treeRssKb(child.pid!))), 100);
  const status = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  if (poller) clearInterval(poller);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // GNU time's %M is the largest single process among those waited for: the build's node process.
  const maxrss = /maxrss_kb=(\d+)/.exec(stderr);
  const rssKb = maxrss ? Number(maxrss[1]) : polledKb;
  return { seconds, rssMb: rssKb / 1024, status, stages: parseStages(stdout), stdout, stderr: stderr.replace(/maxrss_kb=\d+\n?/, '') };
}

function treeRssKb(rootPid: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
      rss.set(Number(entry), Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  const pending = [rootPid];
  while (pending.length) {
    const pid = pending.pop()!;
    total += rss.get(pid) ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** The build prints one line per stage: `name  1.23s  summary` or `name  up to date  summary`. */
export function parseStages(stdout: string): Run['stages'] {
  const stages: Run['stages'] = [];
  for (const line of stdout.split('\n')) {
    const match = /^([a-z]+)\s+(?:(\d+(?:\.\d+)?)s|up to date)\s+(.*)$/.exec(line);
    if (match) stages.push({ name: match[1]!, seconds: match[2] ? Number(match[2]) : null, summary: match[3]! });
  }
  return stages;
}

/**
 * Writes every dirty page back to disk (sync(1)) before a timed run, so that no run pays for the
 * writeback of the one before: right after a full build (2.5 GB written at 100k), a 1-article
 * rebuild took 6.3 s with 2 GB of it still to write back here, 4.7 s after a sync. Each run is still
 * timed to its own end, its own writes in the page cache as the full build's are.
 */
function settle(): void {
  try {
    execFileSync('sync', { stdio: 'ignore' });
  } catch {
    // No sync(1) here: runs are timed as they come.
  }
}

function build(seeds: string, out: string): Promise<Run> {
  settle();
  return measure(process.execPath, [path.join(COMPILED, 'pipeline/build.js'), '--quiet', '--seeds', seeds, '--out', out]);
}

/** The corpus is regenerated only when missing, or when a previous bench left it modified. */
function ensureCorpus(dir: string, n: number, seed: number): { bytes: number; generatedSeconds: number | null } {
  const marker = path.join(dir, '.bench-corpus.json');
  const expected = JSON.stringify({ n, seed, generator: sha256Hex(fs.readFileSync(path.join(ROOT, 'bench/generate.ts'))) });
  if (fs.existsSync(marker)) {
    const recorded = JSON.parse(fs.readFileSync(marker, 'utf8')) as { key: string; bytes: number; clean: boolean };
    if (recorded.key === expected && recorded.clean) return { bytes: recorded.bytes, generatedSeconds: null };
  }
  const started = Date.now();
  fs.rmSync(dir, { recursive: true, force: true });
  const { bytes } = writeCorpus(dir, n, seed);
  fs.writeFileSync(marker, JSON.stringify({ key: expected, bytes, clean: true }));
  return { bytes, generatedSeconds: (Date.now() - started) / 1000 };
}

function setCorpusClean(dir: string, clean: boolean): void {
  const marker = path.join(dir, '.bench-corpus.json');
  const recorded = JSON.parse(fs.readFileSync(marker, 'utf8')) as { clean: boolean };
  fs.writeFileSync(marker, JSON.stringify({ ...recorded, clean }));
}

/** The articles the 1% edit rewrites: every hundredth, starting at the 50th. */
function editedIndices(n: number): number[] {
  const step = 100;
  const indices: number[] = [];
  for (let i = step / 2; i < n; i += step) indices.push(i);
  return indices.length ? indices : [0];
}

/** The run of median wall time (of an odd number of runs, the middle one). */
export function medianRun<T extends { seconds: number }>(runs: readonly T[]): T {
  if (runs.length === 0) throw new Error('medianRun: no runs');
  return [...runs].sort((a, b) => a.seconds - b.seconds)[(runs.length - 1) >> 1]!;
}

/** The 1-file edit: article number n (one past the corpus) is added. Returns its path. */
function addOneArticle(dir: string, n: number, seed: number): string {
  const added = generateArticle(seed, n);
  fs.mkdirSync(path.dirname(path.join(dir, added.relPath)), { recursive: true });
  fs.writeFileSync(path.join(dir, added.relPath), added.content);
  return added.relPath;
}

/** The 1% edit: each edited article gets a new revision under the same name (a correction of it). */
function changeOnePercent(dir: string, n: number, seed: number, revision: number): number {
  const changed = editedIndices(n);
  for (const index of changed) {
    const original = generateArticle(seed, index, 0);
    fs.writeFileSync(path.join(dir, original.relPath), generateArticle(seed, index, revision).content);
  }
  return changed.length;
}

function undoEdits(dir: string, n: number, seed: number, added: string): void {
  for (const index of editedIndices(n)) {
    const original = generateArticle(seed, index, 0);
    fs.writeFileSync(path.join(dir, original.relPath), original.content);
  }
  fs.rmSync(path.join(dir, added), { force: true });
}

function folderDigest(dir: string): Map<string, string> {
  const digest = new Map<string, string>();
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else digest.set(path.relative(dir, full), sha256Hex(fs.readFileSync(full)));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return digest;
}

function sameDigest(a: Map<string, string>, b: Map<string, string>): string[] {
  const differences: string[] = [];
  for (const name of new Set([...a.keys(), ...b.keys()])) if (a.get(name) !== b.get(name)) differences.push(name);
  return differences.sort();
}

const fmt = (seconds: number) => `${seconds.toFixed(seconds < 10 ? 2 : 1)}s`;

function stageCell(run: Run, name: string): string {
  const stage = run.stages.find((s) => s.name === name);
  if (!stage) return '—';
  return stage.seconds === null ? 'up to date' : fmt(stage.seconds);
}

function statusNote(run: Pick<Run, 'status' | 'stderr'>): string {
  if (run.status === 0) return 'ok';
  const reason = run.stderr.split('\n').find((line) => line.startsWith('build:')) ?? `exit ${run.status}`;
  return `exit ${run.status}: ${reason}`;
}

/** Why a bench's figures are not a measurement: builds that failed, or an incremental build that differs from a build from scratch. */
export function benchFailures(runs: readonly (readonly [label: string, run: Pick<Run, 'status' | 'stderr'>])[], identical: string): string[] {
  const failures = runs.filter(([, run]) => run.status !== 0).map(([label, run]) => `${label}: ${statusNote(run)}`);
  if (identical.startsWith('DIFFERENT')) failures.push('the incremental build differs from a build from scratch');
  return failures;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const { n, seed } = options;
  const benchDir = path.join(options.out, 'bench');
  const corpus = path.join(benchDir, `corpus-${n}`);
  const buildOut = path.join(benchDir, `build-${n}`);
  const checkOut = path.join(benchDir, `check-${n}`);
  const say = (line: string) => process.stdout.write(`${line}\n`);

  say(`machine: ${os.availableParallelism()} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  // The builds and the floor run compiled, without a TypeScript loader, as make dataset runs them:
  // compiled by make's rule if a source changed (make bench did it already; this covers `tsx bench/run.ts`).
  execFileSync('make', ['--no-print-directory', '-s', 'dist/.compiled'], { cwd: ROOT, stdio: 'inherit' });
  const generated = ensureCorpus(corpus, n, seed);
  const mb = generated.bytes / 1e6;
  say(`corpus: ${n} articles, ${mb.toFixed(1)} MB in ${corpus}${generated.generatedSeconds === null ? ' (reused)' : ` (generated in ${fmt(generated.generatedSeconds)})`}`);

  // The floor is the fastest of a few runs: a single run of reading 100k files varied from 3 s to 19 s
  // here with the state of the page cache, which would make the ratio below meaningless.
  const floorRuns: Run[] = [];
  for (let i = 0; i < FLOOR_RUNS; i++) {
    settle();
    floorRuns.push(await measure(process.execPath, [path.join(COMPILED, 'bench/floor.js'), corpus]));
  }
  const floorRun = floorRuns.reduce((best, run) => (run.seconds < best.seconds ? run : best));
  const floorSeconds = floorRun.seconds;
  say(`floor (read every file + one number regex; fastest of ${FLOOR_RUNS}: ${floorRuns.map((r) => fmt(r.seconds)).join(', ')}): ${fmt(floorSeconds)} wall, ${(mb / floorSeconds).toFixed(1)} MB/s  ${floorRun.stdout.trim()}`);

  fs.rmSync(buildOut, { recursive: true, force: true });
  const full = await build(corpus, buildOut);
  say(`full build: ${fmt(full.seconds)}, ${(n / full.seconds).toFixed(0)} docs/s, ${(mb / full.seconds).toFixed(2)} MB/s, peak RSS ${full.rssMb.toFixed(0)} MB, ${(full.seconds / floorSeconds).toFixed(1)}× floor (${statusNote(full)})`);
  for (const stage of full.stages) say(`  ${stage.name.padEnd(9)} ${stage.seconds === null ? 'up to date' : fmt(stage.seconds).padEnd(8)} ${stage.summary}`);

  const noChange = await build(corpus, buildOut);
  say(`no-change rebuild: ${fmt(noChange.seconds)} (${((100 * noChange.seconds) / full.seconds).toFixed(2)}% of full), peak RSS ${noChange.rssMb.toFixed(0)} MB (${statusNote(noChange)})`);

  setCorpusClean(corpus, false);
  // The article is added, built, removed, built, ... so that each added-article rebuild starts from
  // the same build (the removals are 1-file rebuilds too, reported but not counted).
  const addedRuns: Run[] = [];
  const removedRuns: Run[] = [];
  let added = '';
  for (let i = 0; i < ADDED_RUNS; i++) {
    if (added) {
      fs.rmSync(path.join(corpus, added));
      removedRuns.push(await build(corpus, buildOut));
    }
    added = addOneArticle(corpus, n, seed);
    addedRuns.push(await build(corpus, buildOut));
  }
  const incremental = medianRun(addedRuns);
  const times = (runs: readonly Run[]) => runs.map((r) => fmt(r.seconds)).join(', ');
  say(`incremental rebuild (1 article added; median of ${addedRuns.length}: ${times(addedRuns)}): ${fmt(incremental.seconds)} (${((100 * incremental.seconds) / full.seconds).toFixed(2)}% of full), peak RSS ${incremental.rssMb.toFixed(0)} MB (${statusNote(incremental)})`);
  if (removedRuns.length) say(`  (the article removed again between them: ${times(removedRuns)})`);
  for (const stage of incremental.stages) say(`  ${stage.name.padEnd(9)} ${stage.seconds === null ? 'up to date' : fmt(stage.seconds).padEnd(8)} ${stage.summary}`);
  const changed = changeOnePercent(corpus, n, seed, 1);
  const onePercent = await build(corpus, buildOut);
  say(`incremental rebuild (${changed} articles = 1% changed): ${fmt(onePercent.seconds)} (${((100 * onePercent.seconds) / full.seconds).toFixed(2)}% of full), peak RSS ${onePercent.rssMb.toFixed(0)} MB (${statusNote(onePercent)})`);
  for (const stage of onePercent.stages) say(`  ${stage.name.padEnd(9)} ${stage.seconds === null ? 'up to date' : fmt(stage.seconds).padEnd(8)} ${stage.summary}`);

  let identical = 'not checked (N > 20000; pass --verify)';
  let scratch: Run | null = null;
  if (options.verify) {
    fs.rmSync(checkOut, { recursive: true, force: true });
    scratch = await build(corpus, checkOut);
    const published = sameDigest(folderDigest(path.join(buildOut, 'dataset')), folderDigest(path.join(checkOut, 'dataset')));
    const intermediate = ['ingest', 'clean', 'extract', 'link'].flatMap((stage) => sameDigest(folderDigest(path.join(buildOut, stage)), folderDigest(path.join(checkOut, stage))).map((f) => `${stage}/${f}`));
    const differences = [...published.map((f) => `dataset/${f}`), ...intermediate];
    identical = differences.length ? `DIFFERENT: ${differences.join(', ')}` : 'byte-identical (dataset and every per-stage output)';
    if (scratch.status !== full.status) identical += `; from-scratch build ${statusNote(scratch)}`;
    fs.rmSync(checkOut, { recursive: true, force: true });
  }
  say(`incremental vs from-scratch build of the changed corpus: ${identical}`);
  undoEdits(corpus, n, seed, added);
  setCorpusClean(corpus, true);

  const stageNames = [...new Set([...full.stages, ...incremental.stages, ...onePercent.stages].map((s) => s.name))];
  say('');
  say(`| N = ${n} (${os.availableParallelism()} cores) | wall | peak RSS | ${stageNames.join(' | ')} |`);
  say(`|---|---|---|${stageNames.map(() => '---').join('|')}|`);
  say(`| floor (read + regex) | ${fmt(floorSeconds)} | ${floorRun.rssMb.toFixed(0)} MB | ${stageNames.map(() => '').join(' | ')} |`);
  const rows = [['full build', full], ['no-change rebuild', noChange], [`incremental (1 article added, median of ${addedRuns.length})`, incremental], [`incremental (1% = ${changed} changed)`, onePercent]] as const;
  for (const [label, run] of rows) {
    say(`| ${label} | ${fmt(run.seconds)} | ${run.rssMb.toFixed(0)} MB | ${stageNames.map((s) => stageCell(run, s)).join(' | ')} |`);
  }
  say('');
  // The median added-article run is one of addedRuns: listed once, with them.
  const everyRun = [
    ...rows.filter(([, run]) => run !== incremental),
    ...addedRuns.map((run, i) => [`incremental (1 article added, run ${i + 1})`, run] as const),
    ...removedRuns.map((run, i) => [`incremental (1 article removed, run ${i + 1})`, run] as const),
    ...(scratch ? [['from-scratch check build', scratch] as const] : []),
  ];
  const failures = benchFailures(everyRun, identical);
  if (failures.length) {
    // No summary line: scripts read it as a measurement, and these runs measured a failure.
    process.stderr.write(`bench: failed, so no summary line (${failures.join('; ')})\n`);
    process.exitCode = 1;
    return;
  }
  say(`bench ${n} docs: full ${full.seconds.toFixed(1)}s (${(full.seconds / floorSeconds).toFixed(1)}× floor), rss ${full.rssMb.toFixed(0)} MB, no-change ${noChange.seconds.toFixed(1)}s, incremental ${incremental.seconds.toFixed(1)}s`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
}
