// CC_WORKERS=0 runs the per-document stages on the build's own thread, loading their task modules
// only then (clean's HTML parsers are not loaded otherwise): the outputs are the worker threads'.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, folderHashes, seedCorpus, tempDir } from './helpers/build.js';

describe('in-process per-document stages', () => {
  it('give the same clean and extract records and dataset as worker threads', async () => {
    const corpus = seedCorpus('in-process-corpus', 3);
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
