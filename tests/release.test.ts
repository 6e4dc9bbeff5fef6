// `make release`: a versioned folder with checksums, and archives whose bytes depend only on the
// contents — the same from two builds in two folders — plus the refusal to overwrite a release.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { YAML } from 'zx';
import { GENERATED_BEGIN, GENERATED_END } from '../pipeline/lib/card.js';
import { sha256Hex } from '../pipeline/lib/hash.js';
import { archiveEntries, changelogDate, cffValue, epochOfDate, makeRelease, ReleaseError, sha256Sums, type ReleaseOptions, type ReleaseResult } from '../pipeline/lib/release.js';
import { STAGES } from '../pipeline/stages/index.js';
import { ROOT, SEEDS, SHARED, tempDir } from './helpers/build.js';

const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const NAME = `cybercrime-crackdowns-${VERSION}`;
const EXPECTED_FILES = [
  'CHANGELOG.md', 'CITATION.cff', 'DATASET_CARD.md', 'SHA256SUMS',
  'campaigns.csv', 'campaigns.parquet', 'claims.csv', 'claims.parquet', 'datapackage.json',
  'documents.csv', 'documents.parquet', 'figures.csv', 'figures.parquet',
];

function options(out: string): ReleaseOptions {
  return { root: ROOT, seeds: SEEDS, out, stages: STAGES, sharedDir: SHARED, refreshRepositoryCard: false, print: () => {} };
}

async function release(out: string): Promise<ReleaseResult> {
  const result = await makeRelease(options(out));
  if (result.status === 'build-failed') throw new Error(`build failed at ${result.failedStage}`);
  return result;
}

const outA = tempDir('release-a');
const outB = tempDir('release-b');
let first: ReleaseResult;
let fresh: ReleaseResult;

beforeAll(async () => {
  first = await release(outA);
  fresh = await release(outB);
  console.log(`release ${VERSION}: zip ${first.sha256.zip}\n             tar.gz ${first.sha256.tarGz}`);
}, 150_000);

describe('release folder', () => {
  it('holds the tables, metadata, changelog, citation and checksums, and nothing else', () => {
    expect(first.status).toBe('written');
    expect(fs.readdirSync(first.folder).sort()).toEqual([...EXPECTED_FILES].sort());
    expect(path.basename(first.folder)).toBe(NAME);
  });

  it('passes `sha256sum -c SHA256SUMS`, which lists every other file in sorted order', () => {
    const run = spawnSync('sha256sum', ['-c', '--strict', 'SHA256SUMS'], { cwd: first.folder, encoding: 'utf8' });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const listed = fs.readFileSync(path.join(first.folder, 'SHA256SUMS'), 'utf8').trimEnd().split('\n').map((line) => line.slice(66));
    expect(listed).toEqual(EXPECTED_FILES.filter((f) => f !== 'SHA256SUMS').sort());
  });

  it('has a card with the generated sections, the seed score and the hand-written prose', () => {
    const card = fs.readFileSync(path.join(first.folder, 'DATASET_CARD.md'), 'utf8');
    expect(card.startsWith('---\n')).toBe(true); // Hugging Face front matter survives
    expect(card).toContain('## Motivation');
    expect(card).toContain(GENERATED_BEGIN);
    expect(card).toContain(GENERATED_END);
    expect(card).toContain(`## Contents of release ${VERSION}`);
    if (fs.existsSync(path.join(SHARED, 'gold/seeds'))) expect(card).toMatch(/## Measured accuracy[\s\S]*figures F1/);
  });
});

describe('archives', () => {
  it('are byte-identical when built twice into different folders', () => {
    expect(fresh.sha256).toEqual(first.sha256);
    expect(sha256Hex(fs.readFileSync(fresh.archives.zip))).toBe(first.sha256.zip);
    expect(sha256Hex(fs.readFileSync(first.archives.tarGz))).toBe(first.sha256.tarGz);
  });

  it('tar.gz lists the folder and its files in order, owned by 0/0 with fixed modes and the CHANGELOG date', () => {
    const run = spawnSync('tar', ['--numeric-owner', '--utc', '-tvzf', first.archives.tarGz], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    const names = lines.map((line) => line.split(/\s+/).pop());
    expect(names).toEqual([`${NAME}/`, ...[...EXPECTED_FILES].sort().map((f) => `${NAME}/${f}`)]);
    const date = changelogDate(fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8'), VERSION)!;
    expect(lines[0]).toMatch(new RegExp(`^drwxr-xr-x 0/0 +0 ${date} 00:00 `));
    for (const line of lines.slice(1)) expect(line).toMatch(new RegExp(`^-rw-r--r-- 0/0 +\\d+ ${date} 00:00 `));
  });

  it('tar.gz and zip unpack to exactly the release folder', () => {
    const unpackTar = tempDir('release-untar');
    expect(spawnSync('tar', ['-xzf', first.archives.tarGz, '-C', unpackTar]).status).toBe(0);
    const script = 'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nz.extractall(sys.argv[2])';
    const unpackZip = tempDir('release-unzip');
    const unzip = spawnSync('/usr/bin/python3', ['-c', script, first.archives.zip, unpackZip], { encoding: 'utf8' });
    expect(unzip.status, unzip.stderr).toBe(0);
    for (const unpacked of [unpackTar, unpackZip]) {
      expect(fs.readdirSync(unpacked)).toEqual([NAME]);
      for (const file of EXPECTED_FILES) {
        expect(sha256Hex(fs.readFileSync(path.join(unpacked, NAME, file))), file).toBe(sha256Hex(fs.readFileSync(path.join(first.folder, file))));
      }
    }
  });

  it('gzip header carries no time and no file name', () => {
    const bytes = fs.readFileSync(first.archives.tarGz);
    expect([...bytes.subarray(0, 4)]).toEqual([0x1f, 0x8b, 8, 0]); // deflate, no FNAME flag
    expect(bytes.readUInt32LE(4)).toBe(0);
  });
});

describe('immutability', () => {
  it('a second release of the same contents writes nothing and says it is identical', async () => {
    const before = fs.statSync(first.archives.zip).mtimeMs;
    const again = await release(outA);
    expect(again.status).toBe('identical');
    expect(again.sha256).toEqual(first.sha256);
    expect(fs.statSync(first.archives.zip).mtimeMs).toBe(before);
  }, 60_000);

  it('completes an interrupted release (a missing archive) with the same bytes', async () => {
    fs.rmSync(fresh.archives.zip);
    const again = await release(outB);
    expect(again.status).toBe('completed');
    expect(sha256Hex(fs.readFileSync(fresh.archives.zip))).toBe(first.sha256.zip);
  }, 60_000);

  it('refuses to overwrite a release whose contents differ, naming the file', async () => {
    fs.appendFileSync(path.join(fresh.folder, 'figures.csv'), 'tampered\n');
    const attempt = makeRelease(options(outB));
    await expect(attempt).rejects.toThrow(ReleaseError);
    await expect(makeRelease(options(outB))).rejects.toThrow(/release .* already exists .* differs \(figures\.csv\)/);
  }, 60_000);

  it('the CLI exits 2 with a one-line reason and a hint when refusing', () => {
    const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
    const run = spawnSync(tsx, ['pipeline/release.ts', '--seeds', SEEDS, '--out', outB, '--no-card'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^release: release .* already exists .* differs/);
    expect(lines[1]).toMatch(/^ {2}hint: /);
  }, 60_000);
});

describe('release helpers', () => {
  it('reads the version date from a Keep a Changelog heading, and only for that version', () => {
    const changelog = '# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2027-03-04\n\n## [1.1.0] - 2026-01-02\n';
    expect(changelogDate(changelog, '1.2.0')).toBe('2027-03-04');
    expect(changelogDate(changelog, '1.1.0')).toBe('2026-01-02');
    expect(changelogDate(changelog, '1.0.0')).toBeNull();
    expect(changelogDate(changelog, 'Unreleased')).toBeNull();
    expect(epochOfDate('2026-11-22')).toBe(Date.UTC(2026, 10, 22) / 1000);
    expect(() => epochOfDate('2026-13-45')).toThrow(ReleaseError);
  });

  it('checks CITATION.cff against package.json and CHANGELOG.md', () => {
    const cff = fs.readFileSync(path.join(ROOT, 'CITATION.cff'), 'utf8');
    expect(cffValue(cff, 'version')).toBe(VERSION);
    expect(cffValue(cff, 'date-released')).toBe(changelogDate(fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8'), VERSION));
    expect(cffValue('cff-version: 1.2.0\ntitle: "x"\n', 'title')).toBe('x');
  });

  it('writes SHA256SUMS lines in sha256sum text format, sorted by file name', () => {
    const files = new Map([['b.csv', Buffer.from('b')], ['a.csv', Buffer.from('a')], ['B.md', Buffer.from('')]]);
    expect(sha256Sums(files)).toBe(`${sha256Hex('')}  B.md\n${sha256Hex('a')}  a.csv\n${sha256Hex('b')}  b.csv\n`);
    expect(archiveEntries('x-1.0.0', files).map((e) => e.path)).toEqual(['x-1.0.0/', 'x-1.0.0/B.md', 'x-1.0.0/a.csv', 'x-1.0.0/b.csv']);
  });

  it('CITATION.cff is CFF 1.2.0 with the required keys', () => {
    const cff = YAML.parse(fs.readFileSync(path.join(ROOT, 'CITATION.cff'), 'utf8')) as Record<string, unknown>;
    expect(cff['cff-version']).toBe('1.2.0');
    expect(typeof cff.message).toBe('string');
    expect(typeof cff.title).toBe('string');
    expect(cff.type).toBe('dataset');
    expect(cff.license).toBe('CC-BY-4.0');
    expect(Array.isArray(cff.authors) && (cff.authors as unknown[]).length).toBeGreaterThan(0);
    for (const author of cff.authors as Record<string, unknown>[]) expect(typeof (author.name ?? author['family-names'])).toBe('string');
    expect(String(cff['date-released'])).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('the top-level card has Hugging Face front matter, the datasheet sections and one pair of markers', () => {
    const card = fs.readFileSync(path.join(ROOT, 'DATASET_CARD.md'), 'utf8');
    const front = /^---\n([\s\S]*?)\n---\n/.exec(card);
    expect(front).not.toBeNull();
    const meta = YAML.parse(front![1]!) as Record<string, unknown>;
    expect(meta.license).toBe('cc-by-4.0');
    for (const key of ['language', 'task_categories', 'pretty_name', 'size_categories', 'tags']) expect(meta[key], key).toBeDefined();
    for (const section of ['Motivation', 'Composition', 'Collection process', 'Preprocessing, cleaning, labelling', 'Uses', 'Distribution', 'Maintenance', 'Citation']) {
      expect(card).toContain(`## ${section}`);
    }
    expect(card.split(GENERATED_BEGIN).length).toBe(2);
    expect(card.split(GENERATED_END).length).toBe(2);
    expect(card.indexOf(GENERATED_BEGIN)).toBeLessThan(card.indexOf(GENERATED_END));
  });
});
