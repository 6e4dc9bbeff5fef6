// Stage 2 — clean: main article text, an offset map back to the decoded source, sentences,
// paragraphs and document metadata, one record per document.
// Input: out/ingest. Output: out/clean/documents/<shard>.jsonl (CleanDoc per line, in ingest's shards and
// order; shards.json says what each shard was built from) and failures.json.
// The per-document work is in cleanTask.ts, loaded by the worker threads (not by this thread, unless
// documents run in-process).
import path from 'node:path';
import { ingestedDocumentCount, mapDocumentShards, readLazyRecords, type DocumentTask } from '../lib/perdoc.js';
import { siblingModule } from '../lib/runtime.js';
import type { StageDefinition } from '../lib/stage.js';
import { defaultWorkerCount } from '../lib/workerPool.js';

const TASK_MODULE = siblingModule(import.meta.url, './cleanTask');

export const cleanStage: StageDefinition = {
  name: 'clean',
  moduleUrl: import.meta.url,
  usesWorkers: true,
  workerModuleUrl: TASK_MODULE,
  inputs: (config) => ({ ingest: path.join(config.out, 'ingest') }),
  async run(context) {
    const inProcess: DocumentTask | null = defaultWorkerCount() === 0 ? (await import('./cleanTask.js')).cleanTask : null;
    const { counts, knownHashes } = await mapDocumentShards(context, {
      inputs: [context.inputs.ingest!],
      records: ([ingested]) => (ingested ? readLazyRecords(ingested) : []),
      task: (lines) => {
        if (!inProcess) throw new Error('clean: documents run on worker threads here, not in-process');
        return inProcess(lines);
      },
      worker: { moduleUrl: TASK_MODULE, exportName: 'cleanTask' },
      total: await ingestedDocumentCount(context.inputs.ingest!),
    });
    return { ok: true, summary: `${counts.in} documents in, ${counts.out} out (${counts.reused} reused), ${counts.failed} failed`, knownHashes };
  },
};
