// link keeps each campaign's draft with its table line (link-drafts.jsonl), and writes a kept
// campaign's row from that line without parsing it. Two campaigns whose attributes give the same
// base id take their first document as tie-breaker: when an added report makes a kept campaign
// collide, its row and id key must be read back from the line. Either way the tables are those a
// build from scratch writes.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLogged, folderHashes, ROOT, tableLines, tempDir } from './helpers/build.js';

const FIXTURES = path.join(ROOT, 'tests/fixtures/campaigns/disagreeing-figures');
/** Two reports of one generic "special action" by the same ministry that disagree on the arrests: two campaigns, one base id. */
const FIRST = 'special-action-15000-arrests.txt';
const SECOND = 'special-action-60000-arrests.txt';

const campaignIds = (out: string): string[] =>
  tableLines(path.join(out, 'link'), 'campaigns').map((line) => (JSON.parse(line) as { campaign_id: string }).campaign_id);

describe("link's kept campaign drafts", () => {
  it('give the tables of a build from scratch when an added report makes a kept campaign collide, and when it no longer does', async () => {
    const corpus = tempDir('kept-drafts-corpus');
    const out = tempDir('kept-drafts-out');
    fs.copyFileSync(path.join(FIXTURES, FIRST), path.join(corpus, FIRST));
    await buildLogged(corpus, out);
    const [alone] = campaignIds(out);

    fs.copyFileSync(path.join(FIXTURES, SECOND), path.join(corpus, SECOND));
    const added = await buildLogged(corpus, out);
    expect(added).toMatch(/link: 1 of 2 campaign rows taken from the last run/);
    const colliding = campaignIds(out);
    // Both now take a tie-broken id, the kept campaign too: its id key came from its kept line.
    expect(colliding).toHaveLength(2);
    expect(colliding).not.toContain(alone);
    const scratch = tempDir('kept-drafts-scratch');
    await buildLogged(corpus, scratch);
    expect(folderHashes(path.join(out, 'link'))).toEqual(folderHashes(path.join(scratch, 'link')));
    expect(folderHashes(path.join(out, 'dataset'))).toEqual(folderHashes(path.join(scratch, 'dataset')));

    fs.rmSync(path.join(corpus, SECOND));
    const removed = await buildLogged(corpus, out);
    expect(removed).toMatch(/link: 1 of 1 campaign rows taken from the last run/);
    expect(campaignIds(out)).toEqual([alone]);
    const scratchAgain = tempDir('kept-drafts-scratch-again');
    await buildLogged(corpus, scratchAgain);
    expect(folderHashes(path.join(out, 'link'))).toEqual(folderHashes(path.join(scratchAgain, 'link')));
  }, 120_000);

  it('link the last run\'s drafts file when every draft is kept in its order, and write it when one is not', async () => {
    const corpus = tempDir('kept-drafts-whole-corpus');
    const out = tempDir('kept-drafts-whole-out');
    fs.copyFileSync(path.join(FIXTURES, FIRST), path.join(corpus, FIRST));
    await buildLogged(corpus, out);
    const draftsFile = path.join(out, 'link', 'link-drafts.jsonl');
    const before = fs.statSync(draftsFile).ino;

    // A report of no campaign: the one campaign's draft is kept as it was.
    fs.writeFileSync(path.join(corpus, 'no-campaign.txt'), 'Police in Hangzhou arrested 12 people on suspicion of running an online gambling site, officials said on Tuesday.\n');
    expect(await buildLogged(corpus, out)).toMatch(/link: 1 of 1 campaign rows taken from the last run/);
    expect(fs.statSync(draftsFile).ino).toBe(before);
    const scratch = tempDir('kept-drafts-whole-scratch');
    await buildLogged(corpus, scratch);
    expect(folderHashes(path.join(out, 'link'))).toEqual(folderHashes(path.join(scratch, 'link')));

    // A second campaign's draft is new: the file is written.
    fs.copyFileSync(path.join(FIXTURES, SECOND), path.join(corpus, SECOND));
    expect(await buildLogged(corpus, out)).toMatch(/link: 1 of 2 campaign rows taken from the last run/);
    expect(fs.statSync(draftsFile).ino).not.toBe(before);
    const scratchAgain = tempDir('kept-drafts-whole-scratch-again');
    await buildLogged(corpus, scratchAgain);
    expect(folderHashes(path.join(out, 'link'))).toEqual(folderHashes(path.join(scratchAgain, 'link')));
  }, 120_000);
});
