// ingest trusts the last run's sha256 of a file only when its path, size and mtime are as recorded;
// the cache and the walk are both in path order and are matched in one pass. A damaged cache gives
// no hash it does not hold whole.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WalkedFile } from '../pipeline/lib/fsutil.js';
import { cachedHashes, fileIdentity, hashCacheText } from '../pipeline/stages/ingest.js';

const file = (relPath: string, size = 10, mtimeMs = 1000): WalkedFile => ({ relPath, absPath: `/corpus/${relPath}`, size, mtimeMs });
const sha = (name: string): string => createHash('sha256').update(name).digest('hex');
/** The cache text of [path, size, mtime, name of its sha256] records. */
const cacheOf = (records: [string, number, number, string][]): string => hashCacheText(records.map(([relPath, size, mtimeMs, name]) => [fileIdentity({ relPath, size, mtimeMs }), sha(name)]));

describe('cachedHashes', () => {
  it('gives the cached hash of a file unchanged in path, size and mtime, and none otherwise', () => {
    const files = [file('a.txt'), file('b/c.txt', 11), file('b/d.txt', 10, 2000), file('e.txt'), file('z.txt')];
    const cache = cacheOf([
      ['0-removed.txt', 10, 1000, 'sha-removed'],
      ['a.txt', 10, 1000, 'sha-a'],
      ['b/c.txt', 10, 1000, 'sha-c-before-edit'], // size changed
      ['b/d.txt', 10, 1000, 'sha-d-before-touch'], // mtime changed
      ['d-removed.txt', 10, 1000, 'sha-removed-2'],
      ['z.txt', 10, 1000, 'sha-z'],
    ]);
    expect(cachedHashes(files, cache)).toEqual([sha('sha-a'), undefined, undefined, undefined, sha('sha-z')]);
  });

  it('matches nothing from an empty cache, and ignores cache entries past the last file', () => {
    expect(cachedHashes([file('a.txt')], '')).toEqual([undefined]);
    expect(cachedHashes([file('a.txt')], cacheOf([['a.txt', 10, 1000, 'sha-a'], ['b.txt', 10, 1000, 'sha-b']]))).toEqual([sha('sha-a')]);
    expect(cachedHashes([], cacheOf([['a.txt', 10, 1000, 'sha-a']]))).toEqual([]);
  });

  it('takes names with any character but NUL, and a name that is a prefix of another, for what they are', () => {
    const names = ['a', 'a b\tc\nd', 'ab', 'a\u00e9', 'a\u00e9/x', '\u4e2d\u6587.txt']; // in code-unit order, as walked
    const cache = cacheOf(names.map((name, i) => [name, i, 1000 + i / 8, name]));
    expect(cachedHashes(names.map((name, i) => file(name, i, 1000 + i / 8)), cache)).toEqual(names.map(sha));
    expect(cachedHashes([file('a', 0, 1000), file('ab', 2, 1000.25), file('a\u00e9/x', 4, 1000)], cache)).toEqual([sha('a'), sha('ab'), undefined]);
  });

  it('gives no hash from a damaged cache that it does not hold whole', () => {
    const cache = cacheOf([['a.txt', 10, 1000, 'sha-a'], ['b.txt', 10, 1000, 'sha-b']]);
    const files = [file('a.txt'), file('b.txt')];
    expect(cachedHashes(files, cache.slice(0, -20))).toEqual([sha('sha-a'), undefined]); // truncated inside b's hash
    expect(cachedHashes(files, cache.slice(0, -66))).toEqual([sha('sha-a'), undefined]); // truncated before it
    expect(cachedHashes(files, cache.replace(sha('sha-a'), 'not a hash'))).toEqual([undefined, sha('sha-b')]);
    expect(cachedHashes(files, 'garbage without separators')).toEqual([undefined, undefined]);
  });
});
