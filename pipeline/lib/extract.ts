// The figure extractor: finds every enforcement figure a clean document states.
//
// For each number the number reader finds (and does not rule out as a date, code name, phone
// number ...), the extractor reads its surroundings inside the sentence:
//   - the counted noun right after it ("80 suspects", "1.88 million 'violent' messages"), or just
//     before it in translation style ("destroyed warehouse dens 28");
//   - the verb acting on it: nearest to the left (active, nominal: "arrested 80", "the arrest of"),
//     else to the right (passive: "15,000 people were arrested"); only verbs that fit the noun count;
//   - the qualifier words around it, the currency of money, and the place the sentence or its
//     paragraph names.
// The search window for a number ends at the neighbouring numbers and at clause boundaries, so a
// list sharing one subject ("busted nine gangs, arrested 80 suspects and froze ...") types each item
// by its own verb. All wording comes from the lexicon (lexicon/en.ts).
import {
  AUTHORITY_NOUNS, COUNTED_NOUNS, COUNTRY_CUES, CURRENCY_WORDS, EVENT_NOUNS, MEASURE_BY_CLASS_AND_VERB, MONEY_CUES,
  NATIONWIDE_MARKERS, NON_FIGURE_NOUNS, NON_LOCATIVE_AFTER, NON_LOCATIVE_BEFORE, NOUN_PHRASE_STOPS, QUALIFIERS_AFTER, QUALIFIERS_BEFORE,
  CLASSIFIER_WORDS, COUNTRY_OF_CURRENCY, DEFAULT_COUNTRY, NON_ENFORCEMENT_VERB_PHRASES, REGION_WIDE_MARKERS, UNIT_OF_CLASS, VERBS, VICTIM_CONTEXT, WEAK_MONEY_CUES,
  type Measure, type MoneyCue, type NounClass, type Qualifier, type VerbGroup,
} from './lexicon/en.js';
import { nonFigureReason, readNumbers, type NumberMention } from './numbers.js';
import { PhraseMatcher, lowerSameLength } from './phrases.js';
import { demonymCountry, findPlaces, type PlaceMatch } from './places.js';
import { cellAt, pipeTableCells, type TableCell } from './tables.js';
import { ZH_MEASURE_WORDS, ZH_MONEY_NOUNS, ZH_MONEY_VERBS, ZH_NON_FIGURE_NOUNS, ZH_NOUNS, ZH_PLACE_COUNT_NOUNS, ZH_QUALIFIERS_AFTER, ZH_QUALIFIERS_BEFORE, ZH_REGION_WIDE_MARKERS, ZH_VERBS } from './lexicon/zh.js';
import type { CleanDoc, Span } from './types.js';

export interface ExtractedFigure {
  measure: Measure;
  value: number;
  unit: string;
  qualifier: Qualifier;
  /** Range of the literal number in the clean text (first mention). */
  cleanStart: number;
  cleanEnd: number;
  sentenceIndex: number;
  sentence: string;
  place_code: string | null;
  place_name: string | null;
  /** Which wording typed it, e.g. `noun:suspects+verb:arrested`. */
  rule: string;
  mentions: number;
  inTitle: boolean;
}

/** Words (lower case) that end a clause: a verb on the far side of one does not act on the number. */
const CLAUSE_BOUNDARY = /(?:[;:!?]|,\s*(?:who|which|whose|when|where|while|although|though|but)\b|\b(?:who|which|whose|because|although|though|when|whereas|if|unless|so that)\b|[(\[）)]|—|–\s)/gu;

const MAX_LEFT_CHARS = 120;
const MAX_NUMBERS_PER_SENTENCE = 200;
const MAX_RIGHT_CHARS = 160;

const matchers = {
  nouns: new PhraseMatcher(Object.values(COUNTED_NOUNS).flat()),
  eventNouns: new PhraseMatcher(Object.keys(EVENT_NOUNS)),
  nonFigureNouns: new PhraseMatcher(NON_FIGURE_NOUNS),
  verbs: new PhraseMatcher([...Object.values(VERBS).flat(), ...NON_ENFORCEMENT_VERB_PHRASES]),
  currencyWords: new PhraseMatcher(Object.keys(CURRENCY_WORDS)),
  moneyCues: new PhraseMatcher(Object.values(MONEY_CUES).flat()),
  nationwide: new PhraseMatcher(NATIONWIDE_MARKERS),
  nounStops: new PhraseMatcher(NOUN_PHRASE_STOPS),
  qualifiersBefore: Object.fromEntries(
    Object.entries(QUALIFIERS_BEFORE).map(([q, phrases]) => [q, new PhraseMatcher(phrases)]),
  ) as Record<Exclude<Qualifier, 'exact'>, PhraseMatcher>,
  qualifiersAfter: Object.fromEntries(
    Object.entries(QUALIFIERS_AFTER).map(([q, phrases]) => [q, new PhraseMatcher(phrases)]),
  ) as Record<Exclude<Qualifier, 'exact'>, PhraseMatcher>,
  nonLocative: new PhraseMatcher(NON_LOCATIVE_BEFORE),
  nonLocativeAfter: new PhraseMatcher(NON_LOCATIVE_AFTER),
  weakMoneyCues: new PhraseMatcher(WEAK_MONEY_CUES),
  countryCues: new PhraseMatcher(Object.keys(COUNTRY_CUES)),
  classifiers: new PhraseMatcher(CLASSIFIER_WORDS),
  victimContext: new PhraseMatcher(VICTIM_CONTEXT),
  regionWide: new PhraseMatcher(REGION_WIDE_MARKERS),
  authorityNouns: new PhraseMatcher(AUTHORITY_NOUNS),
};

/** Auxiliaries that put the verb after its subject: "19 remained in detention", "cases were cracked". */
const PASSIVE_AUX = /^(?:[^;]{0,80}?\s)?(?:were|was|are|is|have been|has been|had been|been|being|be|remained|remain|remains|got|get|now|all|also|later|since)\s/u;

const classOfNoun = invert(COUNTED_NOUNS);
const groupsOfVerb = invert(VERBS);
const cuesOfMoneyWord = invert(MONEY_CUES);

function invert<K extends string>(table: Record<K, string[]>): Map<string, K[]> {
  const map = new Map<string, K[]>();
  for (const [key, phrases] of Object.entries(table) as [K, string[]][]) {
    for (const phrase of phrases) {
      const list = map.get(phrase) ?? [];
      if (!list.includes(key)) list.push(key);
      map.set(phrase, list);
    }
  }
  return map;
}

/** Normalises a matched phrase (white space/hyphens collapsed) to its lexicon key. */
function lexiconKey(phrase: string): string {
  return phrase.replace(/[\s\u00a0-]+/g, ' ');
}

interface SentenceContext {
  index: number;
  span: Span;
  text: string;
  lower: string;
  paragraphIndex: number;
  places: PlaceMatch[];
  nationwide: boolean;
  regionWide: boolean;
  demonymCountries: string[];
  /** The country of an authority named by nationality ("Cambodian police"), if any. */
  authorityCountry: string | null;
  inTitle: boolean;
}

interface Candidate {
  mention: NumberMention;
  sentence: SentenceContext;
  /** Offsets of the mention inside the sentence. */
  start: number;
  end: number;
  prefixStart: number;
}

export function extractFigures(doc: CleanDoc): ExtractedFigure[] {
  const sentences = buildSentenceContexts(doc);
  const docCountry = mainCountry(sentences);
  const docRegion = mainRegion(sentences, docCountry);
  const regionWideTarget = docRegion ?? dominantRegion(sentences, docCountry);
  const mentions = readNumbers(doc.text);
  const figures: ExtractedFigure[] = [];
  const cells = doc.text.includes('|') ? pipeTableCells(doc.text) : [];
  let cursor = 0;
  for (const sentence of sentences) {
    const inSentence: Candidate[] = [];
    while (cursor < mentions.length && mentions[cursor]!.start < sentence.span.end) {
      const mention = mentions[cursor++]!;
      if (mention.start < sentence.span.start || mention.end > sentence.span.end) continue;
      // An ordinal word ("third-party", "the second case") counts nothing and must not cut the
      // window of the number before it ("froze 9,100 bank and third-party payment accounts").
      if (mention.form === 'words' && nonFigureReason(doc.text, mention) === 'ordinal') continue;
      inSentence.push({
        mention,
        sentence,
        start: mention.start - sentence.span.start,
        end: mention.end - sentence.span.start,
        prefixStart: mention.prefixStart - sentence.span.start,
      });
    }
    // A "sentence" with hundreds of numbers is a data dump (a table, a list of ids), not reporting.
    if (inSentence.length > MAX_NUMBERS_PER_SENTENCE) continue;
    let previousClass: NounClass | null = null;
    /** Per candidate: its figure, null when it is none, undefined when it cannot be one (a year, a code, a table cell). */
    const read: (ExtractedFigure | null | undefined)[] = [];
    inSentence.forEach((candidate, i) => {
      if (nonFigureReason(doc.text, candidate.mention) || isYearOfDate(doc.text, candidate.mention)) return;
      const cell = cells.length ? cellAt(cells, candidate.mention.start) : undefined;
      if (cell) {
        const figure = tableFigure(doc.text, candidate, cell, { sentences, docCountry, docRegion, regionWideTarget });
        if (figure) figures.push(figure);
        return;
      }
      const figure = readFigure(candidate, inSentence[i - 1] ?? null, inSentence[i + 1] ?? null, { sentences, docCountry, docRegion, regionWideTarget }, previousClass);
      read[i] = figure?.figure ?? null;
      if (figure) {
        figures.push(figure.figure);
        previousClass = figure.nounClass;
      }
    });
    figures.push(...numberListFigures(inSentence, read));
  }
  return mergeRepeats(figures);
}

/** Between two numbers of a list that share the noun after the last: "742, 698, 455 and 140 cases". */
const NUMBER_LIST_SEPARATOR = /^\s*(?:,|,?\s*and|,?\s*or)\s*$/u;

/**
 * The numbers of a bare list take the figure of its last number: "cracked 742, 698, 455, 361 and 140
 * cases" is five counts of cases solved. With "respectively" and as many places named before the
 * list as it has numbers, each number is the figure of its place ("Police in Shenzhen, Guangzhou and
 * Zhuhai ... 742, 698 and 140 cases, respectively"). Changes `read`'s figures' places in place.
 */
function numberListFigures(inSentence: readonly Candidate[], read: (ExtractedFigure | null | undefined)[]): ExtractedFigure[] {
  const added: ExtractedFigure[] = [];
  const sentence = inSentence[0]?.sentence;
  if (!sentence) return added;
  const respectively = /\brespectively\b/u.test(sentence.lower);
  // A number typed only by the noun of the figure before it ("(case)": "cases and arrested 1,126,")
  // belongs to the list after it.
  const bare = (figure: ExtractedFigure | null | undefined): boolean => figure === null || (figure !== undefined && figure.rule.startsWith('noun:('));
  const separatorBefore = (i: number): string => sentence.lower.slice(inSentence[i - 1]!.end, inSentence[i]!.prefixStart);
  const unscaled = (i: number): boolean => inSentence[i]!.mention.form === 'digits' || inSentence[i]!.mention.form === 'words';
  // A list item is a whole number written like the last one: not "1,935.3", not "3" before "5 million".
  const listable = (i: number, last: number): boolean => Number.isInteger(inSentence[i]!.mention.value) && unscaled(i) === unscaled(last);
  let end = inSentence.length - 1;
  while (end >= 0) {
    // A run ending at `end`: a typed count, and the bare numbers before it joined by list separators.
    let start = end;
    const last = read[end];
    if (last && !bare(last) && !inSentence[end]!.mention.currencyPrefix) {
      while (start > 0 && bare(read[start - 1]) && listable(start - 1, end) && NUMBER_LIST_SEPARATOR.test(separatorBefore(start))) start--;
    }
    // Two numbers joined by a comma are not a list ("Zhang, 45, and 12 others", "In Phase 2, 300
    // suspects"): a comma joins three or more; "and" / "or" alone may join two.
    if (start === end - 1 && /,/u.test(separatorBefore(end))) start = end;
    if (last && start < end) {
      const run: ExtractedFigure[] = [last];
      for (let i = end - 1; i >= start; i--) {
        const { mention } = inSentence[i]!;
        const listed = { measure: last.measure, unit: last.unit, place_code: last.place_code, place_name: last.place_name, rule: `list:${last.rule}` };
        const existing = read[i];
        let figure: ExtractedFigure;
        if (existing) figure = Object.assign(existing, listed); // already among the figures: retyped
        else {
          figure = { ...last, ...listed, value: Math.round(mention.value), qualifier: mention.plusSuffix ? 'over' : 'exact', cleanStart: mention.start, cleanEnd: mention.end, mentions: 1 };
          added.push(figure);
        }
        read[i] = figure;
        run.unshift(figure);
      }
      // Places "respectively" only for the whole list (its first number not typed apart), and a
      // province beside its city ("Shenzhen, Guangdong", "Guangdong's Shenzhen") is not a place of its own.
      const wholeList = start === 0 || !NUMBER_LIST_SEPARATOR.test(separatorBefore(start));
      if (respectively && wholeList) {
        const named = sentence.places.filter((p) => p.end <= inSentence[start]!.prefixStart);
        const before = named.filter((p) => !(p.level === 'province' && named.some((q) => q !== p && q.level !== 'province' && q.code === p.code && (Math.abs(q.start - p.end) <= 3 || Math.abs(p.start - q.end) <= 3))));
        const places = before.slice(-run.length);
        if (places.length === run.length) {
          run.forEach((figure, k) => {
            const place = placeOfMatch(places[k]!);
            figure.place_code = place.code;
            figure.place_name = place.name;
          });
        }
      }
    }
    end = start - 1;
  }
  return added;
}

// ---------------------------------------------------------------------------------------------
// Chinese: "抓获犯罪嫌疑人1.2万余名", "冻结涉案资金3.5亿元", "对17名被告人作出有罪判决"
// ---------------------------------------------------------------------------------------------

const HAN_CHAR = /\p{Script=Han}/u;
/** Ends a clause in Chinese text (full-width and ASCII punctuation); 、 only separates list items sharing a verb. */
const ZH_CLAUSE_END = /[，。；：！？,;:!?]/u;

/**
 * A number written in Chinese prose: a Han character right before it, or right after it in a
 * sentence mostly in Chinese. Not a Chinese amount in English prose ("frozen involved funds 1.2亿元").
 */
function isChineseCandidate(text: string, candidate: Candidate): boolean {
  let before = candidate.prefixStart - 1;
  while (before >= 0 && /\s/u.test(text[before]!)) before--; // "网站及APP 1300余个" too
  if (before >= 0 && HAN_CHAR.test(text[before]!)) return true;
  if (!HAN_CHAR.test(text[candidate.end] ?? '')) return false;
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  return han > latin;
}

/** Each phrase of a table with the values it stands for, longest phrases first. */
function phraseTable<K extends string>(table: Partial<Record<K, readonly string[]>>): [string, K[]][] {
  const byPhrase = new Map<string, K[]>();
  for (const [key, phrases] of Object.entries(table) as [K, readonly string[]][]) for (const phrase of phrases) byPhrase.set(phrase, [...(byPhrase.get(phrase) ?? []), key]);
  return [...byPhrase].sort((a, b) => b[0].length - a[0].length);
}
const ZH_VERB_TABLE = phraseTable(ZH_VERBS);
const ZH_NOUN_TABLE = phraseTable(ZH_NOUNS);
const ZH_MONEY_CUE_ORDER = ['assets_frozen', 'criminal_proceeds', 'victim_losses'] as const;
const ZH_MONEY_NOUN_TABLE = phraseTable(ZH_MONEY_NOUNS);

/** The phrase of `table` that ends last in `text` (the one nearest a number after it), or the first in it (`first`). */
function nearestPhrase<K extends string>(text: string, table: [string, K[]][], first = false): { phrase: string; keys: K[]; at: number } | null {
  let best: { phrase: string; keys: K[]; at: number } | null = null;
  for (const [phrase, keys] of table) {
    const at = first ? text.indexOf(phrase) : text.lastIndexOf(phrase);
    if (at < 0) continue;
    const better = best === null || (first ? at < best.at : at + phrase.length > best.at + best.phrase.length);
    if (better) best = { phrase, keys, at };
  }
  return best;
}

function chineseQualifier(left: string, right: string, mention: NumberMention): Qualifier {
  if (mention.plusSuffix) return 'over';
  const before = left.replace(/(?:共计|累计|总计|合计|共|计|达|为)+$/u, '');
  for (const qualifier of ['over', 'under', 'about'] as const) {
    if (ZH_QUALIFIERS_BEFORE[qualifier].some((w) => before.endsWith(w))) return qualifier;
    if (ZH_QUALIFIERS_AFTER[qualifier].some((w) => right.startsWith(w))) return qualifier;
  }
  return 'exact';
}

const ZH_CURRENCIES: [string, string][] = [['美元', 'USD'], ['港元', 'HKD'], ['港币', 'HKD'], ['欧元', 'EUR'], ['元', 'CNY']];

/**
 * Types a number in Chinese text from its clause: the verb and noun before it (bulletin order:
 * verb, noun, number, measure word), else the measure word after it and a verb after it ("对17名
 * 被告人作出有罪判决"); money by the authorities' verb, else the case's noun (涉案金额).
 */
function typeChinese(text: string, candidate: Candidate, next: Candidate | null): (Typed & { qualifier: Qualifier }) | null {
  // The clause by punctuation only: a year or a case code before the number ("破获"5·17"案件3起") is no boundary.
  let clauseStart = 0;
  for (let i = candidate.prefixStart - 1; i >= 0; i--) if (ZH_CLAUSE_END.test(text[i]!)) { clauseStart = i + 1; break; }
  let clauseEnd = text.length;
  for (let i = candidate.end; i < clauseEnd; i++) if (ZH_CLAUSE_END.test(text[i]!) || text[i] === '、' || (next && i >= next.prefixStart)) { clauseEnd = i; break; }
  const left = text.slice(clauseStart, candidate.prefixStart);
  // The list item's own words: "查获银行卡2000余张、手机卡1500张" (the verb is the list's).
  const item = left.slice(left.lastIndexOf('、') + 1);
  const right = text.slice(candidate.end, clauseEnd);
  const qualifier = chineseQualifier(left, right, candidate.mention);
  const afterQualifier = right.replace(/^(?:余|多|以上|左右)/u, '');
  const currency = ZH_CURRENCIES.find(([word]) => afterQualifier.startsWith(word))?.[1] ?? candidate.mention.currencyPrefix;
  if (currency) {
    // The authorities' act first: "挽回经济损失1.8亿元" is money recovered, not lost.
    const cue = ZH_MONEY_CUE_ORDER.map((key) => ZH_MONEY_VERBS[key].find((verb) => left.includes(verb)) && key).find(Boolean) ?? nearestPhrase(left, ZH_MONEY_NOUN_TABLE)?.keys[0];
    return cue ? { measure: cue, unit: currency, rule: `zh-money:${cue}`, nounClass: null, qualifier } : null;
  }
  const leftVerb = nearestPhrase(left, ZH_VERB_TABLE);
  const verb = leftVerb ?? nearestPhrase(right, ZH_VERB_TABLE, true);
  if (!verb) return null;
  // Not what the verb's subject counts ("全省公安民警共抓获..." is fine), but the number's own noun.
  const counted = leftVerb ? left.slice(leftVerb.at + leftVerb.phrase.length) : left;
  if (ZH_NON_FIGURE_NOUNS.some((noun) => counted.includes(noun) || afterQualifier.startsWith(noun))) return null;
  const measureWord = ZH_MEASURE_WORDS[afterQualifier[0] ?? ''];
  // "在10个省份抓获": with the verb after the number, the noun must follow its measure word.
  if (ZH_PLACE_COUNT_NOUNS.some((noun) => afterQualifier.slice(1).startsWith(noun))) return null;
  const nounAfter = nearestPhrase(afterQualifier.slice(1, 12), ZH_NOUN_TABLE, true);
  const noun = leftVerb
    ? (nearestPhrase(item.includes(leftVerb.phrase) ? item.slice(item.lastIndexOf(leftVerb.phrase)) : item, ZH_NOUN_TABLE) ?? (nounAfter?.at === 0 ? nounAfter : null))
    : nounAfter?.at === 0 ? nounAfter : null;
  if (!leftVerb && !noun && !measureWord) return null;
  const classes = [...new Set([...(noun?.keys ?? []), ...(measureWord ? [measureWord] : [])])];
  for (const cls of classes) {
    for (const group of verb.keys) {
      const measure = MEASURE_BY_CLASS_AND_VERB[cls][group];
      if (measure) return { measure, unit: UNIT_OF_CLASS[cls], rule: `zh:${noun?.phrase ?? afterQualifier[0]}+${verb.phrase}`, nounClass: cls, qualifier };
    }
  }
  return null;
}

/** "(100 million yuan)", "(10,000 yuan)": the unit a table's money column is given in. */
const TABLE_MONEY_SCALES: readonly [RegExp, number][] = [
  [/\b(?:hundred million|100 million)\b/u, 1e8], [/\bbillion\b/u, 1e9], [/\bmillion\b/u, 1e6],
  [/\b(?:ten thousand|10,000)\b/u, 1e4], [/\bthousand\b/u, 1e3],
];

/**
 * The figure a number in a pipe-table cell states: typed by its column's header or its row's label
 * ("Suspects detained" over "Fujian": 1,512 persons detained, in Fujian), as if that label were
 * the noun phrase after the number; the other label may name its place. A number in a row's
 * first cell (a year, a total's label) is not a figure.
 */
function tableFigure(text: string, candidate: Candidate, cell: TableCell, places: DocPlaces): ExtractedFigure | null {
  const { mention } = candidate;
  if (cell.isLabel) return null;
  const left = text.slice(cell.start, mention.prefixStart).toLowerCase();
  const right = text.slice(mention.end, cell.end).toLowerCase();
  let typed: Typed | null = null;
  let scale = 1;
  let other = '';
  for (const [label, rest] of [[cell.header, cell.rowLabel], [cell.rowLabel, cell.header]] as const) {
    const words = ` ${label.toLowerCase()}`;
    const currency = mention.currencyPrefix ?? matchers.currencyWords.findAll(words).map((h) => CURRENCY_WORDS[lexiconKey(h.phrase)]).find(Boolean);
    typed = currency ? typeMoney('', words, '', currency) : typeCount({ left: '', right: words, wideLeft: '', wideRight: words, mention, previousClass: null });
    if (!typed) continue;
    if (currency && !mention.currencyPrefix) scale = TABLE_MONEY_SCALES.find(([pattern]) => pattern.test(words))?.[1] ?? 1;
    other = rest;
    break;
  }
  if (!typed) return null;
  const named = findPlaces(other)[0];
  // Not the rows above (other provinces): a row naming no place ("Total") is the document's.
  const place = named ? placeOfMatch(named) : (places.docRegion ?? { code: places.docCountry, name: null });
  return figureOf(candidate, { ...typed, rule: `table:${typed.rule}` }, mention.value * scale, readQualifier(left, right, mention), place);
}

/** The figure row of a typed candidate: its value rounded, at the number's first mention. */
function figureOf(candidate: Candidate, typed: Typed, value: number, qualifier: Qualifier, place: { code: string | null; name: string | null }): ExtractedFigure {
  const { mention, sentence } = candidate;
  return {
    measure: typed.measure,
    value: Math.round(value),
    unit: typed.unit,
    qualifier,
    cleanStart: mention.start,
    cleanEnd: mention.end,
    sentenceIndex: sentence.index,
    sentence: sentence.text.trim(),
    place_code: place.code,
    place_name: place.name,
    rule: typed.rule,
    mentions: 1,
    inTitle: sentence.inTitle,
  };
}

/** "on Aug 9, 2022 shows ...": a year completing a date, even with a noun after it. */
function isYearOfDate(text: string, mention: NumberMention): boolean {
  if (mention.form !== 'digits' || mention.value < 1900 || mention.value > 2099 || mention.text.length !== 4) return false;
  return MONTH_DAY_BEFORE.test(text.slice(Math.max(0, mention.start - 24), mention.start));
}

const MONTH_DAY_BEFORE = /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s*$|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s*$/iu;

function buildSentenceContexts(doc: CleanDoc): SentenceContext[] {
  let paragraph = 0;
  return doc.sentences.map((span, index) => {
    while (paragraph < doc.paragraphs.length - 1 && doc.paragraphs[paragraph]!.end <= span.start) paragraph++;
    const text = doc.text.slice(span.start, span.end);
    const lower = lowerSameLength(text);
    const demonyms: string[] = [];
    for (const word of text.match(/\p{Lu}\p{L}+/gu) ?? []) {
      const country = demonymCountry(word);
      if (country) demonyms.push(country);
    }
    return {
      index,
      span,
      text,
      lower,
      paragraphIndex: paragraph,
      places: locativePlaces(text, lower),
      nationwide: matchers.nationwide.findAll(lower).length > 0,
      // Chinese has no word boundaries for the phrase matcher: its markers are looked for as they stand.
      regionWide: matchers.regionWide.findAll(lower).length > 0 || ZH_REGION_WIDE_MARKERS.some((marker) => text.includes(marker) && !text.includes(`${marker}域`)),
      demonymCountries: demonyms,
      authorityCountry: authorityCountry(text, lower),
      inTitle: doc.title_span !== null && span.start >= doc.title_span.start && span.end <= doc.title_span.end,
    };
  });
}

function isNonLocative(lower: string, place: PlaceMatch): boolean {
  if (matchers.nonLocativeAfter.startsWith(lower.slice(place.end, place.end + 20).trimStart())) return true;
  // "在北京召开新闻发布会": where a meeting was held, not where the figures apply.
  if (/^(?:召开|举行|举办)/u.test(lower.slice(place.end)) && /[在于]$/u.test(lower.slice(0, place.start))) return true;
  const before = lower
    .slice(Math.max(0, place.start - 40), place.start)
    .replace(/(?:\s+(?:the|northern|southern|eastern|western|central|north|south|east|west|north-eastern|north-western|south-eastern|south-western|neighbouring|neighboring))*\s+$/u, '');
  return matchers.nonLocative.endsWith(before) !== null;
}

/** The places a sentence names as where things happened (not origins, destinations, datelines or currencies). */
function locativePlaces(text: string, lower: string): PlaceMatch[] {
  const kept: PlaceMatch[] = [];
  let previousDropped: PlaceMatch | null = null;
  for (const place of findPlaces(text)) {
    // "on the border with Laos and Myanmar": a place coordinated with a dropped one is dropped too.
    const coordinated = previousDropped !== null && /^\s*(?:,|and|or|&|,\s*and)\s*$/u.test(lower.slice(previousDropped.end, place.start));
    if (coordinated || isNonLocative(lower, place) || isDateline(text, place) || isCurrencyName(lower, place) || isCapitalForGovernment(lower, place)) previousDropped = place;
    else {
      kept.push(place);
      previousDropped = null;
    }
  }
  return kept;
}

/**
 * "as Beijing presses a campaign", "Beijing has vowed": the capital standing for the government
 * (metonymy), not where a figure applies. Only national capitals, and only before a verb.
 */
function isCapitalForGovernment(lower: string, place: PlaceMatch): boolean {
  if (!GOVERNMENT_CAPITALS.has(place.name)) return false;
  // "Authorities in Beijing said": after a preposition the capital is a place again.
  if (/\b(?:in|at|from|of|near|to|across|around|outside|inside|within)\s+$/u.test(lower.slice(Math.max(0, place.start - 12), place.start))) return false;
  return CAPITAL_AS_SUBJECT.test(lower.slice(place.end, place.end + 30));
}

const GOVERNMENT_CAPITALS = new Set(['Beijing', 'Washington', 'Moscow', 'Tokyo', 'Seoul', 'New Delhi', 'Manila', 'Phnom Penh', 'Bangkok', 'Hanoi', 'Vientiane']);
/** Verbs of policy and opinion only: "Beijing has cracked 1,200 cases" is the city's police. */
const CAPITAL_AS_SUBJECT = /^\s+(?:presses|pressed|pushes|pushed|vows|vowed|wants|wanted|urges|urged|warns|warned|insists|insisted|accuses|accused|denies|denied|seeks|sought|hopes|hoped|views|regards|considers|blames|blamed)\b/u;

/** "US$30 million", "Hong Kong dollars", "Singapore dollar": a currency, not a place. */
function isCurrencyName(lower: string, place: PlaceMatch): boolean {
  return /^(?:\s*\$|\s+dollars?\b|\s+yuan\b)/u.test(lower.slice(place.end, place.end + 10));
}

/**
 * "BEIJING, April 9 (Xinhua) --", "SHANGHAI (Reuters) -": the city an agency filed from, not where
 * the figures apply. A dateline opens the sentence, usually in capitals, and ends in a dash.
 */
function isDateline(text: string, place: PlaceMatch): boolean {
  // "LYON, France –": the country after a city the gazetteer does not know, in capitals.
  const cityBefore = place.start > 3 && /^\s{0,3}\p{Lu}[\p{Lu}\p{M}' .-]{1,30},\s*$/u.test(text.slice(0, place.start));
  if (place.start > 3 && !cityBefore) return false;
  if (cityBefore) return /^[^\n]{0,40}?(?:\)\s*|\s)(?:--|—|–|-)\s/u.test(text.slice(place.end, place.end + 60));
  const after = text.slice(place.end, place.end + 60);
  const upper = text.slice(place.start, place.end) === text.slice(place.start, place.end).toUpperCase();
  return /^[^\n]{0,40}?(?:\)\s*|\s)(?:--|—|–|-)\s/u.test(after) && (upper || /\((?:\p{Lu}[\p{L} ]{1,30})\)/u.test(after));
}

/** "Cambodian police", "Fijian authorities": the nationality of the acting authority. */
function authorityCountry(text: string, lower: string): string | null {
  for (const hit of matchers.authorityNouns.findAll(lower)) {
    const word = /(\p{Lu}\p{L}+)\s+$/u.exec(text.slice(Math.max(0, hit.start - 30), hit.start));
    const country = word ? countryOfAdjective(word[1]!) : undefined;
    if (country) return country;
  }
  return null;
}

/**
 * The country a nationality adjective names: the gazetteer's demonym table first, then the country
 * name the adjective is built on ("Serbian" -> Serbia, "Fijian" -> Fiji, "Pakistani" -> Pakistan).
 */
export function countryOfAdjective(word: string): string | undefined {
  const known = demonymCountry(word);
  if (known) return known;
  for (const [suffix, replacement] of ADJECTIVE_SUFFIXES) {
    if (!word.endsWith(suffix) || word.length - suffix.length < 3) continue;
    const stem = word.slice(0, word.length - suffix.length) + replacement;
    const place = findPlaces(stem).find((p) => p.level === 'country' && p.start === 0 && p.end === stem.length);
    if (place) return place.code;
  }
  return undefined;
}

const ADJECTIVE_SUFFIXES: [string, string][] = [['n', ''], ['an', ''], ['ian', ''], ['ese', ''], ['i', ''], ['ish', ''], ['ian', 'y'], ['ean', 'a']];

/** The country most often named or implied in the document: the default place of a figure. */
function mainCountry(sentences: SentenceContext[]): string | null {
  const counts = new Map<string, number>();
  for (const sentence of sentences) {
    for (const place of sentence.places) counts.set(place.country, (counts.get(place.country) ?? 0) + 1);
    for (const country of sentence.demonymCountries) counts.set(country, (counts.get(country) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestCount = 0;
  for (const [country, count] of counts) if (count > bestCount) [best, bestCount] = [country, count];
  if (best) return best;
  // No country named: an agency or currency can still say where ("the Ministry of Public Security said").
  for (const sentence of sentences) {
    const cue = matchers.countryCues.findAll(sentence.lower)[0];
    if (cue) return COUNTRY_CUES[lexiconKey(cue.phrase)] ?? null;
  }
  return DEFAULT_COUNTRY;
}

type Place = { code: string; name: string | null };

interface DocPlaces {
  sentences: SentenceContext[];
  docCountry: string | null;
  /** The province the headline names: the default for figures with no place. */
  docRegion: Place | null;
  /** What "the whole region" / "across the province" refers to. */
  regionWideTarget: Place | null;
}

/** The province named most often in the document, when one is named more than all others together. */
function dominantRegion(sentences: SentenceContext[], docCountry: string | null): Place | null {
  const counts = new Map<string, number>();
  for (const sentence of sentences) {
    for (const place of sentence.places) if (place.country === docCountry && place.level !== 'country') counts.set(place.code, (counts.get(place.code) ?? 0) + 1);
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const [code, count] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
  if (!code || !count || count * 2 <= total) return null;
  return { code, name: null };
}

/** A region the document is about: a province of the main country named in its headline. */
function mainRegion(sentences: SentenceContext[], docCountry: string | null): { code: string; name: string | null } | null {
  // Only the headline: a first paragraph is often a photo caption about one local event.
  for (const sentence of sentences.filter((s) => s.inTitle)) {
    if (sentence.nationwide) return null;
    const regional = sentence.places.filter((p) => p.country === docCountry && p.level !== 'country');
    const codes = new Set(regional.map((p) => p.code));
    if (codes.size === 1) return placeInSentence(sentence, sentence.text.length, true);
  }
  return null;
}

/** Where repatriated people arrive: a place in the main country that the sentence names. */
function arrivalPlace(text: string, docCountry: string): { code: string; name: string | null } | null {
  const domestic = findPlaces(text).filter((p) => p.country === docCountry && p.level !== 'country');
  const place = domestic[0];
  if (!place) return null;
  const specific = domestic.find((p) => p.code === place.code && (p.level === 'city' || p.level === 'county')) ?? place;
  return { code: place.code, name: specific.name };
}

function readFigure(
  candidate: Candidate,
  previous: Candidate | null,
  next: Candidate | null,
  { sentences, docCountry, docRegion, regionWideTarget }: DocPlaces,
  previousClass: NounClass | null,
): { figure: ExtractedFigure; nounClass: NounClass | null } | null {
  const { mention, sentence } = candidate;
  // A value above 2^53 cannot be stored exactly (and overflows the Parquet INT64 column: one such
  // document made emit throw and nothing was published). No enforcement count is that large.
  if (!Number.isFinite(mention.value) || mention.value <= 0 || Math.round(mention.value) > Number.MAX_SAFE_INTEGER) return null;
  if (isRangeUpperBound(candidate, previous)) return null;
  if (isChineseCandidate(sentence.text, candidate)) {
    const typed = typeChinese(sentence.text, candidate, next);
    if (!typed || isImplausibleCount(typed.unit, mention.value)) return null;
    const place = withSpecialRegion(resolvePlace(candidate, { sentences, docCountry, docRegion, regionWideTarget }));
    return { figure: figureOf(candidate, typed, mention.value, typed.qualifier, place), nounClass: typed.nounClass };
  }
  const leftStart = Math.max(previous ? previous.end : 0, candidate.prefixStart - MAX_LEFT_CHARS);
  const rightEnd = Math.min(next ? next.prefixStart : sentence.text.length, candidate.end + MAX_RIGHT_CHARS);
  const left = clauseLeft(sentence.lower.slice(leftStart, candidate.prefixStart));
  const right = clauseRight(sentence.lower.slice(candidate.end, rightEnd));
  const wideLeft = clauseLeft(blankParentheses(sentence.lower.slice(Math.max(0, candidate.prefixStart - MAX_LEFT_CHARS), candidate.prefixStart)));
  const wideRight = clauseRight(sentence.lower.slice(candidate.end, Math.min(sentence.text.length, candidate.end + MAX_RIGHT_CHARS)));
  // A number inside a list shares the list's verb: "seized 150 computers, 2,300 phones and 48,000
  // SIM cards"; "around 640 computers and 3,800 phones were seized".
  const list = {
    afterPrevious: previous !== null && /(?:,|\band\b|\bor\b|&)/u.test(left) && matchers.verbs.findAll(left).length === 0,
    beforeNext: next !== null && LIST_TAIL.test(right) && matchers.verbs.findAll(right).length === 0,
  };
  if (isAge(sentence.lower.slice(Math.max(0, candidate.prefixStart - 40), candidate.prefixStart))) return null;
  const qualifier = readQualifier(left, right, mention);

  const currency = mention.currencyPrefix ?? currencyAfter(right);
  let typed: Typed | null;
  if (currency) {
    if (isConversionInParentheses(sentence.lower.slice(previous ? previous.end : 0, candidate.prefixStart), previous)) return null;
    typed = typeMoney(left, right, wideLeft, currency);
  } else {
    if (mention.form === 'words' && mention.value === 1) return null; // "one of the" is never a figure
    typed = typeCount({ left, right, wideLeft: list.afterPrevious ? wideLeft : left, wideRight: list.beforeNext ? wideRight : right, mention, previousClass });
    if (typed?.nounClass === 'person' && (matchers.victimContext.findAll(right).length || matchers.victimContext.findAll(left.slice(-20)).length)) return null;
    // "Held" is also what gangs do to their victims: with trafficking or captivity in the sentence, it is not a detention.
    if (typed && /verb:(?:held|being held|holding)$/u.test(typed.rule) && matchers.victimContext.findAll(sentence.lower).length) return null;
  }
  if (!typed || isImplausibleCount(typed.unit, mention.value) || isFractionalCount(typed, mention)) return null;
  let place = resolvePlace(candidate, { sentences, docCountry, docRegion, regionWideTarget }, currency ? COUNTRY_OF_CURRENCY[currency] : undefined);
  // Repatriated suspects are counted where they arrive: "Myanmar handed over 1,207 suspects",
  // "flown back to Shanghai from Cambodia".
  if (typed.measure === 'persons_repatriated' && docCountry) {
    const arrival = arrivalPlace(sentence.text, docCountry);
    if (arrival) place = arrival;
    else if (!place.code || placeCountry(place.code) !== docCountry) place = docRegion ?? { code: docCountry, name: null };
  }
  place = withSpecialRegion(place);
  return { figure: figureOf(candidate, typed, mention.value, qualifier, place), nounClass: typed.nounClass };
}

/**
 * Counts no crackdown reaches: ten million people, a million gangs or dens. Such a number is money
 * whose currency was not read ("B2bn") or a misreading, never a count.
 */
const MAX_PLAUSIBLE_COUNT: Readonly<Record<string, number>> = { people: 1e7, groups: 1e6, sites: 1e7, cases: 1e8 };

function isImplausibleCount(unit: string, value: number): boolean {
  return value > (MAX_PLAUSIBLE_COUNT[unit] ?? Infinity);
}

/** A count is whole: "1,935.3" people is an index or a rate, never a count (money may have cents; "1.2 million" is scaled). */
function isFractionalCount(typed: Typed, mention: NumberMention): boolean {
  return typed.nounClass !== null && mention.form === 'digits' && !Number.isInteger(mention.value);
}

interface Typed {
  measure: Measure;
  unit: string;
  rule: string;
  nounClass: NounClass | null;
}

/** A list connector at the end of a stretch: "computers, ", "phones and ", "cards, and about ". */
const LIST_TAIL = /^[^;:.!?]*?(?:,|\band|\bor|&)\s*(?:about|around|some|over|nearly|almost|more than|at least|roughly)?\s*$/u;

/** "aged between 16 and 72", "aged 25": ages are never counts. */
function isAge(left: string): boolean {
  return /\baged\s+(?:between\s+|from\s+)?(?:\d+\s*(?:and|to|-|–)\s*)?$/u.test(left) || /\bages?\s+(?:of\s+)?(?:between\s+)?(?:\d+\s*(?:and|to|-|–)\s*)?$/u.test(left);
}

/** "14 million yuan ($2 million) in cash": an aside in parentheses, blanked so a list's verb reaches past it. */
function blankParentheses(text: string): string {
  return text.replace(/[(（][^()（）]{0,80}[)）]/gu, (aside) => ' '.repeat(aside.length));
}

/** The part of the left window after the last clause boundary. */
function clauseLeft(left: string): string {
  let cut = 0;
  CLAUSE_BOUNDARY.lastIndex = 0;
  for (const match of left.matchAll(CLAUSE_BOUNDARY)) cut = match.index + match[0].length;
  return ' '.repeat(cut) + left.slice(cut);
}

/** The part of the right window before the first clause boundary. */
function clauseRight(right: string): string {
  CLAUSE_BOUNDARY.lastIndex = 0;
  const match = CLAUSE_BOUNDARY.exec(right);
  return match ? right.slice(0, match.index) : right;
}

function readQualifier(left: string, right: string, mention: NumberMention): Qualifier {
  if (mention.plusSuffix) return 'over';
  const before = left.replace(/[\s"'“”‘’(]+$/u, '').replace(/\b(?:a total of|total of|a total|in total|totally|totalling|totaling|us\$|\$|rmb|usd)$/u, '').trimEnd();
  for (const qualifier of ['under', 'over', 'about'] as const) {
    const hit = matchers.qualifiersBefore[qualifier].endsWith(before);
    if (!hit) continue;
    // "handed over 200 suspects", "took over 30 sites": a phrasal verb, not a qualifier.
    if (hit.phrase === 'over' && /\b(?:handed|hand|hands|took|take|taken|turned|turn|taking)$/u.test(before.slice(0, hit.start).trimEnd())) continue;
    return qualifier;
  }
  const after = right.replace(/^[\s"'”’]+/u, '');
  for (const qualifier of ['over', 'about'] as const) {
    if (matchers.qualifiersAfter[qualifier].startsWith(after)) return qualifier;
  }
  // "4,300 more department" (4300余部): "more" before a translated measure word means "over".
  if (/^more\s/u.test(after) && matchers.classifiers.startsWith(after.slice(5).trimStart())) return 'over';
  return 'exact';
}

function currencyAfter(right: string): string | null {
  const hit = matchers.currencyWords.startsWith(right.replace(/^\s+/u, ''));
  if (hit) return CURRENCY_WORDS[lexiconKey(hit.phrase)] ?? null;
  // 元 is written straight after the digits or a 万/亿 unit.
  return right.startsWith('元') ? 'CNY' : null;
}

/** "1,500 yuan ($210)": the amount in parentheses restates the previous one. */
function isConversionInParentheses(between: string, previous: Candidate | null): boolean {
  if (!previous) return false;
  return /^\s*[\p{L}.]*\s*[(（]\s*(?:about|around|approximately|roughly|some|nearly|over|more than|or|equivalent to|approx\.?)?\s*(?:us\s*|u\.s\.\s*|usd\s*|hk\s*)?$/u.test(between);
}

/** "300-400 suspects", "300 to 400 suspects": the first number carries the figure (as a lower bound). */
function isRangeUpperBound(candidate: Candidate, previous: Candidate | null): boolean {
  if (!previous) return false;
  const between = candidate.sentence.lower.slice(previous.end, candidate.prefixStart);
  return /^\s*(?:-|–|—|to)\s*$/u.test(between);
}

function typeMoney(left: string, right: string, wideLeft: string, currency: string): Typed | null {
  // Nearest cue wins: the last one on the left up to the previous number, else the first one on the
  // right, else further left in the clause ...
  const leftSource = wideLeft.length > left.length ? wideLeft : left;
  const offset = leftSource.length - left.length;
  const leftHits = matchers.moneyCues.findAll(leftSource).reverse();
  const near = leftHits.filter((h) => h.start >= offset);
  const far = leftHits.filter((h) => h.start < offset);
  const rightHits = matchers.moneyCues.findAll(right);
  const ordered = [...near, ...rightHits, ...far];
  for (const [index, hit] of ordered.entries()) {
    const key = lexiconKey(hit.phrase);
    const cue = (cuesOfMoneyWord.get(key) ?? [])[0] as MoneyCue | undefined;
    if (!cue) continue;
    // "seized virtual currency with a market value of 1.2 billion yuan": the seizure's value.
    if (cue === 'not_enforcement' && VALUATION_CUES.has(key)) {
      const seized = leftHits.slice(leftHits.indexOf(hit) + 1).find((h) => (cuesOfMoneyWord.get(lexiconKey(h.phrase)) ?? [])[0] === 'assets_frozen');
      if (seized && index < near.length) return { measure: 'assets_frozen', unit: currency, rule: `money:${lexiconKey(seized.phrase)}>${key}`, nounClass: null };
    }
    if (cue === 'not_enforcement') return null;
    // ... except that a weak noun ("worth", "funds", "losses") yields to an enforcement verb before it:
    // "seized assets worth 1.2 billion baht", "recover economic losses of 46 million yuan".
    // "41.6 billion yuan of fraud-related funds were frozen", "assets worth EUR 3.6 million were
    // seized": a weak or trailing cue yields to the authorities' verb after the amount in its clause.
    if (WEAK_MONEY_CUE_SET.has(key) || index >= near.length) {
      const predicate = rightHits.find((h) => (cuesOfMoneyWord.get(lexiconKey(h.phrase)) ?? [])[0] === 'assets_frozen' && isPredicateOfAmount(right.slice(0, h.start)));
      if (predicate && predicate !== hit && index < near.length + rightHits.length) return { measure: 'assets_frozen', unit: currency, rule: `money:${key}<${lexiconKey(predicate.phrase)}`, nounClass: null };
    }
    if (WEAK_MONEY_CUE_SET.has(key) && index < near.length) {
      const stronger = leftHits.slice(leftHits.indexOf(hit) + 1).find((h) => (cuesOfMoneyWord.get(lexiconKey(h.phrase)) ?? [])[0] === 'assets_frozen');
      // Not when the verb acts on counted goods in between: "seized 1.3 million fake items worth 90 million yuan".
      const between = stronger ? leftSource.slice(stronger.end, hit.start) : '';
      if (stronger && (!/\d/u.test(between) || HOLDING_CUES.has(key))) return { measure: 'assets_frozen', unit: currency, rule: `money:${lexiconKey(stronger.phrase)}>${key}`, nounClass: null };
    }
    return { measure: cue, unit: currency, rule: `money:${key}`, nounClass: null };
  }
  return null;
}

const WEAK_MONEY_CUE_SET = new Set(WEAK_MONEY_CUES);
/** Not enforcement on their own (a token's market value), but the value of what an enforcement verb before them seized. */
const VALUATION_CUES = new Set(['market value', 'market capitalisation', 'market capitalization', 'market cap', 'valuation']);

/**
 * Whether a verb after an amount, `gap` after it, has the amount as its subject: "[yuan of funds]
 * were frozen", "[in illicit funds] frozen". Not when the gap starts another clause or names
 * another subject ("... and police froze 200 million": that verb is the next amount's).
 */
function isPredicateOfAmount(gap: string): boolean {
  return (
    !/[,;]/u.test(gap) &&
    wordsBetween(gap) <= 8 &&
    // Another clause or subject, or a negation ("were not recovered", "have yet to be", "before the accounts were frozen").
    !/\b(?:and|or|but|while|as|police|authorities|officers|they|it|he|she|which|who|not|never|yet|no|cannot|could|failed|before|after|until|since|the)\b/u.test(gap)
  );
}
/** "froze 5,000 bank accounts holding 600 million yuan": the money in what was frozen is frozen. */
const HOLDING_CUES = new Set(['holding', 'containing']);

interface NounHit {
  cls: NounClass | null;
  event: Measure | null;
  phrase: string;
  side: 'right' | 'left' | 'demonym';
}

interface CountContext {
  left: string;
  right: string;
  wideLeft: string;
  wideRight: string;
  mention: NumberMention;
  previousClass: NounClass | null;
}

function typeCount({ left, right, wideLeft, wideRight, mention, previousClass }: CountContext): Typed | null {
  const tail = stripTrailingQualifier(left);
  // "bank card 12,000 Zhang": a translated measure word after the number; the noun stands before it.
  const classifier = matchers.classifiers.startsWith(right.replace(/^\s*(?:more\s+)?/u, ''));
  let noun = (classifier ? null : nounAfter(right)) ?? nounBefore(tail);
  // "cleaned up harmful information 1.06 million pieces": a bare measure word after the number
  // counts the noun before it (translation style).
  if (noun?.side === 'right' && MEASURE_WORDS.has(noun.phrase)) {
    const before = nounBefore(tail);
    // Not a person or a den: "seized from the suspects 300 items".
    if (before?.cls && before.cls !== 'person' && before.cls !== 'den') noun = before;
  }
  if (noun?.event) return { measure: noun.event, unit: unitOfMeasure(noun.event), rule: `event:${noun.phrase}`, nounClass: null };
  if (noun && noun.cls === null) return null; // a non-figure noun: population, records, cities ...
  // "cracked 290 of them", "checked 5,200 websites, blocked 610": the noun of the previous figure.
  if (!noun && previousClass && (/^\s*of (?:them|these|those|which)\b/u.test(right) || isElided(right))) {
    noun = { cls: previousClass, event: null, phrase: `(${previousClass})`, side: 'left' };
  }
  const verbs = verbsAround(left, right, wideLeft, wideRight);
  if (noun?.cls) {
    const cls = noun.cls;
    const fits = (v: VerbHit): boolean => MEASURE_BY_CLASS_AND_VERB[cls][v.group] !== undefined;
    // The agentive participle wins over verbs away from the number, not over one next to it
    // ("courts sentenced 40 suspects detained by police").
    const adjacentLeft = verbs.some((v) => v.adjacent && v.side === 'left' && fits(v) && !ASSOCIATION_VERBS.has(v.phrase));
    const verb = (adjacentLeft ? undefined : verbs.find((v) => v.agentive && fits(v))) ?? verbs.find(fits);
    if (!verb) return null;
    const measure = MEASURE_BY_CLASS_AND_VERB[cls][verb.group]!;
    return { measure, unit: UNIT_OF_CLASS[cls], rule: `noun:${noun.phrase}+verb:${verb.phrase}`, nounClass: cls };
  }
  // No counted noun: "arrested 15,000 for cybercrime", "two had been sentenced". Only a person verb
  // right next to the number may stand in for the noun.
  if (mention.form === 'words' && mention.value < 2) return null;
  // "busted a gang of 45": the number counts the gang's members, not arrests.
  if (/\bof\s*$/u.test(left)) return null;
  const adjacent = verbs.find((v) => v.adjacent && MEASURE_BY_CLASS_AND_VERB.person[v.group]);
  if (!adjacent) return null;
  // "flown to Kunming on six chartered flights": a number that a preposition governs is not the
  // object of the verb before it (one after it still may be: "led to 4 arrests").
  if (adjacent.side === 'left' && PREPOSITION_BEFORE_NUMBER.test(tail)) return null;
  return { measure: MEASURE_BY_CLASS_AND_VERB.person[adjacent.group]!, unit: 'people', rule: `implicit-people+verb:${adjacent.phrase}`, nounClass: 'person' };
}

/** Verbs that only associate a count with the subject ("linked to 4,618 cases cracked by police"): an agentive participle after the noun says more. */
const ASSOCIATION_VERBS: ReadonlySet<string> = new Set(['linked to', 'linked', 'connected to', 'tied to']);

/** Prepositions that take the number as their object (the qualifier words before it stripped first). */
// Not "to", "by" or "from": "the number arrested rose to 300", "up by 40" are counts.
const PREPOSITION_BEFORE_NUMBER = /\b(?:on|aboard|onto|into|in|at|via|with|within|across|per|for)\s*$/iu;

/** Nothing after the number but a conjunction, punctuation or the sentence end: the noun was elided. */
function isElided(right: string): boolean {
  return /^\s*(?:$|[,;.]|and\b|or\b|respectively\b|each\b|in\b|the ministry|,? the)/u.test(right);
}

function stripTrailingQualifier(left: string): string {
  let tail = left.replace(/[\s,:]+$/u, '');
  for (const qualifier of ['under', 'over', 'about'] as const) {
    const hit = matchers.qualifiersBefore[qualifier].endsWith(tail);
    if (hit) {
      tail = tail.slice(0, hit.start).replace(/[\s,:]+$/u, '');
      break;
    }
  }
  return tail;
}

function unitOfMeasure(measure: Measure): string {
  for (const [cls, byVerb] of Object.entries(MEASURE_BY_CLASS_AND_VERB) as [NounClass, Partial<Record<VerbGroup, Measure>>][]) {
    if (Object.values(byVerb).includes(measure)) return UNIT_OF_CLASS[cls];
  }
  return 'items';
}

/** The counted noun in the words right after the number, skipping modifiers and quoted epithets. */
function nounAfter(right: string): NounHit | null {
  let text = right.replace(/^\s*(?:-\s*)?/u, '');
  // A quoted epithet between number and noun: 1.88 million “violent and dangerous” messages.
  text = text.replace(/^(?:[“"‘'][^“”"‘’']{0,60}[”"’']\s*)/u, (quoted) => ' '.repeat(quoted.length));
  const window = text.slice(0, 80);
  let stop = firstStop(window);
  // "46,000 QQ and WeChat accounts", "41,000 telecom and online fraud cases": no noun before the
  // conjunction, so the phrase goes on past it.
  if (!matchers.nouns.findAll(window.slice(0, stop)).length && /^\s*(?:and|or|&)\s/u.test(window.slice(stop))) {
    const rest = window.slice(stop).replace(/^\s*(?:and|or|&)\s/u, (m) => ' '.repeat(m.length));
    stop = stop + firstStop(rest);
  }
  const scope = window.slice(0, stop);
  const demonym = /^\s*(\p{L}+)/u.exec(scope);
  // English noun phrases are head-final: in "700 cyber criminal bases" the count is of bases. Take
  // the last noun before an "of" (a measure word keeps its "of" complement, handled below).
  const ofAt = /\sof\s/u.exec(scope);
  const head = ofAt ? scope.slice(0, ofAt.index) : scope;
  const lastHit = (m: PhraseMatcher, text: string) => m.findAll(text).at(-1);
  // A participle after a noun starts a post-modifier: "260 dens producing counterfeit goods".
  const firstNoun = matchers.nouns.findAll(head).find((h) => /^\s+\p{L}+ing\b/u.test(head.slice(h.end)));
  if (firstNoun) return nounHit(firstNoun.phrase, 'right');
  const nonFigure = lastHit(matchers.nonFigureNouns, head);
  const event = lastHit(matchers.eventNouns, head);
  const noun = lastHit(matchers.nouns, head);
  const first = [nonFigure, event, noun].filter((h): h is NonNullable<typeof h> => !!h).sort((a, b) => b.end - a.end || a.start - b.start)[0];
  if (first && wordsBetween(scope.slice(0, first.start)) <= 4) {
    const key = lexiconKey(first.phrase);
    if (first === nonFigure) return { cls: null, event: null, phrase: key, side: 'right' };
    if (first === event) return { cls: null, event: EVENT_NOUNS[key] ?? null, phrase: key, side: 'right' };
    // A measure word ("1.4 billion pieces of illegal information"): the noun after "of" decides.
    const after = /^\s*of\s/u.exec(window.slice(first.end));
    if (after && MEASURE_WORDS.has(key)) {
      // The complement may run past a conjunction: "pieces of illegal and harmful information".
      const complement = window.slice(first.end + after[0].length).split(/[,.;:!?()]/u)[0]!.split(/\s+/u).slice(0, 8).join(' ');
      const inner = matchers.nouns.findAll(complement).filter((h) => classOfNoun.get(lexiconKey(h.phrase))?.[0] !== 'person').at(-1);
      const innerKey = inner ? lexiconKey(inner.phrase) : null;
      if (innerKey && classOfNoun.get(innerKey)?.[0] && classOfNoun.get(innerKey)?.[0] !== 'person') return { cls: classOfNoun.get(innerKey)![0]!, event: null, phrase: `${key} of ${innerKey}`, side: 'right' };
    }
    return { cls: classOfNoun.get(key)?.[0] ?? null, event: null, phrase: key, side: 'right' };
  }
  // "15,000 Chinese arrested": a demonym straight after a number counts people.
  if (demonym && demonymCountry(capitalise(demonym[1]!))) return { cls: 'person', event: null, phrase: demonym[1]!, side: 'demonym' };
  return null;
}

function nounHit(phrase: string, side: NounHit['side']): NounHit {
  const key = lexiconKey(phrase);
  return { cls: classOfNoun.get(key)?.[0] ?? null, event: null, phrase: key, side };
}

const MEASURE_WORDS = new Set(['pieces', 'items', 'units', 'sets', 'boxes', 'cartons', 'copies', 'batches', 'pieces of', 'tons', 'tonnes']);

/** Translation style: the counted noun right before the number ("warehouse dens 28", "cracked cases 4,400"). */
function nounBefore(left: string): NounHit | null {
  const tail = left.replace(/[\s,:]+$/u, '');
  const event = matchers.eventNouns.endsWith(tail);
  if (event) return { cls: null, event: EVENT_NOUNS[lexiconKey(event.phrase)] ?? null, phrase: lexiconKey(event.phrase), side: 'left' };
  const noun = matchers.nouns.endsWith(tail);
  if (!noun) return null;
  const key = lexiconKey(noun.phrase);
  if (matchers.nonFigureNouns.endsWith(tail)) return { cls: null, event: null, phrase: key, side: 'left' };
  return { cls: classOfNoun.get(key)?.[0] ?? null, event: null, phrase: key, side: 'left' };
}

function firstStop(window: string): number {
  let stop = window.length;
  // A verb ends the noun phrase: in "dens 28 seized imitation guns" the guns are not counted by 28.
  const nouns = matchers.nouns.findAll(window);
  // Not a verb inside a hyphenated modifier: "8,000 pre-registered SIM cards".
  const verb = matchers.verbs.findAll(window).find((h) => !nouns.some((n) => n.start <= h.start && n.end >= h.end) && window[h.start - 1] !== '-' && window[h.end] !== '-');
  if (verb) stop = Math.min(stop, verb.start);
  const punctuation = /[,.;:!?()（）\[\]]|\s-\s|\d/u.exec(window);
  if (punctuation) stop = Math.min(stop, punctuation.index);
  const word = matchers.nounStops.findAll(window)[0];
  if (word && word.phrase !== 'of') stop = Math.min(stop, word.start);
  return stop;
}

function wordsBetween(text: string): number {
  return (text.match(/[\p{L}\p{N}]+/gu) ?? []).length;
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

interface VerbHit {
  group: VerbGroup;
  phrase: string;
  distance: number;
  adjacent: boolean;
  /** Which side of the number the verb stands on. */
  side: 'left' | 'right';
  /** A participle with its agent right after the counted noun: "4,618 cases cracked by police". */
  agentive?: boolean;
}

/**
 * Verbs that may act on the number, best first: a predicate right after it ("19 remained in
 * detention", "cases ... were cracked"), then the nearest verb on its left up to the previous
 * number, then the nearest on its right, then further left in the clause (a verb shared by a list:
 * "seized 150 computers, 2,300 phones and 48,000 SIM cards").
 */
function verbsAround(left: string, right: string, wideLeft: string, wideRight: string): VerbHit[] {
  const hits: VerbHit[] = [];
  const add = (hit: { phrase: string }, distance: number, adjacent: boolean, side: VerbHit['side']) => {
    for (const group of groupsOfVerb.get(lexiconKey(hit.phrase)) ?? []) hits.push({ group, phrase: lexiconKey(hit.phrase), distance, adjacent, side });
  };
  const rightHits = matchers.verbs.findAll(right);
  const aux = PASSIVE_AUX.exec(right);
  if (aux) {
    const predicate = rightHits.find((h) => h.start >= aux[0].length - 1 && wordsBetween(right.slice(aux[0].length, h.start)) <= 3);
    if (predicate) add(predicate, predicate.start, true, 'right');
  }
  for (const hit of matchers.verbs.findAll(left).reverse()) {
    const gap = left.slice(hit.end);
    add(hit, left.length - hit.end, wordsBetween(gap) <= 3 && !/[,;]/u.test(gap), 'left');
  }
  for (const hit of rightHits) {
    const gap = right.slice(0, hit.start);
    const adjacent = wordsBetween(gap) <= 4 && !/[,;]/u.test(gap);
    add(hit, hit.start, adjacent, 'right');
    if (adjacent && /^\s+by\b/u.test(right.slice(hit.end))) for (const h of hits) if (h.side === 'right' && h.distance === hit.start) h.agentive = true;
  }
  if (wideRight.length > right.length) {
    const beyond = wideRight.slice(right.length);
    const passive = PASSIVE_AUX.exec(beyond);
    const predicate = passive ? matchers.verbs.findAll(beyond).find((h) => h.start >= passive[0].length - 1) : undefined;
    if (predicate) add(predicate, right.length + predicate.start, false, 'right');
  }
  const extra = wideLeft.length - left.length;
  if (extra > 0) {
    for (const hit of matchers.verbs.findAll(wideLeft.slice(0, extra)).reverse()) add(hit, wideLeft.length - hit.end, false, 'left');
  }
  return hits;
}

/**
 * The place a figure applies to: a place its own sentence names (nearest before the number, else
 * after); else the nearest earlier sentence of its paragraph that names a place or says
 * "nationwide"; else, for money in another country's currency, that country ("cost victims Rs 50
 * crore" in a report that names no place); else the document's main country.
 */
function resolvePlace(
  candidate: Candidate,
  { sentences, docCountry, docRegion, regionWideTarget }: DocPlaces,
  /** The country (or region) whose currency a money figure is in, if only one uses it. */
  currencyCountry?: string,
): { code: string | null; name: string | null } {
  const own = candidate.sentence;
  const fromOwn = placeInSentence(own, candidate.start, false);
  const national = { code: docCountry, name: null };
  // A place the sentence names wins ("Chinese and Cambodian police raided 12 compounds in Phnom
  // Penh" -> KH); else the nationality of the acting authority ("Fijian police arrested 82").
  if (fromOwn) return fromOwn;
  if (own.nationwide) return national;
  if (own.regionWide && regionWideTarget) return regionWideTarget;
  if (own.authorityCountry && own.authorityCountry !== docCountry) return countryPlace(own.authorityCountry);
  for (let i = own.index - 1; i >= 0; i--) {
    const framing = sentences[i]!;
    if (framing.paragraphIndex !== own.paragraphIndex) break;
    if (framing.nationwide) return national;
    if (framing.regionWide && regionWideTarget) return regionWideTarget;
    const place = placeInSentence(framing, framing.text.length, true);
    if (place) return place;
  }
  // Only when the document names no place at all: "¥", "Rs" and "pesos" are read as one country's
  // currency, which a story from Tokyo, Karachi or Mexico City contradicts.
  if (currencyCountry && placeCountry(currencyCountry) !== docCountry && sentences.every((s) => s.places.length === 0)) return countryPlace(currencyCountry);
  return docRegion ?? national;
}

const SPECIAL_REGIONS: Record<string, string> = { HK: 'CN-HK', MO: 'CN-MO' };
const SPECIAL_REGION_NAMES: Record<string, string> = { HK: 'Hong Kong', MO: 'Macao' };

/** Hong Kong and Macao as ISO 3166-2:CN codes them (CN-HK, CN-MO), named when no name was read. */
function withSpecialRegion(place: { code: string | null; name: string | null }): { code: string | null; name: string | null } {
  const special = place.code ? SPECIAL_REGIONS[place.code] : undefined;
  return special ? { code: special, name: place.name ?? SPECIAL_REGION_NAMES[place.code!] ?? null } : place;
}

/**
 * A place a figure applies to, from a match standing alone (a table's row label, a list's place
 * "respectively"): a Chinese place by its own code, a foreign one by its country, China unnamed.
 */
function placeOfMatch(place: PlaceMatch): { code: string; name: string | null } {
  if (SPECIAL_REGIONS[place.code]) return { code: SPECIAL_REGIONS[place.code]!, name: place.name };
  if (place.level === 'country') return { code: place.code, name: place.code === 'CN' ? null : place.name };
  return { code: place.country === 'CN' ? place.code : place.country, name: place.name };
}

function placeCountry(code: string): string {
  return code.slice(0, 2);
}

function countryPlace(code: string): { code: string; name: string | null } {
  return { code, name: null };
}

function placeInSentence(sentence: SentenceContext, position: number, framing: boolean): { code: string; name: string | null } | null {
  const places = sentence.places;
  if (!places.length) return null;
  const codes = new Set(places.map((p) => p.code));
  // Several regions in one breath ("Beijing, Jiangsu, Zhejiang ... public security organs"): a
  // multi-regional figure, reported at country level.
  if (codes.size > 2) return { code: places[0]!.country, name: null };
  const before = places.filter((p) => p.start < position);
  const chosen = before.length ? before[before.length - 1]! : framing ? null : places[0]!;
  if (!chosen) return null;
  // Hong Kong and Macao are special administrative regions of China: ISO 3166-2:CN codes them CN-HK and CN-MO.
  if (SPECIAL_REGIONS[chosen.code]) return { code: SPECIAL_REGIONS[chosen.code]!, name: chosen.name };
  if (chosen.level === 'country') return { code: chosen.code, name: chosen.code === 'CN' ? null : chosen.name };
  // Abroad, the figure is coded by country ("a figure for another country ... gets that country's code").
  if (chosen.country !== 'CN') return { code: chosen.country, name: chosen.name };
  // The most specific place with the same code: a city rather than its province.
  const sameCode = places.filter((p) => p.code === chosen.code);
  const specific = sameCode.find((p) => p.level === 'city' || p.level === 'county') ?? chosen;
  return { code: chosen.code, name: specific.name };
}

/** One row per distinct figure: later mentions of the same measure, value, unit and place merge into the first. */
function mergeRepeats(figures: ExtractedFigure[]): ExtractedFigure[] {
  const byKey = new Map<string, ExtractedFigure>();
  const merge = (first: ExtractedFigure, figure: ExtractedFigure) => {
    first.mentions++;
    // Headlines drop qualifiers ("15,000 arrested" over "nearly 15,000"): the body's word is the better one.
    if (first.inTitle && first.qualifier === 'exact' && !figure.inTitle && figure.qualifier !== 'exact') first.qualifier = figure.qualifier;
  };
  const valueKey = (f: ExtractedFigure) => `${f.measure}|${f.value}|${f.unit}`;
  // Body figures first, one per measure, value, unit and place.
  for (const figure of figures.filter((f) => !f.inTitle)) {
    const key = `${valueKey(figure)}|${figure.place_code ?? ''}`;
    const first = byKey.get(key);
    if (first) merge(first, figure);
    else byKey.set(key, { ...figure });
  }
  // A headline figure is the body's figure of the same value, wherever the headline's words place
  // it; the row keeps the headline's offsets (the first mention) and the body's place and qualifier.
  const result = [...byKey.values()];
  for (const figure of figures.filter((f) => f.inTitle)) {
    const body = result.find((f) => !f.inTitle && valueKey(f) === valueKey(figure));
    if (body) {
      body.mentions++;
      Object.assign(body, { cleanStart: figure.cleanStart, cleanEnd: figure.cleanEnd, sentenceIndex: figure.sentenceIndex, sentence: figure.sentence, inTitle: true });
      continue;
    }
    const twin = result.find((f) => f.inTitle && valueKey(f) === valueKey(figure));
    if (twin) twin.mentions++;
    else result.push({ ...figure });
  }
  return result.sort((a, b) => a.cleanStart - b.cleanStart);
}
