import { describe, expect, it } from 'vitest';
import { AGENCIES, findAgencies, findAllAgencies } from '../pipeline/lib/campaigns.js';

// findAgencies skips spellings absent from the whole document (cached per document text): a range of
// a document must give what the same range gives as a text of its own.
describe('agency spellings filtered per document', () => {
  const texts = [
    'The Ministry of Public Security (MPS) said on Monday. Police in Zhejiang and the CAC joined the campaign.',
    'Cyberspace Administration of China officials met. The provincial public security department in Guangdong acted.',
    'ΣΟΦΊΑ said nothing. The MINISTRY OF PUBLIC SECURITY’S officers arrested 12 people.',
    'No agency here at all.',
  ];
  it('a range of a document matches the range alone', () => {
    for (const text of texts) {
      for (let from = 0; from < text.length; from += 17) {
        const to = Math.min(text.length, from + 60);
        const inDoc = findAgencies(text, from, to, AGENCIES).map((m) => ({ ...m, start: m.start - from, end: m.end - from }));
        const alone = findAgencies(text.slice(from, to), 0, to - from, AGENCIES);
        expect(inDoc).toEqual(alone);
      }
    }
  });
  it('alternating documents do not leak cached spellings', () => {
    const a = findAllAgencies(texts[0]!, []);
    const b = findAllAgencies(texts[3]!, []);
    expect(findAllAgencies(texts[0]!, [])).toEqual(a);
    expect(b).toEqual([]);
    expect(a.length).toBeGreaterThan(0);
  });
});
