// Linking at corpus scale: blocks far larger than the sorted-neighbourhood window and than the
// per-unit candidate cap (MAX_SCORED_CANDIDATES) must still come out as one campaign per campaign.
import { describe, expect, it } from 'vitest';
import { findCampaignMentions } from '../pipeline/lib/campaigns.js';
import { BLOCK_NEIGHBOURHOOD, linkCampaigns, MAX_SCORED_CANDIDATES, type DocCampaignEvidence, type HeadlineFigure } from '../pipeline/lib/campaignLinking.js';
import { campaignEvidence } from '../bench/linkScale.js';

const LEAD = 'The Ministry of Public Security launched Operation Sword Net in July 2023 against telecom fraud.';
const MENTIONS = findCampaignMentions(LEAD, [{ start: 0, end: LEAD.length }]);

/** Report i of one campaign: the national total everybody repeats, plus a local figure of its own. */
function report(i: number, nationalArrests: number, prefix: string): DocCampaignEvidence {
  const figures: HeadlineFigure[] = [
    { measure: 'persons_arrested', value: nationalArrests, qualifier: 'exact' },
    // A place of its own: never comparable with another report's local figure, so no conflict,
    // but every report differs from the others (none collapse into one unit).
    { measure: 'cases_solved', value: 100 + i, qualifier: 'exact', unit: 'cases', place_code: `${prefix}-${i}` },
  ];
  return { doc_id: `doc_${prefix}${String(i).padStart(5, '0')}`, published_date: '2023-12-01', mentions: MENTIONS, figures };
}

describe('linking beyond the blocking window and the candidate cap', () => {
  it('the lead sentence gives one named, dated mention', () => {
    expect(MENTIONS.length).toBeGreaterThan(0);
    expect(MENTIONS.some((m) => m.launchMonth === 7 && m.launchYear === 2023)).toBe(true);
  });

  it(`${4 * MAX_SCORED_CANDIDATES} reports of one campaign are one campaign`, () => {
    const n = 4 * MAX_SCORED_CANDIDATES;
    expect(n).toBeGreaterThan(2 * BLOCK_NEIGHBOURHOOD + 1);
    const docs = Array.from({ length: n }, (_, i) => report(i, 15_000, 'a'));
    const { campaigns, docCampaign } = linkCampaigns(docs);
    expect(campaigns).toHaveLength(1);
    expect(campaigns[0]!.n_documents).toBe(n);
    expect(new Set(docCampaign.values())).toEqual(new Set([campaigns[0]!.campaign_id]));
  });

  it('reports naming the campaign and stating its year stay one campaign despite disagreeing local figures', () => {
    // Same name, same stated year: figures that disagree do not split a campaign (later reports give
    // larger totals). Local figures of ten provinces with random values make the group summaries
    // unable to rule out disagreements, so this exercises the name-and-year shortcut.
    const n = 2 * MAX_SCORED_CANDIDATES;
    const docs = Array.from({ length: n }, (_, i) => {
      const doc = report(i, 15_000, 'c');
      return { ...doc, figures: [doc.figures[0]!, { measure: 'persons_arrested', value: 200 + ((i * 37) % 500), qualifier: 'exact' as const, place_code: `CN-${10 + (i % 10)}` }] };
    });
    const { campaigns } = linkCampaigns(docs);
    expect(campaigns).toHaveLength(1);
    expect(campaigns[0]!.n_documents).toBe(n);
  });

  it('gives the same campaigns whatever the input order', () => {
    const docs = Array.from({ length: 3 * MAX_SCORED_CANDIDATES }, (_, i) => report(i, 15_000, 'b'));
    const forward = linkCampaigns(docs);
    const backward = linkCampaigns([...docs].reverse());
    expect(backward.campaigns).toEqual(forward.campaigns);
    expect([...backward.docCampaign].sort()).toEqual([...forward.docCampaign].sort());
  });

  it("bench/linkScale's evidence (official totals repeated, disagreeing local figures) comes out one campaign per campaign", () => {
    const docs = campaignEvidence(4, 300);
    const { campaigns } = linkCampaigns(docs);
    expect(campaigns.map((c) => c.n_documents)).toEqual([300, 300, 300, 300]);
  });
});

describe('linking a corpus that names many agencies', () => {
  it('reports of 1,100 different agencies (more than 2^10 facets) are linked, one campaign per agency', () => {
    // Year and agency facets were once numbered together within the 10-bit year field.
    const docs = Array.from({ length: 1_100 }, (_, i): DocCampaignEvidence => ({
      doc_id: `doc_agency_${String(i).padStart(5, '0')}`,
      published_date: '2023-12-01',
      mentions: MENTIONS.map((m) => ({ ...m, agency: `Public Security Bureau of County ${i}` })),
      figures: [],
    }));
    const { campaigns } = linkCampaigns(docs);
    expect(campaigns).toHaveLength(1_100);
    expect(new Set(campaigns.map((c) => c.agency)).size).toBe(1_100);
  });
});
