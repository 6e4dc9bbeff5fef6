// Stage 1 — ingest: every file under SEEDS becomes a document (bytes, sha256, doc_id, decoded text)
// or a reject with a one-line reason. Identical files are one document listing every name.
// Input: the SEEDS folder. Output: out/ingest/{documents.jsonl, rejects.json}.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { decodeBytes, sniffFormat } from '../lib/decode.js';
import { JsonlWriter, writeJson, walkFiles, type WalkedFile } from '../lib/fsutil.js';
import { sha256Hex } from '../lib/hash.js';
import type { StageDefinition } from '../lib/stage.js';
import type { IngestedDoc, Reject } from '../lib/types.js';

/** Articles are kilobytes; anything this large is not an article and would only slow the build. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

export const ingestStage: StageDefinition = {
  name: 'ingest',
  moduleUrl: import.meta.url,
  inputs: (config) => ({ seeds: config.seeds }),
  async run(context) {
    // load
    const { files, problems } = await walkFiles(context.inputs.seeds!);
    const rejects: Reject[] = problems.map((p) => ({ source_file: p.relPath, reason: p.reason }));

    // process: hash every file, group identical bytes, then decode one copy of each
    const groups = new Map<string, WalkedFile[]>();
    for (const [index, file] of files.entries()) {
      context.progress(index, files.length * 2);
      if (file.size > MAX_DOCUMENT_BYTES) {
        rejects.push({ source_file: file.relPath, reason: `file too large (${file.size} bytes > ${MAX_DOCUMENT_BYTES}); not an article` });
        continue;
      }
      const sha = sha256Hex(await fsp.readFile(file.absPath));
      const group = groups.get(sha);
      if (group) group.push(file);
      else groups.set(sha, [file]);
    }

    // save
    const writer = new JsonlWriter(path.join(context.outDir, 'documents.jsonl'));
    let done = files.length;
    for (const [sha, group] of groups) {
      context.progress(done++, files.length * 2);
      const first = group[0]!;
      const bytes = await fsp.readFile(first.absPath);
      const decoded = decodeBytes(bytes);
      if ('error' in decoded) {
        for (const file of group) rejects.push({ source_file: file.relPath, reason: decoded.error });
        continue;
      }
      const doc: IngestedDoc = {
        doc_id: `doc_${sha.slice(0, 16)}`,
        sha256: sha,
        source_file: first.relPath,
        source_files: group.map((f) => f.relPath),
        format: sniffFormat(first.relPath, decoded.text),
        encoding: decoded.encoding,
        bytes: bytes.length,
        text: decoded.text,
      };
      await writer.write(doc);
    }
    await writer.close();
    rejects.sort((a, b) => (a.source_file < b.source_file ? -1 : a.source_file > b.source_file ? 1 : 0));
    await writeJson(path.join(context.outDir, 'rejects.json'), rejects);
    for (const reject of rejects) context.log(`rejected ${reject.source_file}: ${reject.reason}`);
    return { ok: true, summary: `${files.length + problems.length} files in, ${writer.count} documents out, ${rejects.length} rejected` };
  },
};
