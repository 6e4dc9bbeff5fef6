// validate's delta check: with the last run's valid tables and their key sets, only the segments
// that changed are checked. Whatever the edit, the report must be the one a full check gives; an
// edit that keeps the tables valid is decided by the delta check alone, and its outputs (digests,
// key sets, report) are byte for byte those of a run from scratch.
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateArticle } from '../bench/generate.js';
import { KeyList, replaceKeys } from '../pipeline/lib/keySets.js';
import { TABLE_NAMES, type Row, type TableName } from '../pipeline/lib/schema.js';
import type { SegmentRule } from '../pipeline/lib/segments.js';
import type { StageContext } from '../pipeline/lib/stage.js';
import type { ValidationReport } from '../pipeline/lib/validate.js';
import { validateStage } from '../pipeline/stages/validate.js';
import { ROOT, build, folderHashes, tableLines, tempDir, writeTableByHand } from './helpers/build.js';

describe('KeyList', () => {
  it('holds `<prefix>_<16 hex>` keys as their exact 64-bit numbers, sorted', () => {
    const keys = ['fig_ffffffffffffffff', 'fig_0000000000000001', 'fig_8000000000000000', 'fig_00000000ffffffff', 'fig_0000000100000000'];
    const list = new KeyList();
    list.addAll([...keys, null]);
    expect(list.prefix).toBe('fig');
    expect([...list.sorted()!]).toEqual(keys.map((k) => BigInt(`0x${k.slice(4)}`)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('is not exact for a key of another prefix or form', () => {
    for (const odd of ['doc_0000000000000001', 'fig_000000000000001', 'fig_000000000000000G', 'fig_00000000000000011', 'fig-0000000000000001', '']) {
      const list = new KeyList();
      list.addAll(['fig_0000000000000002', odd]);
      expect(list.sorted(), odd).toBeNull();
    }
  });
});

describe('KeyList against the key pattern', () => {
  const reference = /^([a-z][a-z0-9]*)_([0-9a-f]{16})$/;
  const keyish = fc.oneof(
    { arbitrary: fc.stringMatching(/^[0-9a-f]{16}$/).map((hex) => `fig_${hex}`), weight: 6 },
    fc.tuple(fc.constantFrom('fig', 'doc', 'f1', 'Fig', '1fig', ''), fc.constantFrom('_', '-', '__'), fc.stringMatching(/^[0-9a-gA-F]{15,17}$/)).map(([p, sep, hex]) => `${p}${sep}${hex}`),
    fc.string({ maxLength: 24 }),
  );
  it('is exact exactly when every key matches the pattern with one prefix, and holds their numbers', () => {
    let exactRuns = 0;
    fc.assert(
      fc.property(fc.array(keyish, { maxLength: 6 }), (keys) => {
        const list = new KeyList();
        list.addAll(keys);
        const matches = keys.map((k) => reference.exec(k));
        const exact = matches.every((m) => m !== null && m[1] === matches[0]![1]);
        const sorted = list.sorted();
        expect(sorted !== null, JSON.stringify(keys)).toBe(exact);
        exactRuns += exact && keys.length > 1 ? 1 : 0;
        if (exact) expect([...sorted!]).toEqual(matches.map((m) => BigInt(`0x${m![2]}`)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      }),
      { numRuns: 2000 },
    );
    expect(exactRuns).toBeGreaterThan(100); // the generator reaches the exact case, with several keys
  });
});

describe('KeyList with a prefix set from outside (validate sets the last run\'s)', () => {
  it('checks the set prefix against the pattern with the first key', () => {
    for (const [prefix, key, exact] of [
      ['fig', 'fig_0123456789abcdef', true],
      ['fig', 'doc_0123456789abcdef', false],
      ['Fig', 'Fig_0123456789abcdef', false],
      ['', '_0123456789abcdef', false],
      ['a_b', 'a_b_0123456789abcdef', false],
    ] as const) {
      const list = new KeyList();
      list.prefix = prefix;
      list.addAll([key, key]);
      expect(list.sorted() !== null, `${prefix} ${key}`).toBe(exact);
    }
  });
});

describe('replaceKeys', () => {
  const sorted = (values: bigint[]) => BigUint64Array.from(values).sort();
  it('takes one occurrence of each removed number out and puts the added in, as multisets', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 12n }), { maxLength: 40 }), fc.array(fc.boolean(), { maxLength: 40 }), fc.array(fc.bigInt({ min: 0n, max: 14n }), { maxLength: 10 }), (before, drop, added) => {
        const removed = before.filter((_, i) => drop[i]);
        const kept = before.filter((_, i) => !drop[i]);
        expect([...replaceKeys(sorted(before), sorted(removed), sorted(added))!]).toEqual([...sorted([...kept, ...added])]);
      }),
    );
  });
  it('refuses to remove a number that is not there as often', () => {
    expect(replaceKeys(sorted([1n, 2n, 2n]), sorted([2n, 2n, 2n]), sorted([]))).toBeNull();
    expect(replaceKeys(sorted([1n, 3n]), sorted([2n]), sorted([]))).toBeNull();
    expect(replaceKeys(sorted([]), sorted([0n]), sorted([0n]))).toBeNull();
  });
});

/** Segments of a few rows, so every table has several and an edit leaves most unchanged. */
const RULE: SegmentRule = { meanRows: 8, minRows: 4, maxRows: 64 };
let tables: Record<TableName, string[]>;

beforeAll(async () => {
  const corpus = tempDir('validate-delta-corpus');
  for (let i = 0; i < 60; i++) {
    const { relPath, content } = generateArticle(5, i);
    fs.mkdirSync(path.dirname(path.join(corpus, relPath)), { recursive: true });
    fs.writeFileSync(path.join(corpus, relPath), content);
  }
  const out = tempDir('validate-delta-out');
  expect((await build(corpus, out, undefined, { segmentRule: RULE })).ok).toBe(true);
  tables = Object.fromEntries(TABLE_NAMES.map((t) => [t, tableLines(path.join(out, 'link'), t)])) as Record<TableName, string[]>;
}, 180_000);

/** Runs the validate stage on tables written to `dir`/link, with the last run's output in `previous`. */
async function validate(lines: Record<TableName, string[]>, previous: string | null): Promise<{ dir: string; report: ValidationReport; log: string[] }> {
  const dir = tempDir('validate-delta-run');
  const link = path.join(dir, 'link');
  fs.mkdirSync(link);
  for (const t of TABLE_NAMES) writeTableByHand(link, t, lines[t]);
  const outDir = path.join(dir, 'validate');
  fs.mkdirSync(outDir);
  const log: string[] = [];
  const context: StageContext = {
    config: { root: ROOT, seeds: dir, out: dir, segmentRule: RULE },
    inputs: { link },
    outDir,
    previous: previous === null ? null : { dir: previous, codeHash: 'this code' },
    codeHash: 'this code',
    log: (message) => log.push(message),
    progress: () => {},
  };
  await validateStage.run(context);
  return { dir: outDir, report: JSON.parse(fs.readFileSync(path.join(outDir, 'report.json'), 'utf8')) as ValidationReport, log };
}

type Edit = (lines: Record<TableName, string[]>) => void;

/** The unedited tables validated, then the edited ones from scratch and with the first run as the last. */
async function validateEdited(edit: Edit) {
  const first = await validate(tables, null);
  expect(first.report.valid).toBe(true);
  const lines = Object.fromEntries(TABLE_NAMES.map((t) => [t, [...tables[t]]])) as Record<TableName, string[]>;
  edit(lines);
  const fromScratch = await validate(lines, null);
  const incremental = await validate(lines, first.dir);
  const usedDelta = incremental.log.some((l) => /only the changed ones checked/.test(l));
  return { fromScratch, incremental, usedDelta };
}

const parse = (line: string) => JSON.parse(line) as Row;

describe('the validate stage with the last run\'s key sets', () => {
  const valid: [string, Edit][] = [
    ['nothing changed', () => {}],
    ['a document and its figures removed', (lines) => {
      const docId = parse(lines.documents[17]!).doc_id;
      lines.documents.splice(17, 1);
      lines.figures = lines.figures.filter((l) => parse(l).doc_id !== docId);
    }],
    ['a figure moved to another segment of its table (its key leaves one segment, enters another)', (lines) => {
      const [moved] = lines.figures.splice(3, 1);
      lines.figures.splice(lines.figures.length - 5, 0, moved!);
    }],
    ['a campaign no row refers to added, and a value changed', (lines) => {
      lines.campaigns.push(JSON.stringify({ ...parse(lines.campaigns[0]!), campaign_id: 'cmp_00000000000000ff' }));
      lines.figures[40] = JSON.stringify({ ...parse(lines.figures[40]!), value: 7 });
    }],
  ];
  for (const [what, edit] of valid) {
    it(`decides a valid edit by the delta check alone, as a full run would write it: ${what}`, async () => {
      const { fromScratch, incremental, usedDelta } = await validateEdited(edit);
      expect(usedDelta, incremental.log.join('\n')).toBe(true);
      const unchanged = Number(/^(\d+) table segments unchanged/.exec(incremental.log.find((l) => /unchanged/.test(l)) ?? '')?.[1]);
      expect(unchanged).toBeGreaterThan(10); // most segments were not read again
      expect(incremental.report.valid).toBe(true);
      expect(folderHashes(incremental.dir)).toEqual(folderHashes(fromScratch.dir));
    });
  }

  const invalid: [string, Edit, string][] = [
    ['a row breaking its schema', (lines) => (lines.figures[30] = JSON.stringify({ ...parse(lines.figures[30]!), measure: 'not_a_measure' })), 'row problems'],
    ['a document removed while its figures stay', (lines) => void lines.documents.splice(5, 1), 'refers to a documents key that is gone'],
    ['a campaign removed while rows still name it', (lines) => {
      const used = new Set(lines.figures.map((l) => parse(l).campaign_id));
      lines.campaigns.splice(lines.campaigns.findIndex((l) => used.has(parse(l).campaign_id)), 1);
    }, 'key that is gone'],
    ['a claim repeated at the end', (lines) => void lines.claims.push(lines.claims[0]!), 'also in one that did not change'],
    ['two copies of a new figure', (lines) => {
      const copy = JSON.stringify({ ...parse(lines.figures[10]!), figure_id: 'fig_00000000000000aa' });
      lines.figures.splice(10, 0, copy, copy);
    }, 'repeats in the segments that changed'],
    ['a figure naming a document that is not there', (lines) => (lines.figures[50] = JSON.stringify({ ...parse(lines.figures[50]!), doc_id: 'doc_00000000000000bb' })), 'not there'],
  ];
  for (const [what, edit, reason] of invalid) {
    it(`leaves an edit it cannot prove valid to the full check, whose report it gives: ${what}`, async () => {
      const { fromScratch, incremental, usedDelta } = await validateEdited(edit);
      expect(usedDelta).toBe(false);
      expect(incremental.log.join('\n')).toContain(reason);
      expect(incremental.report.valid).toBe(false);
      expect(incremental.report).toEqual(fromScratch.report);
      expect(folderHashes(incremental.dir)).toEqual(folderHashes(fromScratch.dir));
    });
  }

  it('links the last run\'s digest file of an unchanged segment, and writes those of changed ones', async () => {
    const first = await validate(tables, null);
    const lines = Object.fromEntries(TABLE_NAMES.map((t) => [t, [...tables[t]]])) as Record<TableName, string[]>;
    lines.figures[40] = JSON.stringify({ ...parse(lines.figures[40]!), value: 7 });
    const again = await validate(lines, first.dir);
    const inodes = (dir: string, table: TableName) => new Map(fs.readdirSync(path.join(dir, 'segments', table)).map((name) => [name.slice(7), fs.statSync(path.join(dir, 'segments', table, name)).ino]));
    for (const table of TABLE_NAMES) {
      const before = inodes(first.dir, table);
      const now = inodes(again.dir, table);
      // Named by place and segment hash: the same hash (after the place) is the same file, a hard link.
      const kept = [...now].filter(([hashPart]) => before.has(hashPart));
      for (const [hashPart, ino] of kept) expect(ino, `${table} ${hashPart}`).toBe(before.get(hashPart));
      if (table === 'figures') expect(kept.length).toBe(now.size - 1); // the edited segment's digest is new
      else expect(kept.length).toBe(now.size);
    }
  });

  it('does not trust a digest file edited after the last run (same size, newer), and checks everything', async () => {
    const first = await validate(tables, null);
    const folder = path.join(first.dir, 'segments', 'claims');
    const file = path.join(folder, fs.readdirSync(folder).sort()[1]!);
    const text = fs.readFileSync(file, 'utf8');
    const later = new Date(fs.statSync(path.join(first.dir, 'segments-index.json')).mtimeMs + 5_000);
    fs.writeFileSync(file, text.replace(/"rows":(\d)/, (_, d: string) => `"rows":${(Number(d) + 1) % 10}`)); // same size
    fs.utimesSync(file, later, later);
    const again = await validate(tables, first.dir);
    expect(again.log.join('\n')).toContain('is not the folder its index describes');
    expect(again.report.valid).toBe(true);
    expect(folderHashes(again.dir)).toEqual(folderHashes((await validate(tables, null)).dir));
  });

  it('checks everything again after a run that was not valid', async () => {
    const broken = Object.fromEntries(TABLE_NAMES.map((t) => [t, [...tables[t]]])) as Record<TableName, string[]>;
    broken.claims.push(broken.claims[0]!);
    const first = await validate(broken, null);
    expect(first.report.valid).toBe(false);
    const again = await validate(tables, first.dir);
    expect(again.log.join('\n')).toContain('not valid');
    expect(again.report.valid).toBe(true);
  });
});
