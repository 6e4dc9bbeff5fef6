// The build's own thread does not load what only the worker threads use: clean's HTML parsers
// (cleanTask.ts) and extract's rules with pinyin-pro (extractTask.ts, places.ts loads it when it
// builds its gazetteer). Each costs a tenth of a second or more at every build's start.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/build.js';

function packagesLoadedByStages(): Set<string> {
  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tests/helpers/loadedPackages.ts')], { cwd: ROOT, encoding: 'utf8' });
  expect(child.status, child.stderr).toBe(0);
  const names = child.stdout
    .split('\n')
    .filter((line) => line.startsWith('loaded '))
    .map((line) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line)?.[1] ?? '');
  return new Set(names);
}

describe("the build's own thread", () => {
  it('loads neither the HTML parsers nor pinyin-pro when it imports the stages', () => {
    const loaded = packagesLoadedByStages();
    expect(loaded.has('ajv'), [...loaded].join(', ')).toBe(true); // the hook sees packages at all
    for (const name of ['linkedom', '@mozilla/readability', 'pinyin-pro']) expect(loaded.has(name), name).toBe(false);
  });
});
