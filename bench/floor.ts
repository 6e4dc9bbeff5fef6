// The benchmark's floor: the least any build must do — list the files, read each once and run one
// number regex over it. The full build is reported as a multiple of this.
//   node dist/bench/floor.js DIR (compiled by tsconfig.build.json), or tsx bench/floor.ts DIR
//   -> prints one JSON line {files, bytes, numbers, seconds}
//
// Reads are synchronous on purpose: that is the fastest way Node reads many small files (100k
// files: ~1.4 s with readFileSync, ~37 s with sequential `await fsp.readFile`, measured on the
// bench machine), and a floor must not be slower than what a build could do.
import fs from 'node:fs';
import path from 'node:path';

const NUMBER = /\d[\d,.]*/g;

function listFiles(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) listFiles(full, out);
    else if (entry.isFile() && !entry.name.startsWith('.')) out.push(full);
  }
  return out;
}

function floor(dir: string): { files: number; bytes: number; numbers: number; seconds: number } {
  const started = process.hrtime.bigint();
  const files = listFiles(dir);
  let bytes = 0;
  let numbers = 0;
  for (const file of files) {
    const buffer = fs.readFileSync(file);
    bytes += buffer.length;
    for (const _ of buffer.toString('utf8').matchAll(NUMBER)) numbers++;
  }
  return { files: files.length, bytes, numbers, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: tsx bench/floor.ts DIR\n');
  process.exit(2);
}
process.stdout.write(JSON.stringify(floor(dir)) + '\n');
