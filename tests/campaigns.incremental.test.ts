// Incremental linking: a run given the previous run's link cache scores again only the units an
// added or removed document may meet (and of those, scores most against the added units only), and
// must give exactly what a run from scratch gives.
import { describe, expect, it } from 'vitest';
import { findCampaignMentions } from '../pipeline/lib/campaigns.js';
import { createHash } from 'node:crypto';
import {
  BLOCK_NEIGHBOURHOOD,
  linkCacheLine,
  flatHeadline,
  draftFromParts,
  keptDraft,
  linkCampaigns,
  parseLinkCacheLine,
  profileDocument,
  profileFields,
  profileFromFields,
  type DocCampaignEvidence,
  type DocProfile,
  type DraftCampaign,
  type PreviousLinking,
  type ProfileFields,
} from '../pipeline/lib/campaignLinking.js';
import { campaignEvidence } from '../bench/linkScale.js';
import { mulberry32 } from '../bench/generate.js';

/** A draft as a cache keeps it: its key, row and id key as JSON (docIds and baseId follow from them). */
const draftLine = (key: string, draft: DraftCampaign): string => JSON.stringify([key, draft.row, draft.idKey]);

/** A draft through its JSON text, as a cache gives it back. */
function keptText(draft: DraftCampaign): DraftCampaign {
  const [, row, idKey] = JSON.parse(draftLine('', draft)) as [string, DraftCampaign['row'], DraftCampaign['idKey']];
  return draftFromParts(row, idKey);
}

/** The last run as the link stage keeps it: the caches through their lines, and that run's evidence by doc_id. */
type LastRun = Required<PreviousLinking> & { docs: ReadonlyMap<string, DocCampaignEvidence> };

function cacheOf(docs: readonly DocCampaignEvidence[], previous: LastRun | null = null): LastRun {
  const linked = linkCampaigns(docs, undefined, previous);
  const units = linked.linkCache.map((unit) => parseLinkCacheLine(linkCacheLine(unit)));
  const drafts = new Map(linked.drafts.map(({ key, draft }) => [key, keptDraft(keptText(draft()))]));
  const byId = new Map(docs.map((d) => [d.doc_id, d]));
  return { units, docs: byId, evidence: (docId) => byId.get(docId), draft: (key) => drafts.get(key), collapseKey: (digest) => linked.collapseKeys.get(digest) };
}

/**
 * Links `after` from the last run and from scratch; both must agree in every output. The old evidence
 * is asked for only for documents that are gone or whose evidence changed (the link stage keeps no other).
 */
function expectSameAsScratch(previous: LastRun, after: readonly DocCampaignEvidence[]): { rescored: number; updated: number; recut: number; units: number; reusedDrafts: number; keptClustering: number } {
  const asked: string[] = [];
  const incremental = linkCampaigns(after, undefined, { ...previous, evidence: (docId) => (asked.push(docId), previous.evidence(docId)) });
  const scratch = linkCampaigns(after);
  expect(incremental.campaigns).toEqual(scratch.campaigns);
  expect([...incremental.docCampaign]).toEqual([...scratch.docCampaign]);
  expect(incremental.linkCache.map(linkCacheLine)).toEqual(scratch.linkCache.map(linkCacheLine));
  const draftLines = (linked: typeof scratch): string[] => linked.drafts.map(({ key, draft }) => draftLine(key, draft()));
  expect(draftLines(incremental)).toEqual(draftLines(scratch));
  const now = new Map(after.map((d) => [d.doc_id, JSON.stringify(d)]));
  for (const docId of asked) expect(now.get(docId), docId).not.toBe(JSON.stringify(previous.docs.get(docId)));
  expect(scratch.keptClusteringUnits).toBe(0);
  return { rescored: incremental.rescoredUnits, updated: incremental.updatedUnits, recut: incremental.recutUnits, units: incremental.linkCache.length, reusedDrafts: incremental.reusedDrafts, keptClustering: incremental.keptClusteringUnits };
}

/** A new report of campaign c: its totals, and a local figure of its own. */
function newReport(base: DocCampaignEvidence, id: string, localValue: number): DocCampaignEvidence {
  return { ...base, doc_id: id, figures: [...base.figures.slice(0, 2), { measure: 'persons_arrested', value: localValue, qualifier: 'exact', place_code: 'CN-44' }] };
}

const LEAD = 'The Ministry of Public Security launched Operation Sword Net in 2015 against telecom fraud.';
/** Normalised names are short (stop words dropped, stems): a name of more than 8 distinct words is rare, so it is built here. */
const LONG_NAME = 'sword net telecom fraud border town rural crime gambling loan';

describe('incremental linking gives what linking from scratch gives', () => {
  // Three campaigns of 300 reports: their name blocks are larger than 2 x BLOCK_NEIGHBOURHOOD + 1, so
  // they are windowed, and the candidate cap applies.
  const corpus = campaignEvidence(3, 300);
  const previous = cacheOf(corpus);

  it('one document added: only the units near it are scored again', () => {
    const { rescored, units, reusedDrafts } = expectSameAsScratch(previous, [...corpus, newReport(corpus[5]!, 'doc_new_000001', 432)]);
    expect(units).toBe(previous.units.length + 1);
    // Every campaign but the one the report joined keeps its members, so its row is taken as it was.
    const campaigns = linkCampaigns(corpus).campaigns.length;
    expect(reusedDrafts).toBe(campaigns - 1);
    expect(rescored).toBeGreaterThan(0);
    expect(rescored).toBeLessThan(units / 2);
  });

  it('one document removed, one changed, several at once', () => {
    expectSameAsScratch(previous, corpus.filter((_, i) => i !== 17));
    expectSameAsScratch(previous, corpus.map((d, i) => (i === 400 ? newReport(d, 'doc_changed_0400', 777) : d)));
    expectSameAsScratch(previous, [...corpus.filter((_, i) => i % 97 !== 3), newReport(corpus[650]!, 'doc_new_000002', 120), newReport(corpus[10]!, 'doc_new_000003', 333)]);
  });

  it('a document whose evidence changed under the same doc_id (a renamed file read as another format) is linked anew', () => {
    // Report 5 of campaign 0 now reads as a report of campaign 1, then as a report of no campaign.
    const moved = corpus.map((d, i) => (i === 5 ? { ...corpus[350]!, doc_id: d.doc_id } : d));
    const scratch = linkCampaigns(moved);
    expect(scratch.docCampaign.get(corpus[5]!.doc_id)).toBe(scratch.docCampaign.get(corpus[350]!.doc_id));
    expectSameAsScratch(previous, moved);
    expectSameAsScratch(previous, corpus.map((d, i) => (i === 5 ? { ...d, mentions: [] } : d)));
    expectSameAsScratch(cacheOf(moved), corpus);
  });

  it("a report whose evidence changed but not its campaign's members: that campaign's row is drafted again", () => {
    // Report 5 is published later: its campaign keeps its members, but not its last_reported.
    const later = corpus.map((d, i) => (i === 5 ? { ...d, published_date: d.published_date!.replace(/-01$/, '-15') } : d));
    const campaignOf5 = (docs: DocCampaignEvidence[]) => linkCampaigns(docs).campaigns.find((c) => c.doc_ids.includes(corpus[5]!.doc_id))!;
    expect(campaignOf5(later).doc_ids).toBe(campaignOf5(corpus).doc_ids);
    expect(campaignOf5(later).last_reported).not.toBe(campaignOf5(corpus).last_reported);
    expectSameAsScratch(previous, later);
  });

  it('reports without a launch month (no month keys: units meet changes through name and figure keys only)', () => {
    const monthless = campaignEvidence(4, 120, 17).map((d) => ({ ...d, mentions: d.mentions.map((m) => ({ ...m, launchMonth: null, launchDay: null, launchMonthOffset: null })) }));
    const cache = cacheOf(monthless);
    const added = expectSameAsScratch(cache, [...monthless, newReport(monthless[130]!, 'doc_new_000005', 640)]);
    expect(added.rescored + added.updated).toBeGreaterThan(1);
    expect(added.rescored + added.updated).toBeLessThan(added.units / 2);
    const removed = expectSameAsScratch(cache, monthless.filter((_, i) => i !== 250));
    expect(removed.updated).toBeGreaterThan(0);
  });

  it('reports that share only a launch-month key (no name, no identifying figure) meet through it', () => {
    // An incremental run indexes only the units under the keys it queries; a month key is its own
    // base, so a unit under it must be indexed though it shares no name or figure base.
    const report = (id: string, day: number): DocCampaignEvidence => {
      const lead = `The Ministry of Public Security launched a special campaign on June ${day}, 2015 against telecom fraud.`;
      return { doc_id: id, published_date: '2015-12-01', mentions: findCampaignMentions(lead, [{ start: 0, end: lead.length }]), figures: [] };
    };
    const docs = [3, 5, 7, 9].map((day) => report(`doc_b_${day}`, day));
    const first = report('doc_a_0', 11); // scored again, and first in unit order: it finds the others in the index
    expect(new Set(linkCampaigns([...docs, first]).docCampaign.values()).size).toBe(1);
    expectSameAsScratch(cacheOf(docs), [...docs, first]);
    expectSameAsScratch(cacheOf([...docs, first]), docs);
  });

  it('an added report of one of several unrelated campaigns: the index holds only the units it is asked about', () => {
    // Campaigns with distinct names, measures and months share no blocking key, so the added report's keys
    // cover one campaign; scoring it again asks for keys of its name (word subsets of other lengths)
    // beyond those, and the index is built again for them.
    const names = ['Sword Net', 'Thunder', 'Fox Hunt', 'Kunlun', 'Spring Breeze', 'Iron Fist'];
    const measures = ['persons_arrested', 'cases_solved', 'websites_closed', 'accounts_frozen', 'items_seized', 'funds_frozen'];
    const months = ['January', 'March', 'May', 'July', 'September', 'November'];
    const report = (c: number, r: number, local: number): DocCampaignEvidence => {
      const lead = `The Ministry of Public Security launched Operation ${names[c]} in ${months[c]} 2016 against telecom fraud.`;
      const figures: DocCampaignEvidence['figures'] = [
        { measure: measures[c]!, value: 40_000 * (c + 1), qualifier: 'exact' },
        { measure: measures[c]!, value: local, qualifier: 'exact', place_code: 'CN-44' },
      ];
      return { doc_id: `doc_${c}_${String(r).padStart(3, '0')}`, published_date: '2016-12-01', mentions: findCampaignMentions(lead, [{ start: 0, end: lead.length }]), figures };
    };
    const docs = names.flatMap((_, c) => Array.from({ length: 20 }, (_, r) => report(c, r, 100 + r)));
    expect(new Set(linkCampaigns(docs).docCampaign.values()).size).toBe(names.length);
    const { rescored, keptClustering, units } = expectSameAsScratch(cacheOf(docs), [...docs, report(2, 999, 777)]);
    expect(rescored).toBeGreaterThan(0);
    // The five campaigns the report does not reach keep their groups without being merged again;
    // the one it joins (its 20 reports are one unit each, and the new one) is clustered again.
    expect(units).toBe(docs.length + 1);
    expect(keptClustering).toBe(docs.length - 20);
  });

  it("a damaged record of the groups in the link cache is refused, never restored or followed forever", () => {
    const docs = campaignEvidence(2, 30, 23);
    const cache = cacheOf(docs);
    const grouped = cache.units.findIndex((u) => u.next >= 0);
    expect(grouped).toBeGreaterThanOrEqual(0);
    const withNext = (edit: (units: typeof cache.units) => void) => {
      const units = cache.units.map((u) => ({ ...u }));
      edit(units);
      return { ...cache, units };
    };
    const damaged = [
      withNext((units) => (units[units[grouped]!.next]!.next = grouped)), // a loop
      withNext((units) => (units[grouped]!.next = units.length)), // out of the cache
      withNext((units) => (units[units.length - 1]!.next = units[grouped]!.next)), // one unit after two
    ];
    for (const previous of damaged) expect(() => linkCampaigns(docs, undefined, previous)).toThrow(/link cache: .*rebuild without out\/link/);
  });

  it("a removed report: the units of its campaign's component are clustered again, the others keep their groups", () => {
    // The units after it keep the links they had, but their component is no longer the one it
    // was (smaller): only all of a component's units with all their links can keep its groups.
    const docs = campaignEvidence(2, 40, 21);
    const cache = cacheOf(docs);
    const all = expectSameAsScratch(cache, docs);
    expect(all.keptClustering).toBe(all.units);
    for (const gone of [0, 13, 39, 40]) {
      const { keptClustering, units } = expectSameAsScratch(cache, docs.filter((_, i) => i !== gone));
      expect(keptClustering).toBeLessThan(units);
      expect(keptClustering).toBeGreaterThanOrEqual(39); // the other campaign's 40 reports, less one if it was the one removed
    }
  });

  it('a report without any mention joins a campaign by its figures, added or already there', () => {
    // Orphans look up their figure keys in the key index, which an incremental run builds only for
    // the keys it queries.
    const mentions = findCampaignMentions(LEAD, [{ start: 0, end: LEAD.length }]);
    const totals: DocCampaignEvidence['figures'] = [
      { measure: 'persons_arrested', value: 10_000, qualifier: 'exact' },
      { measure: 'cases_solved', value: 3_000, qualifier: 'exact' },
      { measure: 'websites_closed', value: 500, qualifier: 'exact' },
      { measure: 'accounts_frozen', value: 2_000, qualifier: 'exact' },
    ];
    const reports = [0, 1, 2].map((i): DocCampaignEvidence => ({ doc_id: `doc_r_${i}`, published_date: '2015-12-01', mentions, figures: [...totals, { measure: 'persons_arrested', value: 120 + i, qualifier: 'exact', place_code: 'CN-44' }] }));
    const orphan: DocCampaignEvidence = { doc_id: 'doc_o_0', published_date: '2015-12-02', mentions: [], agencies: ['Ministry of Public Security'], figures: totals };
    const joined = linkCampaigns([...reports, orphan]).docCampaign;
    expect(joined.get(orphan.doc_id)).toBe(joined.get(reports[0]!.doc_id));
    expectSameAsScratch(cacheOf(reports), [...reports, orphan]);
    expectSameAsScratch(cacheOf([...reports, orphan]), [...reports, orphan, newReport(reports[0]!, 'doc_new_000006', 345)]);
  });

  it('a block crossing the full-comparison size and a power of two', () => {
    const full = 2 * BLOCK_NEIGHBOURHOOD + 1;
    for (const size of [full, full + 1, 256, 257]) {
      const docs = campaignEvidence(1, size, 11);
      const cache = cacheOf(docs);
      expectSameAsScratch(cache, [...docs, newReport(docs[0]!, 'doc_new_000004', 515)]);
      expectSameAsScratch(cache, docs.slice(1));
    }
  });

  it('documents with a very long name (compared with every named unit, not through the index) added and removed', () => {
    // Same long name, agency and year, no launch month and figures of different measures: the two
    // share no blocking key, so only the long-name comparison links them.
    const mentions = findCampaignMentions(LEAD, [{ start: 0, end: LEAD.length }]).map((m) => (m.kind === 'descriptive' || !m.normalizedName ? m : { ...m, normalizedName: LONG_NAME }));
    expect(mentions.some((m) => m.normalizedName === LONG_NAME)).toBe(true);
    const longNamed = (id: string, figure: DocCampaignEvidence['figures'][number]): DocCampaignEvidence => ({ doc_id: id, published_date: '2015-12-01', mentions, figures: [figure] });
    const first = longNamed('doc_long_0001', { measure: 'persons_arrested', value: 77_777, qualifier: 'exact' });
    const second = longNamed('doc_long_0002', { measure: 'cases_solved', value: 5_555, qualifier: 'exact' });
    const withFirst = cacheOf([...corpus, first]);
    const both = linkCampaigns([...corpus, first, second]);
    expect(both.docCampaign.get(first.doc_id)).toBe(both.docCampaign.get(second.doc_id));
    expectSameAsScratch(withFirst, [...corpus, first, second]);
    expectSameAsScratch(previous, [...corpus, first]);
    expectSameAsScratch(withFirst, corpus);
    expectSameAsScratch(cacheOf([...corpus, first, second]), [...corpus, second]);
  });

  it("a chain of random edits, each run from the last run's cache", () => {
    const random = mulberry32(3);
    const pool = campaignEvidence(8, 60, 5);
    let docs = pool.slice(0, 400);
    let cache = cacheOf(docs);
    const updates: number[] = [];
    for (let step = 0; step < 6; step++) {
      const next = docs.filter(() => random() > 0.02);
      for (let k = 0; k < 1 + Math.floor(random() * 4); k++) {
        const base = pool[Math.floor(random() * pool.length)]!;
        next.push(newReport(base, `doc_edit_${step}_${k}`, 50 + Math.floor(random() * 900)));
      }
      const { updated } = expectSameAsScratch(cache, next);
      updates.push(updated);
      cache = cacheOf(next, cache);
      docs = next;
    }
    // Most units of these blocks meet an edit and are updated (scored against the added units only).
    expect(Math.min(...updates)).toBeGreaterThan(0);
  });

  it('a chain of random edits in blocks so large that units keep only their 200 likeliest candidates', () => {
    const random = mulberry32(9);
    const pool = campaignEvidence(2, 420, 13);
    let docs = pool.slice(0, 760);
    let cache = cacheOf(docs);
    const steps: { rescored: number; updated: number; recut: number; units: number }[] = [];
    for (let step = 0; step < 4; step++) {
      const next = docs.filter(() => random() > 0.01);
      for (let k = 0; k < 1 + Math.floor(random() * 3); k++) {
        const base = pool[Math.floor(random() * pool.length)]!;
        next.push(newReport(base, `doc_cut_${step}_${k}`, 50 + Math.floor(random() * 900)));
      }
      steps.push(expectSameAsScratch(cache, next));
      cache = cacheOf(next, cache);
      docs = next;
    }
    expect(cache.units.some((unit) => unit.cut !== null)).toBe(true);
    // Units whose kept candidates did not change are updated, not scored again; those whose kept
    // candidates changed score only the candidates they had not kept.
    expect(steps.every((s) => s.updated > 0 && s.rescored < s.units / 2)).toBe(true);
    expect(steps.some((s) => s.recut > 0)).toBe(true);
  });
});

describe('linking from profiles kept between runs (the link stage keeps profiles, not mentions)', () => {
  /** A profile through its fields and JSON text, as link-docs/ keeps it. */
  const kept = (d: DocCampaignEvidence): DocProfile => {
    const fields = JSON.parse(JSON.stringify(profileFields(profileDocument(d)))) as ProfileFields;
    return profileFromFields(d.doc_id, fields, flatHeadline(d.figures));
  };
  const digestOf = (docs: readonly DocCampaignEvidence[]) => {
    const byId = new Map(docs.map((d) => [d.doc_id, createHash('sha256').update(JSON.stringify(d)).digest('base64')]));
    return (docId: string): string => byId.get(docId)!;
  };
  const leads = [
    LEAD,
    'Police in Guangdong said the "Thunder 2023" campaign, launched last month by the provincial public security department, had run for six months.',
    'The Cyberspace Administration of China began a special action in March to clean up the internet, its third this year.',
    'No campaign is named here.',
  ];
  const mentioned = leads.map((lead, i): DocCampaignEvidence => ({
    doc_id: `doc_lead_${i}`,
    published_date: i === 3 ? null : '2023-05-10',
    mentions: findCampaignMentions(lead, [{ start: 0, end: lead.length }]),
    figures: [{ measure: 'persons_arrested', value: 1000 + i, qualifier: 'over' }],
  }));

  it('a profile made again from its fields is the profile (names and forms in their order, dates, agency, figures)', () => {
    expect(mentioned.filter((d) => d.mentions.length > 0).length).toBeGreaterThanOrEqual(3);
    for (const d of [...mentioned, ...campaignEvidence(3, 40, 29)]) expect(kept(d), d.doc_id).toEqual(profileDocument(d));
  });

  it('links profiled documents as it links their evidence, from scratch and from the last run', () => {
    const docs = [...campaignEvidence(3, 60, 31), ...mentioned];
    const fromEvidence = linkCampaigns(docs, undefined, null, digestOf(docs));
    const fromProfiles = linkCampaigns(docs.map(kept), undefined, null, digestOf(docs));
    expect(fromProfiles.campaigns).toEqual(fromEvidence.campaigns);
    expect([...fromProfiles.docCampaign]).toEqual([...fromEvidence.docCampaign]);
    // The last run gives the profiles of documents gone since, as the link stage does.
    const after = [...docs.filter((_, i) => i % 17 !== 4), newReport(docs[3]!, 'doc_new_profiled', 404)];
    const byId = new Map(docs.map((d) => [d.doc_id, kept(d)]));
    const last = cacheOf(docs);
    const incremental = linkCampaigns(after.map(kept), undefined, { ...last, evidence: (docId) => byId.get(docId) }, digestOf(after));
    const scratch = linkCampaigns(after, undefined, null, digestOf(after));
    expect(incremental.campaigns).toEqual(scratch.campaigns);
    expect(incremental.linkCache.map(linkCacheLine)).toEqual(scratch.linkCache.map(linkCacheLine));
    expect(() => linkCampaigns(docs.map(kept))).toThrow(/comes as a profile without its digest, and no digestOf was given/);
    // Profiles that carry their digests (as the link stage makes them) need no digestOf.
    const carrying = (list: DocCampaignEvidence[]) => {
      const of = digestOf(list);
      return list.map((d) => ({ ...kept(d), digest: of(d.doc_id) }));
    };
    expect(linkCampaigns(carrying(docs)).campaigns).toEqual(fromEvidence.campaigns);
    const carried = linkCampaigns(carrying(after), undefined, { ...last, evidence: (docId) => byId.get(docId) });
    expect(carried.campaigns).toEqual(scratch.campaigns);
    expect(carried.linkCache.map(linkCacheLine)).toEqual(scratch.linkCache.map(linkCacheLine));
  });
});
