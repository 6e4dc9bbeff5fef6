// Hard-wrapped text (PDF exports, mail at 72 columns): a long line that ends mid-sentence goes on in
// the next line when that one starts in lower case; nothing else is joined.
import { describe, expect, it } from 'vitest';
import { cleanDocument, isHardWrapped } from '../pipeline/lib/clean.js';

const WRAPPED = 'bank accounts, police arrested 27,315 suspects, up 12.9%, and froze 4.68';

describe('isHardWrapped', () => {
  it('joins a long line ending mid-sentence to a next line in lower case', () => {
    expect(isHardWrapped(WRAPPED, 'billion yuan of fraud-related funds.')).toBe(true);
  });
  it.each([
    ['a short line (a heading, a list item)', 'Main results', 'and more'],
    ['a line ending a sentence', 'Police arrested 27,315 suspects in the province last year, officials said.', 'more were held'],
    ['a Chinese line ending in 。', '全省公安机关共破获电信网络诈骗案件一万五千余起，抓获犯罪嫌疑人两万三千余名，冻结涉案资金。', 'and so on'],
    ['a Markdown heading', '## Police arrested 27,315 suspects and froze billions of yuan across the province', 'in 2024 alone'],
    ['a next line starting with a digit (a caption, then a paragraph)', 'Officers escort suspects off a plane at the press conference in Fuzhou', '1,200 suspects were arrested'],
    ['a next line starting in capitals', WRAPPED, 'Billion yuan'],
  ])('not %s', (_, previous, next) => {
    expect(isHardWrapped(previous, next)).toBe(false);
  });

  it('gives one sentence with the number and its scale, offsets into the source kept', () => {
    const text = `Work report\n\n${WRAPPED}\nbillion yuan of fraud-related funds, of which part has been\nreturned to victims.\n\nA second paragraph.\nIt has short lines.`;
    const doc = cleanDocument({ doc_id: 'doc_0000000000000000', source_file: 'r.txt', format: 'text', text });
    expect(doc.text).toContain('froze 4.68 billion yuan of fraud-related funds, of which part has been returned to victims.');
    expect(doc.text).toContain('A second paragraph.\n\nIt has short lines.');
  });
});

describe('dated body lines stay article text', () => {
  it('keeps a line with a date and a count, in English and in Chinese, and a narrative 时间 opening', () => {
    const text = 'Police report on the spring operations\n\nBy Jane Doe\n\nApril 12, 2024: 300 dens raided\n\n2024年3月5日，抓获犯罪嫌疑人120名。\n\n时间回到2023年3月5日，福州警方抓获犯罪嫌疑人120名，冻结涉案资金3000万元。\n\nThe operation went on.';
    const doc = cleanDocument({ doc_id: 'doc_0000000000000000', source_file: 'r.txt', format: 'text', text });
    expect(doc.text).toContain('April 12, 2024: 300 dens raided');
    expect(doc.text).toContain('2024年3月5日，抓获犯罪嫌疑人120名。');
    expect(doc.text).toContain('时间回到2023年3月5日');
  });
});
