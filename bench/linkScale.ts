// Campaign linking on evidence shaped like real reporting, the opposite of `make bench`'s corpus:
// C campaigns, each reported by R documents that repeat its official totals (some rounded or
// qualified, "over 15,000") and add one local figure for a province (local values disagree, as
// they do across outlets). Every campaign should come out whole; the time and memory show how
// linking copes with very large campaigns.
//   tsx bench/linkScale.ts [--campaigns 50] [--reports 2000]
//   -> prints one line: documents, campaigns, largest campaigns, seconds, peak RSS
import { findCampaignMentions } from '../pipeline/lib/campaigns.js';
import { linkCampaigns, type DocCampaignEvidence, type HeadlineFigure } from '../pipeline/lib/campaignLinking.js';
import { mulberry32 } from './generate.js';

const NAMES = ['Sword Net', 'Clean Network', 'Summer Thunder', 'Jingwang', 'Qinglang', 'Fox Hunt', 'Skynet', 'Safe Harbor', 'Cloud Sword', 'Iron Fist'];
const MONTHS = ['March', 'May', 'July'];

export function campaignEvidence(campaigns: number, reports: number, seed = 7): DocCampaignEvidence[] {
  const random = mulberry32(seed);
  const docs: DocCampaignEvidence[] = [];
  for (let c = 0; c < campaigns; c++) {
    const name = NAMES[c % NAMES.length]!;
    const year = 2015 + Math.floor(c / NAMES.length);
    const lead = `The Ministry of Public Security launched Operation ${name} in ${MONTHS[c % MONTHS.length]} ${year} against telecom fraud.`;
    const mentions = findCampaignMentions(lead, [{ start: 0, end: lead.length }]);
    const arrests = 10_000 + c * 137;
    const cases = 3_000 + c * 71;
    for (let r = 0; r < reports; r++) {
      const roll = random();
      const qualifier: HeadlineFigure['qualifier'] = roll < 0.3 ? 'over' : roll < 0.45 ? 'about' : 'exact';
      const figures: HeadlineFigure[] = [
        { measure: 'persons_arrested', value: qualifier === 'exact' ? arrests : Math.floor(arrests / 1000) * 1000, qualifier },
        { measure: 'cases_solved', value: cases, qualifier: 'exact' },
        { measure: 'persons_arrested', value: 50 + Math.floor(random() * 900), qualifier: 'exact', place_code: `CN-${10 + Math.floor(random() * 30)}` },
      ];
      docs.push({ doc_id: `doc_${String(c).padStart(3, '0')}_${String(r).padStart(6, '0')}`, published_date: `${year}-12-01`, mentions, figures });
    }
  }
  return docs;
}

function main(argv: string[]): void {
  const value = (name: string, fallback: number): number => {
    const at = argv.indexOf(`--${name}`);
    const n = at >= 0 ? Number(argv[at + 1]) : fallback;
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  const docs = campaignEvidence(value('campaigns', 50), value('reports', 2000));
  const started = performance.now();
  const { campaigns } = linkCampaigns(docs);
  const seconds = (performance.now() - started) / 1000;
  const largest = campaigns.map((c) => c.n_documents).sort((a, b) => b - a).slice(0, 3).join(', ');
  const rssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`linkScale: ${docs.length} documents -> ${campaigns.length} campaigns (largest ${largest}) in ${seconds.toFixed(1)} s, peak RSS ${rssMb.toFixed(0)} MB\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`linkScale: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}
