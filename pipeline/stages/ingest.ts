// Stage 1 — ingest: every file under SEEDS becomes a document (bytes, sha256, doc_id, decoded text)
// or a reject with a one-line reason. Identical files are one document listing every name.
// Input: the SEEDS folder. Output: out/ingest/{documents/<shard>.jsonl, shards.json, rejects.json,
// summary.json} (shards: lib/shards.ts).
//
// Incremental: a file whose (path, size, mtime) matches the last run is not re-hashed (the hashes are
// cached in OUT/.cache/, outside the published artifacts, because mtimes must never reach them), and
// a document whose bytes and file list are unchanged is copied from the previous output line as is;
// a shard all of whose documents are unchanged is taken over without reading it.
//
// Files are read synchronously: one awaited read costs about 0.37 ms of promise and thread-pool round
// trip, twenty times the read itself for an article-sized file, and ingest has nothing to overlap.
import fs from 'node:fs';
import path from 'node:path';
import { decodeBytes, sniffFormat } from '../lib/decode.js';
import { exists, readJson, writeJson, walkFiles, type WalkedFile } from '../lib/fsutil.js';
import { sha256Hex } from '../lib/hash.js';
import { BufferedLineWriter } from '../lib/lineFile.js';
import { PreviousOutput } from '../lib/perdoc.js';
import { allFailures, builtShard, newShardPath, PreviousShards, shardOf, writeShardManifest, type ShardEntry, type ShardFailure } from '../lib/shards.js';
import { buildCachePath, writeBuildCache, type StageDefinition } from '../lib/stage.js';
import type { IngestedDoc, Reject } from '../lib/types.js';

/** Articles are kilobytes; anything this large is not an article and would only slow the build. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

/**
 * The last run's file hashes: [relPath, size, mtimeMs, sha256] per file, in the walk's order (by
 * relPath), so this run matches its files to them by walking both lists once. (An object keyed by
 * path cost 0.3 s at 100k files to parse and as much again to fill and look up.)
 */
type HashCache = [relPath: string, size: number, mtimeMs: number, sha256: string][];

const HASH_CACHE = 'ingest-files.json';
/** The cache's earlier name and form (an object keyed by path): removed, not read. */
const LEGACY_HASH_CACHE = 'ingest-sha256.json';

async function loadHashCache(out: string): Promise<HashCache> {
  const file = buildCachePath(out, HASH_CACHE);
  try {
    const cache = (await exists(file)) ? await readJson<unknown>(file) : [];
    return Array.isArray(cache) ? (cache as HashCache) : [];
  } catch {
    return []; // a damaged cache only costs a re-hash
  }
}

/** The cached sha256 of each file (in `files`' order) whose size and mtime are as the cache recorded, else undefined. */
export function cachedHashes(files: readonly WalkedFile[], cache: HashCache): (string | undefined)[] {
  let at = 0;
  return files.map((file) => {
    while (at < cache.length && cache[at]![0] < file.relPath) at++;
    const entry = cache[at];
    return entry && entry[0] === file.relPath && entry[1] === file.size && entry[2] === file.mtimeMs ? entry[3] : undefined;
  });
}

export const ingestStage: StageDefinition = {
  name: 'ingest',
  moduleUrl: import.meta.url,
  inputs: (config) => ({ seeds: config.seeds }),
  async run(context) {
    // load
    const { files, problems } = context.walked?.get(context.inputs.seeds!) ?? (await walkFiles(context.inputs.seeds!));
    const rejects: Reject[] = problems.map((p) => ({ source_file: p.relPath, reason: p.reason }));
    const cached = cachedHashes(files, await loadHashCache(context.config.out));
    const newHashes: HashCache = [];

    // process: hash every file (or trust last run's hash), group identical bytes, then decode one copy of each
    const groups = new Map<string, WalkedFile[]>();
    for (const [index, file] of files.entries()) {
      if ((index & 1023) === 0) context.progress(index, files.length * 2);
      if (file.size > MAX_DOCUMENT_BYTES) {
        rejects.push({ source_file: file.relPath, reason: `file too large (${file.size} bytes > ${MAX_DOCUMENT_BYTES}); not an article` });
        continue;
      }
      const sha = cached[index] ?? sha256Hex(fs.readFileSync(file.absPath));
      newHashes.push([file.relPath, file.size, file.mtimeMs, sha]);
      const group = groups.get(sha);
      if (group) group.push(file);
      else groups.set(sha, [file]);
    }

    // save: per shard (shards.ts). A shard whose documents have the same identities as last time
    // (bytes and names) is taken over as it is; in the others, a document whose identity is unchanged
    // is copied from the previous output line as is.
    const byShard = new Map<string, [string, WalkedFile[]][]>();
    for (const [sha, group] of groups) {
      const shard = shardOf(group[0]!.relPath);
      const list = byShard.get(shard);
      if (list) list.push([sha, group]);
      else byShard.set(shard, [[sha, group]]);
    }
    const previousShards = await PreviousShards.open(context);
    const shards = new Map<string, ShardEntry>();
    let done = files.length;
    let documents = 0;
    for (const shard of [...byShard.keys()].sort()) {
      const shardGroups = byShard.get(shard)!;
      // What the shard is built from: each document's bytes and names, NUL-separated with a count of
      // names (a name may hold any byte but NUL, so no name can pass for a separator). Made without an
      // object per document: most shards are taken over unread.
      const inputs = sha256Hex(shardGroups.map(([sha, group]) => `${sha}\0${group.length}\0${group.map((f) => f.relPath).join('\0')}\0`).join(''));
      context.progress((done += shardGroups.length), files.length * 2);
      const reused = previousShards?.reuse(shard, inputs, context.outDir);
      if (reused) {
        shards.set(shard, reused);
        documents += reused.documents;
        continue;
      }
      const identities = shardGroups.map(([sha, group]) => ({ doc_id: `doc_${sha.slice(0, 16)}`, sha256: sha, source_file: group[0]!.relPath, source_files: group.map((f) => f.relPath) }));
      const identityTexts = identities.map((identity) => JSON.stringify(identity));
      const output = newShardPath(context.outDir, shard);
      const writer = new BufferedLineWriter(output, 4 << 20);
      const previous = await PreviousOutput.open(context, path.relative(context.outDir, output));
      const failures: ShardFailure[] = [];
      shardGroups.forEach(([, group], i) => {
        const first = group[0]!;
        // Everything after the four identity keys follows from the bytes and the first name, so a
        // previous line that starts with exactly them is this document's record, byte for byte.
        const prefix = Buffer.from(identityTexts[i]!.slice(0, -1) + ',', 'utf8');
        const reusable = previous.recordOf(first.relPath)?.line;
        if (reusable && reusable.length > prefix.length && reusable.subarray(0, prefix.length).equals(prefix)) {
          writer.write(reusable);
          return;
        }
        const bytes = fs.readFileSync(first.absPath);
        const decoded = decodeBytes(bytes);
        if ('error' in decoded) {
          for (const file of group) failures.push({ source_file: file.relPath, reason: decoded.error });
          return;
        }
        const doc: IngestedDoc = {
          ...identities[i]!,
          format: sniffFormat(first.relPath, decoded.text),
          encoding: decoded.encoding,
          bytes: bytes.length,
          text: decoded.text,
        };
        writer.write(JSON.stringify(doc));
      });
      previous.close();
      writer.close();
      documents += writer.count;
      shards.set(shard, await builtShard(output, { documents: writer.count, inputs, failures }));
    }
    const knownHashes = await writeShardManifest(context.outDir, shards);
    rejects.push(...allFailures(shards));
    await writeBuildCache(context.config.out, HASH_CACHE, JSON.stringify(newHashes));
    fs.rmSync(buildCachePath(context.config.out, LEGACY_HASH_CACHE), { force: true });
    rejects.sort((a, b) => (a.source_file < b.source_file ? -1 : a.source_file > b.source_file ? 1 : 0));
    await writeJson(path.join(context.outDir, 'rejects.json'), rejects);
    // Counts for the next stages' progress bars (they stream documents.jsonl and cannot count ahead).
    await writeJson(path.join(context.outDir, 'summary.json'), { documents, rejected: rejects.length });
    for (const reject of rejects) context.log(`rejected ${reject.source_file}: ${reject.reason}`);
    return { ok: true, summary: `${files.length + problems.length} files in, ${documents} documents out, ${rejects.length} rejected`, knownHashes };
  },
};
