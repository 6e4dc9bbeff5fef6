// One article in every form a user may drop in: plain UTF-8, CRLF line ends, windows-1252,
// UTF-16 with BOM, and an HTML page around the same text. Each must yield the same figures, with
// value_text standing exactly at char_start..char_end (code points) of the decoded source file.
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBytes } from '../pipeline/lib/decode.js';
import { SEEDS, build, tempDir } from './helpers/build.js';
import { parseCsv } from './helpers/csv.js';

const SEED_WITH_QUOTES = '002_b2b4202f664145f9.txt'; // curly quotes: bytes 0x92-0x94 in windows-1252
const SEED_BEHIND_HTML = '004_2f0185ac2f479ceb.txt';

/**
 * A saved news page around an article's text: navigation, share bar, script, style, related links,
 * footer; the text's quotes as numeric entities, `&` as `&amp;`, and no-break spaces as `&nbsp;`.
 */
function pageAround(title: string, paragraphs: string[]): string {
  const escape = (t: string) =>
    t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/“/g, '&#8220;').replace(/”/g, '&#8221;').replace(/ (suspects|cases)\b/g, '&nbsp;$1');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escape(title)} - Example News</title>
<meta property="og:site_name" content="Example News"><style>.x{color:red}</style>
<script>window.tracker = "1,000,000 visitors"; document.write("arrested 999 people");</script></head>
<body><nav><a href="/">Home</a> | <a href="/china">China</a> | <a href="/world">World</a></nav>
<div class="share">Share on WeChat | Share on Weibo</div>
<article><h1>${escape(title)}</h1>
${paragraphs.map((p) => `<p>${escape(p)}</p>`).join('\n')}
</article>
<aside><h3>Related</h3><ul><li><a href="/a">Police arrest 300 in separate case</a></li><li><a href="/b">Markets rally 2%</a></li></ul></aside>
<footer>Copyright 1995-2019 Example News. All rights reserved. Registration Number: 130349</footer></body></html>`;
}

const input = tempDir('formats-in');
const out = tempDir('formats-out');
let figures: Record<string, string>[] = [];
let documents: Record<string, string>[] = [];

beforeAll(async () => {
  const text = fs.readFileSync(path.join(SEEDS, SEED_WITH_QUOTES), 'utf8');
  fs.writeFileSync(path.join(input, 'plain.txt'), text);
  fs.writeFileSync(path.join(input, 'crlf.txt'), text.replace(/\n/g, '\r\n'));
  fs.writeFileSync(path.join(input, 'cp1252.txt'), iconv.encode(text, 'windows-1252'));
  fs.writeFileSync(path.join(input, 'utf16le.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  fs.writeFileSync(path.join(input, 'bom.txt'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
  // The article part of a seed (title and body paragraphs, without its page furniture) as text and as a page.
  const lines = fs.readFileSync(path.join(SEEDS, SEED_BEHIND_HTML), 'utf8').split('\n').map((l) => l.trim());
  const title = lines.find((l) => l.startsWith('Internet crime crackdown'))!;
  const body = lines.filter((l) => l.length > 80 && !l.startsWith('Copyright'));
  fs.writeFileSync(path.join(input, 'page-text.txt'), [title, '', ...body.flatMap((p) => [p, ''])].join('\n'));
  fs.writeFileSync(path.join(input, 'page.html'), pageAround(title, body));
  const result = await build(input, out);
  expect(result.ok, result.lines.join('\n')).toBe(true);
  figures = parseCsv(fs.readFileSync(path.join(out, 'dataset/figures.csv'), 'utf8'));
  documents = parseCsv(fs.readFileSync(path.join(out, 'dataset/documents.csv'), 'utf8'));
}, 120_000);

function figureSet(sourceFile: string): string[] {
  return figures
    .filter((f) => f.source_file === sourceFile)
    .map((f) => `${f.measure} ${f.value} ${f.qualifier} ${f.unit} ${f.place_code}`)
    .sort();
}

describe('input formats', () => {
  it('records the encoding each file was decoded with', () => {
    const encodingOf = Object.fromEntries(documents.map((d) => [d.source_file, d.encoding]));
    expect(encodingOf['plain.txt']).toBe('utf-8');
    expect(encodingOf['bom.txt']).toBe('utf-8-bom');
    expect(encodingOf['cp1252.txt']).toBe('windows-1252');
    expect(encodingOf['utf16le.txt']).toBe('utf-16le');
    expect(documents.find((d) => d.source_file === 'page.html')?.format).toBe('html');
  });

  it('gives the same figures whatever the encoding or line ends', () => {
    const reference = figureSet('plain.txt');
    expect(reference.length).toBeGreaterThanOrEqual(2);
    for (const variant of ['crlf.txt', 'cp1252.txt', 'utf16le.txt', 'bom.txt']) expect(figureSet(variant), variant).toEqual(reference);
  });

  it('gives the same figures from the HTML page as from the text of its article', () => {
    const fromText = figureSet('page-text.txt');
    expect(fromText.length).toBeGreaterThanOrEqual(10);
    expect(figureSet('page.html')).toEqual(fromText);
  });

  it('points every figure at its exact characters in the decoded source (HTML included)', () => {
    for (const figure of figures) {
      const decoded = decodeBytes(fs.readFileSync(path.join(input, figure.source_file!)));
      if ('error' in decoded) throw new Error(decoded.error);
      const codePoints = [...decoded.text];
      const slice = codePoints.slice(Number(figure.char_start), Number(figure.char_end)).join('');
      expect(slice, `${figure.source_file} ${figure.char_start}`).toBe(figure.value_text);
    }
  });
});
