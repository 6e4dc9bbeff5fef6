import { describe, expect, it } from 'vitest';
import { isJsWhitespace, wordCount } from '../pipeline/lib/boilerplate.js';
import { hasFourDigitRun } from '../pipeline/lib/metadata.js';

describe('clean fast paths agree with the regexes they stand for', () => {
  it('isJsWhitespace is \\s for every UTF-16 code unit', () => {
    const disagree: string[] = [];
    for (let code = 0; code <= 0xffff; code++) if (isJsWhitespace(code) !== /\s/u.test(String.fromCharCode(code))) disagree.push(code.toString(16));
    expect(disagree).toEqual([]);
  });

  it('wordCount is the number of words split at \\s+', () => {
    const samples = ['', ' ', 'one', ' one  two ', 'a\u00a0b\u3000c', '\t\n x \u2028y\ufeff', 'Share | Tweet | Email', '中文 Français', '\u{1F600} smile'];
    for (const s of samples) expect(wordCount(s), JSON.stringify(s)).toBe(s.split(/\s+/u).filter((w) => w.length > 0).length);
  });

  it('hasFourDigitRun is /\\d{4}/u', () => {
    const samples = ['', '123', '1234', 'a12b34', 'in 2019.', '١٢٣٤', '１２３４', 'x99999', '12-34', 'GMT +312 December'];
    for (const s of samples) expect(hasFourDigitRun(s), s).toBe(/\d{4}/u.test(s));
  });
});
