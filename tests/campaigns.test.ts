import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findAgencies, findAllAgencies, findCampaignMentions, findQuotePairs, figureCampaign, mentionForFigure, normalizeCampaignName, parseHyphenatedDuration, titleCase, type CampaignMention } from '../pipeline/lib/campaigns.js';
import { linkCampaigns, profileDocument, scorePair, type DocCampaignEvidence, type HeadlineFigure } from '../pipeline/lib/campaignLinking.js';
import { findPlaces } from '../pipeline/lib/places.js';
import type { Span } from '../pipeline/lib/types.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/campaigns/', import.meta.url));
const SEEDS = fileURLToPath(new URL('../seeds/', import.meta.url));

/** A rough sentence splitter for tests (the pipeline's own comes from the clean stage). */
function splitSentences(text: string): Span[] {
  const out: Span[] = [];
  for (const m of text.matchAll(/[^\n.!?]+(?:[.!?]+["”’']?|$)/gm)) {
    const raw = m[0];
    const lead = raw.length - raw.trimStart().length;
    if (raw.trim()) out.push({ start: m.index + lead, end: m.index + raw.trimEnd().length });
  }
  return out;
}

function mentionsOf(text: string): CampaignMention[] {
  return findCampaignMentions(text, splitSentences(text));
}

function fixture(path: string): string {
  return readFileSync(FIXTURES + path, 'utf8');
}

/** Evidence for one fixture article; a "Published: YYYY-MM-DD" line gives its date. */
function evidence(path: string, figures: HeadlineFigure[], docId = path): DocCampaignEvidence {
  const text = fixture(path);
  const published = /^Published: (\d{4}-\d{2}-\d{2})$/m.exec(text)?.[1] ?? null;
  return { doc_id: docId, published_date: published, mentions: mentionsOf(text), figures };
}

const arrests = (value: number, qualifier: HeadlineFigure['qualifier'] = 'exact'): HeadlineFigure => ({
  measure: 'persons_arrested',
  value,
  qualifier,
});
const cases = (value: number, qualifier: HeadlineFigure['qualifier'] = 'exact'): HeadlineFigure => ({
  measure: 'cases_solved',
  value,
  qualifier,
});

function byName(ms: CampaignMention[], name: string): CampaignMention {
  const m = ms.find((x) => x.name === name);
  if (!m) throw new Error(`no mention named ${name}; got ${ms.map((x) => x.name).join(' | ')}`);
  return m;
}

// ------------------------------------------------------------------------------------------------

describe('findCampaignMentions: a quoted name with its year', () => {
  it('is a campaign whatever words stand around it (a translation, a headline)', () => {
    const translated = 'The whole province public security organs deeply carry out "Thunderbolt 2024" strike network gambling.';
    expect(mentionsOf(translated).map((m) => [m.kind, m.name])).toContainEqual(['quoted', 'Thunderbolt 2024']);
    const headline = 'Guangdong’s “Thunderbolt 2024” numbers: big, round and hard to check';
    expect(mentionsOf(headline).map((m) => m.normalizedName)).toContain('thunderbolt');
  });

  it('in Chinese: a quoted name before an action noun, or with its year; not any quoted words', () => {
    expect(mentionsOf('全省公安机关深入开展“净网2024”专项行动。').map((m) => m.name)).toEqual(['净网2024']);
    expect(mentionsOf('浙江“断卡”行动上半年抓获犯罪嫌疑人2.3万余名。').map((m) => m.name)).toEqual(['断卡']);
    expect(mentionsOf('所谓“跑分”平台涉案金额巨大。')).toEqual([]);
  });

  it('is not a quoted year or a quoted phrase in lower case', () => {
    expect(mentionsOf('The report called 2024 "a year of progress" for the city.')).toEqual([]);
  });
});

describe('findCampaignMentions: writing styles', () => {
  const text = fixture('mention-styles/sentences.txt');
  const ms = mentionsOf(text);

  it('reports exact spans of the names as written', () => {
    for (const m of ms) expect(text.slice(m.start, m.end)).toBe(m.name);
  });

  it('finds "Operation X" names', () => {
    const m = byName(ms, 'Operation Fox Hunt');
    expect(m.kind).toBe('proper');
    expect(m.normalizedName).toBe('fox hunt');
  });

  it('finds names with a year and reads the year and the agency', () => {
    const m = byName(ms, 'Kunlun 2022');
    expect(m.launchYear).toBe(2022);
    expect(m.agency).toBe('Ministry of Public Security');
  });

  it('finds single-quoted names next to a campaign noun', () => {
    const m = byName(ms, 'Clean Up the Internet');
    expect(m.kind).toBe('quoted');
    expect(m.normalizedName).toBe('clean net');
  });

  it('reads a day-count duration, the launch month and year, and an abbreviated agency', () => {
    const m = byName(ms, '100-day campaign');
    expect(m.kind).toBe('generic');
    expect(m.normalizedName).toBeNull();
    expect(m.durationMonths).toBeCloseTo(3.33, 1);
    expect(m.launchMonth).toBe(5);
    expect(m.launchYear).toBe(2023);
    expect(m.agency).toBe('Cyberspace Administration of China');
  });

  it('reads "launched by the MPS in January" and "one-year"', () => {
    const m = byName(ms, 'one-year special campaign');
    expect(m.launchMonth).toBe(1);
    expect(m.launchYear).toBeNull();
    expect(m.durationMonths).toBe(12);
    expect(m.agency).toBe('Ministry of Public Security');
  });

  it('finds bare generic descriptions', () => {
    expect(byName(ms, 'nationwide crackdown').kind).toBe('generic');
  });

  it('finds code-named quotes and keeps "last month" as an offset', () => {
    const m = byName(ms, 'Cleaning the Internet');
    expect(m.kind).toBe('quoted');
    expect(m.launchMonthOffset).toBe(-1);
    expect(m.durationMonths).toBe(6);
  });

  it('reads romanised names as their English meaning', () => {
    expect(byName(ms, 'Jingwang 2020').normalizedName).toBe('clean net');
  });

  it('does not take ordinary sentences for campaigns', () => {
    const sentence = (needle: string): number => splitSentences(text).findIndex((s) => text.slice(s.start, s.end).includes(needle));
    for (const needle of ['seized 200 phones', 'published in May', 'action of the government', 'Leads To 60,000']) {
      const index = sentence(needle);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(ms.filter((m) => m.sentenceIndex === index)).toEqual([]);
    }
  });

  it('ignores quotes that are not names', () => {
    const t = 'The suspects were accused of having “jeopardized Internet security.” Police said the sites spread “violent and dangerous” messages.';
    expect(mentionsOf(t)).toEqual([]);
  });

  it('finds a headline name quoted without any campaign word', () => {
    const t = "15,000 Arrested in Cybercrime Sweep as Gov't Moves to 'Purify the Web'";
    const ms2 = mentionsOf(t);
    expect(ms2.map((m) => m.name)).toContain('Purify the Web');
    expect(byName(ms2, 'Purify the Web').normalizedName).toBe('clean net');
  });

  it('reads "since August this year" and a lowercase "operation <Name>"', () => {
    const t = 'The special action, carried out since August this year, continues. According to the MPS, the operation Cleaning the Internet was launched in July 2015.';
    const ms2 = mentionsOf(t);
    expect(byName(ms2, 'special action').launchMonth).toBe(8);
    const named = byName(ms2, 'Cleaning the Internet');
    expect(named.kind).toBe('proper');
    expect(named.launchMonth).toBe(7);
    expect(named.launchYear).toBe(2015);
  });

  it('reads a purpose clause as a descriptive name', () => {
    const ms2 = mentionsOf('Police arrested 60,000 suspects during an ongoing campaign to clean up the internet.');
    const m = byName(ms2, 'ongoing campaign to clean up the internet');
    expect(m.kind).toBe('descriptive');
    expect(m.normalizedName).toBe('clean net');
  });

  it('works without sentence spans', () => {
    const ms2 = findCampaignMentions('Police launched Operation Sky Net 2021 in April.', []);
    expect(ms2).toHaveLength(1);
    expect(ms2[0]!.name).toBe('Operation Sky Net 2021');
    expect(ms2[0]!.launchMonth).toBe(4);
    expect(ms2[0]!.sentenceIndex).toBe(0);
  });

  // Completes on hostile input (vitest's timeout is the guard; linearity is measured by size ratios
  // in tests/hostile.linear.test.ts, never by a wall-clock limit here).
  it('completes on hostile input with bounded output', () => {
    expect(findCampaignMentions('1'.repeat(1_000_000), [])).toEqual([]);
    const dashes = 'a-'.repeat(200_000) + '!';
    expect(findCampaignMentions(dashes, [{ start: 0, end: dashes.length }])).toEqual([]);
    const quotes = '“special action” '.repeat(50_000);
    expect(findCampaignMentions(quotes, [{ start: 0, end: quotes.length }]).length).toBeLessThanOrEqual(50_000);
  }, 60_000);
});

describe('lexicon helpers', () => {
  it('normalises differently written names of one campaign to the same key', () => {
    const keys = ['Cleaning the Internet', 'clean network action', 'Clean Up the Internet', '“Cleaning the Internet.”', 'Net Clean 2019', 'Jingwang'].map((n) =>
      normalizeCampaignName(n),
    );
    expect(new Set(keys)).toEqual(new Set(['clean net']));
    expect(normalizeCampaignName('Operation Fox Hunt')).not.toBe(normalizeCampaignName('Operation Sky Net'));
    expect(normalizeCampaignName('the special campaign')).toBeNull();
  });

  it('parses hyphenated durations', () => {
    expect(parseHyphenatedDuration('six-month')).toBe(6);
    expect(parseHyphenatedDuration('one-year')).toBe(12);
    expect(parseHyphenatedDuration('100-day')).toBeCloseTo(3.33, 2);
    expect(parseHyphenatedDuration('three-month-long')).toBe(3);
    expect(parseHyphenatedDuration('year-long')).toBe(12);
    expect(parseHyphenatedDuration('well-known')).toBeNull();
  });

  it('finds agencies by full name and by case-sensitive abbreviation', () => {
    const t = "China's Ministry of Public Security (MPS) and the Cyberspace Administration of China spoke; lamps and mps are not agencies.";
    expect(findAgencies(t).map((a) => a.agency)).toEqual([
      'Ministry of Public Security',
      'Ministry of Public Security',
      'Cyberspace Administration of China',
    ]);
  });

  it('pairs quotes but not apostrophes', () => {
    const t = "Gov't to 'Clean Up the Internet' as China's “outer “inner” text”";
    const contents = findQuotePairs(t).map((q) => t.slice(q.start, q.end));
    expect(contents).toContain('Clean Up the Internet');
    expect(contents).toContain('inner');
    expect(contents).not.toContain("t to ");
  });

  it('title-cases names but keeps small words and acronyms', () => {
    expect(titleCase('cleaning the Internet')).toBe('Cleaning the Internet');
    expect(titleCase('special action against MPS fraud')).toBe('Special Action against MPS Fraud');
  });
});

// ------------------------------------------------------------------------------------------------

describe('linkCampaigns', () => {
  const swordNet = (): DocCampaignEvidence[] => [
    evidence('same-campaign-different-names/wire-quoted-name.txt', [arrests(12000), cases(5300)], 'wire'),
    evidence('same-campaign-different-names/blog-operation-name.txt', [arrests(12000, 'over'), cases(5300, 'under')], 'blog'),
    evidence('same-campaign-different-names/translated-pinyin-name.txt', [arrests(12000), cases(5300)], 'pinyin'),
    evidence('same-campaign-different-names/generic-only-description.txt', [arrests(12000, 'under'), cases(5000, 'over')], 'generic'),
  ];

  it('merges one campaign reported under different names, and by a document with only generic words', () => {
    const { campaigns, docCampaign } = linkCampaigns(swordNet());
    expect(campaigns).toHaveLength(1);
    const c = campaigns[0]!;
    expect(new Set(docCampaign.values())).toEqual(new Set([c.campaign_id]));
    expect(c.n_documents).toBe(4);
    expect(c.doc_ids).toBe('blog; generic; pinyin; wire');
    // Equally common forms: the one with the edition's year names the campaign.
    expect(c.name).toBe('Sword Net 2021');
    expect(c.aliases).toBe('Jianwang 2021; Operation Sword Net');
    expect(c.agency).toBe('Ministry of Public Security');
    expect(c.start_date).toBe('2021-03-01');
    expect(c.start_precision).toBe('month');
    expect(c.start_year_basis).toBe('stated');
    expect(c.duration_months).toBe(6);
    expect(c.end_date).toBe('2021-08-01');
  });

  it('gives the same ids and rows whatever the input order', () => {
    const docs = [
      ...swordNet(),
      evidence('same-name-different-years/net-clean-2019.txt', [], 'nc19'),
      evidence('same-name-different-years/net-clean-2020.txt', [], 'nc20'),
      evidence('generic-only/special-action-since-august-a.txt', [arrests(8900, 'over')], 'aug-a'),
    ];
    const forward = linkCampaigns(docs);
    const backward = linkCampaigns([...docs].reverse());
    const rotated = linkCampaigns([...docs.slice(3), ...docs.slice(0, 3)]);
    expect(backward.campaigns).toEqual(forward.campaigns);
    expect(rotated.campaigns).toEqual(forward.campaigns);
    expect([...backward.docCampaign].sort()).toEqual([...forward.docCampaign].sort());
    expect(forward.campaigns.map((c) => c.campaign_id)).toEqual([...forward.campaigns.map((c) => c.campaign_id)].sort());
  });

  it('keeps a campaign id when an unrelated document is added', () => {
    const alone = linkCampaigns(swordNet()).campaigns[0]!.campaign_id;
    const withOther = linkCampaigns([...swordNet(), evidence('same-name-different-years/net-clean-2019.txt', [], 'nc19')]);
    expect(withOther.docCampaign.get('wire')).toBe(alone);
  });

  it('does not merge the same name in different stated years', () => {
    const { campaigns, docCampaign } = linkCampaigns([
      evidence('same-name-different-years/net-clean-2019.txt', [], 'nc19'),
      evidence('same-name-different-years/net-clean-2020.txt', [], 'nc20'),
    ]);
    expect(campaigns).toHaveLength(2);
    expect(docCampaign.get('nc19')).not.toBe(docCampaign.get('nc20'));
    expect(campaigns.map((c) => c.start_date).sort()).toEqual(['2019-04-01', '2020-04-01']);
  });

  it('does not merge the same name when publication dates put the launches in different years', () => {
    const { campaigns } = linkCampaigns([
      evidence('same-name-different-years/summer-action-2016-report.txt', [], 's16'),
      evidence('same-name-different-years/summer-action-2019-report.txt', [], 's19'),
    ]);
    expect(campaigns).toHaveLength(2);
    for (const c of campaigns) {
      expect(c.name).toBe('Summer Action');
      expect(c.start_year_basis).toBe('inferred');
    }
    expect(campaigns.map((c) => c.start_date).sort()).toEqual(['2016-06-01', '2019-06-01']);
  });

  it('does not merge campaigns of different agencies, even with the same name and month', () => {
    const { campaigns } = linkCampaigns([
      evidence('different-agencies/mps-special-campaign.txt', [], 'mps'),
      evidence('different-agencies/cac-special-campaign.txt', [], 'cac'),
    ]);
    expect(campaigns).toHaveLength(2);
    expect(campaigns.map((c) => c.agency).sort()).toEqual(['Cyberspace Administration of China', 'Ministry of Public Security']);
  });

  it('links generic-only documents by agency, month and agreeing figures', () => {
    const { campaigns } = linkCampaigns([
      evidence('generic-only/special-action-since-august-a.txt', [arrests(8900, 'over'), cases(4400, 'over')], 'a'),
      evidence('generic-only/special-action-since-august-b.txt', [arrests(9000, 'under'), cases(4400)], 'b'),
    ]);
    expect(campaigns).toHaveLength(1);
    expect(campaigns[0]!.launch_month).toBe(8);
    expect(campaigns[0]!.start_date).toBeNull();
  });

  it('never merges documents whose headline figures disagree, and keeps their ids distinct', () => {
    const { campaigns, docCampaign } = linkCampaigns([
      evidence('disagreeing-figures/special-action-15000-arrests.txt', [arrests(15000)], 'd15'),
      evidence('disagreeing-figures/special-action-60000-arrests.txt', [arrests(60000)], 'd60'),
    ]);
    expect(campaigns).toHaveLength(2);
    expect(docCampaign.get('d15')).not.toBe(docCampaign.get('d60'));
  });

  it('explains blocks in the pair score', () => {
    const p15 = profileDocument(evidence('disagreeing-figures/special-action-15000-arrests.txt', [arrests(15000)], 'd15'));
    const p60 = profileDocument(evidence('disagreeing-figures/special-action-60000-arrests.txt', [arrests(60000)], 'd60'));
    expect(scorePair(p15, p60).block).toBe('figures');
    const mps = profileDocument(evidence('different-agencies/mps-special-campaign.txt', [], 'mps'));
    const cac = profileDocument(evidence('different-agencies/cac-special-campaign.txt', [], 'cac'));
    expect(scorePair(mps, cac).block).toBe('agency');
  });

  it('leaves a document without any campaign mention unassigned', () => {
    const none: DocCampaignEvidence = {
      doc_id: 'none',
      published_date: '2020-01-02',
      mentions: mentionsOf('Beijing police seized 200 phones during a raid on Monday.'),
      figures: [{ measure: 'items_seized', value: 200, qualifier: 'exact' }],
    };
    const { campaigns, docCampaign } = linkCampaigns([none]);
    expect(campaigns).toEqual([]);
    expect(docCampaign.get('none')).toBeNull();
  });

  it('puts the seed articles into three campaigns, 000/002/003 together', () => {
    const seed = (file: string, published: string | null, figures: HeadlineFigure[]): DocCampaignEvidence => {
      const text = readFileSync(SEEDS + file, 'utf8');
      return { doc_id: file.slice(0, 3), published_date: published, mentions: mentionsOf(text), figures };
    };
    const docs = [
      seed('000_7370228ca4eebf54.txt', null, [arrests(15000, 'under'), { measure: 'cases_investigated', value: 7400, qualifier: 'under' }]),
      seed('001_18c88a905d1133c3.txt', null, [arrests(9000, 'under'), arrests(8900, 'over'), cases(4400, 'over')]),
      seed('002_b2b4202f664145f9.txt', null, [arrests(15000), { measure: 'cases_investigated', value: 7400, qualifier: 'over' }]),
      seed('003_f5b10385651a032d.txt', '2019-12-12', [arrests(15000), { measure: 'cases_investigated', value: 7400, qualifier: 'exact' }]),
      seed('004_2f0185ac2f479ceb.txt', '2019-11-15', [arrests(60000, 'over'), cases(45000, 'over')]),
    ];
    const { campaigns, docCampaign } = linkCampaigns(docs);
    expect(campaigns).toHaveLength(3);
    const id = (d: string): string | null | undefined => docCampaign.get(d);
    expect(id('000')).toBe(id('002'));
    expect(id('000')).toBe(id('003'));
    expect(new Set([id('000'), id('001'), id('004')]).size).toBe(3);
    const a = campaigns.find((c) => c.campaign_id === id('000'))!;
    expect(a.name).toBe('Cleaning the Internet');
    expect(a.launch_month).toBe(7);
    expect(a.duration_months).toBe(6);
    const c = campaigns.find((x) => x.campaign_id === id('004'))!;
    expect(c.launch_month).toBe(1);
    expect(c.duration_months).toBe(12);
  });
});

describe('figure campaigns', () => {
  const text =
    'The special one-year campaign was launched by the MPS in January. Police arrested 60,000 suspects. ' +
    'Since September, police involved in the wider operation have busted 147 gangs.';
  const sentences = splitSentences(text);
  const ms = findCampaignMentions(text, sentences);

  it('ties a figure to a mention in its own sentence only', () => {
    expect(mentionForFigure(1, ms)).toBeNull();
    const tied = mentionForFigure(2, ms);
    expect(tied?.name).toBe('wider operation');
    expect(tied?.launchMonth).toBe(9);
  });

  it('inherits the document campaign unless a resolver maps the tied mention elsewhere', () => {
    expect(figureCampaign('cmp_doc', 1, ms)).toBe('cmp_doc');
    expect(figureCampaign('cmp_doc', 2, ms)).toBe('cmp_doc');
    const resolver = (m: CampaignMention): string | null => (m.name === 'wider operation' ? 'cmp_wider' : null);
    expect(figureCampaign('cmp_doc', 2, ms, resolver)).toBe('cmp_wider');
    expect(figureCampaign('cmp_doc', 0, ms, resolver)).toBe('cmp_doc');
  });
});

// ------------------------------------------------------------------------------------------------

describe('local agencies', () => {
  const agenciesIn = (text: string): string[] => findAllAgencies(text, findPlaces(text)).map((a) => a.agency);

  it('names provincial, municipal and SAR bodies with their place', () => {
    expect(agenciesIn('The Zhejiang Provincial Public Security Department said.')).toEqual(['Zhejiang Provincial Public Security Department']);
    expect(agenciesIn('A Guangxi public security department spokesman said.')).toEqual(['Guangxi Autonomous Region Public Security Department']);
    expect(agenciesIn('According to the Guangdong Provincial Department of Public Security, ...')).toEqual(['Guangdong Provincial Public Security Department']);
    expect(agenciesIn('Shenzhen police detained 41 people.')).toEqual(['Shenzhen Municipal Public Security Bureau']);
    expect(agenciesIn("Beijing's public security bureau said.")).toEqual(['Beijing Municipal Public Security Bureau']);
    expect(agenciesIn('The Hong Kong Police Force said.')).toEqual(['Hong Kong Police Force']);
    expect(agenciesIn('the Cyberspace Administration of China said')).toEqual(['Cyberspace Administration of China']);
  });

  it('carries the province as the region of a local body, and nothing for a national one', () => {
    const [shenzhen] = findAllAgencies('Shenzhen police said', findPlaces('Shenzhen police said'));
    expect(shenzhen).toMatchObject({ region: 'CN-GD', hierarchy: 'police' });
    const [mps] = findAllAgencies('the Ministry of Public Security said', []);
    expect(mps!.region).toBeUndefined();
    expect(mps!.hierarchy).toBe('police');
  });

  it('resolves "the provincial public security department" from the places the document names', () => {
    const text = 'Police in Wenzhou and Hangzhou, Zhejiang Province, made arrests, the provincial public security department said. Hubei was not involved.';
    expect(agenciesIn(text)).toEqual(['Zhejiang Provincial Public Security Department']);
    // No province named: no guess.
    expect(agenciesIn('The provincial public security department said so.')).toEqual([]);
  });

  it('does not take "Chinese police" or a country for a local body', () => {
    expect(agenciesIn('Chinese police and China police said.')).toEqual([]);
  });

  it('marks an agency that ordered a campaign as its deployer, and credits the body that ran it', () => {
    const text =
      'Published: 2021-07-01\nIn accordance with the Ministry of Public Security deployment, Hubei police carried out the "Clean Sky 2021" special action and arrested 500 suspects.';
    const found = findAllAgencies(text, findPlaces(text));
    expect(found.find((a) => a.agency === 'Ministry of Public Security')?.deployer).toBe(true);
    const m = byName(mentionsOf(text), 'Clean Sky 2021');
    expect(m.agency).toBe('Hubei Provincial Public Security Department');
    expect(m.agencyRegion).toBe('CN-HB');
  });

  it('keeps a deployer when no other agency stands near', () => {
    const m = byName(mentionsOf('Under the unified deployment of the Ministry of Public Security, police carried out Operation Clean Sky.'), 'Operation Clean Sky');
    expect(m.agency).toBe('Ministry of Public Security');
  });
});

describe('editions and provinces in linking', () => {
  const dir = 'editions-and-provinces/';

  it('reads the year written in a name separately from the launch year', () => {
    const named = mentionsOf(fixture(dir + 'shield-2023-began-previous-december.txt')).filter((x) => x.name === 'Shield 2023');
    const m = named[named.length - 1]!; // the body's mention, not the headline's
    expect(m.nameYear).toBe(2023);
    expect(m.launchYear).toBe(2022);
    expect(m.launchMonth).toBe(12);
  });

  it('does not merge editions whose names carry different years, even when launch years agree', () => {
    const a = evidence(dir + 'shield-2022-national.txt', [], 'shield-2022');
    const b = evidence(dir + 'shield-2023-began-previous-december.txt', [], 'shield-2023');
    expect(scorePair(profileDocument(a), profileDocument(b)).block).toBe('name-year');
    const { campaigns } = linkCampaigns([a, b]);
    expect(campaigns.map((c) => c.name).sort()).toEqual(['Shield 2022', 'Shield 2023']);
    const c2023 = campaigns.find((c) => c.name === 'Shield 2023')!;
    expect(c2023.start_date).toBe('2022-12-01');
  });

  it('does not merge one name run by departments of different provinces', () => {
    const gd = evidence(dir + 'summer-storm-guangdong-department.txt', [], 'gd');
    const fj = evidence(dir + 'summer-storm-fujian-provincial-department.txt', [], 'fj');
    const pg = profileDocument(gd);
    const pf = profileDocument(fj);
    expect(pg.agency).toBe('Guangdong Provincial Public Security Department');
    expect(pf.agency).toBe('Fujian Provincial Public Security Department');
    expect(scorePair(pg, pf).block).toBe('agency-region');
    const { campaigns } = linkCampaigns([gd, fj]);
    expect(campaigns.map((c) => c.agency).sort()).toEqual(['Fujian Provincial Public Security Department', 'Guangdong Provincial Public Security Department']);
  });

  it('links a city police report to the national ministry campaign, credited to the ministry', () => {
    const mps = evidence(dir + 'summer-storm-national-ministry.txt', [], 'mps');
    const sz = evidence(dir + 'summer-storm-shenzhen-police.txt', [], 'sz');
    expect(profileDocument(sz).agency).toBe('Shenzhen Municipal Public Security Bureau');
    expect(scorePair(profileDocument(mps), profileDocument(sz)).block).toBeNull();
    const { campaigns } = linkCampaigns([sz, mps]);
    expect(campaigns).toHaveLength(1);
    expect(campaigns[0]!.agency).toBe('Ministry of Public Security');
  });

  it('still refuses two different national agencies', () => {
    const a = { ...profileDocument(evidence(dir + 'summer-storm-national-ministry.txt', [], 'a')) };
    const b = { ...a, doc_id: 'b', agency: 'Cyberspace Administration of China', agencyHierarchy: 'cyberspace' };
    expect(scorePair(a, b).block).toBe('agency');
  });
});

describe('launch dates and durations in other styles', () => {
  it('does not take the first year of a recurring series for this edition, and reads "this year\'s"', () => {
    const text =
      'Published: 2024-05-20\nRegulators removed 9,000 posts in this year\'s "Bright Sky" campaign against online rumours, the Cyberspace Administration of China said.\n"Bright Sky" has been carried out every year since 2018.';
    const ms = mentionsOf(text);
    expect(ms.every((m) => m.launchYear !== 2018)).toBe(true);
    expect(ms[0]!.launchYearOffset).toBe(0);
    const { campaigns } = linkCampaigns([{ doc_id: 'd', published_date: '2024-05-20', mentions: ms, figures: [] }]);
    expect(campaigns[0]!.start_date).toBe('2024-01-01');
    expect(campaigns[0]!.start_year_basis).toBe('inferred');
  });

  it('still reads "launched in 2018" without a recurrence word, and ends a name before "in <year>"', () => {
    expect(mentionsOf('Police launched Operation Bright Sky in 2018.').map((x) => x.name)).toContain('Operation Bright Sky');
    const m = byName(mentionsOf('Operation Bright Sky was launched in 2018 by the Ministry of Public Security.'), 'Operation Bright Sky');
    expect(m.launchYear).toBe(2018);
  });

  it('reads machine-translated numeric dates ("2021 year 5 month 1 day")', () => {
    const m = byName(
      mentionsOf('Since 2021 year 5 month 1 day, the whole province public security organs carried out the "Kunlun 2021" special action.'),
      'Kunlun 2021',
    );
    expect([m.launchYear, m.launchMonth, m.launchDay]).toEqual([2021, 5, 1]);
  });

  it('reads "ran from March to November" as a nine-month campaign, but not a reporting period', () => {
    const ran = byName(mentionsOf('Police arrested 900 people in the "Iron Fist 2022" campaign, which ran from March to November.'), 'Iron Fist 2022');
    expect(ran.durationMonths).toBe(9);
    expect(ran.launchMonth).toBe(3);
    const period = byName(mentionsOf('Between January and June, police in the "Iron Fist 2022" campaign arrested 900 people.'), 'Iron Fist 2022');
    expect(period.durationMonths).toBeNull();
  });

  it('reads a duration written before a quoted name: six-month “Iron Fist 2022” campaign', () => {
    const m = byName(mentionsOf('Police arrested 900 people in a six-month “Iron Fist 2022” campaign.'), 'Iron Fist 2022');
    expect(m.durationMonths).toBe(6);
  });
});
