// Finds lexicon phrases in text. A phrase list compiles once into a trie walked from each position,
// with exactly the semantics of one alternation regex anchored on letter/digit boundaries:
//   (?<![\p{L}\p{N}])(?:phrase1|phrase2|...)(?![\p{L}\p{N}])   (flags gu)
// where alternatives are ordered longest phrase first and a space inside a phrase matches a bounded
// run of white space or hyphens. The extractor asks for phrases in thousands of short windows per
// document; the regex paid its look-behind and alternation dispatch at every position of every
// window, while the trie stops at the first character that no phrase continues with.

export interface PhraseHit {
  phrase: string;
  start: number;
  end: number;
}

/** One space in a phrase matches this many white-space or hyphen characters: "shut down" ~ "shut-down". */
const MIN_SEPARATOR_RUN = 1;
const MAX_SEPARATOR_RUN = 3;

interface TrieNode {
  /** Next literal UTF-16 code unit -> node. */
  literal: Map<number, TrieNode>;
  /** The node after a separator (a space in the phrase), if some phrase continues with one. */
  separator: TrieNode | null;
  /** Rank of the phrase ending here in alternation order (lower wins), or -1. */
  rank: number;
  /** Lowest rank of any phrase at or below this node, to stop exploring branches that cannot win. */
  bestRank: number;
}

function newNode(): TrieNode {
  return { literal: new Map(), separator: null, rank: -1, bestRank: Infinity };
}

/** A match attempt's outcome: the winning phrase's rank and where its match ends. */
interface Attempt {
  rank: number;
  end: number;
}

export class PhraseMatcher {
  private readonly root = newNode();
  /** Longest text any phrase can match (separators at their widest): bounds the suffix search. */
  private readonly maxMatchLength: number;
  /** 1 for each ASCII code unit that some phrase starts with. */
  private readonly asciiFirst = new Uint8Array(0x80);
  /** A phrase starts with a separator, or is empty: the quick position test does not apply. */
  private readonly mayStartAnywhere: boolean;

  constructor(phrases: Iterable<string>) {
    // Alternation order: longest phrase first, then code-unit order (a regex tries alternatives in order).
    const unique = [...new Set([...phrases].map((p) => p.toLowerCase()))].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    let maxMatchLength = 0;
    unique.forEach((phrase, rank) => {
      let node = this.root;
      node.bestRank = Math.min(node.bestRank, rank);
      let length = 0;
      phrase.split(' ').forEach((word, index) => {
        if (index > 0) {
          node.separator ??= newNode();
          node = node.separator;
          node.bestRank = Math.min(node.bestRank, rank);
          length += MAX_SEPARATOR_RUN;
        }
        for (let i = 0; i < word.length; i++) {
          const code = word.charCodeAt(i);
          let next = node.literal.get(code);
          if (!next) node.literal.set(code, (next = newNode()));
          node = next;
          node.bestRank = Math.min(node.bestRank, rank);
        }
        length += word.length;
      });
      if (node.rank < 0) node.rank = rank;
      maxMatchLength = Math.max(maxMatchLength, length);
    });
    this.maxMatchLength = maxMatchLength;
    for (const code of this.root.literal.keys()) if (code < 0x80) this.asciiFirst[code] = 1;
    this.mayStartAnywhere = this.root.separator !== null || this.root.rank >= 0;
  }

  /** Every non-overlapping hit in `lowerText` (already lower-cased), leftmost, first phrase in order. */
  findAll(lowerText: string): PhraseHit[] {
    const hits: PhraseHit[] = [];
    const length = lowerText.length;
    let at = 0;
    while (at <= length) {
      if (this.cannotStartAt(lowerText, at)) {
        at++;
        continue;
      }
      const match = this.matchAt(lowerText, at, false);
      if (match) {
        hits.push({ phrase: lowerText.slice(at, match.end), start: at, end: match.end });
        if (match.end > at) {
          at = match.end;
          continue;
        }
      }
      at += codePointLength(lowerText, at);
    }
    return hits;
  }

  /** The phrase that `lowerText` ends with (the one starting leftmost), if any. */
  endsWith(lowerText: string): PhraseHit | null {
    // No match can start further back than the longest possible match.
    let at = Math.max(0, lowerText.length - this.maxMatchLength);
    if (at > 0 && isLowSurrogate(lowerText.charCodeAt(at)) && isHighSurrogate(lowerText.charCodeAt(at - 1))) at--;
    while (at <= lowerText.length) {
      if (this.cannotStartAt(lowerText, at)) {
        at++;
        continue;
      }
      const match = this.matchAt(lowerText, at, true);
      if (match) return { phrase: lowerText.slice(at), start: at, end: lowerText.length };
      at += codePointLength(lowerText, at);
    }
    return null;
  }

  /**
   * A quick sufficient test that no match starts at `at`, for ASCII text: no phrase starts with
   * this character, or a letter or digit stands before it. Never true inside a surrogate pair, so
   * stepping one unit past such a position keeps to code-point positions.
   */
  private cannotStartAt(text: string, at: number): boolean {
    if (this.mayStartAnywhere) return false;
    const code = text.charCodeAt(at);
    if (code >= 0x80 || code !== code) return code !== code || (!isHighSurrogate(code) && !this.root.literal.has(code));
    return this.asciiFirst[code] === 0 || (at > 0 && isAsciiWordUnit(text.charCodeAt(at - 1)));
  }

  /** The phrase that `lowerText` starts with (at index 0), if any. */
  startsWith(lowerText: string): PhraseHit | null {
    const match = this.matchAt(lowerText, 0, false);
    return match ? { phrase: lowerText.slice(0, match.end), start: 0, end: match.end } : null;
  }

  /**
   * The phrase matching at `start` that comes first in alternation order, and the end of its match
   * (separators greedy, as a regex backtracks). `toEnd`: the match must end at the text's end
   * (a `$` anchor) instead of before a non-letter.
   */
  private matchAt(text: string, start: number, toEnd: boolean): Attempt | null {
    const first = start < text.length ? this.root.literal.get(text.charCodeAt(start)) : undefined;
    if (!first && !this.root.separator && this.root.rank < 0) return null;
    if (isWordCodePointBefore(text, start)) return null;
    const best: Attempt = { rank: Infinity, end: -1 };
    this.explore(this.root, text, start, toEnd, best);
    return best.end >= 0 ? best : null;
  }

  /** Depth-first walk; the first path that reaches a phrase is its greedy (regex) path. */
  private explore(node: TrieNode, text: string, at: number, toEnd: boolean, best: Attempt): void {
    if (node.bestRank >= best.rank) return;
    if (node.rank >= 0 && node.rank < best.rank && (toEnd ? at === text.length : !isWordCodePointAt(text, at))) {
      best.rank = node.rank;
      best.end = at;
    }
    if (at < text.length) {
      const next = node.literal.get(text.charCodeAt(at));
      if (next) this.explore(next, text, at + 1, toEnd, best);
    }
    if (node.separator) {
      let run = 0;
      while (run < MAX_SEPARATOR_RUN && at + run < text.length && isSeparator(text.charCodeAt(at + run))) run++;
      for (let take = run; take >= MIN_SEPARATOR_RUN; take--) this.explore(node.separator, text, at + take, toEnd, best);
    }
  }
}

/** An ASCII letter or digit (callers handle the rest of [\p{L}\p{N}] separately). */
function isAsciiWordUnit(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a);
}

/** `[\s\u00a0-]`: every white-space character is in the Basic Multilingual Plane. */
function isSeparator(code: number): boolean {
  if (code === 0x20 || code === 0x2d || (code >= 0x09 && code <= 0x0d)) return true;
  return code > 0x7f && SEPARATOR_CHAR.test(String.fromCharCode(code));
}

const SEPARATOR_CHAR = /^[\s\u00a0-]$/u;
const WORD_CODE_POINT = /^[\p{L}\p{N}]$/u;
const wordCodePointCache = new Map<number, boolean>();

/** `[\p{L}\p{N}]` for one code point. */
function isWordCodePoint(codePoint: number): boolean {
  if (codePoint < 0x80) return isAsciiWordUnit(codePoint);
  let known = wordCodePointCache.get(codePoint);
  if (known === undefined) wordCodePointCache.set(codePoint, (known = WORD_CODE_POINT.test(String.fromCodePoint(codePoint))));
  return known;
}

/** Whether the code point starting at `at` is a letter or digit (false at the end). */
function isWordCodePointAt(text: string, at: number): boolean {
  if (at >= text.length) return false;
  return isWordCodePoint(text.codePointAt(at)!);
}

/** Whether the code point ending right before `at` is a letter or digit (false at the start). */
function isWordCodePointBefore(text: string, at: number): boolean {
  if (at <= 0) return false;
  const unit = text.charCodeAt(at - 1);
  if (isLowSurrogate(unit) && at >= 2 && isHighSurrogate(text.charCodeAt(at - 2))) return isWordCodePoint(text.codePointAt(at - 2)!);
  return isWordCodePoint(unit);
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** 2 at a surrogate pair, else 1: a regex with the u flag steps by code points. */
function codePointLength(text: string, at: number): number {
  return isHighSurrogate(text.charCodeAt(at)) && isLowSurrogate(text.charCodeAt(at + 1)) ? 2 : 1;
}

/** Lower-cases without changing length, so offsets in the result are offsets in the input. */
export function lowerSameLength(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower;
  let out = '';
  for (const char of text) {
    const l = char.toLowerCase();
    out += l.length === char.length ? l : char;
  }
  return out;
}
