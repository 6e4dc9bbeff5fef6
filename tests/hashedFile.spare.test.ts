// Emit writes its tables' files over the dataset before the last one (OUT/.cache/emit-spare), whose
// pages are cached, instead of into new files. A spare is taken only when nothing else links to it,
// the file ends up exactly the bytes written (a longer spare is cut), and the hash is of those bytes.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishFolder, recoverFolder, supersededFoldersRemoved } from '../pipeline/lib/fsutil.js';
import { HashedFile } from '../pipeline/lib/hashedFile.js';
import { usableSegments, type SegmentIndex } from '../pipeline/lib/tablePublisher.js';
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

  it('leaves a spare that is a symbolic link, and its target, as they are', () => {
    const dir = tempDir('spare-symlink');
    fs.writeFileSync(path.join(dir, 'target.csv'), 'not ours\n');
    const spare = path.join(dir, 'spare.csv');
    fs.symlinkSync(path.join(dir, 'target.csv'), spare);
    writeHashed(path.join(dir, 'table.csv'), spare, ['a,b\n']);
    expect(fs.readFileSync(path.join(dir, 'target.csv'), 'utf8')).toBe('not ours\n');
    expect(fs.lstatSync(spare).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'table.csv'), 'utf8')).toBe('a,b\n');
  });

  // Root may write any file, so this runs only for other users (the reviewer's case: a dataset made read-only).
  it.skipIf(process.getuid?.() === 0)('leaves a read-only spare where it is and writes a new file', () => {
    const dir = tempDir('spare-read-only');
    const spare = path.join(dir, 'spare.csv');
    fs.writeFileSync(spare, 'protected\n');
    fs.chmodSync(spare, 0o444);
    writeHashed(path.join(dir, 'table.csv'), spare, ['a,b\n']);
    expect(fs.readFileSync(spare, 'utf8')).toBe('protected\n');
    expect(fs.readFileSync(path.join(dir, 'table.csv'), 'utf8')).toBe('a,b\n');
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

describe('publishFolder after a crash while keeping the old folder', () => {
  it('recoverFolder deletes the kept folder\'s predecessor left behind', async () => {
    const out = tempDir('keep-old-crash');
    const target = path.join(out, 'dataset');
    fs.mkdirSync(target);
    const displaced = path.join(out, '.dataset.previous.displaced');
    fs.mkdirSync(displaced);
    fs.writeFileSync(path.join(displaced, 'table.csv'), 'the dataset from three builds ago');
    await recoverFolder(target);
    expect(fs.readdirSync(out)).toEqual(['dataset']);
  });
});

describe('reusing the last published files', () => {
  function indexOf(dir: string, content: string, mtimeMs: number): { index: SegmentIndex; published: Map<string, string> } {
    const files = Object.fromEntries(
      (['csv', 'parquet'] as const).map((format) => {
        const file = path.join(dir, `figures.${format}`);
        fs.writeFileSync(file, content);
        fs.utimesSync(file, mtimeMs / 1000, mtimeMs / 1000);
        return [format, { path: `figures.${format}`, sha256: sha256(Buffer.from(content)), bytes: content.length, mtimeMs: fs.statSync(file).mtimeMs }];
      }),
    ) as { csv: { path: string; sha256: string; bytes: number; mtimeMs: number }; parquet: { path: string; sha256: string; bytes: number; mtimeMs: number } };
    return {
      index: { code_hash: 'code', tables: { figures: { files, segments: [] } } },
      published: new Map([[files.csv.path, files.csv.sha256], [files.parquet.path, files.parquet.sha256]]),
    };
  }

  it('checks the bytes of a file written before the machine started (a spare\'s may be stale after a power loss)', () => {
    const dir = tempDir('reuse-before-boot');
    const beforeBoot = Date.now() - os.uptime() * 1000 - 3_600_000;
    const { index, published } = indexOf(dir, 'rows as published', beforeBoot);
    expect(usableSegments(index, 'code', 'figures', published, dir)).not.toBeNull();
    // Same size and mtime, other bytes: what a power loss can leave of a file written over a spare.
    fs.writeFileSync(path.join(dir, 'figures.csv'), 'rows of the spare');
    fs.utimesSync(path.join(dir, 'figures.csv'), beforeBoot / 1000, beforeBoot / 1000);
    expect(usableSegments(index, 'code', 'figures', published, dir)).toBeNull();
  });

  it('trusts the size and mtime of a file written since the machine started', () => {
    const dir = tempDir('reuse-since-boot');
    const { index, published } = indexOf(dir, 'rows as published', Date.now() - 1000);
    expect(usableSegments(index, 'code', 'figures', published, dir)).not.toBeNull();
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
