// No text-processing step takes more than linear time on hostile shapes (issue #8).
//
// We bound the WORK, not the wall clock: each step runs on an input of size n and of size 4n of the
// same pathological shape, and the time ratio must stay well below the 16x a quadratic step shows.
// Each measurement is the fastest of a few runs (noise from other processes only ever adds time),
// and a small absolute slack absorbs timer and GC jitter on tiny inputs.
import { describe, expect, it } from 'vitest';
import { findCampaignMentions } from '../pipeline/lib/campaigns.js';
import { cleanDocument } from '../pipeline/lib/clean.js';
import { decodeBytes, sniffFormat } from '../pipeline/lib/decode.js';
import { extractFigures } from '../pipeline/lib/extract.js';
import { decodedTextStream } from '../pipeline/lib/html.js';
import { nonFigureReason, readNumbers } from '../pipeline/lib/numbers.js';
import { findPlaces } from '../pipeline/lib/places.js';
import type { CleanDoc } from '../pipeline/lib/types.js';

/** A linear step gives ~4; quadratic gives ~16. 8 leaves room for cache effects and GC. */
const MAX_RATIO = 8;
/** Milliseconds of jitter forgiven on top of the ratio. */
const SLACK_MS = 60;
const RUNS = 3;
const ATTEMPTS = 3;

/** Pathological text shapes, each generated at (about) n characters. */
const TEXT_SHAPES: Record<string, (n: number) => string> = {
  'one run of digits': (n) => '7'.repeat(n),
  '"1," repeated': (n) => '1,'.repeat(n / 2),
  '"1 " repeated': (n) => '1 '.repeat(n / 2),
  'commas only': (n) => ','.repeat(n),
  '"1." repeated': (n) => '1.'.repeat(n / 2),
  'grouped big numbers': (n) => '123,456,789.5 '.repeat(n / 14),
  'number words': (n) => 'one hundred and '.repeat(n / 16),
  'capitalised names': (n) => 'Beijing Shanghai Operation Qingwang '.repeat(n / 36),
  'open quotes': (n) => '"a “b '.repeat(n / 6),
  'one word per line': (n) => 'arrested\n'.repeat(n / 9),
  'one long sentence of prose': (n) => 'police in Guangdong arrested 1,234 suspects and seized 5 million yuan, '.repeat(n / 72),
  'letters without spaces': (n) => 'a'.repeat(n),
  'currency symbols': (n) => '¥$€'.repeat(n / 3),
};

const HTML_SHAPES: Record<string, (n: number) => string> = {
  'nested divs': (n) => '<div>'.repeat(n / 5) + 'Police arrested 12 suspects.' + '</div>'.repeat(n / 6),
  'nested divs with text': (n) => '<div>a'.repeat(n / 6),
  'unclosed tag openers': (n) => '<a'.repeat(n / 2),
  'entities without tags': (n) => '&amp'.repeat(n / 4),
  'unterminated comment': (n) => '<p>x</p><!--' + '-'.repeat(n),
  'unterminated attribute quote': (n) => '<p title="' + 'x'.repeat(n),
  'many paragraphs': (n) => '<p>Police arrested 12 people.</p>'.repeat(n / 33),
};

function fastestMs(work: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    work();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** Times `step` on shape(n) and shape(4n); fails when the larger input costs more than MAX_RATIO times. */
function expectLinear(label: string, shape: (n: number) => string, n: number, step: (input: string) => unknown): void {
  const small = shape(n);
  const large = shape(4 * n);
  step(small); // warm up: lexicon tables, regex compilation, JIT
  // Other processes (parallel test files, builds) can stall one measurement; a super-linear step
  // fails every attempt, noise does not, so a pair of measurements gets up to ATTEMPTS tries.
  let tSmall = 0;
  let tLarge = 0;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    tSmall = fastestMs(() => step(small));
    tLarge = fastestMs(() => step(large));
    if (tLarge < MAX_RATIO * tSmall + SLACK_MS) break;
  }
  expect(tLarge, `${label}: ${tSmall.toFixed(1)} ms at ${small.length} chars, ${tLarge.toFixed(1)} ms at ${large.length}`).toBeLessThan(MAX_RATIO * tSmall + SLACK_MS);
}

function clean(text: string, format: 'text' | 'html'): CleanDoc {
  return cleanDocument({ doc_id: 'doc_linear', source_file: format === 'html' ? 'linear.html' : 'linear.txt', format, text });
}

describe('text steps are linear on hostile shapes', () => {
  for (const [name, shape] of Object.entries(TEXT_SHAPES)) {
    it(`readNumbers, nonFigureReason, findPlaces, decode: ${name}`, () => {
      expectLinear(`readNumbers(${name})`, shape, 50_000, (t) => readNumbers(t));
      expectLinear(`nonFigureReason(${name})`, shape, 20_000, (t) => readNumbers(t).map((m) => nonFigureReason(t, m)));
      expectLinear(`findPlaces(${name})`, shape, 50_000, (t) => findPlaces(t));
      expectLinear(`decode(${name})`, shape, 50_000, (t) => {
        const decoded = decodeBytes(Buffer.from(t, 'utf8'));
        return 'text' in decoded ? sniffFormat('x.txt', decoded.text) : decoded.error;
      });
    });

    it(`cleanDocument, extractFigures, findCampaignMentions: ${name}`, () => {
      expectLinear(`cleanDocument(${name})`, shape, 20_000, (t) => clean(t, 'text'));
      // Extraction costs tens of microseconds per number, so it gets the smaller size.
      expectLinear(`extractFigures(${name})`, shape, 3_000, (t) => extractFigures(clean(t, 'text')));
      expectLinear(`findCampaignMentions(${name})`, shape, 10_000, (t) => {
        const doc = clean(t, 'text');
        return findCampaignMentions(doc.text, doc.sentences);
      });
    }, 60_000);
  }
});

describe('HTML steps are linear on hostile markup', () => {
  for (const [name, shape] of Object.entries(HTML_SHAPES)) {
    it(`decodedTextStream and cleanDocument: ${name}`, () => {
      expectLinear(`decodedTextStream(${name})`, shape, 50_000, (t) => decodedTextStream(t));
      // Before the fix, 4,000 nested <div>s took ~5 s in Readability and the ancestor walk (quadratic).
      expectLinear(`cleanDocument html(${name})`, shape, 20_000, (t) => clean(t, 'html'));
      expectLinear(`extractFigures html(${name})`, shape, 5_000, (t) => extractFigures(clean(t, 'html')));
    }, 60_000);
  }

  it('cleans 20,000 nested <div>s without overflowing the stack, keeping the text inside', () => {
    const depth = 20_000;
    const html = `<html><body>${'<div>'.repeat(depth)}<p>Police arrested 12 suspects in a telecom fraud case.</p>${'</div>'.repeat(depth)}</body></html>`;
    const doc = clean(html, 'html');
    expect(doc.text).toContain('Police arrested 12 suspects');
  });

  it('does not throw on markup that parses to no document element', () => {
    // Readability's constructor threw "First argument ... should be a document object" on these.
    for (const html of ['&amp;&amp; 12 suspects', '<a<a<a<a', '   ']) {
      expect(() => clean(html, 'html')).not.toThrow();
    }
    expect(clean('Police arrested 12 suspects &amp; seized 3 phones', 'html').text).toContain('12 suspects & seized');
  });
});
