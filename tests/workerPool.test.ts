// The worker pool behind the per-document stages: results come back per task (the stage writes them
// in input order), a throwing document and a runaway document each become a one-line failure, and
// the pool keeps serving afterwards. Plus the ordered per-document loop itself (mapDocuments).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonTask, leadingKeys, mapDocuments, type LazyRecord } from '../pipeline/lib/perdoc.js';
import type { StageContext } from '../pipeline/lib/stage.js';
import { TaskFailure, WorkerPool } from '../pipeline/lib/workerPool.js';
import { ROOT, tempDir } from './helpers/build.js';

const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

const TASKS = { moduleUrl: new URL('./fixtures/worker-pool/tasks.ts', import.meta.url).href, exportName: 'echoOrMisbehave' };
type Input = { id: number; mode: 'ok' | 'throw' | 'hang' | 'slow' };

// Budgets are generous: a loaded machine must not cut off the ordinary documents, only the runaway one.
const pool = new WorkerPool<Input, string>({ workers: 2, timeoutMs: 5000 });
afterAll(() => pool.close());

describe('WorkerPool', () => {
  it('returns each task its own result, whatever order they finish in', async () => {
    const inputs = Array.from({ length: 24 }, (_, id) => ({ id, mode: 'slow' as const }));
    expect(await Promise.all(inputs.map((input) => pool.run(TASKS, input)))).toEqual(inputs.map((i) => `done ${i.id}`));
  }, 30_000);

  it('turns a throwing document into a one-line error failure and keeps working', async () => {
    const failure = await pool.run(TASKS, { id: 7, mode: 'throw' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TaskFailure);
    expect((failure as TaskFailure).kind).toBe('error');
    expect((failure as TaskFailure).message).toBe('document 7 is malformed');
    expect(await pool.run(TASKS, { id: 8, mode: 'ok' })).toBe('done 8');
  }, 30_000);

  it('cuts off a runaway document at its budget, replaces the worker, and keeps working', async () => {
    const started = Date.now();
    const [hung, ...others] = await Promise.allSettled([
      pool.run(TASKS, { id: 1, mode: 'hang' }),
      ...Array.from({ length: 6 }, (_, i) => pool.run(TASKS, { id: 10 + i, mode: 'ok' })),
    ]);
    expect(hung.status).toBe('rejected');
    const reason = (hung as PromiseRejectedResult).reason as TaskFailure;
    expect(reason.kind).toBe('timeout');
    expect(reason.message).toMatch(/^timed out: still running after 5\.0s/);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(others.map((o) => (o.status === 'fulfilled' ? o.value : 'failed'))).toEqual([10, 11, 12, 13, 14, 15].map((id) => `done ${id}`));
    expect(await pool.run(TASKS, { id: 99, mode: 'ok' })).toBe('done 99');
  }, 30_000);

  it('reports a module that cannot be loaded as a setup failure, not a document failure', async () => {
    const missing = { moduleUrl: new URL('./fixtures/worker-pool/tasks.ts', import.meta.url).href, exportName: 'noSuchExport' };
    const failure = await pool.run(missing, { id: 1, mode: 'ok' }).catch((error: unknown) => error);
    expect((failure as TaskFailure).kind).toBe('setup');
  }, 30_000);
});

describe('WorkerPool threads', () => {
  it('starts a thread only when a task has none free, up to its size', async () => {
    const lazy = new WorkerPool<Input, string>({ workers: 2, timeoutMs: 30_000 });
    try {
      expect(lazy.threads).toBe(0);
      expect(await lazy.run(TASKS, { id: 1, mode: 'ok' })).toBe('done 1');
      expect(await lazy.run(TASKS, { id: 2, mode: 'ok' })).toBe('done 2');
      expect(lazy.threads).toBe(1); // one document at a time needs one thread
      const many = Array.from({ length: 8 }, (_, id) => ({ id, mode: 'slow' as const }));
      expect(await Promise.all(many.map((input) => lazy.run(TASKS, input)))).toEqual(many.map((i) => `done ${i.id}`));
      expect(lazy.threads).toBe(2);
    } finally {
      await lazy.close();
    }
  }, 30_000);

  it('preloads modules on one thread before any task, and a module that fails to load fails only the tasks that need it', async () => {
    const warm = new WorkerPool<Input, string>({ workers: 2, timeoutMs: 30_000 });
    try {
      const broken = new URL('./fixtures/worker-pool/no-such-module.ts', import.meta.url).href;
      warm.preload([TASKS.moduleUrl, broken]);
      expect(warm.threads).toBe(1);
      expect(await warm.run(TASKS, { id: 3, mode: 'ok' })).toBe('done 3');
      expect(warm.threads).toBe(1);
      const failure = await warm.run({ moduleUrl: broken, exportName: 'echoOrMisbehave' }, { id: 4, mode: 'ok' }).catch((error: unknown) => error);
      expect((failure as TaskFailure).kind).toBe('setup');
      expect(await warm.run(TASKS, { id: 5, mode: 'ok' })).toBe('done 5');
    } finally {
      await warm.close();
    }
  }, 30_000);

  it("calls a preloaded module's warmUp before its first task, and not for a module only run", async () => {
    const preloaded = new WorkerPool<void, boolean>({ workers: 1, timeoutMs: 30_000 });
    const notPreloaded = new WorkerPool<void, boolean>({ workers: 1, timeoutMs: 30_000 });
    try {
      preloaded.preload([TASKS.moduleUrl]);
      expect(await preloaded.run({ moduleUrl: TASKS.moduleUrl, exportName: 'wasWarmedUp' }, undefined)).toBe(true);
      expect(await notPreloaded.run({ moduleUrl: TASKS.moduleUrl, exportName: 'wasWarmedUp' }, undefined)).toBe(false);
    } finally {
      await preloaded.close();
      await notPreloaded.close();
    }
  }, 30_000);
});

describe('WorkerPool.dispatched', () => {
  it('resolves once the task is on a worker, which then runs while this thread is blocked', async () => {
    const single = new WorkerPool<Int32Array, number>({ workers: 1, timeoutMs: 30_000 });
    try {
      // The worker signals through shared memory; this thread blocks on it, as emit's own
      // synchronous work blocks it. Only a task already handed to the worker can start meanwhile;
      // a task still queued here would wait for the block to end, and the wait would time out. The
      // limit is generous (a loaded machine may take seconds to load the worker's module); it
      // bounds a failure, not a pass.
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const result = single.run({ moduleUrl: TASKS.moduleUrl, exportName: 'signalStarted' }, flag);
      await single.dispatched();
      expect(Atomics.wait(flag, 0, 0, 20_000)).toBe('ok');
      expect(typeof (await result)).toBe('number');
      await expect(single.dispatched()).resolves.toBeUndefined();
    } finally {
      await single.close();
    }
  }, 30_000);
});

describe('WorkerPool handBeforeReady', () => {
  it('hands a task to a thread still starting: it runs while this thread is blocked from the moment it was asked for', async () => {
    const early = new WorkerPool<Int32Array, number>({ workers: 1, timeoutMs: 30_000, handBeforeReady: true });
    try {
      // No await between run() and the block: without handBeforeReady the task would wait here for
      // the thread's ready message, which this blocked thread cannot read, and the wait would time out.
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const result = early.run({ moduleUrl: TASKS.moduleUrl, exportName: 'signalStarted' }, flag);
      expect(Atomics.wait(flag, 0, 0, 20_000)).toBe('ok');
      expect(typeof (await result)).toBe('number');
    } finally {
      await early.close();
    }
  }, 30_000);

  it('fails a task still running when the pool closes, and leaves nothing to keep the process alive', () => {
    // In its own process: a budget timer left behind would keep it alive for its ~24 days, and the
    // spawn's limit kills it. The limit bounds a failure; a pass takes a second or two.
    const run = spawnSync(TSX, [fileURLToPath(new URL('./fixtures/worker-pool/closeWhileRunning.ts', import.meta.url))], { encoding: 'utf8', timeout: 25_000 });
    expect(run.stdout.trim(), run.stderr).toBe('pool closed while the task ran');
    expect(run.status).toBe(0);
  }, 30_000);

  it('fails a task handed to a thread that dies before it is ready as a setup failure', async () => {
    // A heap too small for the thread to start: it dies before it reports ready.
    const doomed = new WorkerPool<Input, string>({ workers: 1, timeoutMs: 30_000, handBeforeReady: true, maxHeapMb: 1 });
    try {
      const failure = await doomed.run(TASKS, { id: 1, mode: 'ok' }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(TaskFailure);
      expect((failure as TaskFailure).kind).toBe('setup');
    } finally {
      await doomed.close();
    }
  }, 30_000);
});

describe('leadingKeys', () => {
  it('reads doc_id and source_file from the first keys without parsing the rest', () => {
    const line = JSON.stringify({ doc_id: 'doc_1', sha256: 'ab', source_file: 'a/"quoted"\\name.txt', text: 'x'.repeat(1000) });
    expect(leadingKeys(line)).toEqual({ doc_id: 'doc_1', source_file: 'a/"quoted"\\name.txt' });
  });
  it('falls back to a full parse for other key orders', () => {
    expect(leadingKeys(JSON.stringify({ n: 1, source_file: 'b.txt', doc_id: 'doc_2' }))).toEqual({ doc_id: 'doc_2', source_file: 'b.txt' });
  });
  it('reads the same keys from a line\'s bytes, also when the decoded start (2 KB) ends inside a key or a character', () => {
    for (let pad = 2010; pad < 2060; pad++) {
      // A path of multi-byte characters long enough that the decoded prefix stops inside it.
      const source_file = `${'é'.repeat(pad >> 1)}/中文.txt`;
      const line = JSON.stringify({ doc_id: 'doc_3', sha256: 'ab', source_file, text: 'y'.repeat(50) });
      expect(leadingKeys(Buffer.from(line, 'utf8'))).toEqual({ doc_id: 'doc_3', source_file });
    }
  });
});

describe('mapDocuments', () => {
  function context(outDir: string): StageContext {
    return { config: { root: '.', seeds: '.', out: outDir }, inputs: {}, outDir, previous: null, codeHash: 'test', log: () => {}, progress: () => {} };
  }
  function* records(modes: Input['mode'][]): Generator<LazyRecord> {
    for (const [id, mode] of modes.entries()) {
      const source_file = `f${String(id).padStart(3, '0')}.txt`;
      yield { doc_id: `doc_${id}`, source_file, lines: [Buffer.from(JSON.stringify({ doc_id: `doc_${id}`, source_file, id, mode }))] };
    }
  }
  const echo = jsonTask((record: Input & { doc_id: string; source_file: string }) => {
    if (record.mode === 'throw') throw new Error(`bad ${record.id}`);
    return { doc_id: record.doc_id, source_file: record.source_file, out: record.id };
  });

  it('writes outputs in input order and failures with a one-line reason (in-process mode)', async () => {
    const outDir = tempDir('perdoc');
    const previous = process.env.CC_WORKERS;
    process.env.CC_WORKERS = '0';
    try {
      const modes: Input['mode'][] = Array.from({ length: 50 }, (_, i) => (i === 13 ? 'throw' : 'ok'));
      const counts = await mapDocuments(context(outDir), { input: records(modes), output: 'out.jsonl', task: echo, worker: TASKS });
      expect(counts).toMatchObject({ in: 50, out: 49, failed: 1, reused: 0 });
      const lines = fs.readFileSync(path.join(outDir, 'out.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).out);
      expect(lines).toEqual(modes.map((_, i) => i).filter((i) => i !== 13));
      expect(JSON.parse(fs.readFileSync(path.join(outDir, 'failures.json'), 'utf8'))).toEqual([{ source_file: 'f013.txt', doc_id: 'doc_13', reason: 'bad 13' }]);
    } finally {
      if (previous === undefined) delete process.env.CC_WORKERS;
      else process.env.CC_WORKERS = previous;
    }
  });

  it('keeps input order on worker threads; a throwing and a runaway document become failure records', async () => {
    const outDir = tempDir('perdoc-workers');
    const saved = { workers: process.env.CC_WORKERS, budget: process.env.CC_DOC_TIMEOUT_S };
    process.env.CC_WORKERS = '2';
    process.env.CC_DOC_TIMEOUT_S = '5';
    try {
      const modes: Input['mode'][] = Array.from({ length: 40 }, (_, i) => (i === 5 ? 'throw' : i === 21 ? 'hang' : 'slow'));
      const lineTask = { moduleUrl: TASKS.moduleUrl, exportName: 'echoLines' };
      const counts = await mapDocuments(context(outDir), { input: records(modes), output: 'out.jsonl', task: echo, worker: lineTask });
      expect(counts).toMatchObject({ in: 40, out: 38, failed: 2 });
      const outputs = fs.readFileSync(path.join(outDir, 'out.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).out);
      expect(outputs).toEqual(modes.map((_, i) => i).filter((i) => i !== 5 && i !== 21).map((i) => `done ${i}`));
      const failures = JSON.parse(fs.readFileSync(path.join(outDir, 'failures.json'), 'utf8'));
      expect(failures.map((f: { source_file: string }) => f.source_file)).toEqual(['f005.txt', 'f021.txt']);
      expect(failures[0].reason).toBe('document 5 is malformed');
      expect(failures[1].reason).toMatch(/^timed out: still running after 5\.0s/);
    } finally {
      for (const [key, value] of [['CC_WORKERS', saved.workers], ['CC_DOC_TIMEOUT_S', saved.budget]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  }, 60_000);

  it('copies the last run\'s line of an unchanged document and keeps input order around the documents it processes', async () => {
    const outDir = tempDir('perdoc-reuse');
    const lastDir = tempDir('perdoc-reuse-last');
    const modes: Input['mode'][] = Array.from({ length: 30 }, () => 'ok');
    // The last run had every document but 3 and 17; document 10's content (doc_id) has changed since.
    const last = [...records(modes)]
      .filter((_, i) => i !== 3 && i !== 17)
      .map((r, i) => JSON.stringify({ doc_id: r.source_file === 'f010.txt' ? 'doc_old' : r.doc_id, source_file: r.source_file, out: `last ${i}` }));
    fs.writeFileSync(path.join(lastDir, 'out.jsonl'), last.join('\n') + '\n');
    const saved = process.env.CC_WORKERS;
    process.env.CC_WORKERS = '0';
    try {
      const counts = await mapDocuments({ ...context(outDir), previous: { dir: lastDir, codeHash: 'test' } }, { input: records(modes), output: 'out.jsonl', task: echo, worker: TASKS });
      expect(counts).toMatchObject({ in: 30, out: 30, reused: 27, failed: 0 });
      const outputs = fs.readFileSync(path.join(outDir, 'out.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { source_file: string; out: string | number });
      expect(outputs.map((o) => o.source_file)).toEqual([...records(modes)].map((r) => r.source_file));
      expect(outputs.filter((o) => typeof o.out === 'number').map((o) => o.out)).toEqual([3, 10, 17]);
    } finally {
      if (saved === undefined) delete process.env.CC_WORKERS;
      else process.env.CC_WORKERS = saved;
    }
  });
});
