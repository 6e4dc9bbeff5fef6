// The number reader: finds every numeric mention in a text ("15,000", "1.88 million", "15K",
// "$1.2bn", "nine", "a dozen", "1.5万", "3,000-plus") with its exact UTF-16 span and value,
// and says, from the surrounding characters, when a mention cannot be an enforcement figure
// (a year, a date, a percentage, a case code name ...).
//
// Design choices (documented because the figure extractor relies on them):
// - readNumbers returns ALL numeric mentions, including "one", ordinal words ("first") and numbers
//   that are plainly dates or years; deciding what counts is nonFigureReason's job (context rules)
//   and the extractor's (counted noun, verb). It never returns part of an identifier: a digit glued
//   to letters ("MP3", "COVID-19", "G20", "4G", "x86", "5GB") gives no mention.
// - Vague quantities are not numbers: "dozens", "hundreds of", "thousands", "several thousand".
// - The scan is a single left-to-right pass: every character is consumed once, lookaheads and
//   lookbehinds are bounded by a constant, and there are no regular expressions over unbounded
//   input (the context rules only run bounded regexes on short windows). Untrusted input may be a
//   50 MB single line or a megabyte of digits.
// - A number too large for a double (a 400-digit run) is one mention whose value is Infinity.
// - Language-specific wording lives in the exported tables below, not in the scanning logic.

export type NumberForm = 'digits' | 'scaled' | 'abbreviated' | 'words' | 'chinese';

export interface NumberMention {
  /** UTF-16 index into the input; input.slice(start, end) === text. */
  start: number;
  end: number;
  /** The literal number, without currency prefix and without a "-plus"/"+"/"余" suffix. */
  text: string;
  /** Normalised value; Infinity when the literal exceeds the double range. */
  value: number;
  form: NumberForm;
  /** "3,000-plus", "3000+", "1.5万余", "3000多", "逾5000": the source means "over". */
  plusSuffix: boolean;
  /** ISO 4217 code from a currency symbol or code standing immediately before the number. */
  currencyPrefix: string | null;
  /** Start including the currency prefix ("$1.2bn" -> index of "$"); equals start when none. */
  prefixStart: number;
}

// ---------------------------------------------------------------------------------------------
// Lexicon tables
// ---------------------------------------------------------------------------------------------

type WordKind = 'zero' | 'unit' | 'teen' | 'tens' | 'hundred' | 'scale' | 'dozen';

export interface NumberWord {
  kind: WordKind;
  value: number;
  /** "first", "twentieth", "hundredth": ends the number; nonFigureReason reports 'ordinal'. */
  ordinal?: boolean;
}

function cardinals(kind: WordKind, entries: Record<string, number>): [string, NumberWord][] {
  return Object.entries(entries).map(([word, value]) => [word, { kind, value }]);
}
function ordinals(kind: WordKind, entries: Record<string, number>): [string, NumberWord][] {
  return Object.entries(entries).map(([word, value]) => [word, { kind, value, ordinal: true }]);
}

/** English number words (lower case). "a" and "half" are handled as articles, see below. */
export const ENGLISH_NUMBER_WORDS: ReadonlyMap<string, NumberWord> = new Map([
  ...cardinals('zero', { zero: 0 }),
  ...cardinals('unit', { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9 }),
  ...cardinals('teen', {
    ten: 10, eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16,
    seventeen: 17, eighteen: 18, nineteen: 19,
  }),
  ...cardinals('tens', { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 }),
  ...cardinals('hundred', { hundred: 100 }),
  ...cardinals('scale', { thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12 }),
  // The Indian numbering system's scale words ("two lakh", "five crore"): 10^5 and 10^7.
  ...cardinals('scale', { lakh: 1e5, lac: 1e5, crore: 1e7 }),
  ...cardinals('dozen', { dozen: 12 }),
  ...ordinals('unit', {
    first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9,
  }),
  ...ordinals('teen', {
    tenth: 10, eleventh: 11, twelfth: 12, thirteenth: 13, fourteenth: 14, fifteenth: 15,
    sixteenth: 16, seventeenth: 17, eighteenth: 18, nineteenth: 19,
  }),
  ...ordinals('tens', {
    twentieth: 20, thirtieth: 30, fortieth: 40, fiftieth: 50, sixtieth: 60, seventieth: 70,
    eightieth: 80, ninetieth: 90,
  }),
  ...ordinals('hundred', { hundredth: 100 }),
  ...ordinals('scale', { thousandth: 1e3, millionth: 1e6, billionth: 1e9 }),
]);

/** Articles that stand for "one" before hundred / a scale word / dozen: "a million", "a dozen". */
export const ENGLISH_ONE_ARTICLES: ReadonlySet<string> = new Set(['a']);
/** "half a million". */
export const ENGLISH_HALF_WORDS: ReadonlySet<string> = new Set(['half']);
/** "one hundred and twenty". */
export const ENGLISH_NUMBER_CONJUNCTIONS: ReadonlySet<string> = new Set(['and']);

/**
 * Scale words after digits, as powers of ten: "1.88 million", "700 thousand", and the Indian
 * numbering system's "3.2 lakh" (10^5) and "12.5 crore" (10^7), which Indian outlets use for money
 * and counts alike ("Rs 50 crore", "1.5 lakh SIM cards"). Case-insensitive.
 */
export const DIGIT_SCALE_WORDS: ReadonlyMap<string, number> = new Map([
  ['hundred', 2], ['thousand', 3], ['million', 6], ['billion', 9], ['trillion', 12],
  ['lakh', 5], ['lakhs', 5], ['lac', 5], ['lacs', 5], ['crore', 7], ['crores', 7],
]);

/** Abbreviations glued to digits ("15K", "3.5m", "1.2bn"), case-sensitive, as powers of ten. */
export const ATTACHED_SCALE_ABBREVIATIONS: ReadonlyMap<string, number> = new Map([
  ['k', 3], ['K', 3],
  ['m', 6], ['M', 6], ['mn', 6], ['mln', 6], ['Mn', 6],
  ['b', 9], ['B', 9], ['bn', 9], ['bln', 9], ['Bn', 9],
  ['tn', 12], ['trn', 12], ['Tn', 12],
  ['cr', 7], ['Cr', 7], // crore: "Rs 12cr"
]);

/**
 * Abbreviations also read after one space ("$1.2 bn", "USD 5 mn"). Single letters are excluded
 * on purpose: "5 m" is usually metres, "15 K" is rare and ambiguous.
 */
export const SPACED_SCALE_ABBREVIATIONS: ReadonlyMap<string, number> = new Map([
  ['mn', 6], ['mln', 6], ['bn', 9], ['bln', 9], ['tn', 12], ['trn', 12], ['cr', 7], ['Cr', 7],
]);

/** Suffixes glued to digits that make an ordinal: "10th", "2nd". */
export const ORDINAL_DIGIT_SUFFIXES: ReadonlySet<string> = new Set(['st', 'nd', 'rd', 'th']);

/** Suffixes meaning "over" after the number: "3,000-plus", "3000+". */
export const PLUS_SUFFIXES: readonly string[] = ['-plus', '+'];

export const CHINESE_DIGITS: ReadonlyMap<string, number> = new Map([
  ['零', 0], ['〇', 0], ['一', 1], ['二', 2], ['两', 2], ['兩', 2], ['三', 3], ['四', 4], ['五', 5],
  ['六', 6], ['七', 7], ['八', 8], ['九', 9],
  ['壹', 1], ['贰', 2], ['貳', 2], ['叁', 3], ['參', 3], ['肆', 4], ['伍', 5], ['陆', 6], ['陸', 6],
  ['柒', 7], ['捌', 8], ['玖', 9],
]);
/** Units below 10,000 (power of ten). 十 may open a numeral: 十二 = 12. */
export const CHINESE_SMALL_UNITS: ReadonlyMap<string, number> = new Map([
  ['十', 1], ['拾', 1], ['百', 2], ['佰', 2], ['千', 3], ['仟', 3],
]);
/** Myriad units (power of ten): 万 = 10^4, 亿 = 10^8. */
export const CHINESE_BIG_UNITS: ReadonlyMap<string, number> = new Map([
  ['万', 4], ['萬', 4], ['亿', 8], ['億', 8],
]);
/** Units that may follow Arabic digits: "1.5万", "3000万", "2.3亿", "5千". 十 is left out ("5十" is not written). */
export const CHINESE_UNITS_AFTER_DIGITS: ReadonlyMap<string, number> = new Map([
  ['百', 2], ['千', 3], ['万', 4], ['萬', 4], ['亿', 8], ['億', 8],
]);
/** After a number: "3000余", "3000多" = over 3000; also between number and unit: "1000余万". */
export const CHINESE_PLUS_SUFFIXES: ReadonlySet<string> = new Set(['余', '餘', '多']);
/** Before a number: "逾5000" = over 5000. */
export const CHINESE_OVER_PREFIXES: ReadonlySet<string> = new Set(['逾']);

/**
 * Currency symbols and codes that may stand immediately before a number (glued or after one
 * space), with their ISO 4217 code. Longer entries must come before their suffixes ("US$" before
 * "$"); the reader sorts by length anyway. "¥" is read as CNY because this corpus is about China.
 * "PHP" is left out on purpose: it is far more often the programming language in this genre.
 */
export const CURRENCY_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ['US$', 'USD'], ['U.S.$', 'USD'], ['USD', 'USD'], ['$', 'USD'],
  ['HK$', 'HKD'], ['HKD', 'HKD'],
  ['NT$', 'TWD'], ['TWD', 'TWD'],
  ['A$', 'AUD'], ['AU$', 'AUD'], ['AUD', 'AUD'],
  ['C$', 'CAD'], ['CA$', 'CAD'], ['CAD', 'CAD'],
  ['S$', 'SGD'], ['SGD', 'SGD'],
  ['NZ$', 'NZD'], ['NZD', 'NZD'],
  ['R$', 'BRL'], ['BRL', 'BRL'],
  ['MOP$', 'MOP'], ['MOP', 'MOP'],
  ['¥', 'CNY'], ['￥', 'CNY'], ['RMB', 'CNY'], ['CNY', 'CNY'], ['人民币', 'CNY'],
  ['JPY', 'JPY'], ['円', 'JPY'],
  ['€', 'EUR'], ['EUR', 'EUR'],
  ['£', 'GBP'], ['GBP', 'GBP'],
  ['₹', 'INR'], ['Rs.', 'INR'], ['Rs', 'INR'], ['INR', 'INR'],
  ['₩', 'KRW'], ['KRW', 'KRW'],
  ['₱', 'PHP'],
  ['₫', 'VND'], ['VND', 'VND'],
  ['฿', 'THB'], ['THB', 'THB'],
  ['RM', 'MYR'], ['MYR', 'MYR'],
  ['Rp', 'IDR'], ['IDR', 'IDR'],
  ['₽', 'RUB'], ['RUB', 'RUB'],
  ['CHF', 'CHF'],
  ['₦', 'NGN'], ['NGN', 'NGN'],
  ['ZAR', 'ZAR'],
];

/**
 * Codes that are a currency only before an amount that looks like money (a scale word, or digit
 * groups: "PHP 120 million", "PHP 4,500,000"): "PHP 8" and "PHP 7.4" are the programming language.
 */
const AMOUNT_ONLY_CURRENCY_PREFIXES: ReadonlyArray<readonly [string, string]> = [['PHP', 'PHP']];
/**
 * Single letters glued to a scaled amount, as the Philippine and Thai press write pesos and baht
 * ("P15 million", "B450m", "B1.2bn"); never before a bare number ("B2", "P3").
 */
const GLUED_LETTER_CURRENCY_PREFIXES: ReadonlyMap<string, string> = new Map([['P', 'PHP'], ['B', 'THB']]);

/** Prefixes grouped by their last character (longest first), so most numbers need one Map lookup. */
const CURRENCY_PREFIXES_BY_LAST_CHAR: ReadonlyMap<string, ReadonlyArray<readonly [string, string]>> = (() => {
  const byLast = new Map<string, (readonly [string, string])[]>();
  for (const entry of [...CURRENCY_PREFIXES].sort((a, b) => b[0].length - a[0].length)) {
    const last = entry[0].slice(-1);
    byLast.set(last, [...(byLast.get(last) ?? []), entry]);
  }
  return byLast;
})();

// ---------------------------------------------------------------------------------------------
// Character classes
// ---------------------------------------------------------------------------------------------

/** Digit-group separators: comma, and the thin / narrow no-break spaces used in typeset text. */
const GROUP_SEPARATORS = new Set([',', '\u2009', '\u202F']);
/** Between a number and its scale word or between number words: "1.5 million", "twenty-five". */
const WORD_SEPARATORS = new Set([' ', '\u00A0', '-']);
/** Between a currency prefix and the number: "USD 700 million". */
const PREFIX_SPACES = new Set([' ', '\u00A0']);
/** Longest entry of ENGLISH_NUMBER_WORDS and the other word tables; longer words are skipped unread. */
const MAX_NUMBER_WORD_LENGTH = 10;

const NON_LATIN_WORD_SCRIPTS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const LETTER_OR_MARK = /[\p{L}\p{M}]/u;

function digitValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 0xff10 && code <= 0xff19) return code - 0xff10; // fullwidth ０-９
  return -1;
}
function isDigitAt(text: string, i: number): boolean {
  return i >= 0 && i < text.length && digitValue(text.charCodeAt(i)) >= 0;
}

/**
 * A letter that glues to digits to make an identifier ("MP3", "x86"). Han / kana / Hangul are
 * excluded: Chinese writes "共抓获1500人" with no spaces, and those digits are numbers.
 */
function isWordLetterAt(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const code = text.charCodeAt(i);
  if (code < 128) return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  // Fast exits for CJK punctuation, kana, Han and Hangul (the common non-ASCII text here).
  if ((code >= 0x3000 && code <= 0x9fff) || (code >= 0xac00 && code <= 0xd7af)) return false;
  const ch = text[i] as string;
  return LETTER_OR_MARK.test(ch) && !NON_LATIN_WORD_SCRIPTS.test(ch);
}
function isAlnumAt(text: string, i: number): boolean {
  return isDigitAt(text, i) || isWordLetterAt(text, i);
}

function skipAlnumRun(text: string, i: number): number {
  let j = i;
  while (j < text.length && isAlnumAt(text, j)) j++;
  return j;
}
function skipDigits(text: string, i: number): number {
  let j = i;
  while (isDigitAt(text, j)) j++;
  return j;
}

/** Index after a run of letters starting at i, reading at most `limit` letters (returns i + limit + 1 when longer). */
function letterRunEnd(text: string, i: number, limit: number): number {
  let j = i;
  while (j - i <= limit && isWordLetterAt(text, j)) j++;
  return j;
}

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

interface CurrencyMatch {
  code: string;
  prefixStart: number;
}

/** A currency symbol or code ending at `start` (glued) or one space before it. */
function findCurrencyPrefix(text: string, start: number): CurrencyMatch | null {
  const glued = currencyPrefixEndingAt(text, start);
  if (glued || start === 0 || !PREFIX_SPACES.has(text[start - 1] as string)) return glued;
  return currencyPrefixEndingAt(text, start - 1);
}

function currencyPrefixEndingAt(text: string, end: number): CurrencyMatch | null {
  const candidates = CURRENCY_PREFIXES_BY_LAST_CHAR.get(text[end - 1] ?? '');
  if (!candidates) return null;
  for (const [symbol, code] of candidates) {
    const from = end - symbol.length;
    if (from < 0 || !text.startsWith(symbol, from)) continue;
    // A code spelled with letters must be a whole word: "RMB5" yes, "XRMB5" no.
    if (isWordLetterAt(symbol, 0) && isAlnumAt(text, from - 1)) continue;
    return { code, prefixStart: from };
  }
  return null;
}

/** Digits glued to a preceding identifier: "MP3", "COVID-19", "file_2". "1920x1080" is not. */
function isGluedToIdentifierBefore(text: string, start: number): boolean {
  const prev = text[start - 1];
  if (prev === undefined) return false;
  if (isWordLetterAt(text, start - 1)) {
    const dimensionSign = (prev === 'x' || prev === 'X') && isDigitAt(text, start - 2);
    return !dimensionSign;
  }
  if (prev === '-' || prev === '_') return isAlnumAt(text, start - 2) && !isDigitAt(text, start - 2);
  return false;
}

function hasOverPrefix(text: string, start: number): boolean {
  return start > 0 && CHINESE_OVER_PREFIXES.has(text[start - 1] as string);
}

/** Length of a "-plus" / "+" / "余" suffix at `end`, or 0. */
function plusSuffixLength(text: string, end: number): number {
  for (const suffix of PLUS_SUFFIXES) {
    if (!text.startsWith(suffix, end)) continue;
    const after = end + suffix.length;
    if (suffix === '+' ? isDigitAt(text, after) : isWordLetterAt(text, after)) continue; // "3+4", "-plusses"
    return suffix.length;
  }
  return CHINESE_PLUS_SUFFIXES.has(text[end] as string) ? 1 : 0;
}

/** Exact decimal scaling: "1.88" x 10^6 is built as Number("188e4") = 1880000, not 1879999.9999999998. */
function decimalValue(integerDigits: string, fractionDigits: string, powerOfTen: number): number {
  if (fractionDigits === '' && powerOfTen === 0) return Number(integerDigits);
  return Number(`${integerDigits}${fractionDigits}e${powerOfTen - fractionDigits.length}`);
}

const ASCII_DIGITS_ONLY = /^[0-9]*$/;
const HAS_FULLWIDTH_DIGIT = /[\uFF10-\uFF19]/;

/** Fullwidth digits to ASCII, other characters kept: "２０１９-11" -> "2019-11". */
function toAsciiDigits(s: string): string {
  if (!HAS_FULLWIDTH_DIGIT.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const d = digitValue(s.charCodeAt(i));
    out += d >= 0 ? String(d) : (s[i] as string);
  }
  return out;
}

/** Only the digits, as ASCII: "1,531" -> "1531". */
function normaliseDigits(s: string): string {
  if (ASCII_DIGITS_ONLY.test(s)) return s;
  if (!HAS_FULLWIDTH_DIGIT.test(s)) return s.replace(/[^0-9]/g, '');
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const d = digitValue(s.charCodeAt(i));
    if (d >= 0) out += String(d);
  }
  return out;
}

interface Emit {
  start: number;
  end: number;
  value: number;
  form: NumberForm;
  plusSuffix: boolean;
}

function looksLikeAmount(text: string, found: Emit): boolean {
  return found.form === 'scaled' || found.form === 'abbreviated' || /\d[,\u2009\u202F]\d{3}/u.test(text.slice(found.start, found.end));
}

/** An amount-only code (AMOUNT_ONLY_CURRENCY_PREFIXES) one space before `start`, as a whole word. */
/** The currency of a letter glued before `start` and standing alone ("B450m", not "AB450m"), if it is one. */
function gluedCurrencyLetter(text: string, start: number): string | undefined {
  return isAlnumAt(text, start - 2) ? undefined : GLUED_LETTER_CURRENCY_PREFIXES.get(text[start - 1] ?? '');
}

function amountOnlyCurrencyPrefix(text: string, start: number, scaled: boolean): CurrencyMatch | null {
  const letter = gluedCurrencyLetter(text, start);
  if (letter && scaled) return { code: letter, prefixStart: start - 1 };
  if (start === 0 || !PREFIX_SPACES.has(text[start - 1] as string)) return null;
  for (const [symbol, code] of AMOUNT_ONLY_CURRENCY_PREFIXES) {
    const from = start - 1 - symbol.length;
    if (from >= 0 && text.startsWith(symbol, from) && !isAlnumAt(text, from - 1)) return { code, prefixStart: from };
  }
  return null;
}

/** Builds the mention (adding the currency prefix) and returns where scanning resumes. */
function emit(text: string, out: NumberMention[], found: Emit): number {
  const suffix = plusSuffixLength(text, found.end);
  const currency = findCurrencyPrefix(text, found.start) ?? (looksLikeAmount(text, found) ? amountOnlyCurrencyPrefix(text, found.start, found.form !== 'digits') : null);
  const previous = out[out.length - 1];
  // A prefix never reaches back into the previous mention.
  const usable = currency !== null && (previous === undefined || currency.prefixStart >= previous.end);
  out.push({
    start: found.start,
    end: found.end,
    text: text.slice(found.start, found.end),
    value: found.value,
    form: found.form,
    plusSuffix: found.plusSuffix || suffix > 0 || hasOverPrefix(text, found.start),
    currencyPrefix: usable ? currency.code : null,
    prefixStart: usable ? currency.prefixStart : found.start,
  });
  return found.end + suffix;
}

// ---------------------------------------------------------------------------------------------
// Digits: "15,000", "1.88", "1.88 million", "15K", "$1.2bn", "1.5万", "3000余"
// ---------------------------------------------------------------------------------------------

/** Scans the integer part with optional thousands groups ("1,531", "1 531" with a thin space). */
function scanIntegerPart(text: string, start: number): number {
  let j = skipDigits(text, start);
  if (j - start > 3) return j; // "15000,000" is not a grouped number
  let separator: string | null = null;
  for (;;) {
    const sep = text[j];
    if (sep === undefined || !GROUP_SEPARATORS.has(sep)) break;
    if (separator !== null && sep !== separator) break;
    const groupIsThreeDigits = isDigitAt(text, j + 1) && isDigitAt(text, j + 2) && isDigitAt(text, j + 3) && !isDigitAt(text, j + 4);
    if (!groupIsThreeDigits) break;
    separator = sep;
    j += 4;
  }
  return j;
}

/** Scans ".88" unless the dot belongs to a dotted chain ("1.2.3", "2019.11.15", "192.168.1.1"). */
function scanFraction(text: string, start: number, integerEnd: number): number {
  if (text[integerEnd] !== '.' || !isDigitAt(text, integerEnd + 1)) return integerEnd;
  const inDottedChainAlready = text[start - 1] === '.' && isDigitAt(text, start - 2);
  const fractionEnd = skipDigits(text, integerEnd + 1);
  const chainContinues = text[fractionEnd] === '.' && isDigitAt(text, fractionEnd + 1);
  return inDottedChainAlready || chainContinues ? integerEnd : fractionEnd;
}

interface ScaleSuffix {
  end: number;
  powerOfTen: number;
  form: NumberForm;
  plusInside: boolean;
}

/** "15K", "1.2bn" (glued), " million", "-million", " bn" (one separator), "万", "余万", "千万". */
function readScaleSuffix(text: string, numberEnd: number): ScaleSuffix | null {
  if (isWordLetterAt(text, numberEnd)) {
    const end = letterRunEnd(text, numberEnd, 3);
    const power = ATTACHED_SCALE_ABBREVIATIONS.get(text.slice(numberEnd, end));
    if (power !== undefined && !isAlnumAt(text, end)) return { end, powerOfTen: power, form: 'abbreviated', plusInside: false };
    return null;
  }
  if (WORD_SEPARATORS.has(text[numberEnd] as string) && isWordLetterAt(text, numberEnd + 1)) {
    const wordStart = numberEnd + 1;
    const end = letterRunEnd(text, wordStart, MAX_NUMBER_WORD_LENGTH);
    if (end - wordStart > MAX_NUMBER_WORD_LENGTH || isDigitAt(text, end)) return null;
    const word = text.slice(wordStart, end);
    const scale = DIGIT_SCALE_WORDS.get(word.toLowerCase());
    // "12.7 hundred million yuan", "3 ten thousand": 亿 and 万 as translation writes them.
    const compound = /^[ -]million(?![\p{L}-])/iu.exec(text.slice(end, end + 10));
    if (scale === 2 && compound) return { end: end + compound[0].length, powerOfTen: 8, form: 'scaled', plusInside: false };
    if (scale !== undefined) return { end, powerOfTen: scale, form: 'scaled', plusInside: false };
    const abbreviation = text[numberEnd] === '-' ? undefined : SPACED_SCALE_ABBREVIATIONS.get(word);
    if (abbreviation !== undefined) return { end, powerOfTen: abbreviation, form: 'abbreviated', plusInside: false };
    return null;
  }
  let j = numberEnd;
  let plusInside = false;
  if (CHINESE_PLUS_SUFFIXES.has(text[j] as string) && CHINESE_BIG_UNITS.has(text[j + 1] as string)) {
    plusInside = true; // "1000余万" = over 10 million
    j++;
  }
  let power = 0;
  const unitsStart = j;
  while (j - unitsStart < 3) {
    const unit = CHINESE_UNITS_AFTER_DIGITS.get(text[j] as string);
    if (unit === undefined) break;
    power += unit; // "3千万" = 3 x 10^3 x 10^4
    j++;
  }
  if (j === unitsStart) return null;
  return { end: j, powerOfTen: power, form: 'chinese', plusInside };
}

function readDigitMention(text: string, start: number, out: NumberMention[]): number {
  const integerEnd = scanIntegerPart(text, start);
  const numberEnd = scanFraction(text, start, integerEnd);
  if (isGluedToIdentifierBefore(text, start) && !findCurrencyPrefix(text, start)) {
    // "B450m", "P15 million": a currency letter before a scaled amount (amountOnlyCurrencyPrefix).
    const glued = gluedCurrencyLetter(text, start) ? readScaleSuffix(text, numberEnd) : null;
    // Not a single capital after the digits: "B2B" is a word, not 2 billion baht.
    if (!glued || (glued.end - numberEnd === 1 && /\p{Lu}/u.test(text[numberEnd]!))) return skipAlnumRun(text, start);
  }

  // "1920x1080": the "x" is a dimension sign, not a glued identifier.
  const next = text[numberEnd];
  if ((next === 'x' || next === 'X') && isDigitAt(text, numberEnd + 1)) {
    emitDigits(text, out, start, integerEnd, numberEnd, null);
    return numberEnd + 1; // resume at the second number, which the "x" does not glue to
  }
  // "10th", "2nd": an ordinal; the mention is the digits, the suffix is context.
  if (isWordLetterAt(text, numberEnd) && numberEnd === integerEnd) {
    const suffixEnd = letterRunEnd(text, numberEnd, 2);
    if (ORDINAL_DIGIT_SUFFIXES.has(text.slice(numberEnd, suffixEnd).toLowerCase()) && !isAlnumAt(text, suffixEnd)) {
      emitDigits(text, out, start, integerEnd, numberEnd, null);
      return suffixEnd;
    }
  }
  const scale = readScaleSuffix(text, numberEnd);
  if (!scale && isWordLetterAt(text, numberEnd)) return skipAlnumRun(text, start); // "4G", "5km", "1990s"
  return emitDigits(text, out, start, integerEnd, numberEnd, scale);
}

function emitDigits(
  text: string, out: NumberMention[], start: number, integerEnd: number, numberEnd: number, scale: ScaleSuffix | null,
): number {
  const integerDigits = normaliseDigits(text.slice(start, integerEnd));
  const fractionDigits = numberEnd > integerEnd ? normaliseDigits(text.slice(integerEnd + 1, numberEnd)) : '';
  return emit(text, out, {
    start,
    end: scale ? scale.end : numberEnd,
    value: decimalValue(integerDigits, fractionDigits, scale ? scale.powerOfTen : 0),
    form: scale ? scale.form : 'digits',
    plusSuffix: scale ? scale.plusInside : false,
  });
}

// ---------------------------------------------------------------------------------------------
// Chinese numerals: "一万", "三千五百", "二〇一九", "十二"
// ---------------------------------------------------------------------------------------------

function isChineseNumeralChar(ch: string): boolean {
  return CHINESE_DIGITS.has(ch) || CHINESE_SMALL_UNITS.has(ch) || CHINESE_BIG_UNITS.has(ch);
}

/** A numeral opens with a digit or 十 ("十二"); a lone "一" ("统一", "一些") is not read. */
function isChineseNumeralStart(ch: string): boolean {
  if (ch.charCodeAt(0) < 0x3000) return false; // fast path: every Chinese numeral is above U+3000
  return CHINESE_DIGITS.has(ch) || CHINESE_SMALL_UNITS.get(ch) === 1;
}

function chineseNumeralValue(chars: string): number {
  const hasUnit = [...chars].some((ch) => !CHINESE_DIGITS.has(ch));
  if (!hasUnit) {
    // "二〇一九": digits read one by one.
    let digits = '';
    for (const ch of chars) digits += String(CHINESE_DIGITS.get(ch));
    return Number(digits);
  }
  let total = 0; // completed 亿 part
  let section = 0; // part below the next big unit
  let pending = 0; // last digit not yet multiplied
  for (const ch of chars) {
    const digit = CHINESE_DIGITS.get(ch);
    if (digit !== undefined) {
      pending = digit;
      continue;
    }
    const small = CHINESE_SMALL_UNITS.get(ch);
    if (small !== undefined) {
      section += (pending === 0 ? 1 : pending) * 10 ** small;
      pending = 0;
      continue;
    }
    const big = CHINESE_BIG_UNITS.get(ch) as number;
    if (big >= 8) {
      total = (total + section + pending) * 10 ** big;
      section = 0;
    } else {
      section = (section + pending) * 10 ** big;
    }
    pending = 0;
  }
  return total + section + pending;
}

function readChineseMention(text: string, start: number, out: NumberMention[]): number {
  let end = start;
  while (end < text.length && isChineseNumeralChar(text[end] as string)) end++;
  const chars = text.slice(start, end);
  const hasNonZeroDigitOrTen = [...chars].some((ch) => (CHINESE_DIGITS.get(ch) ?? 0) > 0 || CHINESE_SMALL_UNITS.get(ch) === 1);
  const isNumeral = chars.length >= 2 && hasNonZeroDigitOrTen;
  if (!isNumeral) return end;
  let value = chineseNumeralValue(chars);
  let plusInside = false;
  if (CHINESE_PLUS_SUFFIXES.has(text[end] as string) && CHINESE_BIG_UNITS.has(text[end + 1] as string)) {
    plusInside = true; // "三千余万"
    value *= 10 ** (CHINESE_BIG_UNITS.get(text[end + 1] as string) as number);
    end += 2;
  }
  return emit(text, out, { start, end, value, form: 'chinese', plusSuffix: plusInside });
}

// ---------------------------------------------------------------------------------------------
// Number words: "nine", "twenty-five", "one hundred and twenty", "a dozen", "half a million"
// ---------------------------------------------------------------------------------------------

interface WordAt {
  start: number;
  end: number;
  lower: string;
}

/** The word at i if it is short enough to be a number word and not glued to digits. */
function readWordAt(text: string, i: number): WordAt | null {
  const end = letterRunEnd(text, i, MAX_NUMBER_WORD_LENGTH);
  if (end === i || end - i > MAX_NUMBER_WORD_LENGTH || isDigitAt(text, end)) return null;
  return { start: i, end, lower: text.slice(i, end).toLowerCase() };
}

/** The next word after a single separator (space, no-break space or hyphen). */
function nextWord(text: string, end: number): WordAt | null {
  if (!WORD_SEPARATORS.has(text[end] as string)) return null;
  return readWordAt(text, end + 1);
}

type Phase = 'start' | 'a' | 'unit' | 'teen' | 'tens' | 'tensUnit' | 'hundred' | 'scale' | 'and';

/** Compound-number grammar state; `acceptWord` mutates it only when the word fits. */
interface WordNumberState {
  total: number;
  group: number;
  lastScale: number;
  phase: Phase;
  terminal: boolean;
}

function acceptWord(state: WordNumberState, word: NumberWord): boolean {
  const p = state.phase;
  const afterQuantity = p === 'unit' || p === 'teen' || p === 'tens' || p === 'tensUnit';
  const openSlot = p === 'start' || p === 'hundred' || p === 'scale' || p === 'and';
  switch (word.kind) {
    case 'zero':
      if (p !== 'start') return false;
      state.terminal = true;
      break;
    case 'unit':
      if (!openSlot && p !== 'tens') return false;
      state.group += word.value;
      state.phase = p === 'tens' ? 'tensUnit' : 'unit';
      break;
    case 'teen':
    case 'tens':
      if (!openSlot) return false;
      state.group += word.value;
      state.phase = word.kind;
      break;
    case 'hundred':
      if (!(afterQuantity || p === 'a') || state.group >= 100) return false;
      state.group = (state.group || 1) * 100;
      state.phase = 'hundred';
      break;
    case 'scale':
      if (!(afterQuantity || p === 'a' || p === 'hundred') || word.value >= state.lastScale) return false;
      state.total += (state.group || 1) * word.value;
      state.group = 0;
      state.lastScale = word.value;
      state.phase = 'scale';
      break;
    case 'dozen':
      if (!(p === 'a' || (p === 'unit' && state.total === 0))) return false;
      state.group = (state.group || 1) * 12;
      state.terminal = true;
      break;
  }
  if (word.ordinal) state.terminal = true;
  return true;
}

interface WordNumber {
  end: number;
  value: number;
}

/** "half a million" / "half a dozen". */
function readHalfOf(text: string, half: WordAt): WordNumber | null {
  const article = nextWord(text, half.end);
  if (!article || !ENGLISH_ONE_ARTICLES.has(article.lower) || text[half.end] === '-') return null;
  const unit = nextWord(text, article.end);
  const word = unit ? ENGLISH_NUMBER_WORDS.get(unit.lower) : undefined;
  if (!unit || !word || word.ordinal || !(word.kind === 'scale' || word.kind === 'hundred' || word.kind === 'dozen')) return null;
  return { end: unit.end, value: word.value / 2 };
}

function parseWordNumber(text: string, first: WordAt): WordNumber | null {
  if (ENGLISH_HALF_WORDS.has(first.lower)) return readHalfOf(text, first);
  const state: WordNumberState = { total: 0, group: 0, lastScale: Infinity, phase: 'start', terminal: false };
  let word: WordAt | null = first;
  let committed: WordNumber | null = null;
  if (ENGLISH_ONE_ARTICLES.has(first.lower)) {
    state.phase = 'a'; // "a million": the article alone is never a number
    word = nextWord(text, first.end);
  }
  while (word) {
    const entry = ENGLISH_NUMBER_WORDS.get(word.lower);
    if (!entry || !acceptWord(state, entry)) break;
    committed = { end: word.end, value: state.total + state.group };
    if (state.terminal) break;
    word = nextWord(text, word.end);
    if (word && ENGLISH_NUMBER_CONJUNCTIONS.has(word.lower) && (state.phase === 'hundred' || state.phase === 'scale')) {
      // "one hundred and twenty": take "and" only when a small number follows it.
      const afterAnd = text[word.end] === ' ' ? nextWord(text, word.end) : null;
      const small = afterAnd ? ENGLISH_NUMBER_WORDS.get(afterAnd.lower) : undefined;
      if (!small || !(small.kind === 'unit' || small.kind === 'teen' || small.kind === 'tens')) break;
      state.phase = 'and';
      word = afterAnd;
    }
  }
  return committed;
}

function skipLetters(text: string, i: number): number {
  let j = i;
  while (isWordLetterAt(text, j)) j++;
  return j;
}

function readWordMention(text: string, start: number, out: NumberMention[]): number {
  // Resume after the letters only: digits glued after them ("RMB10,000", "MP3") are judged by readDigitMention.
  const wordEnd = skipLetters(text, start);
  // Only whole words: not "someone", not the "one" of "all-in-one" or "COVID-nineteen".
  const prev = text[start - 1];
  const glued = isAlnumAt(text, start - 1) || ((prev === '-' || prev === '_') && isAlnumAt(text, start - 2));
  if (glued || wordEnd - start > MAX_NUMBER_WORD_LENGTH) return wordEnd;
  const first = readWordAt(text, start);
  if (!first) return wordEnd;
  const parsed = parseWordNumber(text, first);
  if (!parsed) return wordEnd;
  return emit(text, out, { start, end: parsed.end, value: parsed.value, form: 'words', plusSuffix: false });
}

// ---------------------------------------------------------------------------------------------
// The reader
// ---------------------------------------------------------------------------------------------

/** All numeric mentions of `text`, in order, non-overlapping. Linear in the length of `text`. */
export function readNumbers(text: string): NumberMention[] {
  const mentions: NumberMention[] = [];
  let i = 0;
  const length = text.length;
  while (i < length) {
    const code = text.charCodeAt(i);
    let next = i + 1;
    if (code < 128) {
      // ASCII fast path: most characters are letters, spaces and punctuation.
      if (code >= 48 && code <= 57) next = readDigitMention(text, i, mentions);
      else if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) next = readWordMention(text, i, mentions);
    } else if (digitValue(code) >= 0) next = readDigitMention(text, i, mentions);
    else if (isChineseNumeralStart(text[i] as string)) next = readChineseMention(text, i, mentions);
    else if (isWordLetterAt(text, i)) next = readWordMention(text, i, mentions);
    i = next > i ? next : i + 1; // always make progress
  }
  return mentions;
}

// ---------------------------------------------------------------------------------------------
// Why a mention is not an enforcement figure
// ---------------------------------------------------------------------------------------------

export const NON_FIGURE_REASONS = [
  'year', // "in 2019", "2015-2016", "2019年"
  'date', // "September 5", "5 September", "2019-11-15", "12/12/2019", "11月"
  'time', // "08:34", "10 a.m.", "GMT +8"
  'percent', // "60 percent", "60%", "60 per cent"
  'ordinal', // "first", "10th", "No. 3", "第十二"
  'code_name', // the "9.27" case, “3.23”, "9·27"
  'phone', // "+86 10 6512 3456", "call 110", "13812345678"
  'id_number', // "Registration Number: 130349", leading-zero numbers, IP addresses, 12+ digit runs
  'dimension', // "1024*768", "1920x1080"
  'measurement', // "5 GB", "20 km", "300 square meters": sizes and distances, not counts
  'version', // "version 2.0", "Windows 10", "1.2.3"
  'age', // "aged 25", "25-year-old", "25岁"
  'duration', // "six-month", "10-day", "first 10 months", "five months later", "3年"
  'reference', // "Article 287 of the Criminal Law", "page 3", "Section 5"
  'url', // digits inside a web address
  'idiom', // "one of the", "no one", "one by one", "24/7"
] as const;
export type NonFigureReason = (typeof NON_FIGURE_REASONS)[number];

/** Words and characters the context rules look for. Extend here, not in the rules. */
export const NON_FIGURE_LEXICON = {
  months: [
    'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
    'November', 'December', 'Jan', 'Feb', 'Mar', 'Apr', 'Jun', 'Jul', 'Aug', 'Sep', 'Sept', 'Oct', 'Nov', 'Dec',
  ],
  timeUnits: [
    'seconds?', 'secs?', 'minutes?', 'mins?', 'hours?', 'hrs?', 'days?', 'nights?', 'weeks?', 'fortnights?',
    'months?', 'years?', 'yrs?', 'decades?', 'century', 'centuries',
  ],
  clockWords: ['a\\.m\\.', 'p\\.m\\.', 'A\\.M\\.', 'P\\.M\\.', 'am', 'pm', 'AM', 'PM', "o'clock", 'GMT', 'UTC', 'BST', 'CET', 'EST', 'EDT', 'PST', 'PDT', 'Beijing time'],
  timeZones: ['GMT', 'UTC'],
  percentWords: ['%', '％', '‰', 'percent', 'per cent', 'per-cent', 'pct', 'percentage points?'],
  measurementUnits: [
    'km', 'kilomet(?:er|re)s?', 'met(?:er|re)s?', 'cm', 'mm', 'miles?', 'feet', 'foot', 'ft', 'inch(?:es)?',
    'square', 'sq', 'hectares?', 'acres?', 'mu', 'kb', 'mb', 'gb', 'tb', 'pb', 'kilobytes?', 'megabytes?',
    'gigabytes?', 'terabytes?', 'petabytes?', 'bytes?', 'bits?', 'kbps', 'mbps', 'gbps', 'mhz', 'ghz', 'mah',
    'pixels?', 'px', 'dpi', 'degrees?',
  ],
  /** Words after which a 4-digit number in 1900-2099 is a year even if a noun follows: "In 2019 police ...". */
  yearPrepositions: [
    'in', 'since', 'by', 'until', 'till', 'during', 'from', 'before', 'after', 'through', 'throughout', 'between',
    'early', 'late', 'mid', 'year', 'fiscal', 'spring', 'summer', 'autumn', 'fall', 'winter', 'copyright', 'end of',
    'start of', 'beginning of', 'half of', 'quarter of',
  ],
  /** Words before a number that make it a quantity: "more than 2019". */
  quantityQualifiers: [
    'than', 'about', 'around', 'nearly', 'almost', 'over', 'some', 'approximately', 'roughly', 'total of',
    'up to', 'least', 'estimated', 'only', 'just',
  ],
  /** Counted nouns that do not end in -s: "2000 people", "1999 yuan". */
  irregularCountedNouns: ['people', 'persons', 'police', 'men', 'women', 'children', 'yuan', 'renminbi', 'rmb', 'personnel', 'staff', 'cattle'],
  /** Words ending in -s that are not plural nouns: "2019 was ...". */
  nonPluralSWords: [
    'was', 'is', 'has', 'its', 'as', 'his', 'this', 'thus', 'plus', 'less', 'across', 'unless', 'always',
    'perhaps', 'besides', 'whereas', 'towards', 'afterwards', 'includes', 'sees', 'saw', 'marks', 'remains',
    'witnesses', 'does', 'goes', 'us', 'yes', 'news', 'versus', 'series', 'alias',
  ],
  /** Counted-thing classifiers after a Chinese-written number: "2019人". */
  chineseClassifiers: ['人', '名', '起', '个', '個', '件', '家', '条', '條', '元', '万', '亿', '余', '多'],
  chineseDateChars: ['月', '日', '号', '號'],
  chineseYearChars: ['年'],
  chineseDurationUnits: ['天', '个月', '個月', '小时', '小時', '周', '年', '分钟', '秒'],
  chineseAgeChars: ['岁', '歲'],
  chineseClockChars: ['时', '時', '点钟', '點鐘'],
  chineseOrdinalPrefixes: ['第'],
  chinesePercentPrefixes: ['百分之'],
  quoteOpen: ['"', '“', "'", '‘', '「', '『', '《', '＂'],
  quoteClose: ['"', '”', "'", '’', '」', '』', '》', '＂'],
  codeNameNouns: ['case', 'cases', 'campaign', 'operation', 'project', 'action', 'incident', 'crackdown', 'gang', 'ring', 'special', 'task force'],
  codeNameChineseNouns: ['案', '专案', '專案', '行动', '行動'],
  codeNameSeparators: ['·', '・', '•'],
  phoneKeywords: ['tel', 'telephone', 'phone', 'hotline', 'call', 'called', 'calling', 'dial', 'dialed', 'dialled', 'dialing', 'fax', 'mobile', 'whatsapp'],
  /** Before a number: "Registration Number: 130349", "ICP 030173". */
  idKeywords: ['registration', 'licen[cs]e', 'icp', 'isbn', 'issn', 'passport', 'serial', 'zip', 'post ?code', 'postal code', 'tracking', 'filing'],
  /** Only with "No."/"number"/":"/"#": "Case No. 3", "ID: 5". */
  idKeywordsNeedingNumberSign: ['id', 'account', 'card', 'code', 'reference', 'ref', 'record', 'case', 'certificate', 'permit', 'order', 'file', 'document', 'docket'],
  versionKeywords: [
    'version', 'ver', 'v', 'release', 'ios', 'android', 'windows', 'macos', 'python', 'php', 'java', 'http', 'tls',
    'ssl', 'web', 'office', 'chrome', 'firefox', 'iphone', 'ipad', 'galaxy', 'xbox', 'playstation', 'ps', 'wechat',
  ],
  referenceKeywords: [
    'article', 'articles', 'section', 'sections', 'clause', 'clauses', 'paragraph', 'paragraphs', 'chapter', 'item',
    'rule', 'page', 'pages', 'p\\.', 'pp\\.', 'fig\\.', 'table', 'appendix', 'annex', 'part', 'schedule', 'title',
  ],
  ageBefore: ['aged', 'age', 'ages', 'aged between', 'aged from'],
  ageAfter: ['-year-old', ' year old', ' years old', '-years-old', '-year old', ' years of age', '-year-olds'],
  ordinalSigns: ['No.', 'No', 'NO.', 'no.', 'Nr.', '#'],
  /** The word "one" in fixed phrases: not a count. */
  oneIdiomAfter: [' of', ' another', ' by one', ' or two', ' or more', ' or another', ' or the other', '-off', '-on-one', '-to-one', '-stop', '-way', '-sided', ' day', ' time'],
  oneIdiomBefore: ['no', 'any', 'every', 'each', 'at'],
  numericIdioms: ['24/7', '7/24', '24x7'],
} as const;

const L = NON_FIGURE_LEXICON;
const alt = (items: readonly string[]): string => items.join('|');
const literalAlt = (items: readonly string[]): string => items.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
const capitalised = (words: readonly string[]): string[] => words.flatMap((w) => [w, w.toUpperCase()]);

// All patterns run on windows of at most CONTEXT_WINDOW characters, so their cost is bounded.
const CONTEXT_WINDOW = 48;
const RX = {
  percentAfter: new RegExp(`^\\s?-?(?:${literalAlt(L.percentWords.filter((w) => !w.includes('?')))}|percentage points?)(?![A-Za-z])`, 'i'),
  clockAfter: new RegExp(`^\\s?(?:${alt(L.clockWords)})(?![A-Za-z])`),
  timeZoneBefore: new RegExp(`(?:${alt(L.timeZones)})\\s?[+\\-−]?$`),
  clockToken: /^\d{1,2}:\d{2}(?::\d{2})?$/,
  isoDateToken: /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$/,
  dayMonthYearToken: /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$/,
  yearMonthToken: /^\d{4}[-/.](\d{1,2})$/,
  dayMonthToken: /^(\d{1,2})\/(\d{1,2})$/,
  yearRangeToken: /^(?:19|20)\d{2}\s?[-–/]\s?(?:(?:19|20)?\d{2})$/,
  monthBefore: new RegExp(`(?:^|[^A-Za-z])(?:${alt(capitalised(L.months))})\\.?,?\\s$`),
  monthAfter: new RegExp(`^(?:st|nd|rd|th)?,?\\s(?:of\\s)?(?:${alt(capitalised(L.months))})(?![A-Za-z])`),
  durationAfter: new RegExp(`^[\\s-]?(?:long[\\s-])?(?:${alt(L.timeUnits)})(?![A-Za-z])`, 'i'),
  measurementAfter: new RegExp(`^[\\s-]?(?:${alt(L.measurementUnits)})(?![A-Za-z])`, 'i'),
  ageBefore: new RegExp(`(?:^|[^A-Za-z])(?:${alt(L.ageBefore)})\\s?:?\\s$`, 'i'),
  ageAfter: new RegExp(`^(?:${literalAlt(L.ageAfter)})(?![A-Za-z])`, 'i'),
  dimensionAfter: /^\s?[x×*X]\s?\d/,
  dimensionBefore: /\d\s?[x×*X]\s?$/,
  phoneBefore: new RegExp(`(?:^|[^A-Za-z])(?:${alt(L.phoneKeywords)})(?:\\s?(?:no\\.?|number|line))?\\s?[:：]?\\s?(?:on|at)?\\s?[+(]?$`, 'i'),
  idBefore: new RegExp(`(?:^|[^A-Za-z])(?:${alt(L.idKeywords)})(?:\\s?(?:no\\.?|number|num\\.?|#))?\\s?[:：#.]?\\s?$`, 'i'),
  idWithSignBefore: new RegExp(`(?:^|[^A-Za-z])(?:${alt(L.idKeywordsNeedingNumberSign)})\\s?(?:(?:no\\.?|number|num\\.?)\\s?[:：#]?|[:：#])\\s?$`, 'i'),
  versionBefore: new RegExp(`(?:^|[^A-Za-z])(?:${alt(L.versionKeywords)})\\.?\\s?$`, 'i'),
  multiDotToken: /^\d+(?:\.\d+){2,}$/,
  ipToken: /^\d{1,3}(?:\.\d{1,3}){3}$/,
  referenceBefore: new RegExp(`(?:^|[^A-Za-z])(?:${alt(L.referenceKeywords)})\\s$`, 'i'),
  referenceListBefore: new RegExp(`(?:^|[^A-Za-z])(?:${alt(L.referenceKeywords)})\\s\\d{1,4}(?:,\\s?\\d{1,4}){0,5},?\\s(?:and|or|to)\\s$`, 'i'),
  ordinalSuffixAfter: /^(?:st|nd|rd|th)(?![A-Za-z])/i,
  ordinalSignBefore: new RegExp(`(?:^|[^A-Za-z])(?:${literalAlt(L.ordinalSigns)})\\s?$`),
  quoteBefore: new RegExp(`(?:${literalAlt(L.quoteOpen)})\\s?$`),
  quoteAfter: new RegExp(`^\\s?(?:${literalAlt(L.quoteClose)})`),
  codeNameAfter: new RegExp(`^\\s?(?:${literalAlt(L.quoteClose)})?\\s?(?:(?:${alt(L.codeNameNouns)})(?![A-Za-z])|${alt(L.codeNameChineseNouns)})`, 'i'),
  shortDecimal: /^\d{1,2}\.\d{1,2}$/,
  yearPrepositionBefore: new RegExp(`(?:^|[^A-Za-z])(?:${alt(L.yearPrepositions)})[\\s-]$`, 'i'),
  quantityBefore: new RegExp(`(?:^|[^A-Za-z])(?:${alt(L.quantityQualifiers)})\\s$`, 'i'),
  wordAfter: /^\s([A-Za-z]{1,20})(?![A-Za-z])/,
  oneIdiomAfter: new RegExp(`^(?:${literalAlt(L.oneIdiomAfter)})(?![A-Za-z])`, 'i'),
  oneIdiomBefore: new RegExp(`(?:^|[^A-Za-z])(?:${alt(L.oneIdiomBefore)})\\s$`, 'i'),
  urlChunk: /(?:[a-z][a-z0-9+.-]{0,15}:\/\/|www\.)/i,
  phoneToken: /^\+?\(?\d{1,4}\)?(?:[\s-]\(?\d{2,5}\)?){1,4}$/,
  chineseMobile: /^1[3-9]\d{9}$/,
} as const;

interface MentionContext {
  text: string;
  m: NumberMention;
  /** Up to CONTEXT_WINDOW characters before the mention (before its currency prefix). */
  before: string;
  /** Up to CONTEXT_WINDOW characters after the mention. */
  after: string;
  /** For plain digits: the run of digits and [./-:] around the mention ("2019-11-15"), trimmed. */
  token: string;
  /** Digits only ("2019"), no separators. */
  isPlainInteger: boolean;
}

const TOKEN_CHARS = new Set(['.', '/', '-', ':', '–']);
const TOKEN_REACH = 16;

/** The compact numeric token around a digits mention: "11" in "2019-11-15" -> "2019-11-15". */
function compactToken(text: string, m: NumberMention): string {
  if (m.form !== 'digits') return m.text;
  const isTokenChar = (i: number): boolean => isDigitAt(text, i) || TOKEN_CHARS.has(text[i] as string);
  let from = m.start;
  while (from > 0 && m.start - from < TOKEN_REACH && isTokenChar(from - 1)) from--;
  let to = m.end;
  while (to < text.length && to - m.end < TOKEN_REACH && isTokenChar(to)) to++;
  let token = text.slice(from, to);
  // Trim punctuation at the edges ("2019-11-15." at a sentence end).
  let a = 0;
  let b = token.length;
  while (a < b && !isDigitAt(token, a)) a++;
  while (b > a && !isDigitAt(token, b - 1)) b--;
  return toAsciiDigits(token.slice(a, b));
}

/** The run of digits, spaces, dashes, parentheses and "+" around a mention, for phone numbers. */
function phoneToken(text: string, m: NumberMention): string {
  const isPhoneChar = (i: number): boolean => isDigitAt(text, i) || ' -()+'.includes(text[i] ?? 'x');
  let from = m.start;
  while (from > 0 && m.start - from < 20 && isPhoneChar(from - 1)) from--;
  let to = m.end;
  while (to < text.length && to - m.end < 20 && isPhoneChar(to)) to++;
  return text.slice(from, to).trim().replace(/^[-)\s]+|[-(+\s]+$/g, '');
}

function startsWithAny(s: string, items: readonly string[]): boolean {
  return items.some((item) => s.startsWith(item));
}
function endsWithAny(s: string, items: readonly string[]): boolean {
  return items.some((item) => s.endsWith(item));
}

function countedNounFollows(after: string): boolean {
  if (startsWithAny(after, L.chineseClassifiers)) return true;
  const word = RX.wordAfter.exec(after)?.[1];
  if (!word) return false;
  const lower = word.toLowerCase();
  if ((L.irregularCountedNouns as readonly string[]).includes(lower)) return true;
  const looksPlural = word === lower && lower.length >= 4 && lower.endsWith('s') && !lower.endsWith('ss');
  return looksPlural && !(L.nonPluralSWords as readonly string[]).includes(lower);
}

function isWordOrdinal(c: MentionContext): boolean {
  if (c.m.form !== 'words') return false;
  const lastWord = c.m.text.toLowerCase().split(/[\s-]/).pop() ?? '';
  return ENGLISH_NUMBER_WORDS.get(lastWord)?.ordinal === true;
}

function isYear(c: MentionContext): boolean {
  const { m } = c;
  if (m.currencyPrefix || m.plusSuffix || m.value < 1900 || m.value > 2099 || !Number.isInteger(m.value)) return false;
  if (m.form === 'chinese') return startsWithAny(c.after, L.chineseYearChars);
  if (m.form !== 'digits' || !c.isPlainInteger || m.text.length !== 4) return false;
  if (startsWithAny(c.after, L.chineseYearChars) || RX.yearRangeToken.test(c.token)) return true;
  if (RX.yearPrepositionBefore.test(c.before)) return true;
  if (RX.quantityBefore.test(c.before)) return false;
  return !countedNounFollows(c.after);
}

function isDate(c: MentionContext): boolean {
  const { m, token } = c;
  if (m.form === 'digits' || m.form === 'chinese') {
    if (startsWithAny(c.after, L.chineseDateChars)) return true;
  }
  if (m.form !== 'digits') return false;
  if (RX.isoDateToken.test(token)) return true;
  const dmy = RX.dayMonthYearToken.exec(token);
  if (dmy) {
    const a = Number(dmy[1]);
    const b = Number(dmy[2]);
    if (a >= 1 && b >= 1 && a <= 31 && b <= 31 && (a <= 12 || b <= 12)) return true;
  }
  const ym = RX.yearMonthToken.exec(token);
  if (ym && Number(ym[1]) >= 1 && Number(ym[1]) <= 12) return true;
  const dm = RX.dayMonthToken.exec(token);
  if (dm) {
    const a = Number(dm[1]);
    const b = Number(dm[2]);
    if (a >= 1 && b >= 1 && a <= 31 && b <= 31 && (a <= 12 || b <= 12)) return true;
  }
  const isDayOfMonth = c.isPlainInteger && m.value >= 1 && m.value <= 31;
  return isDayOfMonth && (RX.monthBefore.test(c.before) || RX.monthAfter.test(c.after));
}

function isTime(c: MentionContext): boolean {
  if (c.m.form === 'digits' && RX.clockToken.test(c.token)) return true;
  if (c.m.form === 'digits' && RX.timeZoneBefore.test(c.before)) return true;
  if (c.m.form === 'chinese' || c.m.form === 'digits') {
    if (startsWithAny(c.after, L.chineseClockChars)) return true;
  }
  return (c.m.form === 'digits' || c.m.form === 'words') && RX.clockAfter.test(c.after);
}

function isPercent(c: MentionContext): boolean {
  return RX.percentAfter.test(c.after) || endsWithAny(c.before, L.chinesePercentPrefixes);
}

function isOrdinal(c: MentionContext): boolean {
  if (endsWithAny(c.before, L.chineseOrdinalPrefixes)) return true;
  if (c.m.form !== 'digits') return false;
  return RX.ordinalSuffixAfter.test(c.after) || RX.ordinalSignBefore.test(c.before);
}

function isCodeName(c: MentionContext): boolean {
  const { m, text } = c;
  if (m.form !== 'digits' || m.text.includes(',')) return false;
  if (RX.quoteBefore.test(c.before) && RX.quoteAfter.test(c.after)) return true;
  const separators: readonly string[] = L.codeNameSeparators;
  const separatorBefore = separators.includes(text[m.start - 1] ?? '') && isDigitAt(text, m.start - 2);
  const separatorAfter = separators.includes(text[m.end] ?? '') && isDigitAt(text, m.end + 1);
  if (separatorBefore || separatorAfter) return true;
  return RX.shortDecimal.test(m.text) && RX.codeNameAfter.test(c.after);
}

function isPhone(c: MentionContext): boolean {
  const { m } = c;
  if (m.form !== 'digits' || m.text.includes('.') || m.text.includes(',')) return false;
  if (RX.phoneBefore.test(c.before)) return true;
  if (RX.chineseMobile.test(m.text)) return true;
  const token = phoneToken(c.text, m);
  const digits = token.replace(/\D/g, '').length;
  const internationalOrArea = token.startsWith('+') || token.startsWith('(');
  return RX.phoneToken.test(token) && digits >= (internationalOrArea ? 8 : 10);
}

function isIdNumber(c: MentionContext): boolean {
  const { m } = c;
  if (m.form !== 'digits') return false;
  if (RX.ipToken.test(c.token)) return true;
  if (RX.idBefore.test(c.before) || RX.idWithSignBefore.test(c.before)) return true;
  const leadingZero = c.isPlainInteger && m.text.length >= 2 && m.text.startsWith('0');
  return leadingZero || (c.isPlainInteger && m.text.length >= 12);
}

function isDimension(c: MentionContext): boolean {
  return c.m.form === 'digits' && (RX.dimensionAfter.test(c.after) || RX.dimensionBefore.test(c.before));
}

function isMeasurement(c: MentionContext): boolean {
  return RX.measurementAfter.test(c.after);
}

function isVersion(c: MentionContext): boolean {
  if (c.m.form !== 'digits') return false;
  return RX.multiDotToken.test(c.token) || RX.versionBefore.test(c.before);
}

function isAge(c: MentionContext): boolean {
  if (c.m.form === 'chinese' || c.m.form === 'digits') {
    if (startsWithAny(c.after, L.chineseAgeChars)) return true;
  }
  return RX.ageAfter.test(c.after) || RX.ageBefore.test(c.before);
}

function isDuration(c: MentionContext): boolean {
  if (RX.durationAfter.test(c.after)) return true;
  // "3年" is three years, but "2019年" is a year (checked earlier).
  return (c.m.form === 'digits' || c.m.form === 'chinese') && startsWithAny(c.after, L.chineseDurationUnits);
}

function isReference(c: MentionContext): boolean {
  if (c.m.form !== 'digits') return false;
  // "319(2)", "66(c)": a section with its sub-section glued on is a clause of a law, never a count.
  // ("6(six) persons" is a count written twice: only a letter or a roman numeral is a clause.)
  if (/^\((?:\d{1,3}|[a-z]|[ivx]{1,4})\)/u.test(c.after)) return true;
  return RX.referenceBefore.test(c.before) || RX.referenceListBefore.test(c.before);
}

function isInUrl(c: MentionContext): boolean {
  // The chunk of non-space characters the mention sits in, up to 200 characters back.
  let from = c.m.start;
  while (from > 0 && c.m.start - from < 200 && !/\s/.test(c.text[from - 1] as string)) from--;
  return RX.urlChunk.test(c.text.slice(from, c.m.start));
}

function isIdiom(c: MentionContext): boolean {
  if ((L.numericIdioms as readonly string[]).includes(c.token)) return true;
  if (c.m.text.toLowerCase() !== 'one') return false;
  return RX.oneIdiomAfter.test(c.after) || RX.oneIdiomBefore.test(c.before);
}

/** Rules in priority order: the first that matches names the reason. */
const NON_FIGURE_RULES: ReadonlyArray<readonly [NonFigureReason, (c: MentionContext) => boolean]> = [
  ['url', isInUrl],
  ['idiom', isIdiom],
  ['ordinal', isWordOrdinal], // "first", "twenty-first century": never a count, whatever follows
  ['percent', isPercent],
  ['time', isTime],
  ['date', isDate],
  ['age', isAge],
  ['dimension', isDimension],
  ['phone', isPhone],
  ['id_number', isIdNumber],
  ['year', isYear], // before duration: "2019年" is a year, "3年" three years
  ['duration', isDuration],
  ['code_name', isCodeName],
  ['measurement', isMeasurement],
  ['version', isVersion],
  ['reference', isReference],
  ['ordinal', isOrdinal],
];

/**
 * Why the mention `m` of `text` cannot be an enforcement figure, or null when it may be one.
 * Looks only at a bounded window around the mention, so it is cheap to call for every mention.
 */
export function nonFigureReason(text: string, m: NumberMention): NonFigureReason | null {
  const token = compactToken(text, m);
  const context: MentionContext = {
    text,
    m,
    before: text.slice(Math.max(0, m.prefixStart - CONTEXT_WINDOW), m.prefixStart),
    after: text.slice(m.end, m.end + CONTEXT_WINDOW),
    token,
    isPlainInteger: m.form === 'digits' && /^[0-9]+$/.test(toAsciiDigits(m.text)),
  };
  for (const [reason, applies] of NON_FIGURE_RULES) {
    if (applies(context)) return reason;
  }
  return null;
}
