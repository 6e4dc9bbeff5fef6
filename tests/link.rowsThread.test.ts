// link writes its figures and documents tables on a worker thread while its own thread writes the
// claims; without worker threads (CC_WORKERS=0) it writes them itself. Both give the same folder, from
// scratch and after an added article (rows copied from the last run by the thread).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLogged, folderHashes, tempDir, writeGeneratedArticle } from './helpers/build.js';

const RULE = { meanRows: 4, minRows: 2, maxRows: 32 };

describe("link's rows thread", () => {
  it('writes the same tables and caches as link writing them on its own thread', async () => {
    const corpus = tempDir('link-rows-corpus');
    const write = (index: number) => writeGeneratedArticle(corpus, 5, index);
    for (let i = 0; i < 40; i++) write(i);
    const threaded = tempDir('link-rows-threaded');
    const here = tempDir('link-rows-here');
    expect(await buildLogged(corpus, threaded, { segmentRule: RULE, workers: '2' })).toMatch(/link: figures and documents tables written on a worker thread/);
    expect(await buildLogged(corpus, here, { segmentRule: RULE, workers: '0' })).toMatch(/link: figures and documents tables written on this thread/);
    expect(folderHashes(path.join(threaded, 'link'))).toEqual(folderHashes(path.join(here, 'link')));

    write(40);
    const again = await buildLogged(corpus, threaded, { segmentRule: RULE, workers: '2' });
    expect(again).toMatch(/link: rows of 40 of 41 documents copied from the last run/);
    expect(again).toMatch(/link: figures and documents tables written on a worker thread/);
    const scratch = tempDir('link-rows-scratch');
    await buildLogged(corpus, scratch, { segmentRule: RULE, workers: '0' });
    expect(folderHashes(path.join(threaded, 'link'))).toEqual(folderHashes(path.join(scratch, 'link')));
  }, 180_000);
});
