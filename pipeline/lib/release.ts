// A versioned release: build the dataset, then freeze it as
//   OUT/release/cybercrime-crackdowns-<version>/            tables, datapackage.json, card, CHANGELOG.md,
//                                                           CITATION.cff, SHA256SUMS
//   OUT/release/cybercrime-crackdowns-<version>.zip         byte-reproducible archives of that folder
//   OUT/release/cybercrime-crackdowns-<version>.tar.gz
// A release is immutable: a second run with the same contents says so and writes nothing; a run whose
// contents differ is refused (bump the version instead). Every timestamp inside the archives is the
// date of the version's CHANGELOG entry, so the bytes depend on the contents only.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipDeterministic, tarArchive, zipArchive, type ArchiveEntry } from './archive.js';
import { runBuild } from './build.js';
import { renderCard, type CardFacts } from './card.js';
import { tableRecords } from './segments.js';
import { sha256Hex } from './hash.js';
import { loadSchemas, TABLE_NAMES, type Row, type TableName } from './schema.js';
import type { StageDefinition } from './stage.js';

/** A problem the user can fix (missing CHANGELOG entry, release exists and differs): exit 2. */
export class ReleaseError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export interface ReleaseOptions {
  /** Project root: package.json, CHANGELOG.md, CITATION.cff, DATASET_CARD.md, schemas/. */
  root: string;
  seeds: string;
  out: string;
  /** The pipeline (pipeline/stages/index.ts STAGES); passed in so this library does not import the stages. */
  stages: StageDefinition[];
  /** Folder holding gold/seeds and tools/score-dataset.mjs; null = leave the score out of the card. */
  sharedDir: string | null;
  /** Rewrite the generated part of root/DATASET_CARD.md (the CLI does; tests must not). */
  refreshRepositoryCard: boolean;
  print(line: string): void;
}

export type ReleaseStatus = 'written' | 'identical' | 'completed';

export interface ReleaseResult {
  status: ReleaseStatus;
  version: string;
  folder: string;
  archives: { zip: string; tarGz: string };
  sha256: { zip: string; tarGz: string };
  /** Whether root/DATASET_CARD.md was rewritten. */
  cardRefreshed: boolean;
}

export const RELEASE_NAME = 'cybercrime-crackdowns';

/** Files copied verbatim from the built dataset folder. */
const DATASET_FILES = [...TABLE_NAMES.flatMap((t) => [`${t}.csv`, `${t}.parquet`]), 'datapackage.json'];
/** Files copied verbatim from the project root. */
const ROOT_FILES = ['CHANGELOG.md', 'CITATION.cff'];

// ---------------------------------------------------------------- pure helpers

/** The date of `## [version] - YYYY-MM-DD` in a Keep a Changelog file, or null. */
export function changelogDate(changelog: string, version: string): string | null {
  for (const line of changelog.split('\n')) {
    const match = /^##\s*\[([^\]]{1,64})\]\s*[-–]\s*(\d{4}-\d{2}-\d{2})\s*$/.exec(line.trim());
    if (match && match[1] === version) return match[2]!;
  }
  return null;
}

/** A top-level `key: value` of a CITATION.cff (quotes stripped), or null. Enough for version checks. */
export function cffValue(cff: string, key: string): string | null {
  for (const line of cff.split('\n')) {
    if (!line.startsWith(`${key}:`)) continue;
    return line.slice(key.length + 1).trim().replace(/^["']|["']$/g, '');
  }
  return null;
}

/** Seconds since the epoch at 00:00:00 UTC of an ISO date. */
export function epochOfDate(isoDate: string): number {
  const ms = Date.parse(`${isoDate}T00:00:00Z`);
  if (!Number.isFinite(ms)) throw new ReleaseError(`'${isoDate}' is not a date`, 'write the CHANGELOG date as YYYY-MM-DD');
  return ms / 1000;
}

/** `sha256sum` output for the files, sorted by name (two spaces: text mode, as sha256sum prints). */
export function sha256Sums(files: ReadonlyMap<string, Uint8Array>): string {
  return [...files.keys()]
    .sort(byCodeUnit)
    .map((name) => `${sha256Hex(files.get(name)!)}  ${name}\n`)
    .join('');
}

/** The archive entries: the folder, then its files in code-unit order of their names. */
export function archiveEntries(folderName: string, files: ReadonlyMap<string, Uint8Array>): ArchiveEntry[] {
  return [{ path: `${folderName}/` }, ...[...files.keys()].sort(byCodeUnit).map((name) => ({ path: `${folderName}/${name}`, data: files.get(name)! }))];
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------- the score against the seed gold

interface ScoreReport {
  figures: { tp: number; fp: number; fn: number; precision: number; recall: number; f1: number };
  attributes: { qualifier: number; place: number; currency: number };
  provenance: { rows: number; exact: number };
  documents: { title: number; publisher: number; authors: number; published_date: number; found: number };
  campaigns: { f1: number; distinct_ids: number; gold_campaigns: number };
}

const percent = (x: number): string => `${(100 * x).toFixed(1)}%`;

export function scoreMarkdown(report: ScoreReport): string {
  const f = report.figures;
  return [
    '## Measured accuracy (hand-checked seed articles)\n',
    `Scored at release time with \`score-dataset.mjs\` against hand-checked answers for the seed articles (${f.tp + f.fn} gold figures). ` +
      'These are the articles the rules were developed on, so they are an upper bound: expect lower accuracy on outlets, campaigns and formats the rules have never seen.\n',
    '| what | score |\n| --- | ---: |',
    `| figures F1 (value + measure) | ${f.f1.toFixed(3)} (precision ${f.precision.toFixed(3)}, recall ${f.recall.toFixed(3)}; ${f.tp} found, ${f.fp} extra, ${f.fn} missed) |`,
    `| qualifier right, on found figures | ${percent(report.attributes.qualifier)} |`,
    `| place right, on found figures | ${percent(report.attributes.place)} |`,
    `| currency right, on found money figures | ${percent(report.attributes.currency)} |`,
    `| provenance: value_text at char_start..char_end | ${percent(report.provenance.exact)} of ${report.provenance.rows} rows |`,
    `| document title / publisher / authors / date | ${percent(report.documents.title)} / ${percent(report.documents.publisher)} / ${percent(report.documents.authors)} / ${percent(report.documents.published_date)} |`,
    `| campaigns: pairwise F1 of document grouping | ${percent(report.campaigns.f1)} (${report.campaigns.distinct_ids} ids for ${report.campaigns.gold_campaigns} campaigns) |`,
    '',
  ].join('\n');
}

/**
 * The score section, or null when there is no gold, no scorer, or the input is not the gold's corpus
 * (a score over articles the gold does not cover would be meaningless).
 */
export function scoreAgainstGold(sharedDir: string | null, dataset: string, seeds: string): string | null {
  if (!sharedDir) return null;
  const scorer = path.join(sharedDir, 'tools/score-dataset.mjs');
  const gold = path.join(sharedDir, 'gold/seeds');
  if (!fs.existsSync(scorer) || !fs.existsSync(gold)) return null;
  const reportFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cc-release-score-')), 'score.json');
  try {
    const run = spawnSync(process.execPath, [scorer, '--dataset', dataset, '--gold', gold, '--input', seeds, '--json', reportFile, '--quiet'], { encoding: 'utf8' });
    if (run.status !== 0 || !fs.existsSync(reportFile)) return null;
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as ScoreReport;
    if (report.documents.found !== 1) return null;
    return scoreMarkdown(report);
  } finally {
    fs.rmSync(path.dirname(reportFile), { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- the release

function readPackage(root: string): { version: string } {
  return JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
}

/** Checks that CHANGELOG.md and CITATION.cff describe this version; returns the release date. */
function checkVersionFiles(root: string, version: string): string {
  const changelogFile = path.join(root, 'CHANGELOG.md');
  const changelog = fs.existsSync(changelogFile) ? fs.readFileSync(changelogFile, 'utf8') : '';
  const date = changelogDate(changelog, version);
  if (!date) throw new ReleaseError(`CHANGELOG.md has no entry for version ${version}`, `add a '## [${version}] - YYYY-MM-DD' section listing what changed`);
  const cffFile = path.join(root, 'CITATION.cff');
  if (!fs.existsSync(cffFile)) throw new ReleaseError('CITATION.cff is missing', 'restore CITATION.cff (Citation File Format 1.2.0) at the project root');
  const cff = fs.readFileSync(cffFile, 'utf8');
  if (cffValue(cff, 'version') !== version) throw new ReleaseError(`CITATION.cff says version ${cffValue(cff, 'version') ?? '(none)'}, package.json says ${version}`, 'update version and date-released in CITATION.cff');
  if (cffValue(cff, 'date-released') !== date) throw new ReleaseError(`CITATION.cff date-released ${cffValue(cff, 'date-released') ?? '(none)'} differs from the CHANGELOG date ${date}`, 'make them the same day');
  return date;
}

/** Names of the files that differ between a folder on disk and the intended contents ('+x' = extra on disk). */
async function folderDifferences(folder: string, files: ReadonlyMap<string, Uint8Array>): Promise<string[]> {
  const onDisk = (await fsp.readdir(folder)).sort(byCodeUnit);
  const differences = onDisk.filter((name) => !files.has(name)).map((name) => `+${name}`);
  for (const [name, data] of files) {
    const file = path.join(folder, name);
    if (!fs.existsSync(file) || !Buffer.from(data).equals(await fsp.readFile(file))) differences.push(name);
  }
  return differences;
}

async function writeAtomic(file: string, data: Uint8Array): Promise<void> {
  const temp = `${file}.tmp-${process.pid}`;
  await fsp.writeFile(temp, data);
  await fsp.rename(temp, file);
}

async function writeFolderAtomic(folder: string, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
  const temp = `${folder}.tmp-${process.pid}`;
  await fsp.rm(temp, { recursive: true, force: true });
  await fsp.mkdir(temp, { recursive: true });
  for (const [name, data] of files) await fsp.writeFile(path.join(temp, name), data);
  await fsp.rename(temp, folder);
}

async function cardFacts(options: ReleaseOptions, version: string, extra: string | null): Promise<CardFacts> {
  const schemas = loadSchemas(options.root);
  const tables = {} as Record<TableName, Row[]>;
  // The typed rows the emit stage published (CSV would lose the number types the card's tables use).
  for (const table of TABLE_NAMES) tables[table] = [...tableRecords<Row>(path.join(options.out, 'link', table))];
  return { schemas, tables, version, ...(extra ? { extra } : {}) };
}

/** Builds the dataset and writes (or confirms) the release. Throws ReleaseError for problems the user must fix. */
export async function makeRelease(options: ReleaseOptions): Promise<ReleaseResult | { status: 'build-failed'; failedStage: string | null }> {
  const { version } = readPackage(options.root);
  const date = checkVersionFiles(options.root, version);
  const mtime = epochOfDate(date);

  const build = await runBuild(options.stages, { root: options.root, seeds: options.seeds, out: options.out, quiet: true }, options.print);
  if (!build.ok) return { status: 'build-failed', failedStage: build.failedStage };

  const dataset = path.join(options.out, 'dataset');
  const score = scoreAgainstGold(options.sharedDir, dataset, options.seeds);
  const cardFile = path.join(options.root, 'DATASET_CARD.md');
  const prose = fs.existsSync(cardFile) ? fs.readFileSync(cardFile, 'utf8') : '';
  const card = renderCard(prose, await cardFacts(options, version, score));

  const files = new Map<string, Uint8Array>();
  for (const name of DATASET_FILES) files.set(name, fs.readFileSync(path.join(dataset, name)));
  for (const name of ROOT_FILES) files.set(name, fs.readFileSync(path.join(options.root, name)));
  files.set('DATASET_CARD.md', Buffer.from(card, 'utf8'));
  files.set('SHA256SUMS', Buffer.from(sha256Sums(files), 'utf8'));

  const folderName = `${RELEASE_NAME}-${version}`;
  const releaseDir = path.join(options.out, 'release');
  const folder = path.join(releaseDir, folderName);
  const entries = archiveEntries(folderName, files);
  const archives = new Map<string, Uint8Array>([
    [`${folderName}.tar.gz`, gzipDeterministic(tarArchive(entries, { mtime }))],
    [`${folderName}.zip`, zipArchive(entries, { mtime })],
  ]);

  // An existing release must be identical; only missing pieces (an interrupted run) may be added.
  const differences = fs.existsSync(folder) ? await folderDifferences(folder, files) : [];
  for (const [name, data] of archives) {
    const file = path.join(releaseDir, name);
    if (fs.existsSync(file) && !Buffer.from(data).equals(await fsp.readFile(file))) differences.push(name);
  }
  if (differences.length) {
    const shown = differences.slice(0, 4).join(', ') + (differences.length > 4 ? ', ...' : '');
    throw new ReleaseError(
      `release ${version} already exists in ${releaseDir} and differs (${shown})`,
      `a release never changes: bump "version" in package.json and add a CHANGELOG.md entry, or delete ${path.join(releaseDir, folderName)}* to rebuild ${version}`,
    );
  }

  await fsp.mkdir(releaseDir, { recursive: true });
  let wrote = 0;
  if (!fs.existsSync(folder)) {
    await writeFolderAtomic(folder, files);
    wrote++;
  }
  for (const [name, data] of archives) {
    const file = path.join(releaseDir, name);
    if (!fs.existsSync(file)) {
      await writeAtomic(file, data);
      wrote++;
    }
  }
  const status: ReleaseStatus = wrote === 0 ? 'identical' : wrote === 1 + archives.size ? 'written' : 'completed';

  // The repository's card gets the same generated sections (the only write outside OUT).
  let cardRefreshed = false;
  if (options.refreshRepositoryCard && prose !== card) {
    await writeAtomic(cardFile, Buffer.from(card, 'utf8'));
    cardRefreshed = true;
  }

  return {
    status,
    version,
    folder,
    archives: { zip: path.join(releaseDir, `${folderName}.zip`), tarGz: path.join(releaseDir, `${folderName}.tar.gz`) },
    sha256: { zip: sha256Hex(archives.get(`${folderName}.zip`)!), tarGz: sha256Hex(archives.get(`${folderName}.tar.gz`)!) },
    cardRefreshed,
  };
}
