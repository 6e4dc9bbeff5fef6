// Claims rebuilt per changed scope (link's incremental path): the scopes documents entered or left are
// built again and merged among the last run's kept rows; the table must equal a build from scratch.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildClaims, changedClaimScopes, updateClaims, type ClaimInput, type ClaimRow } from '../pipeline/lib/claims.js';
import { loadSchemas, rowComparator, sortRows, type Row } from '../pipeline/lib/schema.js';
import { ROOT } from './helpers/build.js';

const claimsSchema = loadSchemas(ROOT).claims;
const compare = rowComparator(claimsSchema) as (a: ClaimRow | Row, b: ClaimRow | Row) => number;

describe('changedClaimScopes', () => {
  const before = new Map<string, string | null>([
    ['doc_kept', 'cmp_a'],
    ['doc_moved', 'cmp_a'],
    ['doc_removed', 'cmp_b'],
    ['doc_alone', null],
  ]);
  it('is empty when every document keeps its campaign', () => {
    expect(changedClaimScopes(before, new Map(before))).toEqual(new Set());
  });
  it('names the scopes a document left and entered, and the own scope of a document without a campaign', () => {
    const now = new Map<string, string | null>([
      ['doc_kept', 'cmp_a'],
      ['doc_moved', 'cmp_c'],
      ['doc_alone', null],
      ['doc_added', null],
    ]);
    expect([...changedClaimScopes(before, now)].sort()).toEqual(['cmp_a', 'cmp_b', 'cmp_c', 'doc:doc_added']);
  });
  it('names both scopes when a document loses or gains its campaign', () => {
    const now = new Map<string, string | null>([...before, ['doc_alone', 'cmp_b'], ['doc_kept', null]]);
    expect([...changedClaimScopes(before, now)].sort()).toEqual(['cmp_a', 'cmp_b', 'doc:doc_alone', 'doc:doc_kept']);
  });
});

/** A document's figures: fixed by its id, as in the pipeline (same content, same figures). */
function figuresOf(doc: number, campaign: string | null): ClaimInput[] {
  const measures = ['persons_arrested', 'cases_solved', 'websites_investigated'];
  return [0, 1, 2].slice(0, 1 + (doc % 3)).map((k) => ({
    figure_id: `fig_${doc}_${k}`,
    doc_id: `doc_${String(doc).padStart(3, '0')}`,
    campaign_id: campaign,
    measure: measures[(doc + k) % 3]!,
    value: [100, 120, 15000, 15321, 7400, 9000][(doc * 7 + k) % 6]!,
    unit: 'count',
    qualifier: (['exact', 'about', 'over'] as const)[(doc + k) % 3]!,
    place_code: k === 2 ? 'CN-GD' : 'CN',
    publisher: doc % 2 ? 'Xinhua' : null,
  }));
}

const corpus = fc.dictionary(
  fc.integer({ min: 0, max: 40 }).map(String),
  fc.option(fc.constantFrom('cmp_a', 'cmp_b', 'cmp_c', 'cmp_d'), { nil: null, freq: 3 }),
  { maxKeys: 30 },
);

function inputsOf(docs: Record<string, string | null>): ClaimInput[] {
  return Object.entries(docs).flatMap(([doc, campaign]) => figuresOf(Number(doc), campaign));
}

function campaignsOf(docs: Record<string, string | null>): Map<string, string | null> {
  return new Map(Object.entries(docs).map(([doc, campaign]) => [`doc_${doc.padStart(3, '0')}`, campaign]));
}

describe('updateClaims', () => {
  it('gives the table a build from scratch gives, for any documents added, removed or moved between campaigns', () => {
    fc.assert(
      fc.property(corpus, corpus, (last, next) => {
        const lastTable = sortRows(buildClaims(inputsOf(last)) as unknown as Row[], claimsSchema) as unknown as ClaimRow[];
        const changed = changedClaimScopes(campaignsOf(last), campaignsOf(next));
        const previous = lastTable.map((row) => ({ row, line: JSON.stringify(row) }));
        const updated = [...updateClaims(previous, changed, inputsOf(next), compare)].map((item) => ('fresh' in item ? JSON.stringify(item.fresh) : item.kept));
        const scratch = sortRows(buildClaims(inputsOf(next)) as unknown as Row[], claimsSchema).map((row) => JSON.stringify(row));
        expect(updated).toEqual(scratch);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the last run\'s lines of unchanged scopes as they were', () => {
    const docs = { '1': 'cmp_a', '2': 'cmp_a', '3': null } as const;
    const lastTable = sortRows(buildClaims(inputsOf(docs)) as unknown as Row[], claimsSchema) as unknown as ClaimRow[];
    const previous = lastTable.map((row, i) => ({ row, line: `kept ${i}` }));
    const next = { ...docs, '4': 'cmp_b' };
    const items = [...updateClaims(previous, changedClaimScopes(campaignsOf(docs), campaignsOf(next)), inputsOf(next), compare)];
    expect(items.filter((item) => 'kept' in item)).toHaveLength(lastTable.length);
    expect(items.filter((item) => 'fresh' in item).map((item) => ('fresh' in item ? item.fresh.campaign_id : null))).toEqual(
      expect.arrayContaining(['cmp_b']),
    );
    expect(items.every((item) => 'kept' in item || item.fresh.campaign_id === 'cmp_b')).toBe(true);
  });
});
