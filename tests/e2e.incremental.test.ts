// Incremental builds: after articles are added, changed and removed, a rebuild that reuses the last
// build (per-document records, link's candidate links and rows) must publish exactly what a build
// from scratch of the same articles publishes, and every stage's own output must match too.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { generateArticle } from '../bench/generate.js';
import { DEFAULT_SEGMENT_RULE, fileSegments, segmentFileName, tableFiles, tableRecords, type SegmentRule } from '../pipeline/lib/segments.js';
import { TABLE_NAMES } from '../pipeline/lib/schema.js';
import { hashFolder } from '../pipeline/lib/stage.js';
import { STAGES } from '../pipeline/stages/index.js';
import { cacheDigests } from '../pipeline/stages/link.js';
import { digestFileHashes } from '../pipeline/lib/validateRun.js';
import { ROOT, SEEDS, build, folderHashes, tempDir } from './helpers/build.js';

const HOLDOUT = path.join(ROOT, 'tests/fixtures/holdout/articles');
const STAGE_FOLDERS = ['ingest', 'clean', 'extract', 'link', 'validate', 'dataset'];

function copyArticles(from: string, to: string, names: readonly string[]): void {
  fs.mkdirSync(to, { recursive: true });
  for (const name of names) fs.copyFileSync(path.join(from, name), path.join(to, name));
}

/** A rebuild that used its caches: no stage fell back to building from scratch (which would hide a bug in a cache). */
function expectCachesUsed(result: Awaited<ReturnType<typeof build>>): void {
  expect(result.ok).toBe(true);
  expect(result.reports.filter((r) => r.fellBack !== undefined).map((r) => `${r.stage}: ${r.fellBack}`)).toEqual([]);
}

/** A build of the first `count` seed articles, in fresh folders; `articles`: every seed, sorted, to add later. */
async function builtFromSeeds(name: string, count = 3): Promise<{ corpus: string; out: string; articles: string[] }> {
  const corpus = tempDir(`incr-${name}`);
  const articles = fs.readdirSync(SEEDS).sort();
  copyArticles(SEEDS, corpus, articles.slice(0, count));
  const out = tempDir(`incr-${name}-out`);
  expect((await build(corpus, out)).ok).toBe(true);
  return { corpus, out, articles };
}

/** Every stage folder's files and their hashes. */
function stageOutputs(out: string): Record<string, Record<string, string>> {
  return Object.fromEntries(STAGE_FOLDERS.map((stage) => [stage, folderHashes(path.join(out, stage))]));
}

/**
 * Every stage's recorded output hash is the hash of the files in its folder now, read again: the
 * hashes a stage vouches for instead of having its files read (knownHashes) must be those of the
 * files it wrote. link's tables stand in it by their segments' hashes, recomputed here from the bytes.
 */
async function expectOutputHashesTrue(out: string, rule: SegmentRule = DEFAULT_SEGMENT_RULE): Promise<void> {
  for (const stage of STAGE_FOLDERS) {
    const dir = path.join(out, stage);
    const known: Record<string, string> = {};
    const stamp = JSON.parse(fs.readFileSync(path.join(out, `${stage}.stamp.json`), 'utf8')) as { output_hash: string; code_hash: string };
    if (stage === 'link') {
      // Each segment file holds exactly the segment that cutting the whole table gives at its place
      // (link vouches for the files by the segments' hashes).
      for (const table of TABLE_NAMES) {
        const files = tableFiles(path.join(dir, table));
        expect([...fileSegments(files, rule)].map((segment, i) => segmentFileName(i, segment.hash)), table).toEqual(files.map((file) => path.basename(file)));
      }
      // Link vouches for its caches by its code and its input, the extract shards link-docs.json lists:
      // they must be the extract stage's shards, in order.
      type Shards = { shards: { shard: string; sha256?: string; extract?: string }[] };
      const listed = (JSON.parse(fs.readFileSync(path.join(dir, 'link-docs.json'), 'utf8')) as Shards).shards;
      const extracted = (JSON.parse(fs.readFileSync(path.join(out, 'extract', 'shards.json'), 'utf8')) as Shards).shards;
      expect(listed.map((r) => [r.shard, r.extract])).toEqual(extracted.map((s) => [s.shard, s.sha256]));
      Object.assign(known, cacheDigests(stamp.code_hash, listed as { shard: string; extract: string }[]));
    }
    if (stage === 'validate') {
      // Validate vouches for its digest files by their segments: the index must describe the folder
      // file by file (name, size, and the digest's table, segment and rows inside).
      type Entry = [string, number, string, number];
      const index = JSON.parse(fs.readFileSync(path.join(dir, 'segments-index.json'), 'utf8')) as { tables: Record<string, Entry[]> };
      for (const table of TABLE_NAMES) {
        const entries = index.tables[table]!;
        expect(fs.readdirSync(path.join(dir, 'segments', table)).sort(), table).toEqual(entries.map(([, , name]) => name));
        for (const [hash, rows, name, length] of entries) {
          const text = fs.readFileSync(path.join(dir, 'segments', table, name), 'utf8');
          expect(Buffer.byteLength(text)).toBe(length);
          expect(JSON.parse(text)).toMatchObject({ table, hash, rows });
        }
      }
      Object.assign(known, digestFileHashes(stamp.code_hash, index.tables));
    }
    expect(await hashFolder(dir, known), stage).toBe(stamp.output_hash);
  }
}

/** The build in `out` equals, stage folder by stage folder, a build from scratch of the same corpus. */
async function expectSameAsScratch(corpus: string, out: string, options: { segmentRule?: SegmentRule } = {}): Promise<void> {
  const scratch = tempDir('incr-scratch');
  expect((await build(corpus, scratch, STAGES, options)).ok).toBe(true);
  expect(stageOutputs(out)).toEqual(stageOutputs(scratch));
}

/**
 * Two reports of one campaign. The first alone gives it an id from its name, agency and year; the
 * second states the launch month, so the campaign's id (name, agency, year-month) changes for the
 * first report too, although its text did not.
 */
const YEAR_ONLY_REPORT = `Operation Sword Net nets 15,321 suspects

The Ministry of Public Security said Operation Sword Net, launched in 2023 against telecom fraud, has led to the arrest of 15,321 suspects.
`;
const DATED_REPORT = `Police launch Operation Sword Net

The Ministry of Public Security launched Operation Sword Net in July 2023 against telecom fraud. Police have arrested 15,321 suspects so far.
`;

function campaignOf(out: string, sourceFile: string): string | null {
  const rows = [...tableRecords<{ source_file: string; campaign_id: string | null }>(path.join(out, 'link', 'documents'))];
  return rows.find((r) => r.source_file === sourceFile)!.campaign_id;
}

describe('incremental build', () => {
  it('re-writes the rows of an unchanged document whose campaign changed', async () => {
    const corpus = tempDir('incr-campaign');
    copyArticles(SEEDS, corpus, fs.readdirSync(SEEDS).sort().slice(0, 2));
    fs.writeFileSync(path.join(corpus, 'year-only-report.txt'), YEAR_ONLY_REPORT);
    const out = tempDir('incr-campaign-out');
    expect((await build(corpus, out)).ok).toBe(true);
    const before = campaignOf(out, 'year-only-report.txt');
    expect(before).not.toBeNull();

    fs.writeFileSync(path.join(corpus, 'dated-report.txt'), DATED_REPORT);
    expectCachesUsed(await build(corpus, out));
    expect(campaignOf(out, 'year-only-report.txt')).toBe(campaignOf(out, 'dated-report.txt'));
    expect(campaignOf(out, 'year-only-report.txt')).not.toBe(before);

    const scratch = tempDir('incr-campaign-scratch');
    expect((await build(corpus, scratch)).ok).toBe(true);
    expect(stageOutputs(out)).toEqual(stageOutputs(scratch));
  }, 240_000);

  it('equals a build from scratch after articles are added, changed and removed', async () => {
    const seeds = fs.readdirSync(SEEDS).sort();
    const holdout = fs.readdirSync(HOLDOUT).sort();
    const corpus = tempDir('incr-corpus');
    copyArticles(SEEDS, corpus, seeds.slice(0, 4));
    copyArticles(HOLDOUT, corpus, holdout.slice(0, 3));
    const out = tempDir('incr-out');
    expect((await build(corpus, out)).ok).toBe(true);
    expect(fs.existsSync(path.join(out, 'link', 'link-cache.jsonl'))).toBe(true);

    // One added, one removed, one changed (a sentence with new figures appended).
    copyArticles(SEEDS, corpus, seeds.slice(4, 5));
    fs.rmSync(path.join(corpus, holdout[0]!));
    const changed = path.join(corpus, seeds[1]!);
    fs.appendFileSync(changed, '\nPolice said they had also arrested 1,234 suspects and seized 56 computers in the operation.\n');
    const incremental = await build(corpus, out);
    expectCachesUsed(incremental);
    expect(incremental.reports.every((r) => r.status !== 'up to date')).toBe(true);

    const scratch = tempDir('incr-scratch');
    expect((await build(corpus, scratch)).ok).toBe(true);
    expect(stageOutputs(out)).toEqual(stageOutputs(scratch));
  }, 240_000);

  it('equals a build from scratch after articles are renamed, copied, or renamed into another format', async () => {
    const seeds = fs.readdirSync(SEEDS).sort();
    const corpus = tempDir('incr-renamed');
    copyArticles(SEEDS, corpus, seeds.slice(0, 3));
    // Markup in a .txt file is text; the same bytes in an .html file are HTML (other text, offsets, figures).
    fs.writeFileSync(path.join(corpus, 'markup.txt'), `<h1>Operation Sword Net nets 15,321 suspects</h1>\n<p>${DATED_REPORT.split('\n')[2]}</p>\n<p>Police said 2,400 bank cards were <b>seized</b>.</p>\n`);
    const out = tempDir('incr-renamed-out');
    expect((await build(corpus, out)).ok).toBe(true);
    const documents = (): { source_files: string; format: string }[] => [...tableRecords<{ source_files: string; format: string }>(path.join(out, 'link', 'documents'))];
    const sourceFiles = (): string[] => documents().map((d) => d.source_files);
    expect(documents().find((d) => d.source_files === 'markup.txt')?.format).toBe('text');

    // The same bytes under other names: a document keeps its doc_id, but not its source_file(s).
    fs.renameSync(path.join(corpus, seeds[0]!), path.join(corpus, `renamed-${seeds[0]}`));
    fs.copyFileSync(path.join(corpus, seeds[1]!), path.join(corpus, `copy-of-${seeds[1]}`));
    fs.renameSync(path.join(corpus, 'markup.txt'), path.join(corpus, 'markup.html'));
    expectCachesUsed(await build(corpus, out));
    expect(sourceFiles()).toContain(`renamed-${seeds[0]}`);
    expect(sourceFiles()).toContain(`${seeds[1]}; copy-of-${seeds[1]}`);
    expect(documents().find((d) => d.source_files === 'markup.html')?.format).toBe('html');

    const scratch = tempDir('incr-renamed-scratch');
    expect((await build(corpus, scratch)).ok).toBe(true);
    expect(stageOutputs(out)).toEqual(stageOutputs(scratch));
  }, 240_000);

  it('rebuilds correctly when the caches of link, validate and emit are damaged, and says so', async () => {
    const { corpus, out, articles } = await builtFromSeeds('damaged');
    const digests = path.join(out, 'validate', 'segments', 'figures');
    const digest = path.join(digests, fs.readdirSync(digests).sort()[0]!);
    fs.writeFileSync(digest, fs.readFileSync(digest, 'utf8').slice(0, 40)); // truncated mid-line
    const index = path.join(out, '.cache', 'emit-segments.json');
    const { code_hash } = JSON.parse(fs.readFileSync(index, 'utf8')) as { code_hash: string };
    fs.writeFileSync(index, JSON.stringify({ code_hash, tables: { figures: { files: 7 }, documents: null, claims: { files: { csv: {} } } } })); // this code's, but not an index
    const linkCache = path.join(out, 'link', 'link-cache.jsonl');
    fs.writeFileSync(linkCache, fs.readFileSync(linkCache, 'utf8').slice(0, 30)); // truncated mid-line
    const linkDocs = tableFiles(path.join(out, 'link', 'link-docs'))[0]!;
    fs.writeFileSync(linkDocs, fs.readFileSync(linkDocs, 'utf8').slice(0, 120)); // truncated inside the first entry

    copyArticles(SEEDS, corpus, articles.slice(3, 4));
    const messages: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => (messages.push(String(chunk)), true)) as typeof process.stderr.write;
    let rebuilt: Awaited<ReturnType<typeof build>>;
    try {
      rebuilt = await build(corpus, out, undefined, { quiet: false });
    } finally {
      process.stderr.write = write;
    }
    expect(rebuilt.ok).toBe(true);
    expect(messages.join('')).toMatch(/validate: ignoring the digests of the last run/);
    expect(messages.join('')).toMatch(/link: ignoring the last run's output \(.+\): building from scratch/);
    expect(rebuilt!.reports.find((r) => r.stage === 'link')?.fellBack).toBeDefined();

    const scratch = tempDir('incr-damaged-scratch');
    expect((await build(corpus, scratch)).ok).toBe(true);
    expect(stageOutputs(out)).toEqual(stageOutputs(scratch));
  }, 240_000);

  it('copies whole table segments of unchanged rows, and still equals a build from scratch', async () => {
    // Synthetic articles, and segments of a few rows, so link's tables have dozens of segments.
    const rule = { meanRows: 8, minRows: 4, maxRows: 64 };
    const corpus = tempDir('incr-segments');
    const write = (index: number, revision = 0) => {
      const { relPath, content } = generateArticle(11, index, revision);
      fs.mkdirSync(path.dirname(path.join(corpus, relPath)), { recursive: true });
      fs.writeFileSync(path.join(corpus, relPath), content);
      return relPath;
    };
    const names = Array.from({ length: 120 }, (_, i) => write(i));
    const out = tempDir('incr-segments-out');
    expect((await build(corpus, out, STAGES, { segmentRule: rule })).ok).toBe(true);
    const spans = JSON.parse(fs.readFileSync(path.join(out, 'link', 'segments.json'), 'utf8')) as { tables: Record<string, unknown[]> };
    expect(spans.tables.figures!.length).toBeGreaterThan(20);

    write(120);
    write(121);
    write(7, 1);
    write(60, 1);
    fs.rmSync(path.join(corpus, names[30]!));
    const logged: string[] = [];
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((text) => (logged.push(String(text)), true));
    let result: Awaited<ReturnType<typeof build>>;
    try {
      result = await build(corpus, out, STAGES, { segmentRule: rule, quiet: false });
    } finally {
      stderr.mockRestore();
    }
    expectCachesUsed(result);
    const copied = logged.map((l) => /^link: (\d+) of (\d+) segments of the claims, figures and documents tables copied whole/.exec(l)).find((m) => m);
    expect(copied, logged.join('')).toBeTruthy();
    expect(Number(copied![1])).toBeGreaterThan(Number(copied![2]) / 3);
    // The summaries of the documents in unchanged extract shards are taken as they were.
    const summaries = logged.map((l) => /^link: summaries of (\d+) of (\d+) extract shards taken from the last run/.exec(l)).find((m) => m);
    expect(summaries, logged.join('')).toBeTruthy();
    expect(Number(summaries![1])).toBeGreaterThan(Number(summaries![2]) / 2);
    await expectOutputHashesTrue(out, rule);

    await expectSameAsScratch(corpus, out, { segmentRule: rule });
  }, 240_000);

  it('does not copy rows by a link-rows.tsv edited since the last run, and rebuilds from a truncated one', async () => {
    const { corpus, out, articles } = await builtFromSeeds('rows');
    const rows = path.join(out, 'link', 'link-rows.tsv');

    // Same size, other offsets: copying by them would publish the wrong rows.
    const lines = fs.readFileSync(rows, 'utf8').trimEnd().split('\n');
    const shifted = lines.map((line) => line.replace(/\t(\d+)\t(\d+)$/, (_, offset: string, length: string) => `\t${String(Math.max(0, Number(offset) - 1)).padStart(offset.length, '0')}\t${length}`));
    fs.writeFileSync(rows, `${shifted.join('\n')}\n`);
    copyArticles(SEEDS, corpus, articles.slice(3, 4));
    expectCachesUsed(await build(corpus, out));
    await expectSameAsScratch(corpus, out);

    // Truncated inside a line: link says so and builds from scratch.
    fs.writeFileSync(rows, fs.readFileSync(rows, 'utf8').slice(0, 30));
    fs.utimesSync(rows, new Date(0), new Date(0)); // older than segments.json, so it is read
    copyArticles(SEEDS, corpus, articles.slice(4, 5));
    const rebuilt = await build(corpus, out);
    expect(rebuilt.ok).toBe(true);
    expect(rebuilt.reports.find((r) => r.stage === 'link')?.fellBack).toMatch(/link-rows\.tsv/);
    await expectSameAsScratch(corpus, out);
  }, 240_000);

  it('does not reuse campaign rows or unit keys from caches edited since the last run, and rebuilds from damaged ones', async () => {
    const { corpus, out, articles } = await builtFromSeeds('drafts');
    const drafts = path.join(out, 'link', 'link-drafts.jsonl');
    const docs = tableFiles(path.join(out, 'link', 'link-docs'));
    const renamed = fs.readFileSync(drafts, 'utf8').replace(/"name":"[^"]*"/g, '"name":"Edited By Hand"');
    // The profiles' collapse keys (the last of their fields), each made null: the same size, a unit of its own.
    const keyless = docs.map((file) => fs.readFileSync(file, 'utf8').replace(/,"([A-Za-z0-9+/]{43}=)"\](?=,\[)/g, (_, key: string) => `,${'null'.padEnd(key.length + 2)}]`));
    expect(keyless).not.toEqual(docs.map((file) => fs.readFileSync(file, 'utf8')));

    // Well-formed but edited: a reused row would publish the edited name, a null key split units.
    fs.writeFileSync(drafts, renamed);
    docs.forEach((file, i) => fs.writeFileSync(file, keyless[i]!));
    copyArticles(SEEDS, corpus, articles.slice(3, 4));
    expectCachesUsed(await build(corpus, out));
    await expectSameAsScratch(corpus, out);

    // Damaged and dated before the last run's segments.json (so read): link says so and builds from scratch.
    fs.writeFileSync(drafts, 'not a key\n');
    fs.utimesSync(drafts, new Date(0), new Date(0));
    copyArticles(SEEDS, corpus, articles.slice(4, 5));
    const rebuilt = await build(corpus, out);
    expect(rebuilt.ok).toBe(true);
    expect(rebuilt.reports.find((r) => r.stage === 'link')?.fellBack).toMatch(/link-drafts\.jsonl/);
    await expectSameAsScratch(corpus, out);
  }, 240_000);
});
