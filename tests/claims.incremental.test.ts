// Claims rebuilt per changed scope (link's incremental path): the scopes documents entered or left are
// built again and merged among the last run's kept rows; the table must equal a build from scratch.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildClaims, changedClaimScopes, ChangedScopes, claimRowScope, claimScope, freshClaimFirst, previousClaim, scopeTest, updateClaims, updateClaimSegments, type ClaimInput, type ClaimRow, type PreviousClaim } from '../pipeline/lib/claims.js';
import { loadSchemas, orderColumns, rowComparator, sortRows, type Row } from '../pipeline/lib/schema.js';
import { ROOT } from './helpers/build.js';

const claimsSchema = loadSchemas(ROOT).claims;
const compare = rowComparator(claimsSchema) as (a: ClaimRow | Row, b: ClaimRow | Row) => number;
const order = { rows: compare, freshFirst: (fresh: ClaimRow, kept: { row: ClaimRow }) => compare(fresh, kept.row) < 0 };
/** The last run's table as updateClaims reads it. */
const previousOf = (table: ClaimRow[]) => table.map((row) => ({ row, scope: claimRowScope(row), line: JSON.stringify(row) }));

describe('scopeTest', () => {
  it('answers as a lookup of claimScope, for campaigns and for documents without one', () => {
    const ids = fc.constantFrom('cmp_a', 'cmp_b', 'doc_x', 'doc_y', 'doc:doc_x', '');
    fc.assert(
      fc.property(fc.uniqueArray(fc.oneof(ids, ids.map((id) => `doc:${id}`))), fc.array(fc.tuple(ids, fc.option(ids, { nil: null }))), (scopes, asked) => {
        const set = new Set(scopes);
        const included = scopeTest(set);
        for (const [docId, campaignId] of asked) expect(included(docId, campaignId)).toBe(set.has(claimScope({ doc_id: docId, campaign_id: campaignId })));
      }),
    );
  });
});

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
  it('names the scopes of an edited document (its record changed under the same doc_id), where it stayed or not', () => {
    expect([...changedClaimScopes(before, new Map(before), new Set(['doc_kept', 'doc_alone']))].sort()).toEqual(['cmp_a', 'doc:doc_alone']);
    const now = new Map<string, string | null>([...before, ['doc_moved', 'cmp_c']]);
    expect([...changedClaimScopes(before, now, new Set(['doc_moved']))].sort()).toEqual(['cmp_a', 'cmp_c']);
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
        const updated = [...updateClaims(previousOf(lastTable), changed, inputsOf(next), order)].map((item) => ('fresh' in item ? JSON.stringify(item.fresh) : item.kept.line));
        const scratch = sortRows(buildClaims(inputsOf(next)) as unknown as Row[], claimsSchema).map((row) => JSON.stringify(row));
        expect(updated).toEqual(scratch);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the last run\'s lines of unchanged scopes as they were', () => {
    const docs = { '1': 'cmp_a', '2': 'cmp_a', '3': null } as const;
    const lastTable = sortRows(buildClaims(inputsOf(docs)) as unknown as Row[], claimsSchema) as unknown as ClaimRow[];
    const next = { ...docs, '4': 'cmp_b' };
    const items = [...updateClaims(previousOf(lastTable), changedClaimScopes(campaignsOf(docs), campaignsOf(next)), inputsOf(next), order)];
    expect(items.filter((item) => 'kept' in item)).toHaveLength(lastTable.length);
    expect(items.filter((item) => 'fresh' in item).map((item) => ('fresh' in item ? item.fresh.campaign_id : null))).toEqual(
      expect.arrayContaining(['cmp_b']),
    );
    expect(items.every((item) => 'kept' in item || item.fresh.campaign_id === 'cmp_b')).toBe(true);
  });
});

describe('placing a new claim among the kept lines', () => {
  const claimRow = fc.record({
    claim_id: fc.constantFrom('clm_1', 'clm_2', 'clm_3'),
    campaign_id: fc.option(fc.constantFrom('cmp_a', 'cmp_b', 'cmp_ä'), { nil: null }),
    measure: fc.constantFrom('cases_solved', 'persons_arrested'),
    value: fc.constantFrom(7, 100, 15000),
    unit: fc.constant('count'),
    place_code: fc.constantFrom('CN', 'CN-GD'),
    n_documents: fc.constant(1),
    doc_ids: fc.constantFrom('doc_a', 'doc_b'),
    figure_ids: fc.constant('fig_1'),
    publishers: fc.constant(''),
    status: fc.constant('single_source' as const),
    conservative_value: fc.constant(7),
    min_value: fc.constant(7),
    max_value: fc.constant(7),
    conflicting_values: fc.constant(''),
  });
  it('relies on campaign_id leading the claims table\'s order', () => {
    expect(orderColumns(claimsSchema)[0]).toBe('campaign_id');
  });
  it('reads a kept line\'s scope as the parsed row gives it', () => {
    fc.assert(
      fc.property(claimRow, (row) => {
        const kept = previousClaim(Buffer.from(JSON.stringify(row)));
        expect(kept.scope).toBe(claimRowScope(row));
        expect(kept.campaignId).toBe(row.campaign_id);
      }),
    );
  });
  it('orders as the table\'s comparator does', () => {
    fc.assert(
      fc.property(claimRow, claimRow, (fresh, kept) => {
        fc.pre(fresh.claim_id !== kept.claim_id);
        expect(freshClaimFirst(fresh, previousClaim(Buffer.from(JSON.stringify(kept))), compare)).toBe(compare(fresh, kept) < 0);
      }),
      { numRuns: 500 },
    );
  });
});

describe('updateClaimSegments', () => {
  /** The last run's table cut into segments where `cuts` says (any cut, not only the segment rule's), as link reads them. */
  function segmentsOf(table: ClaimRow[], cuts: readonly boolean[], scopes: ChangedScopes) {
    const segments: ClaimRow[][] = [];
    table.forEach((row, i) => (i === 0 || cuts[i % cuts.length] ? segments.push([row]) : segments.at(-1)!.push(row)));
    return segments.map((rows) => {
      const lines = rows.map((row) => JSON.stringify(row));
      const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''));
      const [first, last] = [previousClaim(Buffer.from(lines[0]!)), previousClaim(Buffer.from(lines.at(-1)!))];
      return { lines, untouched: scopes.mayTouch(() => bytes, first, last) ? null : { first, last }, rows: () => lines.map((l) => previousClaim(Buffer.from(l))) };
    });
  }

  /** A few documents added, removed or moved to another campaign (or none). */
  const edits = fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }).map(String), fc.option(fc.constantFrom('cmp_a', 'cmp_b', 'cmp_c', 'cmp_d', 'removed'), { nil: null })), { maxLength: 3 });
  function edited(docs: Record<string, string | null>, changes: [string, string | null][]): Record<string, string | null> {
    const next = { ...docs };
    for (const [doc, campaign] of changes) {
      if (campaign === 'removed') delete next[doc];
      else next[doc] = campaign;
    }
    return next;
  }

  it('gives the table a build from scratch gives, passing whole the segments that hold no changed scope', () => {
    let passedWhole = 0;
    fc.assert(
      fc.property(corpus, edits, fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }), (last, changes, cuts) => {
        const next = edited(last, changes);
        const lastTable = sortRows(buildClaims(inputsOf(last)) as unknown as Row[], claimsSchema) as unknown as ClaimRow[];
        const changed = changedClaimScopes(campaignsOf(last), campaignsOf(next));
        // As link does, search only for the documents that had no campaign last time (half the
        // runs): an added document's scope has no row in the last table.
        const withoutCampaignLastRun = new Set([...campaignsOf(last)].filter(([, campaign]) => campaign === null).map(([doc]) => doc));
        const segments = segmentsOf(lastTable, cuts, new ChangedScopes(changed, cuts.length % 2 ? withoutCampaignLastRun : undefined));
        for (const segment of segments) {
          // A segment said to hold no changed scope holds none.
          if (segment.untouched) expect(segment.rows().filter((row) => changed.has(row.scope))).toEqual([]);
        }
        const keptOrder = { rows: compare, freshFirst: (fresh: ClaimRow, old: PreviousClaim) => freshClaimFirst(fresh, old, compare) };
        const updated = [...updateClaimSegments(segments, changed, inputsOf(next), keptOrder)].flatMap((item) => {
          if ('segment' in item) {
            passedWhole++;
            return item.segment.lines;
          }
          return ['fresh' in item ? JSON.stringify(item.fresh) : item.kept.bytes.toString()];
        });
        const scratch = sortRows(buildClaims(inputsOf(next)) as unknown as Row[], claimsSchema).map((row) => JSON.stringify(row));
        expect(updated).toEqual(scratch);
      }),
      { numRuns: 400 },
    );
    expect(passedWhole).toBeGreaterThan(100);
  });

  it('tells a segment of rows without a campaign from the documents it names', () => {
    const row = (campaign_id: string | null, doc_ids: string) => previousClaim(Buffer.from(JSON.stringify({ claim_id: 'clm_1', campaign_id, measure: 'cases_solved', doc_ids })));
    const bytes = (docIds: string[]) => Buffer.from(docIds.map((d) => JSON.stringify({ claim_id: 'clm_1', campaign_id: null, doc_ids: d })).join('\n') + '\n');
    const scopes = new ChangedScopes(new Set(['doc:doc_b', 'cmp_m']));
    expect(scopes.mayTouch(() => bytes(['doc_a', 'doc_c']), row(null, 'doc_a'), row(null, 'doc_c'))).toBe(false);
    expect(scopes.mayTouch(() => bytes(['doc_a', 'doc_b']), row(null, 'doc_a'), row(null, 'doc_b'))).toBe(true);
    // doc_b as a prefix of another document's id is not doc_b.
    expect(scopes.mayTouch(() => bytes(['doc_bb']), row(null, 'doc_bb'), row(null, 'doc_bb'))).toBe(false);
    // Campaigns: a changed one between the first row's and the last row's.
    expect(scopes.mayTouch(() => Buffer.alloc(0), row('cmp_a', 'doc_x'), row('cmp_l', 'doc_x'))).toBe(false);
    expect(scopes.mayTouch(() => Buffer.alloc(0), row('cmp_a', 'doc_x'), row('cmp_m', 'doc_x'))).toBe(true);
    expect(scopes.mayTouch(() => Buffer.alloc(0), row('cmp_m', 'doc_x'), row('cmp_z', 'doc_x'))).toBe(true);
    expect(scopes.mayTouch(() => Buffer.alloc(0), row('cmp_n', 'doc_x'), row('cmp_z', 'doc_x'))).toBe(false);
    expect(scopes.mayTouch(() => bytes(['doc_a']), row(null, 'doc_a'), row('cmp_z', 'doc_x'))).toBe(true);
    // A segment that starts with a campaign is decided without reading its bytes.
    const unread = () => {
      throw new Error('read');
    };
    expect(scopes.mayTouch(unread, row('cmp_a', 'doc_x'), row('cmp_l', 'doc_x'))).toBe(false);
    expect(scopes.mayTouch(unread, row('cmp_a', 'doc_x'), row('cmp_l', 'doc_x'))).toBe(false);
    expect(scopes.mayTouch(unread, row('cmp_a', 'doc_x'), row('cmp_m', 'doc_x'))).toBe(true);
  });

  it('searches only for the documents that had no campaign in the last run, when told which', () => {
    const row = (doc_ids: string) => previousClaim(Buffer.from(JSON.stringify({ claim_id: 'clm_1', campaign_id: null, measure: 'cases_solved', doc_ids })));
    const unread = () => {
      throw new Error('read');
    };
    // doc_new was added (or had a campaign then): the last table has no row of its scope to find.
    const added = new ChangedScopes(new Set(['doc:doc_new', 'cmp_m']), new Set());
    expect(added.mayTouch(unread, row('doc_a'), row('doc_z'))).toBe(false);
    const present = new ChangedScopes(new Set(['doc:doc_b', 'cmp_m']), new Set(['doc_b']));
    const bytes = Buffer.from(['doc_a', 'doc_b'].map((d) => JSON.stringify({ claim_id: 'clm_1', campaign_id: null, doc_ids: d })).join('\n') + '\n');
    expect(present.mayTouch(() => bytes, row('doc_a'), row('doc_b'))).toBe(true);
  });
});
