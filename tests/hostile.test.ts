// Hostile input (issue #8): never a crash, a hang, a lost document or a half-written table.
// Every input below is generated into a temp folder next to two normal articles; the build must
// process or reject each one with a one-line reason, fetch nothing, run no script, and still publish
// the normal articles' figures.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanDocument } from '../pipeline/lib/clean.js';
import { decodeBytes } from '../pipeline/lib/decode.js';
import { MAX_DOCUMENT_BYTES } from '../pipeline/stages/ingest.js';
import { SEEDS, build, tempDir } from './helpers/build.js';
import { parseCsv } from './helpers/csv.js';

const seeds = tempDir('hostile-seeds');
const out = tempDir('hostile-out');
/** A file a script in the page would create if scripts ran. */
const scriptMarker = path.join(os.tmpdir(), `cc-hostile-script-ran-${process.pid}`);
/** Every request any thread of the build makes to the page's resource URLs lands here. */
const requests: string[] = [];
let server: http.Server;
let result: Awaited<ReturnType<typeof build>>;

const NORMAL = fs.readdirSync(SEEDS).filter((f) => f.endsWith('.txt')).sort().slice(0, 2);

/** A short article in the genre, distinct per call so duplicates are only the ones we make. */
function article(title: string, arrested: number): string {
  return `${title}\n\nBy Li Wei\n\nBEIJING, March 3 -- Police in Guangdong province arrested ${arrested.toLocaleString('en-US')} suspects and seized 120 bank cards in a crackdown on telecom fraud, the Ministry of Public Security said on Tuesday.\n\nThe suspects were accused of running scam call centres.\n`;
}

/** Formula-looking titles: CSV cells are published verbatim (see DATASET_CARD.md), never escaped or prefixed. */
const FORMULA_TITLES = {
  'formula-equals.txt': '=HYPERLINK("http://example.invalid","Police arrest 300 fraud suspects")',
  'formula-plus.txt': '+86 gang busted as police arrest 300 fraud suspects',
  'formula-minus.txt': '-Police arrest 300 telecom fraud suspects in Guangdong',
  'formula-at.txt': '@SUM(1+1) Police arrest 300 telecom fraud suspects',
};

/**
 * Words that name Object.prototype's members ("constructor" is an English word): a lexicon looked up
 * as a plain object finds them there. Each appears where the lexicons look words up: as a name, a
 * month, a duration, a number word, a currency, a place, a byline, an HTML entity.
 */
const PROTOTYPE_WORDS = Object.getOwnPropertyNames(Object.prototype);
const capitalised = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);
function prototypeWordsArticle(html: boolean): string {
  const sentences = PROTOTYPE_WORDS.flatMap((w) => [
    `Operation ${capitalised(w)} and the “${w}” campaign were launched in ${capitalised(w)} 2021 by the ${capitalised(w)} Public Security Bureau.`,
    `The ${w}-month ${w} crackdown will run for ${w} months in ${capitalised(w)} city, ${w} province, and seized ${w} 300 ${w} and ${w} yuan.`,
    `${capitalised(w)} ${w}, ${w} of ${capitalised(w)} News, reported ${w} cases from ${w} to ${capitalised(w)}.`,
  ]);
  const lead = 'Police in Guangdong province arrested 1,200 suspects in a crackdown on telecom fraud, officials said.';
  if (!html) return `Constructor boss among 1,200 held in telecom fraud crackdown\n\nBy Constructor Valueof\n\n${lead}\n\n${sentences.join('\n\n')}\n`;
  const entities = PROTOTYPE_WORDS.map((w) => `&${w};`).join(' ');
  return `<!DOCTYPE html><html><head><title>Constructor boss among 1,200 held</title><meta name="author" content="constructor"></head><body><article><h1>Constructor boss among 1,200 held in telecom fraud crackdown</h1><p>${lead}</p>${sentences.map((t) => `<p>${t} ${entities}</p>`).join('')}</article></body></html>`;
}

function write(name: string, content: string | Uint8Array): void {
  fs.writeFileSync(path.join(seeds, name), content);
}

function hostilePage(base: string): string {
  return `<!DOCTYPE html><html><head><title>Police bust fraud ring</title>
<link rel="stylesheet" href="${base}/style.css"><script src="${base}/remote.js"></script>
<script>globalThis.__ccHostileScriptRan = true; try { require('fs').writeFileSync(${JSON.stringify(scriptMarker)}, 'ran'); } catch (e) {} fetch('${base}/inline-fetch');</script>
</head><body onload="fetch('${base}/onload')"><article><h1>Police bust telecom fraud ring in Fujian</h1>
<p>Police in Fujian province arrested 321 suspects in a crackdown on telecom fraud, officials said.</p>
<img src="${base}/photo.jpg" srcset="${base}/photo-2x.jpg 2x"><iframe src="${base}/frame.html"></iframe>
<object data="${base}/object.swf"></object><video src="${base}/video.mp4" poster="${base}/poster.jpg"></video>
<p style="background:url(${base}/bg.png)">They also froze 4 million yuan in illegal funds.</p></article></body></html>`;
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    res.end('');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  for (const name of NORMAL) fs.copyFileSync(path.join(SEEDS, name), path.join(seeds, name));
  write('empty.txt', '');
  write('whitespace.txt', ' \n\t\r\n   \n');
  write('image.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from('IHDR'), Buffer.alloc(2000, 0x9c)]));
  // "café" and "Malmö" in windows-1252: not valid UTF-8.
  write('latin1.txt', Buffer.from(article('Police in Malmö café raid arrest 45 fraud suspects', 45), 'latin1'));
  write('utf16-no-bom.txt', Buffer.from(article('Police arrest 46 fraud suspects', 46), 'utf16le'));
  // 50 MB on one line: over the size limit.
  write('huge-single-line.txt', Buffer.alloc(50 * 1024 * 1024, 'a'));
  write('digits-1mb.txt', '7'.repeat(1024 * 1024));
  write('number-400-digits.txt', `Police arrest ${'9'.repeat(400)} suspects\n\nPolice arrested ${'9'.repeat(400)} suspects in a telecom fraud crackdown, officials said.\n`);
  write('number-too-big-for-int64.txt', article('Police arrest 1,000,000,000,000,000,000,000 suspects', 1e21));
  write('ones-commas.txt', '1,'.repeat(200_000));
  write('ones-spaces.txt', '1 '.repeat(200_000));
  write('commas.txt', ','.repeat(400_000));
  write('hostile-page.html', hostilePage(base));
  write('nested-divs.html', `<html><body>${'<div>'.repeat(20_000)}<p>Police arrested 47 suspects in a telecom fraud case.</p>${'</div>'.repeat(20_000)}</body></html>`);
  write('name with spaces.txt', article('Police arrest 48 suspects in phishing case', 48));
  write('ünïcödé 北京 report.txt', article('Police arrest 49 suspects in online gambling case', 49));
  write('new\nline.txt', article('Police arrest 50 suspects in card fraud case', 50));
  fs.symlinkSync('.', path.join(seeds, 'loop')); // a folder symlink to its own parent
  write('same-a.txt', article('Police arrest 51 suspects in investment scam case', 51));
  write('same-b.txt', article('Police arrest 51 suspects in investment scam case', 51));
  for (const [name, title] of Object.entries(FORMULA_TITLES)) write(name, article(title, 300));
  write('prototype-words.txt', prototypeWordsArticle(false));
  write('prototype-words.html', prototypeWordsArticle(true));

  result = await build(seeds, out);
}, 300_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(seeds, { recursive: true, force: true });
  fs.rmSync(out, { recursive: true, force: true });
  fs.rmSync(scriptMarker, { force: true });
});

interface Reject {
  source_file: string;
  reason: string;
}
const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(out, file), 'utf8')) as T;
const dataset = (table: string) => parseCsv(fs.readFileSync(path.join(out, 'dataset', `${table}.csv`), 'utf8'));
const ingested = () =>
  fs
    .readdirSync(path.join(out, 'ingest', 'documents'))
    .flatMap((shard) => fs.readFileSync(path.join(out, 'ingest', 'documents', shard), 'utf8').split('\n'))
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { doc_id: string; source_files: string[]; encoding: string });

describe('a build over hostile inputs', () => {
  it('succeeds and publishes the normal articles with their figures', () => {
    expect(result.ok, result.lines.join('\n')).toBe(true);
    const documents = dataset('documents');
    const figures = dataset('figures');
    for (const name of NORMAL) {
      const doc = documents.find((d) => d.source_file === name);
      expect(doc, name).toBeDefined();
      expect(Number(doc!.n_figures)).toBeGreaterThan(0);
      expect(figures.filter((f) => f.doc_id === doc!.doc_id).length).toBe(Number(doc!.n_figures));
    }
  });

  it('accounts for every input: a published document, or a one-line reason in rejects.json or a failures.json', () => {
    const published = new Set(ingested().flatMap((d) => d.source_files));
    const reasons: Reject[] = [...readJson<Reject[]>('ingest/rejects.json'), ...readJson<Reject[]>('clean/failures.json'), ...readJson<Reject[]>('extract/failures.json')];
    for (const r of reasons) {
      expect(r.reason.length, r.source_file).toBeGreaterThan(0);
      expect(r.reason, r.source_file).not.toMatch(/[\r\n]/);
    }
    const explained = new Set(reasons.map((r) => r.source_file));
    const inputs = fs.readdirSync(seeds).filter((f) => f !== 'loop');
    for (const name of inputs) expect(published.has(name) || explained.has(name), `input '${name}'`).toBe(true);
    // Documents that failed a later stage are not in the dataset; all others are.
    const documents = dataset('documents');
    const failed = new Set([...readJson<Reject[]>('clean/failures.json'), ...readJson<Reject[]>('extract/failures.json')].map((r) => r.source_file));
    for (const doc of ingested()) {
      const name = doc.source_files[0]!;
      expect(documents.some((d) => d.doc_id === doc.doc_id) || failed.has(name), name).toBe(true);
    }
  });

  it('rejects what is not an article, each with its reason', () => {
    const rejects = new Map(readJson<Reject[]>('ingest/rejects.json').map((r) => [r.source_file, r.reason]));
    expect(rejects.get('empty.txt')).toBe('empty file');
    expect(rejects.get('whitespace.txt')).toBe('whitespace-only content');
    expect(rejects.get('image.png')).toMatch(/^binary content/);
    expect(rejects.get('utf16-no-bom.txt')).toMatch(/^utf-16le without a byte order mark/);
    expect(rejects.get('huge-single-line.txt')).toBe(`file too large (${50 * 1024 * 1024} bytes > ${MAX_DOCUMENT_BYTES}); not an article`);
    expect(rejects.get('loop')).toMatch(/symlink loop/);
    expect(rejects.size).toBe(6);
  });

  it('decodes invalid UTF-8 as windows-1252 and records the encoding', () => {
    const doc = dataset('documents').find((d) => d.source_file === 'latin1.txt');
    expect(doc?.encoding).toBe('windows-1252');
    expect(doc?.title).toContain('Malmö café');
    const decoded = decodeBytes(Buffer.from('Malm\xf6 caf\xe9 \x80 arrests', 'latin1'));
    expect(decoded).toEqual({ text: 'Malmö café € arrests', encoding: 'windows-1252' });
  });

  it('keeps file names with spaces, unicode and a newline', () => {
    const names = new Set(dataset('documents').map((d) => d.source_file));
    for (const name of ['name with spaces.txt', 'ünïcödé 北京 report.txt', 'new\nline.txt']) expect(names.has(name), JSON.stringify(name)).toBe(true);
  });

  it('publishes the same article under two names once, listing both names', () => {
    const docs = dataset('documents').filter((d) => (d.source_files ?? '').includes('same-a.txt') || (d.source_files ?? '').includes('same-b.txt'));
    expect(docs).toHaveLength(1);
    expect(docs[0]!.source_files).toBe('same-a.txt; same-b.txt');
  });

  it('drops numbers too large to store exactly instead of failing the whole publish', () => {
    // Before the fix, 1,000,000,000,000,000,000,000 overflowed the Parquet INT64 column and emit threw.
    for (const figure of dataset('figures')) expect(Number.isSafeInteger(Number(figure.value)), figure.value_text).toBe(true);
    const huge = dataset('documents').find((d) => d.source_file === 'number-too-big-for-int64.txt');
    expect(huge).toBeDefined();
  });

  it('publishes articles full of words that name Object.prototype members (constructor, toString, …), with their figures', () => {
    const failures = [...readJson<Reject[]>('clean/failures.json'), ...readJson<Reject[]>('extract/failures.json')];
    for (const name of ['prototype-words.txt', 'prototype-words.html']) {
      expect(failures.find((f) => f.source_file === name)).toBeUndefined();
      const doc = dataset('documents').find((d) => d.source_file === name);
      expect(doc, name).toBeDefined();
      const arrested = dataset('figures').filter((f) => f.doc_id === doc!.doc_id && f.measure === 'persons_arrested');
      expect(arrested.map((f) => f.value)).toContain('1200');
    }
    for (const table of ['documents', 'figures', 'campaigns', 'claims']) {
      for (const row of dataset(table)) for (const value of Object.values(row)) expect(value, table).not.toMatch(/^(NaN|undefined|function)|\[native code\]/);
    }
  });

  it('processes deeply nested HTML', () => {
    const doc = dataset('documents').find((d) => d.source_file === 'nested-divs.html');
    expect(doc).toBeDefined();
    expect(dataset('figures').some((f) => f.doc_id === doc!.doc_id && f.value === '47')).toBe(true);
  });

  it('publishes formula-looking titles verbatim (policy: DATASET_CARD.md, cells are never prefixed or escaped)', () => {
    // The dataset is data, not a spreadsheet: a cell is exactly the source text, so provenance holds.
    // Spreadsheet users are warned in DATASET_CARD.md to import as text.
    const documents = dataset('documents');
    for (const [name, title] of Object.entries(FORMULA_TITLES)) {
      expect(documents.find((d) => d.source_file === name)?.title, name).toBe(title);
    }
  });
});

describe('HTML is parsed, never rendered', () => {
  it('fetched nothing: no stylesheet, script, image, frame or inline fetch reached the server', () => {
    expect(requests).toEqual([]);
  });

  it('ran no script', () => {
    expect(fs.existsSync(scriptMarker)).toBe(false);
    expect((globalThis as Record<string, unknown>).__ccHostileScriptRan).toBeUndefined();
  });

  it('cleaning a page calls neither fetch nor http.request in this thread', async () => {
    const calls: string[] = [];
    const originalFetch = globalThis.fetch;
    const originalRequest = http.request;
    const originalGet = http.get;
    globalThis.fetch = ((url: unknown) => {
      calls.push(`fetch ${String(url)}`);
      throw new Error('network is off in tests');
    }) as typeof fetch;
    (http as { request: unknown }).request = (...args: unknown[]) => {
      calls.push(`http.request ${String(args[0])}`);
      throw new Error('network is off in tests');
    };
    (http as { get: unknown }).get = (...args: unknown[]) => {
      calls.push(`http.get ${String(args[0])}`);
      throw new Error('network is off in tests');
    };
    try {
      const doc = cleanDocument({ doc_id: 'doc_page', source_file: 'page.html', format: 'html', text: hostilePage('http://192.0.2.1') });
      expect(doc.text).toContain('arrested 321 suspects');
      await new Promise((resolve) => setTimeout(resolve, 50)); // anything scheduled would have run by now
    } finally {
      globalThis.fetch = originalFetch;
      (http as { request: unknown }).request = originalRequest;
      (http as { get: unknown }).get = originalGet;
    }
    expect(calls).toEqual([]);
    expect((globalThis as Record<string, unknown>).__ccHostileScriptRan).toBeUndefined();
  });
});
