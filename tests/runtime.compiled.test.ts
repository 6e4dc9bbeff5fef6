// The pipeline compiled to JavaScript (dist/, as `make dataset` runs it) is the same build as the
// TypeScript sources under tsx or vitest: the same project root, worker modules in its own language
// (no TypeScript loader in its threads), the same code hashes (so either reuses the other's outputs),
// and the same dataset.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeHash } from '../pipeline/lib/codehash.js';
import { assertCompiledCurrent, projectRootOf, runningTypeScript, siblingModule, sourceOf } from '../pipeline/lib/runtime.js';
import { build, folderHashes, ROOT, seedCorpus, tempDir } from './helpers/build.js';

const url = (relative: string): string => pathToFileURL(path.join(ROOT, relative)).href;

describe('runtime helpers', () => {
  it('find the project root from pipeline/ and from dist/pipeline/', () => {
    expect(projectRootOf(url('pipeline/build.ts'))).toBe(ROOT);
    expect(projectRootOf(url('dist/pipeline/build.js'))).toBe(ROOT);
  });

  it('name a worker module in its caller\'s language', () => {
    expect(siblingModule(url('pipeline/stages/clean.ts'), './cleanTask')).toBe(url('pipeline/stages/cleanTask.ts'));
    expect(siblingModule(url('dist/pipeline/stages/link.js'), '../lib/linkRows')).toBe(url('dist/pipeline/lib/linkRows.js'));
    expect(runningTypeScript(url('pipeline/lib/workerPool.ts'))).toBe(true);
    expect(runningTypeScript(url('dist/pipeline/lib/workerPool.js'))).toBe(false);
  });

  it('map a compiled module to its TypeScript source, and leave other files alone', () => {
    expect(sourceOf(path.join(ROOT, 'dist/pipeline/stages/link.js'), ROOT)).toBe(path.join(ROOT, 'pipeline/stages/link.ts'));
    expect(sourceOf(path.join(ROOT, 'pipeline/stages/link.ts'), ROOT)).toBe(path.join(ROOT, 'pipeline/stages/link.ts'));
    expect(sourceOf(path.join(ROOT, 'dist/pipeline/gone.js'), ROOT)).toBe(path.join(ROOT, 'dist/pipeline/gone.js'));
    expect(sourceOf('/elsewhere/dist/pipeline/link.js', ROOT)).toBe('/elsewhere/dist/pipeline/link.js');
  });
});

describe('a compiled pipeline older than its sources', () => {
  /** A project with one source and its compiled module, the source `sourceAge` seconds newer than the module. */
  function project(sourceAge: number | null): string {
    const root = tempDir('compiled-age');
    fs.mkdirSync(path.join(root, 'pipeline/lib'), { recursive: true });
    fs.mkdirSync(path.join(root, 'dist/pipeline/lib'), { recursive: true });
    const source = path.join(root, 'pipeline/lib/a.ts');
    fs.writeFileSync(source, 'export const a = 1;\n');
    if (sourceAge === null) return root;
    const compiled = path.join(root, 'dist/pipeline/lib/a.js');
    fs.writeFileSync(compiled, 'export const a = 1;\n');
    const now = Date.now() / 1000;
    fs.utimesSync(compiled, now - 100, now - 100);
    fs.utimesSync(source, now - 100 + sourceAge, now - 100 + sourceAge);
    return root;
  }

  it('is refused, naming the newer source and the way out', () => {
    expect(() => assertCompiledCurrent(project(10))).toThrow(/^dist\/ is older than pipeline\/lib\/a\.ts: run make dataset/);
    expect(() => assertCompiledCurrent(project(null))).toThrow(/older than pipeline\/lib\/a\.ts/); // never compiled
    expect(() => assertCompiledCurrent(project(0))).not.toThrow();
    expect(() => assertCompiledCurrent(project(-10))).not.toThrow();
    const withDeclarations = project(0);
    fs.writeFileSync(path.join(withDeclarations, 'pipeline/lib/shapes.d.ts'), 'export type Shape = 1;\n'); // compiles to nothing
    expect(() => assertCompiledCurrent(withDeclarations)).not.toThrow();
    expect(() => assertCompiledCurrent(tempDir('compiled-no-sources'))).toThrow(/runs without its sources/);
  });
});

describe('the compiled pipeline (dist/)', () => {
  it('builds the dataset the TypeScript sources build, with the same stage stamps', async () => {
    execFileSync('make', ['--no-print-directory', '-s', 'dist/.compiled'], { cwd: ROOT, stdio: 'pipe' }); // make's rule, as make dataset runs it
    for (const stage of ['ingest', 'clean', 'extract', 'link', 'validate', 'emit']) {
      expect(codeHash(url(`dist/pipeline/stages/${stage}.js`), ROOT), stage).toBe(codeHash(url(`pipeline/stages/${stage}.ts`), ROOT));
    }
    const corpus = seedCorpus('compiled-corpus', 3);
    const fromSources = tempDir('compiled-sources');
    expect((await build(corpus, fromSources)).ok).toBe(true);
    const compiled = tempDir('compiled-dist');
    const run = spawnSync(process.execPath, [path.join(ROOT, 'dist/pipeline/build.js'), '--seeds', corpus, '--out', compiled], { encoding: 'utf8', cwd: ROOT });
    expect(run.status, run.stderr).toBe(0);
    expect(folderHashes(path.join(compiled, 'dataset'))).toEqual(folderHashes(path.join(fromSources, 'dataset')));
    const stamp = (out: string, stage: string) => JSON.parse(fs.readFileSync(path.join(out, `${stage}.stamp.json`), 'utf8')) as { code_hash: string; output_hash: string };
    for (const stage of ['ingest', 'clean', 'extract', 'link', 'validate', 'dataset']) expect(stamp(compiled, stage), stage).toEqual(stamp(fromSources, stage));
    // A build under tsx over the compiled build's output finds every stage up to date.
    const again = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'pipeline/build.ts'), '--seeds', corpus, '--out', compiled], { encoding: 'utf8', cwd: ROOT });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout.trim().split('\n').every((line) => line.includes('up to date')), again.stdout).toBe(true);
  }, 120_000);
});
