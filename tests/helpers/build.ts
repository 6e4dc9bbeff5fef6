// Test helpers: build the dataset in-process into a temp folder, hash a folder's files.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBuild, type BuildResult } from '../../pipeline/lib/build.js';
import { sha256Hex } from '../../pipeline/lib/hash.js';
import { tableFiles, type SegmentRule } from '../../pipeline/lib/segments.js';
import type { StageDefinition } from '../../pipeline/lib/stage.js';
import { STAGES } from '../../pipeline/stages/index.js';
import { generateArticle } from '../../bench/generate.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const SEEDS = path.join(ROOT, 'seeds');
export const SHARED = process.env.SHARED_DIR ?? path.resolve(ROOT, '../shared');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cc-${prefix}-`));
}

/** Writes the bench generator's article `index` (of corpus `seed`) into `corpus`, in its sub-folder. */
export function writeGeneratedArticle(corpus: string, seed: number, index: number): void {
  const { relPath, content } = generateArticle(seed, index);
  fs.mkdirSync(path.dirname(path.join(corpus, relPath)), { recursive: true });
  fs.writeFileSync(path.join(corpus, relPath), content);
}

/** A fresh corpus folder holding the first `count` seed articles (in name order). */
export function seedCorpus(prefix: string, count: number): string {
  const corpus = tempDir(prefix);
  for (const name of fs.readdirSync(SEEDS).sort().slice(0, count)) fs.copyFileSync(path.join(SEEDS, name), path.join(corpus, name));
  return corpus;
}

export async function build(seeds: string, out: string, stages: StageDefinition[] = STAGES, options: { quiet?: boolean; segmentRule?: SegmentRule } = {}): Promise<BuildResult & { lines: string[] }> {
  const lines: string[] = [];
  const result = await runBuild(stages, { root: ROOT, seeds, out, quiet: options.quiet ?? true, segmentRule: options.segmentRule }, (line) => lines.push(line));
  return { ...result, lines };
}

/**
 * A build that must succeed, with what its stages logged (stderr); `workers`: CC_WORKERS for this
 * build only (worker threads, or '0' for none).
 */
export async function buildLogged(seeds: string, out: string, options: { segmentRule?: SegmentRule; workers?: string } = {}): Promise<string> {
  const logged: string[] = [];
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((text) => (logged.push(String(text)), true));
  const saved = process.env.CC_WORKERS;
  if (options.workers !== undefined) process.env.CC_WORKERS = options.workers;
  try {
    expect((await build(seeds, out, STAGES, { segmentRule: options.segmentRule, quiet: false })).ok).toBe(true);
  } finally {
    stderr.mockRestore();
    if (saved === undefined) delete process.env.CC_WORKERS;
    else process.env.CC_WORKERS = saved;
  }
  return logged.join('');
}

/** The lines of one of link's tables (a folder of segment files), in order. */
export function tableLines(linkDir: string, table: string): string[] {
  return tableFiles(path.join(linkDir, table)).flatMap((file) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean));
}

/** Replaces one of link's tables by lines written by hand: one file in its folder, no recorded segments. */
export function writeTableByHand(linkDir: string, table: string, lines: readonly string[]): void {
  const dir = path.join(linkDir, table);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'by-hand.jsonl'), lines.map((line) => `${line}\n`).join(''));
}

/** relative path -> sha256 of every file below dir. */
export function folderHashes(dir: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else hashes[path.relative(dir, full)] = sha256Hex(fs.readFileSync(full));
    }
  };
  walk(dir);
  return hashes;
}

export interface ScoreReport {
  figures: { f1: number; precision: number; recall: number; tp: number; fp: number; fn: number };
  attributes: { qualifier: number; place: number; currency: number };
  provenance: { rows: number; exact: number };
  documents: { title: number; publisher: number; authors: number; published_date: number; found: number };
  campaigns: { f1: number; distinct_ids: number; gold_campaigns: number };
  claims: { found_with_right_count?: number; missing?: boolean };
  misses: string[];
  false_alarms: string[];
}

/** Scores a built dataset with the project's shared scorer (../shared/tools/score-dataset.mjs). */
export function scoreDataset(dataset: string, gold: string, input: string): { report: ScoreReport; stdout: string } {
  const reportFile = path.join(path.dirname(dataset), `score-${path.basename(gold)}.json`);
  const run = spawnSync(process.execPath, [path.join(SHARED, 'tools/score-dataset.mjs'), '--dataset', dataset, '--gold', gold, '--input', input, '--json', reportFile], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`score-dataset failed (${run.status}): ${run.stderr}`);
  return { report: JSON.parse(fs.readFileSync(reportFile, 'utf8')) as ScoreReport, stdout: run.stdout };
}

/** Lower bounds on a score report; a field left out is not checked. */
export interface ScoreFloors {
  figuresF1: number;
  provenance: number;
  qualifier?: number;
  place?: number;
  currency?: number;
  title: number;
  publisher: number;
  authors: number;
  published_date: number;
  campaignF1: number;
}

/** Every measured figure of the report is at or above its floor (one assertion per figure, named). */
export function expectScoreAtLeast(report: ScoreReport, floors: ScoreFloors): void {
  const measured: [keyof ScoreFloors, number][] = [
    ['figuresF1', report.figures.f1],
    ['provenance', report.provenance.exact],
    ['qualifier', report.attributes.qualifier],
    ['place', report.attributes.place],
    ['currency', report.attributes.currency],
    ['title', report.documents.title],
    ['publisher', report.documents.publisher],
    ['authors', report.documents.authors],
    ['published_date', report.documents.published_date],
    ['campaignF1', report.campaigns.f1],
  ];
  for (const [name, value] of measured) {
    const floor = floors[name];
    if (floor !== undefined) expect(value, name).toBeGreaterThanOrEqual(floor);
  }
}

/**
 * A held-out gold set (`folder`/articles and `folder`/gold): builds its articles once and checks
 * that every score of the scorer's report is at or above `floors` (printing the report).
 */
export function describeHeldOutSet(title: string, folder: string, floors: ScoreFloors): void {
  const out = tempDir(path.basename(folder));
  beforeAll(async () => {
    const result = await build(path.join(folder, 'articles'), out);
    expect(result.ok, result.lines.join('\n')).toBe(true);
  }, 120_000);
  describe(title, () => {
    it('score at or above the floors', () => {
      expect(fs.existsSync(path.join(out, 'dataset/figures.csv'))).toBe(true);
      const { report, stdout } = scoreDataset(path.join(out, 'dataset'), path.join(folder, 'gold'), path.join(folder, 'articles'));
      console.log(stdout);
      expectScoreAtLeast(report, floors);
    });
  });
}
