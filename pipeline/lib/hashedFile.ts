// A file written in pieces while its sha256 and size are computed, so a published file's hash never
// needs the whole file in memory (or a second read). Writes are synchronous: the bytes are on their
// way to disk, and hashed, when `write` returns, so the caller may reuse its buffer.
//
// A file may be written over a spare one (emit's: the dataset before the last, whose files nothing
// else links to): the spare is moved to the file's place and written from its start, then cut to
// length. Its pages are in the page cache already, so the kernel need not find new ones. On this
// project's machine (a VM whose host takes freed memory back) writing 172 MB into a new file took
// 30 ms or 400 ms, depending on whether freed pages were at hand, and over a cached file 13 ms.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { writeAll } from './lineFile.js';

export class HashedFile {
  private readonly hash = createHash('sha256');
  private readonly fd: number;
  private bytes = 0;
  /** Written over a spare file, which may be longer than this one: cut to length on close. */
  private readonly overSpare: boolean;

  /** `spare`: a file to write over if it is a regular file that no other path links to (else a new file is made). */
  constructor(file: string, spare: string | null = null) {
    const fd = openOverSpare(file, spare);
    this.overSpare = fd !== null;
    this.fd = fd ?? fs.openSync(file, 'w');
  }

  write(bytes: Uint8Array): void {
    this.hash.update(bytes);
    writeAll(this.fd, bytes);
    this.bytes += bytes.length;
  }

  /** Closes the file; its size and sha256 (hex). */
  close(): { bytes: number; sha256: string } {
    if (this.overSpare) fs.ftruncateSync(this.fd, this.bytes);
    fs.closeSync(this.fd);
    return { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}

/**
 * Opens `spare` for writing and moves it to `file`; null when there is no spare, or it is not a
 * regular file, or another path links to it (a hard link someone made to an old dataset file must
 * not change under them), or it cannot be opened for writing (a read-only file stays where it was,
 * so that a new file can be made in its place) or moved. Opened first and checked on the open file,
 * so that what is checked is what is written.
 */
function openOverSpare(file: string, spare: string | null): number | null {
  if (spare === null) return null;
  let fd: number;
  try {
    if (!fs.lstatSync(spare).isFile()) return null;
    fd = fs.openSync(spare, 'r+');
  } catch {
    return null; // no spare (the first builds, or taken already), or not writable: a new file
  }
  try {
    if (fs.fstatSync(fd).nlink !== 1) throw new Error('linked elsewhere');
    fs.renameSync(spare, file);
    return fd;
  } catch {
    fs.closeSync(fd);
    return null;
  }
}

/** Bytes read per call when hashing a file. */
const HASH_CHUNK_BYTES = 8 << 20;

/**
 * sha256 of a file (hex), read synchronously in large chunks: a stage output of 280 MB hashed
 * through a read stream (64 KB chunks, a promise each) took about a second; this takes about a quarter.
 */
export function sha256OfFile(file: string): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(HASH_CHUNK_BYTES);
    for (let read = fs.readSync(fd, chunk, 0, HASH_CHUNK_BYTES, null); read > 0; read = fs.readSync(fd, chunk, 0, HASH_CHUNK_BYTES, null)) hash.update(chunk.subarray(0, read));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}
