import { describe, expect, it } from 'vitest';
import { decodeBytes, sniffFormat } from '../pipeline/lib/decode.js';
import { cleanDocument } from '../pipeline/lib/clean.js';
import { cleanToSource } from '../pipeline/lib/offsets.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function utf16(s: string, bigEndian: boolean, bom: boolean): Uint8Array {
  const out: number[] = bom ? (bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]) : [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (bigEndian) out.push(c >> 8, c & 0xff);
    else out.push(c & 0xff, c >> 8);
  }
  return new Uint8Array(out);
}

function ok(bytes: Uint8Array): { text: string; encoding: string } {
  const r = decodeBytes(bytes);
  if ('error' in r) throw new Error(`unexpected rejection: ${r.error}`);
  return r;
}

function rejected(bytes: Uint8Array): string {
  const r = decodeBytes(bytes);
  if (!('error' in r)) throw new Error('expected a rejection');
  return r.error;
}

describe('decodeBytes', () => {
  it('decodes windows-1252 curly quotes 0x93/0x94 to “ ”', () => {
    const bytes = new Uint8Array([...utf8('Police said '), 0x93, ...utf8('Clean Net'), 0x94, ...utf8(' caf'), 0xe9, 0x20, 0x80, 0x35]);
    const r = ok(bytes);
    expect(r.encoding).toBe('windows-1252');
    expect(r.text).toBe('Police said “Clean Net” café €5');
    expect(r.text.length).toBe(bytes.length);
  });

  it('reads bytes undefined in windows-1252 as the C1 character of the same value (as the scorer does)', () => {
    const r = ok(new Uint8Array([...utf8('a'), 0x81, 0x93, ...utf8('b')]));
    expect(r.text).toBe('a\u0081“b');
  });

  it('decodes UTF-8 with and without BOM, removing the BOM', () => {
    expect(ok(utf8('Beijing 北京 “15,000”'))).toEqual({ text: 'Beijing 北京 “15,000”', encoding: 'utf-8' });
    expect(ok(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('Hello 北京')]))).toEqual({ text: 'Hello 北京', encoding: 'utf-8-bom' });
  });

  it('decodes UTF-16LE and UTF-16BE with BOM', () => {
    expect(ok(utf16('Police 警察 arrested 9,000', false, true))).toEqual({ text: 'Police 警察 arrested 9,000', encoding: 'utf-16le' });
    expect(ok(utf16('Police 警察 arrested 9,000', true, true))).toEqual({ text: 'Police 警察 arrested 9,000', encoding: 'utf-16be' });
  });

  it('rejects BOM-less UTF-16 with a reason instead of guessing', () => {
    expect(rejected(utf16('Police arrested 9,000 people', false, false))).toMatch(/utf-16le without a byte order mark/);
    expect(rejected(utf16('Police arrested 9,000 people', true, false))).toMatch(/utf-16be/);
  });

  it('keeps CRLF and CR line ends so offsets count the \\r', () => {
    const r = ok(utf8('Headline here now\r\n\r\nPolice arrested 15,000 people.\rThey seized 30 SIM cards.'));
    expect(r.text).toContain('\r\n\r\n');
    const doc = cleanDocument({ doc_id: 'x', source_file: 'x.txt', format: 'text', text: r.text });
    const at = doc.text.indexOf('15,000');
    const src = cleanToSource(doc.segments, at, at + 6)!;
    expect(r.text.slice(src.start, src.end)).toBe('15,000');
    expect(src.start).toBe(r.text.indexOf('15,000'));
    const seized = doc.text.indexOf('30 SIM');
    const src2 = cleanToSource(doc.segments, seized, seized + 2)!;
    expect(r.text.slice(src2.start, src2.end)).toBe('30');
  });

  it.each([
    ['NUL bytes', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00, 0x41, 0x00, 0x00, 0x00]), /binary content/],
    ['control characters', new Uint8Array(Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x41))), /binary content/],
    ['an empty file', new Uint8Array([]), /empty/],
    ['whitespace only', utf8(' \r\n\t \n'), /whitespace-only/],
  ])('rejects %s with a one-line reason', (_name, bytes, reason) => {
    const error = rejected(bytes);
    expect(error).toMatch(reason);
    expect(error).not.toContain('\n');
  });
});

describe('sniffFormat', () => {
  it('uses .html/.htm extensions', () => {
    expect(sniffFormat('a/page.HTM', 'plain words')).toBe('html');
    expect(sniffFormat('a/page.html', 'plain words')).toBe('html');
  });
  it('sniffs markup in files without an HTML extension', () => {
    expect(sniffFormat('x.txt', '  <!DOCTYPE html><html><body><p>x</p></body></html>')).toBe('html');
    expect(sniffFormat('x', '<div><p>a</p><p>b</p><a href="#">c</a></div>')).toBe('html');
  });
  it('keeps plain text that merely mentions a tag', () => {
    expect(sniffFormat('x.txt', 'Police said the <b> tag was used.\nMore text follows here in plain words.')).toBe('text');
    expect(sniffFormat('x.txt', 'Chinese police arrested 15,000 people.')).toBe('text');
  });
});
