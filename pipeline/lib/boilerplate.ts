// Page-furniture removal for plain-text articles (copied or scraped web pages).
// Rules describe kinds of furniture — widgets, navigation, legal notices, link lists — never the
// lines of any particular page. Each rule has a name so every dropped line can be audited.

import { ENGLISH_CLEAN_LEXICON, type CleanLexicon } from './cleanLexicon.js';
import { isPipeTableRow } from './tables.js';

/** What to do with one (trimmed) line. */
export type LineVerdict =
  | {
      keep: true;
      /** Keep line[0, end): a trailing photo credit may be cut off a caption. */
      end: number;
      /** What was cut off the end, and by which rule. */
      stripped?: { text: string; rule: string };
    }
  | { keep: false; rule: string };

export const RULES = {
  shortcode: 'shortcode',
  widget: 'share-widget',
  editionBar: 'edition-bar',
  breadcrumb: 'breadcrumb',
  backToTop: 'back-to-top',
  comments: 'comments',
  legal: 'copyright-legal',
  photoCredit: 'photo-credit',
  promo: 'click-here-promo',
  tagList: 'tag-list',
  relatedLinks: 'related-links',
  relatedHeadline: 'related-headline',
  navLabel: 'nav-label',
  markdownRule: 'markdown-rule',
  markdownImage: 'markdown-image',
} as const;

/** Markdown thematic breaks and setext underlines: "---", "***", "___", "= = =" (3 to 200 marks). */
const MARKDOWN_RULE = /^(?:([-*_=~])[ \t]{0,3})(?:\1[ \t]{0,3}){2,200}$/u;
/**
 * A line that is only a Markdown image ("![alt](pic.png "title")"), possibly itself a link
 * ("[![alt](pic.png)](page)"): the picture is not article text (its alt text is no caption we can trust).
 */
const MARKDOWN_IMAGE = /^\[?!\[[^[\]\n]{0,500}\]\([^()\n]{0,2000}\)(?:\]\([^()\s]{0,2000}\))?$/u;

/** Lines longer than this (in characters) are never furniture, except shortcode runs. */
const MAX_FURNITURE_CHARS = 3000;
/** Longest line (in words) still considered a link/headline rather than prose. */
const MAX_LINK_WORDS = 20;
/** A line with this many words is article body; so is a shorter one ending in a full stop. */
const MIN_BODY_WORDS = 15;
const MIN_SENTENCE_BODY_WORDS = 8;
/** Section labels next to furniture ("China", "Asia & Pacific") are at most this long. */
const MAX_LABEL_WORDS = 3;
const MAX_LABEL_CHARS = 30;
/** Standalone credits ("© Flickr / Dennis Skley") are short. */
const MAX_CREDIT_WORDS = 10;
/** "click here" promos are short calls to action, not paragraphs quoting a page. */
const MAX_PROMO_WORDS = 40;
/** A tag list has at least this many comma-separated items, each short. */
const MIN_TAGS = 3;
const MAX_TAG_WORDS = 6;
/** Native-script items of a language switcher ("中文", "双语") are this short. */
const MAX_NATIVE_LABEL_CHARS = 6;
/** Share of long words that must be capitalised for a line to read as a Title Case headline. */
const TITLE_CASE_SHARE = 0.75;
/** Related-headline lists in the tail are Title Case and at least this many words. */
const MIN_HEADLINE_WORDS = 4;

function words(line: string): string[] {
  return line.split(/\s+/u).filter((w) => w.length > 0);
}

/** Whether a UTF-16 code unit is matched by `\s` (ECMAScript WhiteSpace and LineTerminator). */
export function isJsWhitespace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 ||
    code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
  );
}

/** `wordCount(line)` without building the words: the number of maximal runs of non-whitespace. */
export function wordCount(line: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const space = isJsWhitespace(line.charCodeAt(i));
    if (!space && !inWord) count++;
    inWord = !space;
  }
  return count;
}

/** Number of ASCII letters and digits in `line`: each survives `normalise` as one character. */
function asciiAlnumCount(line: string): number {
  let count = 0;
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i) | 0x20;
    if ((code >= 0x61 && code <= 0x7a) || (line.charCodeAt(i) >= 0x30 && line.charCodeAt(i) <= 0x39)) count++;
  }
  return count;
}

/** Length of the longest string in `items`. */
function longest(items: Iterable<string>): number {
  let max = 0;
  for (const item of items) max = Math.max(max, item.length);
  return max;
}

function normalise(phrase: string): string {
  return phrase
    .toLowerCase()
    .replace(/[\s\u00a0]+/gu, ' ')
    .replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, (m) => (/[+^↑]/u.test(m) ? m.trim() : ''))
    .trim();
}

function endsSentence(line: string): boolean {
  return /[.!?。！？]["'”’)\]]*$/u.test(line);
}

/** Title Case: most words of four or more letters start with a capital. */
function isTitleCase(line: string): boolean {
  const long = words(line).filter((w) => /^\p{L}[\p{L}'’-]{3,}/u.test(w));
  if (long.length === 0) return false;
  const capitalised = long.filter((w) => /^\p{Lu}/u.test(w)).length;
  return capitalised / long.length >= TITLE_CASE_SHARE;
}

/** Splits glued menu items ("Comment via FacebookComment via Sputnik") at lower→upper case joins. */
function splitGluedItems(line: string): string[] {
  return line.split(/(?<=\p{Ll})(?=\p{Lu}\p{Ll})/u);
}

/** Splits a widget bar into its items at separators such as " - ", "|", "·", "/". */
function splitBarItems(line: string): string[] {
  return line.split(/\s+[-–—|·•/]\s+|\s*[|·•]\s*/u).filter((s) => s.trim().length > 0);
}

class Matchers {
  private widget: Set<string>;
  private social: Set<string>;
  private languages: Set<string>;
  private editions: Set<string>;
  private backToTop: Set<string>;
  /** Longest back-to-top phrase: a line with more letters and digits than this cannot normalise to one. */
  private backToTopLongest: number;
  private related: Set<string>;
  private comment: RegExp;
  private promos: string[];
  private legalPrefixes: string[];
  private legalPhrases: string[];
  private credits: string;
  private tagLabel: RegExp;
  private trailingCredit: RegExp;
  private creditLabel: RegExp;

  constructor(private lexicon: CleanLexicon) {
    this.widget = new Set(lexicon.widgetPhrases.map(normalise));
    this.social = new Set(lexicon.socialPlatforms.map(normalise));
    this.languages = new Set(lexicon.languageNames.map((l) => l.toLowerCase()));
    this.editions = new Set(lexicon.editionWords.map(normalise));
    this.backToTop = new Set(lexicon.backToTopPhrases.map((p) => p.toLowerCase()));
    this.backToTopLongest = longest(this.backToTop);
    this.related = new Set(lexicon.relatedHeadings.map(normalise));
    this.comment = new RegExp(`^(?:${lexicon.commentLinePatterns.join('|')})$`, 'iu');
    this.promos = lexicon.promoPhrases.map((p) => p.toLowerCase());
    this.legalPrefixes = lexicon.legalLinePrefixes.map((p) => p.toLowerCase());
    this.legalPhrases = lexicon.legalPhrases.map((p) => p.toLowerCase());
    this.credits = lexicon.photoCreditWords.map(escapeRegExp).join('|');
    this.tagLabel = new RegExp(`^(?:${lexicon.tagLabels.map(escapeRegExp).join('|')})\\s*:`, 'iu');
    this.creditLabel = new RegExp(`^(?:${this.credits})\\s*(?:[:/]|by\\b)`, 'iu');
    const agencies = lexicon.newsAgencies.map(escapeRegExp).join('|');
    // "[Photo/Xinhua]", "(Photo: Reuters)", "[Photo by Zhang Wei/China Daily]", "(Xinhua/Li Xin)".
    this.trailingCredit = new RegExp(
      `\\s*(?:[\\[(（](?:(?:${this.credits})\\b[^\\[\\]()]{0,80}|(?:${agencies})\\s*/[^\\[\\]()]{1,60})[\\])）])$`,
      'iu',
    );
  }

  isWidgetItem(item: string): boolean {
    const n = normalise(item);
    if (n.length === 0) return true;
    if (this.widget.has(n) || this.social.has(n)) return true;
    return this.comment.test(item.trim());
  }

  /** Share/follow bars: every item (after splitting separators and glued items) is a widget word. */
  isWidgetLine(line: string): boolean {
    if (wordCount(line) > 12) return false;
    // "Share this: X | Y": a bar's label ends at its colon.
    return splitBarItems(line).flatMap((item) => item.split(/:\s+/u)).every(
      (item) => this.isWidgetItem(item) || splitGluedItems(item).every((piece) => this.isWidgetItem(piece)),
    );
  }

  isLanguageOrEdition(item: string): boolean {
    const n = normalise(item);
    return this.languages.has(item.trim().toLowerCase()) || this.languages.has(n) || this.editions.has(n);
  }

  /** Edition and language switchers: "Global EditionASIA 中文Français", "English". */
  isEditionBar(line: string): boolean {
    if (wordCount(line) > 10) return false;
    // Pieces are separated by spaces, bars, or glued together by case/script changes.
    const pieces = line
      .split(/(?<=\p{Ll})(?=\p{Lu})|(?<=[\p{Lu}\p{Ll}])(?=[^\p{Script=Latin}\s\p{P}])|(?<=[^\p{Script=Latin}\s\p{P}])(?=\p{Script=Latin})|\s*[|·•]\s*/u)
      .map((p) => p.trim())
      .filter((p) => p.length > 0);
    const hasEditionOrLanguage = pieces.some((p) => /edition/iu.test(p) || this.languages.has(p.toLowerCase()));
    if (!hasEditionOrLanguage) return false;
    // Beside language names, a switcher holds region codes ("ASIA") and short native-script labels.
    const isSwitcherItem = (p: string): boolean =>
      this.isLanguageOrEdition(p) || /^\p{Lu}{2,10}$/u.test(p) || (p.length <= MAX_NATIVE_LABEL_CHARS && !/\p{Script=Latin}/u.test(p));
    return pieces.every((p) => isSwitcherItem(p) || words(p).every(isSwitcherItem));
  }

  /** "Home / China / Society", "News > World > Asia". */
  isBreadcrumb(line: string): boolean {
    if (line.startsWith('©')) return false;
    // Without a separator character the split below yields one part.
    if (!/[/>»›]/u.test(line)) return false;
    const parts = line.split(/\s+[/>»›]\s+/u);
    if (parts.length < 3) return false;
    return parts.every((p) => wordCount(p) > 0 && wordCount(p) <= 3 && !endsSentence(p));
  }

  isBackToTop(line: string): boolean {
    if (asciiAlnumCount(line) > this.backToTopLongest) return false;
    return this.backToTop.has(line.toLowerCase()) || this.backToTop.has(normalise(line));
  }

  isCommentLine(line: string): boolean {
    return this.comment.test(line.trim());
  }

  isRelatedHeading(line: string): boolean {
    if (line.length > MAX_LABEL_CHARS * 2) return false;
    return this.related.has(normalise(line));
  }

  /** "ALSO READ: Pune techie loses Rs 1.2 crore ...": another story's headline after a related label. */
  isRelatedTeaser(line: string): boolean {
    const label = /^([^:|]{1,30})\s*[:|]\s*\S/u.exec(line);
    return label !== null && this.related.has(normalise(label[1]!));
  }

  isLegal(line: string): boolean {
    const lower = line.toLowerCase();
    if (this.legalPrefixes.some((p) => lower.startsWith(p))) return true;
    if (this.legalPhrases.some((p) => lower.includes(p))) return true;
    // "© 2019 Some Outlet" — a copyright sign with a year.
    return /^(?:©|\(c\))\s*(?:copyright\s*)?(?:\d{4}|\p{L})/iu.test(line) && /\b(?:19|20)\d{2}\b/u.test(line);
  }

  /** Standalone credits: "© Flickr / Dennis Skley", "Photo: Xinhua", "[Photo/Xinhua]". */
  isPhotoCreditLine(line: string): boolean {
    if (wordCount(line) > MAX_CREDIT_WORDS) return false;
    if (line.startsWith('©')) return true;
    if (this.creditLabel.test(line)) return true;
    return endsWithBracket(line) && this.trailingCredit.test(line) && line.replace(this.trailingCredit, '').trim().length === 0;
  }

  /** Length of a caption line without its trailing credit, or null when it has none. */
  captionWithoutCredit(line: string): number | null {
    if (!endsWithBracket(line)) return null;
    const match = this.trailingCredit.exec(line);
    if (!match || match.index === 0) return null;
    return match.index;
  }

  isPromo(line: string): boolean {
    const lower = line.toLowerCase();
    return wordCount(line) <= MAX_PROMO_WORDS && this.promos.some((p) => lower.includes(p));
  }

  /** Page-builder shortcodes: a line made of "[name attr=...]" / "[/name]" tags. */
  isShortcodeLine(line: string): boolean {
    if (!/^\[\/?[a-z][a-z0-9_-]*(?:[\s\]]|$)/u.test(line)) return false;
    const rest = line.replace(/\[\/?[a-z][a-z0-9_-]*(?:\s[^\]]{0,2000})?\]/gu, '').trim();
    return rest.length === 0;
  }

  isLabelledTagList(line: string): boolean {
    return this.tagLabel.test(line);
  }
}

/** Whether `line` ends with a closing bracket, as every trailing credit does. */
function endsWithBracket(line: string): boolean {
  const last = line.charCodeAt(line.length - 1);
  return last === 0x5d || last === 0x29 || last === 0xff09;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** "arrest, hacking, cybercrime, China's Ministry of Public Security, China". */
function isUnlabelledTagList(line: string): boolean {
  if (line.length > MAX_FURNITURE_CHARS) return false;
  if (endsSentence(line) || line.endsWith(':')) return false;
  const items = line.split(/\s*[,;]\s*/u);
  if (items.length < MIN_TAGS) return false;
  return items.every((item) => {
    const n = wordCount(item);
    return n > 0 && n <= MAX_TAG_WORDS;
  });
}

/** Prose: a long line, or a shorter one that ends like a sentence. */
function isBodyLine(line: string): boolean {
  if (line.length > MAX_FURNITURE_CHARS) return true;
  const n = wordCount(line);
  return n >= MIN_BODY_WORDS || (n >= MIN_SENTENCE_BODY_WORDS && endsSentence(line));
}

function isLinkLike(line: string): boolean {
  return line.length <= MAX_FURNITURE_CHARS && wordCount(line) <= MAX_LINK_WORDS && !endsSentence(line);
}

function isShortLabel(line: string): boolean {
  if (line.length > MAX_LABEL_CHARS) return false;
  const n = wordCount(line);
  return n > 0 && n <= MAX_LABEL_WORDS && line.length <= MAX_LABEL_CHARS && !/\d/u.test(line) && !/[.!?:;,"“”]$/u.test(line);
}

/** Rules that judge a line on its own. */
function classifyAlone(line: string, m: Matchers): LineVerdict {
  const drop = (rule: string): LineVerdict => ({ keep: false, rule });
  if (m.isShortcodeLine(line)) return drop(RULES.shortcode);
  if (line.length <= MAX_FURNITURE_CHARS && MARKDOWN_RULE.test(line)) return drop(RULES.markdownRule);
  if (line.length <= MAX_FURNITURE_CHARS && MARKDOWN_IMAGE.test(line)) return drop(RULES.markdownImage);
  // Furniture is short; a very long line is body text, and skipping the rules keeps big inputs fast.
  if (line.length > MAX_FURNITURE_CHARS) return { keep: true, end: line.length };
  if (m.isBackToTop(line)) return drop(RULES.backToTop);
  if (m.isCommentLine(line)) return drop(RULES.comments);
  if (m.isWidgetLine(line)) return drop(RULES.widget);
  if (m.isEditionBar(line)) return drop(RULES.editionBar);
  if (m.isBreadcrumb(line)) return drop(RULES.breadcrumb);
  if (m.isPhotoCreditLine(line)) return drop(m.isLegal(line) ? RULES.legal : RULES.photoCredit);
  if (m.isLegal(line)) return drop(RULES.legal);
  if (m.isPromo(line)) return drop(RULES.promo);
  if (m.isLabelledTagList(line)) return drop(RULES.tagList);
  const captionEnd = m.captionWithoutCredit(line);
  if (captionEnd !== null) {
    return { keep: true, end: captionEnd, stripped: { text: line.slice(captionEnd).trim(), rule: RULES.photoCredit } };
  }
  return { keep: true, end: line.length };
}

const matchersByLexicon = new WeakMap<CleanLexicon, Matchers>();
/** A lexicon's compiled matchers, built once: they hold no state, and building them costs more than classifying a page. */
function matchersFor(lexicon: CleanLexicon): Matchers {
  let matchers = matchersByLexicon.get(lexicon);
  if (!matchers) matchersByLexicon.set(lexicon, (matchers = new Matchers(lexicon)));
  return matchers;
}

/**
 * Classifies each trimmed line of a page as article text or furniture. Blank lines are kept (with
 * end 0) so indices stay aligned with the input.
 */
export function classifyLines(lines: readonly string[], lexicon: CleanLexicon = ENGLISH_CLEAN_LEXICON): LineVerdict[] {
  const m = matchersFor(lexicon);
  const verdicts = lines.map((line) => (line.length === 0 ? ({ keep: true, end: 0 } as LineVerdict) : classifyAlone(line, m)));
  const kept = (i: number): boolean => lines[i]!.length > 0 && verdicts[i]!.keep;

  dropRelatedLinkLists(lines, verdicts, m);
  dropTail(lines, verdicts, kept);
  dropLabelsNextToFurniture(lines, verdicts, kept);
  return verdicts;
}

/** "Related Posts" and the link list under it, up to the next line of prose. */
function dropRelatedLinkLists(lines: readonly string[], verdicts: LineVerdict[], m: Matchers): void {
  for (let i = 0; i < lines.length; i++) {
    if (m.isRelatedTeaser(lines[i]!)) {
      verdicts[i] = { keep: false, rule: RULES.relatedLinks };
      continue;
    }
    if (!m.isRelatedHeading(lines[i]!)) continue;
    verdicts[i] = { keep: false, rule: RULES.relatedLinks };
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j]!;
      if (line.length === 0) continue;
      if (!isLinkLike(line)) break;
      if (verdicts[j]!.keep) verdicts[j] = { keep: false, rule: RULES.relatedLinks };
    }
    i = j - 1;
  }
}

/** After the last paragraph of body text: Title-Case headline lists and bare tag lists. */
function dropTail(lines: readonly string[], verdicts: LineVerdict[], kept: (i: number) => boolean): void {
  let lastBody = -1;
  for (let i = 0; i < lines.length; i++) if (kept(i) && isBodyLine(lines[i]!)) lastBody = i;
  if (lastBody < 0) return;
  for (let i = lastBody + 1; i < lines.length; i++) {
    if (!kept(i)) continue;
    const line = lines[i]!;
    // A table row ("| Shenzhen | 742 | 1,126 |") after the last paragraph is the article's table, not a related headline.
    if (isPipeTableRow(line) && /\d/u.test(line)) continue;
    if (isUnlabelledTagList(line)) verdicts[i] = { keep: false, rule: RULES.tagList };
    else if (isLinkLike(line) && !/[:;,]$/u.test(line) && isTitleCase(line) && wordCount(line) >= MIN_HEADLINE_WORDS && !line.startsWith('(')) {
      verdicts[i] = { keep: false, rule: RULES.relatedHeadline };
    }
  }
}

/** Short section labels whose nearest neighbour is furniture ("China" under an edition bar). */
function dropLabelsNextToFurniture(lines: readonly string[], verdicts: LineVerdict[], kept: (i: number) => boolean): void {
  const nonBlank = lines.map((_, i) => i).filter((i) => lines[i]!.length > 0);
  const isDropped = (i: number | undefined): boolean => i !== undefined && !verdicts[i]!.keep;
  const sweep = (order: number[]): void => {
    for (let k = 0; k < order.length; k++) {
      const i = order[k]!;
      if (!kept(i) || !isShortLabel(lines[i]!)) continue;
      if (isDropped(order[k - 1])) verdicts[i] = { keep: false, rule: RULES.navLabel };
    }
  };
  // Two sweeps so a run of labels next to furniture is dropped from either side.
  sweep(nonBlank);
  sweep([...nonBlank].reverse());
}
