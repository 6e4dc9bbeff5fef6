// The hand-written tar, gzip and zip writers: readable by standard tools, deterministic, strict.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../pipeline/lib/hash.js';
import { crc32, dosDateTime, gzipDeterministic, tarArchive, zipArchive, type ArchiveEntry } from '../pipeline/lib/archive.js';
import { tempDir } from './helpers/build.js';

const MTIME = Date.UTC(2026, 10, 22) / 1000;
const ENTRIES: ArchiveEntry[] = [
  { path: 'pkg-1.0.0/' },
  { path: 'pkg-1.0.0/a.csv', data: Buffer.from('doc_id,value\ndoc_0123456789abcdef,15000\n') },
  { path: 'pkg-1.0.0/empty.txt', data: new Uint8Array(0) },
  { path: 'pkg-1.0.0/exactly-512.bin', data: new Uint8Array(512).fill(7) },
  { path: `pkg-1.0.0/${'long-folder-name-'.repeat(6)}/nested.txt`, data: Buffer.from('ustar prefix field\n') },
];

/** Python's tarfile and zipfile as an independent reader: name, mode, uid, gid, owner, mtime, content hash. */
function pythonList(kind: 'tar' | 'zip', file: string): string[] {
  const script = kind === 'tar'
    ? 'import sys,tarfile,hashlib\nfor m in tarfile.open(sys.argv[1]).getmembers():\n f=tarfile.open(sys.argv[1]).extractfile(m) if m.isfile() else None\n print(m.name, oct(m.mode), m.uid, m.gid, repr(m.uname), repr(m.gname), m.mtime, hashlib.sha256(f.read()).hexdigest() if f else "-")'
    : 'import sys,zipfile,hashlib\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nfor i in z.infolist():\n print(i.filename, oct(i.external_attr>>16), i.date_time, i.create_system, hashlib.sha256(z.read(i)).hexdigest() if not i.is_dir() else "-")';
  const run = spawnSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.trimEnd().split('\n');
}

const sha = (data: Uint8Array | undefined) => (data ? sha256Hex(data) : '-');

describe('crc32', () => {
  it('gives the standard check value and agrees with zlib where zlib has it', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const zlibCrc = (zlib as unknown as { crc32?: (d: Uint8Array) => number }).crc32;
    if (zlibCrc) for (const entry of ENTRIES) if (entry.data) expect(crc32(entry.data)).toBe(zlibCrc(entry.data));
  });
});

describe('tar + gzip', () => {
  const tgz = gzipDeterministic(tarArchive(ENTRIES, { mtime: MTIME }));

  it('is the same bytes every time', () => {
    expect(Buffer.from(gzipDeterministic(tarArchive(ENTRIES, { mtime: MTIME }))).equals(Buffer.from(tgz))).toBe(true);
  });

  it('reads back with Python tarfile: fixed modes, root owner with empty names, one mtime, same contents', () => {
    const file = path.join(tempDir('archive'), 'a.tar.gz');
    fs.writeFileSync(file, tgz);
    expect(pythonList('tar', file)).toEqual(ENTRIES.map((e) => `${e.path.replace(/\/$/, '')} ${e.data ? '0o644' : '0o755'} 0 0 '' '' ${MTIME} ${sha(e.data)}`));
    expect(spawnSync('gzip', ['-t', file]).status).toBe(0);
  });

  it('pads to whole 10240-byte records and ends with zero blocks', () => {
    const tar = tarArchive(ENTRIES, { mtime: MTIME });
    expect(tar.length % 10240).toBe(0);
    expect(Buffer.from(zlib.gunzipSync(tgz)).equals(Buffer.from(tar))).toBe(true);
  });

  it('refuses names that could escape the folder or do not fit ustar', () => {
    expect(() => tarArchive([{ path: '../evil', data: Buffer.from('x') }], { mtime: MTIME })).toThrow(/unsafe/);
    expect(() => tarArchive([{ path: '/etc/passwd', data: Buffer.from('x') }], { mtime: MTIME })).toThrow(/unsafe/);
    expect(() => tarArchive([{ path: 'a/', data: Buffer.from('x') }], { mtime: MTIME })).toThrow(/folder/);
    expect(() => tarArchive([{ path: 'x'.repeat(101), data: Buffer.from('x') }], { mtime: MTIME })).toThrow(/too long/);
  });
});

describe('zip', () => {
  const zip = zipArchive(ENTRIES, { mtime: MTIME });

  it('is the same bytes every time, and differs when the timestamp does', () => {
    expect(Buffer.from(zipArchive(ENTRIES, { mtime: MTIME })).equals(Buffer.from(zip))).toBe(true);
    expect(Buffer.from(zipArchive(ENTRIES, { mtime: MTIME + 86400 })).equals(Buffer.from(zip))).toBe(false);
  });

  it('reads back with Python zipfile: Unix modes, the fixed date, same contents, valid CRCs', () => {
    const file = path.join(tempDir('archive'), 'a.zip');
    fs.writeFileSync(file, zip);
    expect(pythonList('zip', file)).toEqual(ENTRIES.map((e) => `${e.path} ${e.data ? '0o100644' : '0o40755'} (2026, 11, 22, 0, 0, 0) 3 ${sha(e.data)}`));
  });

  it('encodes MS-DOS dates and refuses dates zip cannot hold', () => {
    expect(dosDateTime(Date.UTC(1980, 0, 1) / 1000)).toEqual({ date: (0 << 9) | (1 << 5) | 1, time: 0 });
    expect(dosDateTime(Date.UTC(2000, 0, 1, 13, 14, 16) / 1000)).toEqual({ date: (20 << 9) | (1 << 5) | 1, time: (13 << 11) | (14 << 5) | 8 });
    expect(() => dosDateTime(0)).toThrow(/zip date range/);
  });
});
