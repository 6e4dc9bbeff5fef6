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
 * The last run's file hashes, as text: per file, in the walk's order (by relPath), its identity
 * (fileIdentity: path, size and mtime, each ended by a NUL, which no name holds) and its sha256 (hex,
 * ended by a NUL), so this run matches its files to them by walking both in one pass, comparing each
 * file's identity with the text at the cursor. (A JSON array of [path, size, mtime, sha256] cost
 * about 0.1 s at 100k files to parse, and as much again in garbage collection.)
 */
const HASH_CACHE = 'ingest-files.txt';
/** The cache's earlier names and forms (an object keyed by path; an array of arrays): removed, not read. */
const LEGACY_HASH_CACHES = ['ingest-sha256.json', 'ingest-files.json'];

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** A file as the hash cache records it: its path, size and mtime, each ended by a NUL. */
export function fileIdentity(file: Pick<WalkedFile, 'relPath' | 'size' | 'mtimeMs'>): string {
  return `${file.relPath}\0${file.size}\0${file.mtimeMs}\0`;
}

/** The cache text of files (identity as fileIdentity makes it) and their sha256, in walk order. */
export function hashCacheText(entries: readonly (readonly [identity: string, sha256: string])[]): string {
  return entries.map(([identity, sha]) => `${identity}${sha}\0`).join('');
}

function loadHashCache(out: string): string {
  try {
    return fs.readFileSync(buildCachePath(out, HASH_CACHE), 'utf8');
  } catch {
    return ''; // none (or unreadable): every file is hashed
  }
}

/**
 * The cached sha256 of each file (in `files`' order, `identities` theirs) whose size and mtime are as
 * the cache recorded, else undefined. A damaged cache gives no hash it does not hold whole.
 */
export function cachedHashes(files: readonly WalkedFile[], cache: string, identities: readonly string[] = files.map(fileIdentity)): (string | undefined)[] {
  let at = 0;
  /** Past the record at `at` (four fields), or the text's end. */
  const skipRecord = (): void => {
    for (let field = 0; field < 4 && at < cache.length; field++) {
      const end = cache.indexOf('\0', at);
      at = end < 0 ? cache.length : end + 1;
    }
  };
  return files.map((file, i) => {
    const identity = identities[i]!;
    while (at < cache.length) {
      if (cache.startsWith(identity, at)) {
        const start = at + identity.length;
        const end = cache.indexOf('\0', start);
        const sha = end < 0 ? '' : cache.slice(start, end);
        at = end < 0 ? cache.length : end + 1;
        return SHA256_HEX.test(sha) ? sha : undefined;
      }
      // Not this file's record: one of a file gone since (its path sorts first), or this file's with
      // another size or mtime (skipped too), or a later file's (kept for it).
      const nameEnd = cache.indexOf('\0', at);
      const name = cache.slice(at, nameEnd < 0 ? cache.length : nameEnd);
      if (name > file.relPath) return undefined;
      skipRecord();
      if (name === file.relPath) return undefined;
    }
    return undefined;
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
    const identities = files.map(fileIdentity);
    const cached = cachedHashes(files, loadHashCache(context.config.out), identities);
    const newHashes: [identity: string, sha256: string][] = [];

    // process: hash every file (or trust last run's hash), group identical bytes, then decode one copy of each
    const groups = new Map<string, WalkedFile[]>();
    for (const [index, file] of files.entries()) {
      if ((index & 1023) === 0) context.progress(index, files.length * 2);
      if (file.size > MAX_DOCUMENT_BYTES) {
        rejects.push({ source_file: file.relPath, reason: `file too large (${file.size} bytes > ${MAX_DOCUMENT_BYTES}); not an article` });
        continue;
      }
      const sha = cached[index] ?? sha256Hex(fs.readFileSync(file.absPath));
      newHashes.push([identities[index]!, sha]);
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
    await writeBuildCache(context.config.out, HASH_CACHE, hashCacheText(newHashes));
    for (const legacy of LEGACY_HASH_CACHES) fs.rmSync(buildCachePath(context.config.out, legacy), { force: true });
    rejects.sort((a, b) => (a.source_file < b.source_file ? -1 : a.source_file > b.source_file ? 1 : 0));
    await writeJson(path.join(context.outDir, 'rejects.json'), rejects);
    // Counts for the next stages' progress bars (they stream the document shards and cannot count ahead).
    await writeJson(path.join(context.outDir, 'summary.json'), { documents, rejected: rejects.length });
    for (const reject of rejects) context.log(`rejected ${reject.source_file}: ${reject.reason}`);
    return { ok: true, summary: `${files.length + problems.length} files in, ${documents} documents out, ${rejects.length} rejected`, knownHashes };
  },
};
