// Per-document stages (clean, extract) share this loop: stream the input records, reuse the previous
// output for documents whose content and stage code are unchanged, process the rest on worker
// threads, and record any document that fails (throws, runs past its time budget, crashes its
// worker) with a one-line reason instead of failing the build.
//
// Records travel as JSON Lines. The main thread only peeks at each line's leading keys (doc_id,
// source_file) to merge streams and find reusable records; a reused record is copied as its
// original bytes, and a processed one is decoded for the worker, which parses and serialises it. So
// the main thread never parses a document's text, and an incremental run copies bytes instead of
// decoding and re-encoding them.
import fs from 'node:fs';
import path from 'node:path';
import { writeJson } from './fsutil.js';
import { BufferedLineWriter, flatJsonField, rawJsonValue, rawLinesWithRefs } from './lineFile.js';
import { allFailures, builtShard, newShardPath, PreviousShards, readShardManifest, shardNames, shardPath, writeShardManifest, type ShardEntry } from './shards.js';
import { previousOutputFile, type StageContext } from './stage.js';
import { defaultWorkerCount } from './cores.js';
import { sharedPool, TaskFailure, type TaskFunction, type WorkerPool } from './workerPool.js';

export interface PerDocRecord {
  doc_id: string;
  source_file: string;
}

/** A record whose JSON lines (bytes) are decoded and parsed only when the document must be processed. */
export interface LazyRecord extends PerDocRecord {
  lines: Buffer[];
}

export interface PerDocCounts {
  in: number;
  out: number;
  reused: number;
  failed: number;
  /** A stage-defined tally over newly processed documents (extract: figures found). */
  tally: number;
}

export interface DocumentFailure {
  source_file: string;
  doc_id: string;
  reason: string;
}

/** What a document task returns: the output record as one JSON line, and its tally. */
export interface DocumentTaskResult {
  line: string;
  tally: number;
}

export type DocumentTask = (lines: string[]) => DocumentTaskResult;

/**
 * Default per-document budget; CC_DOC_TIMEOUT_S overrides it (a pathological input must not stall the
 * build). Generous, because a loaded machine must never turn a good article into a failure: articles
 * take milliseconds.
 */
export const DEFAULT_DOC_TIMEOUT_S = 30;

export function documentTimeoutMs(): number {
  const fromEnv = Number(process.env.CC_DOC_TIMEOUT_S);
  return (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_DOC_TIMEOUT_S) * 1000;
}

/**
 * Wraps a pure per-document function as a task over JSON lines: parse the inputs, run, serialise the
 * output. Stages export the wrapped function so workers can import it by name.
 */
export function jsonTask<I extends unknown[], O>(process: (...inputs: I) => O, tally: (output: O) => number = () => 0): DocumentTask {
  return (lines) => {
    const output = process(...(lines.map((line) => JSON.parse(line)) as I));
    return { line: JSON.stringify(output), tally: tally(output) };
  };
}

/** The shared pool the per-document stages run on (workers === 0: none, documents run in-process). */
function documentPool(workers: number): WorkerPool<string[], DocumentTaskResult> {
  return sharedPool<string[], DocumentTaskResult>({ workers, timeoutMs: documentTimeoutMs() });
}

/**
 * Starts the per-document stages' worker threads and has them load these stage modules, so that
 * work overlaps with the stage running now (at 100k articles, starting the threads and loading the
 * modules took about a second of a 1-article rebuild, on the rebuild's critical path).
 */
export function warmDocumentWorkers(moduleUrls: readonly string[]): void {
  const workers = defaultWorkerCount();
  if (workers > 0 && moduleUrls.length > 0) documentPool(workers).preload(moduleUrls);
}

/**
 * A stage's task for in-process runs (CC_WORKERS=0), loaded only then: with worker threads, the
 * threads load the task module and this thread never does. `load` imports the module, which also
 * puts it in the stage's code hash (codehash.ts follows dynamic imports).
 */
export async function inProcessTask(stage: string, load: () => Promise<DocumentTask>): Promise<DocumentTask> {
  const task = defaultWorkerCount() === 0 ? await load() : null;
  return (lines) => {
    if (!task) throw new Error(`${stage}: documents run on worker threads here, not in-process`);
    return task(lines);
  };
}

/** How many documents may be in flight (queued or running) at once: keeps memory flat and order cheap. */
const IN_FLIGHT_PER_WORKER = 16;

interface DocumentStreamOptions {
  /** Synchronous: reading and matching records never waits, and a reused record costs no promise. */
  input: Iterable<LazyRecord>;
  /** The output file, relative to the stage's folder (the last run's file of that name is the cache). */
  output: string;
  /** The task, for in-process runs (CC_WORKERS=0). */
  task: DocumentTask;
  /** The same task by module and export name, for worker threads. */
  worker: TaskFunction;
  total?: number;
}

/** Runs a document stream into one output file and writes the stage's failures.json. */
export async function mapDocuments(context: StageContext, options: DocumentStreamOptions): Promise<PerDocCounts> {
  const counts: PerDocCounts = { in: 0, out: 0, reused: 0, failed: 0, tally: 0 };
  const failures = await mapDocumentStream(context, options, counts);
  await writeJson(path.join(context.outDir, 'failures.json'), failures);
  return counts;
}

/**
 * Runs a per-document stage over sharded inputs (shards.ts): every shard of `inputs[0]` (ingest,
 * where every document starts), from that shard's file in each input folder. A shard whose input
 * shards are unchanged since the last run (same code) is taken over as it is; the others are run
 * record by record, reusing the last run's lines of unchanged documents. Writes the shards, their
 * manifest and failures.json; returns the counts and the shard files' hashes.
 */
export async function mapDocumentShards(
  context: StageContext,
  options: Omit<DocumentStreamOptions, 'input' | 'output'> & {
    inputs: string[];
    /** A shard's records from its file in each input folder, in order. */
    records: (files: (string | null)[]) => Iterable<LazyRecord>;
  },
): Promise<{ counts: PerDocCounts; knownHashes: Record<string, string> }> {
  const counts: PerDocCounts = { in: 0, out: 0, reused: 0, failed: 0, tally: 0 };
  const manifests = await Promise.all(options.inputs.map(readShardManifest));
  const previous = await PreviousShards.open(context);
  const shards = new Map<string, ShardEntry>();
  for (const shard of shardNames(manifests[0]!)) {
    const inputs = manifests.map((m) => m.shards.get(shard)?.sha256 ?? '-').join(' ');
    const reused = previous?.reuse(shard, inputs, context.outDir);
    if (reused) {
      counts.in += reused.documents + reused.failures.length;
      counts.out += reused.documents;
      counts.reused += reused.documents;
      counts.failed += reused.failures.length;
      shards.set(shard, reused);
      continue;
    }
    const file = newShardPath(context.outDir, shard);
    const before = counts.out;
    const input = options.records(options.inputs.map((dir, i) => (manifests[i]!.shards.has(shard) ? shardPath(dir, shard) : null)));
    const failures = await mapDocumentStream(context, { ...options, input, output: path.relative(context.outDir, file) }, counts);
    shards.set(shard, await builtShard(file, { documents: counts.out - before, inputs, failures }));
  }
  const knownHashes = await writeShardManifest(context.outDir, shards);
  await writeJson(path.join(context.outDir, 'failures.json'), allFailures(shards));
  return { counts, knownHashes };
}

/** The loop over one stream of documents, into one file; adds to `counts` and returns the failures. */
async function mapDocumentStream(context: StageContext, options: DocumentStreamOptions, counts: PerDocCounts): Promise<DocumentFailure[]> {
  const failures: DocumentFailure[] = [];
  const previous = await PreviousOutput.open(context, options.output);
  const writer = new BufferedLineWriter(path.join(context.outDir, options.output), WRITE_BUFFER_BYTES);
  const workers = defaultWorkerCount();
  // The pool starts on the first document that needs work (or earlier, warmDocumentWorkers), so a run
  // that reuses everything starts no thread; it is shared with the next per-document stage.
  // CC_WORKERS=0 runs in-process (no budget).
  const run = (lines: string[]): Promise<DocumentTaskResult> => {
    if (workers === 0) return Promise.resolve().then(() => options.task(lines));
    return documentPool(workers).run(options.worker, lines);
  };

  // Results are written strictly in input order: a window of pending documents, oldest first.
  const window: { record: PerDocRecord; result: Promise<{ line: string | Buffer; reused: boolean; tally: number } | { error: string }> }[] = [];
  const settle = (promise: Promise<DocumentTaskResult>) =>
    promise.then(
      (result) => ({ ...result, reused: false }),
      (error: unknown) => {
        // A pool that cannot start is the build's fault, not the document's: fail the stage.
        if (error instanceof TaskFailure && error.kind === 'setup') throw error;
        return { error: (error instanceof Error ? error.message : String(error)).split('\n')[0]! };
      },
    );
  const flushOldest = async () => {
    const { record, result } = window.shift()!;
    const outcome = await result;
    if ('error' in outcome) {
      counts.failed++;
      failures.push({ source_file: record.source_file, doc_id: record.doc_id, reason: outcome.error });
      context.log(`failed ${record.source_file}: ${outcome.error}`);
      return;
    }
    writer.write(outcome.line);
    counts.out++;
    if (outcome.reused) counts.reused++;
    else counts.tally += outcome.tally;
  };

  try {
    for (const record of options.input) {
      counts.in++;
      if (options.total) context.progress(counts.in, options.total);
      const reused = previous.lineOf(record);
      if (reused !== null && window.length === 0) {
        // Nothing pending before it: written now (most records of an incremental run).
        writer.write(reused);
        counts.out++;
        counts.reused++;
        continue;
      }
      const result = reused !== null ? Promise.resolve({ line: reused, reused: true, tally: 0 }) : settle(run(record.lines.map((line) => line.toString('utf8'))));
      window.push({ record: { doc_id: record.doc_id, source_file: record.source_file }, result });
      if (window.length >= Math.max(1, workers) * IN_FLIGHT_PER_WORKER) await flushOldest();
    }
    while (window.length) await flushOldest();
  } finally {
    for (const pending of window) pending.result.catch(() => {}); // the stage is failing already; one error is enough
    previous.close();
    writer.close();
  }
  return failures;
}

/** Output lines are gathered into writes of about this many characters. */
const WRITE_BUFFER_BYTES = 4 << 20;

/**
 * A stage's previous output as a cache, walked in step with the input: both are in the order of one
 * key (source_file for per-document records; doc_id for link's figure rows), so a merge walk finds a
 * document's old lines without holding the old output in memory. Read with synchronous chunked reads
 * (lineFile.ts): at 100k documents, a readline stream spent about 8 s per stage just walking and
 * copying the old output.
 */
export class PreviousOutput {
  private head: { key: string; doc_id: string; line: Buffer } | null = null;
  private constructor(
    private readonly lines: Generator<{ bytes: Buffer }> | null,
    private readonly key: keyof PerDocRecord,
  ) {
    this.advance();
  }
  /**
   * The stage's last published `output` file, if the same stage code wrote it; else an empty cache.
   * Keyed by source_file: per-document records; by doc_id: flat table rows (no nested objects).
   */
  static async open(context: StageContext, output: string, key: keyof PerDocRecord = 'source_file'): Promise<PreviousOutput> {
    const file = await previousOutputFile(context, output);
    return new PreviousOutput(file ? rawLinesWithRefs(file, true) : null, key);
  }
  private advance(): void {
    for (;;) {
      const next = this.lines?.next();
      if (!next || next.done) {
        this.head = null;
        return;
      }
      const line = withoutCarriageReturn(next.value.bytes); // a view that stays valid (rawLinesWithRefs keepViews)
      if (line.length) {
        if (this.key === 'doc_id') {
          // Keyed by doc_id: a table's flat rows (link's figures), whose doc_id is read in place.
          const flat = flatJsonField(line, 'doc_id');
          const docId = typeof flat === 'string' ? flat : leadingKey(line, 'doc_id');
          this.head = { key: docId, doc_id: docId, line };
        } else {
          const { doc_id, source_file } = leadingKeys(line);
          this.head = { key: source_file, doc_id, line };
        }
        return;
      }
    }
  }
  /** The first previous record whose key is `value` (calls must come in key order), or null. */
  recordOf(value: string): { doc_id: string; line: Buffer } | null {
    while (this.head && this.head.key < value) this.advance();
    return this.head && this.head.key === value ? this.head : null;
  }
  /** Every previous line whose key is `value`, consumed (calls must come in key order). */
  linesOf(value: string): Buffer[] {
    const lines: Buffer[] = [];
    for (let record = this.recordOf(value); record; record = this.recordOf(value)) {
      lines.push(record.line);
      this.advance();
    }
    return lines;
  }
  /**
   * The previous output line for this document, when its content (doc_id) is unchanged, and so is
   * its list of names if the output carries one (extract copies source_files: adding or removing an
   * identical copy keeps the doc_id and the first name, and changes only that list).
   */
  lineOf(record: LazyRecord): Buffer | null {
    const previous = this.recordOf(record.source_file);
    if (!previous || previous.doc_id !== record.doc_id) return null;
    const names = rawJsonValue(previous.line, 'source_files');
    return names === undefined || names.equals(rawJsonValue(record.lines[0]!, 'source_files') ?? NO_NAMES) ? previous.line : null;
  }
  close(): void {
    // Ends the generator early, which closes its file.
    this.lines?.return(undefined);
  }
}

const NO_NAMES = Buffer.alloc(0);

/** A line's bytes without a final `\r` (a file written with CRLF line ends). */
const withoutCarriageReturn = (line: Buffer): Buffer => (line.length && line[line.length - 1] === 0x0d ? line.subarray(0, -1) : line);

/** The JSON lines of a file, one record each, with only their leading keys read. */
export function* readLazyRecords(file: string): Generator<LazyRecord> {
  // Synchronous chunked reads; the generator's finally closes the file when a reader stops early.
  for (const { bytes } of rawLinesWithRefs(file, true)) {
    const line = withoutCarriageReturn(bytes); // kept while the document is in flight: a view that stays valid
    if (line.length) yield { ...leadingKeys(line), lines: [line] };
  }
}

/**
 * doc_id and source_file of a JSON line without parsing all of it (a line holds a whole document's
 * text): our records put these string keys among their first few keys, so scan those and fall back
 * to a full parse for any other shape. Linear in the part scanned.
 */
export function leadingKeys(line: string | Buffer): PerDocRecord {
  const found = scanLeadingKeys(leadingText(line), (found) => found.doc_id !== undefined && found.source_file !== undefined);
  if (found) return { doc_id: found.doc_id!, source_file: found.source_file! };
  const record = JSON.parse(typeof line === 'string' ? line : line.toString('utf8')) as PerDocRecord;
  return { doc_id: record.doc_id, source_file: record.source_file };
}

/** The leading keys sit in a line's first few hundred bytes; the rest (a whole document's text) is not decoded. */
const LEADING_BYTES = 2048;

/**
 * The start of a line as text. A cut inside a character or a string leaves that string without its
 * closing quote, so scanLeadingKeys stops before it and the caller parses the whole line.
 */
function leadingText(line: string | Buffer): string {
  return typeof line === 'string' ? line : line.toString('utf8', 0, Math.min(line.length, LEADING_BYTES));
}

/** leadingKeys for one key only (link's figure rows carry doc_id second and source_file far behind). */
export function leadingKey(line: string | Buffer, key: keyof PerDocRecord): string {
  const found = scanLeadingKeys(leadingText(line), (found) => found[key] !== undefined);
  return found ? found[key]! : (JSON.parse(typeof line === 'string' ? line : line.toString('utf8')) as PerDocRecord)[key];
}

/** The leading string-valued keys of a JSON object line, up to the point where `enough` says so; null if not reached. */
function scanLeadingKeys(line: string, enough: (found: Partial<Record<string, string>>) => boolean): Partial<Record<string, string>> | null {
  const found: Partial<Record<string, string>> = {};
  let at = 1;
  for (let keys = 0; keys < 6 && line.charCodeAt(0) === 0x7b && line.charCodeAt(at) === 0x22; keys++) {
    const keyEnd = stringEnd(line, at);
    if (keyEnd < 0 || line.charCodeAt(keyEnd + 1) !== 0x3a || line.charCodeAt(keyEnd + 2) !== 0x22) break;
    const valueEnd = stringEnd(line, keyEnd + 2);
    if (valueEnd < 0) break;
    found[jsonString(line, at, keyEnd)] = jsonString(line, keyEnd + 2, valueEnd);
    if (enough(found)) return found;
    if (line.charCodeAt(valueEnd + 1) !== 0x2c) break;
    at = valueEnd + 2;
  }
  return null;
}

/** The JSON string literal from the quote at `open` to the quote at `close`, decoded (escapes only when present). */
function jsonString(text: string, open: number, close: number): string {
  const inner = text.slice(open + 1, close);
  return inner.includes('\\') ? (JSON.parse(text.slice(open, close + 1)) as string) : inner;
}

/** Index of the quote closing the JSON string that opens at `start`, or -1. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5c) i++;
    else if (code === 0x22) return i;
  }
  return -1;
}


/**
 * Joins two record streams that are both in source_file order by doc_id: yields [left, right] for
 * documents present in both (a document an earlier stage dropped is skipped).
 */
export function* zipByDocument<A extends PerDocRecord, B extends PerDocRecord>(left: Iterable<A>, right: Iterable<B>): Generator<[A, B]> {
  const rightIterator = right[Symbol.iterator]();
  let current = rightIterator.next();
  try {
    for (const a of left) {
      while (!current.done && current.value.source_file < a.source_file) current = rightIterator.next();
      if (current.done) return;
      if (current.value.source_file === a.source_file && current.value.doc_id === a.doc_id) yield [a, current.value];
    }
  } finally {
    rightIterator.return?.(undefined);
  }
}

/** The number of documents ingest wrote (out/ingest/summary.json), for progress bars; undefined if unknown. */
export async function ingestedDocumentCount(ingestDir: string): Promise<number | undefined> {
  try {
    return (JSON.parse(await fs.promises.readFile(path.join(ingestDir, 'summary.json'), 'utf8')) as { documents: number }).documents;
  } catch {
    return undefined;
  }
}
