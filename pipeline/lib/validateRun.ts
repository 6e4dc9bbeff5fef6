// The validate stage's files between runs, and its two ways to check: the delta check of the
// segments that changed against the last valid run's key sets (validateDelta.ts), and the full check
// over every segment's digest (validate.ts). Files, in the stage's folder: segments/<table>/, a file
// per table segment holding its digest as one JSON line, named as link names its segment files
// (segmentFileName: `000042-<16 hex of the segment's hash>.jsonl`, in table order);
// segments-index.json (each table's digest files, and whether the tables were valid); and keys.bin
// (the key sets). A digest a rebuild keeps is a hard link to the last run's file: after one
// added article at 100k, a few of 271 files are written instead of 62 MB. The stage
// (stages/validate.ts) chooses and writes the report.
import fs from 'node:fs';
import path from 'node:path';
import { linkOrCopyFile, readJson } from './fsutil.js';
import { sha256Hex } from './hash.js';
import { writeFileInPieces } from './lineFile.js';
import { TABLE_NAMES, type TableName, type TableSchema } from './schema.js';
import { segmentFileName, tableSegments, type Segment } from './segments.js';
import { previousOutputFile, segmentRuleOf, type StageContext } from './stage.js';
import { segmentDigester, validateJsonlFiles, type SegmentDigest, type ValidationReport } from './validate.js';
import { checkChanges, deserializeKeyIndex, KeyIndexBuilder, serializeKeyIndex, type KeyIndex, type KeyIndexLayout, type KeyPlan, type TableChange } from './validateDelta.js';

const DIGESTS = 'segments';
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

/** A digest's file: [segment hash, rows, file name in segments/<table>/, its length in bytes]. */
type DigestEntry = [hash: string, rows: number, name: string, length: number];

/** The file of a table's digest entry under a validate folder. */
const digestFile = (dir: string, table: TableName, [, , name]: DigestEntry): string => path.join(dir, DIGESTS, table, name);

/** A digest file's content: the digest as one JSON line (its table first). */
function parseDigest(text: string): StoredDigest {
  const digest = JSON.parse(text) as StoredDigest;
  if (!Array.isArray(digest.keys) || digest.keys.length !== digest.rows || !Array.isArray(digest.refs) || !Array.isArray(digest.offers) || !Array.isArray(digest.problems)) throw new Error('not a digest');
  return digest;
}

interface DigestIndex {
  valid: boolean;
  tables: Record<string, DigestEntry[]>;
  /** The layout of keys.bin; null when the tables were not valid or a key was not exact. */
  keys: KeyIndexLayout | null;
}

/**
 * Whether the digest files in `dir` are the ones its index lists: each of its size, and none
 * modified after the index (written after all of them), so that an edit is not trusted.
 */
function describesDigests(indexFile: string, index: DigestIndex, dir: string): boolean {
  const indexTime = fs.statSync(indexFile).mtimeMs;
  return TABLE_NAMES.every((table) =>
    (index.tables[table] ?? []).every((entry) => {
      const stat = fs.statSync(digestFile(dir, table, entry), { throwIfNoEntry: false });
      return stat?.size === entry[3] && stat.mtimeMs <= indexTime;
    }),
  );
}

/** The last run's segment digests by table and hash, if the same code wrote them (a damaged or edited file only costs the reuse). */
async function previousDigests(context: StageContext): Promise<Map<string, SegmentDigest>> {
  const indexFile = await previousOutputFile(context, DIGEST_INDEX);
  const digests = new Map<string, SegmentDigest>();
  if (!indexFile) return digests;
  try {
    const index = await readJson<DigestIndex>(indexFile);
    if (!describesDigests(indexFile, index, context.previous!.dir)) throw new Error(`${DIGESTS}/ is not the folder its index describes`);
    for (const table of TABLE_NAMES) {
      for (const entry of index.tables[table] ?? []) {
        const { table: _, ...digest } = parseDigest(fs.readFileSync(digestFile(context.previous!.dir, table, entry), 'utf8'));
        if (digest.hash !== entry[0]) throw new Error('a digest of another segment');
        digests.set(`${table}\0${digest.hash}`, digest);
      }
    }
  } catch (error) {
    context.log(`ignoring the digests of the last run (${error instanceof Error ? error.message : String(error)}): every segment is checked again`);
    digests.clear();
  }
  return digests;
}

/** Writes segments/<table>/, a file per segment's digest in table order, remembering each. */
class DigestWriter {
  readonly entries: Record<string, DigestEntry[]> = Object.fromEntries(TABLE_NAMES.map((t) => [t, []]));
  constructor(private readonly dir: string) {
    for (const table of TABLE_NAMES) fs.mkdirSync(path.join(dir, DIGESTS, table), { recursive: true });
  }
  private entry(table: TableName, hash: string, rows: number, length: number): DigestEntry {
    const entry: DigestEntry = [hash, rows, segmentFileName(this.entries[table]!.length, hash), length];
    this.entries[table]!.push(entry);
    return entry;
  }
  write(table: TableName, digest: SegmentDigest): void {
    const bytes = Buffer.from(JSON.stringify({ table, ...digest }) + '\n', 'utf8');
    fs.writeFileSync(digestFile(this.dir, table, this.entry(table, digest.hash, digest.rows, bytes.length)), bytes, { flag: 'wx' });
  }
  /** The last run's file of an unchanged segment's digest (a hard link). */
  copy(table: TableName, lastDir: string, kept: DigestEntry): void {
    const [hash, rows, , length] = kept;
    linkOrCopyFile(digestFile(lastDir, table, kept), digestFile(this.dir, table, this.entry(table, hash, rows, length)));
  }
}

/**
 * Writes segments-index.json and keys.bin; returns what the output hash takes for keys.bin and the
 * digest files instead of reading them back (80 MB at 100k articles): keys.bin's sha256, and for a
 * digest file a digest of this code, its table and its segment's hash (with the same code, the same
 * segment gives the same digest, so the file's bytes change only with them).
 */
function saveIndex(context: StageContext, valid: boolean, entries: DigestIndex['tables'], keys: KeyIndex | null): Record<string, string> {
  const serialized = valid && keys ? serializeKeyIndex(keys) : null;
  const keyBytes = Buffer.concat(serialized?.bytes ?? []);
  writeFileInPieces(path.join(context.outDir, KEYS), keyBytes);
  const index = JSON.stringify({ valid, tables: entries, keys: serialized?.layout ?? null } satisfies DigestIndex, null, 2) + '\n';
  // Written after every digest file: the next run trusts only files not modified after it.
  fs.writeFileSync(path.join(context.outDir, DIGEST_INDEX), index);
  return { [KEYS]: sha256Hex(keyBytes), ...digestFileHashes(context.codeHash, entries) };
}

/** What the output hash takes for each digest file (see saveIndex), by its path in the stage's folder. */
export function digestFileHashes(codeHash: string, entries: DigestIndex['tables']): Record<string, string> {
  const known: Record<string, string> = {};
  for (const [table, list] of Object.entries(entries)) for (const [hash, , name] of list) known[`${DIGESTS}/${table}/${name}`] = `digest:${sha256Hex(`${codeHash}\n${table}\n${hash}`)}`;
  return known;
}

/** The last run's valid tables: its digest index, key index and digests file; or why there are none to check against. */
async function previousValidTables(context: StageContext, plan: KeyPlan | null): Promise<{ index: DigestIndex; keys: KeyIndex; digestsDir: string } | string> {
  const [indexFile, keysFile] = await Promise.all([DIGEST_INDEX, KEYS].map((name) => previousOutputFile(context, name)));
  if (!indexFile || !keysFile || !plan) return 'no key index of the last run';
  try {
    const index = await readJson<DigestIndex>(indexFile);
    if (!index.valid) return 'the last run\'s tables were not valid';
    if (!index.keys) return 'the last run\'s keys are not all a prefix and 16 hex digits';
    const lastDir = context.previous!.dir;
    if (!describesDigests(indexFile, index, lastDir)) return `the last run's ${DIGESTS}/ is not the folder its index describes`;
    if (fs.statSync(keysFile).mtimeMs > fs.statSync(indexFile).mtimeMs) return `the last run's ${KEYS} changed after its index was written`;
    const keys = deserializeKeyIndex(index.keys, fs.readFileSync(keysFile), plan);
    return keys ? { index, keys, digestsDir: lastDir } : 'the last run\'s key index does not fit its layout';
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
  const changes = {} as Record<TableName, TableChange>;
  for (const table of TABLE_NAMES) {
    const added = plans[table].filter((item): item is Segment => !Array.isArray(item)).map((segment) => digester.digest(table, segment.read(), segment.hash));
    for (const digest of added) digested.set(`${table}\0${digest.hash}`, digest);
    if (added.some((digest) => digest.problems.length > 0)) return `a changed ${table} segment has row problems`;
    const removed = gone[table].map((entry) => parseDigest(fs.readFileSync(digestFile(previous.digestsDir, table, entry), 'utf8')));
    changes[table] = { added, removed };
  }
  const checked = checkChanges(plan!, previous.keys, changes);
  if ('reason' in checked) return checked.reason;
  const writer = new DigestWriter(context.outDir);
  for (const table of digester.order) for (const item of plans[table]) Array.isArray(item) ? writer.copy(table, previous.digestsDir, item) : writer.write(table, digested.get(`${table}\0${item.hash}`)!);
  const knownHashes = saveIndex(context, true, writer.entries, checked.next);
  const rows = (table: TableName) => writer.entries[table]!.reduce((n, entry) => n + entry[1], 0);
  return { report: { valid: true, tables: Object.fromEntries(TABLE_NAMES.map((t) => [t, { rows: rows(t), problems: 0 }])), problems: [] }, reused, knownHashes };
}

/** The full check over every segment's digest (those of unchanged segments taken from the last run). */
export async function validateAll({ context, files, schemas, plan }: ValidationInputs, digestedAlready: ReadonlyMap<string, SegmentDigest>): Promise<Checked> {
  const known = await previousDigests(context);
  for (const [key, digest] of digestedAlready) known.set(key, digest);
  const writer = new DigestWriter(context.outDir);
  const keys = plan && new KeyIndexBuilder(plan);
  const digested = (table: TableName, digest: SegmentDigest) => {
    writer.write(table, digest);
    keys?.add(table, digest);
  };
  const result = validateJsonlFiles(files, schemas, known, digested, segmentRuleOf(context.config));
  const unchanged = result.reused - digestedAlready.size; // those digested this run count as reused
  if (known.size > digestedAlready.size) context.log(`${unchanged} table segments unchanged since the last run, not read again`);
  const { reused, ...report } = result;
  const knownHashes = saveIndex(context, report.valid, writer.entries, report.valid ? (keys?.finish() ?? null) : null);
  return { report, reused, knownHashes };
}
