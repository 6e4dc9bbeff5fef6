// Taking a file of a stage's last output into its new one: a hard link, never a write into a file
// that exists (it may share its inode with the last output); and an index written in a later tick
// of the file clock than the files it vouches for, so that readers may trust only strictly older ones.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { linkOrCopyFile, writeFileDatedAfter } from '../pipeline/lib/fsutil.js';
import { writeFileInPieces } from '../pipeline/lib/lineFile.js';
import { tempDir } from './helpers/build.js';

describe('linkOrCopyFile', () => {
  it('links the file (the same inode, no byte copied)', () => {
    const dir = tempDir('link-or-copy');
    fs.writeFileSync(path.join(dir, 'last.jsonl'), 'kept\n');
    linkOrCopyFile(path.join(dir, 'last.jsonl'), path.join(dir, 'next.jsonl'));
    expect(fs.statSync(path.join(dir, 'next.jsonl')).ino).toBe(fs.statSync(path.join(dir, 'last.jsonl')).ino);
  });

  it('refuses a target that exists, leaving it and the last output as they were', () => {
    const dir = tempDir('link-or-copy-exists');
    fs.writeFileSync(path.join(dir, 'last.jsonl'), 'last output\n');
    fs.writeFileSync(path.join(dir, 'other.jsonl'), 'other\n');
    linkOrCopyFile(path.join(dir, 'last.jsonl'), path.join(dir, 'linked.jsonl'));
    expect(() => linkOrCopyFile(path.join(dir, 'other.jsonl'), path.join(dir, 'linked.jsonl'))).toThrow(/EEXIST/);
    expect(fs.readFileSync(path.join(dir, 'last.jsonl'), 'utf8')).toBe('last output\n');
    expect(() => linkOrCopyFile(path.join(dir, 'missing.jsonl'), path.join(dir, 'new.jsonl'))).toThrow(/ENOENT/);
  });

  it("writes a segment only into a new file ('wx'), never through a link to the last output", () => {
    const dir = tempDir('write-new');
    fs.writeFileSync(path.join(dir, 'last.jsonl'), 'last output\n');
    linkOrCopyFile(path.join(dir, 'last.jsonl'), path.join(dir, 'linked.jsonl'));
    expect(() => writeFileInPieces(path.join(dir, 'linked.jsonl'), 'overwritten\n', 'wx')).toThrow(/EEXIST/);
    expect(fs.readFileSync(path.join(dir, 'last.jsonl'), 'utf8')).toBe('last output\n');
  });
});

describe('writeFileDatedAfter', () => {
  it('dates the index after every file it vouches for, one dated ahead of the clock included', () => {
    const dir = tempDir('dated-after');
    const files = ['a.jsonl', 'b.jsonl'].map((name) => path.join(dir, name));
    for (const file of files) fs.writeFileSync(file, 'x\n');
    const ahead = new Date(Date.now() + 50);
    fs.utimesSync(files[1]!, ahead, ahead);
    writeFileDatedAfter(path.join(dir, 'index.json'), '{}\n', files);
    const indexed = fs.statSync(path.join(dir, 'index.json')).mtimeMs;
    for (const file of files) expect(fs.statSync(file).mtimeMs).toBeLessThan(indexed);
    expect(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')).toBe('{}\n');
  });
});
