// Crackdown campaigns: find them in text, and link documents that report the same campaign.
//
// Part 1 (`findCampaignMentions`) finds names and descriptions of campaigns in one document:
//   quoted   — a quoted name next to a campaign word or a naming cue: dubbed “Cleaning the Internet”
//   proper   — capitalised names: "Operation Fox Hunt", "Summer Action", "Net Clean 2019", "Jingwang"
//   descriptive — a generic noun with a stated purpose: "ongoing campaign to clean up the internet"
//   generic  — a campaign noun with modifiers only: "special action", "six-month special operation"
// and reads the agency, launch month/year and duration stated around each mention.
//
// Part 2 (`linkCampaigns`, in campaignLinking.ts) scores candidate pairs of documents on name,
// agency, launch date, duration and headline figures together, refuses links that contradict each
// other, and merges greedily from the strongest link down.
//
// All English wording lives in CAMPAIGN_LEXICON_EN and AGENCIES so another language can be added.

import { findPlaces, placeByCode, type PlaceMatch } from './places.js';
import type { Span } from './types.js';
import { withWordTables } from './lexicon/table.js';

// ============================================================================ lexicon

export interface CampaignLexicon {
  /** Nouns that make a phrase a campaign. */
  campaignNouns: readonly string[];
  /** Nouns that may stand before a proper name: "Operation Fox Hunt", "the operation Cleaning the Internet". */
  namePrefixNouns: readonly string[];
  /** Modifiers that make "<modifier> <campaign noun>" a (generic) campaign mention. */
  genericModifiers: readonly string[];
  /** Subject words allowed between modifiers and the noun: "special cybercrime campaign". */
  topicWords: readonly string[];
  /** Words or phrases that introduce a name: dubbed “...”. */
  namingCues: readonly string[];
  /** Action words typical of campaign names ("clean", "sword", "hunt"), used to accept names without a campaign noun. */
  themeWords: readonly string[];
  /** Words that stand for the internet in campaign names; all compare equal. */
  netWords: readonly string[];
  /** Words that show a sentence is about law enforcement (accepts a bare quoted title). */
  enforcementContext: readonly string[];
  /** Known campaign names (romanised Chinese) and the English words they mean, for name comparison. */
  knownNames: Readonly<Record<string, string>>;
  /** Words dropped when comparing names. */
  nameStopWords: readonly string[];
  /** Word -> canonical word for name comparison (after lowercasing). */
  nameSynonyms: Readonly<Record<string, string>>;
  /** Words before a month that mark it as the launch month: "launched in July", "since August". */
  launchCuesBefore: readonly string[];
  /** Words after a month that mark it as the launch month: "In July, the ministry launched ...". */
  launchCuesAfter: readonly string[];
  /** Words that introduce a duration: "lasting six months", "will run for a year". */
  durationCues: readonly string[];
  /** Determiners of an anaphoric reference: "the campaign", "this operation". */
  referenceDeterminers: readonly string[];
  months: Readonly<Record<string, number>>;
  /** Relative month phrases -> offset from the publication month. */
  relativeMonths: Readonly<Record<string, number>>;
  numberWords: Readonly<Record<string, number>>;
  /** Duration units in months. */
  durationUnits: Readonly<Record<string, number>>;
  /** Words kept lowercase inside Title Case names. */
  titleCaseSmallWords: readonly string[];
  /** Leading words dropped when a description becomes a campaign name ("the ongoing campaign ..." -> "Campaign ..."). */
  descriptionDropLeading: readonly string[];
  /** Words of a recurring series: "carried out every year since 2016" dates the series, not this campaign. */
  recurrenceCues: readonly string[];
  /** "this year's Qinglang campaign" -> offset from the publication year. */
  relativeYearPrefixes: Readonly<Record<string, number>>;
  /** Unit words of numeric dates in machine-translated Chinese ("2022 year 4 month 1 day"). */
  numericDateUnits: { year: string; month: string; day: string };
  /** Words joining two months into a period: "from March to December". */
  monthRangeJoiners: readonly string[];
}

export const CAMPAIGN_LEXICON_EN: CampaignLexicon = withWordTables({
  campaignNouns: [
    'campaign', 'campaigns', 'operation', 'operations', 'op', 'action', 'actions', 'crackdown', 'crackdowns',
    'crusade', 'program', 'programme', 'drive', 'sweep', 'initiative', 'offensive', 'blitz', 'movement', 'rectification', 'effort',
  ],
  namePrefixNouns: ['operation', 'op', 'campaign', 'codename', 'code-name'],
  genericModifiers: [
    'special', 'nationwide', 'national', 'countrywide', 'country-wide', 'ongoing', 'concentrated', 'centralized',
    'centralised', 'joint', 'intensive', 'major', 'large-scale', 'massive', 'sweeping', 'wider', 'broader',
    'year-long', 'yearlong', 'months-long', 'month-long', 'monthlong', 'annual', 'targeted', 'dedicated', 'unified',
    'province-wide', 'provincewide', 'citywide', 'city-wide', 'multi-agency', 'cross-border', 'coordinated',
  ],
  topicWords: [
    'cyber', 'cybercrime', 'cyber-crime', 'cybersecurity', 'internet', 'online', 'network', 'web', 'anti-fraud',
    'anti-cybercrime', 'anti-gambling', 'anti-pornography', 'anti-porn', 'fraud', 'telecom', 'telecommunications',
    'gambling', 'crime', 'criminal', 'police', 'enforcement', 'law-enforcement', 'security', 'pornography',
    'anti-crime', 'anti-scam', 'scam', 'crackdown', 'clean-up', 'cleanup',
  ],
  namingCues: ['dubbed', 'code-named', 'codenamed', 'code named', 'named', 'called', 'known as', 'titled', 'entitled', 'nicknamed'],
  themeWords: [
    'clean', 'cleaning', 'cleanup', 'clean-up', 'cleanse', 'cleansing', 'purify', 'purifying', 'purification', 'sword',
    'shield', 'hunt', 'hunting', 'thunder', 'storm', 'strike', 'sweep', 'sweeping', 'fox', 'hawk', 'eagle', 'dragon',
    'lightning', 'spring', 'summer', 'autumn', 'winter', 'guard', 'guardian', 'shield', 'clear', 'bright', 'safe',
  ],
  netWords: ['internet', 'network', 'networks', 'net', 'online', 'web', 'cyber', 'cyberspace'],
  enforcementContext: [
    'arrest', 'arrested', 'arrests', 'police', 'crackdown', 'cybercrime', 'cybercrimes', 'crime', 'crimes', 'suspects',
    'detained', 'raid', 'raids', 'busted', 'seized', 'ministry',
  ],
  knownNames: {
    jingwang: 'clean net',
    qinglang: 'clear bright',
    tianwang: 'sky net',
    lieshu: 'fox hunt',
    jianwang: 'sword net',
    duanka: 'card break',
    kunlun: 'kunlun',
    hudun: 'guard shield',
  },
  nameStopWords: [
    'the', 'a', 'an', 'of', 'to', 'up', 'on', 'for', 'and', 'in', 'against', 'out', 'down', 'related', 'special',
    'operation', 'operations', 'op', 'campaign', 'campaigns', 'action', 'actions', 'program', 'programme', 'crackdown',
    'drive', 'initiative', 'sweep', 'movement', 'crusade', 'offensive', 'blitz', 'codename', 'code-name', 'china', "china's",
    'chinese', 'national', 'nationwide',
  ],
  nameSynonyms: {
    internet: 'net', network: 'net', networks: 'net', online: 'net', web: 'net', cyber: 'net', cyberspace: 'net',
    cleaning: 'clean', cleanup: 'clean', cleanse: 'clean', cleansing: 'clean', purify: 'clean', purifying: 'clean',
    purification: 'clean', cleaned: 'clean', clean: 'clean',
  },
  launchCuesBefore: [
    'launched', 'launch', 'launching', 'started', 'start', 'starting', 'began', 'begun', 'begin', 'since', 'from',
    'initiated', 'kicked', 'commenced', 'rolled', 'unveiled', 'introduced', 'inaugurated',
  ],
  launchCuesAfter: ['launched', 'started', 'began', 'initiated', 'kicked', 'commenced', 'rolled', 'unveiled', 'introduced'],
  durationCues: ['lasting', 'last', 'lasts', 'lasted', 'run', 'runs', 'running', 'ran'],
  referenceDeterminers: ['the', 'this', 'that', 'its'],
  months: {
    january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10,
    november: 11, december: 12, jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10,
    nov: 11, dec: 12,
  },
  relativeMonths: { 'last month': -1, 'this month': 0, 'earlier this month': 0, 'past month': -1 },
  numberWords: {
    a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11,
    twelve: 12, fifteen: 15, eighteen: 18, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, ninety: 90,
    hundred: 100, 'one-hundred': 100, half: 0.5,
  },
  durationUnits: { day: 1 / 30, days: 1 / 30, week: 7 / 30, weeks: 7 / 30, month: 1, months: 1, year: 12, years: 12 },
  titleCaseSmallWords: ['a', 'an', 'the', 'and', 'or', 'of', 'in', 'on', 'at', 'to', 'for', 'by', 'with', 'against', 'from'],
  descriptionDropLeading: ['the', 'a', 'an', 'this', 'its', 'ongoing', 'recent', 'new', 'latest', 'current', 'wider', 'broader'],
  recurrenceCues: ['every year', 'each year', 'annually', 'yearly', 'every summer', 'every winter', 'year after year'],
  relativeYearPrefixes: { "this year's": 0, "last year's": -1, "next year's": 1 },
  numericDateUnits: { year: 'year', month: 'month', day: 'day' },
  monthRangeJoiners: ['to', 'through', 'until', 'till', 'thru'],
});

export interface AgencyEntry {
  /** Canonical English name. */
  name: string;
  /** Spellings matched case-insensitively on word boundaries. */
  aliases: readonly string[];
  /** Abbreviations matched case-sensitively as whole words. */
  abbreviations: readonly string[];
  /**
   * The chain of command the agency heads ("police", "cyberspace"): a national ministry and a
   * provincial body of the same hierarchy may report the same national campaign.
   */
  hierarchy?: string;
}

export const AGENCIES: readonly AgencyEntry[] = [
  { name: 'Ministry of Public Security', aliases: ['ministry of public security', 'public security ministry', 'ministry of public safety', "china's police ministry"], abbreviations: ['MPS'], hierarchy: 'police' },
  { name: 'Cyberspace Administration of China', aliases: ['cyberspace administration of china', 'cyberspace administration', 'cyberspace affairs commission', "china's internet watchdog"], abbreviations: ['CAC'], hierarchy: 'cyberspace' },
  { name: "Supreme People's Procuratorate", aliases: ["supreme people's procuratorate", 'supreme peoples procuratorate', 'supreme procuratorate'], abbreviations: ['SPP'] },
  { name: "Supreme People's Court", aliases: ["supreme people's court", 'supreme peoples court'], abbreviations: ['SPC'] },
  { name: 'Ministry of Industry and Information Technology', aliases: ['ministry of industry and information technology'], abbreviations: ['MIIT'] },
  { name: 'Ministry of State Security', aliases: ['ministry of state security'], abbreviations: ['MSS'] },
  { name: "People's Bank of China", aliases: ["people's bank of china", 'peoples bank of china'], abbreviations: ['PBOC', 'PBoC'] },
  { name: 'State Administration for Market Regulation', aliases: ['state administration for market regulation'], abbreviations: ['SAMR'] },
  { name: 'National Office Against Pornographic and Illegal Publications', aliases: ['national office against pornographic and illegal publications', 'anti-pornography and illegal publications office', 'office of the national anti-pornography and anti-illegal publications working group'], abbreviations: [] },
  { name: 'National Radio and Television Administration', aliases: ['national radio and television administration'], abbreviations: ['NRTA'] },
  { name: 'Ministry of Culture and Tourism', aliases: ['ministry of culture and tourism'], abbreviations: [] },
  { name: 'State Council', aliases: ['state council'], abbreviations: [] },
  { name: 'Federal Bureau of Investigation', aliases: ['federal bureau of investigation'], abbreviations: ['FBI'] },
  { name: 'Europol', aliases: ['europol'], abbreviations: [] },
  { name: 'Interpol', aliases: ['interpol'], abbreviations: [] },
  { name: 'National Crime Agency', aliases: ['national crime agency'], abbreviations: ['NCA'] },
];

/** Kinds of place a local body serves; each has its own English name template. */
export type LocalKind = 'province' | 'region' | 'municipality' | 'city' | 'sar' | 'foreign';

export interface LocalAgencyLexicon {
  /** Body phrases that follow a place ("Zhejiang" + "provincial public security department") -> hierarchy. */
  bodies: Readonly<Record<string, string>>;
  /** Level words standing for the document's own province or city: "the provincial public security department". */
  levelWords: Readonly<Record<string, 'province' | 'city'>>;
  /** Canonical name templates per hierarchy and kind of place; "{place}" is the place's English name. */
  nameTemplates: Readonly<Record<string, Readonly<Record<LocalKind, string>>>>;
  /** ISO 3166-2 codes of province-level municipalities and of autonomous regions (named differently). */
  municipalities: readonly string[];
  autonomousRegions: readonly string[];
  /** Special administrative regions (ISO 3166-1 codes), which have their own police forces. */
  specialRegions: readonly string[];
  /**
   * Phrases around an agency that make it the body that ordered a campaign, not the one running it:
   * "in accordance with Ministry of Public Security deployment, the region's police carried out ...".
   */
  deployerCuesBefore: readonly string[];
  deployerCuesAfter: readonly string[];
}

export const LOCAL_AGENCY_LEXICON_EN: LocalAgencyLexicon = withWordTables({
  bodies: {
    'public security department': 'police', 'provincial public security department': 'police',
    'regional public security department': 'police', 'department of public security': 'police',
    'provincial department of public security': 'police', 'public security bureau': 'police',
    'municipal public security bureau': 'police', 'provincial public security bureau': 'police',
    'bureau of public security': 'police', 'municipal bureau of public security': 'police',
    'public security organs': 'police', 'public security authorities': 'police', 'public security': 'police',
    police: 'police', 'police force': 'police', 'police department': 'police', 'police bureau': 'police',
    'provincial police': 'police', 'municipal police': 'police', 'city police': 'police',
    'cyberspace administration': 'cyberspace', 'cyberspace affairs office': 'cyberspace',
    'internet information office': 'cyberspace', 'cyberspace authorities': 'cyberspace', 'cyberspace authority': 'cyberspace',
  },
  levelWords: { provincial: 'province', "province's": 'province', regional: 'province', region: 'province', "region's": 'province', municipal: 'city', "city's": 'city' },
  nameTemplates: {
    police: {
      province: '{place} Provincial Public Security Department',
      region: '{place} Autonomous Region Public Security Department',
      municipality: '{place} Municipal Public Security Bureau',
      city: '{place} Municipal Public Security Bureau',
      sar: '{place} Police Force',
      foreign: '{place} Police',
    },
    cyberspace: {
      province: '{place} Cyberspace Administration',
      region: '{place} Cyberspace Administration',
      municipality: '{place} Cyberspace Administration',
      city: '{place} Cyberspace Administration',
      sar: '{place} Cyberspace Authority',
      foreign: '{place} Cyberspace Authority',
    },
  },
  municipalities: ['CN-BJ', 'CN-SH', 'CN-TJ', 'CN-CQ'],
  autonomousRegions: ['CN-GX', 'CN-NM', 'CN-XZ', 'CN-NX', 'CN-XJ'],
  specialRegions: ['HK', 'MO'],
  deployerCuesBefore: [
    'in accordance with', 'in line with', 'under the deployment of', 'under the unified deployment of', 'as deployed by',
    'at the request of', 'following the deployment of', 'according to the deployment of', 'under the guidance of',
    'guided by', 'as required by', 'at the direction of', 'under the direction of',
  ],
  deployerCuesAfter: ['deployment', 'deployments', 'unified deployment', 'arrangement', 'arrangements', 'requirements', 'instructions'],
});

// ============================================================================ mentions

/**
 * quoted/proper: a name; descriptive: a noun with a purpose clause; generic: a noun with modifiers;
 * reference: a bare "the campaign" kept only where its sentence states a launch date or duration
 * ("The campaign was launched in March 2021").
 */
export type MentionKind = 'quoted' | 'proper' | 'descriptive' | 'generic' | 'reference';

export interface CampaignMention {
  /** UTF-16 range of the name/description in the text. */
  start: number;
  end: number;
  /** As written, e.g. "Cleaning the Internet", "special action". */
  name: string | null;
  /** Comparable form ("clean net"); null for generic descriptions, which say nothing about identity. */
  normalizedName: string | null;
  kind: MentionKind;
  agency: string | null;
  launchMonth: number | null;
  launchDay: number | null;
  launchYear: number | null;
  /** "launched last month" -> -1: resolved against the publication date when linking. */
  launchMonthOffset: number | null;
  durationMonths: number | null;
  sentenceIndex: number;
  /** Province (ISO 3166-2) or SAR/country code of a local agency; null for a national one. Optional: older records lack it. */
  agencyRegion?: string | null;
  /** Hierarchy of the agency ("police", "cyberspace"), when known. */
  agencyHierarchy?: string | null;
  /** A year written in the name itself ("Thunder 2023"): different name years are different campaigns. */
  nameYear?: number | null;
  /** "this year's campaign" -> 0: the launch year relative to the publication year. */
  launchYearOffset?: number | null;
}

interface Token {
  text: string;
  lower: string;
  start: number;
  end: number;
  /** Punctuation (anything but spaces) stands between this token and the previous one. */
  breakBefore: boolean;
}

// Words with inner hyphens/apostrophes; every repetition consumes a separator, so no backtracking blow-up.
const WORD_RE = /[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*/gu;
const UPPER_RE = /^\p{Lu}/u;
export const YEAR_RE = /^(?:19|20)\d\d$/;
const DIGITS_RE = /^\d{1,4}$/;

function tokenize(text: string, from: number, to: number): Token[] {
  const tokens: Token[] = [];
  const slice = text.slice(from, to);
  let prevEnd = 0;
  for (const m of slice.matchAll(WORD_RE)) {
    const start = m.index;
    const lower = m[0].toLowerCase();
    tokens.push({
      text: m[0],
      lower: lower.includes('’') ? lower.replace(/’/g, "'") : lower,
      start: from + start,
      end: from + start + m[0].length,
      breakBefore: tokens.length > 0 && hasNonSpace(slice, prevEnd, start),
    });
    prevEnd = start + m[0].length;
  }
  return tokens;
}

/** /\S/ over text[from, to), without slicing it out. */
function hasNonSpace(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i += 1) {
    const code = text.charCodeAt(i);
    if (code === 0x20 || (code >= 0x09 && code <= 0x0d)) continue;
    if (code < 0x80 || !SPACE_RE.test(text[i]!)) return true;
  }
  return false;
}
const SPACE_RE = /\s/;

/** Starts with an upper-case letter; ASCII answered without the Unicode regex (asked many times per token). */
const isCapitalised = (t: Token): boolean => {
  const code = t.text.charCodeAt(0);
  return code < 0x80 ? code >= 0x41 && code <= 0x5a : UPPER_RE.test(t.text);
};
const isYear = (t: Token): boolean => YEAR_RE.test(t.text);

/** Lexicon lists as sets, built once per lexicon. */
interface LexiconSets {
  nouns: Set<string>;
  prefixNouns: Set<string>;
  modifiers: Set<string>;
  topics: Set<string>;
  themes: Set<string>;
  nets: Set<string>;
  context: Set<string>;
  launchBefore: Set<string>;
  launchAfter: Set<string>;
  durationCues: Set<string>;
  determiners: Set<string>;
  stop: Set<string>;
  small: Set<string>;
  /** First words of the relative month phrases: most tokens start none, and skip building a two-word key. */
  relativeMonthFirstWords: Set<string>;
}

const setsCache = new WeakMap<CampaignLexicon, LexiconSets>();
function lexiconSets(lex: CampaignLexicon): LexiconSets {
  let sets = setsCache.get(lex);
  if (!sets) {
    sets = {
      nouns: new Set(lex.campaignNouns),
      prefixNouns: new Set(lex.namePrefixNouns),
      modifiers: new Set(lex.genericModifiers),
      topics: new Set(lex.topicWords),
      themes: new Set(lex.themeWords),
      nets: new Set(lex.netWords),
      context: new Set(lex.enforcementContext),
      launchBefore: new Set(lex.launchCuesBefore),
      launchAfter: new Set(lex.launchCuesAfter),
      durationCues: new Set(lex.durationCues),
      determiners: new Set(lex.referenceDeterminers),
      stop: new Set(lex.nameStopWords),
      small: new Set(lex.titleCaseSmallWords),
      relativeMonthFirstWords: new Set(Object.keys(lex.relativeMonths).map((phrase) => phrase.split(' ')[0]!)),
    };
    setsCache.set(lex, sets);
  }
  return sets;
}

// ---------------------------------------------------------------------------- name normalisation

/** Light stemming: plural -s and -ing, then synonyms. */
function stemWord(word: string, lex: CampaignLexicon): string {
  const direct = lex.nameSynonyms[word];
  if (direct) return direct;
  let w = word;
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ies')) w = w.slice(0, -3) + 'y';
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  return lex.nameSynonyms[w] ?? w;
}

/**
 * Comparable form of a campaign name: lowercased, stop words and campaign nouns and years
 * dropped, stemmed, synonyms merged, known romanised names glossed, words sorted.
 * "Cleaning the Internet", "clean network action", "Clean Up the Internet", "Jingwang 2019" -> "clean net".
 */
export function normalizeCampaignName(name: string, lex: CampaignLexicon = CAMPAIGN_LEXICON_EN): string | null {
  const sets = lexiconSets(lex);
  const words = name.toLowerCase().replace(/’/g, "'").split(/[^\p{L}\p{N}']+/u).filter(Boolean);
  const out = new Set<string>();
  for (const raw of words) {
    const word = raw.replace(/^'+|'+$/g, '');
    if (!word || sets.stop.has(word) || YEAR_RE.test(word)) continue;
    const gloss = lex.knownNames[word];
    if (gloss) {
      for (const g of gloss.split(' ')) out.add(stemWord(g, lex));
      continue;
    }
    out.add(stemWord(word, lex));
  }
  return out.size > 0 ? [...out].sort().join(' ') : null;
}

/** Jaccard similarity of two normalised names (word sets). */
export function nameSimilarity(a: string, b: string): number {
  const wa = new Set(a.split(' '));
  const wb = new Set(b.split(' '));
  let shared = 0;
  for (const w of wa) if (wb.has(w)) shared += 1;
  return shared / (wa.size + wb.size - shared);
}

/** Title Case with small words lowercase (except first): "cleaning the Internet" -> "Cleaning the Internet". */
export function titleCase(name: string, lex: CampaignLexicon = CAMPAIGN_LEXICON_EN): string {
  const small = lexiconSets(lex).small;
  return name
    .trim()
    .split(/\s+/)
    .map((w, i) => {
      const lower = w.toLowerCase();
      if (i > 0 && small.has(lower)) return lower;
      if (/\p{Lu}/u.test(w.slice(1))) return w; // keep acronyms and inner capitals (MPS, iPhone)
      return w.charAt(0).toUpperCase() + w.slice(1);
    })
    .join(' ');
}

// ---------------------------------------------------------------------------- agencies

export interface AgencyMatch {
  agency: string;
  start: number;
  end: number;
  /** Province (ISO 3166-2) or SAR/foreign code of a local body; absent for national agencies. */
  region?: string;
  hierarchy?: string;
  /** The agency ordered the campaign rather than ran it ("in accordance with MPS deployment"). */
  deployer?: boolean;
}

const WORD_CHAR_RE = /[\p{L}\p{N}]/u;
/** A letter or digit; ASCII answered without the Unicode regex (this runs for every quote mark and match edge). */
const isWordChar = (ch: string | undefined): boolean => {
  if (ch === undefined) return false;
  const code = ch.charCodeAt(0);
  if (code < 0x80) return (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
  return WORD_CHAR_RE.test(ch);
};

function boundedIndexOf(hay: string, needle: string, from: number): number {
  let at = hay.indexOf(needle, from);
  while (at >= 0) {
    if (!isWordChar(hay[at - 1]) && !isWordChar(hay[at + needle.length])) return at;
    at = hay.indexOf(needle, at + 1);
  }
  return -1;
}

const ASCII_ONLY_RE = /^[\x00-\x7f]*$/;

/** Whether `needle` can occur in the lowercased form of some part of `text`: false only when it is certain not to. */
function mayOccurLowercased(lowerText: string, needle: string): boolean {
  // Lowercasing maps each character on its own, except Greek capital sigma, which looks at its
  // neighbours; that never yields ASCII, so an ASCII needle absent from the whole lowercased text is
  // absent from the lowercased form of every slice. Other needles are always searched.
  return !ASCII_ONLY_RE.test(needle) || lowerText.includes(needle);
}

interface AgencyForms {
  entry: AgencyEntry;
  aliases: readonly string[];
  abbreviations: readonly string[];
}

/**
 * The agency spellings that can occur in `text` at all, per entry: findAgencies runs once per
 * sentence of a document, and most of the ~45 spellings appear nowhere in it. One document cached.
 */
let agencyFormsCache: { text: string; agencies: readonly AgencyEntry[]; forms: AgencyForms[] } | null = null;
function agencyFormsIn(text: string, agencies: readonly AgencyEntry[]): AgencyForms[] {
  if (agencyFormsCache && agencyFormsCache.agencies === agencies && agencyFormsCache.text === text) return agencyFormsCache.forms;
  const lowerText = text.toLowerCase().replace(/’/g, "'");
  const forms = agencies.map((entry) => ({
    entry,
    aliases: entry.aliases.filter((a) => mayOccurLowercased(lowerText, a)),
    abbreviations: entry.abbreviations.filter((a) => text.includes(a)),
  }));
  agencyFormsCache = { text, agencies, forms };
  return forms;
}

/** Every agency named in text[from, to), by canonical name, in text order. */
export function findAgencies(text: string, from = 0, to = text.length, agencies: readonly AgencyEntry[] = AGENCIES): AgencyMatch[] {
  const slice = text.slice(from, to);
  const lower = slice.toLowerCase().replace(/’/g, "'");
  const found: AgencyMatch[] = [];
  for (const { entry, aliases, abbreviations } of agencyFormsIn(text, agencies)) {
    if (aliases.length === 0 && abbreviations.length === 0) continue;
    const forms: [string, string][] = [
      ...aliases.map((a): [string, string] => [lower, a]),
      ...abbreviations.map((a): [string, string] => [slice, a]),
    ];
    for (const [hay, needle] of forms) {
      for (let at = boundedIndexOf(hay, needle, 0); at >= 0; at = boundedIndexOf(hay, needle, at + needle.length)) {
        const match: AgencyMatch = { agency: entry.name, start: from + at, end: from + at + needle.length };
        if (entry.hierarchy) match.hierarchy = entry.hierarchy;
        found.push(match);
      }
    }
  }
  return keepLongest(found);
}

/** Longest match wins where spellings overlap ("cyberspace administration" inside "... of china"). */
function keepLongest(found: AgencyMatch[]): AgencyMatch[] {
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: AgencyMatch[] = [];
  let keptEnd = -1;
  for (const m of found) {
    if (m.start < keptEnd) continue;
    kept.push(m);
    keptEnd = m.end;
  }
  return kept;
}

/** The kind of place a local body serves, which decides its English name. */
function localKind(place: Pick<PlaceMatch, 'code' | 'level' | 'country'>, lex: LocalAgencyLexicon): LocalKind | null {
  if (lex.specialRegions.includes(place.code)) return 'sar';
  if (place.level === 'country') return null; // "China police" is no body; national agencies have their own names
  if (place.country !== 'CN') return 'foreign';
  if (place.level !== 'province') return 'city';
  if (lex.municipalities.includes(place.code)) return 'municipality';
  return lex.autonomousRegions.includes(place.code) ? 'region' : 'province';
}

function localAgency(place: Pick<PlaceMatch, 'name' | 'code' | 'level' | 'country'>, hierarchy: string, lex: LocalAgencyLexicon): { agency: string; region: string } | null {
  const kind = localKind(place, lex);
  const template = kind ? lex.nameTemplates[hierarchy]?.[kind] : undefined;
  return template ? { agency: template.replace('{place}', place.name), region: place.code } : null;
}

/** The body phrase starting at `at` in lowercased text (longest first), or null. */
function bodyAt(lower: string, at: number, bodies: readonly string[]): string | null {
  for (const body of bodies) if (lower.startsWith(body, at) && !isWordChar(lower[at + body.length])) return body;
  return null;
}

/** The province or city a document is mostly about: its most often named one (first named wins ties). */
export function dominantPlace(places: readonly PlaceMatch[], level: 'province' | 'city'): PlaceMatch | null {
  const counts = new Map<string, { place: PlaceMatch; n: number }>();
  for (const p of places) {
    if (p.country !== 'CN' || p.level === 'country') continue;
    if (level === 'city' && p.level === 'province') continue;
    // A city counts for its province: findPlaces gives cities their province's code.
    const key = level === 'province' ? p.code : p.name;
    const entry = counts.get(key);
    if (entry) entry.n += 1;
    else counts.set(key, { place: p, n: 1 });
  }
  let best: { place: PlaceMatch; n: number } | null = null;
  for (const e of counts.values()) if (!best || e.n > best.n) best = e;
  if (!best || level === 'city') return best?.place ?? null;
  // Name the province itself, not the city that happened to be counted first.
  const province = places.find((p) => p.code === best.place.code && p.level === 'province');
  return province ?? { ...best.place, name: provinceNameFallback(best.place), level: 'province' };
}

const dominantCache = new WeakMap<readonly PlaceMatch[], Map<string, PlaceMatch | null>>();
/** dominantPlace, computed once per document's place list (called for every sentence). */
function dominantPlaceMemo(places: readonly PlaceMatch[], level: 'province' | 'city'): PlaceMatch | null {
  let memo = dominantCache.get(places);
  if (!memo) dominantCache.set(places, (memo = new Map()));
  if (!memo.has(level)) memo.set(level, dominantPlace(places, level));
  return memo.get(level)!;
}

/** The province's own name when only its cities were named ("Nanning" -> "Guangxi"). */
function provinceNameFallback(p: PlaceMatch): string {
  return placeByCode(p.code)?.name ?? p.name;
}

const sortedBodies = new WeakMap<LocalAgencyLexicon, string[]>();
/** The lexicon's body phrases, longest first, sorted once per lexicon (findLocalAgencies runs per sentence). */
function bodiesLongestFirst(lex: LocalAgencyLexicon): string[] {
  let bodies = sortedBodies.get(lex);
  if (!bodies) sortedBodies.set(lex, (bodies = Object.keys(lex.bodies).sort((a, b) => b.length - a.length)));
  return bodies;
}

/**
 * Provincial and municipal bodies in text[from, to): a place followed by a body phrase
 * ("Zhejiang Provincial Public Security Department", "Shenzhen police", "Hong Kong Police Force"),
 * or a level word standing for the document's own province/city ("the provincial public security
 * department" in an article about Zhejiang). `places` are findPlaces over the whole text.
 */
export function findLocalAgencies(
  text: string,
  places: readonly PlaceMatch[],
  from = 0,
  to = text.length,
  lex: LocalAgencyLexicon = LOCAL_AGENCY_LEXICON_EN,
): AgencyMatch[] {
  const bodies = bodiesLongestFirst(lex);
  const out: AgencyMatch[] = [];
  // Offsets in `lower` are relative to `from`: sentences are scanned one at a time, never the whole text.
  const lower = text.slice(from, to).toLowerCase().replace(/’/g, "'");
  const covered: [number, number][] = [];
  for (let k = lowerBound(places, from, placeStart); k < places.length && places[k]!.end <= to; k += 1) {
    const place = places[k]!;
    let at = place.end - from;
    if (lower.startsWith("'s", at)) at += 2;
    let spaces = 0;
    while (spaces < 3 && (lower[at] === ' ' || lower[at] === '\u00a0')) (at += 1), (spaces += 1);
    if (spaces === 0) continue;
    const body = bodyAt(lower, at, bodies);
    if (!body) continue;
    pushLocalAgency(out, lex, place, body, place.start, from + at + body.length);
    covered.push([place.start - from, at + body.length]);
  }
  for (const word of levelWordsIn(text, lex)) {
    for (let at = boundedIndexOf(lower, word, 0); at >= 0; at = boundedIndexOf(lower, word, at + word.length)) {
      if (covered.some(([s, e]) => at >= s && at < e)) continue;
      const bodyStart = at + word.length + 1;
      if (lower[bodyStart - 1] !== ' ') continue;
      const body = bodyAt(lower, bodyStart, bodies);
      if (!body) continue;
      const place = dominantPlaceMemo(places, lex.levelWords[word]!);
      if (place) pushLocalAgency(out, lex, place, body, from + at, from + bodyStart + body.length);
    }
  }
  return out;
}

const placeStart = (p: PlaceMatch): number => p.start;

function pushLocalAgency(
  out: AgencyMatch[],
  lex: LocalAgencyLexicon,
  place: Pick<PlaceMatch, 'name' | 'code' | 'level' | 'country'>,
  body: string,
  start: number,
  end: number,
): void {
  const hierarchy = lex.bodies[body]!;
  const named = localAgency(place, hierarchy, lex);
  if (named) out.push({ agency: named.agency, start, end, region: named.region, hierarchy });
}

/** The lexicon's level words that can occur in `text` (see mayOccurLowercased), in lexicon order; one document cached. */
let levelWordsCache: { text: string; lex: LocalAgencyLexicon; words: string[] } | null = null;
function levelWordsIn(text: string, lex: LocalAgencyLexicon): string[] {
  if (levelWordsCache && levelWordsCache.lex === lex && levelWordsCache.text === text) return levelWordsCache.words;
  const lowerText = text.toLowerCase().replace(/’/g, "'");
  const words = Object.keys(lex.levelWords).filter((word) => mayOccurLowercased(lowerText, word));
  levelWordsCache = { text, lex, words };
  return words;
}

/** Marks agencies that ordered a campaign rather than ran it ("in accordance with MPS deployment"). */
function markDeployers(text: string, matches: AgencyMatch[], lex: LocalAgencyLexicon): AgencyMatch[] {
  return matches.map((m) => {
    const before = text.slice(Math.max(0, m.start - 40), m.start).toLowerCase().replace(/^\S*\s/, '').replace(/\s+(?:the\s+)?$/, '');
    const after = text.slice(m.end, m.end + 30).toLowerCase().replace(/^(?:'s|’s)?\s+/, '');
    const deployer =
      lex.deployerCuesBefore.some((c) => before.endsWith(c) && !isWordChar(before[before.length - c.length - 1])) ||
      lex.deployerCuesAfter.some((c) => after.startsWith(c) && !isWordChar(after[c.length]));
    return deployer ? { ...m, deployer } : m;
  });
}

/** Whether any local body phrase occurs at all: the gazetteer scan is skipped for texts without one. */
function mayNameLocalBody(text: string, lex: LocalAgencyLexicon): boolean {
  const lower = text.toLowerCase();
  return Object.keys(lex.bodies).some((body) => lower.includes(body));
}

/** National and local agencies of text[from, to), deployers marked, in text order. */
export function findAllAgencies(
  text: string,
  places: readonly PlaceMatch[],
  from = 0,
  to = text.length,
  agencies: readonly AgencyEntry[] = AGENCIES,
  local: LocalAgencyLexicon = LOCAL_AGENCY_LEXICON_EN,
): AgencyMatch[] {
  const all = keepLongest([...findAgencies(text, from, to, agencies), ...findLocalAgencies(text, places, from, to, local)]);
  return markDeployers(text, all, local);
}

// ---------------------------------------------------------------------------- quotes

interface QuotePair {
  open: number;
  /** Content range (inside the quote marks). */
  start: number;
  end: number;
}

const OPENING_CURLY = new Set(['“', '‘', '«', '„']);
const CLOSING_FOR: Readonly<Record<string, string>> = { '“': '”', '‘': '’', '«': '»', '„': '“' };
const MAX_QUOTE_LENGTH = 120;
/** Code units findQuotePairs acts on: the line break and every quote mark it knows. */
const QUOTE_SCAN_UNITS = new Set(['\n', '"', "'", '’', ...OPENING_CURLY, ...Object.values(CLOSING_FOR), '”', '»', '“'].map((ch) => ch.charCodeAt(0)));

/**
 * Quote pairs in text, in one linear pass. Curly quotes nest (a stack); straight quotes toggle;
 * a straight or curly single quote counts only at word edges, so apostrophes (China's, Gov't)
 * are not quotes. Everything resets at a line break, and long spans are not names.
 */
export function findQuotePairs(text: string): QuotePair[] {
  const pairs: QuotePair[] = [];
  let stack: { mark: string; at: number }[] = [];
  let straightDouble = -1;
  let straightSingle = -1;
  const push = (open: number, close: number): void => {
    if (close - open - 1 <= MAX_QUOTE_LENGTH && close > open + 1) pairs.push({ open, start: open + 1, end: close });
  };
  for (let i = 0; i < text.length; i += 1) {
    // Only line breaks and quote marks do anything below: skip other characters without making strings.
    if (!QUOTE_SCAN_UNITS.has(text.charCodeAt(i))) continue;
    const ch = text[i]!;
    if (ch === '\n') {
      stack = [];
      straightDouble = straightSingle = -1;
      continue;
    }
    const prev = text[i - 1];
    const next = text[i + 1];
    if (ch === '"') {
      if (straightDouble < 0) straightDouble = i;
      else {
        push(straightDouble, i);
        straightDouble = -1;
      }
    } else if (ch === "'" || ch === '’') {
      const closes = !isWordChar(next);
      const top = stack[stack.length - 1];
      if (ch === '’' && closes && top?.mark === '‘') {
        stack.pop();
        push(top.at, i);
      } else if (ch === "'" && straightSingle >= 0 && closes && isWordChar(prev) === true) {
        push(straightSingle, i);
        straightSingle = -1;
      } else if (ch === "'" && !isWordChar(prev) && isWordChar(next)) {
        straightSingle = i;
      } else if (ch === "'" && straightSingle >= 0 && closes) {
        push(straightSingle, i);
        straightSingle = -1;
      }
    } else if (OPENING_CURLY.has(ch) && !(ch === '“' && stack[stack.length - 1]?.mark === '„')) {
      if (stack.length >= 8) stack.shift();
      stack.push({ mark: ch, at: i });
    } else if (ch === '”' || ch === '»' || ch === '“') {
      // pop to the nearest opener this mark closes
      for (let k = stack.length - 1; k >= 0; k -= 1) {
        if (CLOSING_FOR[stack[k]!.mark] === ch) {
          push(stack[k]!.at, i);
          stack = stack.slice(0, k);
          break;
        }
      }
    }
  }
  return pairs.sort((a, b) => a.open - b.open);
}

// ---------------------------------------------------------------------------- durations and dates

function parseNumberWord(word: string, lex: CampaignLexicon): number | null {
  if (DIGITS_RE.test(word)) return Number(word);
  return lex.numberWords[word] ?? null;
}

/** "six-month" -> 6, "100-day" -> 3.33, "year-long" -> 12, "half-year" -> 6; null if not a duration. */
export function parseHyphenatedDuration(word: string, lex: CampaignLexicon = CAMPAIGN_LEXICON_EN): number | null {
  const all = word.toLowerCase().split('-');
  const parts = all.filter((p) => p !== 'long');
  if (parts.length === 1) {
    const w = parts[0]!;
    if (w === 'yearlong') return 12;
    // "year-long", "month-long": one unit
    const unit = lex.durationUnits[w];
    return all.length === 2 && unit !== undefined && !w.endsWith('s') ? roundMonths(unit) : null;
  }
  if (parts.length !== 2) return null;
  const unit = lex.durationUnits[parts[1]!];
  if (unit === undefined) return null;
  const n = parseNumberWord(parts[0]!, lex);
  return n === null ? null : roundMonths(n * unit);
}

const roundMonths = (m: number): number => Math.round(m * 100) / 100;

interface Found<T> {
  value: T;
  tokenIndex: number;
  tokenEnd: number;
}

/** Duration phrases of a sentence, with the token range they cover. */
function findDurations(tokens: Token[], lex: CampaignLexicon, sets: LexiconSets): Found<number>[] {
  const out: Found<number>[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i]!;
    if (t.lower === 'year-long' || t.lower === 'yearlong') {
      out.push({ value: 12, tokenIndex: i, tokenEnd: i + 1 });
      continue;
    }
    const range = monthRangeAt(tokens, i, lex, sets);
    if (range !== null) {
      out.push({ value: range, tokenIndex: i, tokenEnd: i + 3 });
      continue;
    }
    const hyph = t.lower.includes('-') ? parseHyphenatedDuration(t.lower, lex) : null;
    if (hyph !== null) {
      if (followedByCampaignNoun(tokens, i + 1, sets) || followedByNamedCampaign(tokens, i + 1, sets)) out.push({ value: hyph, tokenIndex: i, tokenEnd: i + 1 });
      continue;
    }
    // The unit first: few tokens are followed by one, and it is the cheaper test.
    const next = tokens[i + 1];
    const unit = next && !next.breakBefore ? lex.durationUnits[next.lower] : undefined;
    if (unit === undefined) continue;
    const n = parseNumberWord(t.lower, lex);
    if (n === null) continue;
    let end = i + 2;
    if (tokens[end]?.lower === 'long' && !tokens[end]!.breakBefore) end += 1;
    const cued = isDurationCued(tokens, i, sets);
    if (cued || followedByCampaignNoun(tokens, end, sets)) out.push({ value: roundMonths(n * unit), tokenIndex: i, tokenEnd: end });
  }
  return out;
}

/**
 * "ran from March to December" -> 10: two capitalised months joined by "to", after "from" and a
 * launch or duration cue (a bare "between January and June" is a reporting period, not the campaign).
 */
function monthRangeAt(tokens: Token[], i: number, lex: CampaignLexicon, sets: LexiconSets): number | null {
  // Checked first because it is the cheapest test and rules out almost every token (runs per token).
  if (tokens[i - 1]?.lower !== 'from') return null;
  const first = tokens[i]!;
  const joiner = tokens[i + 1];
  const last = tokens[i + 2];
  const m1 = lex.months[first.lower];
  const m2 = last ? lex.months[last.lower] : undefined;
  if (m1 === undefined || m2 === undefined || !joiner || !lex.monthRangeJoiners.includes(joiner.lower)) return null;
  if (!isCapitalised(first) || !isCapitalised(last!) || tokens[i - 1]?.lower !== 'from') return null;
  const cue = tokens[i - 2]?.lower;
  if (cue === undefined || !(sets.durationCues.has(cue) || sets.launchBefore.has(cue))) return null;
  return ((m2 - m1 + 12) % 12) + 1;
}

/** "lasting six months", "will run for a year". */
function isDurationCued(tokens: Token[], i: number, sets: LexiconSets): boolean {
  const back1 = tokens[i - 1]?.lower;
  const back2 = tokens[i - 2]?.lower;
  return (back1 !== undefined && sets.durationCues.has(back1)) || (back1 === 'for' && back2 !== undefined && sets.durationCues.has(back2));
}

/** A name (capitalised words, years, quotes) and then a campaign noun: six-month “Thunder 2023” campaign. */
function followedByNamedCampaign(tokens: Token[], from: number, sets: LexiconSets): boolean {
  const first = tokens[from];
  if (!first || !isCapitalised(first)) return false;
  for (let j = from; j < Math.min(tokens.length, from + 6); j += 1) {
    const t = tokens[j]!;
    if (j > from && sets.nouns.has(t.lower)) return true;
    if (!isCapitalised(t) && !isYear(t) && !sets.small.has(t.lower)) return false;
  }
  return false;
}

/** A campaign noun follows within three modifier/topic words: "six-month special operation". */
function followedByCampaignNoun(tokens: Token[], from: number, sets: LexiconSets): boolean {
  for (let j = from; j < Math.min(tokens.length, from + 4); j += 1) {
    const t = tokens[j]!;
    if (t.breakBefore && j > from) return false;
    if (sets.nouns.has(t.lower)) return true;
    if (!sets.modifiers.has(t.lower) && !sets.topics.has(t.lower)) return false;
  }
  return false;
}

const LAUNCH_CUE_WINDOW = 8;

interface LaunchDate {
  month: number | null;
  day: number | null;
  year: number | null;
  monthOffset: number | null;
}

/** Launch dates stated in a sentence: a month (or year) next to a launch cue. */
function findLaunchDates(tokens: Token[], lex: CampaignLexicon, sets: LexiconSets): Found<LaunchDate>[] {
  const out: Found<LaunchDate>[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i]!;
    const month = lex.months[t.lower];
    // Month names must be capitalised ("may" is a verb); abbreviations only when followed by a day or year.
    if (month !== undefined && isCapitalised(t) && (t.lower.length > 3 || t.lower === 'may' || isDayOrYear(tokens[i + 1]))) {
      // "launched the Net Clean 2019 campaign in April": the cue may stand a name away.
      if (!hasCueBefore(tokens, i, LAUNCH_CUE_WINDOW, sets.launchBefore) && !hasCueAfter(tokens, i, 6, sets.launchAfter)) continue;
      const { day, year } = dayAndYearAfter(tokens, i);
      out.push({ value: { month, day, year, monthOffset: null }, tokenIndex: i, tokenEnd: i + 1 });
      continue;
    }
    const numeric = isYear(t) ? numericDateAt(tokens, i, lex) : null;
    if (numeric && hasCueBefore(tokens, i, 3, sets.launchBefore)) {
      out.push({ value: { ...numeric.date, monthOffset: null }, tokenIndex: i, tokenEnd: numeric.end });
      continue;
    }
    // "carried out every year since 2016" dates a recurring series, not this year's campaign.
    if (isYear(t) && hasCueBefore(tokens, i, 3, sets.launchBefore) && !lex.months[tokens[i - 1]?.lower ?? ''] && !hasRecurrenceBefore(tokens, i, lex)) {
      out.push({ value: { month: null, day: null, year: Number(t.text), monthOffset: null }, tokenIndex: i, tokenEnd: i + 1 });
      continue;
    }
    if (!sets.relativeMonthFirstWords.has(t.lower)) continue;
    const phrase2 = tokens[i + 1] ? `${t.lower} ${tokens[i + 1]!.lower}` : '';
    const offset = lex.relativeMonths[phrase2];
    if (offset !== undefined && hasCueBefore(tokens, i, 6, sets.launchBefore)) {
      out.push({ value: { month: null, day: null, year: null, monthOffset: offset }, tokenIndex: i, tokenEnd: i + 2 });
    }
  }
  return out;
}

/** Machine-translated Chinese dates: "2022 year 4 month 1 day" (2022年4月1日); the day is optional. */
function numericDateAt(tokens: Token[], i: number, lex: CampaignLexicon): { date: { year: number; month: number; day: number | null }; end: number } | null {
  const u = lex.numericDateUnits;
  const [yearWord, monthNum, monthWord, dayNum, dayWord] = tokens.slice(i + 1, i + 6);
  if (yearWord?.lower !== u.year || monthWord?.lower !== u.month || !monthNum || !/^\d{1,2}$/.test(monthNum.text)) return null;
  const month = Number(monthNum.text);
  if (month < 1 || month > 12) return null;
  const dayOk = dayNum && dayWord?.lower === u.day && /^\d{1,2}$/.test(dayNum.text) && Number(dayNum.text) >= 1 && Number(dayNum.text) <= 31;
  return { date: { year: Number(tokens[i]!.text), month, day: dayOk ? Number(dayNum.text) : null }, end: i + (dayOk ? 6 : 4) };
}

/** A recurrence phrase ("every year", "annually") among the few words before token i. */
function hasRecurrenceBefore(tokens: Token[], i: number, lex: CampaignLexicon): boolean {
  const before = tokens.slice(Math.max(0, i - 6), i).map((t) => t.lower).join(' ');
  return lex.recurrenceCues.some((cue) => before === cue || before.includes(cue + ' ') || before.endsWith(' ' + cue));
}

function isDayOrYear(t: Token | undefined): boolean {
  return t !== undefined && /^\d{1,4}$/.test(t.text);
}

function dayAndYearAfter(tokens: Token[], i: number): { day: number | null; year: number | null } {
  let day: number | null = null;
  let year: number | null = null;
  let j = i + 1;
  const d = tokens[j];
  if (d && /^\d{1,2}$/.test(d.text) && Number(d.text) >= 1 && Number(d.text) <= 31) {
    day = Number(d.text);
    j += 1;
  }
  const y = tokens[j];
  if (y && isYear(y)) year = Number(y.text);
  // "1 July 2015": day before the month
  const before = tokens[i - 1];
  if (day === null && before && /^\d{1,2}$/.test(before.text) && Number(before.text) <= 31 && Number(before.text) >= 1) day = Number(before.text);
  return { day, year };
}

function hasCueBefore(tokens: Token[], i: number, window: number, cues: Set<string>): boolean {
  for (let j = i - 1; j >= Math.max(0, i - window); j -= 1) if (cues.has(tokens[j]!.lower)) return true;
  return false;
}

function hasCueAfter(tokens: Token[], i: number, window: number, cues: Set<string>): boolean {
  for (let j = i + 1; j <= Math.min(tokens.length - 1, i + window); j += 1) if (cues.has(tokens[j]!.lower)) return true;
  return false;
}

// ---------------------------------------------------------------------------- mention candidates

interface Candidate {
  start: number;
  end: number;
  name: string;
  kind: MentionKind;
  /** Comparable name; for descriptive mentions, normalised from the purpose clause. */
  normalizedFrom: string | null;
  yearInName: number | null;
}

const KIND_PRIORITY: Readonly<Record<MentionKind, number>> = { quoted: 0, proper: 1, descriptive: 2, generic: 3, reference: 4 };

function trimQuoteContent(text: string, start: number, end: number): [number, number] {
  let s = start;
  let e = end;
  while (s < e && /[\s"'“”‘’]/.test(text[s]!)) s += 1;
  while (e > s && /[\s.,;:!?"'“”‘’]/.test(text[e - 1]!)) e -= 1;
  return [s, e];
}

function hasNamingCue(text: string, openAt: number, lex: CampaignLexicon): boolean {
  const before = text.slice(Math.max(0, openAt - 30), openAt).toLowerCase().replace(/[\s,:]+$/, '');
  return lex.namingCues.some((cue) => before.endsWith(cue) && !isWordChar(before[before.length - cue.length - 1]));
}

function isTitleCased(words: Token[], sets: LexiconSets): boolean {
  const content = words.filter((w) => !sets.small.has(w.lower));
  return content.length >= 2 && content.every(isCapitalised);
}

/** Most words capitalised: a headline, where capitals say nothing about names. */
function isHeadlineCase(tokens: Token[], sets: LexiconSets): boolean {
  const words = tokens.filter((t) => /^\p{L}/u.test(t.text) && !sets.small.has(t.lower));
  return words.length >= 4 && words.filter(isCapitalised).length / words.length >= 0.7;
}

function hasThemeWord(words: Token[], lex: CampaignLexicon, sets: LexiconSets): boolean {
  return words.some((w) => w.lower.split('-').some((p) => sets.themes.has(p) || lex.knownNames[p] !== undefined));
}

function quotedCandidates(
  text: string,
  quotes: QuotePair[],
  tokens: Token[],
  lex: CampaignLexicon,
  sets: LexiconSets,
): Candidate[] {
  const out: Candidate[] = [];
  if (quotes.length === 0) return out;
  const enforcementSentence = tokens.some((t) => sets.context.has(t.lower));
  for (const q of quotes) {
    const [s, e] = trimQuoteContent(text, q.start, q.end);
    if (e <= s || !/^\p{L}/u.test(text[s]!)) continue;
    const firstInner = firstTokenAtOrAfter(tokens, s);
    const afterInner = firstTokenAtOrAfter(tokens, e);
    const inner = tokens.slice(firstInner, afterInner);
    if (inner.length === 0 || inner.length > 8) continue;
    const before = tokens.slice(Math.max(0, firstTokenAtOrAfter(tokens, q.open) - 3), firstTokenAtOrAfter(tokens, q.open));
    const afterStart = firstTokenAtOrAfter(tokens, q.end);
    const after = tokens.slice(afterStart, afterStart + 2);
    // A capitalised name with its year in quotes ("Thunderbolt 2024", “Clean Net 2023”) is how the
    // genre names a campaign, whatever words stand around it (a translation's "carry out "X" strike").
    const innerWords = inner.filter((t) => /^\p{L}/u.test(t.text));
    const namedWithYear = yearOf(inner) !== null && innerWords.length >= 1 && innerWords.length <= 4 && innerWords.every(isCapitalised);
    // Chinese: “净网2024”专项行动, “断卡”行动, “雷霆2024”: a quoted name before an action noun, or with its year.
    const chineseName = /\p{Script=Han}/u.test(text.slice(s, e)) && e - s <= 12 && (/^(?:专项行动|专项|行动|战役|集中行动|整治|会战)/u.test(text.slice(e, e + 10).replace(/^[”"」』\s]+/u, '')) || /(?:19|20)\d\d$/u.test(text.slice(s, e)));
    const accepted =
      namedWithYear ||
      chineseName ||
      inner.some((t) => sets.nouns.has(t.lower)) ||
      hasNamingCue(text, q.open, lex) ||
      before.some((t) => sets.nouns.has(t.lower)) ||
      after.some((t) => sets.nouns.has(t.lower)) ||
      (isTitleCased(inner, sets) && hasThemeWord(inner, lex, sets) && enforcementSentence);
    if (!accepted) continue;
    const name = text.slice(s, e);
    out.push({ start: s, end: e, name, kind: 'quoted', normalizedFrom: name, yearInName: yearOf(inner) });
  }
  return out;
}

/** Index of the first token starting at or after offset (binary search: sentences can be huge). */
function firstTokenAtOrAfter(tokens: Token[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function yearOf(words: Token[]): number | null {
  const y = words.find(isYear);
  return y ? Number(y.text) : null;
}

/** A run of capitalised words (small words allowed inside), from token i forward; returns the end index (exclusive). */
function capitalisedRunForward(tokens: Token[], i: number, max: number, lex: CampaignLexicon, sets: LexiconSets): number {
  let end = i;
  for (let j = i; j < tokens.length && j < i + max; j += 1) {
    const t = tokens[j]!;
    if (j > i && t.breakBefore) break;
    if (lex.months[t.lower] !== undefined) break; // "Operation Fox Hunt in April"
    // A year closes a name ("Sky Net 2021"), but not after a small word ("Operation Sky Net in 2021").
    if (j > i && isYear(t)) return sets.small.has(tokens[j - 1]!.lower) ? end : j + 1;
    if (isCapitalised(t)) end = j + 1;
    else if (!(j > i && sets.small.has(t.lower))) break;
  }
  return end;
}

/** "Operation Fox Hunt", "the operation Cleaning the Internet", "Campaign Sky Net 2021". */
function prefixedNameCandidates(tokens: Token[], lex: CampaignLexicon, sets: LexiconSets): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < tokens.length - 1; i += 1) {
    const noun = tokens[i]!;
    if (!sets.prefixNouns.has(noun.lower)) continue;
    const next = tokens[i + 1]!;
    if (next.breakBefore || !isCapitalised(next)) continue;
    const end = capitalisedRunForward(tokens, i + 1, 6, lex, sets);
    const words = tokens.slice(i + 1, end);
    if (words.length === 0) continue;
    const nounCapitalised = isCapitalised(noun);
    // A lowercase "operation" followed by a capitalised word is a name only if it reads like one.
    if (!nounCapitalised && !hasThemeWord(words, lex, sets)) continue;
    if (words.every((w) => lex.months[w.lower] !== undefined || sets.small.has(w.lower))) continue;
    const first = nounCapitalised ? noun : words[0]!;
    const last = words[words.length - 1]!;
    out.push({ start: first.start, end: last.end, name: '', kind: 'proper', normalizedFrom: null, yearInName: yearOf(words) });
  }
  return out;
}

/** "Summer Action", "Clean Network Campaign 2020": capitalised words ending in a capitalised campaign noun. */
function suffixedNameCandidates(tokens: Token[], lex: CampaignLexicon, sets: LexiconSets, headline: boolean): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 1; i < tokens.length; i += 1) {
    const noun = tokens[i]!;
    if (!sets.nouns.has(noun.lower) || !isCapitalised(noun) || noun.breakBefore) continue;
    let start = i;
    for (let j = i - 1; j >= Math.max(0, i - 4); j -= 1) {
      const t = tokens[j]!;
      if (tokens[j + 1]!.breakBefore) break;
      if (isCapitalised(t)) start = j;
      else if (!sets.small.has(t.lower)) break;
    }
    while (start < i && sets.small.has(tokens[start]!.lower)) start += 1;
    const words = tokens.slice(start, i);
    if (words.length === 0) continue;
    const generic = words.every((w) => sets.modifiers.has(w.lower) || sets.topics.has(w.lower) || parseHyphenatedDuration(w.lower, lex) !== null);
    if (generic) continue; // "Special Action" is a description, found by the generic rule
    if (headline && !hasThemeWord(words, lex, sets)) continue;
    let end = i + 1;
    if (tokens[end] && isYear(tokens[end]!) && !tokens[end]!.breakBefore) end += 1;
    out.push({ start: tokens[start]!.start, end: tokens[end - 1]!.end, name: '', kind: 'proper', normalizedFrom: null, yearInName: yearOf(tokens.slice(start, end)) });
  }
  return out;
}

/** "Net Clean 2019", "Jingwang 2020", "Kunlun" — capitalised words with a year, or a known romanised name. */
function yearOrKnownNameCandidates(tokens: Token[], lex: CampaignLexicon, sets: LexiconSets): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i]!;
    if (isYear(t) && !t.breakBefore && i > 0) {
      let start = i;
      for (let j = i - 1; j >= Math.max(0, i - 3); j -= 1) {
        if (!isCapitalised(tokens[j]!) || tokens[j + 1]!.breakBefore) break;
        start = j;
      }
      while (start < i && sets.small.has(tokens[start]!.lower)) start += 1;
      const words = tokens.slice(start, i);
      if (words.length > 0 && words.every((w) => lex.months[w.lower] === undefined) && hasThemeWord(words, lex, sets)) {
        out.push({ start: words[0]!.start, end: t.end, name: '', kind: 'proper', normalizedFrom: null, yearInName: Number(t.text) });
      }
      continue;
    }
    if (isCapitalised(t) && lex.knownNames[t.lower] !== undefined) {
      out.push({ start: t.start, end: t.end, name: '', kind: 'proper', normalizedFrom: null, yearInName: null });
    }
  }
  return out;
}

/** Generic and descriptive mentions: "special action", "six-month special operation", "campaign to clean up the internet". */
function genericCandidates(tokens: Token[], lex: CampaignLexicon, sets: LexiconSets, withFacts: boolean): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const noun = tokens[i]!;
    if (!sets.nouns.has(noun.lower)) continue;
    let start = i;
    let modifiers = 0;
    for (let j = i - 1; j >= Math.max(0, i - 5); j -= 1) {
      const t = tokens[j]!;
      if (tokens[j + 1]!.breakBefore) break;
      const isDurationPart =
        parseHyphenatedDuration(t.lower, lex) !== null ||
        t.lower === 'year-long' ||
        (lex.durationUnits[t.lower] !== undefined && j > 0 && parseNumberWord(tokens[j - 1]!.lower, lex) !== null) ||
        (parseNumberWord(t.lower, lex) !== null && t.lower !== 'a' && t.lower !== 'an' && lex.durationUnits[tokens[j + 1]!.lower] !== undefined) ||
        t.lower === 'long';
      if (sets.modifiers.has(t.lower) || isDurationPart) modifiers += 1;
      else if (!sets.topics.has(t.lower)) break;
      start = j;
    }
    while (start < i && sets.topics.has(tokens[start]!.lower) && !sets.modifiers.has(tokens[start]!.lower)) start += 1;
    const purpose = purposeClause(tokens, i, lex, sets);
    if (modifiers === 0 && purpose === null) {
      const det = tokens[i - 1];
      if (withFacts && det && !noun.breakBefore && sets.determiners.has(det.lower)) {
        out.push({ start: det.start, end: noun.end, name: '', kind: 'reference', normalizedFrom: null, yearInName: null });
      }
      continue;
    }
    const endToken = purpose ? tokens[purpose.end - 1]! : noun;
    const purposeText = purpose ? tokens.slice(purpose.start, purpose.end).map((t) => t.text).join(' ') : null;
    out.push({
      start: tokens[start]!.start,
      end: endToken.end,
      name: '',
      kind: purpose ? 'descriptive' : 'generic',
      normalizedFrom: purposeText,
      yearInName: null,
    });
  }
  return out;
}

/** "campaign to clean up the internet": "to" + theme verb ... net word, within six words. */
function purposeClause(tokens: Token[], nounIndex: number, lex: CampaignLexicon, sets: LexiconSets): { start: number; end: number } | null {
  const to = tokens[nounIndex + 1];
  const verb = tokens[nounIndex + 2];
  if (!to || !verb || to.lower !== 'to' || to.breakBefore || verb.breakBefore) return null;
  if (!verb.lower.split('-').some((p) => sets.themes.has(p))) return null;
  for (let j = nounIndex + 2; j < Math.min(tokens.length, nounIndex + 8); j += 1) {
    const t = tokens[j]!;
    if ((j > nounIndex + 2 && t.breakBefore) || /\d/.test(t.text)) return null;
    if (t.lower.split('-').some((p) => sets.nets.has(p))) return { start: nounIndex + 2, end: j + 1 };
  }
  return null;
}

/**
 * Where candidates overlap, the better kind wins (quoted > proper > descriptive > generic >
 * reference), then the longer. Overlaps are resolved within runs of overlapping candidates,
 * so the work stays linear for long texts.
 */
function resolveOverlaps(cands: Candidate[]): Candidate[] {
  const byStart = [...cands].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Candidate[] = [];
  let run: Candidate[] = [];
  let runEnd = -1;
  const flush = (): void => {
    const ordered = run.sort(
      (a, b) => KIND_PRIORITY[a.kind] - KIND_PRIORITY[b.kind] || b.end - b.start - (a.end - a.start) || a.start - b.start,
    );
    const chosen: Candidate[] = [];
    for (const c of ordered) if (!chosen.some((k) => c.start < k.end && k.start < c.end)) chosen.push(c);
    kept.push(...chosen.sort((a, b) => a.start - b.start));
    run = [];
  };
  for (const c of byStart) {
    if (c.start >= runEnd && run.length > 0) flush();
    run.push(c);
    runEnd = Math.max(runEnd, c.end);
  }
  if (run.length > 0) flush();
  return kept;
}

// ---------------------------------------------------------------------------- sentence facts

interface SentenceFacts {
  span: Span;
  tokens: Token[];
  agencies: AgencyMatch[];
  durations: Found<number>[];
  launches: Found<LaunchDate>[];
}

/** The number of leading items for which `before` holds (it must hold for a prefix of `items` only). */
export function partitionPoint<T>(items: readonly T[], before: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(items[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first item at or after a position, in items sorted by position. */
function lowerBound<T>(items: readonly T[], at: number, pos: (item: T) => number): number {
  return partitionPoint(items, (item) => pos(item) < at);
}

/** The item nearest to a position, from items sorted by position (binary search: one sentence can hold thousands). */
function nearestBy<T>(items: readonly T[], at: number, pos: (item: T) => number): T | null {
  if (items.length === 0) return null;
  const lo = lowerBound(items, at, pos);
  const after = items[lo];
  const before = items[lo - 1];
  if (!before) return after ?? null;
  if (!after) return before;
  return at - pos(before) <= pos(after) - at ? before : after;
}

function nearest<T extends { tokenIndex: number }>(items: readonly T[], tokenIndex: number): T | null {
  return nearestBy(items, tokenIndex, (it) => it.tokenIndex);
}

/**
 * Agency for a mention: nearest in its sentence, else the closest neighbouring sentence (previous
 * first). An agency that only ordered the campaign ("in accordance with MPS deployment") yields to
 * the body that ran it, and is taken only when no other agency stands near.
 */
function agencyFor(facts: SentenceFacts[], si: number, at: number): AgencyMatch | null {
  for (const allowDeployers of [false, true]) {
    const usable = (list: readonly AgencyMatch[] | undefined): AgencyMatch[] => (list ?? []).filter((a) => allowDeployers || !a.deployer);
    const own = nearestBy(usable(facts[si]?.agencies), at, (a) => a.start);
    if (own) return own;
    for (const k of [si - 1, si + 1, si - 2, si + 2, si - 3]) {
      const list = usable(facts[k]?.agencies);
      if (list.length > 0) return k < si ? list[list.length - 1]! : list[0]!;
    }
  }
  return null;
}

/** Index of the sentence containing offset (or the last one starting before it); -1 without sentences. */
export function sentenceIndexAt(sentences: readonly Span[], offset: number): number {
  let lo = 0;
  let hi = sentences.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sentences[mid]!.start <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * Campaign names and descriptions in a document, in text order, with the agency, launch date and
 * duration stated around each. `sentences` are UTF-16 spans of `text` (from the clean stage).
 */
export function findCampaignMentions(
  text: string,
  sentences: readonly Span[],
  lex: CampaignLexicon = CAMPAIGN_LEXICON_EN,
  agencies: readonly AgencyEntry[] = AGENCIES,
): CampaignMention[] {
  const sets = lexiconSets(lex);
  const spans = sentences.length > 0 ? sentences : [{ start: 0, end: text.length }];
  // Places of the whole document: they name local agencies and resolve "the provincial department".
  const places = mayNameLocalBody(text, LOCAL_AGENCY_LEXICON_EN) ? findPlaces(text) : [];
  const facts: SentenceFacts[] = spans.map((span) => {
    const tokens = tokenize(text, span.start, span.end);
    return {
      span,
      tokens,
      agencies: findAllAgencies(text, places, span.start, span.end, agencies),
      durations: findDurations(tokens, lex, sets),
      launches: findLaunchDates(tokens, lex, sets),
    };
  });
  const quotes = findQuotePairs(text);
  const mentions: CampaignMention[] = [];
  let q = 0;
  facts.forEach((f, si) => {
    while (q < quotes.length && quotes[q]!.open < f.span.start) q += 1;
    const sentenceQuotes: QuotePair[] = [];
    for (let k = q; k < quotes.length && quotes[k]!.open < f.span.end; k += 1) sentenceQuotes.push(quotes[k]!);
    // A quote may close just past the sentence end ("... dubbed “Cleaning the Internet.”").
    const quoteEnd = sentenceQuotes.reduce((end, p) => Math.max(end, p.end + 1), f.span.end);
    const quoteTokens = quoteEnd > f.span.end ? tokenize(text, f.span.start, quoteEnd) : f.tokens;
    const headline = isHeadlineCase(f.tokens, sets);
    const candidates = resolveOverlaps([
      ...quotedCandidates(text, sentenceQuotes, quoteTokens, lex, sets),
      ...prefixedNameCandidates(f.tokens, lex, sets),
      ...suffixedNameCandidates(f.tokens, lex, sets, headline),
      ...yearOrKnownNameCandidates(f.tokens, lex, sets),
      ...genericCandidates(f.tokens, lex, sets, f.launches.length > 0 || f.durations.length > 0),
    ]);
    for (const c of candidates) mentions.push(toMention(text, c, f, facts, si, lex));
  });
  return mentions;
}

function toMention(text: string, c: Candidate, f: SentenceFacts, facts: SentenceFacts[], si: number, lex: CampaignLexicon): CampaignMention {
  const name = text.slice(c.start, c.end);
  const tokenIndex = firstTokenAtOrAfter(f.tokens, c.start);
  // A duration inside the mention ("six-month special operation") beats one elsewhere in the sentence.
  const next = f.durations[lowerBound(f.durations, tokenIndex, (d) => d.tokenIndex)] ?? null;
  const inside = next && f.tokens[next.tokenIndex]!.end <= c.end ? next : null;
  const duration = inside ?? nearest(f.durations, tokenIndex);
  const launch = nearest(f.launches, tokenIndex)?.value ?? null;
  const normalizedSource = c.kind === 'generic' || c.kind === 'reference' ? null : c.kind === 'descriptive' ? c.normalizedFrom : name;
  const agency = agencyFor(facts, si, c.start);
  return {
    start: c.start,
    end: c.end,
    name,
    normalizedName: normalizedSource ? normalizeCampaignName(normalizedSource, lex) : null,
    kind: c.kind,
    agency: agency?.agency ?? null,
    agencyRegion: agency?.region ?? null,
    agencyHierarchy: agency?.hierarchy ?? null,
    nameYear: c.kind === 'quoted' || c.kind === 'proper' ? c.yearInName : null,
    launchYearOffset: relativeYearBefore(f.tokens, tokenIndex, lex),
    launchMonth: launch?.month ?? null,
    launchDay: launch?.day ?? null,
    launchYear: launch?.year ?? c.yearInName,
    launchMonthOffset: launch?.monthOffset ?? null,
    durationMonths: duration?.value ?? null,
    // Indices are those of the caller's sentence list; without sentences everything is sentence 0.
    sentenceIndex: si,
  };
}

/** "this year's “Qinglang” campaign": the relative year written just before a mention (or its modifiers). */
function relativeYearBefore(tokens: Token[], tokenIndex: number, lex: CampaignLexicon): number | null {
  for (let k = tokenIndex; k >= Math.max(2, tokenIndex - 3); k -= 1) {
    const offset = lex.relativeYearPrefixes[`${tokens[k - 2]!.lower} ${tokens[k - 1]!.lower}`];
    if (offset !== undefined) return offset;
  }
  return null;
}

// ---------------------------------------------------------------------------- figures -> mentions

/**
 * The campaign mention a figure's sentence ties it to, or null: a named mention in the same
 * sentence first, else any mention there ("Since September, police involved in the wider
 * operation have busted 147 gangs" ties to "the wider operation").
 */
export function mentionForFigure(sentenceIndex: number, mentions: readonly CampaignMention[]): CampaignMention | null {
  const here = mentions.filter((m) => m.sentenceIndex === sentenceIndex);
  if (here.length === 0) return null;
  return [...here].sort((a, b) => KIND_PRIORITY[a.kind] - KIND_PRIORITY[b.kind] || a.start - b.start)[0]!;
}

/**
 * The campaign of a figure: its document's campaign, unless the sentence ties it to a mention
 * that `campaignOfMention` resolves to another campaign. Without a resolver figures simply
 * inherit the document's campaign (linking works per document).
 */
export function figureCampaign(
  docCampaignId: string | null,
  sentenceIndex: number,
  mentions: readonly CampaignMention[],
  campaignOfMention?: (m: CampaignMention) => string | null | undefined,
): string | null {
  if (!campaignOfMention) return docCampaignId; // before the search: link calls this for every figure
  const tied = mentionForFigure(sentenceIndex, mentions);
  return tied ? (campaignOfMention(tied) ?? docCampaignId) : docCampaignId;
}
