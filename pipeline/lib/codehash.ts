// The "code" half of a stage's checksum: the stage module and every local module it imports,
// transitively, plus the dependency lock file. A change to any of them reruns the stage; a change
// elsewhere (another stage's code, the README) does not.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256Hex } from './hash.js';
import { sourceOf } from './runtime.js';

const IMPORT_PATTERN = /(?:import|export)\s[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|import\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** Absolute paths of the local modules reachable from `entry`, sorted. */
export function localModuleClosure(entry: string): string[] {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = fs.readFileSync(file, 'utf8');
    for (const match of source.matchAll(IMPORT_PATTERN)) {
      const specifier = match[1] ?? match[2];
      if (specifier) pending.push(resolveLocal(path.dirname(file), specifier));
    }
  }
  return [...seen].sort();
}

function resolveLocal(fromDir: string, specifier: string): string {
  const base = path.resolve(fromDir, specifier);
  // Sources import `./x.js` (NodeNext) while the file on disk is `x.ts`.
  for (const candidate of [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`cannot resolve import '${specifier}' from ${fromDir}`);
}

/** sha256 over the closure's file contents (named relative to the project root) and extra files. */
export function codeHash(entryUrl: string, projectRoot: string, extraFiles: string[] = []): string {
  const entry = sourceOf(fileURLToPath(entryUrl), projectRoot); // the TypeScript source, also when running from dist/
  const files = [...localModuleClosure(entry), ...extraFiles.filter((f) => fs.existsSync(f))];
  const parts = files.map((file) => `${path.relative(projectRoot, file).split(path.sep).join('/')}\n${sha256Hex(fs.readFileSync(file))}`);
  return sha256Hex(parts.join('\n'));
}
