// Crackdown campaigns, part 2 (`linkCampaigns`): link documents that report the same campaign.
// Scores candidate pairs of documents (see "sparse linking") on name, agency, launch date, duration
// and headline figures together (weights in LINK_WEIGHTS), refuses links that contradict each other
// (hard blocks), and merges greedily from the strongest link down. Part 1, finding the mentions in
// one document, is campaigns.ts: the extract stage needs only that part, so a change to linking
// does not make every document be extracted again (a stage's code hash follows its imports).

import { hash } from 'node:crypto';
import { sha256Bytes, sha256Hex } from './hash.js';
import { byText } from './idOrder.js';
import { valueInterval, type Qualifier } from './claims.js';
import { KeyIndex, type MeetCounter } from './keyIndex.js';
import { CAMPAIGN_LEXICON_EN, nameSimilarity, normalizeCampaignName, partitionPoint, titleCase, YEAR_RE, type CampaignLexicon, type CampaignMention } from './campaigns.js';

export interface HeadlineFigure {
  measure: string;
  value: number;
  qualifier: Qualifier;
  unit?: string | null;
  place_code?: string | null;
}

/**
 * A profile's headline figures, flat: HEADLINE_FIELDS items per figure (measure, value, unit,
 * qualifier, place_code; unit and place_code null when not given), in the document's order. One
 * array per profile instead of an object per figure: at 100k documents, half a million fewer
 * objects live while linking, each of them copied by the young-generation collector.
 */
export type HeadlineFigures = readonly (string | number | null)[];
export const HEADLINE_FIELDS = 5;

/** Headline figures as a profile keeps them (HeadlineFigures). */
export function flatHeadline(figures: readonly HeadlineFigure[]): (string | number | null)[] {
  const flat: (string | number | null)[] = [];
  for (const f of figures) flat.push(f.measure, f.value, f.unit ?? null, f.qualifier, f.place_code ?? null);
  return flat;
}

/** Figure `i` of flat headline figures. */
function headlineAt(figures: HeadlineFigures, i: number): { measure: string; value: number; unit: string | null; qualifier: Qualifier; place_code: string | null } {
  const at = i * HEADLINE_FIELDS;
  return { measure: figures[at] as string, value: figures[at + 1] as number, unit: figures[at + 2] as string | null, qualifier: figures[at + 3] as Qualifier, place_code: figures[at + 4] as string | null };
}

/** How many figures flat headline figures hold. */
const headlineCount = (figures: HeadlineFigures): number => figures.length / HEADLINE_FIELDS;

export interface DocCampaignEvidence {
  doc_id: string;
  /** ISO `YYYY-MM-DD` or null. */
  published_date: string | null;
  mentions: readonly CampaignMention[];
  /** The document's headline figures (campaign totals), compact. */
  figures: readonly HeadlineFigure[];
  /** A year known from elsewhere (file name, feed), used like a publication year. */
  fallbackYear?: number | null;
  /** Agencies named anywhere in the document (e.g. from findAgencies), most prominent first: fallback when no mention carries one. */
  agencies?: readonly string[];
}

/** What linkCampaigns links: a document's evidence, or the profile profileDocument made from it (a cache kept it). */
export type LinkInput = DocCampaignEvidence | DocProfile;

function profileOf(doc: LinkInput): DocProfile {
  return 'mentions' in doc ? profileDocument(doc) : doc;
}

export type DatePrecision = 'day' | 'month' | 'year';

export interface CampaignRow {
  campaign_id: string;
  name: string;
  aliases: string;
  agency: string | null;
  start_date: string | null;
  start_precision: DatePrecision | null;
  /** Where the start year came from: stated in text, or inferred from publication dates. */
  start_year_basis: 'stated' | 'inferred' | null;
  /** The launch month even when the year is unknown (start_date then stays empty). */
  launch_month: number | null;
  end_date: string | null;
  end_precision: DatePrecision | null;
  duration_months: number | null;
  n_documents: number;
  doc_ids: string;
  first_reported: string | null;
  last_reported: string | null;
}

/**
 * Weights of the pair score. Two documents link when the score reaches LINK_THRESHOLD and no
 * hard block applies. The threshold is set so that no single weak cue links documents:
 * an equal proper name alone (4) links; agency + month (3) does not, agency + month + one
 * agreeing figure (4.5) does; generic-only documents link through agency, month, duration and figures.
 */
export const LINK_WEIGHTS = {
  /** Same normalised proper name. */
  sameName: 4,
  /** Proper names sharing at least half their words. */
  similarName: 2,
  /** A descriptive purpose ("campaign to clean up the internet") matching the other's name or purpose. */
  descriptiveName: 1,
  /** Both proper names known and sharing nothing. */
  differentName: -2,
  sameAgency: 1,
  sameMonth: 2,
  sameYear: 1,
  sameDuration: 1,
  /** Per measure on which both documents report compatible values of 100 or more. */
  agreeingFigure: 1.5,
  /** Cap on the figure evidence, so that documents quoting the same wire story stay comparable. */
  agreeingFiguresMax: 4.5,
} as const;
export const LINK_THRESHOLD = 4;
/** A document with no campaign mention at all joins an existing campaign only on stronger evidence. */
export const ORPHAN_THRESHOLD = 5;
/** Durations within this fraction of each other are equal ("100-day" vs "three-month"). */
export const DURATION_TOLERANCE = 0.15;
/** Figures below this say little about identity (two cases, 25 suspects). */
export const MIN_IDENTIFYING_FIGURE = 100;

export interface DocProfile {
  doc_id: string;
  published: string | null;
  properNames: ReadonlyMap<string, readonly string[]>; // normalised -> forms as written
  descriptive: ReadonlySet<string>;
  /** The description that best names an unnamed campaign: a stated purpose, else the one carrying the launch date or duration. */
  leadDescription: string | null;
  nMentions: number;
  agency: string | null;
  /** Province/SAR of a local running agency; null for a national one or unknown. */
  agencyRegion: string | null;
  agencyHierarchy: string | null;
  /** The year written in the document's main campaign name ("Thunder 2023"), if any. */
  nameYear: number | null;
  month: number | null;
  day: number | null;
  /** Possible launch years [lo, hi]; null when nothing is known. */
  years: readonly [number, number] | null;
  yearStated: boolean;
  duration: number | null;
  figures: HeadlineFigures;
  /**
   * `figures` grouped for figureAgreement and the blocking keys; null until first needed (read it
   * through figureTableOf). An incremental run needs it for few documents beyond the units' representatives.
   */
  figureTable: FigureTable | null;
  /**
   * What collapseIdentical groups the document by, when a cache kept it with the profile (profileFields;
   * withCollapseKey); undefined: made when needed.
   */
  collapseKey?: CollapseKey;
  /**
   * The digest of the evidence it was made from, when the caller keeps one with it (link.ts does):
   * linkCampaigns then takes it from here rather than asking digestOf for each document.
   */
  digest?: string;
  /**
   * Set by linkCampaigns: the campaign_id it gave the document, or null. A caller that passes
   * profiles reads each one's campaign here, in its own order, instead of looking up every doc_id in
   * docCampaign (a map of every document: about 0.1 s to fill and read at 100k articles).
   */
  campaign?: string | null;
}

function mostFrequent<T>(items: readonly T[]): T | null {
  const counts = new Map<T, number>();
  for (const it of items) counts.set(it, (counts.get(it) ?? 0) + 1);
  let best: T | null = null;
  let bestCount = 0;
  for (const [it, n] of counts) if (n > bestCount) [best, bestCount] = [it, n]; // first seen wins ties
  return best;
}

function parseIsoDate(iso: string | null): { year: number; month: number } | null {
  const m = iso ? /^(\d{4})-(\d{2})/.exec(iso) : null;
  return m ? { year: Number(m[1]), month: Number(m[2]) } : null;
}

function leadDescription(ms: readonly CampaignMention[]): string | null {
  const pick =
    ms.find((m) => m.kind === 'descriptive') ??
    ms.find((m) => m.kind === 'generic' && (m.launchMonth !== null || m.durationMonths !== null)) ??
    ms.find((m) => m.kind === 'generic');
  return pick?.name ?? null;
}

const NO_NAMES: ReadonlyMap<string, readonly string[]> = new Map();
const NO_DESCRIPTIONS: ReadonlySet<string> = new Set();

/** What a document says about its main campaign. Mentions in text order; the first stated date/duration wins (the lead describes the main campaign). */
/** `headline`: the document's figures already flat (flatHeadline), in place of `doc.figures`. */
export function profileDocument(doc: DocCampaignEvidence, headline?: HeadlineFigures): DocProfile {
  const ms = [...doc.mentions].sort((a, b) => a.start - b.start);
  const properNames = new Map<string, string[]>();
  const descriptive = new Set<string>();
  for (const m of ms) {
    if (!m.normalizedName || !m.name) continue;
    if (m.kind === 'descriptive') descriptive.add(m.normalizedName);
    else {
      const forms = properNames.get(m.normalizedName);
      if (forms) forms.push(m.name);
      else properNames.set(m.normalizedName, [m.name]);
    }
  }
  const published = parseIsoDate(doc.published_date);
  const dated = ms.find((m) => m.launchMonth !== null) ?? null;
  const relative = ms.find((m) => m.launchMonthOffset !== null) ?? null;
  let month = dated?.launchMonth ?? null;
  if (month === null && relative && published) month = ((published.month - 1 + relative.launchMonthOffset! + 120) % 12) + 1;
  const statedYear = dated?.launchYear ?? ms.find((m) => m.launchYear !== null)?.launchYear ?? null;
  const referenceYear = published ?? (doc.fallbackYear ? { year: doc.fallbackYear, month: 12 } : null);
  const relativeYear = ms.find((m) => m.launchYearOffset != null) ?? null;
  const named = ms.filter((m) => m.kind === 'quoted' || m.kind === 'proper');
  let years: readonly [number, number] | null = null;
  if (statedYear !== null) years = [statedYear, statedYear];
  else if (referenceYear && month !== null) {
    // A launch month later than the publication month must be last year's.
    const y = month <= referenceYear.month ? referenceYear.year : referenceYear.year - 1;
    years = [y, y];
  } else if (referenceYear && relativeYear) {
    years = [referenceYear.year + relativeYear.launchYearOffset!, referenceYear.year + relativeYear.launchYearOffset!];
  } else if (referenceYear) years = [referenceYear.year - 1, referenceYear.year];
  // The agency next to the campaign's name says more than one next to a passing "special action".
  const agencyOf = (list: readonly CampaignMention[]): string | null => mostFrequent(list.map((m) => m.agency).filter((a): a is string => a != null));
  const agency = agencyOf(named) ?? agencyOf(ms) ?? doc.agencies?.[0] ?? null;
  const agencyMention = ms.find((m) => m.agency === agency && agency !== null);
  return {
    doc_id: doc.doc_id,
    published: doc.published_date,
    // Most documents have neither (two in three name no campaign): one shared empty map and set.
    properNames: properNames.size ? properNames : NO_NAMES,
    descriptive: descriptive.size ? descriptive : NO_DESCRIPTIONS,
    leadDescription: leadDescription(ms),
    nMentions: ms.length,
    agency,
    agencyRegion: agencyMention?.agencyRegion ?? null,
    agencyHierarchy: agencyMention?.agencyHierarchy ?? null,
    nameYear: mostFrequent(named.map((m) => m.nameYear ?? null).filter((y): y is number => y !== null)),
    month,
    day: dated?.launchDay ?? null,
    years,
    yearStated: statedYear !== null,
    duration: ms.find((m) => m.durationMonths !== null)?.durationMonths ?? null,
    figures: headline ?? flatHeadline(doc.figures),
    figureTable: null,
    collapseKey: undefined,
    campaign: undefined,
  };
}

/**
 * A profile as JSON-able fields, for a cache that keeps profiles between runs instead of the
 * mentions they are made from (profileFromFields reverses it; the figures travel apart, as the
 * cache keeps them anyway). Maps and sets keep their order.
 */
export type ProfileFields = [
  published: string | null,
  properNames: [string, string[]][],
  descriptive: string[],
  leadDescription: string | null,
  nMentions: number,
  agency: string | null,
  agencyRegion: string | null,
  agencyHierarchy: string | null,
  nameYear: number | null,
  month: number | null,
  day: number | null,
  years: [number, number] | null,
  yearStated: boolean,
  duration: number | null,
  /** The profile's collapse key, if it has one (withCollapseKey). */
  collapseKey?: CollapseKey,
];

export function profileFields(p: DocProfile): ProfileFields {
  const fields: ProfileFields = [
    p.published, [...p.properNames].map(([name, forms]) => [name, [...forms]]), [...p.descriptive], p.leadDescription, p.nMentions,
    p.agency, p.agencyRegion, p.agencyHierarchy, p.nameYear, p.month, p.day, p.years ? [p.years[0], p.years[1]] : null, p.yearStated, p.duration,
  ];
  if (p.collapseKey !== undefined) fields.push(p.collapseKey);
  return fields;
}

/** The profile profileDocument made, from its fields and the document's headline figures (flatHeadline). */
export function profileFromFields(docId: string, fields: ProfileFields, figures: HeadlineFigures): DocProfile {
  const [published, properNames, descriptive, leadDescription, nMentions, agency, agencyRegion, agencyHierarchy, nameYear, month, day, years, yearStated, duration, keptCollapseKey] = fields;
  return {
    doc_id: docId,
    published,
    properNames: properNames.length ? new Map(properNames) : NO_NAMES,
    descriptive: descriptive.length ? new Set(descriptive) : NO_DESCRIPTIONS,
    leadDescription,
    nMentions,
    agency,
    agencyRegion,
    agencyHierarchy,
    nameYear,
    month,
    day,
    years,
    yearStated,
    duration,
    figures,
    figureTable: null,
    collapseKey: keptCollapseKey,
    campaign: undefined,
  };
}

function sameDuration(a: number, b: number): boolean {
  return Math.abs(a - b) <= DURATION_TOLERANCE * Math.max(a, b);
}

/** One figure as figureAgreement compares it: its interval unpacked into numbers. */
interface FigureEntry {
  unit: string | null;
  place: string | null;
  value: number;
  lo: number;
  hi: number;
}

/**
 * A profile's figures grouped once for figureAgreement, which runs for every candidate pair (tens
 * of millions at 100k documents): plain arrays and numbers, built when the profile is made. Arrays,
 * not Maps: a document has a handful of measures, and 100k profiles must stay small in memory.
 */
interface FigureTable {
  /** Figures per measure|unit|place, in order of first appearance. */
  byKey: { measureUnit: string; unit: string | null; place: string | null; items: FigureEntry[] }[];
  /** Figures per measure|unit, in order of first appearance. */
  byMeasureUnit: { measureUnit: string; items: FigureEntry[] }[];
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * One string object per distinct measure|unit, unit and place code (closed vocabularies, so this
 * stays small): figureAgreement compares them for every candidate pair, and equal strings that are
 * the same object compare by pointer, where equal copies are compared character by character.
 */
const canonicalStrings = new Map<string, string>();
function canonical(text: string): string;
function canonical(text: string | null): string | null;
function canonical(text: string | null): string | null {
  if (text === null) return null;
  const known = canonicalStrings.get(text);
  if (known !== undefined) return known;
  canonicalStrings.set(text, text);
  return text;
}

/** A profile's figure table, built on first use and kept. */
function figureTableOf(p: DocProfile): FigureTable {
  return (p.figureTable ??= buildFigureTable(p.figures));
}

function buildFigureTable(figures: HeadlineFigures): FigureTable {
  const byKeyMap = new Map<string, FigureTable['byKey'][number]>();
  const byMeasureUnit = new Map<string, FigureEntry[]>();
  for (let i = 0; i < headlineCount(figures); i++) {
    const figure = headlineAt(figures, i);
    const [lo, hi] = valueInterval(figure.value, figure.qualifier);
    const entry: FigureEntry = { unit: canonical(figure.unit), place: canonical(figure.place_code), value: figure.value, lo, hi };
    const measureUnit = canonical(measureUnitOf(figure));
    const key = `${measureUnit}|${figure.place_code ?? ''}`;
    const group = byKeyMap.get(key);
    if (group) group.items.push(entry);
    else byKeyMap.set(key, { measureUnit, unit: entry.unit, place: entry.place, items: [entry] });
    pushTo(byMeasureUnit, measureUnit, entry);
  }
  return { byKey: [...byKeyMap.values()], byMeasureUnit: [...byMeasureUnit].map(([measureUnit, items]) => ({ measureUnit, items })) };
}

/** Two figures of one measure|unit describe the same quantity unless both name different places. */
function entriesComparable(a: { unit: string | null; place: string | null }, b: FigureEntry): boolean {
  return a.unit === b.unit && (a.place === null || b.place === null || a.place === b.place);
}

/**
 * Per measure shared by both documents: do any of their values agree? Returns the number of
 * agreeing measures, or -1 as soon as one measure conflicts when `stopOnConflict` (the caller then
 * only needs to know that the pair is blocked).
 */
function figureAgreement(a: DocProfile, b: DocProfile, stopOnConflict = false): { agreeing: number; conflicting: boolean } {
  const others = figureTableOf(b).byMeasureUnit;
  let agreeing = 0;
  let conflicting = false;
  for (const group of figureTableOf(a).byKey) {
    // A loop, not find(): this runs for tens of millions of candidate pairs at 100k documents.
    let ys: FigureEntry[] | undefined;
    for (let k = 0; k < others.length; k++) {
      if (others[k]!.measureUnit !== group.measureUnit) continue;
      ys = others[k]!.items;
      break;
    }
    if (ys === undefined) continue;
    let comparable = false;
    let agree = false;
    let anyCompatible = false;
    for (let yi = 0; yi < ys.length; yi++) {
      const y = ys[yi]!;
      if (!entriesComparable(group, y)) continue;
      comparable = true;
      for (let xi = 0; xi < group.items.length; xi++) {
        const x = group.items[xi]!;
        if (x.lo > y.hi || y.lo > x.hi) continue;
        anyCompatible = true;
        if (Math.max(x.value, y.value) >= MIN_IDENTIFYING_FIGURE) agree = true;
      }
    }
    if (!comparable) continue;
    if (agree) agreeing += 1;
    else if (!anyCompatible) {
      conflicting = true;
      if (stopOnConflict) break;
    }
  }
  return { agreeing, conflicting };
}

function bestNameSimilarity(a: DocProfile, b: DocProfile): number | null {
  if (a.properNames.size === 0 || b.properNames.size === 0) return null;
  let best = 0;
  for (const x of a.properNames.keys()) for (const y of b.properNames.keys()) best = Math.max(best, nameSimilarity(x, y));
  return best;
}

function descriptiveMatch(a: DocProfile, b: DocProfile): boolean {
  const namesB = [...b.descriptive, ...b.properNames.keys()];
  const namesA = [...a.descriptive, ...a.properNames.keys()];
  return (
    [...a.descriptive].some((x) => namesB.some((y) => nameSimilarity(x, y) >= 0.5)) ||
    [...b.descriptive].some((x) => namesA.some((y) => nameSimilarity(x, y) >= 0.5))
  );
}

export interface PairScore {
  score: number;
  /** Why the pair may never link, or null. */
  block: string | null;
}

/**
 * How the running agencies of two documents relate. Different national agencies, or local bodies
 * of different provinces, conflict; a national ministry and a local body of its own hierarchy
 * (Ministry of Public Security, Zhejiang police) may report one national campaign.
 */
function agencyRelation(a: DocProfile, b: DocProfile): 'same' | 'compatible' | 'conflict' | 'unknown' {
  if (!a.agency || !b.agency) return 'unknown';
  if (a.agency === b.agency) return 'same';
  if (a.agencyRegion && b.agencyRegion) return a.agencyRegion === b.agencyRegion ? 'compatible' : 'conflict';
  const sameHierarchy = a.agencyHierarchy !== null && a.agencyHierarchy === b.agencyHierarchy;
  return sameHierarchy && (a.agencyRegion !== null || b.agencyRegion !== null) ? 'compatible' : 'conflict';
}

/** The hard blocks that need no figures: contradicting years, name years, agencies, months or durations. */
export function attributeBlock(a: DocProfile, b: DocProfile): string | null {
  if (a.years && b.years && (a.years[1] < b.years[0] || b.years[1] < a.years[0])) return 'year';
  // "Thunder 2022" and "Thunder 2023" are two campaigns whatever else they share.
  if (a.nameYear !== null && b.nameYear !== null && a.nameYear !== b.nameYear) return 'name-year';
  if (agencyRelation(a, b) === 'conflict') return a.agencyRegion && b.agencyRegion && a.agencyRegion !== b.agencyRegion ? 'agency-region' : 'agency';
  if (a.month !== null && b.month !== null && a.month !== b.month) return 'month';
  if (a.duration !== null && b.duration !== null && !sameDuration(a.duration, b.duration)) return 'duration';
  return null;
}

/** The score of a pair from its parts (see LINK_WEIGHTS). */
function scoreOf(a: DocProfile, b: DocProfile, agreeingFigures: number, names: number | null): number {
  const W = LINK_WEIGHTS;
  let score = 0;
  if (names !== null) score += names >= 0.999 ? W.sameName : names >= 0.5 ? W.similarName : names === 0 ? W.differentName : 0;
  if ((names === null || names < 0.5) && descriptiveMatch(a, b)) score += W.descriptiveName;
  if (a.agency && a.agency === b.agency) score += W.sameAgency;
  if (a.month !== null && a.month === b.month) score += W.sameMonth;
  if (a.years && b.years && a.years[0] === a.years[1] && b.years[0] === b.years[1] && a.years[0] === b.years[0]) score += W.sameYear;
  if (a.duration !== null && b.duration !== null && sameDuration(a.duration, b.duration)) score += W.sameDuration;
  score += Math.min(W.agreeingFiguresMax, agreeingFigures * W.agreeingFigure);
  return score;
}

function sameStatedYear(a: DocProfile, b: DocProfile): boolean {
  return a.yearStated && b.yearStated && a.years![0] === b.years![0];
}

/** Score two document profiles (see LINK_WEIGHTS); blocks are contradictions that forbid a link outright. */
export function scorePair(a: DocProfile, b: DocProfile): PairScore {
  const figures = figureAgreement(a, b);
  const names = bestNameSimilarity(a, b);
  let block = attributeBlock(a, b);
  // Same exact name in the same stated year is one campaign even when later reports give larger totals.
  if (block === null && figures.conflicting && !(names === 1 && sameStatedYear(a, b))) block = 'figures';
  return { score: scoreOf(a, b, figures.agreeing, names), block };
}

/**
 * scorePair's score for a pair attributeBlock lets through, or null when the pair is blocked — with
 * the cheap checks first: most candidate pairs inside a large block disagree on a figure, and then
 * neither the names nor the full figure comparison are needed.
 */
function unblockedScore(a: DocProfile, b: DocProfile): number | null {
  const mayOverrideConflict = sameStatedYear(a, b);
  const figures = figureAgreement(a, b, !mayOverrideConflict);
  if (figures.conflicting && !mayOverrideConflict) return null;
  const names = bestNameSimilarity(a, b);
  if (figures.conflicting && names !== 1) return null;
  return scoreOf(a, b, figures.agreeing, names);
}

function hasAnyMention(p: DocProfile): boolean {
  return p.nMentions > 0;
}

// ---------------------------------------------------------------------------- sparse linking
//
// Scoring every pair of documents is quadratic. Instead, a pair is scored only when the two meet
// under a blocking key, and the keys are chosen so that every pair able to reach LINK_THRESHOLD
// meets (see LINK_WEIGHTS; without a shared name or an agreeing figure, names add at most 0 and
// agency + year + duration give 3, so the launch month and two of those three are needed):
//   names   — two names whose word sets overlap by half or more (Jaccard >= 0.5) share the key
//             (their common words, the other name's length); smaller overlaps add nothing positive;
//   figures — an agreeing figure (>= MIN_IDENTIFYING_FIGURE) puts both values in one log bucket;
//   month   — (month, agency, year), (month, agency, duration), (month, year, duration).
// Name and figure keys are further split by launch year and agency (see `refine`), so the
// editions of a recurring campaign, which hard blocks keep apart anyway, do not share blocks.
// Documents that score identically against everything (same names, dates, agency, figures) are
// collapsed into one unit first, so 5,000 reprints of one story cost one comparison, not 12.5 M.
// Hard blocks between groups are checked on group summaries (within a group, months, name years
// and durations already agree), falling back to member pairs only when figures might conflict.

/** Names with more words are compared with every named unit instead of being indexed by word subsets. */
const MAX_INDEXED_NAME_WORDS = 8;
/** Width (as a ratio) of figure value buckets; overlapping value intervals always share a bucket. */
const FIGURE_BUCKET_RATIO = 1.1;
/**
 * Values below this cannot agree with an identifying figure: compatible intervals differ by at most
 * 1.25 / 0.8 (an "over" and an "under"), less than a factor of 2.
 */
const MIN_INDEXED_FIGURE = MIN_IDENTIFYING_FIGURE / 2;
/** Durations within DURATION_TOLERANCE fall in the same or adjacent bucket of this width (a ratio). */
const DURATION_BUCKET_RATIO = 1 / (1 - DURATION_TOLERANCE) + 0.001;

function singleYear(p: DocProfile): number | null {
  return p.years && p.years[0] === p.years[1] ? p.years[0] : null;
}

/** Every subset of `words` (sorted, distinct) with at least `min` words, joined by spaces. */
function wordSubsets(words: readonly string[], min: number): string[] {
  const out: string[] = [];
  for (let mask = 1; mask < 1 << words.length; mask += 1) {
    const picked = words.filter((_, i) => (mask & (1 << i)) !== 0);
    if (picked.length >= min) out.push(picked.join(' '));
  }
  return out;
}

function nameWords(name: string): string[] {
  return [...new Set(name.split(' '))].sort(byText);
}

const NO_NAME_LIST: readonly string[] = [];

/** A profile's proper and descriptive names (asked of every unit and orphan each run: most have one kind or none, so no list is joined for them). */
function allNames(p: DocProfile): readonly string[] {
  if (p.descriptive.size === 0) return p.properNames.size === 0 ? NO_NAME_LIST : [...p.properNames.keys()];
  return p.properNames.size === 0 ? [...p.descriptive] : [...p.properNames.keys(), ...p.descriptive];
}

const hasNames = (p: DocProfile): boolean => p.properNames.size > 0 || p.descriptive.size > 0;

/**
 * Jaccard(A, B) >= 0.5 means |A ∩ B| = I with 3I >= |A| + |B|, so I >= |A| / 2 and I >= |B| / 2.
 * A is indexed under each subset S of at least half its words, tagged with |A|; B looks up each of
 * its own such subsets for every length |A| with |A| + |B| <= 3|S|. The pair meets under S = A ∩ B.
 */
function nameIndexKeys(name: string): string[] {
  const words = nameWords(name);
  return wordSubsets(words, Math.ceil(words.length / 2)).map((s) => `n:${s}#${words.length}`);
}

function nameProbeKeys(name: string): string[] {
  const words = nameWords(name);
  const keys: string[] = [];
  for (const s of wordSubsets(words, Math.ceil(words.length / 2))) {
    const size = s.split(' ').length;
    for (let other = size; other <= Math.min(MAX_INDEXED_NAME_WORDS, 3 * size - words.length); other += 1) keys.push(`n:${s}#${other}`);
  }
  return keys;
}

function isLongName(name: string): boolean {
  return nameWords(name).length > MAX_INDEXED_NAME_WORDS;
}

function logBucket(value: number, ratio: number): number {
  return Math.floor(Math.log(value) / Math.log(ratio));
}

/**
 * The base keys of one group of a FigureTable: every log bucket its identifying values' intervals
 * touch (`f:${measureUnit}|${bucket}`; two agreeing figures share a bucket).
 */
function figureGroupBases(group: FigureTable['byKey'][number]): number[] {
  const keys: number[] = [];
  for (const x of group.items) pushFigureBases(keys, group.measureUnit, x.value, x.lo, x.hi);
  return keys;
}

/** The first and last bucket a figure's interval [lo, hi] touches, or null below MIN_INDEXED_FIGURE (not indexed). */
function figureBucketRange(value: number, lo: number, hi: number): [first: number, last: number] | null {
  return value >= MIN_INDEXED_FIGURE ? [logBucket(lo, FIGURE_BUCKET_RATIO), logBucket(hi, FIGURE_BUCKET_RATIO)] : null;
}

/** What a headline figure's base keys are made of beside its bucket: its measure and unit. */
function measureUnitOf(figure: { measure: string; unit: string | null }): string {
  return `${figure.measure}|${figure.unit ?? ''}`;
}

/** Pushes the base keys of one figure (none below MIN_INDEXED_FIGURE): the buckets its interval [lo, hi] touches. */
function pushFigureBases(keys: number[], measureUnit: string, value: number, lo: number, hi: number): void {
  const range = figureBucketRange(value, lo, hi);
  if (range) for (let b = range[0]; b <= range[1]; b += 1) keys.push(keySpace.figureBase(measureUnit, b));
}

/** Two durations that are sameDuration() share at least one of these keys. */
function durationKeys(duration: number): string[] {
  if (!(duration > 0)) return [String(duration)];
  const b = logBucket(duration, DURATION_BUCKET_RATIO);
  return [String(b), String(b + 1)];
}

function monthKeys(p: DocProfile): BlockingKey[] {
  if (p.month === null) return [];
  const year = singleYear(p);
  const keys: string[] = [];
  if (p.agency && year !== null) keys.push(`m:${p.month}|a:${p.agency}|y:${year}`);
  if (p.duration !== null) {
    for (const d of durationKeys(p.duration)) {
      if (p.agency) keys.push(`m:${p.month}|a:${p.agency}|d:${d}`);
      if (year !== null) keys.push(`m:${p.month}|y:${year}|d:${d}`);
    }
  }
  return keys.map((key) => blockingKey(KeyShape.Whole, keySpace.base(key)));
}

/**
 * A blocking key as a number: a shape, an interned base key (a name's word subset, a figure bucket,
 * or a whole month key) and interned facets (a launch year, an agency facet). It stands for the text
 * `${base}|${year}|${agency}` (YearAgency), `y:${base}|${year}` (Year), `w:${base}` (Wide) or the
 * base itself (Whole): two keys are equal exactly when those texts are. Building a text key for
 * each of the millions of (base, year, agency) combinations and hashing it into the index cost
 * about three quarters of the key index's time.
 */
type BlockingKey = number;

const KeyShape = { YearAgency: 0, Year: 1, Wide: 2, Whole: 3 } as const;
type KeyShape = (typeof KeyShape)[keyof typeof KeyShape];

/** Bits of each part of a BlockingKey (2 + 25 + 10 + 14 = 51 bits, below 2^53). */
const BASE_BITS = 25;
const YEAR_FACET_BITS = 10;
const AGENCY_FACET_BITS = 14;

function blockingKey(shape: KeyShape, base: number, yearFacet = 0, agencyFacet = 0): BlockingKey {
  return ((base * 2 ** YEAR_FACET_BITS + yearFacet) * 2 ** AGENCY_FACET_BITS + agencyFacet) * 4 + shape;
}

/** The base key a BlockingKey refines (blockingKey's `base`). */
function keyBase(key: BlockingKey): number {
  return Math.floor(key / 2 ** (YEAR_FACET_BITS + AGENCY_FACET_BITS + 2));
}

/**
 * The interned base keys and facets of one linkCampaigns call (ids mean nothing outside it: keys
 * are never stored). Running out of ids is an error, never a silent collision.
 */
class KeySpace {
  private readonly bases = new Map<string, number>();
  private readonly yearFacets = new Map<string, number>();
  private readonly agencyFacets = new Map<string, number>();
  /** Per name: its interned index and probe base keys (none for a long name). Thousands of reports share a name. */
  private readonly names = new Map<string, { index: number[]; probe: number[] }>();
  /** Per figure measure and unit: bucket -> interned base key. */
  private readonly figures = new Map<string, Map<number, number>>();
  base(text: string): number {
    return KeySpace.intern(this.bases, text, 2 ** BASE_BITS, 'base keys');
  }
  nameBases(name: string): { index: number[]; probe: number[] } {
    let bases = this.names.get(name);
    if (!bases) {
      const long = isLongName(name);
      bases = { index: long ? [] : nameIndexKeys(name).map((k) => this.base(k)), probe: long ? [] : nameProbeKeys(name).map((k) => this.base(k)) };
      this.names.set(name, bases);
    }
    return bases;
  }
  /** Per figure base key: the measure and unit, and the bucket, it was made of (figureBase's arguments). */
  private readonly figureOfBase = new Map<number, { measureUnit: string; bucket: number }>();
  figureBase(measureUnit: string, bucket: number): number {
    let buckets = this.figures.get(measureUnit);
    if (!buckets) this.figures.set(measureUnit, (buckets = new Map()));
    let id = buckets.get(bucket);
    if (id === undefined) {
      buckets.set(bucket, (id = this.base(`f:${measureUnit}|${bucket}`)));
      this.figureOfBase.set(id, { measureUnit, bucket });
    }
    return id;
  }
  /** The figure base keys among `bases`, as buckets by measure and unit. */
  figureBuckets(bases: Iterable<number>): Map<string, Set<number>> {
    const byMeasureUnit = new Map<string, Set<number>>();
    for (const id of bases) {
      const figure = this.figureOfBase.get(id);
      if (!figure) continue;
      let buckets = byMeasureUnit.get(figure.measureUnit);
      if (!buckets) byMeasureUnit.set(figure.measureUnit, (buckets = new Set()));
      buckets.add(figure.bucket);
    }
    return byMeasureUnit;
  }
  /**
   * Years and agency facets are numbered apart, each within its field: a news archive names
   * thousands of local agencies (and their regions), and with one numbering for both a corpus with
   * over a thousand of them could not be linked at all.
   */
  yearFacet(text: string): number {
    return KeySpace.intern(this.yearFacets, text, 2 ** YEAR_FACET_BITS, 'launch-year facets');
  }
  agencyFacet(text: string): number {
    return KeySpace.intern(this.agencyFacets, text, 2 ** AGENCY_FACET_BITS, 'agency facets');
  }
  private static intern(ids: Map<string, number>, text: string, limit: number, what: string): number {
    let id = ids.get(text);
    if (id === undefined) {
      if (ids.size >= limit) throw new Error(`campaign linking: more than ${limit} distinct ${what}`);
      ids.set(text, (id = ids.size));
    }
    return id;
  }
}

/** This linkCampaigns call's key space (set at its start). */
let keySpace = new KeySpace();

/** Launch-year ranges wider than this are not split into yearly keys (they meet every year). */
const MAX_KEYED_YEAR_SPAN = 3;
const ANY = '*';

/** The launch years a profile is indexed under, or null when it allows (almost) any year. */
function keyedYears(p: DocProfile): number[] | null {
  if (!p.years || p.years[1] - p.years[0] > MAX_KEYED_YEAR_SPAN) return null;
  const years: number[] = [];
  for (let y = p.years[0]; y <= p.years[1]; y += 1) years.push(y);
  return years;
}

/** The agency facets a profile is indexed under (see agencyRelation), or null when its agency is unknown. */
function agencyIndexFacets(p: DocProfile): string[] | null {
  if (!p.agency) return null;
  const facets = [`a:${p.agency}`];
  if (p.agencyHierarchy) facets.push(`h:${p.agencyHierarchy}`);
  if (p.agencyRegion) facets.push(`r:${p.agencyRegion}`, ...(p.agencyHierarchy ? [`hr:${p.agencyHierarchy}`] : []));
  return facets;
}

/**
 * Facets that meet every agency agencyRelation does not call a conflict: the same agency, one of
 * the same region, or (for a local body) any body of its hierarchy, and (for a national one) the
 * local bodies of its hierarchy; unknown agencies are indexed under ANY.
 */
function agencyProbeFacets(p: DocProfile): string[] {
  const facets = [`a:${p.agency}`, ANY];
  if (p.agencyRegion) facets.push(`r:${p.agencyRegion}`, ...(p.agencyHierarchy ? [`h:${p.agencyHierarchy}`] : []));
  else if (p.agencyHierarchy) facets.push(`hr:${p.agencyHierarchy}`);
  return facets;
}

/** A profile with unknown (or very wide) years meets every year: it probes the facet-free keys. */
function isWide(p: DocProfile): boolean {
  return keyedYears(p) === null;
}

/**
 * Name and figure keys are refined by launch year and running agency, because a shared name alone
 * would put every edition of a recurring campaign in one block: two profiles meet only if their
 * year ranges overlap and their agencies do not conflict — otherwise attributeBlock stops them
 * anyway. Every profile is also indexed under year-only keys (`y:`) for those with an unknown
 * agency to probe, and under facet-free keys (`w:`) for those with unknown years.
 */
function refine(base: readonly number[], p: DocProfile, side: 'index' | 'probe'): BlockingKey[] {
  const years = keyedYears(p);
  const yearFacets = (years === null ? [ANY] : side === 'index' ? years.map(String) : [...years.map(String), ANY]).map((y) => keySpace.yearFacet(y));
  const keys: BlockingKey[] = [];
  if (side === 'index') {
    // Under year and agency, and under year alone for the profiles whose agency is unknown.
    const agencyFacets = (agencyIndexFacets(p) ?? [ANY]).map((a) => keySpace.agencyFacet(a));
    for (const k of base) {
      for (const y of yearFacets) {
        keys.push(blockingKey(KeyShape.Year, k, y));
        for (const a of agencyFacets) keys.push(blockingKey(KeyShape.YearAgency, k, y, a));
      }
    }
  } else if (!p.agency) {
    for (const k of base) for (const y of yearFacets) keys.push(blockingKey(KeyShape.Year, k, y));
  } else {
    const agencyFacets = agencyProbeFacets(p).map((a) => keySpace.agencyFacet(a));
    for (const k of base) for (const y of yearFacets) for (const a of agencyFacets) keys.push(blockingKey(KeyShape.YearAgency, k, y, a));
  }
  return keys;
}

function wideKeys(base: readonly number[]): BlockingKey[] {
  return base.map((k) => blockingKey(KeyShape.Wide, k));
}

function baseKeys(p: DocProfile, side: 'index' | 'probe'): number[] {
  const keys: number[] = [];
  for (const name of allNames(p)) for (const key of keySpace.nameBases(name)[side]) keys.push(key);
  for (const key of figureBasesOf(p)) keys.push(key);
  return keys;
}

/**
 * Has `p` a base key among the query's (one of baseKeys(p, side))? The figures' are found from the
 * figures themselves (BaseQuery.hasFigureBase): an incremental run asks this of every unit, and building each one's figure
 * table only to answer it (most are never scored) cost half a second and a million live objects at
 * 100k documents.
 */
function hasBaseKeyIn(p: DocProfile, side: 'index' | 'probe', query: BaseQuery): boolean {
  for (const name of allNames(p)) for (const key of keySpace.nameBases(name)[side]) if (query.bases.has(key)) return true;
  return query.hasFigureBase(p);
}

/**
 * A set of base keys asked about every unit (hasBaseKeyIn), with its figure keys as buckets by
 * measure and unit: a unit's figures are then tested against those without their keys being made
 * and interned (after one added article at 100k, about 0.1 s of making the keys of 60,000 units'
 * figures, to test them against a few dozen).
 */
class BaseQuery {
  private readonly figureBuckets: Map<string, Set<number>>;
  constructor(readonly bases: ReadonlySet<number>) {
    this.figureBuckets = keySpace.figureBuckets(bases);
  }
  /** Is one of figureBasesOf(p) among the bases? The same buckets, found the same way (pushFigureBases). */
  hasFigureBase(p: DocProfile): boolean {
    if (this.figureBuckets.size === 0) return false;
    for (let i = 0; i < headlineCount(p.figures); i++) {
      const figure = headlineAt(p.figures, i);
      const buckets = this.figureBuckets.get(measureUnitOf(figure));
      if (!buckets) continue;
      const range = figureBucketRange(figure.value, ...valueInterval(figure.value, figure.qualifier));
      if (range) for (let b = range[0]; b <= range[1]; b += 1) if (buckets.has(b)) return true;
    }
    return false;
  }
}

/** Per profile, its figures' base keys in this linkCampaigns call's key space (made anew with it). */
let figureBaseCache = new WeakMap<DocProfile, number[]>();

/**
 * The base keys of a profile's figures, from the figures themselves (no figure table: most units
 * are never scored), kept for the call: a unit's index keys and probe keys both need them.
 */
function figureBasesOf(p: DocProfile): number[] {
  let keys = figureBaseCache.get(p);
  if (keys) return keys;
  keys = [];
  for (let i = 0; i < headlineCount(p.figures); i++) {
    const figure = headlineAt(p.figures, i);
    const [lo, hi] = valueInterval(figure.value, figure.qualifier);
    pushFigureBases(keys, measureUnitOf(figure), figure.value, lo, hi);
  }
  figureBaseCache.set(p, keys);
  return keys;
}

function indexKeys(p: DocProfile): BlockingKey[] {
  const base = baseKeys(p, 'index');
  return [...new Set([...refine(base, p, 'index'), ...wideKeys(base), ...monthKeys(p)])];
}

function refinedProbeKeys(base: readonly number[], p: DocProfile): BlockingKey[] {
  return isWide(p) ? wideKeys(base) : refine(base, p, 'probe');
}

function probeKeys(p: DocProfile): BlockingKey[] {
  return [...new Set([...refinedProbeKeys(baseKeys(p, 'probe'), p), ...monthKeys(p)])];
}

/**
 * The key index of the units, or, given `bases`, of only the units with an index key over one of
 * them: a key that refines one of those bases has all its units, in unit order, as in the full
 * index, and the index refuses queries of any other key. An incremental run queries few keys (those
 * of the changed units, the orphans' and the units it scores again), and at 100k articles filling
 * the full index took 3.5 s. When the bases hold most units, all are indexed (`full`): a restriction
 * would save little, and might have to be built again for the next keys asked.
 */
function unitIndex(reps: readonly DocProfile[], positionOf: (unit: number) => number, bases: ReadonlySet<number> | null): { index: KeyIndex; full: boolean } {
  // A unit's index keys refine its names' and figures' bases, and its month keys (each its own base).
  const query = bases && new BaseQuery(bases);
  const under = bases && reps.flatMap((p, i) => (hasBaseKeyIn(p, 'index', query!) || monthKeys(p).some((k) => bases.has(keyBase(k))) ? [i] : []));
  const full = under === null || 2 * under.length > reps.length;
  const covered = new Set(bases); // the caller's set may grow later; this index holds these bases only
  const index = new KeyIndex(positionOf, full ? null : (key) => covered.has(keyBase(key)));
  if (full) reps.forEach((p, i) => index.add(i, indexKeys(p)));
  else for (const i of under) index.add(i, indexKeys(reps[i]!));
  return { index, full };
}

function hasLongName(p: DocProfile): boolean {
  return allNames(p).some(isLongName);
}

/** Everything scorePair and the campaign row read from a profile, so equal signatures are interchangeable. */
function scoringSignature(p: DocProfile): string {
  const figures = Array.from({ length: headlineCount(p.figures) }, (_, i) => headlineAt(p.figures, i))
    .map((f) => JSON.stringify([f.measure, f.unit, f.place_code, f.value, f.qualifier]))
    .sort(byText);
  return JSON.stringify([
    [...p.properNames.keys()].sort(byText), [...p.descriptive].sort(byText), p.agency, p.agencyRegion, p.agencyHierarchy,
    p.nameYear, p.month, p.day, p.years, p.yearStated, p.duration, figures,
  ]);
}

/**
 * What collapseIdentical groups a profile by: a hash (sha256) of its scoring signature, or null when
 * it would not link to itself (then it is a unit of its own). A function of the evidence alone, so
 * the link stage keeps it per evidence digest for the next run.
 */
export type CollapseKey = string | null;

function collapseKey(p: DocProfile): CollapseKey {
  const self = scorePair(p, p);
  return !self.block && self.score >= LINK_THRESHOLD ? hash('sha256', scoringSignature(p), 'base64') : null;
}

/**
 * Sets a profile's collapse key (a profile with a mention: only those are collapsed), so that
 * profileFields keeps it: a cache that keeps profiles then keeps the keys with them, and linking
 * does not make them again.
 */
export function withCollapseKey(p: DocProfile): DocProfile {
  if (p.collapseKey === undefined && hasAnyMention(p)) p.collapseKey = collapseKey(p);
  return p;
}

/** Profiles (in order) collapsed into units of interchangeable documents that would link to each other. */
function collapseIdentical(profiles: readonly DocProfile[], keyOf: (p: DocProfile) => CollapseKey): DocProfile[][] {
  const units: DocProfile[][] = [];
  const unitOf = new Map<string, number>();
  for (const p of profiles) {
    const signature = keyOf(p);
    const at = signature === null ? undefined : unitOf.get(signature);
    if (at !== undefined) units[at]!.push(p);
    else {
      if (signature !== null) unitOf.set(signature, units.length);
      units.push([p]);
    }
  }
  return units;
}

/** What a group's members allow a newcomer to be, for the hard-block check without member pairs. */
interface GroupSummary {
  /** Largest low end and smallest high end of the members' possible launch years. */
  yearLoMax: number;
  yearHiMin: number;
  nameYear: number | null;
  month: number | null;
  durationMin: number;
  durationMax: number;
  /** One member per distinct (agency, region, hierarchy). */
  agencies: DocProfile[];
  /** measure|unit -> the common part of the members' value intervals, overall and per place. */
  figureSpans: Map<string, MeasureSpans>;
  /** Members (unit representatives) with figures, for the pairwise fallback. */
  withFigures: DocProfile[];
  /** The launch year every member states, or null when one states none or they differ. */
  statedYear: number | null;
  /** Proper names (normalised) every member uses. */
  commonNames: ReadonlySet<string>;
}

const agencyKey = (p: DocProfile): string => `${p.agency}|${p.agencyRegion}|${p.agencyHierarchy}`;

/**
 * The common part ([lo > hi] when there is none) of a group's value intervals for one measure|unit:
 * over every figure, and per place ('' = no place), since only figures of the same place, or
 * without one, are compared (see entriesComparable).
 */
interface MeasureSpans {
  all: [number, number];
  byPlace: Map<string, [number, number]>;
}

function narrow(span: [number, number] | undefined, lo: number, hi: number): [number, number] {
  return span ? [Math.max(span[0], lo), Math.min(span[1], hi)] : [lo, hi];
}

const spansOverlap = (a: readonly [number, number], b: readonly [number, number]): boolean => Math.max(a[0], b[0]) <= Math.min(a[1], b[1]);

function summarize(p: DocProfile): GroupSummary {
  const figureSpans = new Map<string, MeasureSpans>();
  for (const group of figureTableOf(p).byKey) {
    const place = group.place ?? '';
    for (const { lo, hi } of group.items) {
      const spans = figureSpans.get(group.measureUnit);
      if (!spans) figureSpans.set(group.measureUnit, { all: [lo, hi], byPlace: new Map([[place, [lo, hi]]]) });
      else {
        spans.all = narrow(spans.all, lo, hi);
        spans.byPlace.set(place, narrow(spans.byPlace.get(place), lo, hi));
      }
    }
  }
  return {
    yearLoMax: p.years ? p.years[0] : -Infinity,
    yearHiMin: p.years ? p.years[1] : Infinity,
    nameYear: p.nameYear,
    month: p.month,
    durationMin: p.duration ?? Infinity,
    durationMax: p.duration ?? -Infinity,
    agencies: p.agency ? [p] : [],
    figureSpans,
    withFigures: p.figures.length > 0 ? [p] : [],
    statedYear: p.yearStated ? p.years![0] : null,
    commonNames: new Set(p.properNames.keys()),
  };
}

/** Folds `from`'s spans into `into`; both are consumed (the merged group's summary replaces them). */
function mergeSpans(into: Map<string, MeasureSpans>, from: ReadonlyMap<string, MeasureSpans>): void {
  for (const [key, theirs] of from) {
    const ours = into.get(key);
    if (!ours) {
      into.set(key, theirs);
      continue;
    }
    ours.all = narrow(ours.all, ...theirs.all);
    // Union by size: walk the smaller place map, so merging a large campaign stays linear overall.
    if (theirs.byPlace.size > ours.byPlace.size) [ours.byPlace, theirs.byPlace] = [theirs.byPlace, ours.byPlace];
    for (const [place, [lo, hi]] of theirs.byPlace) ours.byPlace.set(place, narrow(ours.byPlace.get(place), lo, hi));
  }
}

/** The merged group's summary. Both inputs are consumed (their arrays and maps are reused). */
function mergeSummaries(a: GroupSummary, b: GroupSummary): GroupSummary {
  const [big, small] = a.agencies.length >= b.agencies.length ? [a, b] : [b, a];
  const agencies = big.agencies;
  const known = new Set(agencies.map(agencyKey));
  for (const p of small.agencies) if (!known.has(agencyKey(p))) agencies.push(p);
  const [spansInto, spansFrom] = a.figureSpans.size >= b.figureSpans.size ? [a.figureSpans, b.figureSpans] : [b.figureSpans, a.figureSpans];
  mergeSpans(spansInto, spansFrom);
  const [withInto, withFrom] = a.withFigures.length >= b.withFigures.length ? [a.withFigures, b.withFigures] : [b.withFigures, a.withFigures];
  for (const p of withFrom) withInto.push(p);
  return {
    yearLoMax: Math.max(a.yearLoMax, b.yearLoMax),
    yearHiMin: Math.min(a.yearHiMin, b.yearHiMin),
    nameYear: a.nameYear ?? b.nameYear,
    month: a.month ?? b.month,
    durationMin: Math.min(a.durationMin, b.durationMin),
    durationMax: Math.max(a.durationMax, b.durationMax),
    agencies,
    figureSpans: spansInto,
    withFigures: withInto,
    statedYear: a.statedYear !== null && a.statedYear === b.statedYear ? a.statedYear : null,
    commonNames: intersect(a.commonNames, b.commonNames),
  };
}

function intersect(a: ReadonlySet<string>, b: ReadonlySet<string>): ReadonlySet<string> {
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  const out = new Set<string>();
  for (const x of small) if (big.has(x)) out.add(x);
  return out;
}

/**
 * True when figures cannot block any member pair: every member of both groups uses one same proper
 * name and states the same launch year, which overrides disagreeing figures (see scorePair).
 */
function figureBlocksOverridden(a: GroupSummary, b: GroupSummary): boolean {
  if (a.statedYear === null || a.statedYear !== b.statedYear) return false;
  for (const name of a.commonNames) if (b.commonNames.has(name)) return true;
  return false;
}

/**
 * Could some figure of one group disagree with a comparable figure of the other? False only when
 * it is certain that they all agree: for every measure, every pair of comparable spans (same place,
 * or one without a place) overlaps, so every pair of member intervals shares a value.
 */
function figuresMayConflict(a: GroupSummary, b: GroupSummary): boolean {
  for (const [key, sa] of a.figureSpans) {
    const sb = b.figureSpans.get(key);
    if (!sb || spansOverlap(sa.all, sb.all)) continue;
    const [small, big] = sa.byPlace.size <= sb.byPlace.size ? [sa, sb] : [sb, sa];
    // Figures without a place meet every figure of the other side: their span must meet all of them.
    const bigUnplaced = big.byPlace.get('');
    for (const [place, span] of small.byPlace) {
      if (place === '') {
        if (!spansOverlap(span, big.all)) return true;
        continue;
      }
      const same = big.byPlace.get(place);
      if (same && !spansOverlap(span, same)) return true;
      if (bigUnplaced && !spansOverlap(span, bigUnplaced)) return true;
    }
  }
  return false;
}

/**
 * Would any member of `a` be blocked against any member of `b` (scorePair(x of a, y of b))?
 * Years, name years, months, durations and agencies are decided on the summaries; figures only
 * when the summaries cannot rule out a disagreement, by member pairs.
 */
function groupsBlocked(a: GroupSummary, b: GroupSummary): boolean {
  if (a.yearHiMin < b.yearLoMax || b.yearHiMin < a.yearLoMax) return true;
  if (a.nameYear !== null && b.nameYear !== null && a.nameYear !== b.nameYear) return true;
  if (a.month !== null && b.month !== null && a.month !== b.month) return true;
  // Within a group every pair of durations is the same; across, the extremes decide.
  if (a.durationMin !== Infinity && b.durationMin !== Infinity) {
    if (!sameDuration(Math.min(a.durationMin, b.durationMin), Math.max(a.durationMax, b.durationMax))) return true;
  }
  for (const x of a.agencies) for (const y of b.agencies) if (agencyRelation(x, y) === 'conflict') return true;
  // Figures: decided without member pairs when no disagreement is possible or none could block.
  if (!figuresMayConflict(a, b) || figureBlocksOverridden(a, b)) return false;
  for (const x of a.withFigures) for (const y of b.withFigures) if (scorePair(x, y).block !== null) return true;
  return false;
}

/**
 * For one probing unit: the units met and how many blocking keys each shares with it (a cheap
 * measure of likeness). Typed arrays reused across units with an epoch mark, instead of a Map per
 * unit: at 100k documents a unit meets over a thousand others, tens of millions of meetings in all.
 */
class SharedKeyCounts implements MeetCounter {
  private readonly mark: Int32Array;
  private readonly counts: Int32Array;
  /** The units met since the last reset, in first-met order. */
  readonly members: Int32Array;
  size = 0;
  private epoch = 0;
  constructor(units: number) {
    this.mark = new Int32Array(units);
    this.counts = new Int32Array(units);
    this.members = new Int32Array(units);
  }
  reset(): void {
    this.epoch += 1;
    this.size = 0;
  }
  meet(unit: number, keys: number): void {
    if (this.mark[unit] !== this.epoch) {
      this.mark[unit] = this.epoch;
      this.counts[unit] = 0;
      this.members[this.size++] = unit;
    }
    this.counts[unit]! += keys;
  }
  count(unit: number): number {
    return this.counts[unit]!;
  }
}

/**
 * attributeBlock's inputs for every unit in typed arrays, for the tens of millions of candidate pairs
 * that meet in the key index. Absent values: NaN for years and durations, 0 for the name year and the
 * month. Agencies are compared by class (agency, region, hierarchy), each pair of classes once.
 */
export class UnitAttributes {
  private readonly yearLo: Float64Array;
  private readonly yearHi: Float64Array;
  private readonly nameYear: Int32Array;
  private readonly month: Int32Array;
  private readonly duration: Float64Array;
  private readonly agencyClass: Int32Array;
  private readonly classReps: DocProfile[] = [];
  private readonly classConflicts = new Map<number, boolean>();
  constructor(reps: readonly DocProfile[]) {
    const n = reps.length;
    this.yearLo = new Float64Array(n);
    this.yearHi = new Float64Array(n);
    this.nameYear = new Int32Array(n);
    this.month = new Int32Array(n);
    this.duration = new Float64Array(n);
    this.agencyClass = new Int32Array(n);
    const classOf = new Map<string, number>();
    reps.forEach((p, i) => {
      this.yearLo[i] = p.years ? p.years[0] : NaN;
      this.yearHi[i] = p.years ? p.years[1] : NaN;
      this.nameYear[i] = p.nameYear ?? 0;
      this.month[i] = p.month ?? 0;
      this.duration[i] = p.duration ?? NaN;
      const key = JSON.stringify([p.agency, p.agencyRegion, p.agencyHierarchy]);
      let agencyClass = classOf.get(key);
      if (agencyClass === undefined) {
        classOf.set(key, (agencyClass = this.classReps.length));
        this.classReps.push(p);
      }
      this.agencyClass[i] = agencyClass;
    });
  }
  /** attributeBlock(reps[i], reps[j]) !== null, without reading the profiles. */
  blocked(i: number, j: number): boolean {
    if (this.yearHi[i]! < this.yearLo[j]! || this.yearHi[j]! < this.yearLo[i]!) return true;
    const ny = this.nameYear[i]!;
    if (ny !== 0 && this.nameYear[j]! !== 0 && ny !== this.nameYear[j]) return true;
    if (this.agenciesConflict(this.agencyClass[i]!, this.agencyClass[j]!)) return true;
    const m = this.month[i]!;
    if (m !== 0 && this.month[j]! !== 0 && m !== this.month[j]) return true;
    const di = this.duration[i]!;
    const dj = this.duration[j]!;
    return di === di && dj === dj && !sameDuration(di, dj);
  }
  private agenciesConflict(a: number, b: number): boolean {
    if (a === b) return agencyRelation(this.classReps[a]!, this.classReps[a]!) === 'conflict';
    const key = a < b ? a * 0x100000 + b : b * 0x100000 + a;
    let conflict = this.classConflicts.get(key);
    if (conflict === undefined) this.classConflicts.set(key, (conflict = agencyRelation(this.classReps[a]!, this.classReps[b]!) === 'conflict'));
    return conflict;
  }
}

/** Groups of units as linked lists (members keep merge order) under a union-find whose root is the group. */
class UnitGroups {
  private readonly parent: number[] = [];
  private readonly next: number[] = [];
  private readonly head: number[] = [];
  private readonly tail: number[] = [];
  /**
   * Per group root, its summary; undefined until a check first asks for it (summaryOf): at 100k
   * documents, four units in ten meet no link and are never checked, and a summary's maps are most
   * of what a unit costs in memory here; a group restored from the last run (restore) is summarised
   * only if an orphan asks. null for a unit merged into another group.
   */
  private readonly summary: (GroupSummary | null | undefined)[] = [];

  constructor(readonly units: DocProfile[][]) {
    units.forEach((_, i) => this.init(i));
  }

  private init(i: number): void {
    this.parent[i] = i;
    this.next[i] = -1;
    this.head[i] = i;
    this.tail[i] = i;
    this.summary[i] = undefined;
  }

  /**
   * The summary of group `g` (a root): made from its units' representatives when first asked.
   * Merging summaries is associative and commutative in everything groupsBlocked reads (bounds,
   * intersections, sets of agencies and of members with figures), so folding a restored group's
   * units in list order gives what its merges gave.
   */
  summaryOf(g: number): GroupSummary {
    const known = this.summary[g];
    if (known === null) throw new Error(`UnitGroups.summaryOf: unit ${g} is not a group's root`);
    if (known !== undefined) return known;
    let folded = summarize(this.units[g]![0]!);
    for (let u = this.next[g]!; u !== -1; u = this.next[u]!) folded = mergeSummaries(folded, summarize(this.units[u]![0]!));
    return (this.summary[g] = folded);
  }

  /** Makes units `sequence` (single units until now) one group in that merge order, its first unit the root. */
  restore(sequence: readonly number[]): void {
    const root = sequence[0]!;
    for (let k = 1; k < sequence.length; k++) {
      const u = sequence[k]!;
      this.parent[u] = root;
      this.next[sequence[k - 1]!] = u;
      this.summary[u] = null;
    }
    this.tail[root] = sequence[sequence.length - 1]!;
  }

  /** The unit after `u` in its group's merge order, or -1 (what the link cache keeps of the clustering). */
  nextOf(u: number): number {
    return this.next[u]!;
  }

  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root]!;
    while (this.parent[i] !== root) {
      const up = this.parent[i]!;
      this.parent[i] = root;
      i = up;
    }
    return root;
  }

  /** Append group `gj`'s members after group `gi`'s; `gi` stays the group. */
  merge(gi: number, gj: number): void {
    // Summaries first: an unasked one is folded over its group's list, which the merge extends.
    this.summary[gi] = mergeSummaries(this.summaryOf(gi), this.summaryOf(gj));
    this.summary[gj] = null;
    this.parent[gj] = gi;
    this.next[this.tail[gi]!] = this.head[gj]!;
    this.tail[gi] = this.tail[gj]!;
  }

  /** A new unit (an orphan) appended to group `g`. */
  attach(g: number, unit: DocProfile[]): number {
    const i = this.units.length;
    this.units.push(unit);
    this.init(i);
    this.merge(g, i);
    return i;
  }

  /** Groups in order of their first unit; members in merge order. */
  groups(): { root: number; members: DocProfile[] }[] {
    const out: { root: number; members: DocProfile[] }[] = [];
    for (let g = 0; g < this.parent.length; g += 1) {
      if (this.parent[g] !== g) continue;
      const members: DocProfile[] = [];
      for (let u = this.head[g]!; u !== -1; u = this.next[u]!) members.push(...this.units[u]!);
      out.push({ root: g, members });
    }
    return out;
  }
}

/** How many units before and after a unit it is compared with inside one large block (see KeyIndex.near). */
export const BLOCK_NEIGHBOURHOOD = 100;

/**
 * Most candidates a unit is scored against (meta-blocking's cardinality pruning). In a large corpus a
 * unit can share blocks with thousands of others; the ones sharing the most blocking keys (name,
 * year, agency, figure buckets) are the likeliest matches, and transitive merging links the rest of
 * a campaign through them. Below this many nothing is pruned (every test corpus, and the 10k bench).
 */
export const MAX_SCORED_CANDIDATES = 2 * BLOCK_NEIGHBOURHOOD;

/**
 * The MAX_SCORED_CANDIDATES units sharing the most keys; ties: nearest position, then lowest unit.
 * Shared-key counts are small integers, so units are bucketed by count and only the one bucket that
 * straddles the cut is sorted (a full sort of every unit's candidates took a sixth of the link stage).
 * `last`: the chosen unit that ranks last (CandidateRank: fewest shared keys, then farthest, then
 * latest, units being in doc_id order), found in the last bucket taken.
 */
function mostAlike(units: readonly number[], shared: SharedKeyCounts, distance: (unit: number) => number): { chosen: number[]; last: number } {
  const buckets: number[][] = [];
  for (const u of units) (buckets[shared.count(u)] ??= []).push(u);
  const chosen: number[] = [];
  let lastBucket: number[] = [];
  for (let count = buckets.length - 1; count >= 0 && chosen.length < MAX_SCORED_CANDIDATES; count--) {
    const bucket = buckets[count];
    if (!bucket) continue;
    const partial = chosen.length + bucket.length > MAX_SCORED_CANDIDATES;
    if (partial) bucket.sort((x, y) => distance(x) - distance(y) || x - y);
    const take = partial ? MAX_SCORED_CANDIDATES - chosen.length : bucket.length;
    for (let k = 0; k < take; k++) chosen.push(bucket[k]!);
    lastBucket = partial ? bucket.slice(take - 1, take) : bucket;
  }
  // The last bucket taken holds the last-ranked unit: the farthest, then the latest.
  let last = lastBucket[0] ?? -1;
  for (const u of lastBucket) if (distance(u) > distance(last) || (distance(u) === distance(last) && u > last)) last = u;
  return { chosen, last };
}

/** A document's fixed pseudo-random coordinate in [0, 1) for sorted-neighbourhood blocking (see KeyIndex.near). */
function blockingPosition(docId: string): number {
  return sha256Bytes(docId).readUInt32BE(0) / 2 ** 32;
}

/**
 * Links between units in merge order: strongest first, then by unit pair (i, then j). A large
 * campaign yields millions of links; scores are sums of LINK_WEIGHTS with few distinct values, so
 * links are kept per score in typed arrays (8 bytes a link) and appended in (i, j) order — no
 * million-object array and no global sort.
 */
class LinkBuckets {
  private readonly buckets = new Map<number, { i: Int32Array; j: Int32Array; size: number }>();
  /** Links must be added in increasing (i, j) order within each score. */
  add(i: number, j: number, score: number): void {
    let bucket = this.buckets.get(score);
    if (!bucket) this.buckets.set(score, (bucket = { i: new Int32Array(64), j: new Int32Array(64), size: 0 }));
    if (bucket.size === bucket.i.length) {
      const grow = (old: Int32Array): Int32Array => {
        const next = new Int32Array(old.length * 2);
        next.set(old);
        return next;
      };
      bucket.i = grow(bucket.i);
      bucket.j = grow(bucket.j);
    }
    bucket.i[bucket.size] = i;
    bucket.j[bucket.size] = j;
    bucket.size += 1;
  }
  forEach(visit: (i: number, j: number) => void): void {
    for (const score of [...this.buckets.keys()].sort((x, y) => y - x)) {
      const { i, j, size } = this.buckets.get(score)!;
      for (let k = 0; k < size; k++) visit(i[k]!, j[k]!);
    }
  }
}

/**
 * One unit of the last run's linking, kept for the next run (an incremental build): the unit's
 * representative document, its candidate links to later units (flattened pairs: that unit's place in
 * the cache, score) and a digest of the representative's evidence.
 */
export interface LinkCacheUnit extends UnitCandidates {
  id: string;
  /**
   * The next run compares it with the digest of the evidence it has for that doc_id (equal: the
   * unit stayed). The keys of a unit that did not stay are recomputed from its old evidence
   * (PreviousLinking.evidence).
   */
  digest: string;
  /** The unit after this one in its group's merge order after clustering (its place in the cache), or -1: see restorableComponents. */
  next: number;
}

/** What an incremental run is given of the last one: its link cache, and the old evidence of the units that did not stay. */
export interface PreviousLinking {
  units: readonly LinkCacheUnit[];
  /** The last run's evidence of a document that is gone, or whose evidence (digest) changed; undefined if unknown. */
  evidence(docId: string): LinkInput | undefined;
  /** The last run's campaign draft of the group with this draftKey, if it had one (see linkCampaigns' drafts). */
  draft?(key: string): KeptDraft | undefined;
  /** The last run's collapse key of a document with this evidence digest, if it had one (see linkCampaigns' collapseKeys). */
  collapseKey?(digest: string): CollapseKey | undefined;
}

/** A document's evidence digest unless the caller has one: sha256 of its JSON text. */
function evidenceDigest(doc: DocCampaignEvidence): string {
  return hash('sha256', JSON.stringify(doc), 'base64');
}

/** What scoring a unit's candidates gave: what the link cache keeps of it. */
interface UnitCandidates {
  /** Flattened pairs: a later unit (its place in the cache), score. */
  links: number[];
  /** How many candidates passed the attribute blocks, before the MAX_SCORED_CANDIDATES cut. */
  viable: number;
  /** When the candidates were cut to MAX_SCORED_CANDIDATES: the last one kept (see mostAlike). */
  cut: CandidateRank | null;
}

/**
 * A candidate's place in mostAlike's order: more shared keys first, then nearer (position
 * distance), then earlier (doc_id order, as unit numbers are).
 */
export type CandidateRank = [sharedKeys: number, distance: number, id: string];

/** Does candidate `a` come before `b` in mostAlike's order? */
function ranksBefore(a: CandidateRank, b: CandidateRank): boolean {
  return a[0] !== b[0] ? a[0] > b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2];
}

/** `[id, links, viable, cut, digest, next]`. */
export function linkCacheLine(unit: LinkCacheUnit): string {
  return JSON.stringify([unit.id, unit.links, unit.viable, unit.cut, unit.digest, unit.next]);
}

export function parseLinkCacheLine(line: string): LinkCacheUnit {
  const [id, links, viable, cut, digest, next] = JSON.parse(line) as [string, number[], number, CandidateRank | null, string, number];
  if (typeof digest !== 'string') throw new Error('link cache: a line without its evidence digest');
  if (!Number.isInteger(next)) throw new Error('link cache: a line without its place in its group');
  return { id, links, viable, cut, digest, next };
}

/** What a unit does with its cached links in an incremental run. */
const REUSE = 0;
const SCORE_AGAIN = 1;
const UPDATE = 2;
/** Its kept candidates changed: it meets its candidates again, and scores only those it did not keep last time (see candidateLinks). */
const RECUT = 3;

/** Per unit: reuse its cached links, score it again, update its cached links with the changed units it meets, or recut them. */
interface ReusableLinks {
  plan: Uint8Array;
  /**
   * For a REUSE, UPDATE or RECUT unit: its cached candidates in this run's unit numbers (links to
   * removed units dropped but for REUSE; an updated unit's viable count updated), and the added
   * units an UPDATE unit is still to be scored against (unblocked, in unit order).
   */
  kept(unit: number): UnitCandidates & { added: number[] };
  /** Is the unit new in this run (added, or its representative's evidence changed)? */
  isNew(unit: number): boolean;
  /** Per unit of this run: its place in the last run's cache, or -1 if it is new. */
  previousOf: Int32Array;
  /** Per unit of the last run's cache: its number in this run, or -1 if it did not stay. */
  currentOf: readonly number[];
}

/** A unit added or removed since the last run. */
interface UnitChange {
  id: string;
  position: number;
  profile: DocProfile;
  /** Its number in this run, or -1 when it was removed. */
  unit: number;
}

/**
 * A unit's candidate links depend only on its own profile and on the units it meets in the key
 * index (KeyIndex.near, and the long-name comparisons): their profiles, positions and shared keys.
 * A unit that stayed has the same profile (its representative's evidence digest is the same; one whose
 * evidence changed under its doc_id counts as removed and added) and positions are fixed by doc_id,
 * so a unit's links can change only if a unit that was added or removed, after it in doc_id order,
 * is among those it meets: one that shares a probe key, inside the unit's window when that key's
 * block is windowed and its window size did not change (the same test KeyIndex.near makes). A unit
 * that meets none keeps its links. One that meets some
 * keeps its links to the units that stayed and is scored against the added ones only, if it was
 * not, and is not now, cut to MAX_SCORED_CANDIDATES (its viable count before and after tell). One
 * that was and still is cut keeps its links unchanged if no changed unit ranks at or above the last
 * candidate it kept (mostAlike's order: shared keys, distance, doc_id; the unchanged candidates keep
 * their ranks), so its kept candidates are the same. A unit whose window size changed, or whose
 * kept candidates change, is scored again in full.
 */
function reusableLinks(
  reps: readonly DocProfile[],
  positionOf: (unit: number) => number,
  /** A key index that has every key over these bases (the changed units' keys are the only ones asked). */
  indexCovering: (bases: () => Iterable<number>) => KeyIndex,
  attributes: UnitAttributes,
  previous: readonly LinkCacheUnit[],
  digests: readonly string[],
  evidenceBefore: (unit: LinkCacheUnit) => LinkInput,
): ReusableLinks {
  const unitOf = new Map(reps.map((p, i) => [p.doc_id, i]));
  // A unit stays when its representative is here with the same evidence. One whose evidence changed
  // under the same doc_id (a renamed file read as another format) was removed and added.
  const currentOf = previous.map((u) => {
    const i = unitOf.get(u.id);
    return i !== undefined && digests[i] === u.digest ? i : -1;
  });
  /** Per unit of this run: its place in the last run's cache, or -1 if it is new (or did not stay). */
  const previousOf = new Int32Array(reps.length).fill(-1);
  currentOf.forEach((i, k) => i >= 0 && (previousOf[i] = k));
  const plan = new Uint8Array(reps.length);
  const changes: UnitChange[] = [];
  reps.forEach((p, i) => {
    if (previousOf[i]! >= 0) return;
    plan[i] = SCORE_AGAIN;
    changes.push({ id: p.doc_id, position: positionOf(i), profile: p, unit: i });
  });
  previous.forEach((u, k) => {
    if (currentOf[k]! >= 0) return;
    const profile = profileOf(evidenceBefore(u));
    changes.push({ id: u.id, position: blockingPosition(u.id), profile, unit: -1 });
  });

  // Per key of a changed unit: the changed units under it, and how much the block grew.
  const touched = new Map<BlockingKey, { changes: UnitChange[]; growth: number }>();
  for (const c of changes) {
    for (const key of indexKeys(c.profile)) {
      let entry = touched.get(key);
      if (!entry) touched.set(key, (entry = { changes: [], growth: 0 }));
      entry.changes.push(c);
      entry.growth += c.unit >= 0 ? 1 : -1;
    }
  }
  const touchedBases = new Set([...touched.keys()].map(keyBase));
  const index = indexCovering(() => touchedBases);
  // A unit counts only the units after it (units are in their representatives' doc_id order, in
  // this run and the last), so a change before it cannot change its links.
  const fullBlock = (size: number): boolean => size <= 2 * BLOCK_NEIGHBOURHOOD + 1;
  const radius = (size: number): number => BLOCK_NEIGHBOURHOOD / 2 ** Math.ceil(Math.log2(size));
  /** Counts the changed units `unit` meets under `key` (into `met`: keys shared); false if its window there changed size. */
  const meetChanges = (unit: number, key: BlockingKey, met: Map<UnitChange, number>): boolean => {
    const entry = touched.get(key);
    if (!entry) return true;
    const id = reps[unit]!.doc_id;
    const now = index.size(key);
    const before = now - entry.growth;
    if (fullBlock(now) && fullBlock(before)) {
      for (const c of entry.changes) if (c.id > id) met.set(c, (met.get(c) ?? 0) + 1);
      return true;
    }
    if (fullBlock(now) || fullBlock(before) || radius(now) !== radius(before)) return false;
    // As KeyIndex.near: positions in [at - radius, at + radius], computed the same way.
    const at = positionOf(unit);
    const r = radius(now);
    for (const c of entry.changes) if (c.id > id && c.position >= at - r && c.position <= at + r) met.set(c, (met.get(c) ?? 0) + 1);
    return true;
  };
  // Long names are compared outside the index: a long-named unit meets every named one after it, a
  // named one every long-named one after it.
  const byId = (a: UnitChange, b: UnitChange): number => byText(a.id, b.id);
  const changedNamed = changes.filter((c) => hasNames(c.profile)).sort(byId);
  const changedLong = changedNamed.filter((c) => hasLongName(c.profile));
  /** The changes after `id`, from changes sorted by id. */
  const after = (sorted: readonly UnitChange[], id: string): readonly UnitChange[] => sorted.slice(partitionPoint(sorted, (c) => c.id <= id));

  // A probe key refines one of the unit's probe base keys (or is a month key, its own base): a unit
  // none of whose bases is touched meets no change in the index, and its probe keys are not built.
  const touchedQuery = new BaseQuery(touchedBases);
  const mayMeetChanges = (p: DocProfile): boolean => hasBaseKeyIn(p, 'probe', touchedQuery) || monthKeys(p).some((k) => touched.has(k));
  const viable = new Map<number, number>();
  const candidates = new Map<number, number[]>();
  reps.forEach((p, i) => {
    if (plan[i]) return;
    const met = new Map<UnitChange, number>();
    if (mayMeetChanges(p) && !probeKeys(p).every((key) => meetChanges(i, key, met))) {
      plan[i] = SCORE_AGAIN;
      return;
    }
    // Met through a long name: a candidate sharing no key (mostAlike counts it with 0).
    if (hasLongName(p)) for (const c of after(changedNamed, p.doc_id)) met.set(c, met.get(c) ?? 0);
    else if (hasNames(p)) for (const c of after(changedLong, p.doc_id)) met.set(c, met.get(c) ?? 0);
    if (met.size === 0) return;
    const { viable: viableBefore, cut } = previous[previousOf[i]!]!;
    const added: number[] = [];
    let removed = 0;
    let keptChanges = false; // a changed candidate ranks at or above the cut: it was kept, or would be
    for (const [c, sharedKeys] of met) {
      if (c.unit >= 0 ? attributes.blocked(i, c.unit) : attributeBlock(p, c.profile) !== null) continue;
      if (c.unit >= 0) added.push(c.unit);
      else removed++;
      if (cut && !ranksBefore(cut, [sharedKeys, Math.abs(c.position - positionOf(i)), c.id])) keptChanges = true;
    }
    const viableNow = viableBefore - removed + added.length;
    const uncut = viableBefore <= MAX_SCORED_CANDIDATES && viableNow <= MAX_SCORED_CANDIDATES;
    const sameCut = viableBefore > MAX_SCORED_CANDIDATES && viableNow > MAX_SCORED_CANDIDATES && cut !== null && !keptChanges;
    if (!uncut && !sameCut) {
      // Its windows are the same, so each unchanged candidate has the rank it had: it was kept last
      // time exactly when it ranks at or above the last run's cut (all were kept when there was no cut).
      plan[i] = viableBefore > MAX_SCORED_CANDIDATES && cut === null ? SCORE_AGAIN : RECUT;
      return;
    }
    plan[i] = UPDATE;
    viable.set(i, viableNow);
    // A unit whose kept candidates are unchanged has no new candidate to score.
    candidates.set(i, uncut ? added.sort((x, y) => x - y) : []);
  });

  return {
    plan,
    kept(unit) {
      const cached = previous[previousOf[unit]!]!;
      const links: number[] = [];
      for (let k = 0; k < cached.links.length; k += 2) {
        const to = currentOf[cached.links[k]!]!;
        if (to >= 0) links.push(to, cached.links[k + 1]!);
        else if (plan[unit] === REUSE) throw new Error('link cache: a reused unit links to a removed one (rebuild without out/link)');
      }
      return { links, viable: viable.get(unit) ?? cached.viable, cut: cached.cut, added: candidates.get(unit) ?? [] };
    },
    isNew: (unit) => previousOf[unit]! < 0,
    previousOf,
    currentOf,
  };
}

/**
 * Scored links between units that reach LINK_THRESHOLD unblocked, strongest first, and per unit its
 * candidates (the links it made, its viable count and cut), for the link cache.
 */
function candidateLinks(
  reps: readonly DocProfile[],
  index: KeyIndex,
  positionOf: (unit: number) => number,
  attributes: UnitAttributes,
  reuse: ReusableLinks | null,
): { links: LinkBuckets; candidates: UnitCandidates[] } {
  const longNamed = reps.map((p, i) => (hasLongName(p) ? i : -1)).filter((i) => i >= 0);
  const named = reps.map((p, i) => (hasNames(p) ? i : -1)).filter((i) => i >= 0);
  const links = new LinkBuckets();
  const candidates: UnitCandidates[] = [];
  const shared = new SharedKeyCounts(reps.length);
  /** Links must be made in increasing unit order (LinkBuckets.add). */
  const link = (i: number, j: number, score: number, made: number[]): void => {
    links.add(i, j, score);
    made.push(j, score);
  };
  const scored = (i: number, j: number): number | null => {
    const score = unblockedScore(reps[i]!, reps[j]!);
    return score !== null && score >= LINK_THRESHOLD ? score : null;
  };
  reps.forEach((a, i) => {
    const made: number[] = [];
    if (reuse && (reuse.plan[i] === REUSE || reuse.plan[i] === UPDATE)) {
      // The kept links and (UPDATE) the links to added units, merged in unit order.
      const { links: cached, viable, cut, added } = reuse.kept(i);
      let k = 0;
      for (const j of added) {
        for (; k < cached.length && cached[k]! < j; k += 2) link(i, cached[k]!, cached[k + 1]!, made);
        const score = scored(i, j);
        if (score !== null) link(i, j, score, made);
      }
      for (; k < cached.length; k += 2) link(i, cached[k]!, cached[k + 1]!, made);
      candidates.push({ links: made, viable, cut });
      return;
    }
    shared.reset();
    index.near(i, probeKeys(a), BLOCK_NEIGHBOURHOOD, shared);
    // A very long name is not indexed by word subsets: compare it with every named unit.
    if (hasLongName(a)) for (const j of named) j > i && shared.meet(j, 0);
    else if (hasNames(a)) for (const j of longNamed) j > i && shared.meet(j, 0);
    // The attribute blocks are cheap; most same-name pairs of a recurring campaign stop here.
    let viable: number[] = [];
    for (let k = 0; k < shared.size; k++) {
      const j = shared.members[k]!;
      if (!attributes.blocked(i, j)) viable.push(j);
    }
    const viableCount = viable.length;
    const distance = (j: number): number => Math.abs(positionOf(j) - positionOf(i));
    let cut: CandidateRank | null = null;
    if (viable.length > MAX_SCORED_CANDIDATES) {
      const { chosen, last } = mostAlike(viable, shared, distance);
      viable = chosen;
      cut = [shared.count(last), distance(last), reps[last]!.doc_id];
    }
    // A RECUT unit's candidate that it kept last time (an unchanged unit at or above the last cut)
    // has the same link as then: a pair's score depends only on the two profiles.
    const before = reuse?.plan[i] === RECUT ? reuse.kept(i) : null;
    const cachedScores = new Map<number, number>();
    if (before) for (let k = 0; k < before.links.length; k += 2) cachedScores.set(before.links[k]!, before.links[k + 1]!);
    const keptBefore = (j: number): boolean =>
      before !== null && !reuse!.isNew(j) && (before.cut === null || !ranksBefore(before.cut, [shared.count(j), distance(j), reps[j]!.doc_id]));
    // Scored in unit order (LinkBuckets.add); a typed array sorts numbers without a comparator call.
    for (const j of Int32Array.from(viable).sort()) {
      const score = keptBefore(j) ? (cachedScores.get(j) ?? null) : scored(i, j);
      if (score !== null) link(i, j, score, made);
    }
    candidates.push({ links: made, viable: viableCount, cut });
  });
  return { links, candidates };
}

/** Disjoint sets of 0..n-1 (union by size, path halving). */
class DisjointSets {
  private readonly parent: Int32Array;
  readonly size: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
    this.size = new Int32Array(n).fill(1);
  }
  find(x: number): number {
    while (this.parent[x] !== x) {
      const up = this.parent[this.parent[x]!]!;
      this.parent[x] = up;
      x = up;
    }
    return x;
  }
  union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra]! += this.size[rb]!;
  }
}

/**
 * The last run's groups inside every connected component of the link graph that is as it was, as
 * sequences of this run's units in merge order (the first unit the root), and which units are in
 * a component that must be clustered again.
 *
 * Greedy merging decides a link from the summaries of its two groups alone, and a group never
 * spans two components: a component's clustering depends only on its units' profiles and on its
 * own links in their global order (strongest first, then by unit pair). Units keep their doc_id
 * order from run to run, so a component with the same units (each with the evidence it had and
 * the links it had) meets its links in the same relative order and ends in the same groups, with
 * the same roots and merge order. Its units are then not compared again.
 */
function restorableComponents(
  candidates: readonly UnitCandidates[],
  previous: readonly LinkCacheUnit[],
  reuse: Pick<ReusableLinks, 'previousOf' | 'currentOf'>,
): { restored: number[][]; dirty: (unit: number) => boolean; keptUnits: number } {
  const { previousOf, currentOf } = reuse;
  const now = new DisjointSets(candidates.length);
  candidates.forEach(({ links }, i) => {
    for (let k = 0; k < links.length; k += 2) now.union(i, links[k]!);
  });
  const before = new DisjointSets(previous.length);
  previous.forEach(({ links }, p) => {
    for (let k = 0; k < links.length; k += 2) before.union(p, links[k]!);
  });
  /** Unit `i` (now) and `p` (then) made the same links: to the same units, with the same scores. */
  const sameLinks = (i: number, p: number): boolean => {
    const a = candidates[i]!.links;
    const b = previous[p]!.links;
    if (a.length !== b.length) return false;
    for (let k = 0; k < a.length; k += 2) if (previousOf[a[k]!] !== b[k] || a[k + 1] !== b[k + 1]) return false;
    return true;
  };
  // Per component (at its root): the last run's component all its units were in, UNSEEN before
  // its first unit, CHANGED when a unit is new, linked otherwise, or came from another component.
  const UNSEEN = -1;
  const CHANGED = -2;
  const was = new Int32Array(candidates.length).fill(UNSEEN);
  candidates.forEach((_, i) => {
    const root = now.find(i);
    if (was[root] === CHANGED) return;
    const p = previousOf[i]!;
    const then = p >= 0 && sameLinks(i, p) ? before.find(p) : CHANGED;
    was[root] = was[root] === UNSEEN || was[root] === then ? then : CHANGED;
  });
  // The same units (previousOf is one-to-one) exactly when the component is as large as it was.
  const kept = (root: number): boolean => was[root]! >= 0 && now.size[root] === before.size[was[root]!];
  const damaged = (what: string): Error => new Error(`link cache: ${what} (rebuild without out/link)`);
  const pointedTo = new Uint8Array(previous.length);
  for (const { next } of previous) {
    if (next < -1 || next >= previous.length) throw damaged('a unit whose successor is not in the cache');
    if (next < 0) continue;
    if (pointedTo[next]) throw damaged('a unit that follows two others in their groups');
    pointedTo[next] = 1;
  }
  const restored: number[][] = [];
  let keptUnits = 0;
  previous.forEach((_, head) => {
    const unit = currentOf[head]!;
    if (pointedTo[head] || unit < 0 || !kept(now.find(unit))) return;
    const sequence: number[] = [];
    // No unit follows two others and a head follows none, so the list from a head ends.
    for (let p = head; p !== -1; p = previous[p]!.next) {
      const u = currentOf[p]!;
      if (u < 0 || now.find(u) !== now.find(unit)) throw damaged('a kept group holds a unit that did not stay in its component');
      sequence.push(u);
    }
    keptUnits += sequence.length;
    if (sequence.length > 1) restored.push(sequence);
  });
  // Every unit of a kept component is in one list from a head (units in a loop have none).
  let inKept = 0;
  for (let i = 0; i < candidates.length; i++) if (kept(now.find(i))) inKept++;
  if (inKept !== keptUnits) throw damaged('a group whose list has no first unit');
  return { restored, dirty: (unit) => !kept(now.find(unit)), keptUnits };
}

/** Greedy constrained merging: strongest links first; two groups merge only if no member pair is blocked. */
function clusterProfiles(
  profiles: DocProfile[],
  previous: PreviousLinking | null,
  evidenceOf: (docId: string) => LinkInput | undefined,
  digestOf: (doc: LinkInput) => string,
  /** The base keys the orphans will look up (attachOrphans uses the index this returns). */
  orphanBases: Iterable<number>,
  collapseKeyOf: (p: DocProfile) => CollapseKey,
): { groups: UnitGroups; index: KeyIndex; reps: DocProfile[]; digests: string[]; candidates: UnitCandidates[]; rescored: number; updated: number; recut: number; keptUnits: number } {
  const groups = new UnitGroups(collapseIdentical(profiles, collapseKeyOf));
  const reps = groups.units.map((u) => u[0]!);
  const digests = reps.map(digestOf);
  // A unit's position is made when first asked for: an incremental run asks for those of the units
  // it indexes and meets, not all 60,000 (a sha256 each: about 0.05 s at 100k articles).
  const positions = new Float64Array(reps.length).fill(NaN);
  const positionOf = (unit: number): number => {
    const known = positions[unit]!;
    return known === known ? known : (positions[unit] = blockingPosition(reps[unit]!.doc_id));
  };
  // One index of the units' keys serves the candidate links and then the orphans: all the units' for
  // a build from scratch. An incremental run indexes the units under the bases it will query: the
  // changed units' and the orphans' first, then those of the units it scores again; should those
  // need more, the index is built again (unitIndex indexes every unit once the bases hold most).
  const covered = new Set(orphanBases);
  let built: { index: KeyIndex; full: boolean } | null = null;
  /** `bases` are not listed once every unit is indexed. */
  const indexCovering = (bases: () => Iterable<number>): KeyIndex => {
    if (built?.full) return built.index;
    const before = covered.size;
    for (const b of bases()) covered.add(b);
    if (built === null || covered.size > before) built = unitIndex(reps, positionOf, covered);
    return built.index;
  };
  const attributes = new UnitAttributes(reps);
  // A unit that did not stay: its representative is gone or changed (the last run's evidence), or
  // is now inside another unit (its evidence is the same as then).
  const evidenceBefore = (unit: LinkCacheUnit): LinkInput => {
    const now = evidenceOf(unit.id);
    const evidence = now && digestOf(now) === unit.digest ? now : previous!.evidence(unit.id);
    if (!evidence) throw new Error(`link cache: no earlier evidence of ${unit.id} (rebuild without out/link)`);
    return evidence;
  };
  const reuse = previous ? reusableLinks(reps, positionOf, indexCovering, attributes, previous.units, digests, evidenceBefore) : null;
  function* rescoredBases(plan: Uint8Array): Generator<number> {
    for (let i = 0; i < plan.length; i++) if (plan[i] === SCORE_AGAIN || plan[i] === RECUT) for (const key of probeKeys(reps[i]!)) yield keyBase(key);
  }
  const index = reuse ? indexCovering(() => rescoredBases(reuse.plan)) : unitIndex(reps, positionOf, null).index;
  const { links, candidates } = candidateLinks(reps, index, positionOf, attributes, reuse);
  const restorable = reuse ? restorableComponents(candidates, previous!.units, reuse) : null;
  for (const sequence of restorable?.restored ?? []) groups.restore(sequence);
  links.forEach((i, j) => {
    if (restorable && !restorable.dirty(i)) return;
    const gi = groups.find(i);
    const gj = groups.find(j);
    if (gi === gj || groupsBlocked(groups.summaryOf(gi), groups.summaryOf(gj))) return;
    groups.merge(gi, gj);
  });
  const count = (plan: number): number => (reuse ? reuse.plan.reduce((n, p) => n + (p === plan ? 1 : 0), 0) : 0);
  const rescored = reuse ? count(SCORE_AGAIN) : reps.length;
  return { groups, index, reps, digests, candidates, rescored, updated: count(UPDATE), recut: count(RECUT), keptUnits: restorable?.keptUnits ?? 0 };
}

/**
 * Units that may score ORPHAN_THRESHOLD with `o`. Without a name or a launch month, only agency,
 * single year, duration and agreeing figures count, so a unit must agree on enough of `o`'s
 * figure groups: count, per unit, the groups whose keys it shares (an upper bound on agreement).
 */
function orphanCandidates(o: DocProfile, index: KeyIndex): number[] {
  const probes = orphanProbes(o);
  if (probes.needed === 0) return probes.lists.length ? index.lookup(probes.lists[0]!) : [];
  const counts = new Map<number, number>();
  for (const keys of probes.lists) for (const u of index.lookup(keys)) counts.set(u, (counts.get(u) ?? 0) + 1);
  return [...counts].filter(([, n]) => n >= probes.needed).map(([u]) => u);
}

/** What orphanCandidates looks up: one list of keys (needed 0), or one per figure group and how many of them a unit must share; no list when no unit can score enough. */
interface OrphanProbes {
  lists: BlockingKey[][];
  needed: number;
}

function orphanProbes(o: DocProfile): OrphanProbes {
  if (hasNames(o) || o.month !== null) return { lists: [probeKeys(o)], needed: 0 };
  const W = LINK_WEIGHTS;
  const otherEvidence = (o.agency ? W.sameAgency : 0) + (singleYear(o) !== null ? W.sameYear : 0) + (o.duration !== null ? W.sameDuration : 0);
  if (otherEvidence + W.agreeingFiguresMax < ORPHAN_THRESHOLD) return { lists: [], needed: 0 };
  const needed = Math.ceil((ORPHAN_THRESHOLD - otherEvidence) / W.agreeingFigure - 1e-9);
  if (needed <= 0) return { lists: [probeKeys(o)], needed: 0 };
  return { lists: figureTableOf(o).byKey.map((group) => refinedProbeKeys(figureGroupBases(group), o)), needed };
}

/**
 * A document without any mention joins the campaign it scores best with, if strongly enough and
 * unblocked (ties: the earlier group). Groups are found through the blocking keys: a member that
 * does not share a key with the orphan scores below LINK_THRESHOLD < ORPHAN_THRESHOLD.
 */
function attachOrphans(groups: UnitGroups, orphans: readonly DocProfile[], index: KeyIndex): void {
  const longNamed = groups.units.map((u, i) => (hasLongName(u[0]!) ? i : -1)).filter((i) => i >= 0);
  orphans.forEach((o) => {
    const candidates = orphanCandidates(o, index);
    if (hasNames(o)) candidates.push(...longNamed);
    const bestOfGroup = new Map<number, number>();
    for (const u of candidates) {
      const g = groups.find(u);
      const score = scorePair(o, groups.units[u]![0]!).score;
      bestOfGroup.set(g, Math.max(bestOfGroup.get(g) ?? -Infinity, score));
    }
    // Most orphans score too low with every group: their own summary (and the figure table under
    // it) is made only for a group that could take them.
    let own: GroupSummary | null = null;
    let best: { group: number; score: number } | null = null;
    for (const [g, score] of [...bestOfGroup].sort((x, y) => x[0] - y[0])) {
      if (score < ORPHAN_THRESHOLD || (best && score <= best.score)) continue;
      if (groupsBlocked((own ??= summarize(o)), groups.summaryOf(g))) continue;
      best = { group: g, score };
    }
    if (best) index.add(groups.attach(best.group, [o]), indexKeys(o));
  });
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * Most common form, counting documents first; then English over romanised Chinese ("Sword Net"
 * over "Jianwang"), then mentions; ties prefer capitals, then alphabetical.
 */
function pickForm(formsByDoc: readonly (readonly string[])[], lex: CampaignLexicon): string | null {
  const docCount = new Map<string, number>();
  const mentionCount = new Map<string, number>();
  const spelling = new Map<string, string[]>();
  for (const forms of formsByDoc) {
    for (const key of new Set(forms.map((f) => f.toLowerCase()))) docCount.set(key, (docCount.get(key) ?? 0) + 1);
    for (const f of forms) {
      const key = f.toLowerCase();
      mentionCount.set(key, (mentionCount.get(key) ?? 0) + 1);
      const list = spelling.get(key);
      if (list) list.push(f);
      else spelling.set(key, [f]);
    }
  }
  // "Thunder 2023" over "Thunder": the year tells editions of a recurring campaign apart.
  const withYear = (form: string): number => (form.split(/[^\p{N}]+/u).some((w) => YEAR_RE.test(w)) ? 1 : 0);
  const romanised = (form: string): number => (form.split(/[^\p{L}]+/u).some((w) => lex.knownNames[w] !== undefined) ? 1 : 0);
  const keys = [...docCount.keys()].sort(
    (a, b) =>
      docCount.get(b)! - docCount.get(a)! ||
      romanised(a) - romanised(b) ||
      mentionCount.get(b)! - mentionCount.get(a)! ||
      withYear(b) - withYear(a) ||
      byText(a, b),
  );
  const key = keys[0];
  if (key === undefined) return null;
  const spellings = spelling.get(key)!;
  const capitals = (s: string): number => (s.match(/\p{Lu}/gu) ?? []).length;
  return [...spellings].sort((a, b) => capitals(b) - capitals(a) || byText(a, b))[0]!;
}

/** "the ongoing campaign to clean up the internet" -> "campaign to clean up the internet". */
function descriptionAsName(s: string, lex: CampaignLexicon): string {
  const drop = new Set(lex.descriptionDropLeading);
  const words = s.trim().split(/\s+/);
  let i = 0;
  while (i < words.length - 1 && drop.has(words[i]!.toLowerCase())) i += 1;
  return words.slice(i).join(' ');
}

function addMonths(year: number, month: number, add: number): { year: number; month: number } {
  const index = year * 12 + (month - 1) + add;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

function campaignDates(group: DocProfile[]): Pick<CampaignRow, 'start_date' | 'start_precision' | 'start_year_basis' | 'launch_month' | 'end_date' | 'end_precision' | 'duration_months'> {
  const month = mostFrequent(group.map((p) => p.month).filter((m): m is number => m !== null));
  const day = month === null ? null : mostFrequent(group.filter((p) => p.month === month).map((p) => p.day).filter((d): d is number => d !== null));
  const stated = group.filter((p) => p.yearStated).map((p) => p.years![0]);
  // Inferred years: the intersection of what every document allows.
  let lo = -Infinity;
  let hi = Infinity;
  for (const p of group) {
    if (!p.years) continue;
    lo = Math.max(lo, p.years[0]);
    hi = Math.min(hi, p.years[1]);
  }
  const year = mostFrequent(stated) ?? (lo === hi ? lo : null);
  const basis = year === null ? null : stated.length > 0 ? 'stated' : 'inferred';
  const duration = mostFrequent(group.map((p) => p.duration).filter((d): d is number => d !== null));
  const base = { start_year_basis: basis, launch_month: month, duration_months: duration } as const;
  if (year === null) return { ...base, start_date: null, start_precision: null, end_date: null, end_precision: null };
  if (month === null) return { ...base, start_date: `${year}-01-01`, start_precision: 'year', end_date: null, end_precision: null };
  const precision: DatePrecision = day !== null ? 'day' : 'month';
  const start_date = `${year}-${pad2(month)}-${pad2(day ?? 1)}`;
  if (duration === null) return { ...base, start_date, start_precision: precision, end_date: null, end_precision: null };
  if (precision === 'day' || !Number.isInteger(duration)) {
    const end = new Date(Date.UTC(year, month - 1, day ?? 1) + Math.round(duration * 30.4375 - 1) * 86_400_000);
    return { ...base, start_date, start_precision: precision, end_date: end.toISOString().slice(0, 10), end_precision: precision };
  }
  // "six months from July" runs July..December: the end month is start + duration - 1.
  const end = addMonths(year, month, duration - 1);
  return { ...base, start_date, start_precision: precision, end_date: `${end.year}-${pad2(end.month)}-01`, end_precision: 'month' };
}

/** Stable id from the campaign's canonical attributes, never from row order. */
export function stableCampaignId(nameKey: string, agency: string | null, yearMonth: string | null): string {
  const key = ['campaign', nameKey, agency ?? '', yearMonth ?? ''].join('|');
  return 'cmp_' + sha256Hex(key).slice(0, 16);
}

/** A group's campaign row before ids are made unique (two groups can share a baseId), and its documents. */
export interface DraftCampaign {
  row: Omit<CampaignRow, 'campaign_id'>;
  idKey: [string, string | null, string | null];
  /** stableCampaignId(...idKey). */
  baseId: string;
  /**
   * Its id when another campaign has the same baseId: its first document breaks the tie
   * (tieBreakId). Made with the draft, so that a kept draft of a colliding campaign gives its id
   * without its row being parsed.
   */
  tieBreakId: string;
  docIds: string[];
}

/** The id of a campaign whose base id another campaign shares: its first document (by doc_id) breaks the tie. */
function tieBreakId(idKey: DraftCampaign['idKey'], firstDocId: string): string {
  return stableCampaignId(idKey[0] + '|' + firstDocId, idKey[1], idKey[2]);
}

/**
 * What a group's draft is made from: its members in merge order (mostFrequent and pickForm break
 * ties by first appearance) and each member's evidence digest. Equal keys, equal drafts.
 */
function draftKey(members: readonly DocProfile[], digestOf: (doc: LinkInput) => string): string {
  return hash('sha256', members.map((p) => `${p.doc_id}\t${digestOf(p)}`).join('\n'), 'base64');
}

/**
 * A draft the last run kept (PreviousLinking.draft): its base id at once, the rest when asked. A
 * campaign whose id does not collide needs nothing else of it, so a cache can keep the row as text
 * (the link stage keeps its table line) and parse it only for a collision or a caller that wants rows.
 */
export interface KeptDraft {
  readonly baseId: string;
  readonly tieBreakId: string;
  draft(): DraftCampaign;
}

/** A draft held in memory as a KeptDraft (a cache that parses its lines at once). */
export function keptDraft(draft: DraftCampaign): KeptDraft {
  return { baseId: draft.baseId, tieBreakId: draft.tieBreakId, draft: () => draft };
}

/** A campaign of this run: its id, its group's draftKey, and its draft (the last run's, or made now). */
export interface LinkedCampaign {
  campaign_id: string;
  key: string;
  /** The last run's draft, when the group's members and their evidence are the same; null when drafted now. */
  kept: KeptDraft | null;
  draft(): DraftCampaign;
}

/** A draft from its row and id key as a cache kept them (its docIds and baseId follow from them). */
export function draftFromParts(row: DraftCampaign['row'], idKey: DraftCampaign['idKey']): DraftCampaign {
  if (typeof row?.doc_ids !== 'string' || !Array.isArray(idKey) || idKey.length !== 3) throw new Error('draft cache: a line without its row and id key');
  const docIds = row.doc_ids.split('; ');
  return { row, idKey, baseId: stableCampaignId(...idKey), tieBreakId: tieBreakId(idKey, docIds[0]!), docIds };
}

function draftCampaign(group: DocProfile[], lex: CampaignLexicon): DraftCampaign {
  const docIds = group.map((p) => p.doc_id).sort(byText);
  // Canonical name key: the normalised proper name most documents use.
  const keyCounts = new Map<string, number>();
  for (const p of group) for (const k of p.properNames.keys()) keyCounts.set(k, (keyCounts.get(k) ?? 0) + 1);
  const nameKey = [...keyCounts.keys()].sort((a, b) => keyCounts.get(b)! - keyCounts.get(a)! || byText(a, b))[0] ?? null;
  const allProper = group.map((p) => [...p.properNames.values()].flat());
  const canonicalForm = nameKey ? pickForm(group.map((p) => p.properNames.get(nameKey) ?? []), lex) : null;
  const genericForm = pickForm(group.map((p) => (p.leadDescription ? [descriptionAsName(p.leadDescription, lex)] : [])), lex);
  const name = canonicalForm ? titleCase(canonicalForm, lex) : genericForm ? titleCase(genericForm, lex) : 'Unnamed Campaign';
  const seen = new Set([name.toLowerCase()]);
  const aliases: string[] = [];
  for (const form of allProper.flat().sort((a, b) => byText(a.toLowerCase(), b.toLowerCase()) || byText(a, b))) {
    if (seen.has(form.toLowerCase())) continue;
    seen.add(form.toLowerCase());
    aliases.push(form);
  }
  // A national campaign reported by a province or city belongs to the national agency.
  const agencyOf = (ps: readonly DocProfile[]): string | null => mostFrequent(ps.map((p) => p.agency).filter((a): a is string => a !== null));
  const agency = agencyOf(group.filter((p) => p.agencyRegion === null)) ?? agencyOf(group);
  const dates = campaignDates(group);
  const published = group.map((p) => p.published).filter((d): d is string => d !== null).sort(byText);
  const yearMonth = dates.start_date ? dates.start_date.slice(0, 7) : dates.launch_month !== null ? `????-${pad2(dates.launch_month)}` : null;
  const idName = nameKey ?? `generic:${normalizeCampaignName(genericForm ?? '', lex) ?? ''}`;
  return {
    row: {
      name,
      aliases: aliases.join('; '),
      agency,
      ...dates,
      n_documents: docIds.length,
      doc_ids: docIds.join('; '),
      first_reported: published[0] ?? null,
      last_reported: published[published.length - 1] ?? null,
    },
    idKey: [idName, agency, yearMonth],
    baseId: stableCampaignId(idName, agency, yearMonth),
    tieBreakId: tieBreakId([idName, agency, yearMonth], docIds[0]!),
    docIds,
  };
}

/**
 * Link documents that report the same campaign. Returns one row per campaign (sorted by
 * campaign_id) and each document's campaign (null when it mentions none and joins none).
 */
export function linkCampaigns(
  docs: readonly LinkInput[],
  lex: CampaignLexicon = CAMPAIGN_LEXICON_EN,
  previous: PreviousLinking | null = null,
  /**
   * The digest of a document's evidence (default: evidenceDigest, for evidence only); equal digests
   * must mean equal evidence.
   */
  digestOf?: (docId: string) => string,
): {
  campaigns: CampaignRow[];
  docCampaign: Map<string, string | null>;
  linkCache: LinkCacheUnit[];
  /** Every group's campaign and draft (by its draftKey, for the next run: PreviousLinking.draft), in group order. */
  drafts: LinkedCampaign[];
  /**
   * The collapse key of every document with a mention whose profile did not carry one, by its
   * evidence digest, for the next run (PreviousLinking.collapseKey).
   */
  collapseKeys: Map<string, CollapseKey>;
  rescoredUnits: number;
  updatedUnits: number;
  /** Units whose kept candidates changed: they met their candidates again and scored only those they had not kept. */
  recutUnits: number;
  /** How many drafts were taken from the last run. */
  reusedDrafts: number;
  /** Units whose groups were taken from the last run's clustering, not merged again (restorableComponents). */
  keptClusteringUnits: number;
} {
  keySpace = new KeySpace();
  figureBaseCache = new WeakMap();
  // Sorting by doc_id first makes every later step independent of input order. A caller that
  // passes them in that order (link.ts) is not sorted again: checking costs no comparator calls.
  const sortedDocs = isInDocIdOrder(docs) ? [...docs] : [...docs].sort((a, b) => byText(a.doc_id, b.doc_id));
  const profiles = sortedDocs.map(profileOf);
  const withMentions = profiles.filter(hasAnyMention);
  const orphans = profiles.filter((p) => !hasAnyMention(p));
  // An incremental run's key index must hold the keys the orphans will look up (their probes are
  // made again then, rather than all kept through clustering).
  const orphanBases = new Set<number>();
  if (previous) for (const o of orphans) for (const keys of orphanProbes(o).lists) for (const key of keys) orphanBases.add(keyBase(key));
  /**
   * A document's evidence, by a binary search of the documents in doc_id order: a map of all of them
   * cost a tenth of a second at 100k articles, for the few documents an incremental run asks about.
   */
  const evidenceOf = (docId: string): LinkInput | undefined => {
    const doc = sortedDocs[partitionPoint(sortedDocs, (d) => d.doc_id < docId)];
    return doc?.doc_id === docId ? doc : undefined;
  };
  /** A document's digest: the one its profile carries, else digestOf's, else that of its evidence. */
  const digest = (doc: LinkInput): string => {
    const carried = (doc as Partial<DocProfile>).digest;
    if (carried !== undefined) return carried;
    if (digestOf) return digestOf(doc.doc_id);
    const evidence = 'mentions' in doc ? doc : evidenceOf(doc.doc_id);
    if (!evidence || !('mentions' in evidence)) throw new Error(`linkCampaigns: ${doc.doc_id} comes as a profile without its digest, and no digestOf was given`);
    return evidenceDigest(evidence);
  };
  const collapseKeys = new Map<string, CollapseKey>();
  const collapseKeyOf = (p: DocProfile): CollapseKey => {
    if (p.collapseKey !== undefined) return p.collapseKey; // kept with the profile
    const d = digest(p);
    let key = collapseKeys.get(d);
    if (key === undefined) {
      const cached = previous?.collapseKey?.(d);
      collapseKeys.set(d, (key = cached === undefined ? collapseKey(p) : cached));
    }
    return key;
  };
  const { groups, index, reps, digests, candidates, rescored, updated, recut, keptUnits } = clusterProfiles(withMentions, previous, evidenceOf, digest, orphanBases, collapseKeyOf);
  // Before the orphans join: the cache keeps the clustering of the units (restorableComponents).
  const linkCache = reps.map((p, i) => ({ id: p.doc_id, ...candidates[i]!, digest: digests[i]!, next: groups.nextOf(i) }));
  attachOrphans(groups, orphans, index);
  // A group whose members (in merge order) and their evidence are the last run's has the same draft.
  let reusedDrafts = 0;
  const made = groups.groups().map(({ members }) => {
    const key = draftKey(members, digest);
    const kept = previous?.draft?.(key) ?? null;
    if (kept) reusedDrafts++;
    return { key, kept, fresh: kept ? null : draftCampaign(members, lex), members };
  });
  // Two distinct campaigns with identical attributes (e.g. year unknown) get their first document as tie-breaker.
  const idCounts = new Map<string, number>();
  for (const { kept, fresh } of made) {
    const baseId = (kept ?? fresh!).baseId;
    idCounts.set(baseId, (idCounts.get(baseId) ?? 0) + 1);
  }
  for (const p of profiles) p.campaign = null;
  const drafts = made.map(({ key, kept, fresh, members }): LinkedCampaign => {
    const ids = kept ?? fresh!;
    const campaign = new Campaign(idCounts.get(ids.baseId)! > 1 ? ids.tieBreakId : ids.baseId, key, kept, fresh);
    // A draft's documents are its group's members (a kept draft's row need not be parsed for them).
    for (const p of members) p.campaign = campaign.campaign_id;
    return campaign;
  });
  const result = withDocCampaign(
    { linkCache, drafts, collapseKeys, rescoredUnits: rescored, updatedUnits: updated, recutUnits: recut, reusedDrafts, keptClusteringUnits: keptUnits },
    profiles.map((p) => p.doc_id),
    profiles.map((p) => p.campaign ?? null),
  );
  return withCampaignRows(result, drafts);
}

/**
 * `result` with docCampaign, each document's campaign by doc_id, made when first read from the ids
 * as this call gave them (link.ts reads each profile's campaign instead: a map of 100,000 doc_ids
 * cost about 0.1 s to fill and read).
 */
function withDocCampaign<T extends object>(result: T, docIds: readonly string[], campaignIds: readonly (string | null)[]): T & { readonly docCampaign: Map<string, string | null> } {
  let map: Map<string, string | null> | null = null;
  return Object.defineProperty(result, 'docCampaign', {
    get: (): Map<string, string | null> => (map ??= new Map(docIds.map((id, i) => [id, campaignIds[i]!]))),
    enumerable: true,
  }) as T & { readonly docCampaign: Map<string, string | null> };
}

/** Are the documents in doc_id order (byText's, as linkCampaigns sorts them)? */
function isInDocIdOrder(docs: readonly LinkInput[]): boolean {
  for (let i = 1; i < docs.length; i++) if (docs[i - 1]!.doc_id > docs[i]!.doc_id) return false;
  return true;
}

/**
 * A campaign of linkCampaigns' result. A class, not an object of closures: a closure made inside
 * linkCampaigns would keep its whole scope (every profile and its figure table, the key index) alive
 * as long as the campaign, which the link stage keeps until it writes the campaigns table (at 100k
 * articles, 400 MB more at the peak of a build from scratch).
 */
class Campaign implements LinkedCampaign {
  constructor(
    readonly campaign_id: string,
    readonly key: string,
    readonly kept: KeptDraft | null,
    private readonly fresh: DraftCampaign | null,
  ) {}
  /** Bound, so that a caller may take it apart from the campaign. */
  readonly draft = (): DraftCampaign => this.fresh ?? this.kept!.draft();
}

/** `result` with its campaign rows, made when first read (outside linkCampaigns' scope, for the reason Campaign gives). */
function withCampaignRows<T extends object>(result: T, drafts: readonly LinkedCampaign[]): T & { readonly campaigns: CampaignRow[] } {
  let rows: CampaignRow[] | null = null;
  // Made when first read: the link stage writes a kept draft's row from the line it kept instead.
  return Object.defineProperty(result, 'campaigns', {
    get: (): CampaignRow[] => (rows ??= drafts.map((c) => ({ campaign_id: c.campaign_id, ...c.draft().row })).sort((a, b) => byText(a.campaign_id, b.campaign_id))),
    enumerable: true,
  }) as T & { readonly campaigns: CampaignRow[] };
}
