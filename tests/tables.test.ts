// Pipe tables: a number in a cell is typed by its column's header or its row's label, and placed by
// the other ("| Fujian | 1,512 |" under "| Province | Suspects detained |").
import { describe, expect, it } from 'vitest';
import { cleanDocument } from '../pipeline/lib/clean.js';
import { extractFigures } from '../pipeline/lib/extract.js';
import { cellAt, pipeTableCells } from '../pipeline/lib/tables.js';

const POST = `Fujian police round up the Clear Tide campaign

The department's breakdown of detentions by where suspects were picked up:

| Province  | Suspects detained | Share of total |
|-----------|------------------:|---------------:|
| Fujian    |             1,512 |          82.2% |
| Guangdong |               203 |          11.0% |
| **Total** |         **1,840** |       **100%** |

| Item | 2023 | 2022 |
| --- | --- | --- |
| Cases solved | 391,000 | 437,000 |
| Suspects arrested | over 263,000 | 351,000 |
| Funds frozen (100 million yuan) | 416 | 328 |

A pipe | in running text | is no table.`;

function figuresOf(text: string): string[] {
  const doc = cleanDocument({ doc_id: 'doc_0000000000000000', source_file: 'post.md', format: 'text', text });
  return extractFigures(doc).map((f) => `${f.measure} ${f.value} ${f.qualifier} ${f.unit} ${f.place_code} ${doc.text.slice(f.cleanStart, f.cleanEnd)}`);
}

describe('pipeTableCells', () => {
  it('gives each body cell its column header and row label, skipping the alignment row', () => {
    const cells = pipeTableCells(POST);
    const fujian = cells.find((c) => c.rowLabel === 'Fujian' && c.header === 'Suspects detained')!;
    expect(POST.slice(fujian.start, fujian.end).trim()).toBe('1,512');
    expect(cells.filter((c) => c.isLabel).map((c) => c.rowLabel)).toEqual(['Fujian', 'Guangdong', 'Total', 'Cases solved', 'Suspects arrested', 'Funds frozen (100 million yuan)']);
    expect(cellAt(cells, POST.indexOf('391,000'))?.header).toBe('2023');
    expect(cellAt(cells, POST.indexOf('pipe'))).toBeUndefined();
  });

  it('keeps a row without numbers as a body row, not a new header', () => {
    const text = '| Province | Suspects detained |\n| --- | --- |\n| Fujian | 12 |\n| Hainan | – |\n| Guangdong | 30 |';
    expect(pipeTableCells(text).filter((c) => !c.isLabel && /\d/u.test(text.slice(c.start, c.end))).map((c) => `${c.header}:${c.rowLabel}`)).toEqual(['Suspects detained:Fujian', 'Suspects detained:Guangdong']);
  });

  it('tells a second table from the first by its header row, even with blank lines between rows', () => {
    const text = '| Province | Suspects detained |\n\n| Fujian | 12 |\n\n| Item | 2023 |\n\n| Cases solved | 40 |';
    expect(pipeTableCells(text).filter((c) => !c.isLabel).map((c) => `${c.header}:${c.rowLabel}`)).toEqual(['Suspects detained:Fujian', '2023:Cases solved']);
  });
});

describe('figures in pipe tables', () => {
  it('types a cell by the label with a counted noun and places it by the other', () => {
    // A row that names no place takes the document's: its headline's province (Fujian).
    expect(figuresOf(POST)).toEqual([
      'persons_detained 1512 exact people CN-FJ 1,512',
      'persons_detained 203 exact people CN-GD 203',
      'persons_detained 1840 exact people CN-FJ 1,840',
      'cases_solved 391000 exact cases CN-FJ 391,000',
      'cases_solved 437000 exact cases CN-FJ 437,000',
      'persons_arrested 263000 over people CN-FJ 263,000',
      'persons_arrested 351000 exact people CN-FJ 351,000',
      // The column's unit: 416 x 100 million yuan.
      'assets_frozen 41600000000 exact CNY CN-FJ 416',
      'assets_frozen 32800000000 exact CNY CN-FJ 328',
    ]);
  });

  it('gives nothing for a table of things that are not enforcement figures', () => {
    expect(figuresOf('Population of the provinces\n\n| Province | Population |\n| --- | --- |\n| Fujian | 41,540,000 |\n| Guangdong | 126,570,000 |')).toEqual([]);
  });
});
