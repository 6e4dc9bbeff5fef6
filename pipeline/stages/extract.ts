// Stage 3 — extract: the figures each document states, with provenance into the decoded source,
// and the campaign mentions the link stage needs. One compact record per document.
// Inputs: out/ingest (source text, file facts), out/clean (clean text, offsets, metadata).
// Output: out/extract/documents/<shard>.jsonl, shards.json and failures.json (see lib/shards.ts).
// The per-document work is in extractTask.ts, loaded by the worker threads (not by this thread, unless
// documents run in-process).
import path from 'node:path';
import { inProcessTask, ingestedDocumentCount, mapDocumentShards, readLazyRecords, zipByDocument, type LazyRecord } from '../lib/perdoc.js';
import { siblingModule } from '../lib/runtime.js';
import type { StageDefinition } from '../lib/stage.js';

export type { ExtractedDocument, FigureRecord } from './extractTask.js';

const TASK_MODULE = siblingModule(import.meta.url, './extractTask');

export const extractStage: StageDefinition = {
  name: 'extract',
  moduleUrl: import.meta.url,
  usesWorkers: true,
  workerModuleUrl: TASK_MODULE,
  inputs: (config) => ({ ingest: path.join(config.out, 'ingest'), clean: path.join(config.out, 'clean') }),
  async run(context) {
    const { counts, knownHashes } = await mapDocumentShards(context, {
      inputs: [context.inputs.ingest!, context.inputs.clean!],
      records: ([ingested, cleaned]) => pairRecords(ingested ? readLazyRecords(ingested) : [], cleaned ? readLazyRecords(cleaned) : []),
      task: await inProcessTask('extract', async () => (await import('./extractTask.js')).extractTask),
      worker: { moduleUrl: TASK_MODULE, exportName: 'extractTask' },
      total: await ingestedDocumentCount(context.inputs.ingest!),
    });
    return { ok: true, summary: `${counts.in} documents in, ${counts.out} out (${counts.reused} reused), ${counts.tally} new figures, ${counts.failed} failed`, knownHashes };
  },
};

/** A document's ingest and clean lines as one record (a document clean dropped is skipped). */
function* pairRecords(ingested: Iterable<LazyRecord>, cleaned: Iterable<LazyRecord>): Generator<LazyRecord> {
  for (const [source, clean] of zipByDocument(ingested, cleaned)) yield { doc_id: source.doc_id, source_file: source.source_file, lines: [...source.lines, ...clean.lines] };
}
