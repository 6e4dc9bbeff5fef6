// Article metadata from plain text: headline, publisher, authors, publication date.
// Only what the page itself shows is reported: a date comes from a dateline, a byline or a line
// marked "Updated/Published/Posted", never from the events the article narrates; a publisher comes
// from a masthead, sign-off, agency dateline, "Source:" label, comment widget or self-link.

import { ENGLISH_CLEAN_LEXICON, type CleanLexicon } from './cleanLexicon.js';
import { classifyLines } from './boilerplate.js';
import type { DocMetadata } from './types.js';
import { isPipeTableRow } from './tables.js';

/** Roles a line can play in the page's metadata; such lines are not article body. */
export type MetaRole = 'byline' | 'dateline' | 'sign-off' | 'signature' | 'front-matter';

export interface TextMetadataResult {
  metadata: DocMetadata;
  /** Index (into the given lines) of the headline, or null. */
  titleLine: number | null;
  /** Where the headline stands in its line when it is not the whole line (a front matter's `title: "..."`). */
  titleSpan?: { start: number; end: number };
  /** Lines that are bylines, datelines, sign-offs or signatures. */
  roles: Map<number, MetaRole>;
}

/** Datelines are looked for among this many non-blank lines at the top and bottom of the page. */
const DATELINE_WINDOW = 30;
/** The headline is looked for among this many article lines at the top. */
const TITLE_WINDOW = 8;
const MIN_TITLE_WORDS = 3;
const MAX_TITLE_WORDS = 30;
const MAX_TITLE_CHARS = 250;
/** A dateline holds little besides the date: at most this many other words (weekday, place, "GMT"). */
const MAX_DATELINE_EXTRA_WORDS = 4;
/** Chinese characters a date line may hold beside its date (an outlet's name, "来源", "字号 大 中 小"). */
const MAX_DATELINE_EXTRA_HAN = 12;
/** A person's name has 2-4 words, each capitalised (particles allowed). */
const MAX_NAME_WORDS = 4;
/** An outlet's name is short. */
const MAX_OUTLET_WORDS = 6;
/**
 * After an explicit "Source:" label the name may be a long official body ("X Autonomous Region
 * Public Security Department"): the label, not the shape, says it is the publisher.
 */
const MAX_LABELLED_OUTLET_WORDS = 12;
/** Wide gaps (3+ spaces) separate fields of a copied masthead line; names never contain them. */
const FIELD_GAP = /[ \t\u00a0\u3000]{3,}/u;
/** "Posted 3 March 2021" without a colon is a marker only in a short field, not in a sentence. */
const MAX_UNLABELLED_MARKER_WORDS = 12;
/** Bylines, datelines and sign-offs are short lines; longer ones are body text. */
const MAX_META_LINE_CHARS = 400;
/** Sign-offs and signatures are looked for among this many non-blank lines at the end. */
const SIGN_OFF_WINDOW = 6;

// ---------------------------------------------------------------------------------------------
// Dates

export interface FoundDate {
  iso: string;
  index: number;
  length: number;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isoDate(year: number, month: number, day: number): string | null {
  if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function monthPattern(lexicon: CleanLexicon): string {
  return Object.keys(lexicon.months)
    .sort((a, b) => b.length - a.length)
    .join('|');
}

interface DatePatterns {
  numeric: RegExp;
  cjk: RegExp;
  dayMonthYear: RegExp;
  monthDayYear: RegExp;
  gluedZoneDay: RegExp;
  slashed: RegExp;
}

const patternCache = new WeakMap<CleanLexicon, DatePatterns>();

function datePatterns(lexicon: CleanLexicon): DatePatterns {
  const cached = patternCache.get(lexicon);
  if (cached) return cached;
  const months = monthPattern(lexicon);
  const patterns: DatePatterns = {
    // 2019-11-15, 2020/7/2, 2019.11.15
    numeric: /(?<![\d.])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d])/u,
    // 2019年12月12日
    cjk: /(\d{4})\s?年\s?(\d{1,2})\s?月\s?(\d{1,2})\s?日/u,
    // 12 December 2019, 3rd March, 2021, 12 Dec. 2019
    dayMonthYear: new RegExp(`(?<![\\d])(\\d{1,2})(?:st|nd|rd|th)?\\s{1,3}(${months})\\.?,?\\s{1,3}(\\d{4})(?!\\d)`, 'iu'),
    // December 12, 2019, Dec. 12 2019
    monthDayYear: new RegExp(`\\b(${months})\\.?\\s{1,3}(\\d{1,2})(?:st|nd|rd|th)?,?\\s{1,3}(\\d{4})(?!\\d)`, 'iu'),
    // "GMT +312 December 2019": a zone offset glued to the day (+3, then 12).
    gluedZoneDay: new RegExp(`(?:GMT|UTC)\\s{0,3}[+-](\\d{3,4})\\s{1,3}(${months})\\.?,?\\s{1,3}(\\d{4})(?!\\d)`, 'iu'),
    // 15/11/2019 or 11/15/2019 — only when day and month cannot be confused.
    slashed: /(?<![\d/])(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?![\d/])/u,
  };
  patternCache.set(lexicon, patterns);
  return patterns;
}

/** The first complete date (with day, month and year) written in `text`, or null. */
export function findDate(text: string, lexicon: CleanLexicon = ENGLISH_CLEAN_LEXICON): FoundDate | null {
  // Every pattern needs a four-digit run (the year, or a zone offset glued to the day): most lines
  // have none, and this check is much cheaper than the six searches.
  if (!hasFourDigitRun(text)) return null;
  const p = datePatterns(lexicon);
  const found: FoundDate[] = [];
  const month = (name: string): number => lexicon.months[name.toLowerCase()] ?? 0;
  const push = (m: RegExpExecArray | null, iso: string | null): void => {
    if (m && iso) found.push({ iso, index: m.index, length: m[0].length });
  };

  const glued = p.gluedZoneDay.exec(text);
  if (glued) {
    const digits = glued[1]!;
    // Zone offsets have one or two digits; the day takes the last two.
    push(glued, isoDate(Number(glued[3]), month(glued[2]!), Number(digits.slice(-2))));
  }
  let m = p.numeric.exec(text);
  push(m, m ? isoDate(Number(m[1]), Number(m[3]), Number(m[4])) : null);
  m = p.cjk.exec(text);
  push(m, m ? isoDate(Number(m[1]), Number(m[2]), Number(m[3])) : null);
  if (!glued) {
    m = p.dayMonthYear.exec(text);
    push(m, m ? isoDate(Number(m[3]), month(m[2]!), Number(m[1])) : null);
  }
  m = p.monthDayYear.exec(text);
  push(m, m ? isoDate(Number(m[3]), month(m[1]!), Number(m[2])) : null);
  m = p.slashed.exec(text);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    if (a > 12 && b <= 12) push(m, isoDate(Number(m[3]), b, a));
    else if (b > 12 && a <= 12) push(m, isoDate(Number(m[3]), a, b));
  }
  found.sort((x, y) => x.index - y.index);
  return found[0] ?? null;
}

/** Whether `text` holds four ASCII digits in a row (what `\d{4}` needs under the u flag). */
export function hasFourDigitRun(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x30 && code <= 0x39) {
      if (++run === 4) return true;
    } else run = 0;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Names

function squashSpaces(s: string): string {
  return s.replace(/\s+/gu, ' ').trim();
}

function wordCount(s: string): number {
  return s.split(/\s+/u).filter(Boolean).length;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Lowercase particles allowed inside a person's name. */
const NAME_PARTICLES = new Set(['de', 'da', 'del', 'van', 'von', 'der', 'bin', 'al', 'la', 'le', 'di', 'du']);

/** "Zheng Caixiong", "Jane Doe", "Pierluigi Paganini", "Mary-Ann O'Neil" — not "Chinese Police". */
export function isPersonName(candidate: string, lexicon: CleanLexicon = ENGLISH_CLEAN_LEXICON): boolean {
  const name = candidate.trim();
  if (lexicon.nonPersonAuthors.includes(name.toLowerCase())) return false;
  // A Chinese name: a common surname and a given name, two to four characters ("李佳欣", "周航");
  // not an agency, an office or a role ("新华社", "公安厅", "宣传处", "通讯员").
  if (/^\p{Script=Han}{2,4}$/u.test(name)) return isChineseName(name);
  const parts = name.split(/\s+/u);
  if (parts.length < 2 || parts.length > MAX_NAME_WORDS) return false;
  return parts.every((w) => /^\p{Lu}[\p{L}'’.-]*$/u.test(w) || NAME_PARTICLES.has(w)) && /^\p{Lu}/u.test(parts[parts.length - 1]!);
}

/** The commonest Chinese surnames (single characters), and the compound ones. */
const CHINESE_SURNAME_CHARS = new Set([...'李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝']);
const CHINESE_COMPOUND_SURNAMES = ['欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '令狐', '慕容', '尉迟', '公孙', '长孙', '宇文', '司徒', '夏侯'];

function isChineseName(name: string): boolean {
  if (/[社网厅局处部报台站所队院委办科室组]$/u.test(name)) return false;
  return CHINESE_COMPOUND_SURNAMES.some((s) => name.startsWith(s) && name.length > s.length) || CHINESE_SURNAME_CHARS.has(name[0]!);
}

/** Names in "Aybek Askhar and Zheng Caixiong", "A, B and C", "A in Beijing". */
export function splitAuthorNames(text: string, lexicon: CleanLexicon = ENGLISH_CLEAN_LEXICON): string[] {
  const joiners = lexicon.nameJoiners.map(escapeRegExp).join('|');
  // A location or role after the names ends the list: "By Li Wei in Beijing", "By Jane Doe, Staff Reporter".
  const names = text
    .replace(/\s+(?:in|for|from|at)\s+\p{Lu}.*$/u, '')
    // Chinese names are listed with 、 or spaces: "李佳欣 周航", "李佳欣、周航".
    .split(/^[\p{Script=Han}\s、，,]+$/u.test(text.trim()) ? /[\s、，,]+/u : new RegExp(`\\s*(?:,|;|\\s(?:${joiners})\\s)\\s*`, 'iu'))
    .map((n) => n.trim().replace(/[.,;:]+$/u, ''))
    .filter((n) => n.length > 0);
  return names.filter((n) => isPersonName(n, lexicon));
}

// ---------------------------------------------------------------------------------------------
// Publishers

function isOutletName(candidate: string, maxWords = MAX_OUTLET_WORDS): boolean {
  const name = candidate.trim();
  const parts = name.split(/\s+/u);
  if (name.length < 2 || parts.length > maxWords) return false;
  return /^[\p{Lu}\d\p{Script=Han}]/u.test(name) && !/[.!?。]$/u.test(name) && !/^\d+$/u.test(name);
}

/**
 * The outlet named by a web-domain label ("pymnts" in http://www.pymnts.com/...): the outlet table
 * first, then the casing the page itself uses for the word, then a reading of the label (a label
 * without vowels is an acronym-like brand, so upper case; otherwise capitalised).
 */
export function publisherFromDomainLabel(label: string, pageText: string, lexicon: CleanLexicon = ENGLISH_CLEAN_LEXICON): string {
  const lower = label.toLowerCase();
  const known = lexicon.outletsByDomainLabel[lower];
  if (known) return known;
  const asWord = new RegExp(`(?<![\\p{L}\\d./@-])${escapeRegExp(lower)}(?![\\p{L}\\d./-])`, 'iu').exec(pageText);
  if (asWord) return asWord[0];
  if (!/[aeiou]/u.test(lower) && lower.length <= 8) return lower.toUpperCase();
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}

/** The registrable label of a host name: the one before the public suffix ("news.example.co.uk" -> "example"). */
function registrableLabel(host: string): string | null {
  const hostLabels = host.toLowerCase().replace(/^www\d?\./u, '').split('.').filter(Boolean);
  const suffixLength = hostLabels.length >= 3 && /^(co|com|org|net|gov|edu|ac)$/u.test(hostLabels[hostLabels.length - 2]!) ? 2 : 1;
  return hostLabels[hostLabels.length - 1 - suffixLength] ?? null;
}

/** Domain labels of links on the page ("pymnts" for http://www.pymnts.com/x). */
function linkDomainLabels(line: string): string[] {
  const labels: string[] = [];
  const re = /https?:\/\/([a-z0-9.-]{1,200})/giu;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const label = registrableLabel(m[1]!);
    if (label) labels.push(label);
  }
  return labels;
}

/**
 * The outlet a masthead field that is just a web address names ("chinadaily.com.cn",
 * "www.example.org/"), or null when the field is not a bare host or the host never names a publisher.
 */
function outletOfBareHost(field: string, lexicon: CleanLexicon): string | null {
  const m = /^(?:https?:\/\/)?((?:[a-z0-9-]{1,63}\.){1,4}[a-z]{2,24})\/?$/iu.exec(field.trim());
  if (!m) return null;
  const label = registrableLabel(m[1]!);
  if (!label || lexicon.nonPublisherDomainLabels.includes(label)) return null;
  // The field itself is the only text searched for the brand's casing, so a bare label is capitalised.
  return publisherFromDomainLabel(label, '', lexicon);
}

// ---------------------------------------------------------------------------------------------
// Line readers

interface LineFacts {
  authors: string[];
  publisher: string | null;
  date: string | null;
}

interface LineMatchers {
  labelStart: RegExp;
  authorLabel: RegExp;
  dateLabel: RegExp;
  sourceLabel: RegExp;
  /** "Editor:", "Edited by": names that are credited but are not bylines. */
  nonAuthorCreditLabel: RegExp;
  /** "Views:", "Hits:": counters and widgets sharing the masthead line. */
  counterLabel: RegExp;
  /** Any label the field regexes above start with: a line with no field matching it has no facts. */
  anyLabel: RegExp;
  agencyDateline: RegExp;
  social: Set<string>;
}

const lineMatcherCache = new WeakMap<CleanLexicon, LineMatchers>();

/** Regexes built once per lexicon: pages have many lines. */
function lineMatchers(lexicon: CleanLexicon): LineMatchers {
  const cached = lineMatcherCache.get(lexicon);
  if (cached) return cached;
  const labels = [...lexicon.dateMarkers, ...lexicon.sourceLabels, ...lexicon.authorLabels, ...lexicon.nonAuthorCreditLabels, ...lexicon.counterLabels]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');
  const agencies = lexicon.newsAgencies.map(escapeRegExp).join('|');
  // A credit label without a colon is only a label in its "... by" form ("Edited by X"); "Editors
  // of the paper said" is a sentence.
  const byCredits = lexicon.nonAuthorCreditLabels.filter((l) => /\sby$/iu.test(l));
  const matchers: LineMatchers = {
    // Longest label first, matched left to right, so "Release time:" is one label and not "Release" + "time:".
    labelStart: new RegExp(`(?<![\\p{L}\\d])(?:${labels})\\s*[:：]`, 'giu'),
    authorLabel: labelRegex(lexicon.authorLabels, false),
    dateLabel: labelRegex(lexicon.dateMarkers, false),
    sourceLabel: labelRegex(lexicon.sourceLabels, true),
    nonAuthorCreditLabel: new RegExp(`${labelRegex(lexicon.nonAuthorCreditLabels, true).source}|${labelRegex(byCredits, false).source}`, 'iu'),
    counterLabel: labelRegex(lexicon.counterLabels, true),
    anyLabel: labelRegex([...lexicon.authorLabels, ...lexicon.dateMarkers, ...lexicon.sourceLabels, ...lexicon.nonAuthorCreditLabels, ...lexicon.counterLabels], false),
    agencyDateline: new RegExp(`^(\\p{Lu}[\\p{Lu}\\s.'’-]{1,40})(,[^()]{0,40})?\\s*\\((${agencies})\\)\\s*[-–—]`, 'u'),
    social: new Set(lexicon.socialPlatforms),
  };
  lineMatcherCache.set(lexicon, matchers);
  return matchers;
}

/** Splits `field` before every label ("Published:", "Release time:") that follows a space. */
function splitBeforeLabels(field: string, labelStart: RegExp): string[] {
  const pieces: string[] = [];
  let from = 0;
  labelStart.lastIndex = 0;
  for (let m = labelStart.exec(field); m; m = labelStart.exec(field)) {
    if (m.index > from && /\s/u.test(field[m.index - 1]!)) {
      pieces.push(field.slice(from, m.index));
      from = m.index;
    }
  }
  pieces.push(field.slice(from));
  return pieces;
}

/** A line wrapped whole in brackets ("(Editor in charge: Li Hua)") reads as its inside. */
function unwrapBrackets(line: string): string {
  const m = /^[(（\[【]([^()（）[\]【】]{1,400})[)）\]】]$/u.exec(line);
  return m ? m[1]!.trim() : line;
}

/** Splits a masthead line into fields at " | ", at wide gaps, and before labels such as "Published:". */
function bylineFields(line: string, lexicon: CleanLexicon): string[] {
  const { labelStart } = lineMatchers(lexicon);
  return unwrapBrackets(line)
    .split(/\s+[|｜/]\s+|\s*[|｜]\s*/u)
    .flatMap((field) => field.split(FIELD_GAP))
    .flatMap((field) => splitBeforeLabels(field, labelStart))
    // Markdown emphasis around a field ("*By Jane Doe*") is styling, not part of the value.
    .map((f) => f.trim().replace(/^[*_]{1,3}(?=\S)|(?<=\S)[*_]{1,3}$/gu, '').trim())
    .filter((f) => f.length > 0);
}

function labelRegex(labels: readonly string[], requireColon: boolean): RegExp {
  const alternatives = [...labels].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|');
  // A full-width colon (：) in Chinese pages.
  return new RegExp(`^(?:${alternatives})${requireColon ? '\\s*[:：]' : '\\s*[:：]?'}\\s*`, 'iu');
}

/** Facts of a byline/masthead line ("By A and B | China Daily | Updated: 2019-11-15 08:34"), or null. */
export function readBylineLine(line: string, lexicon: CleanLexicon = ENGLISH_CLEAN_LEXICON): LineFacts | null {
  if (line.length > MAX_META_LINE_CHARS) return null;
  const { authorLabel, dateLabel, sourceLabel, nonAuthorCreditLabel, counterLabel, anyLabel } = lineMatchers(lexicon);
  const fields = bylineFields(line, lexicon);
  // Only a field that opens with a label makes the line a byline; most lines have none (prose).
  if (!fields.some((field) => anyLabel.test(field))) return null;
  const facts: LineFacts = { authors: [], publisher: null, date: null };
  let labelled = false;
  const unlabelled: string[] = [];
  for (const field of fields) {
    const authorMatch = authorLabel.exec(field);
    const dateMatch = dateLabel.exec(field);
    const sourceMatch = sourceLabel.exec(field);
    if (nonAuthorCreditLabel.test(field) || counterLabel.test(field)) {
      // Editors, translators and page counters are metadata furniture, never authors or outlets.
      labelled = true;
    } else if (sourceMatch) {
      labelled = true;
      // Page furniture after the outlet on the same line: "来源：公安部　【字体：大 中 小】".
      const name = field.slice(sourceMatch[0].length).split(/[\u3000【]|\s{2,}/u)[0]!.trim();
      const outlet = outletOfBareHost(name, lexicon) ?? (isOutletName(name, MAX_LABELLED_OUTLET_WORDS) ? name : null);
      facts.publisher ??= outlet;
    } else if (dateMatch && (/[:：]/u.test(dateMatch[0]) || (findDate(field, lexicon) && wordCount(field) <= MAX_UNLABELLED_MARKER_WORDS))) {
      labelled = true;
      facts.date ??= findDate(field, lexicon)?.iso ?? null;
      // "Posted on 3 March 2021 by Jane Doe"
      const by = /\bby\s+(.{2,80})$/iu.exec(field);
      if (by) facts.authors.push(...splitAuthorNames(by[1]!, lexicon));
    } else if (authorMatch && authorMatch[0].length < field.length) {
      // "by Xinhua writers Yang Wenming, Zhao Ruoyu": the desk before the names is not a name.
      const named = field.slice(authorMatch[0].length).replace(/^\s*(?:\p{Lu}[\p{L}.]*\s+)?(?:staff\s+)?(?:writers?|reporters?|correspondents?)\s+/u, '');
      const names = splitAuthorNames(named, lexicon);
      const isLabelWithColon = /[:：]\s*$/u.test(authorMatch[0]);
      // "By" must be followed by names; "Reporter:" is a label even for one-word names.
      if (names.length > 0 || isLabelWithColon) {
        labelled = true;
        facts.authors.push(...names);
      } else unlabelled.push(field);
    } else if (findDate(field, lexicon)) {
      facts.date ??= findDate(field, lexicon)!.iso;
      unlabelled.push('');
    } else {
      unlabelled.push(field);
    }
  }
  if (!labelled) return null;
  // In a masthead line, a short capitalised field is the outlet ("| China Daily |").
  // Names already came through the author label, so a name-like field here is the outlet too.
  // A bare web address in the line ("| example.com.cn |") names the outlet through its domain.
  // "Shreya Kulkarni & Aamir Shaikh / TNN / Updated: ...": names first in a labelled byline, when
  // they are joined as names are or an outlet follows them ("China Daily | Updated: ..." is the outlet).
  const first = unlabelled[0];
  if (first && fields[0] === first && facts.authors.length === 0 && (/\s(?:&|and)\s|,/u.test(first) || unlabelled.length > 1)) {
    const names = splitAuthorNames(first, lexicon);
    if (names.length > 0 && names.length === first.split(/\s*(?:&|\band\b|,)\s*/u).length) {
      facts.authors.push(...names);
      unlabelled.shift();
    }
  }
  for (const field of unlabelled) {
    if (!field) continue;
    const outlet = outletOfBareHost(field, lexicon) ?? (isOutletName(field) ? field : null);
    facts.publisher ??= outlet;
  }
  return facts;
}

/** A line that is essentially a date ("10:31 GMT +312 December 2019", "Nov 15, 2019 08:34"). */
function readDateOnlyLine(line: string, lexicon: CleanLexicon): string | null {
  if (line.length > MAX_META_LINE_CHARS) return null;
  const found = findDate(line, lexicon);
  if (!found) return null;
  const rest = (line.slice(0, found.index) + ' ' + line.slice(found.index + found.length))
    .replace(/\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:am|pm)?\b/giu, ' ')
    .replace(/\b(?:GMT|UTC|CST|BST|EST|EDT|PST|PDT)\b\s*(?:[+-]\d{1,4})?/gu, ' ')
    .replace(/[^\p{L}\d\s]/gu, ' ');
  // Chinese runs have no spaces: their characters are counted apart ("2023年9月5日 浙江省公安厅" is
  // a date line, "2023年9月5日，河南警方抓获犯罪嫌疑人三百余名" prose).
  // A line with a count beside its date is a sentence or a table row ("April 12, 2024: 300 dens
  // raided"); small numbers are page furniture ("Updated 2 hours ago", "5 min read").
  if (/\d{3}|\d,\d|\d\s*[万亿]/u.test(rest) || isPipeTableRow(line)) return null;
  const words = rest.split(/\s+/u).filter((w) => w.length > 0);
  const han = words.join('').match(/\p{Script=Han}/gu)?.length ?? 0;
  const extra = words.filter((w) => !/\p{Script=Han}/u.test(w));
  return extra.length <= MAX_DATELINE_EXTRA_WORDS && han <= MAX_DATELINE_EXTRA_HAN ? found.iso : null;
}

/** "BEIJING, Nov. 15 (Xinhua) --", "SHANGHAI (Reuters) -": the agency, and the date if complete. */
function readAgencyDateline(line: string, lexicon: CleanLexicon): LineFacts | null {
  const m = lineMatchers(lexicon).agencyDateline.exec(line);
  if (!m) return null;
  return { authors: [], publisher: m[3]!, date: m[2] ? (findDate(m[2], lexicon)?.iso ?? null) : null };
}

/** "(Security Affairs – Chinese underground, cybercrime)", "(Reuters)": the outlet signing off. */
function readSignOff(line: string, lexicon: CleanLexicon): string | null {
  if (line.length > MAX_META_LINE_CHARS) return null;
  const m = /^[(（]([^()（）]{2,200})[)）]$/u.exec(line);
  if (!m) return null;
  const inner = m[1]!.trim();
  const head = inner.split(/\s+[–—-]\s+/u)[0]!.trim();
  if (head !== inner || lexicon.newsAgencies.includes(inner)) {
    return isOutletName(head) && !/^(?:reporting|editing|writing)\b/iu.test(head) ? head : null;
  }
  return null;
}

/** "Comment via Sputnik" — a comment widget named after the site (not after a social network). */
function readCommentVia(line: string, lexicon: CleanLexicon): string | null {
  if (line.length > MAX_META_LINE_CHARS || !line.includes('omment')) return null;
  const { social } = lineMatchers(lexicon);
  const re = /[Cc]omments?\s+via\s+(\p{Lu}[\p{L}\d]{1,30}(?:\s\p{Lu}[\p{L}\d]{1,30}){0,2})/gu;
  for (const piece of line.split(/(?<=\p{Ll})(?=Comment)/u)) {
    re.lastIndex = 0;
    for (let m = re.exec(piece); m; m = re.exec(piece)) {
      const name = m[1]!;
      if (!social.has(name.toLowerCase())) return name;
    }
  }
  return null;
}

/** "© 2020 Global Times", "Copyright © The Foo Post. All rights reserved." */
/** "South China Morning Post Publishers Ltd" -> "South China Morning Post": the outlet, not its company. */
export function withoutCompanySuffix(name: string): string {
  return name.replace(/(?:\s+(?:publishers|publishing|publications|newspapers))?(?:,?\s+(?:ltd\.?|limited|inc\.?|llc|plc|co\.?,?\s*ltd\.?|corp\.?|corporation|gmbh|s\.a\.))+$/iu, '').trim() || name;
}

function readCopyrightHolder(line: string): string | null {
  if (line.length > MAX_META_LINE_CHARS) return null;
  // A bare "©" also marks photo credits ("© Flickr / Dennis Skley"); a notice has a year or the word.
  if (!/\bcopyright\b|\b(?:19|20)\d{2}\b/iu.test(line)) return null;
  const m = /^(?:copyright\s*)?(?:©|\(c\)|copyright)\s*(?:(?:19|20)\d{2}\s*(?:[-–]\s*(?:(?:19|20)\d{2})?\s*)?)?([^.|,]{2,60}?)(?:\.|,|\||$)/iu.exec(line);
  if (!m) return null;
  const name = withoutCompanySuffix(m[1]!.replace(/\ball rights reserved\b/iu, '').trim());
  return isOutletName(name) && !/^all\b/iu.test(name) ? name : null;
}

// ---------------------------------------------------------------------------------------------
// Headline

/** Separators of navigation lines: "News / City News / Mumbai News", "World News | Asia Pacific", "News and Events > News". */
const NAV_SEPARATOR = /\s(?:[|>/»›]|::)\s/gu;

/**
 * Page furniture above a headline in a page copied as text: a breadcrumb or section menu (two or
 * more separators, or one between short items) or an all-capital masthead ("THE TIMES OF INDIA").
 */
export function isNavigationOrMasthead(line: string): boolean {
  const items = line.split(NAV_SEPARATOR);
  // A page title "Headline | Section | Site" starts with a long item; a breadcrumb with a short one.
  if (items.length >= 3 && wordCount(items[0]!) <= 3) return true;
  if (items.length === 2 && items.every((item) => wordCount(item) <= 2)) return true;
  // ">", "»" and "›" only ever join a breadcrumb: "News and Events > News".
  if (items.length === 2 && /\s[>»›]\s/u.test(line) && items.every((item) => wordCount(item) <= 4)) return true;
  return isMasthead(line);
}

/**
 * An all-capital outlet name of a few words; a masthead has no digits and none of the genre's
 * words ("CHINA ARRESTS 300 ...", "CHINA CRACKS DOWN ON CYBERCRIME" are headlines).
 */
function isMasthead(line: string, lexicon: CleanLexicon = ENGLISH_CLEAN_LEXICON): boolean {
  const letters = line.replace(/[^\p{L}]/gu, '');
  if (!(letters.length > 0 && letters === letters.toUpperCase() && letters !== letters.toLowerCase() && wordCount(line) <= 6 && !/\d/u.test(line))) return false;
  return !headlineCueMatcher(lexicon).test(line.toLowerCase());
}

/**
 * How much a line reads like a crackdown headline: numbers (2), the genre's words (2), length (1);
 * less (-2) for a name or a menu (every word capitalised but "of", "the" ...: "Ministry of Public
 * Security of the People's Republic of China", "THAILAND WORLD POLITICS CRIME") and for a ticker
 * (more digits and signs than letters: "BTC $26,608 -0.42% ETH $1,627").
 */
function headlineEvidence(line: string, lexicon: CleanLexicon): number {
  const cue = headlineCueMatcher(lexicon).test(line.toLowerCase());
  const words = line.split(/\s+/u).filter(Boolean);
  const nameLike = !/\d/u.test(line) && isNameLike(words);
  // A Title Case headline has the genre's words and a few words; a name has none, a menu many, or capitals only, or "&".
  const allCapitals = line === line.toUpperCase() && line !== line.toLowerCase();
  const nameOrMenu = nameLike && (!cue || allCapitals || words.length >= 8 || /[&|]/u.test(line));
  const letters = line.replace(/[^\p{L}]/gu, '').length;
  const ticker = letters * 2 < line.replace(/\s/gu, '').length;
  return (/\d/u.test(line) ? 2 : 0) + (cue ? 2 : 0) + (wordCount(line) >= 6 ? 1 : 0) - (nameOrMenu || ticker ? 2 : 0);
}

/** "MENU", "SKIP TO CONTENT", "WORLD NEWS": a widget or section names, not an outlet's masthead. */
function isFurniture(line: string, lexicon: CleanLexicon): boolean {
  const lower = line.toLowerCase();
  return lexicon.widgetPhrases.includes(lower) || lexicon.sectionWords.includes(lower) || lower.split(/\s+/u).every((w) => lexicon.sectionWords.includes(w));
}

/** Every word capitalised but the few an organisation's name or a menu holds in lower case. */
function isNameLike(words: readonly string[]): boolean {
  return words.every((w) => /^[^\p{Ll}]/u.test(w) || NAME_FUNCTION_WORDS.has(w));
}

/** A line that is only a name: capitalised words (no digits, at most five), not a section's name. */
function isOutletNameLine(line: string, lexicon: CleanLexicon): boolean {
  const words = line.split(/\s+/u).filter(Boolean);
  if (words.length === 0 || words.length > 5 || /\d/u.test(line) || !isOutletName(line) || !isNameLike(words)) return false;
  // (Not looked up in the gazetteer: cleaning does not load it. A section named after a place is
  // only taken when the page shows no outlet anywhere else.)
  const lower = line.toLowerCase();
  if (headlineCueMatcher(lexicon).test(lower)) return false; // a headline in Title Case or capitals
  if (lexicon.authorLabels.some((label) => lower.startsWith(`${label} `))) return false; // "By Jane Doe"
  return !lexicon.sectionWords.includes(lower) && !lexicon.widgetPhrases.includes(lower);
}

/** Words an organisation's name or a menu may hold in lower case. */
const NAME_FUNCTION_WORDS: ReadonlySet<string> = new Set(['of', 'the', 'and', 'for', 'on', 'in', 'at', 'to', 'a', 'de', 'du', 'des', 'la', 'le', 'y', 'e', 'und']);

const headlineCueMatchers = new WeakMap<CleanLexicon, RegExp>();

/** One expression for the lexicon's headline cues: a Latin stem starts a word; a CJK one stands anywhere. */
function headlineCueMatcher(lexicon: CleanLexicon): RegExp {
  let matcher = headlineCueMatchers.get(lexicon);
  if (!matcher) {
    const latin = lexicon.headlineCueStems.filter((stem) => /^[a-z]/u.test(stem)).map(escapeRegExp);
    const other = lexicon.headlineCueStems.filter((stem) => !/^[a-z]/u.test(stem)).map(escapeRegExp);
    const parts = [...(latin.length ? [`\\b(?:${latin.join('|')})`] : []), ...(other.length ? [`(?:${other.join('|')})`] : [])];
    matcher = new RegExp(parts.length ? parts.join('|') : '(?!)', 'u');
    headlineCueMatchers.set(lexicon, matcher);
  }
  return matcher;
}

function isHeadlineLike(line: string): boolean {
  if (line.length > MAX_TITLE_CHARS) return false;
  // A date on its own ("Friday, August 23, 2024") below a long menu, out of the dateline window.
  if (readDateOnlyLine(line, ENGLISH_CLEAN_LEXICON) !== null) return false;
  // Chinese runs have no spaces: two characters count as a word.
  const han = line.match(/\p{Script=Han}/gu)?.length ?? 0;
  const n = line.replace(/\p{Script=Han}+/gu, ' ').split(/\s+/u).filter(Boolean).length + Math.ceil(han / 2);
  if (n < MIN_TITLE_WORDS || n > MAX_TITLE_WORDS || line.length > MAX_TITLE_CHARS) return false;
  if (/^[(\[]/u.test(line)) return false;
  // A line starting in lower case goes on from the one before ("and Other Cybercrimes in ...").
  if (/^\p{Ll}/u.test(line)) return false;
  if (isNavigationOrMasthead(line)) return false;
  // A headline has no final full stop ("... Arrests", "... 'Clean Up the Internet'", "... op “X”").
  return !/[.。:;,]$/u.test(line);
}

/**
 * The headline without Markdown markup: heading marks ("# ", closing " ##"), strong/emphasis
 * markers and link/image syntax ("[text](url)" -> "text"). Plain headlines pass through unchanged.
 * Every pattern is bounded, so a hostile line cannot make it backtrack.
 */
export function plainHeadline(line: string): string {
  const plain = line
    .replace(/^(?:subject|headline|title)\s*:\s*/iu, '')
    .replace(/^【([^【】]{1,300})】$/u, '$1')
    .replace(/^#{1,6}[ \t]+/u, '')
    .replace(/[ \t]+#{1,6}$/u, '')
    .replace(/!?\[([^[\]\n]{0,500})\]\([^()\s]{0,2000}(?:[ \t]{1,10}"[^"\n]{0,200}")?\)/gu, '$1')
    .replace(/\*\*|__/gu, '')
    // Single-character emphasis only when it wraps words: "*Operation X*", not "5*3".
    .replace(/(?<![\p{L}\d*])[*_](?=\S)([^*_\n]{1,500}?)(?<=\S)[*_](?![\p{L}\d*])/gu, '$1');
  return squashSpaces(plain);
}

// ---------------------------------------------------------------------------------------------
// The whole page

function nonBlankIndices(lines: readonly string[]): number[] {
  const out: number[] = [];
  lines.forEach((l, i) => {
    if (l.length > 0) out.push(i);
  });
  return out;
}

/** The keys of a front matter block (Jekyll, Hugo, Pandoc) that hold the post's metadata. */
const FRONT_MATTER_KEYS = { title: ['title'], authors: ['author', 'authors', 'byline'], date: ['date', 'published', 'pubdate', 'publishdate'], publisher: ['publisher', 'site', 'source'] } as const;

interface FrontMatter {
  /** The block's lines (fences included). */
  lines: number[];
  title?: { line: number; start: number; end: number };
  authors: string[];
  date: string | null;
  publisher: string | null;
}

/**
 * A YAML front matter block ("---" lines around `key: value` lines) opening a Markdown post: its
 * title, authors, date and publisher. Only flat keys are read (no YAML parser is needed for them);
 * a list value ("[A, B]") gives several authors.
 */
function readFrontMatter(lines: readonly string[], nonBlank: readonly number[], lexicon: CleanLexicon): FrontMatter | null {
  const open = nonBlank[0];
  if (open === undefined || lines[open] !== '---') return null;
  const close = nonBlank.slice(1, 60).find((i) => lines[i] === '---' || lines[i] === '...');
  if (close === undefined) return null;
  // Only YAML: every line a `key:`, a `- item` or an indented continuation, one of them a known key
  // (a text that merely opens with a "---" rule is an article).
  const inner = nonBlank.filter((i) => i > open && i < close).map((i) => lines[i]!);
  const known = Object.values(FRONT_MATTER_KEYS).flat() as string[];
  if (inner.length === 0 || !inner.every((l) => /^(?:[A-Za-z_-]{1,20}:(?:\s|$)|-\s)/u.test(l))) return null;
  if (!inner.some((l) => known.includes(l.slice(0, l.indexOf(':')).toLowerCase()))) return null;
  const block: FrontMatter = { lines: nonBlank.filter((i) => i >= open && i <= close), authors: [], date: null, publisher: null };
  for (let i = open + 1; i < close; i++) {
    const field = /^([A-Za-z_-]{1,20}):[ \t]*(.*)$/u.exec(lines[i]!);
    if (!field) continue;
    const key = field[1]!.toLowerCase();
    const raw = field[2]!;
    const quoted = /^(["'])(.*)\1$/u.exec(raw);
    const value = quoted ? quoted[2]! : raw.trim();
    if (!value || value === '>' || value === '|') continue; // empty, or a block value on the next lines
    if ((FRONT_MATTER_KEYS.title as readonly string[]).includes(key)) {
      const start = lines[i]!.length - raw.length + (quoted ? 1 : 0);
      block.title = { line: i, start, end: start + value.length };
    } else if ((FRONT_MATTER_KEYS.authors as readonly string[]).includes(key)) {
      const items = /^\[(.*)\]$/u.exec(value)?.[1]?.split(',') ?? [value];
      for (const item of items) block.authors.push(...splitAuthorNames(item.trim().replace(/^(["'])(.*)\1$/u, '$2'), lexicon));
    } else if ((FRONT_MATTER_KEYS.date as readonly string[]).includes(key)) {
      block.date ??= findDate(value, lexicon)?.iso ?? null;
    } else if ((FRONT_MATTER_KEYS.publisher as readonly string[]).includes(key)) {
      block.publisher ??= value;
    }
  }
  return block;
}

/**
 * Metadata of a plain-text page. `lines` are the page's trimmed lines; `kept[i]` says whether the
 * boilerplate filter kept line i as article text (dropped furniture still shows the publisher).
 */
export function extractTextMetadata(
  lines: readonly string[],
  kept: readonly boolean[],
  lexicon: CleanLexicon = ENGLISH_CLEAN_LEXICON,
): TextMetadataResult {
  const roles = new Map<number, MetaRole>();
  const authors: string[] = [];
  const publishers: { name: string; rank: number }[] = [];
  let date: string | null = null;
  const nonBlank = nonBlankIndices(lines);
  const top = new Set(nonBlank.slice(0, DATELINE_WINDOW));
  const bottom = new Set(nonBlank.slice(-DATELINE_WINDOW));
  const addPublisher = (name: string | null, rank: number): void => {
    if (name) publishers.push({ name, rank });
  };

  const frontMatter = readFrontMatter(lines, nonBlank, lexicon);
  if (frontMatter) {
    for (const i of frontMatter.lines) if (i !== frontMatter.title?.line) roles.set(i, 'front-matter');
    authors.push(...frontMatter.authors);
    addPublisher(frontMatter.publisher, 0);
    date = frontMatter.date;
  }

  let pageText: string | null = null;
  // A masthead on the page's first line is the page's own outlet ("THE TIMES OF INDIA",
  // "INTERPOL"): before a byline's wire service ("TNN", "Xinhua") that the page carries.
  const firstLine = nonBlank[0] === undefined ? '' : lines[nonBlank[0]]!;
  // (isMasthead already refuses a line with the genre's words: "CHINA CRACKS DOWN ON CYBERCRIME".)
  if (!frontMatter && isMasthead(firstLine) && isOutletName(firstLine) && !isFurniture(firstLine, lexicon)) addPublisher(firstLine, -1);
  // Failing all else, a name on one of the page's first two lines ("Bangkok Post", "Cointelegraph").
  if (!frontMatter) for (const i of nonBlank.slice(0, 2)) if (isOutletNameLine(lines[i]!, lexicon)) addPublisher(lines[i]!, 7);
  for (const i of nonBlank) {
    if (frontMatter?.lines.includes(i)) continue;
    // "**Vivian Loh** in Beijing": a Markdown byline, the name in bold.
    const boldByline = top.has(i) ? /^\*\*([^*]{3,60})\*\*\s+(?:in|from)\s+\p{Lu}[\p{L} ]{1,30}$/u.exec(lines[i]!) : null;
    if (boldByline && isPersonName(boldByline[1]!.trim(), lexicon)) {
      roles.set(i, 'byline');
      authors.push(boldByline[1]!.trim());
      continue;
    }
    const line = lines[i]!;
    const byline = readBylineLine(line, lexicon);
    if (byline && (top.has(i) || bottom.has(i) || byline.authors.length > 0 || byline.date)) {
      roles.set(i, 'byline');
      authors.push(...byline.authors);
      addPublisher(byline.publisher, 0);
      date ??= byline.date;
      continue;
    }
    if (top.has(i) || bottom.has(i)) {
      const agency = readAgencyDateline(line, lexicon);
      if (agency && top.has(i)) {
        addPublisher(agency.publisher, 2);
        date ??= agency.date;
        continue;
      }
      const dateOnly = readDateOnlyLine(line, lexicon);
      if (dateOnly) {
        roles.set(i, 'dateline');
        date ??= dateOnly;
        continue;
      }
    }
    addPublisher(readCommentVia(line, lexicon), 3);
    if (!kept[i]) {
      addPublisher(readCopyrightHolder(line), 4);
      for (const label of linkDomainLabels(line)) {
        if (!lexicon.nonPublisherDomainLabels.includes(label)) addPublisher(publisherFromDomainLabel(label, (pageText ??= lines.join('\n')), lexicon), 5);
      }
    }
  }

  // Sign-off "(Outlet – tags)" at the end, and the author's signature line just above it.
  for (const i of nonBlank.slice(-SIGN_OFF_WINDOW)) {
    const outlet = readSignOff(lines[i]!, lexicon);
    if (!outlet) continue;
    roles.set(i, 'sign-off');
    addPublisher(outlet, 1);
    const above = nonBlank[nonBlank.indexOf(i) - 1];
    if (above !== undefined && !roles.has(above) && isPersonName(lines[above]!, lexicon)) {
      roles.set(above, 'signature');
      authors.push(lines[above]!);
    }
  }

  publishers.sort((a, b) => a.rank - b.rank);
  let titleLine: number | null = frontMatter?.title?.line ?? null;
  const titleSpan = frontMatter?.title ? { start: frontMatter.title.start, end: frontMatter.title.end } : undefined;
  const articleLines = titleLine !== null ? [] : nonBlank.filter((i) => kept[i] && !roles.has(i)).slice(0, TITLE_WINDOW);
  // The outlet's name on a line of its own ("Hunan Provincial Public Security Department") is not the headline.
  const outletName = publishers[0]?.name.toLowerCase();
  const candidates = articleLines.filter((i) => isHeadlineLike(lines[i]!) && lines[i]!.toLowerCase() !== outletName);
  // Above a headline a page copied as text may show a tagline ("The World's Window on Thailand"), a
  // menu or its own name: the first line with nearly the best evidence of a headline is the headline.
  const evidence = candidates.map((i) => headlineEvidence(lines[i]!, lexicon));
  const best = Math.max(-Infinity, ...evidence);
  // A short headline with the genre's words but no number ("Thai police bust gambling ring", 2) is
  // enough: a standfirst or caption below it with numbers scores more but comes second.
  const first = candidates.find((_, k) => evidence[k]! >= Math.min(best - 2, 2));
  if (first !== undefined && titleLine === null) titleLine = first;

  return {
    metadata: {
      title: titleLine === null ? null : plainHeadline(titleSpan ? lines[titleLine]!.slice(titleSpan.start, titleSpan.end) : lines[titleLine]!) || null,
      publisher: publishers[0] ? squashSpaces(publishers[0].name) : null,
      // Pages glue names with no-break spaces; a name is the same name with plain spaces.
      authors: [...new Set(authors.map(squashSpaces))],
      published_date: date,
    },
    titleLine,
    ...(titleSpan ? { titleSpan } : {}),
    roles,
  };
}

/** Metadata of a plain-text article (runs the boilerplate filter first). */
export function extractMetadata(text: string, lexicon: CleanLexicon = ENGLISH_CLEAN_LEXICON): DocMetadata {
  const lines = text.split(/\r\n|\r|\n/u).map((l) => l.trim());
  const verdicts = classifyLines(lines, lexicon);
  return extractTextMetadata(lines, verdicts.map((v) => v.keep), lexicon).metadata;
}

/** Lines searched around the headline of a web page for its byline (many pages put it just above or below). */
const HEADLINE_AREA_BEFORE = 3;
const HEADLINE_AREA_AFTER = 8;

/**
 * Metadata shown beside the headline of a web page ("By A | example.com | Updated: ..."), read from
 * ALL the page's lines. Article extraction drops the <header> that holds the headline and byline as
 * page furniture, yet the byline is the page's own statement of author, outlet and date.
 * `headlineIndex` is the headline's index in `pageLines`.
 */
export function extractHeadlineAreaMetadata(
  pageLines: readonly string[],
  headlineIndex: number,
  lexicon: CleanLexicon = ENGLISH_CLEAN_LEXICON,
): Omit<DocMetadata, 'title'> {
  const from = Math.max(0, headlineIndex - HEADLINE_AREA_BEFORE);
  const area = pageLines.slice(from, headlineIndex + 1 + HEADLINE_AREA_AFTER).map((l) => l.trim());
  const verdicts = classifyLines(area, lexicon);
  const { publisher, authors, published_date } = extractTextMetadata(area, verdicts.map((v) => v.keep), lexicon).metadata;
  return { publisher, authors, published_date };
}
