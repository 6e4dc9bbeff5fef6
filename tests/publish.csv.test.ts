// emit streams CSV through csvLines (one row at a time, no whole-table string); tableToCsv is
// csv-stringify over the whole table. csv-stringify is the reference: the two must agree byte for
// byte on every kind of cell a table can hold.
import fc from 'fast-check';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { csvLines, tableToCsv } from '../pipeline/lib/publish.js';
import { loadSchemas, TABLE_NAMES, type Row } from '../pipeline/lib/schema.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const schemas = loadSchemas(ROOT);
const TRICKY = ['a', ' ', ',', '"', '\n', '\r', '\t', '\u00a0', '\u2028', '\ufeff', '\u3000', 'é', '中', '\v', '\f', '\u0085', '\u200b', "'", '=', '-', '+', '@', '😀'];

function streamed(rows: Row[], table: (typeof TABLE_NAMES)[number]): string {
  const lines = csvLines(schemas[table]);
  return lines.header + rows.map((row) => lines.line(row)).join('');
}

describe('streamed CSV equals csv-stringify', () => {
  for (const table of TABLE_NAMES) {
    const columns = Object.keys(schemas[table].properties);
    const cell = fc.oneof(
      fc.constant(null),
      fc.constant(''),
      fc.integer({ min: -1e9, max: 1e9 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.array(fc.constantFrom(...TRICKY), { maxLength: 6 }).map((parts) => parts.join('')),
      fc.string(),
    );
    const row = fc.record(Object.fromEntries(columns.map((c) => [c, cell])), { requiredKeys: [] }) as fc.Arbitrary<Row>;

    it(`${table}: random rows with quotes, separators, line breaks, Unicode spaces, nulls and missing cells`, () => {
      fc.assert(
        fc.property(fc.array(row, { maxLength: 20 }), (rows) => {
          expect(streamed(rows, table)).toBe(tableToCsv(rows, schemas[table]));
        }),
        { numRuns: 300 },
      );
    });

    it(`${table}: an empty table is the header line alone`, () => {
      expect(streamed([], table)).toBe(tableToCsv([], schemas[table]));
    });
  }
});
