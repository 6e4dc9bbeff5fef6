import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  NON_FIGURE_REASONS,
  nonFigureReason,
  readNumbers,
  type NumberForm,
  type NumberMention,
} from '../pipeline/lib/numbers.js';

// Cases live in tests/fixtures/numbers.tsv (input, literal, value, flags); see its header for the flags.

interface FixtureCase {
  line: number;
  section: string;
  input: string;
  literal: string;
  value: number | null;
  flags: Map<string, string>;
}

const FIXTURE = fileURLToPath(new URL('./fixtures/numbers.tsv', import.meta.url));
const FORMS: readonly NumberForm[] = ['digits', 'scaled', 'abbreviated', 'words', 'chinese'];

function decodeEscapes(s: string): string {
  return s.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function parseFlags(raw: string): Map<string, string> {
  const flags = new Map<string, string>();
  for (const flag of raw.split(' ').filter(Boolean)) {
    const eq = flag.indexOf('=');
    if (eq < 0) flags.set(flag, '');
    else flags.set(flag.slice(0, eq), decodeEscapes(flag.slice(eq + 1)));
  }
  return flags;
}

function loadCases(): FixtureCase[] {
  const lines = readFileSync(FIXTURE, 'utf8').split('\n');
  expect(lines[0]).toBe('input\tliteral\tvalue\tflags');
  const cases: FixtureCase[] = [];
  let section = '';
  lines.slice(1).forEach((text, index) => {
    if (text.startsWith('## ')) section = text.slice(3);
    if (text.trim() === '' || text.startsWith('#')) return;
    const columns = text.split('\t');
    if (columns.length < 3 || columns.length > 4) throw new Error(`numbers.tsv line ${index + 2}: expected 4 columns, got ${columns.length}`);
    const [input, literal, value, flags] = columns as [string, string, string, string | undefined];
    cases.push({
      line: index + 2,
      section,
      input: decodeEscapes(input),
      literal: decodeEscapes(literal),
      value: value === '-' ? null : Number(value),
      flags: parseFlags(flags ?? ''),
    });
  });
  return cases;
}

const CASES = loadCases();
const CURRENCY_FLAG = /^[A-Z]{3}$/;

function mentionUnderTest(c: FixtureCase, mentions: NumberMention[]): NumberMention {
  const found = mentions.find((m) => m.text === c.literal);
  if (!found) throw new Error(`no mention "${c.literal}" in ${JSON.stringify(mentions.map((m) => m.text))}`);
  return found;
}

describe('numbers.tsv fixture', () => {
  it('has at least 80 cases covering every form and every non-figure reason', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(80);
    const reasons = new Set(CASES.map((c) => c.flags.get('nonfigure')).filter(Boolean));
    for (const reason of NON_FIGURE_REASONS) expect(reasons, `no case for nonfigure=${reason}`).toContain(reason);
    const forms = new Set<NumberForm>();
    for (const c of CASES) {
      if (c.flags.has('none')) continue;
      forms.add(mentionUnderTest(c, readNumbers(c.input)).form);
    }
    expect([...forms].sort()).toEqual([...FORMS].sort());
    const flagged = (name: string): boolean => CASES.some((c) => c.flags.has(name));
    for (const name of ['none', 'plus', 'USD', 'CNY', 'count', 'prefix']) expect(flagged(name), `no case flagged ${name}`).toBe(true);
  });
});

describe('readNumbers + nonFigureReason on numbers.tsv', () => {
  it.each(CASES.map((c) => [`line ${c.line} [${c.section}] ${c.input}`, c] as const))('%s', (_title, c) => {
    const mentions = readNumbers(c.input);
    for (const m of mentions) expect(c.input.slice(m.start, m.end)).toBe(m.text);

    if (c.flags.has('none')) {
      expect(mentions.map((m) => m.text)).toEqual([]);
      return;
    }
    const count = c.flags.get('count');
    if (count !== undefined) expect(mentions.map((m) => m.text)).toHaveLength(Number(count));

    const m = mentionUnderTest(c, mentions);
    expect(m.value).toBe(c.value);
    expect(m.plusSuffix).toBe(c.flags.has('plus'));

    const currency = [...c.flags.keys()].find((flag) => CURRENCY_FLAG.test(flag)) ?? null;
    expect(m.currencyPrefix).toBe(currency);
    if (currency === null) expect(m.prefixStart).toBe(m.start);
    const prefix = c.flags.get('prefix');
    if (prefix !== undefined) expect(c.input.slice(m.prefixStart, m.start)).toBe(prefix);

    const form = c.flags.get('form');
    if (form !== undefined) expect(m.form).toBe(form);

    expect(nonFigureReason(c.input, m)).toBe(c.flags.get('nonfigure') ?? null);
  });
});

describe('readNumbers details', () => {
  it('reads a real article paragraph in order, with exact spans', () => {
    const text =
      'Chinese public security authorities cracked more than 45,000 cybercrime cases and arrested over 60,000 suspects ' +
      'in the first 10 months of this year. Sixteen cases were filed, with 25 suspects arrested; police froze $1.2bn.';
    const mentions = readNumbers(text);
    expect(mentions.map((m) => [m.text, m.value])).toEqual([
      ['45,000', 45000],
      ['60,000', 60000],
      ['first', 1],
      ['10', 10],
      ['Sixteen', 16],
      ['25', 25],
      ['1.2bn', 1.2e9],
    ]);
    expect(mentions.map((m) => nonFigureReason(text, m))).toEqual([null, null, 'ordinal', 'duration', null, null, null]);
    const money = mentions[6] as NumberMention;
    expect(text[money.prefixStart]).toBe('$');
    expect(money.prefixStart).toBe(money.start - 1);
  });

  it('keeps decimal scaling exact (no 1879999.9999999998)', () => {
    const values = readNumbers('1.88 million, 0.3 billion, 2.3亿, 19.7 million, 1.1 million, 4.35K').map((m) => m.value);
    expect(values).toEqual([1880000, 300000000, 230000000, 19700000, 1100000, 4350]);
  });

  it('gives a 400-digit number as one mention with an infinite value', () => {
    const digits = '7'.repeat(400);
    const mentions = readNumbers(`a ${digits} b`);
    expect(mentions).toHaveLength(1);
    expect(mentions[0]?.text).toBe(digits);
    expect(mentions[0]?.value).toBe(Infinity);
  });

  it('does not let a currency prefix reach into the previous mention', () => {
    const text = '5 RM5';
    const mentions = readNumbers(text);
    expect(mentions.map((m) => [m.text, m.currencyPrefix])).toEqual([['5', null], ['5', 'MYR']]);
  });

  it('reads the surrounding number of a plus suffix only once', () => {
    const mentions = readNumbers('3,000-plus and 200+ and 1.5万余');
    expect(mentions.map((m) => [m.text, m.plusSuffix])).toEqual([
      ['3,000', true],
      ['200', true],
      ['1.5万', true],
    ]);
  });

  it('stops a compound number word at words that do not continue it', () => {
    expect(readNumbers('one two three').map((m) => m.text)).toEqual(['one', 'two', 'three']);
    expect(readNumbers('one hundred and the rest').map((m) => m.text)).toEqual(['one hundred']);
    expect(readNumbers('a thousand million').map((m) => [m.text, m.value])).toEqual([['a thousand', 1000]]);
    expect(readNumbers('nineteen ninety-five').map((m) => m.text)).toEqual(['nineteen', 'ninety-five']);
  });
});
