// CC_WORKERS=0 runs the per-document stages on the build's own thread, loading their task modules
// only then (clean's HTML parsers are not loaded otherwise): the outputs are the worker threads'.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEEDS, build, folderHashes, tempDir } from './helpers/build.js';

describe('in-process per-document stages', () => {
  it('give the same clean and extract records and dataset as worker threads', async () => {
    const corpus = tempDir('in-process-corpus');
    for (const name of fs.readdirSync(SEEDS).sort().slice(0, 3)) fs.copyFileSync(path.join(SEEDS, name), path.join(corpus, name));
    const onWorkers = tempDir('in-process-workers');
    expect((await build(corpus, onWorkers)).ok).toBe(true);
    const saved = process.env.CC_WORKERS;
    process.env.CC_WORKERS = '0';
    const inProcess = tempDir('in-process-here');
    try {
      expect((await build(corpus, inProcess)).ok).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.CC_WORKERS;
      else process.env.CC_WORKERS = saved;
    }
    for (const folder of ['clean', 'extract', 'dataset']) expect(folderHashes(path.join(inProcess, folder)), folder).toEqual(folderHashes(path.join(onWorkers, folder)));
  }, 120_000);
});
