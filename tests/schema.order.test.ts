// A table's row order (rowComparator: its sort key, then its primary key; nulls first, numbers
// numerically, strings by code unit) is the same whether rows come as objects or as columns
// (columnComparator, which link's rows thread sorts the documents by).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { columnComparator, loadSchemas, sortRows, type Row } from '../pipeline/lib/schema.js';
import { ROOT } from './helpers/build.js';

const schemas = loadSchemas(ROOT);

describe('columnComparator', () => {
  it('orders documents as sortRows does: by source_file, then doc_id, nulls first, by code unit', () => {
    const rows: Row[] = [
      { doc_id: 'doc_b', source_file: 'b.txt' },
      { doc_id: 'doc_a', source_file: 'b.txt' },
      { doc_id: 'doc_c', source_file: null },
      { doc_id: 'doc_d', source_file: 'B.txt' }, // upper case sorts first by code unit
      { doc_id: 'doc_e', source_file: 'a/é.txt' },
      { doc_id: 'doc_f', source_file: 'a/z.txt' },
    ];
    const columns = { source_file: rows.map((r) => r.source_file as string | null), doc_id: rows.map((r) => r.doc_id as string) };
    const byColumns = rows.map((_, i) => i).sort(columnComparator(schemas.documents, columns)).map((i) => rows[i]!.doc_id);
    expect(byColumns).toEqual(['doc_c', 'doc_d', 'doc_f', 'doc_e', 'doc_a', 'doc_b']);
    expect(byColumns).toEqual(sortRows(rows, schemas.documents).map((r) => r.doc_id));
  });

  it('agrees with sortRows on any rows', () => {
    const cell = fc.option(fc.string({ maxLength: 4 }), { nil: null });
    fc.assert(
      fc.property(fc.array(fc.record({ source_file: cell, doc_id: fc.string({ maxLength: 4 }) }), { maxLength: 30 }), (rows) => {
        const columns = { source_file: rows.map((r) => r.source_file), doc_id: rows.map((r) => r.doc_id) };
        const order = rows.map((_, i) => i).sort(columnComparator(schemas.documents, columns));
        expect(order.map((i) => rows[i])).toEqual(sortRows(rows as Row[], schemas.documents));
      }),
    );
  });

  it('says which order column it has no values for', () => {
    expect(() => columnComparator(schemas.documents, { source_file: [] })).toThrow(/no values for the order column doc_id/);
  });
});
