// Stage 2 — clean: main article text, an offset map back to the decoded source, sentences,
// paragraphs and document metadata, one record per document.
// Input: out/ingest. Output: out/clean/documents/<shard>.jsonl (CleanDoc per line, in ingest's shards and
// order; shards.json says what each shard was built from) and failures.json.
import path from 'node:path';
import { cleanDocument } from '../lib/clean.js';
import { ingestedDocumentCount, jsonTask, mapDocumentShards, readLazyRecords } from '../lib/perdoc.js';
import type { StageDefinition } from '../lib/stage.js';
import type { IngestedDoc } from '../lib/types.js';

/** One document's work, run on a worker thread (exported by name for the pool). */
export const cleanTask = jsonTask((doc: IngestedDoc) => cleanDocument({ doc_id: doc.doc_id, source_file: doc.source_file, format: doc.format, text: doc.text }));

export const cleanStage: StageDefinition = {
  name: 'clean',
  moduleUrl: import.meta.url,
  usesWorkers: true,
  inputs: (config) => ({ ingest: path.join(config.out, 'ingest') }),
  async run(context) {
    const { counts, knownHashes } = await mapDocumentShards(context, {
      inputs: [context.inputs.ingest!],
      records: ([ingested]) => (ingested ? readLazyRecords(ingested) : []),
      task: cleanTask,
      worker: { moduleUrl: import.meta.url, exportName: 'cleanTask' },
      total: await ingestedDocumentCount(context.inputs.ingest!),
    });
    return { ok: true, summary: `${counts.in} documents in, ${counts.out} out (${counts.reused} reused), ${counts.failed} failed`, knownHashes };
  },
};
