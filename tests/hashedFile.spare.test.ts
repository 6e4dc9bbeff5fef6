// Emit writes its tables' files over the dataset before the last one (OUT/.cache/emit-spare), whose
// pages are cached, instead of into new files. A spare is taken only when nothing else links to it,
// the file ends up exactly the bytes written (a longer spare is cut), and the hash is of those bytes.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishFolder, supersededFoldersRemoved } from '../pipeline/lib/fsutil.js';
import { HashedFile } from '../pipeline/lib/hashedFile.js';
import { build, seedCorpus, tempDir } from './helpers/build.js';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

function writeHashed(file: string, spare: string | null, pieces: string[]): { bytes: number; sha256: string } {
  const out = new HashedFile(file, spare);
  for (const piece of pieces) out.write(Buffer.from(piece, 'utf8'));
  return out.close();
}

describe('HashedFile over a spare file', () => {
  it('takes the spare (same inode), writes from its start and cuts it to the bytes written', () => {
    const dir = tempDir('spare-longer');
    const spare = path.join(dir, 'spare.csv');
    fs.writeFileSync(spare, 'an older and much longer table than the one written now\n'.repeat(100));
    const inode = fs.statSync(spare).ino;
    const file = path.join(dir, 'table.csv');
    const written = writeHashed(file, spare, ['a,b\n', '1,2\n']);
    expect(fs.readFileSync(file, 'utf8')).toBe('a,b\n1,2\n');
    expect(fs.statSync(file).ino).toBe(inode);
    expect(fs.existsSync(spare)).toBe(false);
    expect(written).toEqual({ bytes: 8, sha256: sha256(Buffer.from('a,b\n1,2\n')) });
  });

  it('grows a shorter spare to the bytes written', () => {
    const dir = tempDir('spare-shorter');
    const spare = path.join(dir, 'spare.csv');
    fs.writeFileSync(spare, 'x');
    const file = path.join(dir, 'table.csv');
    writeHashed(file, spare, ['a,b\n', '1,2\n', '3,4\n']);
    expect(fs.readFileSync(file, 'utf8')).toBe('a,b\n1,2\n3,4\n');
  });

  it('leaves a spare that another path links to as it is, and writes a new file', () => {
    const dir = tempDir('spare-linked');
    const spare = path.join(dir, 'spare.csv');
    fs.writeFileSync(spare, 'an analyst kept a hard link to this\n');
    fs.linkSync(spare, path.join(dir, 'kept-by-someone.csv'));
    const file = path.join(dir, 'table.csv');
    writeHashed(file, spare, ['a,b\n']);
    expect(fs.readFileSync(path.join(dir, 'kept-by-someone.csv'), 'utf8')).toBe('an analyst kept a hard link to this\n');
    expect(fs.readFileSync(spare, 'utf8')).toBe('an analyst kept a hard link to this\n');
    expect(fs.statSync(file).ino).not.toBe(fs.statSync(spare).ino);
    expect(fs.readFileSync(file, 'utf8')).toBe('a,b\n');
  });

  it('writes a new file when there is no spare', () => {
    const dir = tempDir('spare-none');
    const file = path.join(dir, 'table.csv');
    expect(writeHashed(file, path.join(dir, 'missing.csv'), ['a,b\n']).bytes).toBe(4);
    expect(fs.readFileSync(file, 'utf8')).toBe('a,b\n');
  });
});

describe('publishFolder keeping the old folder', () => {
  it('moves the replaced folder to keepOldAt and deletes the one kept before', async () => {
    const out = tempDir('keep-old');
    const target = path.join(out, 'dataset');
    const kept = path.join(out, '.cache', 'emit-spare');
    const staged = (content: string): string => {
      const dir = path.join(out, `.dataset.tmp-${content}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'table.csv'), content);
      return dir;
    };
    for (const round of ['first', 'second', 'third']) await publishFolder(staged(round), target, { removeOldInBackground: true, keepOldAt: kept });
    await supersededFoldersRemoved();
    expect(fs.readFileSync(path.join(target, 'table.csv'), 'utf8')).toBe('third');
    expect(fs.readFileSync(path.join(kept, 'table.csv'), 'utf8')).toBe('second');
    expect(fs.readdirSync(out).sort()).toEqual(['.cache', 'dataset']);
  });
});

describe('emit over the dataset before the last', () => {
  it('writes the third build\'s tables over the first build\'s files, and publishes what a build from scratch does', async () => {
    const seeds = seedCorpus('spare-e2e', 4);
    const out = tempDir('spare-e2e-out');
    expect((await build(seeds, out)).ok).toBe(true);
    const firstBuild = fs.statSync(path.join(out, 'dataset', 'figures.csv')).ino;
    // Each build changes the corpus, so emit runs each time.
    const added = (n: number): void => fs.copyFileSync(path.join(seeds, fs.readdirSync(seeds).sort()[0]!), path.join(seeds, `copy-${n}.txt`));
    added(1);
    expect((await build(seeds, out)).ok).toBe(true);
    expect(fs.statSync(path.join(out, '.cache', 'emit-spare', 'figures.csv')).ino).toBe(firstBuild);
    added(2);
    expect((await build(seeds, out)).ok).toBe(true);
    expect(fs.statSync(path.join(out, 'dataset', 'figures.csv')).ino).toBe(firstBuild);
    const scratch = tempDir('spare-e2e-scratch');
    expect((await build(seeds, scratch)).ok).toBe(true);
    for (const name of fs.readdirSync(path.join(scratch, 'dataset'))) {
      expect(fs.readFileSync(path.join(out, 'dataset', name)), name).toEqual(fs.readFileSync(path.join(scratch, 'dataset', name)));
    }
  });
});
