import { readFileSync } from 'node:fs';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { cleanDocument } from '../pipeline/lib/clean.js';
import { decodedTextStream, extractHtmlArticle, stripSiteSuffix } from '../pipeline/lib/html.js';
import { cleanToSource } from '../pipeline/lib/offsets.js';

const source = readFileSync(new URL('./fixtures/html-article-page.html', import.meta.url), 'utf8');
const doc = cleanDocument({ doc_id: 'h', source_file: 'page.html', format: 'html', text: source });

/** What a browser shows for an HTML fragment: tags removed, entities decoded, whitespace collapsed. */
function rendered(fragment: string): string {
  const { document } = parseHTML(`<!DOCTYPE html><html><body><div>${fragment}</div></body></html>`);
  return (document.querySelector('div')?.textContent ?? '').replace(/[ \t\n\r\f]+/g, ' ').trim();
}

describe('HTML article extraction', () => {
  it('keeps the article paragraphs', () => {
    for (const fact of [
      'cracked more than 45,000 cybercrime cases and arrested over 60,000 suspects',
      'with over 37,000 suspects arrested',
      'It busted nine gangs, arrested 80 suspects and froze over 700 million yuan in illegal assets.',
      'Police also seized more than 650,000 WeChat accounts related to such crimes.',
      'A total of 208 telecom fraud suspects',
    ]) {
      expect(doc.text).toContain(fact);
    }
  });

  it('decodes entities in the clean text', () => {
    expect(doc.text).toContain('“In recent years');
    expect(doc.text).toContain('crimes.”');
    expect(doc.text).toContain('55 other loan apps & enticed');
    expect(doc.text).toContain("people's personal information");
    expect(doc.text).toContain('25\u00a0suspects');
  });

  it('leaves out navigation, header, footer, related links, scripts, styles, noscript and templates', () => {
    for (const furniture of ['Home', 'Business', 'Sports', 'Tweet', 'Related Stories', 'Police Bust Gambling Ring', 'Copyright', 'Back to top', 'Privacy Policy', '999', '777', '555', '888', '666', 'font-family', 'dataLayer', '[Photo/Xinhua]', 'Updated:']) {
      expect(doc.text).not.toContain(furniture);
    }
  });

  it('puts the headline first and reads metadata from the page', () => {
    expect(doc.title_span).not.toBeNull();
    expect(doc.text.slice(doc.title_span!.start, doc.title_span!.end)).toBe('Internet crime crackdown leads to 60,000\u00a0arrests');
    expect(doc.metadata.publisher).toBe('Example Daily');
    expect(doc.metadata.authors).toEqual(['Aybek Askhar', 'Zheng Caixiong']);
    expect(doc.metadata.published_date).toBe('2019-11-15');
  });

  it('maps every clean sentence back to source that renders as the same text', () => {
    expect(doc.sentences.length).toBeGreaterThan(10);
    for (const s of doc.sentences) {
      const sentence = doc.text.slice(s.start, s.end);
      const src = cleanToSource(doc.segments, s.start, s.end);
      expect(src).not.toBeNull();
      expect(rendered(source.slice(src!.start, src!.end))).toBe(sentence.replace(/[ \t\n\r\f]+/g, ' '));
    }
  });

  it('maps a figure inside the text to its exact source characters', () => {
    const at = doc.text.indexOf('650,000');
    const src = cleanToSource(doc.segments, at, at + '650,000'.length)!;
    expect(source.slice(src.start, src.end)).toBe('650,000');
  });

  it('maps an entity atomically', () => {
    const at = doc.text.indexOf('&');
    const src = cleanToSource(doc.segments, at, at + 1)!;
    expect(source.slice(src.start, src.end)).toBe('&amp;');
    const quote = doc.text.indexOf('“In recent');
    const q = cleanToSource(doc.segments, quote, quote + 1)!;
    expect(source.slice(q.start, q.end)).toBe('&#8220;');
  });

  it('keeps sentences inside paragraphs', () => {
    for (const s of doc.sentences) expect(doc.paragraphs.some((p) => p.start <= s.start && s.end <= p.end)).toBe(true);
  });
});

describe('decodedTextStream', () => {
  it('skips tags, comments and raw-text elements and decodes entities', () => {
    const html = '<p>A&amp;B <!-- hidden 1 --><b>c</b>&nbsp;&#x41;&hellip;</p><script>x<y</script><style>p{}</style>&unknown; &amp z';
    const stream = decodedTextStream(html);
    expect(stream.text).toBe('A&B c\u00a0A…&unknown; & z');
    for (const seg of stream.segments) {
      const piece = stream.text.slice(seg.cleanStart, seg.cleanEnd);
      const src = html.slice(seg.sourceStart, seg.sourceEnd);
      if (piece.length === src.length) expect(src).toBe(piece);
      else expect(src.startsWith('&')).toBe(true);
    }
  });
});

describe('short pages', () => {
  it('still yields text for a page too small for Readability', () => {
    const html = '<html><head><title>Police arrest 30 - Site</title></head><body><h1>Police arrest 30 hackers in Hubei</h1><p>Police in Wuhan arrested 30 suspects on Monday.</p></body></html>';
    const article = extractHtmlArticle(html);
    const texts = article.lines.map((l) => l.line.text);
    expect(texts).toContain('Police in Wuhan arrested 30 suspects on Monday.');
    expect(texts[article.titleIndex!]).toBe('Police arrest 30 hackers in Hubei');
  });
});

describe('stripSiteSuffix', () => {
  it.each([
    ['Internet crime crackdown leads to 60,000 arrests - China Daily', 'China Daily', 'Internet crime crackdown leads to 60,000 arrests'],
    ['Police bust ring | Example Times', null, 'Police bust ring'],
    ['Police bust ring', null, 'Police bust ring'],
  ])('%s', (title, site, expected) => expect(stripSiteSuffix(title, site)).toBe(expected));
});

describe('HTML fragments and tables', () => {
  const FRAGMENT = `<article id="post-1">
  <header><h1>Guangdong&rsquo;s &ldquo;Thunderbolt 2024&rdquo; numbers, city by city</h1></header>
  <div class="entry-content">
    <blockquote><p>Police across the province have arrested 4,800-plus suspects.</p></blockquote>
    <table><thead><tr><th>City</th><th>Cases cracked</th><th>Suspects arrested</th></tr></thead>
      <tbody><tr><td>Shenzhen</td><td>742</td><td>1,126</td></tr>
      <tr><td>Guangzhou</td><td>698</td><td>1,043</td></tr></tbody></table>
  </div>
</article>`;

  it('reads a fragment saved without <html> or <body> (Readability threw on it; the document was lost)', () => {
    const doc = cleanDocument({ doc_id: 'doc_0000000000000000', source_file: 'post.html', format: 'html', text: FRAGMENT });
    expect(doc.text).toContain('Police across the province have arrested 4,800-plus suspects.');
    expect(doc.metadata.title).toBe('Guangdong’s “Thunderbolt 2024” numbers, city by city');
  });

  it('writes a table row as one line, its cells between pipes, each cell still mapped to the source', () => {
    const doc = cleanDocument({ doc_id: 'doc_0000000000000000', source_file: 'post.html', format: 'html', text: FRAGMENT });
    expect(doc.text).toContain('| City | Cases cracked | Suspects arrested |');
    expect(doc.text).toContain('| Shenzhen | 742 | 1,126 |');
    const at = doc.text.indexOf('1,126');
    const src = cleanToSource(doc.segments, at, at + 5)!;
    expect(FRAGMENT.slice(src.start, src.end)).toBe('1,126');
  });
});

describe('layout tables', () => {
  it('reads a page laid out in a table (a spacer cell, paragraphs in cells) as paragraphs, not as a data table', () => {
    const page = `<html><body><table><tr><td width="20"></td><td><h1>Fuzhou police crack 742 fraud cases</h1></td></tr>
<tr><td width="20"></td><td><p>Police in Fuzhou cracked 742 cases of telecom fraud and arrested 1,126 suspects in the operation, freezing 120 million yuan in funds linked to the gangs.</p></td></tr></table></body></html>`;
    const doc = cleanDocument({ doc_id: 'doc_0000000000000000', source_file: 'old.html', format: 'html', text: page });
    expect(doc.text).toContain('arrested 1,126 suspects');
    expect(doc.text).not.toContain('|');
  });
});
