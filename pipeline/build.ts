// Command line: build the dataset.
//   tsx pipeline/build.ts [--seeds DIR] [--out DIR] [--quiet]
// Exit codes: 0 built, 1 the data failed validation (nothing published), 2 usage or input error.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBuild } from './lib/build.js';
import { STAGES } from './stages/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function usage(message: string, hint: string): never {
  process.stderr.write(`build: ${message}\n  hint: ${hint}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): { seeds: string; out: string; quiet: boolean } {
  const options = { seeds: 'seeds', out: 'out', quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quiet') options.quiet = true;
    else if (arg === '--seeds' || arg === '--out') {
      const value = argv[++i];
      if (!value) usage(`${arg} needs a folder`, `e.g. ${arg} ${arg === '--seeds' ? 'seeds' : 'out'}`);
      options[arg === '--seeds' ? 'seeds' : 'out'] = value;
    } else usage(`unknown argument '${arg}'`, 'usage: build.ts [--seeds DIR] [--out DIR] [--quiet]');
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));
const seeds = path.resolve(options.seeds);
const out = path.resolve(options.out);
if (!fs.existsSync(seeds) || !fs.statSync(seeds).isDirectory()) usage(`input folder '${options.seeds}' does not exist`, 'put articles in seeds/ or pass SEEDS=/path/to/articles');
if (path.relative(seeds, out) === '' || !path.relative(seeds, out).startsWith('..')) usage(`output folder '${options.out}' is inside the input folder`, 'choose an OUT outside SEEDS, or the outputs would be read as articles');

try {
  const result = await runBuild(STAGES, { root, seeds, out, quiet: options.quiet }, (line) => process.stdout.write(`${line}\n`));
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
