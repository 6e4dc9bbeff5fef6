// Stage 2 — clean: main article text, an offset map back to the decoded source, sentences,
// paragraphs and document metadata, one record per document.
// Input: out/ingest. Output: out/clean/documents/<shard>.jsonl (CleanDoc per line, in ingest's shards and
// order; shards.json says what each shard was built from) and failures.json.
// The per-document work is in cleanTask.ts, loaded by the worker threads (not by this thread, unless
// documents run in-process).
import path from 'node:path';
import { inProcessTask, ingestedDocumentCount, mapDocumentShards, readLazyRecords } from '../lib/perdoc.js';
import { siblingModule } from '../lib/runtime.js';
import type { StageDefinition } from '../lib/stage.js';

const TASK_MODULE = siblingModule(import.meta.url, './cleanTask');

export const cleanStage: StageDefinition = {
  name: 'clean',
  moduleUrl: import.meta.url,
  usesWorkers: true,
  workerModuleUrl: TASK_MODULE,
  inputs: (config) => ({ ingest: path.join(config.out, 'ingest') }),
  async run(context) {
    const { counts, knownHashes } = await mapDocumentShards(context, {
      inputs: [context.inputs.ingest!],
      records: ([ingested]) => (ingested ? readLazyRecords(ingested) : []),
      task: await inProcessTask('clean', async () => (await import('./cleanTask.js')).cleanTask),
      worker: { moduleUrl: TASK_MODULE, exportName: 'cleanTask' },
      total: await ingestedDocumentCount(context.inputs.ingest!),
    });
    return { ok: true, summary: `${counts.in} documents in, ${counts.out} out (${counts.reused} reused), ${counts.failed} failed`, knownHashes };
  },
};
