// The per-document stages (ingest, clean, extract) write their records in shards: a document goes to
// the shard its source_file hashes to, `documents/<shard>.jsonl`, in source_file order within the
// shard. `shards.json` beside them records, per shard, what it was built from (its inputs'
// fingerprint), its sha256, size, document count and the documents that failed in it.
//
// Why: a corpus of 100,000 articles is a quarter of a gigabyte per stage. With one file, adding an
// article made every stage read, copy and hash all of it again. With shards, a stage whose inputs
// for a shard are unchanged (same fingerprint, same stage code) takes the last run's shard file as
// it is (a hard link), without reading it; only the shards with a changed document are read and
// written. The hash of the shard is the one recorded, so the stage's output hash need not read it.
import fs from 'node:fs';
import path from 'node:path';
import { linkOrCopyFile, readJson, writeJson } from './fsutil.js';
import { sha256OfFile } from './hashedFile.js';
import { previousOutputFile, type StageContext } from './stage.js';

/** How many shards a stage's documents are spread over (fixed: a shard's name is part of the layout). */
export const DOCUMENT_SHARDS = 64;
export const SHARD_FOLDER = 'documents';
export const SHARD_MANIFEST = 'shards.json';
/** Recorded in the manifest: a manifest cut by another rule is not used as a cache. */
export const SHARD_RULE = `fnv1a32(utf8(source_file)) mod ${DOCUMENT_SHARDS}`;

/** A document (or an input file) that did not make it into the shard, with a one-line reason. */
export interface ShardFailure {
  source_file: string;
  doc_id?: string;
  reason: string;
}

export interface ShardEntry {
  /** sha256 (hex) of the shard file. */
  sha256: string;
  bytes: number;
  documents: number;
  /** What the shard was built from: its input shards' hashes (or, for ingest, the identities of its files). */
  inputs: string;
  failures: ShardFailure[];
}

/** shards.json: the rule, and one entry per shard in shard order. */
interface ShardManifestFile {
  rule: string;
  shards: (ShardEntry & { shard: string })[];
}

export interface ShardManifest {
  rule: string;
  shards: ReadonlyMap<string, ShardEntry>;
}

const utf8 = new TextEncoder();

/** The shard of a document, by its (first) source file: two hex digits (FNV-1a of its UTF-8 bytes). */
export function shardOf(sourceFile: string): string {
  let hash = 0x811c9dc5;
  // An ASCII name's UTF-8 bytes are its char codes: no encoder run for each of 100k names.
  let ascii = true;
  for (let i = 0; i < sourceFile.length && ascii; i++) {
    const code = sourceFile.charCodeAt(i);
    if (code < 0x80) hash = Math.imul(hash ^ code, 0x01000193);
    else ascii = false;
  }
  if (!ascii) {
    hash = 0x811c9dc5;
    for (const byte of utf8.encode(sourceFile)) hash = Math.imul(hash ^ byte, 0x01000193);
  }
  return ((hash >>> 0) % DOCUMENT_SHARDS).toString(16).padStart(2, '0');
}

/** A shard's file, relative to its stage folder (`/`-separated, as the stage's output hash names it). */
function shardFileName(shard: string): string {
  return `${SHARD_FOLDER}/${shard}.jsonl`;
}

export function shardPath(stageDir: string, shard: string): string {
  return path.join(stageDir, shardFileName(shard));
}

/** The path to write a shard to in a stage's temp folder, its folder created. */
export function newShardPath(outDir: string, shard: string): string {
  const file = shardPath(outDir, shard);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

/** The manifest entry of a shard this run wrote (its hash and size read from the file). */
export async function builtShard(file: string, fields: Pick<ShardEntry, 'documents' | 'inputs' | 'failures'>): Promise<ShardEntry> {
  return { sha256: sha256OfFile(file), bytes: fs.statSync(file).size, ...fields };
}

/** A stage folder's manifest; an error naming the folder when it is missing or damaged. */
export async function readShardManifest(stageDir: string): Promise<ShardManifest> {
  const file = path.join(stageDir, SHARD_MANIFEST);
  let manifest: ShardManifestFile;
  try {
    manifest = await readJson<ShardManifestFile>(file);
  } catch (error) {
    throw new Error(`${file}: cannot read the shard manifest (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); rebuild that stage`);
  }
  if (!manifest || !Array.isArray(manifest.shards) || !manifest.shards.every((e) => e && typeof e.shard === 'string' && Array.isArray(e.failures))) {
    throw new Error(`${file}: not a shard manifest; rebuild that stage`);
  }
  return { rule: manifest.rule, shards: new Map(manifest.shards.map(({ shard, ...entry }) => [shard, entry])) };
}

/** The shard names of a manifest, in order. */
export function shardNames(manifest: ShardManifest): string[] {
  return [...manifest.shards.keys()].sort();
}

/** Every shard file of a stage folder, in shard order, with its name. */
export async function shardFiles(stageDir: string): Promise<{ shard: string; file: string }[]> {
  return shardNames(await readShardManifest(stageDir)).map((shard) => ({ shard, file: shardPath(stageDir, shard) }));
}

/**
 * The last run's shards of this stage, when the same code wrote them by the same rule. A shard is
 * taken over only when its recorded inputs equal this run's, and its file still has the recorded
 * size and was not modified after the manifest was written (an edit by hand makes it a stranger).
 */
export class PreviousShards {
  private constructor(
    private readonly dir: string,
    private readonly manifest: ShardManifest,
    private readonly writtenMs: number,
  ) {}

  static async open(context: StageContext): Promise<PreviousShards | null> {
    const file = await previousOutputFile(context, SHARD_MANIFEST);
    if (file === null) return null;
    const manifest = await readShardManifest(path.dirname(file));
    if (manifest.rule !== SHARD_RULE) return null;
    return new PreviousShards(path.dirname(file), manifest, fs.statSync(file).mtimeMs);
  }

  /**
   * Takes the last run's shard into `outDir` (a hard link, or a copy where links are not possible)
   * when it was built from `inputs`; returns its entry, or null when it must be built.
   */
  reuse(shard: string, inputs: string, outDir: string): ShardEntry | null {
    const entry = this.manifest.shards.get(shard);
    if (!entry || entry.inputs !== inputs) return null;
    const source = shardPath(this.dir, shard);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(source);
    } catch {
      return null;
    }
    if (stat.size !== entry.bytes || stat.mtimeMs > this.writtenMs) return null;
    linkOrCopyFile(source, newShardPath(outDir, shard));
    return entry;
  }
}

/** Writes a stage's manifest (shards in order) and returns the known hashes of its shard files for the stage's output hash. */
export async function writeShardManifest(outDir: string, shards: Map<string, ShardEntry>): Promise<Record<string, string>> {
  const ordered = [...shards].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const manifest: ShardManifestFile = { rule: SHARD_RULE, shards: ordered.map(([shard, entry]) => ({ shard, ...entry })) };
  await writeJson(path.join(outDir, SHARD_MANIFEST), manifest);
  return Object.fromEntries(ordered.map(([shard, entry]) => [shardFileName(shard), entry.sha256]));
}

/** Failures of every shard, in source_file order (the order of a stage's failures.json). */
export function allFailures(shards: Map<string, ShardEntry>): ShardFailure[] {
  return [...shards.values()].flatMap((entry) => entry.failures).sort((a, b) => (a.source_file < b.source_file ? -1 : a.source_file > b.source_file ? 1 : 0));
}
