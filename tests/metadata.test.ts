import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED } from './helpers/build.js';
import { parseCsv as readCsv } from './helpers/csv.js';
import { extractHeadlineAreaMetadata, extractMetadata, findDate, plainHeadline, publisherFromDomainLabel, readBylineLine, splitAuthorNames } from '../pipeline/lib/metadata.js';
import { extractHtmlArticle } from '../pipeline/lib/html.js';


const gold = readCsv(readFileSync(path.join(SHARED, 'gold/seeds/documents.csv'), 'utf8'));

describe('metadata of the seed articles matches the gold table', () => {
  it('has five gold rows', () => expect(gold.length).toBe(5));
  for (const row of gold) {
    it(row.source_file!, () => {
      const text = readFileSync(new URL(`../seeds/${row.source_file}`, import.meta.url), 'utf8');
      const meta = extractMetadata(text);
      expect(meta.title).toBe(row.title);
      expect(meta.publisher ?? '').toBe(row.publisher);
      expect(meta.authors.join('; ')).toBe(row.authors);
      expect(meta.published_date ?? '').toBe(row.published_date);
    });
  }
});

interface Case {
  style: string;
  text: string;
  title?: string | null;
  publisher?: string | null;
  authors?: string[];
  date?: string | null;
}

const BODY = 'Police arrested 1,200 suspects in a nationwide crackdown on telecom fraud, the ministry said on May 25.\n\nThe campaign began last December and will run for six months.';

const cases: Case[] = [
  {
    style: 'Xinhua dateline without a year (no date invented)',
    text: `China busts 1,200 telecom fraud suspects\n\nBEIJING, Nov. 15 (Xinhua) -- ${BODY}`,
    title: 'China busts 1,200 telecom fraud suspects',
    publisher: 'Xinhua',
    date: null,
  },
  {
    style: 'Xinhua dateline with a year',
    text: `China busts fraud gangs in sweep\n\nBEIJING, Nov. 15, 2019 (Xinhua) -- ${BODY}`,
    publisher: 'Xinhua',
    date: '2019-11-15',
  },
  {
    style: 'Reuters dateline',
    text: `China arrests hackers in internet clean-up drive\n\nSHANGHAI (Reuters) - ${BODY}\n\n(Reporting by Jane Doe; Editing by John Smith)`,
    title: 'China arrests hackers in internet clean-up drive',
    publisher: 'Reuters',
    date: null,
  },
  {
    style: 'By-line with "Updated:"',
    text: `Cyber police crack 500 cases\n\nBy Jane Doe | Updated: 2020-06-01 10:15\n\n${BODY}`,
    title: 'Cyber police crack 500 cases',
    authors: ['Jane Doe'],
    date: '2020-06-01',
  },
  {
    style: 'WordPress "Posted on ... by admin"',
    text: `Crackdown nets hundreds of scammers\nPosted on 3 March 2021 by admin\n${BODY}`,
    authors: [],
    date: '2021-03-03',
  },
  {
    style: 'WordPress "Posted on ... by" a person',
    text: `Crackdown nets hundreds of scammers\nPosted on March 3, 2021 by Li Wei\n${BODY}`,
    authors: ['Li Wei'],
    date: '2021-03-03',
  },
  {
    style: 'Global Times source and slashed date',
    text: `Police bust online gambling ring worth billions\nSource: Global Times Published: 2020/7/2 22:13:40\n${BODY}`,
    title: 'Police bust online gambling ring worth billions',
    publisher: 'Global Times',
    date: '2020-07-02',
  },
  {
    style: 'Chinese-style date',
    text: `网络犯罪 crackdown nets 300 suspects in Jiangsu\n2019年12月12日\n${BODY}`,
    date: '2019-12-12',
  },
  {
    style: 'no date at all',
    text: `Police bust online fraud ring in Guangdong\n\n${BODY}`,
    date: null,
    publisher: null,
    authors: [],
  },
  {
    style: 'event dates in the body are not publication dates',
    text: `Police bust online fraud ring in Guangdong\n\nOn December 12, 2019, police in Guangzhou raided 14 dens and arrested 300 people in a single night, officials said.`,
    date: null,
  },
  {
    style: 'Reporter label and day-month-year dateline',
    text: `Telecom fraud suspects returned from Cambodia\n12 Dec 2019\nReporter: Zhang San\n${BODY}`,
    authors: ['Zhang San'],
    date: '2019-12-12',
  },
  {
    style: 'three authors with commas and "and"',
    text: `Ministry reports record cybercrime arrests\nBy Jane Doe, Wang Lei and Maria Lopez\nDecember 12, 2019\n${BODY}`,
    authors: ['Jane Doe', 'Wang Lei', 'Maria Lopez'],
    date: '2019-12-12',
  },
  {
    style: 'By-line with place',
    text: `Ministry reports record cybercrime arrests\nBy Li Wei in Beijing | Published: Dec. 12, 2019\n${BODY}`,
    authors: ['Li Wei'],
    date: '2019-12-12',
  },
  {
    style: 'time and zone glued to the day',
    text: `08:05 GMT +827 January 2021\nHackers Nabbed in Sweep Across Five Provinces\n${BODY}`,
    title: 'Hackers Nabbed in Sweep Across Five Provinces',
    date: '2021-01-27',
  },
  {
    style: 'sign-off with signature line',
    text: `Police take down botnet used in DDoS attacks\n${BODY}\nJohn Smith\n(Example News – botnet, DDoS)`,
    publisher: 'Example News',
    authors: ['John Smith'],
  },
  {
    style: 'comment widget naming the site',
    text: `Police take down botnet used in DDoS attacks\n${BODY}\nComment via FacebookComment via Newsline`,
    publisher: 'Newsline',
  },
  {
    style: 'copyright footer naming the outlet',
    text: `Police take down botnet used in DDoS attacks\n${BODY}\nCopyright © 2020 Shanghai Evening Post. All rights reserved.`,
    publisher: 'Shanghai Evening Post',
  },
  {
    style: 'self-link in furniture gives the domain as publisher',
    text: `Police take down botnet used in DDoS attacks\n${BODY}\nFor more stories, click here: https://www.cyberwatchdaily.com/latest/`,
    publisher: 'Cyberwatchdaily',
  },
  {
    style: 'ISO date line marked "Date:"',
    text: `Police take down botnet used in DDoS attacks\nDate: 2018-09-30\n${BODY}`,
    date: '2018-09-30',
  },
  {
    style: 'a masthead and a section menu above the headline are not the headline',
    text: `AP NEWS\nWorld News | Asia Pacific\n\nChina says police arrested 263,000 people in a crackdown on scams\n\nBy JOANNA REYES\n${BODY}`,
    title: 'China says police arrested 263,000 people in a crackdown on scams',
  },
  {
    style: 'a breadcrumb ending in the headline is not the headline',
    text: `THE TIMES OF INDIA\nNews / City News / Mumbai News / Maharashtra Cyber nets 214 in month-long drive\n\nMaharashtra Cyber nets 214 in month-long drive, freezes Rs 12.5 crore\n\n${BODY}`,
    title: 'Maharashtra Cyber nets 214 in month-long drive, freezes Rs 12.5 crore',
  },
  {
    style: 'a press release under "News and Events > News"',
    text: `INTERPOL\nNews and Events > News\n\n1,063 arrests in global operation against online fraud\n\n12 December 2024\n\n${BODY}`,
    title: '1,063 arrests in global operation against online fraud',
    date: '2024-12-12',
  },
  {
    style: 'Markdown front matter gives title, author and date',
    text: `---\ntitle: "Clear Tide: what 1,840 detentions tell us"\ndate: 2024-11-12\nauthor: "Mara Lindqvist"\ntags: [china, gambling]\n---\n\nLast week the provincial police closed the books on the campaign.\n\n${BODY}`,
    title: 'Clear Tide: what 1,840 detentions tell us',
    authors: ['Mara Lindqvist'],
    date: '2024-11-12',
  },
  {
    style: 'an all-capital headline with a number is a headline, not a masthead',
    text: `CHINA ARRESTS 300 IN FRAUD CRACKDOWN\n\n${BODY}`,
    title: 'CHINA ARRESTS 300 IN FRAUD CRACKDOWN',
  },
  {
    style: 'a text that opens with a "---" rule has no front matter',
    text: `---\n\nPolice bust scam ring in Pune\n\n${BODY}\n\n---\n\nCopyright 2024`,
    title: 'Police bust scam ring in Pune',
  },
  {
    style: 'a masthead names the outlet, before the wire service in the byline; names first in a slashed byline',
    text: `THE TIMES OF INDIA\n\nMaharashtra Cyber nets 214 in month-long drive\n\nShreya Kulkarni & Aamir Shaikh / TNN / Updated: Feb 3, 2025, 05:14 IST\n\n${BODY}`,
    title: 'Maharashtra Cyber nets 214 in month-long drive',
    publisher: 'THE TIMES OF INDIA',
    authors: ['Shreya Kulkarni', 'Aamir Shaikh'],
    date: '2025-02-03',
  },
  {
    style: 'an agency desk before the names is not a name',
    text: `China repatriates 1,200 fraud suspects\n\nby Xinhua writers Yang Wenming, Zhao Ruoyu\n\n${BODY}`,
    authors: ['Yang Wenming', 'Zhao Ruoyu'],
  },
  {
    style: 'a Markdown byline in bold, and the company suffix of a copyright holder',
    text: `# China's watchdog scrubs 1.2 million posts\n\n**Vivian Loh** in Beijing\n\n${BODY}\n\nCopyright (c) 2024 South China Morning Post Publishers Ltd. All rights reserved.`,
    authors: ['Vivian Loh'],
    publisher: 'South China Morning Post',
  },
  {
    style: 'the outlet on a line of its own is not the headline',
    text: `Hunan Provincial Public Security Department\nHome > Police Information > Work Dynamics\n\nThe whole province organs special action achieve remarkable results\n\nRelease time: 2024-11-08 10:15   Source: Hunan Provincial Public Security Department\n\n${BODY}`,
    title: 'The whole province organs special action achieve remarkable results',
    publisher: 'Hunan Provincial Public Security Department',
    date: '2024-11-08',
  },
  {
    style: 'the outlet\'s name on the first line of a copy names the outlet when nothing else does; a tagline and a menu are not the headline',
    text: `Bangkok Post\nThe World's Window on Thailand\nHOME   NEWS   BUSINESS   OPINION\n\nPolice net 312 in call-centre, mule account sweep\n\n${BODY}`,
    title: 'Police net 312 in call-centre, mule account sweep',
    publisher: 'Bangkok Post',
  },
  {
    style: 'a wrapped headline\'s second line is not the headline',
    text: `Work Report on Combating Telecommunications and Online Fraud\nand Other Cybercrimes in the Province (2023)\n\n${BODY}`,
    title: 'Work Report on Combating Telecommunications and Online Fraud',
  },
  {
    style: 'a short headline without a number beats the standfirst below it',
    text: `Thai police bust gambling ring\n\nOfficers arrested 32 suspects and seized B20m in cash in raids across Bangkok\n\n${BODY}`,
    title: 'Thai police bust gambling ring',
  },
  {
    style: 'an outlet first in a byline is the outlet, not an author',
    text: `China cracks down on cybercrime\n\nChina Daily | Updated: 2019-11-15 08:34\n\n${BODY}`,
    publisher: 'China Daily',
    authors: [],
    date: '2019-11-15',
  },
  {
    style: 'an all-capital headline with the genre\'s words is the headline, not a masthead',
    text: `CHINA CRACKS DOWN ON CYBERCRIME\n\n${BODY}`,
    title: 'CHINA CRACKS DOWN ON CYBERCRIME',
    publisher: null,
  },
  {
    style: 'a Chinese date line with the outlet is a date line',
    text: `2023年9月5日 浙江省公安厅\n\n${BODY}`,
    date: '2023-09-05',
  },
  {
    style: 'a Chinese page: headline without spaces, labels with full-width colons, source, counters and editors',
    text: `浙江省公安厅\n首页 > 警务公开 > 警情通报\n\n浙江公安“净网2024”专项行动战果发布：破获案件8600余起 抓获犯罪嫌疑人1.2万余名\n\n发布日期：2024年11月8日　　来源：浙江省公安厅　　浏览次数：3562\n\n全省共破获各类网络违法犯罪案件8600余起，抓获犯罪嫌疑人1.2万余名。\n\n责任编辑：王明`,
    title: '浙江公安“净网2024”专项行动战果发布：破获案件8600余起 抓获犯罪嫌疑人1.2万余名',
    publisher: '浙江省公安厅',
    authors: [],
    date: '2024-11-08',
  },
  {
    style: 'a Chinese agency is no author, and furniture after the source is no part of the outlet',
    text: `浙江警方破获案件300起\n\n作者：新华社　来源：公安部　【字体：大 中 小】\n\n${BODY}`,
    publisher: '公安部',
    authors: [],
  },
  {
    style: 'ambiguous numeric date is not guessed',
    text: `Police take down botnet used in DDoS attacks\nUpdated: 03/04/2021\n${BODY}`,
    date: null,
  },
];

describe('metadata in other outlets\' styles', () => {
  it('has at least 15 invented styles', () => expect(cases.length).toBeGreaterThanOrEqual(15));
  it.each(cases)('$style', (c) => {
    const meta = extractMetadata(c.text);
    if (c.title !== undefined) expect(meta.title).toBe(c.title);
    if (c.publisher !== undefined) expect(meta.publisher).toBe(c.publisher);
    if (c.authors !== undefined) expect(meta.authors).toEqual(c.authors);
    if (c.date !== undefined) expect(meta.published_date).toBe(c.date);
  });
});

describe('findDate', () => {
  it.each([
    ['Updated: 2019-11-15 08:34', '2019-11-15'],
    ['10:31 GMT +312 December 2019', '2019-12-12'],
    ['December 12, 2019', '2019-12-12'],
    ['12 Dec 2019', '2019-12-12'],
    ['2019年12月12日', '2019-12-12'],
    ['Sept. 3rd, 2020', '2020-09-03'],
    ['31/12/2020', '2020-12-31'],
  ])('%s -> %s', (text, iso) => expect(findDate(text)?.iso).toBe(iso));
  it.each(['December 2019', 'Nov. 15', 'February 30, 2019', '1.88 million', '9.27'])('%s has no complete date', (text) => {
    expect(findDate(text)).toBeNull();
  });
});

describe('names and domains', () => {
  it('splits author lists and drops non-names', () => {
    expect(splitAuthorNames('Aybek Askhar and Zheng Caixiong')).toEqual(['Aybek Askhar', 'Zheng Caixiong']);
    expect(splitAuthorNames('admin')).toEqual([]);
    expect(splitAuthorNames('Jane Doe, Staff Reporter')).toEqual(['Jane Doe', 'Staff Reporter'].slice(0, 1));
  });
  it('reads a publisher from a domain label', () => {
    expect(publisherFromDomainLabel('pymnts', 'no other mention')).toBe('PYMNTS');
    expect(publisherFromDomainLabel('examplewire', 'Read ExampleWire daily.')).toBe('ExampleWire');
    expect(publisherFromDomainLabel('examplewire', 'nothing here')).toBe('Examplewire');
  });
});

describe('Markdown headlines', () => {
  it.each([
    ['# Police in Penang bust online loan-shark syndicate', 'Police in Penang bust online loan-shark syndicate'],
    ['## Police in Penang bust **online** loan-shark syndicate ##', 'Police in Penang bust online loan-shark syndicate'],
    ['# Europol takes down *Operation Firewall* phishing ring', 'Europol takes down Operation Firewall phishing ring'],
    ['# [Interpol arrests 300 in scam sweep](https://example.org/story)', 'Interpol arrests 300 in scam sweep'],
    ['Plain headline with a snake_case_token kept', 'Plain headline with a snake_case_token kept'],
    ['Prices rose 5*3 times in 2*4 weeks', 'Prices rose 5*3 times in 2*4 weeks'],
  ])('%s', (line, plain) => expect(plainHeadline(line)).toBe(plain));

  it('takes the title of a Markdown article without its heading mark', () => {
    const md = [
      '# Bangkok police arrest 140 in call-centre raid',
      '',
      '![Officers at the scene](/img/raid.jpg)',
      '',
      '_By Somchai Rattana_',
      '',
      'Thai police arrested 140 people in a raid on a call-centre gang, officials said on Friday.',
    ].join('\n');
    expect(extractMetadata(md).title).toBe('Bangkok police arrest 140 in call-centre raid');
  });
});

describe('labels in masthead lines are labels, not values', () => {
  it('reads "Release date:" as a date label and "Source:" as the publisher, ignoring counters', () => {
    const facts = readBylineLine('Release date: 2021-05-06 09:00    Source: Jiangsu Provincial Public Security Department    Hits: 1,024    [Big Middle Small]');
    expect(facts).toEqual({ authors: [], publisher: 'Jiangsu Provincial Public Security Department', date: '2021-05-06' });
  });
  it('reads "Publish time:" and never takes a label word for the outlet', () => {
    const facts = readBylineLine('Publish time: 2020-12-01 | Views: 88');
    expect(facts?.date).toBe('2020-12-01');
    expect(facts?.publisher).toBeNull();
  });
  it('does not take editors for authors', () => {
    const facts = readBylineLine('Author: Liu Yang | Editor: Chen Ming | Source: Hunan Daily');
    expect(facts).toEqual({ authors: ['Liu Yang'], publisher: 'Hunan Daily', date: null });
    expect(readBylineLine('(Responsible editor: Zhao Lei)')).toEqual({ authors: [], publisher: null, date: null });
    expect(readBylineLine('Edited by Sarah Kline')?.authors).toEqual([]);
  });
  it('a page with "Release time" and an editor credit', () => {
    const text = [
      'Provincial police crack 900 online gambling cases in spring operation',
      '',
      'Release time: 2021-04-30 16:12  Source: Hubei Provincial Public Security Department  Views: 2,004  Print',
      '',
      BODY,
      '',
      '(Editor in charge: Wu Fang)',
    ].join('\n');
    const meta = extractMetadata(text);
    expect(meta.publisher).toBe('Hubei Provincial Public Security Department');
    expect(meta.published_date).toBe('2021-04-30');
    expect(meta.authors).toEqual([]);
  });
  it('a sentence beginning with "Editors" is not a credit line', () => {
    expect(readBylineLine('Editors at the paper said the police report was accurate.')).toBeNull();
  });
});

describe('a bare web address in a byline names the outlet', () => {
  it.each([
    ['By Anna Berg | thelocal.se | Updated: 2022-02-02 10:00', 'Thelocal', ['Anna Berg'], '2022-02-02'],
    ['By Priya Nair | www.scmp.com | Published: 2021-07-09', 'South China Morning Post', ['Priya Nair'], '2021-07-09'],
    ['Source: globaltimes.cn | 2020-03-04', 'Global Times', [], '2020-03-04'],
  ])('%s', (line, publisher, authors, date) => {
    expect(readBylineLine(line)).toEqual({ publisher, authors, date });
  });
});

describe('metadata beside the headline of a web page', () => {
  it('reads the byline lines around the headline', () => {
    const page = ['Home > World > Asia', 'Manila police rescue 600 from scam compound', 'By Maria Santos | inquirer.net | Updated: 2023-05-05 08:00', 'Share - Comment', 'Police in Pampanga freed 600 workers, officials said.'];
    expect(extractHeadlineAreaMetadata(page, 1)).toEqual({ publisher: 'Inquirer', authors: ['Maria Santos'], published_date: '2023-05-05' });
  });

  it('an HTML page whose byline sits in <header> keeps its author, outlet and date', () => {
    const paragraphs = Array.from({ length: 6 }, (_, i) => `<p>Police in the province arrested ${100 + i} suspects linked to investment fraud rings during the sweep, officials told reporters on Tuesday, adding that more arrests were expected in coming weeks.</p>`).join('\n');
    const html = `<!DOCTYPE html><html><head><title>Manila police rescue 600 from scam compound - Inquirer.net</title></head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<header><h1>Manila police rescue 600 from scam compound</h1>
<div class="byline"><span>By Maria Santos | inquirer.net | Updated: 2023-05-05 08:00</span></div></header>
<article>${paragraphs}</article>
<footer>About us | Contact</footer></body></html>`;
    const { metadata } = extractHtmlArticle(html);
    expect(metadata.title).toBe('Manila police rescue 600 from scam compound');
    expect(metadata.publisher).toBe('Inquirer');
    expect(metadata.authors).toEqual(['Maria Santos']);
    expect(metadata.published_date).toBe('2023-05-05');
  });
});
