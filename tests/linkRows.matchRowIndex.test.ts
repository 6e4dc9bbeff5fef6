// matchRowIndex: the last run's link-rows.tsv matched to this run's documents by walking both in
// doc_id order — kept, added and gone documents, and a file out of order refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchRowIndex } from '../pipeline/lib/linkRows.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rowindex-'));
const rowIndex = (lines: string[]): string => {
  const file = path.join(dir, `${lines.length}-${Math.random().toString(36).slice(2)}.tsv`);
  fs.writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  return file;
};

describe('matchRowIndex', () => {
  it('gives kept documents their campaign and byte ranges, added ones none, and lists the gone ones', () => {
    const file = rowIndex(['doc_a\tcmp_1\t0\t10\t0\t5', 'doc_b\t\t10\t20\t5\t6', 'doc_d\tcmp_2\t30\t0\t11\t7', 'doc_f\tcmp_1\t30\t4\t18\t3']);
    const matched = matchRowIndex(file, ['doc_0', 'doc_b', 'doc_c', 'doc_d', 'doc_e']);
    expect(matched.campaigns).toEqual([undefined, null, undefined, 'cmp_2', undefined]);
    expect(Array.from(matched.at.subarray(4, 8))).toEqual([10, 20, 5, 6]);
    expect(Array.from(matched.at.subarray(12, 16))).toEqual([30, 0, 11, 7]);
    expect(Array.from(matched.at.subarray(0, 4)).every(Number.isNaN)).toBe(true);
    expect(matched.gone).toEqual([['doc_a', 'cmp_1'], ['doc_f', 'cmp_1']]);
    expect(matched.documents).toBe(4);
  });

  it('matches every document when none changed, and none against an empty file', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `doc_${String(i).padStart(3, '0')}\tcmp_${i % 3}\t${i}\t1\t${i}\t1`);
    const ids = lines.map((l) => l.split('\t')[0]!);
    const matched = matchRowIndex(rowIndex(lines), ids);
    expect(matched.campaigns).toEqual(ids.map((_, i) => `cmp_${i % 3}`));
    expect(matched.gone).toEqual([]);
    expect(matchRowIndex(rowIndex([]), ids).campaigns.every((c) => c === undefined)).toBe(true);
  });

  it('refuses a file whose lines are not in doc_id order or are short of columns, and documents out of order', () => {
    expect(() => matchRowIndex(rowIndex(['doc_b\t\t0\t1\t0\t1', 'doc_a\t\t1\t1\t1\t1']), ['doc_a', 'doc_b'])).toThrow(/link-rows\.tsv: doc_a comes after doc_b, not in doc_id order/);
    expect(() => matchRowIndex(rowIndex(['doc_a\t\t0\t1']), ['doc_a'])).toThrow(/link-rows\.tsv: a line without its six columns/);
    expect(() => matchRowIndex(rowIndex(['doc_a\t\t0\t1\t0\t1']), ['doc_b', 'doc_a'])).toThrow(/the documents are not in doc_id order \(doc_a after doc_b\)/);
  });
});
