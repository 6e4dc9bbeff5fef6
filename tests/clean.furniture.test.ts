import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanDocument } from '../pipeline/lib/clean.js';
import { cleanToSource } from '../pipeline/lib/offsets.js';

interface SeedFurniture {
  mustDrop: string[];
  mustKeep: string[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/furniture-by-seed.json', import.meta.url), 'utf8')) as Record<string, SeedFurniture | string>;
const seeds = Object.entries(fixture).filter((e): e is [string, SeedFurniture] => typeof e[1] !== 'string');

function cleanSeed(file: string) {
  const text = readFileSync(new URL(`../seeds/${file}`, import.meta.url), 'utf8');
  return { text, doc: cleanDocument({ doc_id: file, source_file: file, format: 'text', text }) };
}

function squash(s: string): string {
  return s.replace(/\s+/gu, ' ');
}

/** Short entries ("China", "Top") are checked as whole lines; long ones and bracketed fragments anywhere. */
function survives(cleanLines: string[], entry: string): boolean {
  const anywhere = entry.length >= 12 || entry.includes('[');
  return cleanLines.some((line) => line === entry || (anywhere && line.includes(entry)));
}

describe('cleaning removes page furniture from the seed pages', () => {
  it('covers all five seeds', () => {
    expect(seeds.length).toBe(5);
  });

  for (const [file, expected] of seeds) {
    describe(file, () => {
      const { text, doc } = cleanSeed(file);
      const lines = doc.text.split('\n');

      it.each(expected.mustDrop)('drops %s', (entry) => {
        expect(survives(lines, entry)).toBe(false);
      });

      it.each(expected.mustKeep)('keeps %s', (entry) => {
        // Seeds carry no-break spaces between words; survival is about the words.
        expect(squash(doc.text)).toContain(squash(entry));
      });

      it('records every dropped line with a rule', () => {
        expect(doc.dropped.length).toBeGreaterThan(0);
        for (const d of doc.dropped) {
          expect(d.rule).toMatch(/^[a-z-]+$/);
          expect(d.line.length).toBeGreaterThan(0);
        }
      });

      it('maps every clean sentence back to identical source text', () => {
        for (const s of doc.sentences) {
          const src = cleanToSource(doc.segments, s.start, s.end);
          expect(src).not.toBeNull();
          expect(text.slice(src!.start, src!.end)).toBe(doc.text.slice(s.start, s.end));
        }
      });

      it('puts the headline first and keeps sentences inside paragraphs', () => {
        expect(doc.title_span).toEqual({ start: 0, end: doc.metadata.title!.length });
        expect(doc.text.slice(0, doc.title_span!.end)).toBe(doc.metadata.title);
        for (const s of doc.sentences) {
          expect(doc.paragraphs.some((p) => p.start <= s.start && s.end <= p.end)).toBe(true);
        }
        expect(doc.text).not.toMatch(/\n{3,}/);
      });
    });
  }

  it('keeps the caption with its facts but strips the trailing photo credit', () => {
    const { doc } = cleanSeed('004_2f0185ac2f479ceb.txt');
    expect(doc.text).toContain('A total of 208 telecom fraud suspects');
    expect(doc.text).not.toContain('[Photo/Xinhua]');
    expect(doc.dropped).toContainEqual({ line: '[Photo/Xinhua]', rule: 'photo-credit' });
  });
});

describe('cleaning other page styles by the same general rules', () => {
  const page = [
    'Skip to main content',
    'News / World / Asia',
    '',
    'Police in three provinces bust online fraud rings',
    'Posted on 3 March 2021 by admin',
    'Tweet | Facebook | Email',
    '',
    'Police arrested 120 suspects and froze 3 million yuan, officials said on Monday.',
    '',
    'Officers seized 400 SIM cards. (Photo: Xinhua)',
    '',
    'Tags: fraud, police, China',
    '© 2021 Example Media Group. All rights reserved.',
    'Related Articles',
    'Another Story About Something Else',
    'Yet Another Linked Story Here',
  ].join('\r\n');
  const doc = cleanDocument({ doc_id: 'x', source_file: 'x.txt', format: 'text', text: page });

  it('keeps the body and headline and drops furniture', () => {
    expect(doc.text.split('\n\n')[0]).toBe('Police in three provinces bust online fraud rings');
    expect(doc.text).toContain('Police arrested 120 suspects and froze 3 million yuan, officials said on Monday.');
    expect(doc.text).toContain('Officers seized 400 SIM cards.');
    for (const gone of ['Skip to main content', 'News / World / Asia', 'Tweet', 'Tags:', '©', 'Related Articles', 'Another Story', '(Photo: Xinhua)', 'Posted on']) {
      expect(doc.text).not.toContain(gone);
    }
    expect(doc.metadata.published_date).toBe('2021-03-03');
    expect(doc.metadata.authors).toEqual([]);
  });

  it('counts CRLF line ends in the offsets', () => {
    for (const s of doc.sentences) {
      const src = cleanToSource(doc.segments, s.start, s.end)!;
      expect(page.slice(src.start, src.end)).toBe(doc.text.slice(s.start, s.end));
    }
  });
});
