// A deterministic synthetic corpus of crackdown reporting for the benchmark (issue #7).
// Every article is assembled from sentence templates in several outlet styles (wire copy, state
// media, blog, translated ministry statement, headline brief, photo captions), with numbers written
// as digits, with separators, as number words and as "1.2 million", qualifiers, Chinese provinces
// and cities, campaign names and money. About one article in ten is an HTML page with navigation
// and a footer. The same (seed, index, revision) always gives the same bytes: each article has its
// own PRNG stream, so article i does not depend on how many articles come before it.
//
//   tsx bench/generate.ts --n 2000 --out out/bench/corpus-2000 [--seed 7]
import fs from 'node:fs';
import path from 'node:path';

/** mulberry32: a tiny, fast, well-mixed 32-bit PRNG; plenty for choosing templates. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes the corpus seed, the article index and its revision into one independent stream seed. */
function streamSeed(seed: number, index: number, revision: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35) ^ Math.imul(revision + 1, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

class Picker {
  constructor(private readonly random: () => number) {}
  float(): number {
    return this.random();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  /** A few distinct items in a stable random order. */
  some<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const chosen: T[] = [];
    while (chosen.length < count && pool.length) chosen.push(pool.splice(Math.floor(this.random() * pool.length), 1)[0]!);
    return chosen;
  }
}

// ---- Vocabulary tables (English; the genre, not any particular article) ----

const PLACES: readonly { province: string; cities: readonly string[] }[] = [
  { province: 'Guangdong', cities: ['Guangzhou', 'Shenzhen', 'Dongguan', 'Foshan', 'Shantou'] },
  { province: 'Zhejiang', cities: ['Hangzhou', 'Ningbo', 'Wenzhou', 'Jinhua'] },
  { province: 'Jiangsu', cities: ['Nanjing', 'Suzhou', 'Wuxi', 'Xuzhou'] },
  { province: 'Fujian', cities: ['Fuzhou', 'Xiamen', 'Quanzhou'] },
  { province: 'Sichuan', cities: ['Chengdu', 'Mianyang', 'Yibin'] },
  { province: 'Hubei', cities: ['Wuhan', 'Yichang', 'Xiangyang'] },
  { province: 'Hunan', cities: ['Changsha', 'Zhuzhou', 'Yueyang'] },
  { province: 'Henan', cities: ['Zhengzhou', 'Luoyang', 'Kaifeng'] },
  { province: 'Shandong', cities: ['Jinan', 'Qingdao', 'Yantai', 'Weifang'] },
  { province: 'Yunnan', cities: ['Kunming', 'Dali', 'Xishuangbanna'] },
  { province: 'Guangxi', cities: ['Nanning', 'Guilin', 'Liuzhou'] },
  { province: 'Hebei', cities: ['Shijiazhuang', 'Tangshan', 'Baoding'] },
  { province: 'Anhui', cities: ['Hefei', 'Wuhu', 'Bengbu'] },
  { province: 'Jiangxi', cities: ['Nanchang', 'Ganzhou', 'Jiujiang'] },
  { province: 'Liaoning', cities: ['Shenyang', 'Dalian', 'Anshan'] },
  { province: 'Shaanxi', cities: ["Xi'an", 'Baoji', 'Xianyang'] },
  { province: 'Heilongjiang', cities: ['Harbin', 'Qiqihar', 'Daqing'] },
  { province: 'Hainan', cities: ['Haikou', 'Sanya'] },
];
const MUNICIPALITIES = ['Beijing', 'Shanghai', 'Tianjin', 'Chongqing'] as const;

const CAMPAIGNS = [
  { name: 'Clean Network', kind: 'campaign' },
  { name: 'Net Sword', kind: 'operation' },
  { name: 'Kunlun', kind: 'operation' },
  { name: 'Cloud Sword', kind: 'operation' },
  { name: 'Summer Thunder', kind: 'campaign' },
  { name: 'Broken Chain', kind: 'operation' },
  { name: 'Card Breaking', kind: 'action' },
  { name: 'Qinglang', kind: 'campaign' },
  { name: 'Sky Net', kind: 'operation' },
  { name: 'Fox Hunt', kind: 'operation' },
] as const;

const AGENCIES = [
  'the Ministry of Public Security',
  'the Cyberspace Administration of China',
  'the Supreme People\'s Procuratorate',
  'the provincial public security department',
  'the municipal public security bureau',
  'the Ministry of Industry and Information Technology',
] as const;

interface Measure {
  /** Singular and plural noun for the counted thing. */
  noun: readonly [string, string];
  /** Sentence verbs for "police <verb> N <noun>" and the passive "N <noun> were <passive>". */
  verb: readonly string[];
  passive: readonly string[];
  /** Plausible order of magnitude. */
  min: number;
  max: number;
}

const MEASURES: readonly Measure[] = [
  { noun: ['suspect', 'suspects'], verb: ['arrested', 'detained', 'apprehended', 'caught'], passive: ['arrested', 'detained', 'taken into custody'], min: 3, max: 80_000 },
  { noun: ['case', 'cases'], verb: ['solved', 'cracked', 'investigated', 'handled'], passive: ['solved', 'cracked', 'investigated'], min: 2, max: 60_000 },
  { noun: ['criminal gang', 'criminal gangs'], verb: ['dismantled', 'busted', 'smashed', 'broke up'], passive: ['dismantled', 'broken up', 'smashed'], min: 1, max: 3_000 },
  { noun: ['website', 'websites'], verb: ['shut down', 'closed', 'took down'], passive: ['shut down', 'closed', 'taken offline'], min: 5, max: 120_000 },
  { noun: ['app', 'apps'], verb: ['removed', 'took down', 'blocked'], passive: ['removed from app stores', 'taken down'], min: 5, max: 20_000 },
  { noun: ['account', 'accounts'], verb: ['closed', 'banned', 'blocked', 'suspended'], passive: ['closed', 'banned', 'suspended'], min: 10, max: 2_000_000 },
  { noun: ['phone card', 'phone cards'], verb: ['seized', 'confiscated'], passive: ['seized', 'confiscated'], min: 20, max: 900_000 },
  { noun: ['bank card', 'bank cards'], verb: ['seized', 'froze', 'confiscated'], passive: ['seized', 'frozen'], min: 20, max: 500_000 },
];

const QUALIFIERS = ['', '', '', 'more than ', 'over ', 'nearly ', 'about ', 'at least ', 'almost ', 'some ', 'up to ', 'around '] as const;
const ONES = ['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const CRIMES = ['telecom fraud', 'online gambling', 'personal data theft', 'hacking', 'phishing', 'money laundering through cryptocurrency', 'online loan scams', 'fake investment platforms', 'the illegal sale of SIM cards', 'pornographic live-streaming'];
const OUTLETS = {
  wire: ['Reuters', 'Agence France-Presse', 'Associated Press', 'Kyodo'],
  state: ['Xinhua', 'China Daily', 'Global Times', 'CGTN', "People's Daily"],
  blog: ['Security Affairs', 'The Cyber Desk', 'Threat Post Weekly', 'Asia Tech Watch'],
  statement: ['Ministry of Public Security', 'Cyberspace Administration of China', 'Supreme People\'s Procuratorate'],
} as const;
const AUTHORS = ['Li Wei', 'Zhang Min', 'Wang Fang', 'Chen Jie', 'Liu Yang', 'Sarah Miller', 'James Carter', 'Yuki Tanaka', 'Anna Schmidt', 'Pierluigi R.'];
const FILLER = [
  'The authorities did not say over what period the arrests were made.',
  'Officials described the campaign as part of a broader effort to protect citizens from online harm.',
  'Analysts say such figures are difficult to verify independently.',
  'The ministry urged the public to report suspicious calls and messages.',
  'Many of the victims were elderly people and students, according to investigators.',
  'Several of the schemes were run from abroad, the statement said.',
  'Police said the operation would continue until the end of the year.',
  'Courts have already sentenced some of those involved.',
  'The crackdown comes amid growing public anger over scam calls.',
  'Local media reported that banks had been asked to tighten checks on new accounts.',
  'Investigators traced the money through dozens of shell companies and payment platforms before freezing the accounts.',
  'The gangs recruited young people online with promises of easy money, then used their identity documents to open accounts.',
  'Experts warned that fraudsters quickly adapt their scripts to news events, posing as couriers, customs officers or customer service staff.',
  'A spokesperson said cooperation with telecom operators and internet platforms had made it harder to open accounts under false names.',
  'The campaign also targeted the technical support behind the schemes, including the people who build fake apps and rent out servers.',
  'Under the anti-telecom fraud law, people who sell or rent out phone cards and bank accounts can face fines and detention.',
  'Some suspects were returned from neighbouring countries under cooperation agreements with local police.',
  'Residents were encouraged to install the national anti-fraud app, which warns users about known scam numbers.',
  'The statement did not give a breakdown by province, and it was unclear how many of the cases had gone to trial.',
  'Observers noted that similar campaigns are announced every year, often with larger figures than the year before.',
];

// ---- Number writing ----

function numberWords(value: number): string {
  if (value < 20) return ONES[value]!;
  if (value < 100) return TENS[Math.floor(value / 10)]! + (value % 10 ? `-${ONES[value % 10]}` : '');
  if (value < 1000) return `${ONES[Math.floor(value / 100)]} hundred${value % 100 ? ` and ${numberWords(value % 100)}` : ''}`;
  return `${numberWords(Math.floor(value / 1000))} thousand${value % 1000 ? ` ${numberWords(value % 1000)}` : ''}`;
}

function withSeparators(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A count written the many ways reporters write one. */
function writeCount(pick: Picker, value: number): string {
  const style = pick.int(0, 9);
  if (value < 100 && style < 3) return numberWords(value);
  if (value >= 1_000_000 && style < 6) return `${(value / 1_000_000).toFixed(1).replace(/\.0$/, '')} million`;
  if (value >= 10_000 && value % 1000 === 0 && style < 2) return `${numberWords(value / 1000)} thousand`;
  if (style < 8) return withSeparators(value);
  return String(value);
}

/** Round numbers are far more common in crackdown reports than exact ones. */
function plausibleValue(pick: Picker, min: number, max: number): number {
  const raw = Math.floor(Math.exp(Math.log(min) + pick.float() * (Math.log(max) - Math.log(min))));
  if (raw >= 1000 && pick.chance(0.6)) return Math.round(raw / 100) * 100;
  return Math.max(min, raw);
}

function money(pick: Picker): string {
  const amount = pick.int(1, 999) * (pick.chance(0.5) ? 100_000 : 1_000_000);
  const style = pick.int(0, 3);
  if (style === 0) return `${(amount / 1e9).toFixed(2)} billion yuan`;
  if (style === 1) return `${withSeparators(amount)} yuan`;
  if (style === 2) return `${(amount / 1e6).toFixed(1)} million yuan (about $${(amount / 7.1e6).toFixed(1)} million)`;
  return `RMB ${(amount / 1e6).toFixed(0)} million`;
}

// ---- Sentence templates ----

interface Context {
  pick: Picker;
  campaign: (typeof CAMPAIGNS)[number];
  place: { province: string; city: string };
  agency: string;
  year: number;
  month: string;
}

function campaignName(c: Context): string {
  const { name, kind } = c.campaign;
  return c.pick.pick([`the "${name}" ${kind}`, `the ${name} ${kind}`, `a ${kind} code-named ${name}`, `${kind === 'operation' ? 'Operation ' : ''}${name}${kind === 'operation' ? '' : ` ${kind}`}`, `the ${c.year} ${name} special ${kind}`]);
}

function figureSentence(c: Context, measure: Measure): string {
  const { pick } = c;
  const value = plausibleValue(pick, measure.min, measure.max);
  const qualifier = pick.pick(QUALIFIERS);
  const count = `${qualifier}${writeCount(pick, value)}`;
  const noun = value === 1 ? measure.noun[0] : measure.noun[1];
  const where = pick.pick([`in ${c.place.city}`, `across ${c.place.province} province`, `in ${c.place.city}, ${c.place.province}`, 'nationwide', `in ${pick.pick(MUNICIPALITIES)}`, '']);
  const templates = [
    () => `Police ${pick.pick(measure.verb)} ${count} ${noun} ${where} during ${campaignName(c)}.`,
    () => `${cap(count)} ${noun} were ${pick.pick(measure.passive)} ${where}, ${c.agency} said.`,
    () => `According to ${c.agency}, ${count} ${noun} have been ${pick.pick(measure.passive)} since ${c.month}.`,
    () => `In ${c.place.city}, officers ${pick.pick(measure.verb)} ${count} ${noun} linked to ${pick.pick(CRIMES)}.`,
    () => `The ${c.campaign.kind} has so far ${pick.pick(measure.verb)} ${count} ${noun}, involving ${money(pick)}.`,
    () => `Public security organs ${where} ${pick.pick(measure.verb)} ${count} ${noun} and recovered ${money(pick)} in losses.`,
    () => `A total of ${count} ${noun} were ${pick.pick(measure.passive)} in the first ${numberWords(pick.int(2, 11))} months of ${c.year}.`,
  ];
  return pick.pick(templates)().replace(/\s+([,.])/g, '$1').replace(/ {2,}/g, ' ');
}

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function headline(c: Context, measure: Measure): string {
  const value = plausibleValue(c.pick, measure.min, measure.max);
  return c.pick.pick([
    `China ${measure.verb[0]} ${withSeparators(value)} ${measure.noun[1]} in ${c.campaign.name} crackdown`,
    `${c.place.province} police bust ${pick2(c)} ${c.pick.pick(CRIMES)} ring`,
    `${withSeparators(value)} ${measure.noun[1]} ${measure.passive[0]} as ${c.campaign.name} ${c.campaign.kind} widens`,
    `Crackdown on ${c.pick.pick(CRIMES)}: ${c.agency.replace(/^the /, '')} reports results`,
  ]);
}

function pick2(c: Context): string {
  return c.pick.pick(['major', 'cross-border', 'multi-million-yuan', 'online', 'large']);
}

function dateline(c: Context, day: number): string {
  return c.pick.pick([`${c.month} ${day}, ${c.year}`, `${day} ${c.month} ${c.year}`, `${c.year}-${String(MONTHS.indexOf(c.month) + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`]);
}

type Style = 'wire' | 'state' | 'blog' | 'statement' | 'brief' | 'captions';
const STYLES: readonly Style[] = ['wire', 'wire', 'state', 'state', 'blog', 'statement', 'brief', 'captions'];

function body(c: Context, style: Style): { title: string; paragraphs: string[]; byline: string[] } {
  const { pick } = c;
  const measures = pick.some(MEASURES, pick.int(2, 6));
  const title = headline(c, measures[0]!);
  const day = pick.int(1, 28);
  const figures = () => measures.map((m) => figureSentence(c, m));
  // Background paragraphs of two or three sentences: real articles are mostly words around few figures.
  const filler = (k: number) => Array.from({ length: k }, () => pick.some(FILLER, pick.int(2, 3)).join(' '));
  switch (style) {
    case 'wire': {
      const outlet = pick.pick(OUTLETS.wire);
      return {
        title,
        byline: [`By ${pick.pick(AUTHORS)}`, `BEIJING, ${dateline(c, day)} (${outlet}) -`],
        paragraphs: [...figures().map((s, i) => (i % 2 ? `${s} ${pick.pick(FILLER)}` : s)), ...filler(pick.int(3, 6)), `Reporting by ${pick.pick(AUTHORS)}; editing by ${pick.pick(AUTHORS)}`],
      };
    }
    case 'state': {
      const outlet = pick.pick(OUTLETS.state);
      return {
        title,
        byline: [`Source: ${outlet} | Updated: ${dateline(c, day)}`],
        paragraphs: [`${c.place.city.toUpperCase()}, ${c.month} ${day} (${outlet}) -- ${figureSentence(c, measures[0]!)}`, ...figures().slice(1), `The ${c.campaign.name} ${c.campaign.kind} was launched by ${c.agency} in ${c.month} ${c.year}.`, ...filler(pick.int(2, 5))],
      };
    }
    case 'blog':
      return {
        title,
        byline: [`Posted on ${dateline(c, day)} by ${pick.pick(AUTHORS)}`, `${pick.pick(OUTLETS.blog)}`],
        paragraphs: [`Chinese authorities are at it again. ${figures()[0]}`, ...filler(pick.int(3, 6)).map((f, i) => `${f} ${figures()[i % measures.length]}`), 'Share this: Twitter | Facebook | LinkedIn'],
      };
    case 'statement':
      return {
        title: `Statement of ${pick.pick(OUTLETS.statement)} on the results of ${campaignName(c)}`,
        byline: [`(Translated from Chinese) ${dateline(c, day)}`],
        paragraphs: [
          `In accordance with the unified deployment, public security organs across the country carried out ${campaignName(c)} against ${pick.pick(CRIMES)}.`,
          ...figures().map((s, i) => `${ONES[i + 1] ? cap(ONES[i + 1]!) : String(i + 1)}. ${s}`),
          ...filler(pick.int(1, 3)),
          'Next step, the public security organs will continue to maintain a high-pressure posture and resolutely curb the spread of such crimes.',
        ],
      };
    case 'brief':
      return { title, byline: [dateline(c, day)], paragraphs: [figures()[0]!, ...filler(1)] };
    case 'captions':
      return {
        title,
        byline: [`Photos: ${pick.pick(OUTLETS.state)} | ${dateline(c, day)}`],
        paragraphs: [
          ...figures().map((s, i) => `Photo ${i + 1}/${measures.length}: Police officers in ${c.place.city} display seized items. ${s}`),
          `(Photo taken on ${c.month} ${day}, ${c.year} / ${pick.pick(AUTHORS)})`,
        ],
      };
  }
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function asHtml(c: Context, article: { title: string; paragraphs: string[]; byline: string[] }): string {
  const nav = ['Home', 'China', 'World', 'Business', 'Tech', 'Opinion', 'Video'].map((n) => `<li><a href="/${n.toLowerCase()}">${n}</a></li>`).join('');
  const related = c.pick.some(FILLER, 3).map((f) => `<li><a href="/news/${c.pick.int(1000, 9999)}">${escapeHtml(f)}</a></li>`).join('\n');
  return [
    '<!DOCTYPE html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(article.title)} - ${c.pick.pick(OUTLETS.state)}</title>`,
    `<meta name="author" content="${escapeHtml(c.pick.pick(AUTHORS))}"><script>var _track = {page: "article"};</script></head>`,
    `<body><header><nav><ul>${nav}</ul></nav></header>`,
    `<main><article><h1>${escapeHtml(article.title)}</h1>`,
    ...article.byline.map((b) => `<p class="byline">${escapeHtml(b)}</p>`),
    ...article.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    `</article><aside><h2>Related</h2><ul>\n${related}\n</ul></aside></main>`,
    `<footer><p>Copyright &copy; ${c.year} All rights reserved.</p><p><a href="/about">About us</a> | <a href="/contact">Contact</a> | <a href="/privacy">Privacy</a></p></footer>`,
    '</body></html>',
    '',
  ].join('\n');
}

export interface GeneratedArticle {
  /** Relative path, in a sub-folder of 1000 articles. */
  relPath: string;
  content: string;
}

/** Article `index` of the corpus with this seed; a higher `revision` is an edited version of it. */
export function generateArticle(seed: number, index: number, revision = 0): GeneratedArticle {
  const pick = new Picker(mulberry32(streamSeed(seed, index, revision)));
  const province = pick.pick(PLACES);
  const context: Context = {
    pick,
    campaign: pick.pick(CAMPAIGNS),
    place: { province: province.province, city: pick.pick(province.cities) },
    agency: pick.pick(AGENCIES),
    year: pick.int(2015, 2025),
    month: pick.pick(MONTHS),
  };
  const style = pick.pick(STYLES);
  const article = body(context, style);
  const html = pick.chance(0.1);
  const folder = String(Math.floor(index / 1000)).padStart(3, '0');
  const name = `${String(index).padStart(6, '0')}-${style}.${html ? 'html' : 'txt'}`;
  const content = html ? asHtml(context, article) : [article.title, '', ...article.byline, '', ...article.paragraphs.flatMap((p) => [p, '']), ''].join('\n');
  return { relPath: `${folder}/${name}`, content };
}

/** Writes articles [0, n) under dir; returns the relative paths written. Skips files already identical. */
export function writeCorpus(dir: string, n: number, seed: number): { files: number; bytes: number } {
  let bytes = 0;
  for (let index = 0; index < n; index++) {
    const { relPath, content } = generateArticle(seed, index);
    const file = path.join(dir, relPath);
    if (index % 1000 === 0) fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    bytes += Buffer.byteLength(content);
  }
  return { files: n, bytes };
}

function main(argv: string[]): void {
  const arg = (name: string, fallback: string) => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 && argv[at + 1] ? argv[at + 1]! : fallback;
  };
  const n = Number(arg('n', '2000'));
  const seed = Number(arg('seed', '7'));
  const out = path.resolve(arg('out', `out/bench/corpus-${n}`));
  fs.rmSync(out, { recursive: true, force: true });
  const { bytes } = writeCorpus(out, n, seed);
  process.stdout.write(`generated ${n} articles (${(bytes / 1e6).toFixed(1)} MB) in ${out}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
