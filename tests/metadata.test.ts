import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv as readCsv } from './helpers/csv.js';
import { extractMetadata, findDate, publisherFromDomainLabel, splitAuthorNames } from '../pipeline/lib/metadata.js';


const gold = readCsv(readFileSync('/work/shared/gold/seeds/documents.csv', 'utf8'));

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
