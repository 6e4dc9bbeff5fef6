// A stage's last output is deleted while the build goes on (publishFolder's removeOldInBackground):
// the new folder is in place at once, nothing superseded outlives the build, and a killed build's
// half-deleted folder goes at the next build, even one with nothing to rebuild.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishFolder, supersededFoldersRemoved } from '../pipeline/lib/fsutil.js';
import { build, seedCorpus, tempDir } from './helpers/build.js';

function folderWith(parent: string, name: string, content: string): string {
  const dir = path.join(parent, name);
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(dir, `part-${i}.txt`), `${content} ${i}\n`);
  // Stages keep their shards in sub-folders, which the removal must empty first.
  fs.mkdirSync(path.join(dir, 'documents', 'deeper'), { recursive: true });
  for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(dir, 'documents', `shard-${i}.jsonl`), `${content}\n`);
  fs.writeFileSync(path.join(dir, 'documents', 'deeper', 'last.txt'), content);
  return dir;
}

describe('publishing a folder while the old one is deleted in the background', () => {
  it('puts the new folder in place at once and leaves nothing behind once the removals are awaited', async () => {
    const out = tempDir('publish-bg');
    const target = path.join(out, 'link');
    await publishFolder(folderWith(out, '.link.tmp-1', 'first'), target, { removeOldInBackground: true });
    // Published again and again without waiting: each old folder is renamed aside before it is
    // deleted, so a later publish never meets a deletion still running under the backup's name.
    for (const round of ['second', 'third', 'fourth']) {
      await publishFolder(folderWith(out, '.link.tmp-1', round), target, { removeOldInBackground: true });
      expect(fs.readFileSync(path.join(target, 'part-7.txt'), 'utf8')).toBe(`${round} 7\n`);
    }
    await supersededFoldersRemoved();
    expect(fs.readdirSync(out)).toEqual(['link']);
    expect(fs.readdirSync(target)).toHaveLength(51);
  });

  it("a build removes a killed build's superseded folder though every stage is up to date", async () => {
    const seeds = seedCorpus('publish-bg-seeds', 2);
    const out = tempDir('publish-bg-out');
    expect((await build(seeds, out)).ok).toBe(true);
    expect(fs.readdirSync(out).filter((name) => name.includes('superseded'))).toEqual([]);
    const deadPid = 2 ** 22 + 17; // above Linux's pid_max: no process has it
    folderWith(out, `.link.superseded-0.tmp-${deadPid}`, 'left by a killed build');
    const again = await build(seeds, out);
    expect(again.lines.every((line) => line.includes('up to date'))).toBe(true);
    expect(fs.readdirSync(out).filter((name) => name.includes('superseded'))).toEqual([]);
  });
});
