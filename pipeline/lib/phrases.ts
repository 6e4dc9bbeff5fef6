// Finds lexicon phrases in text. A phrase list compiles once into one alternation regex anchored on
// letter/digit boundaries; alternations of literals run in linear time (no nested quantifiers).

export interface PhraseHit {
  phrase: string;
  start: number;
  end: number;
}

export class PhraseMatcher {
  private readonly pattern: RegExp;
  private readonly suffixPattern: RegExp;
  constructor(phrases: Iterable<string>) {
    const unique = [...new Set([...phrases].map((p) => p.toLowerCase()))].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    const body = unique.map(escapeForPhrase).join('|') || '(?!)';
    this.pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${body})(?![\\p{L}\\p{N}])`, 'gu');
    this.suffixPattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${body})$`, 'u');
  }

  /** Every non-overlapping hit in `lowerText` (already lower-cased), leftmost-longest. */
  findAll(lowerText: string): PhraseHit[] {
    const hits: PhraseHit[] = [];
    this.pattern.lastIndex = 0;
    for (const match of lowerText.matchAll(this.pattern)) {
      hits.push({ phrase: match[0], start: match.index, end: match.index + match[0].length });
    }
    return hits;
  }

  /** The phrase that `lowerText` ends with, if any. */
  endsWith(lowerText: string): PhraseHit | null {
    const match = this.suffixPattern.exec(lowerText);
    return match ? { phrase: match[0], start: match.index, end: match.index + match[0].length } : null;
  }

  /** The phrase that `lowerText` starts with (at index 0), if any. */
  startsWith(lowerText: string): PhraseHit | null {
    this.pattern.lastIndex = 0;
    const match = this.pattern.exec(lowerText);
    return match && match.index === 0 ? { phrase: match[0], start: 0, end: match[0].length } : null;
  }
}

function escapeForPhrase(phrase: string): string {
  // One space in a phrase matches any run of white space (bounded) or a hyphen: "shut down" ~ "shut-down".
  return phrase
    .split(' ')
    .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\u00a0-]{1,3}');
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
