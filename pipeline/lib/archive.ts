// Byte-reproducible archives, written by hand so nothing depends on the machine, the clock or a
// library's defaults: the same entries always give the same bytes.
//   tar: POSIX ustar; fixed order (as given), one mtime for all, modes 0644/0755, uid/gid 0,
//        empty owner names, padded to a 10240-byte record like GNU tar and bsdtar.
//   gzip: our own 10-byte header (mtime 0, no file name, OS "unknown") around raw deflate.
//   zip: local headers + central directory, deflate at a fixed level, DOS timestamps from the same
//        mtime, Unix modes in the external attributes.
// The deflate stream comes from node:zlib; a different zlib build could in principle compress
// differently, so byte-equality is promised for one Node/zlib version (see docs/RELEASES.md).
import { deflateRawSync } from 'node:zlib';

export interface ArchiveEntry {
  /** `/`-separated path inside the archive; a folder ends with `/`. ASCII only (ustar's limit). */
  path: string;
  /** File content; omitted for a folder. */
  data?: Uint8Array;
}

export interface ArchiveOptions {
  /** Seconds since 1970-01-01T00:00:00Z stamped on every entry (≥ 1980 for zip). */
  mtime: number;
}

const FILE_MODE = 0o644;
const DIR_MODE = 0o755;
const DEFLATE_LEVEL = 9;

const isFolder = (entry: ArchiveEntry): boolean => entry.path.endsWith('/');

function assertEntry(entry: ArchiveEntry): void {
  // Archive names are ours (table names and metadata files), never from articles; refuse anything odd
  // rather than writing an archive that unpacks outside its folder.
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/?$/.test(entry.path) || entry.path.split('/').includes('..')) {
    throw new Error(`archive: unsafe entry name '${entry.path}'`);
  }
  if (isFolder(entry) === (entry.data !== undefined)) throw new Error(`archive: '${entry.path}' must be a folder (ends with /) or have data, not both`);
}

// ---------------------------------------------------------------- CRC-32 (IEEE, as zip and gzip use)

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 by table (node:zlib's crc32 only exists from Node 20.15; this runs everywhere). */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// ---------------------------------------------------------------- tar (ustar)

const BLOCK = 512;
const RECORD = 10240;

function writeString(header: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'ascii');
  if (bytes.length > length) throw new Error(`archive: '${value}' does not fit a ${length}-byte tar field`);
  header.set(bytes, offset);
}

/** An octal number, zero-padded, followed by a NUL (the ustar convention). */
function writeOctal(header: Uint8Array, offset: number, length: number, value: number): void {
  const digits = value.toString(8).padStart(length - 1, '0');
  if (digits.length > length - 1) throw new Error(`archive: ${value} does not fit a ${length}-byte tar field`);
  writeString(header, offset, length, `${digits}\0`);
}

/** Splits a path into ustar's prefix (≤155) and name (≤100) at a `/`. */
function splitUstarPath(entryPath: string): { prefix: string; name: string } {
  if (entryPath.length <= 100) return { prefix: '', name: entryPath };
  const trimmed = entryPath.endsWith('/') ? entryPath.slice(0, -1) : entryPath;
  for (let cut = trimmed.lastIndexOf('/'); cut > 0; cut = trimmed.lastIndexOf('/', cut - 1)) {
    const prefix = entryPath.slice(0, cut);
    const name = entryPath.slice(cut + 1);
    if (prefix.length <= 155 && name.length <= 100) return { prefix, name };
  }
  throw new Error(`archive: path too long for ustar: '${entryPath}'`);
}

function tarHeader(entry: ArchiveEntry, mtime: number): Uint8Array {
  const header = new Uint8Array(BLOCK);
  const { prefix, name } = splitUstarPath(entry.path);
  writeString(header, 0, 100, name);
  writeOctal(header, 100, 8, isFolder(entry) ? DIR_MODE : FILE_MODE);
  writeOctal(header, 108, 8, 0); // uid
  writeOctal(header, 116, 8, 0); // gid
  writeOctal(header, 124, 12, entry.data?.length ?? 0);
  writeOctal(header, 136, 12, mtime);
  header.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  header[156] = isFolder(entry) ? 0x35 /* '5' */ : 0x30 /* '0' */;
  writeString(header, 257, 6, 'ustar\0');
  writeString(header, 263, 2, '00');
  // uname/gname (265, 297) stay empty; devmajor/devminor are written as zero like GNU tar does.
  writeOctal(header, 329, 8, 0);
  writeOctal(header, 337, 8, 0);
  writeString(header, 345, 155, prefix);
  let sum = 0;
  for (const byte of header) sum += byte;
  writeString(header, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return header;
}

export function tarArchive(entries: ArchiveEntry[], options: ArchiveOptions): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  const push = (part: Uint8Array) => {
    parts.push(part);
    size += part.length;
  };
  for (const entry of entries) {
    assertEntry(entry);
    push(tarHeader(entry, options.mtime));
    if (entry.data) {
      push(entry.data);
      const padding = (BLOCK - (entry.data.length % BLOCK)) % BLOCK;
      if (padding) push(new Uint8Array(padding));
    }
  }
  push(new Uint8Array(2 * BLOCK)); // end of archive: two zero blocks
  const recordPadding = (RECORD - (size % RECORD)) % RECORD;
  if (recordPadding) push(new Uint8Array(recordPadding));
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------- gzip

/** gzip with a fixed header: no mtime, no file name, OS byte 255 ("unknown") on every platform. */
export function gzipDeterministic(data: Uint8Array): Uint8Array {
  const header = Uint8Array.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x02 /* max compression */, 0xff]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data), 0);
  trailer.writeUInt32LE(data.length % 2 ** 32, 4);
  return Buffer.concat([header, deflateRawSync(data, { level: DEFLATE_LEVEL }), trailer]);
}

// ---------------------------------------------------------------- zip

/** MS-DOS date and time words for a UTC instant (zip stores local time; we declare UTC as local). */
export function dosDateTime(seconds: number): { date: number; time: number } {
  const d = new Date(seconds * 1000);
  const year = d.getUTCFullYear();
  if (year < 1980 || year > 2107) throw new Error(`archive: ${d.toISOString()} is outside the zip date range (1980-2107)`);
  return {
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
  };
}

const VERSION_NEEDED = 20; // 2.0: deflate and folders
const VERSION_MADE_BY = (3 << 8) | 20; // host 3 = Unix, so external attributes carry Unix modes

export function zipArchive(entries: ArchiveEntry[], options: ArchiveOptions): Uint8Array {
  const { date, time } = dosDateTime(options.mtime);
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    assertEntry(entry);
    const name = Buffer.from(entry.path, 'ascii');
    const data = entry.data ?? new Uint8Array(0);
    const folder = isFolder(entry);
    const compressed = folder ? data : deflateRawSync(data, { level: DEFLATE_LEVEL });
    const method = folder ? 0 : 8;
    const crc = crc32(data);
    if (data.length >= 0xffffffff || offset >= 0xffffffff) throw new Error('archive: zip64 is not supported (an entry or the archive exceeds 4 GiB)');

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(0, 6); // flags: no data descriptor, ASCII names
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28); // no extra field: extra fields are where tools hide timestamps and uids
    locals.push(local, name, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(VERSION_MADE_BY, 4);
    central.writeUInt16LE(VERSION_NEEDED, 6);
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attributes
    const unixMode = folder ? 0o040000 | DIR_MODE : 0o100000 | FILE_MODE;
    central.writeUInt32LE(((unixMode << 16) | (folder ? 0x10 : 0)) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + compressed.length;
  }
  const centralSize = centrals.reduce((n, part) => n + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20);
  return Buffer.concat([...locals, ...centrals, end]);
}
