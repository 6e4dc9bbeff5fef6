import fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as lexicon from '../pipeline/lib/lexicon/en.js';
import { PhraseMatcher, lowerSameLength, type PhraseHit } from '../pipeline/lib/phrases.js';

/**
 * The specification PhraseMatcher implements without a regex: one alternation of the phrases,
 * longest first, bounded by non-letters, where a space matches 1-3 white-space or hyphen characters.
 */
class RegexPhraseMatcher {
  private readonly pattern: RegExp;
  private readonly suffixPattern: RegExp;
  constructor(phrases: Iterable<string>) {
    const unique = [...new Set([...phrases].map((p) => p.toLowerCase()))].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    const escape = (phrase: string) =>
      phrase
        .split(' ')
        .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[\\s\\u00a0-]{1,3}');
    const body = unique.map(escape).join('|') || '(?!)';
    this.pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${body})(?![\\p{L}\\p{N}])`, 'gu');
    this.suffixPattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${body})$`, 'u');
  }
  findAll(text: string): PhraseHit[] {
    this.pattern.lastIndex = 0;
    return [...text.matchAll(this.pattern)].map((m) => ({ phrase: m[0], start: m.index, end: m.index + m[0].length }));
  }
  endsWith(text: string): PhraseHit | null {
    const m = this.suffixPattern.exec(text);
    return m ? { phrase: m[0], start: m.index, end: m.index + m[0].length } : null;
  }
  startsWith(text: string): PhraseHit | null {
    this.pattern.lastIndex = 0;
    const m = this.pattern.exec(text);
    return m && m.index === 0 ? { phrase: m[0], start: 0, end: m[0].length } : null;
  }
}

/** Every phrase list in the English lexicon, flattened. */
function lexiconLists(): string[][] {
  const lists: string[][] = [];
  for (const value of Object.values(lexicon)) {
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) lists.push(value as string[]);
    else if (value && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.every(([, v]) => Array.isArray(v))) lists.push(entries.flatMap(([, v]) => v as string[]));
      else lists.push(entries.map(([k]) => k));
    }
  }
  return lists.filter((list) => list.length > 0);
}

function expectSame(phrases: string[], text: string): void {
  const fast = new PhraseMatcher(phrases);
  const reference = new RegexPhraseMatcher(phrases);
  expect(fast.findAll(text)).toEqual(reference.findAll(text));
  expect(fast.startsWith(text)).toEqual(reference.startsWith(text));
  expect(fast.endsWith(text)).toEqual(reference.endsWith(text));
}

describe('PhraseMatcher matches exactly like the alternation regex', () => {
  const lists = lexiconLists();

  it('on the seed articles, line by line and in windows, for every lexicon list', () => {
    const seedDir = new URL('../seeds/', import.meta.url);
    const lines = fs
      .readdirSync(seedDir)
      .flatMap((name) => fs.readFileSync(new URL(name, seedDir), 'utf8').split('\n'))
      .map(lowerSameLength)
      .filter((line) => line.trim());
    for (const list of lists) {
      const fast = new PhraseMatcher(list);
      const reference = new RegexPhraseMatcher(list);
      for (const line of lines) {
        expect(fast.findAll(line)).toEqual(reference.findAll(line));
        for (let cut = 0; cut < line.length; cut += 17) {
          const head = line.slice(0, cut);
          const tail = line.slice(cut);
          expect(fast.endsWith(head)).toEqual(reference.endsWith(head));
          expect(fast.startsWith(tail)).toEqual(reference.startsWith(tail));
        }
      }
    }
  });

  it('on edge cases: separator runs, hyphens, boundaries, surrogates, odd phrases', () => {
    const phrases = ['shut down', 'shut', 'down', 'a  b', ' lead', 'trail ', 'e-commerce', 'x.y', '𝒜bc', 'ab', 'abc', 'over', 'more than'];
    for (const text of [
      'shut down', 'shut   down', 'shut    down', 'shut-down', 'shut \u00a0-down', 'shutdown', 'xshut down', 'shut downx', '1shut', 'shut1',
      'a  b', 'a b', 'a     b', 'a - - b', ' lead', '  lead', 'trail  ', 'trail x', 'e-commerce', 'e commerce', 'x.y', 'xay',
      '𝒜bc', 'a𝒜bc', '𝒜abc', 'abc𝒜', 'ab𝒜', '𝒜ab', '\ud835ab', 'ab\ud835', '\udc9cab', 'more than over', 'over more  than',
      '', ' ', 'é shut', 'éshut', 'shut é', 'shutñ', '١shut', 'shut٣',
    ]) {
      expectSame(phrases, text);
    }
  });

  it('on random text built from phrase pieces', () => {
    const phrases = ['shut down', 'shut', 'seized', 'seized from', 'more than', 'over', 'a  b', 'trail ', ' lead', 'e-commerce', 'ab'];
    const pieces = ['shut', 'down', 'seized', 'from', 'more', 'than', 'over', 'a', 'b', 'trail', 'lead', 'e', 'commerce', 'x', '1', ' ', '  ', '-', '\u00a0', '\t', '\n', '.', 'é', '𝒜', '\ud835', '\udc9c'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 24 }), (parts) => {
        expectSame(phrases, parts.join(''));
      }),
      { numRuns: 3000 },
    );
  });
});
