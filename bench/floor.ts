// The benchmark's floor: the least any build must do — read every file once and run one number
// regex over it. The full build is reported as a multiple of this.
//   tsx bench/floor.ts DIR   -> prints one JSON line {files, bytes, numbers, seconds}
import fsp from 'node:fs/promises';
import { walkFiles } from '../pipeline/lib/fsutil.js';

const NUMBER = /\d[\d,.]*/g;

async function floor(dir: string): Promise<{ files: number; bytes: number; numbers: number; seconds: number }> {
  const started = process.hrtime.bigint();
  const { files } = await walkFiles(dir);
  let bytes = 0;
  let numbers = 0;
  for (const file of files) {
    const text = await fsp.readFile(file.absPath, 'utf8');
    bytes += file.size;
    for (const _ of text.matchAll(NUMBER)) numbers++;
  }
  return { files: files.length, bytes, numbers, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: tsx bench/floor.ts DIR\n');
  process.exit(2);
}
process.stdout.write(JSON.stringify(await floor(dir)) + '\n');
