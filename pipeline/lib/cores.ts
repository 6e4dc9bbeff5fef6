// How many worker threads the build uses: its own module (no imports of the pipeline's), so that the
// modules that ask (fsutil.ts, workerPool.ts) do not pull each other into every stage's code hash.
import os from 'node:os';

/** CC_WORKERS if set (0: run everything on the build's own thread), else the cores available. */
export function defaultWorkerCount(): number {
  const fromEnv = Number(process.env.CC_WORKERS);
  if (Number.isInteger(fromEnv) && fromEnv >= 0) return fromEnv;
  return Math.max(1, os.availableParallelism());
}
