// The argument surface shared by the command-line scripts (build, release): SEEDS and OUT folders,
// a few boolean flags, and one-line errors with a hint (exit 2).
import fs from 'node:fs';
import path from 'node:path';

export function failUsage(command: string, message: string, hint: string): never {
  process.stderr.write(`${command}: ${message}\n  hint: ${hint}\n`);
  process.exit(2);
}

export interface FolderOptions {
  /** Absolute input folder. */
  seeds: string;
  /** Absolute output folder. */
  out: string;
  flags: Set<string>;
}

/** Parses `[--seeds DIR] [--out DIR] [--flag ...]` and checks the folders make sense. */
export function parseFolderOptions(command: string, argv: string[], allowedFlags: string[]): FolderOptions {
  const given = { seeds: 'seeds', out: 'out' };
  const flags = new Set<string>();
  const usage = `usage: ${command}.ts [--seeds DIR] [--out DIR]${allowedFlags.map((f) => ` [${f}]`).join('')}`;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (allowedFlags.includes(arg)) flags.add(arg);
    else if (arg === '--seeds' || arg === '--out') {
      const value = argv[++i];
      if (!value) failUsage(command, `${arg} needs a folder`, `e.g. ${arg} ${arg === '--seeds' ? 'seeds' : 'out'}`);
      given[arg === '--seeds' ? 'seeds' : 'out'] = value;
    } else failUsage(command, `unknown argument '${arg}'`, usage);
  }
  const seeds = path.resolve(given.seeds);
  const out = path.resolve(given.out);
  if (!fs.existsSync(seeds) || !fs.statSync(seeds).isDirectory()) {
    failUsage(command, `input folder '${given.seeds}' does not exist`, 'put articles in seeds/ or pass SEEDS=/path/to/articles');
  }
  if (path.relative(seeds, out) === '' || !path.relative(seeds, out).startsWith('..')) {
    failUsage(command, `output folder '${given.out}' is inside the input folder`, 'choose an OUT outside SEEDS, or the outputs would be read as articles');
  }
  return { seeds, out, flags };
}

/**
 * Writes progress lines to stdout. When the reader goes away (`make dataset | head`), the lines are
 * dropped and the command goes on: an EPIPE must not abort a build half-way.
 */
export function stdoutLines(): (line: string) => void {
  let readerGone = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    readerGone = true;
  });
  return (line) => {
    if (!readerGone) process.stdout.write(`${line}\n`);
  };
}
