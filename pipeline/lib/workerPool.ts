// A small pool of worker threads for the per-document stages: each worker runs one exported function
// of a TypeScript module, one document at a time, under a time budget. A document that throws, runs
// past its budget, or crashes its worker (out of memory) becomes a failure with a one-line reason;
// the stuck or dead worker is terminated and replaced, and the build goes on.
//
// Why our own pool rather than piscina: we need "terminate the thread that runs THIS task when its
// budget is spent" and a replacement that only starts once its modules are loaded (so module loading
// never counts against a document's budget). That is ~150 lines, with no loader surprises.
//
// Workers load TypeScript through tsx's register() API, resolved from this module, so the pool works
// the same under `tsx`, vitest, or any other parent.
import { createRequire } from 'node:module';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface PoolOptions {
  /** URL (file://) of the module whose export runs in the workers. */
  moduleUrl: string;
  /** Name of the exported function: (input) => output, synchronous or async. */
  exportName: string;
  /** Worker threads; defaults to the machine's available parallelism. */
  workers?: number;
  /** Budget per task in milliseconds; the worker running a task past it is terminated. */
  timeoutMs: number;
  /** Heap cap per worker (MB): a document that explodes in memory kills only its worker. */
  maxHeapMb?: number;
}

/** Why one task did not produce an output. */
export class TaskFailure extends Error {
  constructor(message: string, readonly kind: 'error' | 'timeout' | 'crash') {
    super(message);
  }
}

interface Task {
  input: unknown;
  resolve(value: unknown): void;
  reject(error: TaskFailure): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  task: Task | null;
  timer: NodeJS.Timeout | null;
}

/** Worker entry, evaluated as CommonJS: register tsx, import the task module, serve tasks. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { register } = await import(workerData.tsxApi);
  register();
  const mod = await import(workerData.moduleUrl);
  const fn = mod[workerData.exportName];
  if (typeof fn !== 'function') throw new Error('worker: ' + workerData.moduleUrl + ' has no export ' + workerData.exportName);
  parentPort.on('message', async (input) => {
    try {
      parentPort.postMessage({ ok: true, output: await fn(input) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      parentPort.postMessage({ ok: false, error: message });
    }
  });
  parentPort.postMessage({ ready: true });
})().catch((error) => { setImmediate(() => { throw error; }); });
`;

/** The tsx ESM API, resolved next to this module (an absolute URL works from any worker). */
function tsxApiUrl(): string {
  const require = createRequire(import.meta.url);
  return pathToFileURL(require.resolve('tsx/esm/api')).href;
}

export function defaultWorkerCount(): number {
  const fromEnv = Number(process.env.CC_WORKERS);
  if (Number.isInteger(fromEnv) && fromEnv >= 0) return fromEnv;
  return Math.max(1, os.availableParallelism());
}

export class WorkerPool<In, Out> {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private readonly tsxApi = tsxApiUrl();
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    const count = Math.max(1, options.workers ?? defaultWorkerCount());
    for (let i = 0; i < count; i++) this.slots.push(this.spawn());
  }

  /** Runs one task; rejects with a TaskFailure (never kills the pool). */
  run(input: In): Promise<Out> {
    if (this.closed) return Promise.reject(new TaskFailure('pool is closed', 'crash'));
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ input, resolve: resolve as (value: unknown) => void, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new TaskFailure('pool closed before the task ran', 'crash'));
    await Promise.all(this.slots.map((slot) => this.retire(slot)));
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // The parent's loader flags (tsx's --import) are not needed: the worker registers tsx itself.
      execArgv: [],
      workerData: { tsxApi: this.tsxApi, moduleUrl: this.options.moduleUrl, exportName: this.options.exportName },
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? 2048 },
    });
    const slot: Slot = { worker, ready: false, task: null, timer: null };
    worker.on('message', (message: { ready?: true; ok?: boolean; output?: unknown; error?: string }) => {
      if (message.ready) {
        slot.ready = true;
        this.dispatch();
        return;
      }
      const task = this.finish(slot);
      if (!task) return;
      if (message.ok) task.resolve(message.output);
      else task.reject(new TaskFailure(firstLine(message.error ?? 'unknown error'), 'error'));
      this.dispatch();
    });
    worker.on('error', (error) => this.replace(slot, `worker crashed: ${firstLine(error.message)}`));
    worker.on('exit', (code) => this.replace(slot, `worker exited with code ${code}`));
    return slot;
  }

  /** Gives idle, ready workers the next queued tasks, starting each task's budget clock. */
  private dispatch(): void {
    for (const slot of this.slots) {
      if (!this.queue.length) return;
      if (!slot.ready || slot.task) continue;
      const task = this.queue.shift()!;
      slot.task = task;
      slot.timer = setTimeout(() => this.timeout(slot), this.options.timeoutMs);
      slot.worker.postMessage(task.input);
    }
  }

  private finish(slot: Slot): Task | null {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    const task = slot.task;
    slot.task = null;
    return task;
  }

  private timeout(slot: Slot): void {
    const task = this.finish(slot);
    task?.reject(new TaskFailure(`timed out: still running after ${(this.options.timeoutMs / 1000).toFixed(1)}s (per-document budget)`, 'timeout'));
    this.swap(slot);
  }

  /** A worker died on its own (crash, out-of-memory, exit): fail its task and start a new one. */
  private replace(slot: Slot, reason: string): void {
    if (!this.slots.includes(slot)) return; // already replaced (terminate also emits exit)
    const task = this.finish(slot);
    task?.reject(new TaskFailure(reason, 'crash'));
    this.swap(slot);
  }

  private swap(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    void this.retire(slot);
    if (this.closed) {
      this.slots.splice(index, 1);
      return;
    }
    this.slots[index] = this.spawn();
  }

  private async retire(slot: Slot): Promise<void> {
    slot.worker.removeAllListeners();
    slot.worker.on('error', () => {}); // a terminating worker may still report; nobody is listening
    await slot.worker.terminate();
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim() || 'unknown error';
}
