// flatJsonField and rawJsonValue: reading one field of a JSON line without parsing it, for copying
// a table's lines. They may decline (undefined: the caller parses the line) but must never return a
// wrong value. BufferedLineWriter: lines written as text, as bytes and copied from another file by range.
// rawLinesWithRefs: lines across its 4 MB reads, longer than a read, empty, unterminated.
// writeAll and writeFileInPieces: whole files, in write calls of at most MAX_WRITE_BYTES.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BufferedLineWriter, flatJsonField, flatJsonFields, MAX_WRITE_BYTES, rawJsonValue, rawLinesWithRefs, writeAll, writeFileInPieces } from '../pipeline/lib/lineFile.js';

const line = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('flatJsonField', () => {
  it('reads string and null values', () => {
    const claim = line({ claim_id: 'clm_1', campaign_id: null, doc_ids: 'doc_a', value: 7 });
    expect(flatJsonField(claim, 'claim_id')).toBe('clm_1');
    expect(flatJsonField(claim, 'campaign_id')).toBeNull();
    expect(flatJsonField(claim, 'doc_ids')).toBe('doc_a');
  });
  it('declines numbers, absent keys and values with escapes', () => {
    const row = line({ value: 7, title: 'say "hi"' });
    expect(flatJsonField(row, 'value')).toBeUndefined();
    expect(flatJsonField(row, 'campaign_id')).toBeUndefined();
    expect(flatJsonField(row, 'title')).toBeUndefined();
  });
  it('is not fooled by a key written inside another value', () => {
    const row = line({ title: 'the "campaign_id":"cmp_fake" trick', campaign_id: 'cmp_real' });
    expect(flatJsonField(row, 'campaign_id')).toBe('cmp_real');
  });
  it('reads a view into a larger buffer', () => {
    const chunk = Buffer.concat([line({ campaign_id: 'cmp_a' }), Buffer.from('\n'), line({ campaign_id: 'cmp_b' })]);
    expect(flatJsonField(chunk.subarray(chunk.indexOf(0x0a) + 1), 'campaign_id')).toBe('cmp_b');
  });
  it('reads several fields as a row, or gives null when one needs a parse', () => {
    const row = line({ doc_id: 'doc_a', source_file: 'a.txt', campaign_id: null, n_figures: 3 });
    expect(flatJsonFields(row, ['doc_id', 'campaign_id', 'source_file'])).toEqual({ doc_id: 'doc_a', campaign_id: null, source_file: 'a.txt' });
    expect(flatJsonFields(row, ['doc_id', 'n_figures'])).toBeNull();
  });
  it('agrees with JSON.parse whenever it answers, for any flat object', () => {
    const value = fc.oneof(fc.string(), fc.constant(null), fc.integer(), fc.constantFrom('"campaign_id":"x"', 'a\\b', 'ünï', '\n'));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('campaign_id', 'doc_ids', 'title', 'x'), value), (object) => {
        for (const key of ['campaign_id', 'doc_ids', 'title', 'x']) {
          const read = flatJsonField(line(object), key);
          if (read !== undefined) expect(read).toBe(object[key]);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('rawJsonValue', () => {
  const raw = (bytes: Buffer, key: string): string | undefined => rawJsonValue(bytes, key)?.toString('utf8');
  it('gives the bytes of a string, null or array-of-strings value', () => {
    const record = line({ doc_id: 'doc_a', source_files: ['a.txt', 'b "c"].txt', 'd\\e'], publisher: null, figures: [{ value: 1 }] });
    expect(raw(record, 'doc_id')).toBe('"doc_a"');
    expect(raw(record, 'source_files')).toBe(JSON.stringify(['a.txt', 'b "c"].txt', 'd\\e']));
    expect(raw(record, 'publisher')).toBe('null');
  });
  it('declines other shapes and absent keys', () => {
    const record = line({ figures: [{ value: 1 }], n: 3, empty: [] });
    expect(rawJsonValue(record, 'figures')).toBeUndefined();
    expect(rawJsonValue(record, 'n')).toBeUndefined();
    expect(rawJsonValue(record, 'empty')).toBeUndefined();
    expect(rawJsonValue(record, 'source_files')).toBeUndefined();
  });
  it('equal bytes exactly when the values are equal, for any arrays of names', () => {
    const names = fc.array(fc.oneof(fc.string(), fc.constantFrom('a"],"b', '\\', ']', '","')), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(names, names, (a, b) => {
        const x = rawJsonValue(line({ doc_id: 'd', source_files: a, format: 'text' }), 'source_files')!;
        const y = rawJsonValue(line({ source_files: b, doc_id: 'd' }), 'source_files')!;
        expect(JSON.parse(x.toString('utf8'))).toEqual(a);
        expect(x.equals(y)).toBe(JSON.stringify(a) === JSON.stringify(b));
      }),
      { numRuns: 500 },
    );
  });
});

describe('BufferedLineWriter', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'linewriter-'));

  it('writes text lines, byte lines and copied runs in order, as one file', () => {
    const source = path.join(dir, 'source.jsonl');
    // Longer than the 4 MB buffer copyFrom reads through, so the copy takes several reads.
    const longRun = Array.from({ length: 120_000 }, (_, i) => `{"row":${i},"pad":"${'x'.repeat(30 + (i % 17))}"}\n`).join('');
    fs.writeFileSync(source, `{"a":1}\n${longRun}{"z":2}\n`);
    const target = path.join(dir, 'target.jsonl');
    const writer = new BufferedLineWriter(target, 64); // a small buffer: flushes between writes
    writer.write('{"first":"text, é"}');
    writer.write(Buffer.from('{"second":"bytes"}'));
    const fd = fs.openSync(source, 'r');
    try {
      writer.copyFrom(fd, 8, Buffer.byteLength(longRun), 120_000);
      writer.copyFrom(fd, 0, 0, 0);
    } finally {
      fs.closeSync(fd);
    }
    writer.writeLines(Buffer.from('{"l":1}\n{"l":2}\n'), 2);
    writer.write('{"last":true}');
    writer.close();
    expect(fs.readFileSync(target, 'utf8')).toBe(`{"first":"text, é"}\n{"second":"bytes"}\n${longRun}{"l":1}\n{"l":2}\n{"last":true}\n`);
    expect(writer.count).toBe(2 + 120_000 + 2 + 1);
  });

  it('writes lines longer than its buffer, multi-byte text at the buffer edge, and runs of every size', () => {
    const target = path.join(dir, 'mixed.jsonl');
    const writer = new BufferedLineWriter(target, 32);
    const expected: string[] = [];
    const text = (line: string): void => {
      writer.write(line);
      expected.push(`${line}\n`);
    };
    const bytes = (line: string): void => {
      writer.write(Buffer.from(line, 'utf8'));
      expected.push(`${line}\n`);
    };
    const run = (lines: string[]): void => {
      writer.writeLines(Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8'), lines.length);
      expected.push(...lines.map((l) => `${l}\n`));
    };
    for (let i = 0; i < 40; i++) {
      text('é'.repeat(i % 13)); // 2 bytes a character: lines end at every place in the buffer
      text('北'.repeat(i % 11)); // 3 bytes a character, the most a UTF-16 code unit takes
      bytes(`"北京${'x'.repeat(i)}"`); // longer than the buffer from i = 23 on
      text('🙂'.repeat(i % 7)); // surrogate pairs: 4 bytes for 2 code units
      run(Array.from({ length: i % 5 }, (_, k) => `run ${i}.${k}`)); // from empty to longer than the buffer
    }
    text('x'.repeat(100));
    writer.close();
    expect(fs.readFileSync(target, 'utf8')).toBe(expected.join(''));
    expect(writer.count).toBe(expected.length);
  });

  it('hands its buffer on when closed: the file it wrote stays as written, and writing after close fails', () => {
    const first = path.join(dir, 'first.jsonl');
    const second = path.join(dir, 'second.jsonl');
    const a = new BufferedLineWriter(first, 4096);
    a.write('first file');
    a.close();
    const b = new BufferedLineWriter(second, 4096);
    b.write('second');
    b.close();
    expect(fs.readFileSync(first, 'utf8')).toBe('first file\n');
    expect(fs.readFileSync(second, 'utf8')).toBe('second\n');
    expect(() => a.write('after close')).toThrow(/written to after it was closed/);
    expect(() => a.writeLines(Buffer.alloc(0), 0)).toThrow(/written to after it was closed/);
    expect(a.count).toBe(1);
  });

  it('says so when the range to copy runs past the end of its file', () => {
    const source = path.join(dir, 'short.jsonl');
    fs.writeFileSync(source, '{"a":1}\n');
    const writer = new BufferedLineWriter(path.join(dir, 'out.jsonl'));
    const fd = fs.openSync(source, 'r');
    try {
      expect(() => writer.copyFrom(fd, 0, 100, 1)).toThrow(/end early: the file changed since it was indexed/);
    } finally {
      fs.closeSync(fd);
      writer.close();
    }
  });
});

describe('writeAll and writeFileInPieces', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writeall-'));
  afterEach(() => vi.restoreAllMocks());
  // Not a multiple of the piece size, and no piece-sized period: a piece written twice or skipped shows.
  const bytes = Buffer.from(Array.from({ length: 3 * MAX_WRITE_BYTES + 17 }, (_, i) => (i * 7 + (i >> 11)) & 0xff));

  it('writes every byte, in calls of at most MAX_WRITE_BYTES (larger writes were up to ten times slower per byte)', () => {
    const calls = vi.spyOn(fs, 'writeSync');
    const file = path.join(dir, 'pieces.bin');
    writeFileInPieces(file, bytes);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    const lengths = calls.mock.calls.map((call) => Number(call[3]));
    expect(lengths).toEqual([MAX_WRITE_BYTES, MAX_WRITE_BYTES, MAX_WRITE_BYTES, 17]);
  });

  it('writes text as UTF-8, and the rest of a short write', () => {
    const file = path.join(dir, 'text.txt');
    writeFileInPieces(file, 'é北🙂\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('é北🙂\n');
    // The kernel may write less than asked: writeAll goes on from where the call stopped.
    const real = fs.writeSync;
    vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, buffer: Uint8Array, offset: number, length: number) => real(fd, buffer, offset, Math.min(length, 1000))) as typeof fs.writeSync);
    const fd = fs.openSync(path.join(dir, 'short.bin'), 'w');
    writeAll(fd, bytes);
    fs.closeSync(fd);
    expect(fs.readFileSync(path.join(dir, 'short.bin')).equals(bytes)).toBe(true);
  });
});

describe('rawLinesWithRefs', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'linereader-'));
  // Lines of every length around the reads' 4 MB, one of 9 MB (longer than two reads), empty lines,
  // multi-byte text cut across a read, and a last line without its newline.
  const lines = [
    ...Array.from({ length: 30_000 }, (_, i) => `{"n":${i},"t":"${'é北'.repeat(i % 41)}"}`),
    'x'.repeat(9 << 20),
    '',
    ...Array.from({ length: 20_000 }, (_, i) => `${i}`.repeat(1 + (i % 300))),
    'y'.repeat((4 << 20) - 7),
    'last, unterminated',
  ];
  const file = path.join(dir, 'lines.jsonl');
  fs.writeFileSync(file, lines.join('\n'));
  const bytes = fs.readFileSync(file);
  const expected = lines.filter((l) => l.length > 0);

  it('yields every non-empty line with where it is in the file', () => {
    const seen: string[] = [];
    for (const { bytes: line, ref } of rawLinesWithRefs(file)) {
      const text = line.toString('utf8');
      expect(bytes.subarray(ref.offset, ref.offset + ref.length).toString('utf8')).toBe(text);
      seen.push(text);
    }
    expect(seen.length).toBe(expected.length);
    expect(seen).toEqual(expected);
  });

  it('with keepViews, lines kept from earlier reads are still what they were', () => {
    const kept = Array.from(rawLinesWithRefs(file, true), ({ bytes: line }) => line);
    expect(kept.map((line) => line.toString('utf8'))).toEqual(expected);
  });
});
