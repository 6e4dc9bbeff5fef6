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

describe('Markdown furniture in a .md article', () => {
  const page = [
    '# Seoul police break up voice-phishing ring run from Manila',
    '',
    '*By Kim Ji-woo* | Posted on 12 June 2022',
    '',
    'Category: [Crime](/c/crime), [Asia](/c/asia), [Scams](/c/scams) | 3 min read',
    '',
    '![Police officers carry seized phones](https://img.example.net/raid.jpg "Seized phones")',
    '',
    'South Korean police said on Sunday they had arrested 47 members of a voice-phishing ring that called victims from the Philippines.',
    '',
    '[![Map of the raid](/img/map.png)](/maps/raid)',
    '',
    'Investigators froze 2.1 billion won held in 30 bank accounts, the agency said.',
    '',
    '* * *',
    '',
    'Share this: Facebook | X | Email',
    '',
    '***',
  ].join('\n');
  const doc = cleanDocument({ doc_id: 'md', source_file: 'x.md', format: 'text', text: page });

  it('drops image lines, thematic breaks, category bars and share bars, keeping the body', () => {
    expect(doc.text).toContain('arrested 47 members of a voice-phishing ring');
    expect(doc.text).toContain('Investigators froze 2.1 billion won held in 30 bank accounts');
    for (const gone of ['![', 'img.example.net', '* * *', '***', 'Share this', 'Category:']) expect(doc.text).not.toContain(gone);
    const rules = new Set(doc.dropped.map((d) => d.rule));
    expect(rules).toContain('markdown-image');
    expect(rules).toContain('markdown-rule');
    expect(doc.dropped.find((d) => d.line.startsWith('Share this'))?.rule).toBe('share-widget');
  });

  it('reads the headline without its heading mark', () => {
    expect(doc.metadata.title).toBe('Seoul police break up voice-phishing ring run from Manila');
    expect(doc.metadata.published_date).toBe('2022-06-12');
    expect(doc.metadata.authors).toEqual(['Kim Ji-woo']);
  });

  it('keeps lines that merely contain dashes or an inline image', () => {
    const text = 'Police arrested 12 people -- the ministry said -- on Monday in a raid on a scam den.\n\nOfficers seized laptops ![icon](/i.png) and phones in the raid on the den.';
    const kept = cleanDocument({ doc_id: 'k', source_file: 'k.md', format: 'text', text });
    expect(kept.dropped).toEqual([]);
  });
});

describe('machine-translated statement furniture', () => {
  const page = [
    'Municipal police achieve results in cracking down on pension fraud',
    '',
    'Release date: 2022-07-21 11:05    Source: Chengdu Municipal Public Security Bureau    Views: 512',
    '',
    'Since this year, the city public security organs cracked pension fraud cases 231 from, arrested criminal suspects 415 people.',
    '',
    '(Responsible editor: Zhang Min)',
  ].join('\n');
  const doc = cleanDocument({ doc_id: 'mt', source_file: 'mt.txt', format: 'text', text: page });
  it('reads the labelled fields and drops the editor credit from the text', () => {
    expect(doc.metadata.publisher).toBe('Chengdu Municipal Public Security Bureau');
    expect(doc.metadata.published_date).toBe('2022-07-21');
    expect(doc.metadata.authors).toEqual([]);
    expect(doc.text).not.toContain('Responsible editor');
    expect(doc.text).not.toContain('Views');
  });
});
