import { describe, expect, it } from 'vitest';
import { splitSentences } from '../pipeline/lib/sentences.js';

function sentencesOf(text: string): string[] {
  return splitSentences(text, [{ start: 0, end: text.length }]).map((s) => text.slice(s.start, s.end));
}

describe('splitSentences', () => {
  it.each([
    ['splits on . ! ? before a capital', 'Police arrested 15 people. They seized guns! Why now? Nobody knows.', ['Police arrested 15 people.', 'They seized guns!', 'Why now?', 'Nobody knows.']],
    ['keeps a closing quote with its sentence', 'The drive is called “Cleaning the Internet.” The Chinese Government said so.', ['The drive is called “Cleaning the Internet.”', 'The Chinese Government said so.']],
    ['splits before an opening quote', 'He spoke. "We will continue," Wang said.', ['He spoke.', '"We will continue," Wang said.']],
    ['splits before a digit', 'It ran for a year. 15,000 people were held.', ['It ran for a year.', '15,000 people were held.']],
    ['survives U.S. and decimals', 'The U.S. Office of Personnel Management lost 19.7 million forms and 1.1 million prints. It blamed China.', ['The U.S. Office of Personnel Management lost 19.7 million forms and 1.1 million prints.', 'It blamed China.']],
    ['survives titles and initials', 'Mr. Li and Dr. Wang met J. Smith in Beijing. They talked.', ['Mr. Li and Dr. Wang met J. Smith in Beijing.', 'They talked.']],
    ['survives No. 3 and Jan. 5', 'Case No. 3 was filed on Jan. 5 in Hebei. Police closed it.', ['Case No. 3 was filed on Jan. 5 in Hebei.', 'Police closed it.']],
    ['survives e.g. and a.m.', 'Scams, e.g. Fake loans, peaked at 9 a.m. Monday. Police moved in.', ['Scams, e.g. Fake loans, peaked at 9 a.m. Monday.', 'Police moved in.']],
    ["survives Gov't", "15,000 Chinese Arrested in Cybercrime, Gov't to 'Clean Up the Internet'", ["15,000 Chinese Arrested in Cybercrime, Gov't to 'Clean Up the Internet'"]],
    ['does not split before a lowercase word', 'Officials said 3.5 percent. of cases were closed.', ['Officials said 3.5 percent. of cases were closed.']],
    ['splits Chinese full stops without spaces', '警方抓获嫌疑人100名。缴获手机200部！', ['警方抓获嫌疑人100名。', '缴获手机200部！']],
    ['does not split code names like "9.27"', 'Jiangxi cracked the “9.27” case. It was big.', ['Jiangxi cracked the “9.27” case.', 'It was big.']],
  ])('%s', (_name, text, expected) => {
    expect(sentencesOf(text)).toEqual(expected);
  });

  it('makes every line at least one sentence (headlines, captions, bylines)', () => {
    const text = 'Internet crime crackdown leads to 60,000 arrests\n\nBy Jane Doe\nPolice said 60,000 were held. More follow.';
    const paragraphs = [
      { start: 0, end: 48 },
      { start: 50, end: text.length },
    ];
    expect(splitSentences(text, paragraphs).map((s) => text.slice(s.start, s.end))).toEqual([
      'Internet crime crackdown leads to 60,000 arrests',
      'By Jane Doe',
      'Police said 60,000 were held.',
      'More follow.',
    ]);
  });

  it('returns ordered, non-overlapping spans without surrounding whitespace', () => {
    const text = '  First one.   Second one.  \nThird';
    const spans = splitSentences(text, [{ start: 0, end: text.length }]);
    for (let i = 0; i < spans.length; i++) {
      const s = spans[i]!;
      expect(text.slice(s.start, s.end)).toBe(text.slice(s.start, s.end).trim());
      if (i > 0) expect(s.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
    }
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual(['First one.', 'Second one.', 'Third']);
  });

  it('is linear on a huge single line without terminators', () => {
    const text = '1'.repeat(1_000_000);
    const started = Date.now();
    expect(splitSentences(text, [{ start: 0, end: text.length }])).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
