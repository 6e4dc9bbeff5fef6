// Per-document stages (clean, extract) share this loop: stream the input records, reuse the previous
// output for documents whose content and stage code are unchanged, process the rest, and record any
// document that fails with a one-line reason instead of failing the build.
import path from 'node:path';
import { JsonlWriter, exists, readJsonl, writeJson } from './fsutil.js';
import type { StageContext } from './stage.js';

export interface PerDocRecord {
  doc_id: string;
  source_file: string;
}

export interface PerDocCounts {
  in: number;
  out: number;
  reused: number;
  failed: number;
}

export interface DocumentFailure {
  source_file: string;
  doc_id: string;
  reason: string;
}

export async function mapDocuments<In extends PerDocRecord, Out extends PerDocRecord>(
  context: StageContext,
  options: { input: AsyncIterable<In>; output: string; process: (record: In) => Out; total?: number },
): Promise<PerDocCounts> {
  const counts: PerDocCounts = { in: 0, out: 0, reused: 0, failed: 0 };
  const failures: DocumentFailure[] = [];
  const previous = await previousRecords<Out>(context, options.output);
  const writer = new JsonlWriter(path.join(context.outDir, options.output));
  for await (const record of options.input) {
    counts.in++;
    if (options.total) context.progress(counts.in, options.total);
    const reused = await previous.find(record);
    if (reused) {
      counts.reused++;
      await writer.write(reused);
      counts.out++;
      continue;
    }
    try {
      await writer.write(options.process(record));
      counts.out++;
    } catch (error) {
      counts.failed++;
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
      failures.push({ source_file: record.source_file, doc_id: record.doc_id, reason });
      context.log(`failed ${record.source_file}: ${reason}`);
    }
  }
  await writer.close();
  await previous.close();
  await writeJson(path.join(context.outDir, 'failures.json'), failures);
  return counts;
}

/**
 * The previous output as a cache, walked in step with the input: both are in source_file order, so a
 * merge walk finds a document's old record without holding the old output in memory.
 */
async function previousRecords<Out extends PerDocRecord>(context: StageContext, output: string) {
  const file = context.previous ? path.join(context.previous.dir, output) : null;
  const usable = file !== null && context.previous!.codeHash === context.codeHash && (await exists(file));
  const iterator = usable ? readJsonl<Out>(file)[Symbol.asyncIterator]() : null;
  let head: Out | null = null;
  let finished = !iterator;
  async function advance(): Promise<void> {
    if (!iterator || finished) return;
    const next = await iterator.next();
    if (next.done) {
      finished = true;
      head = null;
    } else head = next.value;
  }
  if (iterator) await advance();
  return {
    async find(record: PerDocRecord): Promise<Out | null> {
      while (!finished && head && head.source_file < record.source_file) await advance();
      if (head && head.source_file === record.source_file && head.doc_id === record.doc_id) return head;
      return null;
    },
    async close(): Promise<void> {
      await iterator?.return?.(undefined);
    },
  };
}

/**
 * Joins two record streams that are both in source_file order by doc_id: yields [left, right] for
 * documents present in both (a document an earlier stage dropped is skipped).
 */
export async function* zipByDocument<A extends PerDocRecord, B extends PerDocRecord>(left: AsyncIterable<A>, right: AsyncIterable<B>): AsyncGenerator<[A, B]> {
  const rightIterator = right[Symbol.asyncIterator]();
  let current = await rightIterator.next();
  for await (const a of left) {
    while (!current.done && current.value.source_file < a.source_file) current = await rightIterator.next();
    if (current.done) return;
    if (current.value.source_file === a.source_file && current.value.doc_id === a.doc_id) yield [a, current.value];
  }
}
