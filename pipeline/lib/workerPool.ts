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
// the same under `tsx`, vitest, or any other parent; compiled to JavaScript (dist/), they need no loader.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { defaultWorkerCount } from './cores.js';
import { runningTypeScript } from './runtime.js';

export interface PoolOptions {
  /** Worker threads; defaults to the machine's available parallelism. */
  workers?: number;
  /** Budget per task in milliseconds; the worker running a task past it is terminated. */
  timeoutMs: number;
  /** Heap cap per worker (MB): a document that explodes in memory kills only its worker. */
  maxHeapMb?: number;
  /**
   * Hand a task to a thread that is still starting, instead of when it says it is ready: the task
   * waits in the thread's port and runs as soon as its module is loaded. For work without a real
   * budget (the clock starts at once) that must not wait for this thread's event loop, which a
   * long synchronous stage (validate) holds while the thread becomes ready.
   */
  handBeforeReady?: boolean;
}

/** Which function a task runs: an export of a module, loaded once per worker on first use. */
export interface TaskFunction {
  /** URL (file://) of the module. */
  moduleUrl: string;
  /** Name of the exported function: (input) => output, synchronous or async. */
  exportName: string;
}

/** Why one task did not produce an output. */
export class TaskFailure extends Error {
  /** 'setup': a worker could not even load the task module — a bug in the build, not in a document. */
  constructor(message: string, readonly kind: 'error' | 'timeout' | 'crash' | 'setup') {
    super(message);
  }
}

interface Task {
  fn: TaskFunction;
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

/**
 * Worker entry, evaluated as CommonJS: register tsx (when the pipeline runs as TypeScript), then serve tasks, importing each task's module
 * on first use (one pool serves every per-document stage, so threads start once per build).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const modules = new Map();
function importOnce(moduleUrl) {
  if (!modules.has(moduleUrl)) modules.set(moduleUrl, import(moduleUrl));
  return modules.get(moduleUrl);
}
async function load(moduleUrl, exportName) {
  const fn = (await importOnce(moduleUrl))[exportName];
  if (typeof fn !== 'function') throw new Error(moduleUrl + ' has no exported function ' + exportName);
  return fn;
}
(async () => {
  if (workerData.tsxApi) {
    const { register } = await import(workerData.tsxApi);
    register();
  }
  parentPort.on('message', async ({ preload, moduleUrl, exportName, input }) => {
    // A module to load ahead of its tasks, and to warm up if it can (its warmUp() builds what its
    // first task would); a failure is reported by the first task that needs it.
    if (preload) return void importOnce(preload).then((module) => (typeof module.warmUp === 'function' ? module.warmUp() : undefined)).catch(() => {});
    let fn;
    try {
      fn = await load(moduleUrl, exportName);
    } catch (error) {
      parentPort.postMessage({ ok: false, setup: true, error: error instanceof Error ? error.message : String(error) });
      return;
    }
    try {
      parentPort.postMessage({ ok: true, output: await fn(input) });
    } catch (error) {
      parentPort.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  });
  parentPort.postMessage({ ready: true });
})().catch((error) => { setImmediate(() => { throw error; }); });
`;

/**
 * The ESM build of tsx's API, resolved next to this module (an absolute URL works from any worker).
 * Read from tsx's package exports: require.resolve would give the CommonJS build, whose register()
 * cannot find its own ESM loader.
 */
function tsxApiUrl(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const exportsField = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports;
  return pathToFileURL(path.join(path.dirname(manifest), exportsField['./esm/api']!.import.default)).href;
}

let shared: { key: string; pool: WorkerPool<unknown, unknown> } | null = null;

/**
 * One pool per process and configuration, shared by the per-document stages so worker threads (and
 * the TypeScript loader in each) start once per build, not once per stage.
 */
export function sharedPool<In, Out>(options: PoolOptions): WorkerPool<In, Out> {
  const key = JSON.stringify([options.workers ?? defaultWorkerCount(), options.timeoutMs, options.maxHeapMb ?? null]);
  if (!shared || shared.key !== key || shared.pool.isClosed) {
    void shared?.pool.close();
    shared = { key, pool: new WorkerPool(options) };
  }
  return shared.pool as WorkerPool<In, Out>;
}

/** Ends the shared pool's threads, if any (the next sharedPool() call starts a new one). */
export async function closeSharedPool(): Promise<void> {
  const pool = shared?.pool;
  shared = null;
  await pool?.close();
}

export class WorkerPool<In, Out> {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  /** tsx's API when the pipeline runs as TypeScript; compiled (dist/), workers load JavaScript as it is. */
  private readonly tsxApi = runningTypeScript(import.meta.url) ? tsxApiUrl() : null;
  private closed = false;
  /** Set when a worker died before it was ready: respawning would only loop. */
  private setupError: string | null = null;
  private dispatchWaiters: (() => void)[] = [];
  /** Most threads the pool runs; they start as tasks need them (grow), not all at once. */
  private readonly size: number;
  /** Modules every worker loads as soon as it starts (preload). */
  private readonly preloads: string[] = [];

  constructor(private readonly options: PoolOptions) {
    this.size = Math.max(1, options.workers ?? defaultWorkerCount());
  }

  /**
   * Has every worker load these modules now, ahead of the tasks that will need them: a build starts
   * the threads and loads the per-document stages while ingest runs, not when the first document
   * needing them arrives. A module that exports warmUp() has it called once loaded (extract builds
   * its gazetteer, about half a second). Workers started later preload them too, on starting; a task
   * that reaches a thread still loading or warming up waits, and that wait counts in its budget (a
   * second or so of the 30 s default).
   */
  preload(moduleUrls: readonly string[]): void {
    if (this.isClosed) return;
    const fresh = moduleUrls.filter((url) => !this.preloads.includes(url));
    this.preloads.push(...fresh);
    if (this.slots.length === 0) this.slots.push(this.spawn()); // posts every preload itself
    else for (const slot of this.slots) for (const moduleUrl of fresh) slot.worker.postMessage({ preload: moduleUrl });
  }

  /** Runs one task; rejects with a TaskFailure (never kills the pool). */
  run(fn: TaskFunction, input: In): Promise<Out> {
    if (this.setupError) return Promise.reject(new TaskFailure(this.setupError, 'setup'));
    if (this.closed) return Promise.reject(new TaskFailure('pool is closed', 'crash'));
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ fn, input, resolve: resolve as (value: unknown) => void, reject });
      this.grow();
      this.dispatch();
    });
  }

  /**
   * Starts a thread for each queued task that no idle or starting thread will take, up to the pool's
   * size: one document needs one thread, and a thread costs half a second of CPU to start (its
   * loader and modules), which on two cores comes out of the work running beside it.
   */
  private grow(): void {
    const free = this.slots.filter((slot) => !slot.task).length;
    for (let wanted = this.queue.length - free; wanted > 0 && this.slots.length < this.size; wanted--) this.slots.push(this.spawn());
  }

  /**
   * Resolves once every queued task has been handed to a worker (or the pool cannot start). A caller
   * that then works synchronously on this thread must wait for this first: a worker becomes ready,
   * and gets its task, only through this thread's event loop.
   */
  dispatched(): Promise<void> {
    if (!this.queue.length || this.setupError || this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => this.dispatchWaiters.push(resolve));
  }

  /** Threads started so far (and not ended). */
  get threads(): number {
    return this.slots.length;
  }

  get isClosed(): boolean {
    return this.closed || this.setupError !== null;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new TaskFailure('pool closed before the task ran', 'crash'));
    for (const resolve of this.dispatchWaiters.splice(0)) resolve();
    // A task still running fails now: its worker is terminated below, and its budget timer (a
    // referenced one) must not keep the process alive after it.
    for (const slot of this.slots) this.finish(slot)?.reject(new TaskFailure('pool closed while the task ran', 'crash'));
    await Promise.all(this.slots.map((slot) => this.retire(slot)));
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // The parent's loader flags (tsx's --import) are not needed: the worker registers tsx itself.
      execArgv: [],
      workerData: { tsxApi: this.tsxApi },
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? 2048 },
    });
    const slot: Slot = { worker, ready: false, task: null, timer: null };
    // An idle worker must not keep the process alive: the pool outlives a stage and is never closed
    // by a build that simply ends. A running task holds a ref (and its timer) until it settles.
    worker.unref();
    worker.on('message', (message: { ready?: true; ok?: boolean; setup?: boolean; output?: unknown; error?: string }) => {
      if (message.ready) {
        slot.ready = true;
        // unref() before the thread is online does not stick for its port; repeat it now, unless it
        // already has a task (handBeforeReady), which must keep the process alive until it settles.
        if (slot.task) worker.ref();
        else worker.unref();
        this.dispatch();
        return;
      }
      const task = this.finish(slot);
      if (!task) return;
      if (message.ok) task.resolve(message.output);
      else task.reject(new TaskFailure(firstLine(message.error ?? 'unknown error'), message.setup ? 'setup' : 'error'));
      this.dispatch();
    });
    worker.on('error', (error) => this.replace(slot, `worker crashed: ${firstLine(error.message)}`));
    worker.on('exit', (code) => this.replace(slot, `worker exited with code ${code}`));
    for (const moduleUrl of this.preloads) worker.postMessage({ preload: moduleUrl });
    return slot;
  }

  /** Gives idle, ready workers the next queued tasks, starting each task's budget clock. */
  private dispatch(): void {
    for (const slot of this.slots) {
      if (!this.queue.length) break;
      if ((!slot.ready && !this.options.handBeforeReady) || slot.task) continue;
      const task = this.queue.shift()!;
      slot.task = task;
      slot.timer = setTimeout(() => this.timeout(slot), this.options.timeoutMs);
      slot.worker.ref();
      slot.worker.postMessage({ moduleUrl: task.fn.moduleUrl, exportName: task.fn.exportName, input: task.input });
    }
    if (!this.queue.length) for (const resolve of this.dispatchWaiters.splice(0)) resolve();
  }

  private finish(slot: Slot): Task | null {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.worker.unref();
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
    if (!slot.ready) {
      this.setupError = `worker could not start: ${reason}`;
      // A task handed to it before it was ready (handBeforeReady) fails the same way.
      const handed = this.finish(slot);
      for (const task of [...(handed ? [handed] : []), ...this.queue.splice(0)]) task.reject(new TaskFailure(this.setupError, 'setup'));
      for (const resolve of this.dispatchWaiters.splice(0)) resolve();
      this.slots.splice(this.slots.indexOf(slot), 1);
      void this.retire(slot);
      return;
    }
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
