// The pipeline runs as TypeScript (tsx, vitest) or compiled to JavaScript under dist/ (`make dataset`,
// `make bench`: no TypeScript loader to start in the process and in each worker thread, about 0.4 s
// of every build). These helpers keep both the same build: the same project root, worker modules
// of the same kind as their caller, and code hashes of the TypeScript sources either way.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `tsc -p tsconfig.build.json` writes the compiled pipeline (dist/pipeline/...). */
export const COMPILED_DIR = 'dist';

/** The project root (the folder holding pipeline/), from the URL of a module directly in pipeline/ or in dist/pipeline/. */
export function projectRootOf(pipelineModuleUrl: string): string {
  const above = path.resolve(path.dirname(fileURLToPath(pipelineModuleUrl)), '..');
  return path.basename(above) === COMPILED_DIR && fs.existsSync(path.join(above, '..', 'package.json')) ? path.dirname(above) : above;
}

/** The URL of the module at `relative` (no extension) from `moduleUrl`, in moduleUrl's language (.ts or .js). */
export function siblingModule(moduleUrl: string, relative: string): string {
  return new URL(`${relative}${path.extname(fileURLToPath(moduleUrl))}`, moduleUrl).href;
}

/** Whether this module runs as TypeScript (its workers then need the TypeScript loader too). */
export function runningTypeScript(moduleUrl: string): boolean {
  return fileURLToPath(moduleUrl).endsWith('.ts');
}

/**
 * The TypeScript source of a compiled module (dist/pipeline/x.js -> pipeline/x.ts under `root`), or
 * the file itself: code hashes are taken over the sources, so a build from dist/ and one under tsx
 * see the same code and reuse each other's outputs. dist/ is compiled from the sources by make.
 */
export function sourceOf(file: string, root: string): string {
  const relative = path.relative(path.join(root, COMPILED_DIR), file);
  if (relative.startsWith('..') || path.isAbsolute(relative) || !relative.endsWith('.js')) return file;
  const source = path.join(root, relative.replace(/\.js$/, '.ts'));
  return fs.existsSync(source) ? source : file;
}

/**
 * Refuses to run a compiled pipeline older than its sources: its stages would stamp their outputs
 * with the sources' code hashes (sourceOf) for code that is not theirs. `make dataset` compiles first;
 * running dist/ by hand after an edit is what this catches. `root`: the project.
 */
export function assertCompiledCurrent(root: string): void {
  const sources = path.join(root, 'pipeline');
  const stale: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const compiled = path.join(root, COMPILED_DIR, path.relative(root, file)).replace(/\.ts$/, '.js');
        if (!fs.existsSync(compiled) || fs.statSync(compiled).mtimeMs < fs.statSync(file).mtimeMs) stale.push(path.relative(root, file));
      }
    }
  };
  if (!fs.existsSync(sources)) throw new Error(`${COMPILED_DIR}/ runs without its sources (no ${sources}): its code hashes are taken over them`);
  visit(sources);
  if (stale.length) throw new Error(`${COMPILED_DIR}/ is older than ${stale[0]}${stale.length > 1 ? ` and ${stale.length - 1} other source(s)` : ''}: run make dataset (it compiles first) or npx tsx pipeline/build.ts`);
}
