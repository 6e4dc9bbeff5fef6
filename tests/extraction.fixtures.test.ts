// The extractor's specification: every case in tests/fixtures/extraction/*.txt is run through the
// real cleaning and extraction path, and scored like the seed gold (one-to-one on measure + value).
// Floors guard the aggregate; every miss and false alarm is printed so a regression is readable.
import { describe, expect, it } from 'vitest';
import { cleanDocument } from '../pipeline/lib/clean.js';
import { extractFigures, type ExtractedFigure } from '../pipeline/lib/extract.js';
import { loadSentenceCases, type ExpectedFigure, type SentenceCase } from './helpers/sentence-fixtures.js';

/** Floors measured on the fixture set; raise as extraction improves, never lower. */
const FLOORS = { f1: 0.985, qualifier: 0.98, unit: 0.98, place: 0.97, valueText: 0.98, noneCasesClean: 0.97 };

function runCase(c: SentenceCase): ExtractedFigure[] {
  const text = c.title ? `${c.text}\n\nThe article body follows.` : `Article\n\n${c.text}`;
  const doc = cleanDocument({ doc_id: 'doc_0000000000000000', source_file: `${c.file}:${c.line}`, format: 'text', text });
  return extractFigures(doc);
}

interface Score {
  tp: number;
  fp: number;
  fn: number;
  qualifierOk: number;
  unitOk: number;
  placeOk: number;
  placeChecked: number;
  valueTextOk: number;
  noneCases: number;
  noneClean: number;
  problems: string[];
}

function score(cases: SentenceCase[]): Score {
  const s: Score = { tp: 0, fp: 0, fn: 0, qualifierOk: 0, unitOk: 0, placeOk: 0, placeChecked: 0, valueTextOk: 0, noneCases: 0, noneClean: 0, problems: [] };
  for (const c of cases) {
    const found = runCase(c);
    const where = `${c.file}:${c.line}`;
    const used = new Set<number>();
    const expected = [...c.expected].sort((a, b) => Number(a.optional) - Number(b.optional));
    for (const e of expected) {
      const index = found.findIndex((f, i) => !used.has(i) && f.measure === e.measure && f.value === e.value);
      if (index >= 0) used.add(index);
      if (e.optional) continue;
      if (index < 0) {
        s.fn++;
        s.problems.push(`${where} MISSED ${describeExpected(e)} in: ${c.text}`);
        continue;
      }
      s.tp++;
      const f = found[index]!;
      check(s, f.qualifier === e.qualifier, 'qualifierOk', `${where} qualifier ${f.qualifier} != ${e.qualifier} for ${e.measure} ${e.value}`);
      check(s, f.unit === e.unit, 'unitOk', `${where} unit ${f.unit} != ${e.unit} for ${e.measure} ${e.value}`);
      const text = runCaseText(c).slice(f.cleanStart, f.cleanEnd);
      check(s, text === e.valueText, 'valueTextOk', `${where} value_text '${text}' != '${e.valueText}'`);
      if (e.place !== null) {
        s.placeChecked++;
        check(s, f.place_code === e.place, 'placeOk', `${where} place ${f.place_code} != ${e.place} for ${e.measure} ${e.value}`);
      }
    }
    found.forEach((f, i) => {
      if (used.has(i)) return;
      s.fp++;
      s.problems.push(`${where} FALSE ALARM ${f.measure} ${f.value} (${f.rule}) in: ${c.text}`);
    });
    if (c.none) {
      s.noneCases++;
      if (found.length === 0) s.noneClean++;
    }
  }
  return s;
}

function runCaseText(c: SentenceCase): string {
  const text = c.title ? `${c.text}\n\nThe article body follows.` : `Article\n\n${c.text}`;
  return cleanDocument({ doc_id: 'doc_0000000000000000', source_file: 'x', format: 'text', text }).text;
}

function check(s: Score, ok: boolean, counter: 'qualifierOk' | 'unitOk' | 'placeOk' | 'valueTextOk', problem: string): void {
  if (ok) s[counter]++;
  else s.problems.push(problem);
}

function describeExpected(e: ExpectedFigure): string {
  return `${e.measure} ${e.value} ${e.qualifier} ${e.unit} ${e.place ?? '-'} '${e.valueText}'`;
}

// Sentences written wholly in Chinese are read with the Chinese lexicon (lexicon/zh.ts) and count like the others.
const cases = loadSentenceCases();

describe('extraction spec (tests/fixtures/extraction)', () => {
  it('has a substantial spec: at least 150 cases in several styles', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(new Set(cases.map((c) => c.style)).size).toBeGreaterThanOrEqual(6);
  });

  it('meets the floors on figures, qualifiers, units, places and value_text', () => {
    const s = score(cases);
    const precision = s.tp / Math.max(1, s.tp + s.fp);
    const recall = s.tp / Math.max(1, s.tp + s.fn);
    const f1 = (2 * precision * recall) / Math.max(1e-9, precision + recall);
    const summary = {
      cases: cases.length,
      tp: s.tp, fp: s.fp, fn: s.fn,
      precision: +precision.toFixed(3), recall: +recall.toFixed(3), f1: +f1.toFixed(3),
      qualifier: +(s.qualifierOk / Math.max(1, s.tp)).toFixed(3),
      unit: +(s.unitOk / Math.max(1, s.tp)).toFixed(3),
      place: +(s.placeOk / Math.max(1, s.placeChecked)).toFixed(3),
      valueText: +(s.valueTextOk / Math.max(1, s.tp)).toFixed(3),
      noneCasesClean: +(s.noneClean / Math.max(1, s.noneCases)).toFixed(3),
    };
    console.log(`extraction spec: ${JSON.stringify(summary)}\n${s.problems.join('\n')}`);
    expect(summary.f1).toBeGreaterThanOrEqual(FLOORS.f1);
    expect(summary.qualifier).toBeGreaterThanOrEqual(FLOORS.qualifier);
    expect(summary.unit).toBeGreaterThanOrEqual(FLOORS.unit);
    expect(summary.place).toBeGreaterThanOrEqual(FLOORS.place);
    expect(summary.valueText).toBeGreaterThanOrEqual(FLOORS.valueText);
    expect(summary.noneCasesClean).toBeGreaterThanOrEqual(FLOORS.noneCasesClean);
  });
});
