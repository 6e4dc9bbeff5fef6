// ingest trusts the last run's sha256 of a file only when its path, size and mtime are as recorded;
// the cache and the walk are both in path order and are matched in one pass.
import { describe, expect, it } from 'vitest';
import type { WalkedFile } from '../pipeline/lib/fsutil.js';
import { cachedHashes } from '../pipeline/stages/ingest.js';

const file = (relPath: string, size = 10, mtimeMs = 1000): WalkedFile => ({ relPath, absPath: `/corpus/${relPath}`, size, mtimeMs });

describe('cachedHashes', () => {
  it('gives the cached hash of a file unchanged in path, size and mtime, and none otherwise', () => {
    const files = [file('a.txt'), file('b/c.txt', 11), file('b/d.txt', 10, 2000), file('e.txt'), file('z.txt')];
    const cache: Parameters<typeof cachedHashes>[1] = [
      ['0-removed.txt', 10, 1000, 'sha-removed'],
      ['a.txt', 10, 1000, 'sha-a'],
      ['b/c.txt', 10, 1000, 'sha-c-before-edit'], // size changed
      ['b/d.txt', 10, 1000, 'sha-d-before-touch'], // mtime changed
      ['d-removed.txt', 10, 1000, 'sha-removed-2'],
      ['z.txt', 10, 1000, 'sha-z'],
    ];
    expect(cachedHashes(files, cache)).toEqual(['sha-a', undefined, undefined, undefined, 'sha-z']);
  });

  it('matches nothing from an empty cache, and ignores cache entries past the last file', () => {
    expect(cachedHashes([file('a.txt')], [])).toEqual([undefined]);
    expect(cachedHashes([file('a.txt')], [['a.txt', 10, 1000, 'sha-a'], ['b.txt', 10, 1000, 'sha-b']])).toEqual(['sha-a']);
    expect(cachedHashes([], [['a.txt', 10, 1000, 'sha-a']])).toEqual([]);
  });
});
