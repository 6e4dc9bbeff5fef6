// Stage 1 — ingest: every file under SEEDS becomes a document (bytes, sha256, doc_id, decoded text)
// or a reject with a one-line reason. Identical files are one document listing every name.
// Input: the SEEDS folder. Output: out/ingest/{documents.jsonl, rejects.json, summary.json}.
//
// Incremental: a file whose (path, size, mtime) matches the last run is not re-hashed (the hashes are
// cached in OUT/.cache/, outside the published artifacts, because mtimes must never reach them), and
// a document whose bytes and file list are unchanged is copied from the previous output line as is.
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
import { buildCachePath, writeBuildCache, type StageDefinition } from '../lib/stage.js';
import type { IngestedDoc, Reject } from '../lib/types.js';

/** Articles are kilobytes; anything this large is not an article and would only slow the build. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

/** relPath -> [size, mtimeMs, sha256] from the last run. */
type HashCache = Record<string, [number, number, string]>;

const HASH_CACHE = 'ingest-sha256.json';

async function loadHashCache(out: string): Promise<HashCache> {
  const file = buildCachePath(out, HASH_CACHE);
  try {
    return (await exists(file)) ? await readJson<HashCache>(file) : {};
  } catch {
    return {}; // a damaged cache only costs a re-hash
  }
}

export const ingestStage: StageDefinition = {
  name: 'ingest',
  moduleUrl: import.meta.url,
  inputs: (config) => ({ seeds: config.seeds }),
  async run(context) {
    // load
    const { files, problems } = context.walked?.get(context.inputs.seeds!) ?? (await walkFiles(context.inputs.seeds!));
    const rejects: Reject[] = problems.map((p) => ({ source_file: p.relPath, reason: p.reason }));
    const oldHashes = await loadHashCache(context.config.out);
    const newHashes: HashCache = {};

    // process: hash every file (or trust last run's hash), group identical bytes, then decode one copy of each
    const groups = new Map<string, WalkedFile[]>();
    for (const [index, file] of files.entries()) {
      context.progress(index, files.length * 2);
      if (file.size > MAX_DOCUMENT_BYTES) {
        rejects.push({ source_file: file.relPath, reason: `file too large (${file.size} bytes > ${MAX_DOCUMENT_BYTES}); not an article` });
        continue;
      }
      const cached = oldHashes[file.relPath];
      const sha = cached && cached[0] === file.size && cached[1] === file.mtimeMs ? cached[2] : sha256Hex(fs.readFileSync(file.absPath));
      newHashes[file.relPath] = [file.size, file.mtimeMs, sha];
      const group = groups.get(sha);
      if (group) group.push(file);
      else groups.set(sha, [file]);
    }

    // save
    const writer = new BufferedLineWriter(path.join(context.outDir, 'documents.jsonl'), 4 << 20);
    const previous = await PreviousOutput.open(context, 'documents.jsonl');
    let done = files.length;
    for (const [sha, group] of groups) {
      context.progress(done++, files.length * 2);
      const first = group[0]!;
      const identity = { doc_id: `doc_${sha.slice(0, 16)}`, sha256: sha, source_file: first.relPath, source_files: group.map((f) => f.relPath) };
      // Everything after these four keys follows from the bytes and the first name, so a previous line
      // that starts with exactly them is this document's record, byte for byte.
      const prefix = Buffer.from(JSON.stringify(identity).slice(0, -1) + ',', 'utf8');
      const reusable = previous.recordOf(first.relPath)?.line;
      if (reusable && reusable.length > prefix.length && reusable.subarray(0, prefix.length).equals(prefix)) {
        writer.write(reusable);
        continue;
      }
      const bytes = fs.readFileSync(first.absPath);
      const decoded = decodeBytes(bytes);
      if ('error' in decoded) {
        for (const file of group) rejects.push({ source_file: file.relPath, reason: decoded.error });
        continue;
      }
      const doc: IngestedDoc = {
        ...identity,
        format: sniffFormat(first.relPath, decoded.text),
        encoding: decoded.encoding,
        bytes: bytes.length,
        text: decoded.text,
      };
      writer.write(JSON.stringify(doc));
    }
    previous.close();
    writer.close();
    await writeBuildCache(context.config.out, HASH_CACHE, JSON.stringify(newHashes));
    rejects.sort((a, b) => (a.source_file < b.source_file ? -1 : a.source_file > b.source_file ? 1 : 0));
    await writeJson(path.join(context.outDir, 'rejects.json'), rejects);
    // Counts for the next stages' progress bars (they stream documents.jsonl and cannot count ahead).
    await writeJson(path.join(context.outDir, 'summary.json'), { documents: writer.count, rejected: rejects.length });
    for (const reject of rejects) context.log(`rejected ${reject.source_file}: ${reject.reason}`);
    return { ok: true, summary: `${files.length + problems.length} files in, ${writer.count} documents out, ${rejects.length} rejected` };
  },
};
