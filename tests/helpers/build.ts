// Test helpers: build the dataset in-process into a temp folder, hash a folder's files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBuild, type BuildResult } from '../../pipeline/lib/build.js';
import { sha256Hex } from '../../pipeline/lib/hash.js';
import type { StageDefinition } from '../../pipeline/lib/stage.js';
import { STAGES } from '../../pipeline/stages/index.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const SEEDS = path.join(ROOT, 'seeds');
export const SHARED = process.env.SHARED_DIR ?? path.resolve(ROOT, '../shared');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cc-${prefix}-`));
}

export async function build(seeds: string, out: string, stages: StageDefinition[] = STAGES): Promise<BuildResult & { lines: string[] }> {
  const lines: string[] = [];
  const result = await runBuild(stages, { root: ROOT, seeds, out, quiet: true }, (line) => lines.push(line));
  return { ...result, lines };
}

/** relative path -> sha256 of every file below dir. */
export function folderHashes(dir: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else hashes[path.relative(dir, full)] = sha256Hex(fs.readFileSync(full));
    }
  };
  walk(dir);
  return hashes;
}
