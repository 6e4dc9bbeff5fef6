// Command line: build the dataset and freeze it as a versioned, byte-reproducible release.
//   tsx pipeline/release.ts [--seeds DIR] [--out DIR] [--no-card]
// Writes OUT/release/cybercrime-crackdowns-<version>/ plus .zip and .tar.gz, and refreshes the
// generated part of DATASET_CARD.md (--no-card leaves it alone).
// Exit codes: 0 released (or already released, identical), 1 the data failed validation,
//             2 usage error or a release of this version exists with different contents.
import path from 'node:path';
import { failUsage, parseFolderOptions, stdoutLines } from './lib/cli.js';
import { makeRelease, ReleaseError } from './lib/release.js';
import { assertCompiledCurrent, projectRootOf, runningTypeScript } from './lib/runtime.js';
import { STAGES } from './stages/index.js';

const root = projectRootOf(import.meta.url);

const fail = (message: string, hint: string): never => failUsage('release', message, hint);
const { seeds, out, flags } = parseFolderOptions('release', process.argv.slice(2), ['--no-card']);
const print = stdoutLines();

try {
  if (!runningTypeScript(import.meta.url)) assertCompiledCurrent(root);
  const result = await makeRelease({
    root,
    seeds,
    out,
    stages: STAGES,
    sharedDir: process.env.SHARED_DIR ?? path.resolve(root, '../shared'),
    refreshRepositoryCard: !flags.has('--no-card'),
    print,
  });
  if (result.status === 'build-failed') {
    process.stderr.write(`release: stage '${result.failedStage}' found problems; nothing was released\n`);
    process.exit(1);
  }
  // Paths below the working directory are shown relative (out/release/...), others absolute.
  const shown = (file: string) => {
    const relative = path.relative(process.cwd(), file);
    return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
  };
  const said = {
    written: `released ${result.version}`,
    completed: `completed release ${result.version} (added the missing pieces)`,
    identical: `release ${result.version} already exists and is identical`,
  }[result.status];
  print(`${said}: ${shown(result.folder)}/`);
  print(`  ${result.sha256.zip}  ${shown(result.archives.zip)}\n  ${result.sha256.tarGz}  ${shown(result.archives.tarGz)}`);
  if (result.cardRefreshed) print('  DATASET_CARD.md: generated sections refreshed');
} catch (error) {
  if (error instanceof ReleaseError) fail(error.message, error.hint);
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`release: ${message.split('\n')[0]}\n`);
  if (process.env.DEBUG) console.error(error);
  process.exit(2);
}
