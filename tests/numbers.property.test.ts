import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NON_FIGURE_REASONS, nonFigureReason, readNumbers, type NumberMention } from '../pipeline/lib/numbers.js';

const FORMS = new Set(['digits', 'scaled', 'abbreviated', 'words', 'chinese']);
const REASONS = new Set<string | null>([...NON_FIGURE_REASONS, null]);

/** The structural contract every result of readNumbers must meet, for any input. */
function expectWellFormed(input: string, mentions: NumberMention[]): void {
  expect(mentions.length).toBeLessThanOrEqual(input.length);
  let previousEnd = 0;
  for (const m of mentions) {
    expect(m.start).toBeLessThan(m.end);
    expect(m.prefixStart).toBeLessThanOrEqual(m.start);
    expect(m.prefixStart).toBeGreaterThanOrEqual(previousEnd); // sorted, non-overlapping, prefixes included
    expect(input.slice(m.start, m.end)).toBe(m.text);
    expect(m.currencyPrefix === null).toBe(m.prefixStart === m.start);
    expect(FORMS.has(m.form)).toBe(true);
    expect(Number.isNaN(m.value)).toBe(false);
    expect(m.value).toBeGreaterThanOrEqual(0);
    expect(REASONS.has(nonFigureReason(input, m))).toBe(true);
    previousEnd = m.end;
  }
}

/** Pieces that stress every branch of the reader: separators, scales, currencies, CJK, surrogates. */
const PIECES = [
  '0', '1', '7', '12', '2019', '000', '１', ',', '.', ' ', '\u00A0', '\u2009', '\u202F', '-', '+', '-plus', 'x', '*', ':', '/',
  '%', 'th', 'K', 'k', 'm', 'bn', 'million', 'thousand', 'hundred', 'and', 'a', 'half', 'one', 'twenty', 'nine', 'dozen',
  'first', 'dozens', 'MP', 'COVID', '$', 'US$', 'RMB', 'USD', '¥', '€', 'HK$', 'Rs.', '万', '亿', '千', '余', '多', '逾',
  '一', '二', '十', '两', '〇', '第', '人', '年', '“', '”', '"', "'", '·', '\n', '\t', '😀', '\uD800', '\uDC00', '𝟙', 'é',
  'May', 'September', 'GMT', 'No.', 'aged', 'days', 'percent', 'Article', 'http://', 'www.', 'call', 'case',
];
const pieceSoup = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((parts) => parts.join(''));

describe('readNumbers on arbitrary input', () => {
  it('never throws and returns well-formed mentions (any UTF-16, including lone surrogates)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (input) => {
        expectWellFormed(input, readNumbers(input));
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on raw UTF-16 code units', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 120 }), (input) => {
        expectWellFormed(input, readNumbers(input));
      }),
      { numRuns: 300 },
    );
  });

  it('returns well-formed mentions on dense mixes of number pieces', () => {
    fc.assert(
      fc.property(pieceSoup, (input) => {
        expectWellFormed(input, readNumbers(input));
      }),
      { numRuns: 2000 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(pieceSoup, (input) => {
        expect(readNumbers(input)).toEqual(readNumbers(input));
      }),
      { numRuns: 200 },
    );
  });
});

// ---- Round trips: a written number reads back as its value -------------------------------------

const SMALL = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** English words for 1 <= n < 1000 ("one hundred and twenty-five"). */
function wordsBelowThousand(n: number, useAnd: boolean): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const parts: string[] = [];
  if (hundreds > 0) parts.push(`${SMALL[hundreds]} hundred`);
  if (rest > 0) {
    const restWords = rest < 20 ? (SMALL[rest] as string) : `${TENS[Math.floor(rest / 10)]}${rest % 10 ? `-${SMALL[rest % 10]}` : ''}`;
    parts.push(hundreds > 0 && useAnd ? `and ${restWords}` : restWords);
  }
  return parts.join(' ');
}

/** English words for 1 <= n < 10^9. */
function toWords(n: number, useAnd: boolean): string {
  const scales: [number, string][] = [[1e6, 'million'], [1e3, 'thousand'], [1, '']];
  const parts: string[] = [];
  let rest = n;
  for (const [scale, name] of scales) {
    const chunk = Math.floor(rest / scale);
    rest %= scale;
    if (chunk > 0) parts.push(`${wordsBelowThousand(chunk, useAnd)}${name ? ` ${name}` : ''}`);
  }
  return parts.join(' ');
}

function onlyMention(input: string): NumberMention {
  const mentions = readNumbers(input);
  expect(mentions.map((m) => m.text)).toHaveLength(1);
  return mentions[0] as NumberMention;
}

describe('round trips', () => {
  it('reads grouped and plain digits back as the integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999_999 }), fc.boolean(), (n, grouped) => {
        const literal = grouped ? n.toLocaleString('en-US') : String(n);
        const m = onlyMention(`Police arrested ${literal} suspects.`);
        expect(m.text).toBe(literal);
        expect(m.value).toBe(n);
        expect(m.form).toBe('digits');
      }),
      { numRuns: 500 },
    );
  });

  it('reads "<d.dd> million|billion" and "<d.d>bn" exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999 }), fc.constantFrom(['million', 1e6], ['billion', 1e9], ['bn', 1e9], ['K', 1e3]), (hundredths, [scale, factor]) => {
        const literal = (hundredths / 100).toFixed(2);
        const written = scale === 'million' || scale === 'billion' ? `${literal} ${scale}` : `${literal}${scale}`;
        const m = onlyMention(`froze $${written} in assets`);
        expect(m.text).toBe(written);
        expect(m.value).toBe(Number(`${hundredths}e${Math.log10(factor) - 2}`));
        expect(m.currencyPrefix).toBe('USD');
      }),
      { numRuns: 300 },
    );
  });

  it('reads English number words back as the integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999 }), fc.boolean(), (n, useAnd) => {
        const words = toWords(n, useAnd);
        const m = onlyMention(`Police detained ${words} people.`);
        expect(m.text).toBe(words);
        expect(m.value).toBe(n);
        expect(m.form).toBe('words');
      }),
      { numRuns: 500 },
    );
  });

  it('reads N万 and N亿 as N x 10^4 and N x 10^8', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), fc.constantFrom(['万', 4], ['亿', 8]), (n, [unit, power]) => {
        const m = onlyMention(`抓获${n}${unit}人`);
        expect(m.value).toBe(n * 10 ** power);
        expect(m.form).toBe('chinese');
      }),
      { numRuns: 200 },
    );
  });
});

// ---- Linear work on adversarial input --------------------------------------------------------
// Vitest's per-test timeout is the wall-clock guard; the assertions bound the work by checking that
// the output is exactly what a single left-to-right pass must produce.

/** A flat copy: long inputs arrive from files as flat strings, not as the rope `repeat` builds. */
function flat(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

describe('linear time on pathological input', () => {
  it('reads 1 MB of digits as one mention with an infinite value', () => {
    const input = flat('9'.repeat(1 << 20));
    const mentions = readNumbers(input);
    expect(mentions).toHaveLength(1);
    expect(mentions[0]?.end).toBe(input.length);
    expect(mentions[0]?.value).toBe(Infinity);
    expect(nonFigureReason(input, mentions[0] as NumberMention)).toBe('id_number');
  });

  it('reads 200k repeats of "1," as 200k separate ones', () => {
    const mentions = readNumbers(flat('1,'.repeat(200_000)));
    expect(mentions).toHaveLength(200_000);
    expect(mentions.every((m) => m.value === 1 && m.end - m.start === 1)).toBe(true);
  });

  it('reads "1 1 1 ..." (half a million) one by one, and a thin-space-grouped megabyte as one number', () => {
    expect(readNumbers(flat('1 '.repeat(1 << 19)))).toHaveLength(1 << 19);
    const grouped = readNumbers(flat(`1${'\u2009234'.repeat(250_000)}`));
    expect(grouped).toHaveLength(1);
    expect(grouped[0]?.value).toBe(Infinity);
  });

  it('handles long runs of separators, letters, words and Chinese numerals', () => {
    expect(readNumbers(flat(','.repeat(1 << 20)))).toHaveLength(0);
    expect(readNumbers(flat(' \u2009'.repeat(1 << 19)))).toHaveLength(0);
    expect(readNumbers(flat('a'.repeat(1 << 20)))).toHaveLength(0);
    expect(readNumbers(flat('a '.repeat(1 << 19)))).toHaveLength(0);
    expect(readNumbers(flat('MP3'.repeat(1 << 18)))).toHaveLength(0);
    expect(readNumbers(flat('one '.repeat(1 << 18)))).toHaveLength(1 << 18);
    expect(readNumbers(flat('1.'.repeat(1 << 19)))).toHaveLength(1 << 19);
    expect(readNumbers(flat('一'.repeat(1 << 20)))).toHaveLength(1);
  });

  it('reads a 5 MB single-line article with a mention count proportional to its length', () => {
    const sentence = 'Police arrested 15,000 people and froze $1.2bn (RMB 8亿) on May 25; twenty-five gangs, 3000余人. ';
    const perSentence = readNumbers(sentence).length;
    const repeats = Math.ceil(5e6 / sentence.length);
    const mentions = readNumbers(flat(sentence.repeat(repeats)));
    expect(mentions).toHaveLength(perSentence * repeats);
  });
});
