// The validate stage's files between runs, and its two ways to check: the delta check of the
// segments that changed against the last valid run's key sets (validateDelta.ts), and the full check
// over every segment's digest (validate.ts). Files, in the stage's folder: segments.jsonl (each
// segment's digest), segments-index.json (where each digest lies, and whether the tables were
// valid) and keys.bin (the key sets). The stage (stages/validate.ts) chooses and writes the report.
import fs from 'node:fs';
import path from 'node:path';
import { readJson } from './fsutil.js';
import { sha256Hex } from './hash.js';
import { BufferedLineWriter, readRange, readJsonlRecords, writeFileInPieces } from './lineFile.js';
import { TABLE_NAMES, type TableName, type TableSchema } from './schema.js';
import { tableSegments, type Segment } from './segments.js';
import { previousOutputFile, segmentRuleOf, type StageContext } from './stage.js';
import { segmentDigester, validateJsonlFiles, type SegmentDigest, type ValidationReport } from './validate.js';
import { checkChanges, deserializeKeyIndex, KeyIndexBuilder, serializeKeyIndex, type KeyIndex, type KeyIndexLayout, type KeyPlan, type TableChange } from './validateDelta.js';

const DIGESTS = 'segments.jsonl';
const DIGEST_INDEX = 'segments-index.json';
const KEYS = 'keys.bin';

type StoredDigest = SegmentDigest & { table: TableName };

/** A check's verdict, how many segments it took from the last run, and the hashes of the files it wrote (saveIndex). */
export interface Checked {
  report: ValidationReport;
  reused: number;
  knownHashes: Record<string, string>;
}

/** What both checks work on: the stage's context, the link tables, their schemas and key plan. */
export interface ValidationInputs {
  context: StageContext;
  files: Record<TableName, string>;
  schemas: Record<TableName, TableSchema>;
  plan: KeyPlan | null;
}

/** A digest's line in segments.jsonl: [segment hash, rows, offset, length with its newline]. */
type DigestEntry = [hash: string, rows: number, offset: number, length: number];

interface DigestIndex {
  valid: boolean;
  tables: Record<string, DigestEntry[]>;
  /** The layout of keys.bin; null when the tables were not valid or a key was not exact. */
  keys: KeyIndexLayout | null;
}

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

/** Writes segments.jsonl, remembering where each digest's line goes. */
class DigestWriter {
  private readonly writer: BufferedLineWriter;
  private at = 0;
  readonly entries: Record<string, DigestEntry[]> = Object.fromEntries(TABLE_NAMES.map((t) => [t, []]));
  constructor(dir: string) {
    this.writer = new BufferedLineWriter(path.join(dir, DIGESTS), 4 << 20);
  }
  write(table: TableName, digest: SegmentDigest): void {
    const line = JSON.stringify({ table, ...digest });
    const length = Buffer.byteLength(line) + 1;
    this.writer.write(line);
    this.entries[table]!.push([digest.hash, digest.rows, this.at, length]);
    this.at += length;
  }
  /** The last run's line of an unchanged segment, as bytes. */
  copy(table: TableName, fd: number, [hash, rows, offset, length]: DigestEntry): void {
    this.writer.copyFrom(fd, offset, length, 1);
    this.entries[table]!.push([hash, rows, this.at, length]);
    this.at += length;
  }
  close(): void {
    this.writer.close();
  }
}

/**
 * Writes segments-index.json and keys.bin; returns what the output hash takes for segments.jsonl and
 * keys.bin instead of reading them back (80 MB at 100k articles): keys.bin's sha256, and for the
 * digests a digest of this code and the index, which lists every digest's segment in order (with
 * the same code, the same segments give the same lines, so the file's bytes change only with it).
 */
function saveIndex(context: StageContext, valid: boolean, entries: DigestIndex['tables'], keys: KeyIndex | null): Record<string, string> {
  const serialized = valid && keys ? serializeKeyIndex(keys) : null;
  const keyBytes = Buffer.concat(serialized?.bytes ?? []);
  writeFileInPieces(path.join(context.outDir, KEYS), keyBytes);
  const index = JSON.stringify({ valid, tables: entries, keys: serialized?.layout ?? null } satisfies DigestIndex, null, 2) + '\n';
  fs.writeFileSync(path.join(context.outDir, DIGEST_INDEX), index);
  return { [KEYS]: sha256Hex(keyBytes), [DIGESTS]: digestsFileDigest(context.codeHash, index) };
}

/** What the output hash takes for segments.jsonl (see saveIndex). */
export function digestsFileDigest(codeHash: string, indexText: string): string {
  return `digests:${sha256Hex(`${codeHash}\n${indexText}`)}`;
}

/** The last run's valid tables: its digest index, key index and digests file; or why there are none to check against. */
async function previousValidTables(context: StageContext, plan: KeyPlan | null): Promise<{ index: DigestIndex; keys: KeyIndex; digestsFile: string } | string> {
  const [indexFile, keysFile, digestsFile] = await Promise.all([DIGEST_INDEX, KEYS, DIGESTS].map((name) => previousOutputFile(context, name)));
  if (!indexFile || !keysFile || !digestsFile || !plan) return 'no key index of the last run';
  try {
    const index = await readJson<DigestIndex>(indexFile);
    if (!index.valid) return 'the last run\'s tables were not valid';
    if (!index.keys) return 'the last run\'s keys are not all a prefix and 16 hex digits';
    const indexed = Object.values(index.tables).flat().reduce((n, entry) => n + entry[3], 0);
    // Both are written before the index: one edited since is newer than it, or of another size.
    const indexTime = fs.statSync(indexFile).mtimeMs;
    const digestsStat = fs.statSync(digestsFile);
    if (digestsStat.size !== indexed || digestsStat.mtimeMs > indexTime) return `the last run's ${DIGESTS} is not the file its index describes`;
    if (fs.statSync(keysFile).mtimeMs > indexTime) return `the last run's ${KEYS} changed after its index was written`;
    const keys = deserializeKeyIndex(index.keys, fs.readFileSync(keysFile), plan);
    return keys ? { index, keys, digestsFile } : 'the last run\'s key index does not fit its layout';
  } catch (error) {
    return `the last run's key index is unreadable (${error instanceof Error ? error.message : String(error)})`;
  }
}

/**
 * The delta check (see the header): this run's segments against the last run's, table by table by
 * segment hash; writes the digests and key index and returns the report, or why the full check must run.
 */
export async function validateChanges(
  { context, files, schemas, plan }: ValidationInputs,
  /** Receives the digests made of changed segments, for the full check should it run. */
  digested: Map<string, SegmentDigest>,
): Promise<Checked | string> {
  const previous = await previousValidTables(context, plan);
  if (typeof previous === 'string') return previous;
  // Each segment is one of the last run's (its line in the last digests file), or new.
  const plans = {} as Record<TableName, (Segment | DigestEntry)[]>;
  const gone = {} as Record<TableName, DigestEntry[]>;
  let reused = 0;
  let all = 0;
  for (const table of TABLE_NAMES) {
    const before = new Map<string, DigestEntry[]>();
    for (const entry of previous.index.tables[table] ?? []) before.set(entry[0], [...(before.get(entry[0]) ?? []), entry]);
    plans[table] = [...tableSegments(files[table], segmentRuleOf(context.config))].map((segment) => {
      const same = before.get(segment.hash);
      const kept = same?.find((entry) => entry[1] === segment.rows);
      if (!kept) return segment;
      same!.splice(same!.indexOf(kept), 1);
      reused++;
      return kept;
    });
    all += plans[table].length;
    gone[table] = [...before.values()].flat();
  }
  // When most segments changed, the full check costs about as much, and it would run anyway on a problem.
  if (2 * reused < all) return `${all - reused} of ${all} table segments changed`;
  const digester = segmentDigester(schemas);
  const fd = fs.openSync(previous.digestsFile, 'r');
  try {
    const changes = {} as Record<TableName, TableChange>;
    for (const table of TABLE_NAMES) {
      const added = plans[table].filter((item): item is Segment => !Array.isArray(item)).map((segment) => digester.digest(table, segment.read(), segment.hash));
      for (const digest of added) digested.set(`${table}\0${digest.hash}`, digest);
      if (added.some((digest) => digest.problems.length > 0)) return `a changed ${table} segment has row problems`;
      const removed = gone[table].map(([, , offset, length]) => JSON.parse(readRange(fd, offset, length).toString('utf8')) as SegmentDigest);
      changes[table] = { added, removed };
    }
    const checked = checkChanges(plan!, previous.keys, changes);
    if ('reason' in checked) return checked.reason;
    const writer = new DigestWriter(context.outDir);
    try {
      for (const table of digester.order) for (const item of plans[table]) Array.isArray(item) ? writer.copy(table, fd, item) : writer.write(table, digested.get(`${table}\0${item.hash}`)!);
    } finally {
      writer.close();
    }
    const knownHashes = saveIndex(context, true, writer.entries, checked.next);
    const rows = (table: TableName) => writer.entries[table]!.reduce((n, entry) => n + entry[1], 0);
    return { report: { valid: true, tables: Object.fromEntries(TABLE_NAMES.map((t) => [t, { rows: rows(t), problems: 0 }])), problems: [] }, reused, knownHashes };
  } finally {
    fs.closeSync(fd);
  }
}

/** The full check over every segment's digest (those of unchanged segments taken from the last run). */
export async function validateAll({ context, files, schemas, plan }: ValidationInputs, digestedAlready: ReadonlyMap<string, SegmentDigest>): Promise<Checked> {
  const known = await previousDigests(context);
  for (const [key, digest] of digestedAlready) known.set(key, digest);
  const writer = new DigestWriter(context.outDir);
  const keys = plan && new KeyIndexBuilder(plan);
  let result: ReturnType<typeof validateJsonlFiles>;
  try {
    const digested = (table: TableName, digest: SegmentDigest) => {
      writer.write(table, digest);
      keys?.add(table, digest);
    };
    result = validateJsonlFiles(files, schemas, known, digested, segmentRuleOf(context.config));
  } finally {
    writer.close();
  }
  const unchanged = result.reused - digestedAlready.size; // those digested this run count as reused
  if (known.size > digestedAlready.size) context.log(`${unchanged} table segments unchanged since the last run, not read again`);
  const { reused, ...report } = result;
  const knownHashes = saveIndex(context, report.valid, writer.entries, report.valid ? (keys?.finish() ?? null) : null);
  return { report, reused, knownHashes };
}
