import { describe, expect, it } from 'vitest';
import {
  buildClaims,
  isScaleMismatch,
  valueInterval,
  valuesCompatible,
  type ClaimInput,
  type ClaimRow,
} from '../pipeline/lib/claims.js';

let counter = 0;
/** A figure row; defaults describe a nationwide arrest count of campaign cmp_a. */
function fig(doc_id: string, value: number, qualifier: ClaimInput['qualifier'] = 'exact', extra: Partial<ClaimInput> = {}): ClaimInput {
  counter += 1;
  return {
    figure_id: `${doc_id}-f${counter}`,
    doc_id,
    campaign_id: 'cmp_a',
    measure: 'persons_arrested',
    value,
    unit: 'people',
    qualifier,
    place_code: 'CN',
    ...extra,
  };
}

const only = (rows: ClaimRow[]): ClaimRow => {
  expect(rows).toHaveLength(1);
  return rows[0]!;
};

describe('value intervals', () => {
  it('widens qualified values by their bands', () => {
    const close = (iv: readonly [number, number], lo: number, hi: number): void => {
      expect(iv[0]).toBeCloseTo(lo, 6);
      expect(iv[1]).toBeCloseTo(hi, 6);
    };
    close(valueInterval(100, 'about'), 90, 110);
    close(valueInterval(100, 'over'), 100, 125);
    close(valueInterval(100, 'under'), 80, 100);
  });

  it('treats exact round numbers as rounded, capped at 5%', () => {
    expect(valueInterval(860, 'exact')).toEqual([860, 860]);
    const [lo, hi] = valueInterval(7400, 'exact');
    expect(lo).toBeGreaterThan(7350);
    expect(lo).toBeLessThan(7351);
    expect(hi).toBeLessThan(7450);
    expect(hi).toBeGreaterThan(7449);
    expect(valueInterval(9000, 'exact')).toEqual([8550, 9450]);
    const [mlo, mhi] = valueInterval(1_880_000, 'exact');
    expect(Math.abs(mlo - 1_875_000)).toBeLessThan(10);
    expect(Math.abs(mhi - 1_885_000)).toBeLessThan(10);
  });

  it('decides compatibility the way a reader would', () => {
    expect(valuesCompatible({ value: 9000, qualifier: 'under' }, { value: 8900, qualifier: 'over' })).toBe(true);
    expect(valuesCompatible({ value: 9000, qualifier: 'exact' }, { value: 8900, qualifier: 'exact' })).toBe(true);
    expect(valuesCompatible({ value: 15000, qualifier: 'exact' }, { value: 15000, qualifier: 'under' })).toBe(true);
    expect(valuesCompatible({ value: 1_880_000, qualifier: 'exact' }, { value: 188_000_000, qualifier: 'exact' })).toBe(false);
    expect(valuesCompatible({ value: 15000, qualifier: 'exact' }, { value: 60000, qualifier: 'exact' })).toBe(false);
    expect(valuesCompatible({ value: 7400, qualifier: 'exact' }, { value: 7300, qualifier: 'exact' })).toBe(false);
    expect(isScaleMismatch(1_880_000, 188_000_000)).toBe(true);
    expect(isScaleMismatch(60000, 37000)).toBe(false);
  });
});

describe('buildClaims', () => {
  it('corroborates compatible rounded figures from different documents', () => {
    const c = only(buildClaims([fig('d1', 9000, 'under'), fig('d2', 8900, 'over'), fig('d3', 9000, 'exact', { publisher: 'Wire' })]));
    expect(c.status).toBe('corroborated');
    expect(c.value).toBe(9000);
    expect(c.conservative_value).toBe(8900);
    expect(c.min_value).toBe(8900);
    expect(c.max_value).toBe(9000);
    expect(c.n_documents).toBe(3);
    expect(c.doc_ids).toBe('d1; d2; d3');
    expect(c.figure_ids.split('; ')).toHaveLength(3);
    expect(c.publishers).toBe('Wire');
    expect(c.conflicting_values).toBe('');
  });

  it('corroborates "nearly 15,000" with an exact 15,000', () => {
    const c = only(buildClaims([fig('d1', 15000, 'under'), fig('d2', 15000), fig('d3', 15000)]));
    expect(c.status).toBe('corroborated');
    expect(c.value).toBe(15000);
  });

  it('uses the conservative value when no source gives an exact number', () => {
    const c = only(buildClaims([fig('d1', 7400, 'under'), fig('d2', 7400, 'over')]));
    expect(c.value).toBe(7400);
    const d = only(buildClaims([fig('d1', 9000, 'under'), fig('d2', 8900, 'over')]));
    expect(d.value).toBe(8900);
  });

  it('flags disagreeing documents as conflicting and shows both values', () => {
    const rows = buildClaims([fig('d1', 15000), fig('d2', 15000, 'under'), fig('d3', 60000)]);
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.status).toBe('conflicting');
      expect(r.conflicting_values).toBe('15000 (d1, d2); 60000 (d3)');
    }
    expect(rows.map((r) => r.value)).toEqual([15000, 60000]);
  });

  it('flags one document giving the same digits at two scales', () => {
    const rows = buildClaims([
      fig('d1', 1_880_000, 'exact', { measure: 'content_removed', unit: 'items' }),
      fig('d1', 188_000_000, 'exact', { measure: 'content_removed', unit: 'items' }),
    ]);
    expect(rows.map((r) => r.status)).toEqual(['conflicting', 'conflicting']);
    expect(rows[0]!.conflicting_values).toBe('1880000 (d1); 188000000 (d1)');
  });

  it('does not call a total and a sub-total in one document a conflict', () => {
    const rows = buildClaims([fig('d1', 60000, 'over'), fig('d1', 37000, 'over'), fig('d2', 60000)]);
    const byValue = new Map(rows.map((r) => [r.value, r]));
    expect(byValue.get(60000)?.status).toBe('corroborated');
    expect(byValue.get(37000)?.status).toBe('single_source');
  });

  it('keeps places, units and measures apart', () => {
    const rows = buildClaims([
      fig('d1', 1000, 'over', { measure: 'amount_involved', unit: 'CNY', place_code: 'CN-JS' }),
      fig('d1', 1000, 'over', { measure: 'amount_involved', unit: 'CNY', place_code: 'CN-BJ' }),
      fig('d2', 1000, 'over', { measure: 'amount_involved', unit: 'USD', place_code: 'CN-BJ' }),
      fig('d2', 1000, 'over', { measure: 'criminal_proceeds', unit: 'CNY', place_code: 'CN-BJ' }),
    ]);
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.status === 'single_source')).toBe(true);
  });

  it('keeps figures without a campaign inside their own document', () => {
    const rows = buildClaims([fig('d1', 500, 'exact', { campaign_id: null }), fig('d2', 500, 'exact', { campaign_id: null }), fig('d3', 900, 'exact', { campaign_id: null })]);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.status === 'single_source' && r.campaign_id === null)).toBe(true);
    expect(new Set(rows.map((r) => r.claim_id)).size).toBe(3);
  });

  it('gives stable ids and order whatever the input order', () => {
    const input = [
      fig('d1', 15000),
      fig('d2', 15000, 'under'),
      fig('d3', 60000),
      fig('d1', 7400, 'under', { measure: 'cases_investigated', unit: 'cases' }),
      fig('d2', 7400, 'over', { measure: 'cases_investigated', unit: 'cases' }),
      fig('d4', 50, 'exact', { campaign_id: 'cmp_b', measure: 'websites_closed', unit: 'sites' }),
    ];
    const forward = buildClaims(input);
    const backward = buildClaims([...input].reverse());
    const shuffled = buildClaims([input[3]!, input[5]!, input[0]!, input[4]!, input[2]!, input[1]!]);
    expect(backward).toEqual(forward);
    expect(shuffled).toEqual(forward);
    expect(forward.map((r) => [r.campaign_id, r.measure])).toEqual([
      ['cmp_a', 'cases_investigated'],
      ['cmp_a', 'persons_arrested'],
      ['cmp_a', 'persons_arrested'],
      ['cmp_b', 'websites_closed'],
    ]);
    for (const r of forward) expect(r.claim_id).toMatch(/^clm_[0-9a-f]{16}$/);
    // adding an unrelated document leaves existing ids alone
    const more = buildClaims([...input, fig('d9', 3, 'exact', { campaign_id: 'cmp_z' })]);
    expect(more.filter((r) => r.campaign_id !== 'cmp_z').map((r) => r.claim_id)).toEqual(forward.map((r) => r.claim_id));
  });
});
