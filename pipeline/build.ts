// Command line: build the dataset.
//   tsx pipeline/build.ts [--seeds DIR] [--out DIR] [--quiet]
// Exit codes: 0 built, 1 the data failed validation (nothing published), 2 usage or input error.
import { runBuild } from './lib/build.js';
import { parseFolderOptions, stdoutLines } from './lib/cli.js';
import { assertCompiledCurrent, projectRootOf, runningTypeScript } from './lib/runtime.js';
import { STAGES } from './stages/index.js';

const root = projectRootOf(import.meta.url);

const { seeds, out, flags } = parseFolderOptions('build', process.argv.slice(2), ['--quiet']);

try {
  if (!runningTypeScript(import.meta.url)) assertCompiledCurrent(root);
  const result = await runBuild(STAGES, { root, seeds, out, quiet: flags.has('--quiet') }, stdoutLines());
  if (!result.ok) {
    process.stderr.write(`build: stage '${result.failedStage}' found problems; out/dataset was left as it was\n`);
    process.exit(1);
  }
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`build: ${message.split('\n')[0]}\n`);
  if (process.env.DEBUG) console.error(error);
  process.exit(2);
}
