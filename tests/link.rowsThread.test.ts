// link writes its figures and documents tables on a worker thread while its own thread writes the
// claims; without worker threads (CC_WORKERS=0) it writes them itself. Both give the same folder, from
// scratch and after an added article (rows copied from the last run by the thread).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { generateArticle } from '../bench/generate.js';
import { STAGES } from '../pipeline/stages/index.js';
import { build, folderHashes, tempDir } from './helpers/build.js';

const RULE = { meanRows: 4, minRows: 2, maxRows: 32 };

async function buildLogged(corpus: string, out: string, workers?: string): Promise<string> {
  const logged: string[] = [];
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((text) => (logged.push(String(text)), true));
  const saved = process.env.CC_WORKERS;
  if (workers !== undefined) process.env.CC_WORKERS = workers;
  try {
    expect((await build(corpus, out, STAGES, { segmentRule: RULE, quiet: false })).ok).toBe(true);
  } finally {
    stderr.mockRestore();
    if (saved === undefined) delete process.env.CC_WORKERS;
    else process.env.CC_WORKERS = saved;
  }
  return logged.join('');
}

describe("link's rows thread", () => {
  it('writes the same tables and caches as link writing them on its own thread', async () => {
    const corpus = tempDir('link-rows-corpus');
    const write = (index: number) => {
      const { relPath, content } = generateArticle(5, index);
      fs.mkdirSync(path.dirname(path.join(corpus, relPath)), { recursive: true });
      fs.writeFileSync(path.join(corpus, relPath), content);
    };
    for (let i = 0; i < 40; i++) write(i);
    const threaded = tempDir('link-rows-threaded');
    const here = tempDir('link-rows-here');
    expect(await buildLogged(corpus, threaded, '2')).toMatch(/link: figures and documents tables written on a worker thread/);
    expect(await buildLogged(corpus, here, '0')).toMatch(/link: figures and documents tables written on this thread/);
    expect(folderHashes(path.join(threaded, 'link'))).toEqual(folderHashes(path.join(here, 'link')));

    write(40);
    const again = await buildLogged(corpus, threaded, '2');
    expect(again).toMatch(/link: rows of 40 of 41 documents copied from the last run/);
    expect(again).toMatch(/link: figures and documents tables written on a worker thread/);
    const scratch = tempDir('link-rows-scratch');
    await buildLogged(corpus, scratch, '0');
    expect(folderHashes(path.join(threaded, 'link'))).toEqual(folderHashes(path.join(scratch, 'link')));
  }, 180_000);
});
