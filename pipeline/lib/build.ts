// Runs the stages in order, printing one line per stage. Stops at the first stage that fails or
// finds the data unfit to publish; earlier stages' outputs stay, and out/dataset keeps its last
// good contents.
import { supersededFoldersRemoved } from './fsutil.js';
import { runStage, type BuildConfig, type StageDefinition, type StageReport } from './stage.js';
import { warmDocumentWorkers } from './perdoc.js';
import { closeSharedPool } from './workerPool.js';

export interface BuildResult {
  ok: boolean;
  reports: StageReport[];
  failedStage: string | null;
}

export async function runBuild(stages: StageDefinition[], config: BuildConfig, print: (line: string) => void): Promise<BuildResult> {
  try {
    return await runStages(stages, config, print);
  } finally {
    // What a stage started ahead and did not take (it failed, or the build stopped before it).
    await Promise.all(stages.map((stage) => stage.endAhead?.()));
    await supersededFoldersRemoved(); // the last outputs each stage replaced (publishFolder)
  }
}

async function runStages(stages: StageDefinition[], config: BuildConfig, print: (line: string) => void): Promise<BuildResult> {
  const reports: StageReport[] = [];
  for (const [at, stage] of stages.entries()) {
    // Worker threads hold their own heaps (loader, lexicons, place tables): end them before a
    // cross-document stage, which needs the memory for the whole corpus's summaries.
    if (!stage.usesWorkers) await closeSharedPool();
    // A stage that runs before the per-document ones (ingest) has something new for them: their
    // threads start, and load their modules, while it runs.
    const next = stages.slice(at + 1);
    const stop = next.findIndex((s) => !s.usesWorkers);
    const upcoming = (stop < 0 ? next : next.slice(0, stop)).map((s) => s.workerModuleUrl ?? s.moduleUrl);
    const report = await runStage(stage, config, async () => {
      if (!stage.usesWorkers && upcoming.length > 0) warmDocumentWorkers(upcoming);
      await next[0]?.startAhead?.(config);
      next[1]?.warmAhead?.();
    });
    reports.push(report);
    const status = report.status === 'up to date' ? 'up to date' : `${report.seconds.toFixed(2)}s`;
    print(`${stage.name.padEnd(9)} ${status.padEnd(10)} ${report.summary}`);
    if (!report.ok) return { ok: false, reports, failedStage: stage.name };
  }
  return { ok: true, reports, failedStage: null };
}
