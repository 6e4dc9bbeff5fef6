// Sentence splitting for clean article text.
// Lines come first: a headline, caption or byline without a final period is still a sentence of its
// own. Inside a line, a sentence ends at . ! ? (or 。！？) followed by a space and something that can
// start a sentence, unless the period belongs to an abbreviation, an initial or a number.

import { ENGLISH_CLEAN_LEXICON, type CleanLexicon } from './cleanLexicon.js';
import type { Span } from './types.js';

const WESTERN_TERMINATORS = '.!?';
const CJK_TERMINATORS = '。！？';
/** Characters that close a sentence after its terminator and belong to it ("... Internet.”"). */
const CLOSERS = '"\'”’»)]）」』';
/** Characters that may open a sentence besides letters and digits. */
const OPENERS = '"\'“‘«([（「『';
/** Longest word looked at behind a period when testing for an abbreviation. */
const MAX_ABBREVIATION_LOOKBEHIND = 12;

/** A character of WESTERN_TERMINATORS or CJK_TERMINATORS (by code unit: this runs on every character). */
function isTerminatorCode(code: number): boolean {
  return code === 0x2e || code === 0x21 || code === 0x3f || code === 0x3002 || code === 0xff01 || code === 0xff1f;
}

function isWhitespace(ch: string | undefined): boolean {
  return ch !== undefined && /\s/u.test(ch);
}

function isUppercaseLetter(ch: string): boolean {
  return /\p{Lu}/u.test(ch);
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

function canStartSentence(ch: string): boolean {
  return isUppercaseLetter(ch) || isDigit(ch) || OPENERS.includes(ch) || /\p{Script=Han}/u.test(ch);
}

interface AbbreviationTables {
  always: Set<string>;
  beforeNumber: Set<string>;
}

function abbreviationTables(lexicon: CleanLexicon): AbbreviationTables {
  return { always: new Set(lexicon.abbreviations), beforeNumber: new Set(lexicon.numberAbbreviations) };
}

/** The word (letters, inner periods, apostrophes) that ends right before `dot`. */
function wordBefore(text: string, dot: number, lineStart: number): string {
  let i = dot;
  const limit = Math.max(lineStart, dot - MAX_ABBREVIATION_LOOKBEHIND);
  while (i > limit && /[\p{L}.'’]/u.test(text[i - 1]!)) i--;
  return text.slice(i, dot);
}

/** Whether the period at `dot` ends an abbreviation, initial or similar rather than a sentence. */
function periodIsNotFinal(text: string, dot: number, lineStart: number, nextChar: string, tables: AbbreviationTables): boolean {
  const word = wordBefore(text, dot, lineStart);
  if (word.length === 0) return false;
  const lower = word.toLowerCase().replace(/’/g, "'");
  if (tables.always.has(lower)) return true;
  if (tables.beforeNumber.has(lower) && isDigit(nextChar)) return true;
  // A single capital letter is an initial ("J. Smith"); dotted capitals are an acronym ("U.S.").
  if (/^\p{Lu}$/u.test(word)) return true;
  if (/^(\p{L}\.)+\p{L}$/u.test(word)) return true;
  return false;
}

/** Sentence spans inside one line [start, end) of `text`. */
function splitLine(text: string, start: number, end: number, tables: AbbreviationTables, out: Span[]): void {
  let sentenceStart = start;
  while (sentenceStart < end && isWhitespace(text[sentenceStart])) sentenceStart++;
  let i = sentenceStart;
  while (i < end) {
    if (!isTerminatorCode(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const ch = text[i]!;
    const cjk = CJK_TERMINATORS.includes(ch);
    // Take the whole run of terminators and closers ("?!", "...", ".”").
    let after = i + 1;
    while (after < end && (WESTERN_TERMINATORS.includes(text[after]!) || CJK_TERMINATORS.includes(text[after]!) || CLOSERS.includes(text[after]!))) {
      after++;
    }
    let next = after;
    while (next < end && isWhitespace(text[next])) next++;
    const hasSpace = next > after;
    const breaks =
      next < end &&
      (cjk || (hasSpace && canStartSentence(text[next]!))) &&
      !(ch === '.' && after === i + 1 && periodIsNotFinal(text, i, start, text[next]!, tables));
    if (breaks) {
      out.push({ start: sentenceStart, end: after });
      sentenceStart = next;
      i = next;
    } else {
      i = after;
    }
  }
  let sentenceEnd = end;
  while (sentenceEnd > sentenceStart && isWhitespace(text[sentenceEnd - 1])) sentenceEnd--;
  if (sentenceEnd > sentenceStart) out.push({ start: sentenceStart, end: sentenceEnd });
}

/**
 * Splits `text` into sentences, paragraph by paragraph and line by line. Every non-blank line yields
 * at least one sentence; spans exclude surrounding whitespace and never cross a line break.
 */
export function splitSentences(text: string, paragraphs: Span[], lexicon: CleanLexicon = ENGLISH_CLEAN_LEXICON): Span[] {
  const tables = abbreviationTables(lexicon);
  const sentences: Span[] = [];
  for (const paragraph of paragraphs) {
    let lineStart = paragraph.start;
    while (lineStart <= paragraph.end) {
      let lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd === -1 || lineEnd > paragraph.end) lineEnd = paragraph.end;
      splitLine(text, lineStart, lineEnd, tables, sentences);
      lineStart = lineEnd + 1;
    }
  }
  return sentences;
}
