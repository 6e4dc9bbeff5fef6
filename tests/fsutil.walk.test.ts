// walkFiles: every regular file below a folder, sorted, with the entries that are not articles
// reported — the same whether its files are stat'ed on one thread or two (statFiles).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { statFiles, statOnThread, walkFiles } from '../pipeline/lib/fsutil.js';
import { tempDir } from './helpers/build.js';

function treeOfEveryKind(): string {
  const root = tempDir('walk-kinds');
  for (const dir of ['a', 'a/deeper', 'b', 'é-ü']) fs.mkdirSync(path.join(root, dir), { recursive: true });
  for (let i = 0; i < 40; i++) fs.writeFileSync(path.join(root, ['a', 'a/deeper', 'b', 'é-ü'][i % 4]!, `article-${i}.txt`), 'x'.repeat(i));
  fs.writeFileSync(path.join(root, '.hidden'), 'never an article');
  fs.symlinkSync(path.join(root, 'a', 'article-0.txt'), path.join(root, 'b', 'linked.txt')); // a symlink to a file: followed
  fs.symlinkSync(path.join(root, 'nowhere'), path.join(root, 'dangling')); // reported
  fs.symlinkSync(root, path.join(root, 'a', 'loop')); // a folder that is its own ancestor: reported
  execFileSync('mkfifo', [path.join(root, 'b', 'pipe')]); // not a regular file: reported
  return root;
}

describe('walkFiles', () => {
  it('lists the same files and problems whether it stats on one thread or two', async () => {
    const root = treeOfEveryKind();
    const oneThread = await walkFiles(root, Infinity);
    const twoThreads = await walkFiles(root, 1);
    expect(twoThreads).toEqual(oneThread);
    expect(oneThread.files).toHaveLength(41);
    expect(oneThread.files.map((f) => f.relPath)).toEqual([...oneThread.files.map((f) => f.relPath)].sort());
    expect(oneThread.files.find((f) => f.relPath === 'a/deeper/article-5.txt')?.size).toBe(5);
    expect(oneThread.files.find((f) => f.relPath === 'b/linked.txt')?.size).toBe(0);
    expect(oneThread.problems.map((p) => p.relPath).sort()).toEqual(['a/loop', 'b/pipe', 'dangling']);
  });
});

describe('statFiles', () => {
  it('gives each path its kind, size and mtime, the same on one thread or two', async () => {
    const root = tempDir('stat-files');
    const paths = Array.from({ length: 101 }, (_, i) => path.join(root, `f-${i}`));
    paths.forEach((p, i) => i % 10 !== 3 && fs.writeFileSync(p, 'y'.repeat(i)));
    paths.push(root); // a folder: not a regular file
    const one = await statFiles(paths, false);
    const two = await statFiles(paths, true);
    expect(Array.from(two)).toEqual(Array.from(one));
    expect(one[3 * 7]).toBe(1);
    expect(one[3 * 7 + 1]).toBe(7);
    expect(one[3 * 7 + 2]).toBe(fs.statSync(paths[7]!).mtimeMs);
    expect(one[3 * 13]).toBe(0); // never written
    expect(one[3 * 101]).toBe(0); // the folder
    expect(two[3 * 94 + 1]).toBe(94); // from the second thread's half
    // statFiles would stat a failed thread's half itself: the thread must work on its own.
    expect(Array.from(await statOnThread(paths))).toEqual(Array.from(one));
  });
});
