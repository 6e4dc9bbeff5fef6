// A file written in pieces while its sha256 and size are computed, so a published file's hash never
// needs the whole file in memory (or a second read). Writes are synchronous: the bytes are on their
// way to disk, and hashed, when `write` returns, so the caller may reuse its buffer.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { writeAll } from './lineFile.js';

export class HashedFile {
  private readonly hash = createHash('sha256');
  private readonly fd: number;
  private bytes = 0;

  constructor(file: string) {
    this.fd = fs.openSync(file, 'w');
  }

  write(bytes: Uint8Array): void {
    this.hash.update(bytes);
    writeAll(this.fd, bytes);
    this.bytes += bytes.length;
  }

  /** Closes the file; its size and sha256 (hex). */
  close(): { bytes: number; sha256: string } {
    fs.closeSync(this.fd);
    return { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}
