// emit publishes the figures table on a worker thread only when it has enough segments to encode to
// pay for starting the thread: a build from scratch does, a rebuild after one added article does not.
// Either way the dataset is the one a build from scratch publishes.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STAGES } from '../pipeline/stages/index.js';
import { build, buildLogged, folderHashes, tempDir, writeGeneratedArticle } from './helpers/build.js';

const RULE = { meanRows: 4, minRows: 2, maxRows: 32 };

describe('emit\'s worker thread', () => {
  it('is used for a table with many segments to encode, and not for a few', async () => {
    const corpus = tempDir('emit-worker-corpus');
    const write = (index: number) => writeGeneratedArticle(corpus, 3, index);
    for (let i = 0; i < 40; i++) write(i);
    const out = tempDir('emit-worker-out');
    const first = await buildLogged(corpus, out, { segmentRule: RULE });
    expect(first).toMatch(/emit: figures: \d+ segments? to encode, on a worker thread/);
    write(40);
    const second = await buildLogged(corpus, out, { segmentRule: RULE });
    const encoded = Number(/emit: figures: (\d+) segments? to encode, on this thread/.exec(second)?.[1]);
    expect(encoded, second).toBeGreaterThan(0);
    const scratch = tempDir('emit-worker-scratch');
    expect((await build(corpus, scratch, STAGES, { segmentRule: RULE })).ok).toBe(true);
    expect(folderHashes(path.join(out, 'dataset'))).toEqual(folderHashes(path.join(scratch, 'dataset')));
  }, 180_000);
});
