// orderByDocId: link's order of documents by doc_id, by packed numbers when the ids are ingest's
// (`doc_` and 16 hex digits), else by a comparator: the same order either way (code units, ties by place).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderByDocId } from '../pipeline/lib/idOrder.js';

const byComparator = (ids: readonly string[]): number[] => ids.map((_, i) => i).sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : a - b));
const hex = (length: number) => fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: length, maxLength: length }).map((d) => d.join(''));
/** Ingest's ids, drawn from few first-8-digit prefixes so that many share them. */
const docIds = fc.array(fc.tuple(fc.constantFrom('00000000', '0000000f', 'ffffffff', '7a3c0001'), hex(8)).map(([p, rest]) => `doc_${p}${rest}`), { maxLength: 200 });

describe('orderByDocId', () => {
  it('orders ingest\'s ids as a comparator does, also within runs that share their first 8 digits', () => {
    fc.assert(fc.property(docIds, (ids) => {
      expect(orderByDocId(ids)).toEqual(byComparator(ids));
    }));
  });

  it('keeps equal ids in their places\' order', () => {
    const ids = ['doc_00000000000000ff', 'doc_0000000000000001', 'doc_00000000000000ff', 'doc_0000000000000001'];
    expect(orderByDocId(ids)).toEqual([1, 3, 0, 2]);
  });

  it('falls back to the comparator for any other id', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.string(), docIds.map((d) => d[0] ?? 'doc_0')), { maxLength: 100 }), (ids) => {
      expect(orderByDocId(ids)).toEqual(byComparator(ids));
    }));
    expect(orderByDocId(['doc_B', 'doc_a', 'DOC_0000000000000000'])).toEqual([2, 0, 1]);
  });
});
