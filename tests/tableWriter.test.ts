// link's TableWriter copying runs of the last run's table: the folder of segment files must be what
// writing every line one by one gives, whichever runs are copied and wherever new lines go; and where
// a copied run starts at a boundary of both tables, its whole segments are hard links to the last
// run's files, neither read nor hashed again.
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { columnsOf, loadSchemas } from '../pipeline/lib/schema.js';
import { fileSegments, tableFiles, type SegmentRule } from '../pipeline/lib/segments.js';
import { PreviousTable, TableWriter } from '../pipeline/lib/tableWriter.js';
import { ROOT, tempDir } from './helpers/build.js';

/** Small segments, so a table of a few dozen rows has many. */
const RULE: SegmentRule = { meanRows: 4, minRows: 2, maxRows: 12 };
const schema = loadSchemas(ROOT).claims;

const line = (key: number, version = 0): string => JSON.stringify({ claim_id: `clm_${key.toString(16).padStart(8, '0')}`, version });

/** Writes lines one by one into a table folder; returns its rows and spans. */
function writeFresh(dir: string, lines: readonly string[]) {
  const writer = new TableWriter(dir, schema, null, RULE);
  for (const l of lines) writer.writeLine(l);
  return writer.close();
}

/** A table folder's files, by name, and its text (its files one after the other). */
function folderContent(dir: string): { names: string[]; text: string } {
  const files = tableFiles(dir);
  return { names: files.map((file) => path.basename(file)), text: files.map((file) => fs.readFileSync(file, 'utf8')).join('') };
}

const tableBytes = (dir: string): number => tableFiles(dir).reduce((n, file) => n + fs.statSync(file).size, 0);

/** A previous table's lines with their byte ranges. */
function ranges(lines: readonly string[]): [number, number][] {
  let at = 0;
  return lines.map((l) => {
    const length = Buffer.byteLength(l) + 1;
    const range: [number, number] = [at, length];
    at += length;
    return range;
  });
}

/** An edit of the next table: keep a previous line (copied), or write a new one. */
type Step = { keep: number } | { add: string };

describe('TableWriter copying the last run\'s lines', () => {
  const dir = tempDir('table-writer');
  let run = 0;

  it('writes the same bytes and segments as writing every line, for any lines kept, dropped or added', () => {
    const previousLines = fc.uniqueArray(fc.integer({ min: 0, max: 1 << 30 }), { minLength: 0, maxLength: 80 }).map((keys) => keys.map((k) => line(k)));
    fc.assert(
      fc.property(previousLines, fc.array(fc.tuple(fc.nat(9), fc.integer({ min: 0, max: 1 << 30 })), { maxLength: 120 }), (before, edits) => {
        const base = path.join(dir, `run-${run++}`);
        const previousFile = `${base}-previous`;
        const previous = writeFresh(previousFile, before);
        // A walk through the previous lines: mostly kept in order, some dropped, some new ones added.
        const steps: Step[] = [];
        let next = 0;
        for (const [choice, key] of edits) {
          if (choice < 6 && next < before.length) steps.push({ keep: next++ });
          else if (choice < 8 && next < before.length) next++;
          else steps.push({ add: line(key, 1) });
        }
        while (next < before.length) steps.push({ keep: next++ });
        const at = ranges(before);
        const table = PreviousTable.open(previousFile, previous.spans)!;
        expect(table).not.toBeNull();
        const copier = new TableWriter(`${base}-copied`, schema, table, RULE);
        const offsets: number[] = [];
        for (const step of steps) {
          offsets.push(copier.offset);
          if ('keep' in step) copier.copy(...at[step.keep]!);
          else copier.writeLine(step.add);
        }
        const copied = copier.close();
        const expectedLines = steps.map((step) => ('keep' in step ? before[step.keep]! : step.add));
        const fresh = writeFresh(`${base}-fresh`, expectedLines);
        expect(folderContent(`${base}-copied`)).toEqual(folderContent(`${base}-fresh`));
        expect(copied).toEqual(fresh);
        expect(offsets).toEqual(ranges(expectedLines).map(([offset]) => offset));
      }),
      { numRuns: 300 },
    );
  });

  it('links whole every segment of a table copied entire, but its last (which the table\'s end may have cut)', () => {
    const lines = Array.from({ length: 200 }, (_, i) => line(i * 7919));
    const previousFile = path.join(dir, 'entire-previous');
    const previous = writeFresh(previousFile, lines);
    expect(previous.spans.length).toBeGreaterThan(10);
    const copied = path.join(dir, 'entire-copied');
    const copier = new TableWriter(copied, schema, PreviousTable.open(previousFile, previous.spans), RULE);
    copier.copy(0, tableBytes(previousFile));
    expect(copier.close()).toEqual(previous);
    expect(copier.wholeSegments).toBe(previous.spans.length - 1);
    // Those segments' files are the last run's (hard links), the last one written again.
    const inodes = (folder: string): number[] => tableFiles(folder).map((file) => fs.statSync(file).ino);
    expect(inodes(copied).slice(0, -1)).toEqual(inodes(previousFile).slice(0, -1));
    expect(inodes(copied).at(-1)).not.toBe(inodes(previousFile).at(-1));
    // The segments a reader would cut from the files agree, one per file.
    expect([...fileSegments(tableFiles(copied), RULE)].map((s) => s.hash)).toEqual(previous.spans.map((s) => s.hash));
    expect(folderContent(copied)).toEqual(folderContent(previousFile));
  });

  it('falls into step with the last run\'s segments after a new line', () => {
    const lines = Array.from({ length: 200 }, (_, i) => line(i * 7919));
    const previousFile = path.join(dir, 'step-previous');
    const previous = writeFresh(previousFile, lines);
    const copier = new TableWriter(path.join(dir, 'step-copied'), schema, PreviousTable.open(previousFile, previous.spans), RULE);
    copier.writeLine(line(1, 1));
    copier.copy(0, tableBytes(previousFile));
    const copied = copier.close();
    expect(copied).toEqual(writeFresh(path.join(dir, 'step-fresh'), [line(1, 1), ...lines]));
    expect(folderContent(path.join(dir, 'step-copied'))).toEqual(folderContent(path.join(dir, 'step-fresh')));
    expect(copier.wholeSegments).toBeGreaterThan(previous.spans.length / 2);
  });

  it('copies nothing from a folder its spans do not describe', () => {
    const lines = Array.from({ length: 40 }, (_, i) => line(i * 7919));
    const stale = (name: string, edit: (folder: string) => void): PreviousTable | null => {
      const folder = path.join(dir, `stale-${name}`);
      const previous = writeFresh(folder, lines);
      expect(PreviousTable.open(folder, previous.spans)).not.toBeNull();
      edit(folder);
      return PreviousTable.open(folder, previous.spans);
    };
    expect(stale('grown', (folder) => fs.appendFileSync(tableFiles(folder)[1]!, `${line(4)}\n`))).toBeNull();
    expect(stale('removed', (folder) => fs.rmSync(tableFiles(folder)[0]!))).toBeNull();
    expect(stale('added', (folder) => fs.writeFileSync(path.join(folder, '999999-extra.jsonl'), `${line(5)}\n`))).toBeNull();
    expect(stale('renamed', (folder) => fs.renameSync(tableFiles(folder)[0]!, path.join(folder, '000000-0000000000000000.jsonl')))).toBeNull();
    expect(PreviousTable.open(path.join(dir, 'missing'), writeFresh(path.join(dir, 'present'), lines).spans)).toBeNull();
  });

  it('refuses a run that is not whole lines', () => {
    const previousFile = path.join(dir, 'partial-previous');
    const previous = writeFresh(previousFile, [line(1), line(2)]);
    const copier = new TableWriter(path.join(dir, 'partial-copied'), schema, PreviousTable.open(previousFile, previous.spans), RULE);
    copier.copy(0, 5);
    expect(() => copier.close()).toThrow(/not whole lines/);
  });
});

describe('TableWriter.format', () => {
  const columns = columnsOf(schema);
  /** The line a row must give: its schema columns in schema order, then any others. */
  const expected = (row: Record<string, unknown>): string => {
    const ordered: Record<string, unknown> = {};
    for (const c of columns) if (c in row) ordered[c] = row[c];
    for (const c of Object.keys(row)) if (!columns.includes(c)) ordered[c] = row[c];
    return JSON.stringify(ordered);
  };

  it('writes schema columns in schema order, then the others, whatever order the row has them in', () => {
    const writer = new TableWriter(path.join(tempDir('format-'), 'claims'), schema);
    const inOrder = Object.fromEntries(columns.map((c, i) => [c, i % 3 === 0 ? null : `${c}-${i}`]));
    const reversed = Object.fromEntries(Object.entries(inOrder).reverse());
    const withExtra = { ...inOrder, extra: 1 };
    const missingOne = Object.fromEntries(Object.entries(inOrder).slice(1));
    const withUndefined = { ...inOrder, [columns[2]!]: undefined };
    for (const row of [inOrder, reversed, withExtra, missingOne, withUndefined, { extra: 2, ...inOrder }]) {
      expect(writer.format(row as never)).toBe(expected(row));
    }
    expect(writer.format(reversed as never)).toBe(writer.format(inOrder as never));
    writer.close();
  });
});

describe('PreviousTable.endLines', () => {
  it('reads the first and last lines of every segment from its ends, and the whole segment only when one is longer than it reads', () => {
    const dir = tempDir('endlines');
    let run = 0;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 12_000 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 0, max: 2 ** 31 }), (padding, seed) => {
        const lines = padding.map((n, i) => JSON.stringify({ claim_id: `clm_${(seed + i).toString(16)}`, pad: 'x'.repeat(n) }));
        const file = path.join(dir, `t${run++}`);
        const { spans } = writeFresh(file, lines);
        const table = PreviousTable.open(file, spans)!;
        try {
          let index = 0;
          for (const span of spans) {
            const first = lines[index]!;
            const last = lines[index + span.rows - 1]!;
            index += span.rows;
            let wholeRead = false;
            const ends = table.endLines(span, () => ((wholeRead = true), table.read(span.offset, span.length)));
            // Reads the whole segment only when an end line (with its newline) is longer than the 8 KB it reads.
            if (wholeRead) expect(Math.max(Buffer.byteLength(first), Buffer.byteLength(last)) + 1).toBeGreaterThan(8192);
            expect([ends.first.toString(), ends.last.toString()]).toEqual([first, last]);
          }
        } finally {
          table.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
