// emit publishes its costliest table (publishingSeconds) on a worker thread beside the others: on the
// thread the build started while validate ran (startAhead), whatever the table's size, and without
// one on a new thread only when it has enough segments to encode to pay for starting it. Either way
// the dataset is the one a build from scratch publishes.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { STAGES } from '../pipeline/stages/index.js';
import { emitStage } from '../pipeline/stages/emit.js';
import { build, buildLogged, folderHashes, tempDir, writeGeneratedArticle } from './helpers/build.js';

const RULE = { meanRows: 4, minRows: 2, maxRows: 32 };
const PARALLEL = /emit: (\w+): (\d+) segments? to encode, on (a worker thread started ahead|a worker thread|this thread)\n/;

describe('emit\'s worker thread', () => {
  it('takes the costliest table: on the thread started ahead, or on a new one for many segments to encode', async () => {
    const corpus = tempDir('emit-worker-corpus');
    const write = (index: number) => writeGeneratedArticle(corpus, 3, index);
    for (let i = 0; i < 40; i++) write(i);
    const out = tempDir('emit-worker-out');
    const first = PARALLEL.exec(await buildLogged(corpus, out, { segmentRule: RULE }));
    expect(first?.[3]).toBe('a worker thread started ahead');
    expect(first?.[1]).toBe('figures'); // from scratch: the most rows and bytes to encode

    write(40);
    const second = PARALLEL.exec(await buildLogged(corpus, out, { segmentRule: RULE }));
    expect(second?.[3]).toBe('a worker thread started ahead');
    expect(Number(second?.[2])).toBeGreaterThan(0); // the added article's rows are in it

    // emit alone (no stage before it to start a thread ahead), from scratch (its stamp and segment
    // index gone): a new thread, for the many segments to encode.
    fs.rmSync(path.join(out, 'dataset.stamp.json'));
    fs.rmSync(path.join(out, '.cache', 'emit-segments.json'));
    const logged: string[] = [];
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((text) => (logged.push(String(text)), true));
    try {
      expect((await build(corpus, out, [emitStage], { segmentRule: RULE, quiet: false })).ok).toBe(true);
    } finally {
      stderr.mockRestore();
    }
    const alone = PARALLEL.exec(logged.join(''));
    expect(alone?.[3], logged.join('')).toBe('a worker thread');

    const scratch = tempDir('emit-worker-scratch');
    expect((await build(corpus, scratch, STAGES, { segmentRule: RULE })).ok).toBe(true);
    expect(folderHashes(path.join(out, 'dataset'))).toEqual(folderHashes(path.join(scratch, 'dataset')));
  }, 180_000);
});
