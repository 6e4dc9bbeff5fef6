// Claims: one row per figure as reported across sources.
//
// A claim is "the same number for the same thing" told by one or more documents. Figures are
// grouped by (scope, measure, unit, place_code), where the scope is the campaign — or, for a
// figure with no campaign, its own document (two unrelated documents without a campaign are
// never assumed to talk about the same event). Inside a group, every reported value becomes an
// interval of the true values it is consistent with (see `valueInterval`), and figures whose
// intervals share at least one common point form one claim.
//
// Status:
//   corroborated  — 2+ distinct documents back the claim and nothing disagrees with it;
//   single_source — one document backs it and nothing disagrees;
//   conflicting   — in the same group another claim is backed by a document that does not back
//                   this one, while this one is backed by a document that does not back the other
//                   (two sources saying different things); or one document states the same
//                   significant digits at two scales ("1.88 million" and "188 million").
// One document giving a total and a sub-total (60,000 arrests overall, 37,000 for one kind of
// case) is therefore NOT a conflict: those are two claims that nobody disputes.

import { sha256Hex } from './hash.js';
import { byText } from './idOrder.js';
import { flatJsonField } from './lineFile.js';

export type Qualifier = 'exact' | 'about' | 'over' | 'under';

export interface ClaimInput {
  figure_id: string;
  doc_id: string;
  campaign_id: string | null;
  measure: string;
  value: number;
  unit: string;
  qualifier: Qualifier;
  place_code: string;
  /** The outlet, when known: shown so a reader can tell independent outlets from reprints. */
  publisher?: string | null;
}

export type ClaimStatus = 'corroborated' | 'single_source' | 'conflicting';

export interface ClaimRow {
  claim_id: string;
  campaign_id: string | null;
  measure: string;
  /** Representative value: the exact value most documents give, else `conservative_value`. */
  value: number;
  unit: string;
  place_code: string;
  n_documents: number;
  doc_ids: string;
  figure_ids: string;
  /** Distinct publishers that back the claim, `; `-joined (empty when none is known). */
  publishers: string;
  status: ClaimStatus;
  /** The lowest reported value among the claim's figures (ACLED's conservative rule). */
  conservative_value: number;
  min_value: number;
  max_value: number;
  /** For conflicting claims: every disagreeing value of the group, `value (doc_id, doc_id)`, `; `-joined. */
  conflicting_values: string;
}

/**
 * How far a qualified value may lie from the true value, as factors of the reported value.
 * "about 100" = 90..110; "over 100" = 100..125 (writers say "over" for the next round number
 * below the truth, rarely more than a quarter below); "nearly / up to 100" = 80..100.
 */
export const QUALIFIER_BANDS: Readonly<Record<Exclude<Qualifier, 'exact'>, readonly [number, number]>> = {
  about: [0.9, 1.1],
  over: [1, 1.25],
  under: [0.8, 1],
};

/**
 * An "exact" number written with 2+ trailing zeros is probably rounded ("9,000" for 8,900):
 * it stands for anything within half a unit of its last significant digit, capped at this
 * fraction of the value so that "10,000" does not swallow 14,000.
 */
export const ROUND_NUMBER_MAX_TOLERANCE = 0.05;
/** Fewest trailing zeros that make an exact number count as rounded. */
export const ROUND_NUMBER_MIN_TRAILING_ZEROS = 2;

export type Interval = readonly [number, number];

/** Number of trailing decimal zeros of a positive integer (0 for non-integers and 0). */
export function trailingZeros(value: number): number {
  if (!Number.isInteger(value) || value === 0) return 0;
  let v = Math.abs(value);
  let zeros = 0;
  while (v % 10 === 0 && zeros < 20) {
    v /= 10;
    zeros += 1;
  }
  return zeros;
}

/** The true values a reported value is consistent with. */
export function valueInterval(value: number, qualifier: Qualifier): Interval {
  if (qualifier !== 'exact') {
    const [lo, hi] = QUALIFIER_BANDS[qualifier];
    return [value * lo, value * hi];
  }
  const zeros = trailingZeros(value);
  if (zeros < ROUND_NUMBER_MIN_TRAILING_ZEROS) return [value, value];
  // Just under half a unit: "7,400" (7,350..7,449) and "7,300" (7,250..7,349) must not touch.
  const halfUnit = (10 ** zeros / 2) * 0.999;
  const tolerance = Math.min(halfUnit, Math.abs(value) * ROUND_NUMBER_MAX_TOLERANCE);
  return [value - tolerance, value + tolerance];
}

export function intervalsOverlap(a: Interval, b: Interval): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}

/** Could two qualified reports describe the same true number? */
export function valuesCompatible(
  a: { value: number; qualifier: Qualifier },
  b: { value: number; qualifier: Qualifier },
): boolean {
  return intervalsOverlap(valueInterval(a.value, a.qualifier), valueInterval(b.value, b.qualifier));
}

/** The significant digits of a number: 1880000 -> "188", 188000000 -> "188", 0.5 -> "5". */
export function significantDigits(value: number): string {
  const digits = Math.abs(value).toString().replace('.', '').replace(/^0+/, '');
  return digits.replace(/0+$/, '') || '0';
}

/** Same digits at a different scale: the typical mistranslation of "million" vs "ten thousand". */
export function isScaleMismatch(a: number, b: number): boolean {
  return a !== b && significantDigits(a) === significantDigits(b);
}

export function stableClaimId(scope: string, measure: string, unit: string, place: string, value: number): string {
  const key = ['claim', scope, measure, unit, place, String(value)].join('|');
  return 'clm_' + sha256Hex(key).slice(0, 16);
}

// ---------------------------------------------------------------------------------------------

interface Cluster {
  figures: ClaimInput[];
  docs: Set<string>;
  /** The distinct values each document gives in this cluster. */
  valuesByDoc: Map<string, Set<number>>;
  value: number;
}

function valuesByDoc(figures: readonly ClaimInput[]): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const f of figures) {
    const values = out.get(f.doc_id);
    if (values) values.add(f.value);
    else out.set(f.doc_id, new Set([f.value]));
  }
  return out;
}


/** Where a figure's claim lives: its campaign, or its own document when it has none. */
const DOCUMENT_SCOPE = 'doc:';

export function claimScope(f: Pick<ClaimInput, 'campaign_id' | 'doc_id'>): string {
  return f.campaign_id ?? `${DOCUMENT_SCOPE}${f.doc_id}`;
}

/**
 * Is the scope of a document's figures (its campaign's, or its own without one) in `scopes`? As
 * `scopes.has(claimScope(...))`, without making a document scope's string for each document asked.
 */
export function scopeTest(scopes: ReadonlySet<string>): (docId: string, campaignId: string | null) => boolean {
  const documents = new Set(documentsOfScopes(scopes));
  return (docId, campaignId) => (campaignId !== null ? scopes.has(campaignId) : documents.has(docId));
}

/** The documents whose own scopes (claims without a campaign) are among `scopes`. */
function documentsOfScopes(scopes: Iterable<string>): string[] {
  return [...scopes].filter((scope) => scope.startsWith(DOCUMENT_SCOPE)).map((scope) => scope.slice(DOCUMENT_SCOPE.length));
}

function groupKey(f: ClaimInput): string {
  return [claimScope(f), f.measure, f.unit, f.place_code].join('\u0000');
}

function groupFigures(figures: readonly ClaimInput[]): ClaimInput[][] {
  const groups = new Map<string, ClaimInput[]>();
  for (const f of figures) {
    const key = groupKey(f);
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  return [...groups.keys()].sort(byText).map((k) => groups.get(k)!);
}

/**
 * Split one group into the fewest sets of mutually compatible figures: sort intervals by their
 * low end and cut whenever the next interval starts above the running minimum high end (the
 * classic interval-stabbing greedy, so every cluster shares a common true value).
 */
export function clusterCompatible(figures: readonly ClaimInput[]): ClaimInput[][] {
  const withIntervals = figures
    .map((f) => ({ f, iv: valueInterval(f.value, f.qualifier) }))
    .sort(
      (a, b) =>
        a.iv[0] - b.iv[0] ||
        a.iv[1] - b.iv[1] ||
        byText(a.f.doc_id, b.f.doc_id) ||
        byText(a.f.figure_id, b.f.figure_id),
    );
  const clusters: ClaimInput[][] = [];
  let current: ClaimInput[] = [];
  let high = Infinity;
  for (const { f, iv } of withIntervals) {
    if (current.length > 0 && iv[0] > high) {
      clusters.push(current);
      current = [];
      high = Infinity;
    }
    current.push(f);
    high = Math.min(high, iv[1]);
  }
  if (current.length > 0) clusters.push(current);
  return clusters;
}

/** The exact value most documents give (ties: the lower); else the lowest reported value. */
export function representativeValue(figures: readonly ClaimInput[]): number {
  const docsByExactValue = new Map<number, Set<string>>();
  for (const f of figures) {
    if (f.qualifier !== 'exact') continue;
    const docs = docsByExactValue.get(f.value) ?? new Set<string>();
    docs.add(f.doc_id);
    docsByExactValue.set(f.value, docs);
  }
  let best: number | null = null;
  let bestCount = 0;
  for (const [value, docs] of docsByExactValue) {
    if (docs.size > bestCount || (docs.size === bestCount && best !== null && value < best)) {
      best = value;
      bestCount = docs.size;
    }
  }
  return best ?? minOf(figures.map((f) => f.value));
}

// Loops, not Math.min(...values): spreading 100k+ arguments overflows the call stack.
function minOf(values: readonly number[]): number {
  let min = Infinity;
  for (const v of values) if (v < min) min = v;
  return min;
}

function maxOf(values: readonly number[]): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  return max;
}

function hasDocOutside(a: Cluster, b: Cluster): boolean {
  for (const d of a.docs) if (!b.docs.has(d)) return true;
  return false;
}

/** Do two claims of one group disagree (see the status rules at the top of this file)? */
function clustersConflict(a: Cluster, b: Cluster): boolean {
  if (hasDocOutside(a, b) && hasDocOutside(b, a)) return true;
  // Only figures of one document can be a scale mismatch: compare per document, not all pairs.
  for (const fa of a.figures) {
    for (const value of b.valuesByDoc.get(fa.doc_id) ?? []) if (isScaleMismatch(fa.value, value)) return true;
  }
  return false;
}

function describeCluster(c: Cluster): string {
  return `${c.value} (${[...c.docs].sort(byText).join(', ')})`;
}

function toRow(c: Cluster, conflictsWith: Cluster[]): ClaimRow {
  const first = c.figures[0]!;
  const values = c.figures.map((f) => f.value);
  const docIds = [...c.docs].sort(byText);
  const publishers = [...new Set(c.figures.map((f) => f.publisher).filter((p): p is string => !!p))].sort(byText);
  const conflicting = conflictsWith.length > 0;
  const shown = conflicting ? [c, ...conflictsWith].sort((a, b) => a.value - b.value) : [];
  return {
    claim_id: stableClaimId(claimScope(first), first.measure, first.unit, first.place_code, c.value),
    campaign_id: first.campaign_id,
    measure: first.measure,
    value: c.value,
    unit: first.unit,
    place_code: first.place_code,
    n_documents: docIds.length,
    doc_ids: docIds.join('; '),
    figure_ids: c.figures.map((f) => f.figure_id).sort(byText).join('; '),
    publishers: publishers.join('; '),
    status: conflicting ? 'conflicting' : docIds.length >= 2 ? 'corroborated' : 'single_source',
    conservative_value: minOf(values),
    min_value: minOf(values),
    max_value: maxOf(values),
    conflicting_values: shown.map(describeCluster).join('; '),
  };
}

function claimsOfGroup(group: readonly ClaimInput[]): ClaimRow[] {
  const clusters: Cluster[] = clusterCompatible(group).map((figures) => ({
    figures,
    docs: new Set(figures.map((f) => f.doc_id)),
    valuesByDoc: valuesByDoc(figures),
    value: representativeValue(figures),
  }));
  const rows = clusters.map((c) => toRow(c, clusters.filter((o) => o !== c && clustersConflict(c, o))));
  return disambiguateIds(rows);
}

/** Two claims of one group can share a representative value only in rare interval layouts; keep ids unique. */
function disambiguateIds(rows: ClaimRow[]): ClaimRow[] {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.claim_id, (counts.get(r.claim_id) ?? 0) + 1);
  return rows.map((r) =>
    (counts.get(r.claim_id) ?? 0) < 2
      ? r
      : { ...r, claim_id: 'clm_' + sha256Hex(r.claim_id + '|' + r.figure_ids).slice(0, 16) },
  );
}

function compareRows(a: ClaimRow, b: ClaimRow): number {
  return (
    byText(a.campaign_id ?? '', b.campaign_id ?? '') ||
    byText(a.measure, b.measure) ||
    byText(a.unit, b.unit) ||
    byText(a.place_code, b.place_code) ||
    a.value - b.value ||
    byText(a.claim_id, b.claim_id)
  );
}

/** Fold figures from many documents into claims (deterministic order, stable ids). */
export function buildClaims(figures: readonly ClaimInput[]): ClaimRow[] {
  return groupFigures(figures).flatMap(claimsOfGroup).sort(compareRows);
}

/**
 * The scopes whose claims may differ from the last run's, given each document's campaign then and
 * now (absent: the document was not there). A scope's claims depend only on which documents' figures
 * fall in it and on the scope's name: every scope a document entered or left is changed, and no
 * other. A campaign whose id changed counts as left by all its documents, so both ids are changed
 * scopes. A document's figures are fixed by its record; one in `edited` (its record changed since,
 * under the same doc_id) counts as leaving its old scope and entering its new one.
 */
export function changedClaimScopes(
  before: ReadonlyMap<string, string | null>,
  now: ReadonlyMap<string, string | null>,
  edited: ReadonlySet<string> = new Set(),
): Set<string> {
  function* changes(): Generator<CampaignChange> {
    for (const [doc_id, campaign_id] of now) yield { doc_id, before: before.get(doc_id), now: campaign_id, edited: edited.has(doc_id) };
    for (const [doc_id, campaign_id] of before) if (!now.has(doc_id)) yield { doc_id, before: campaign_id, now: undefined, edited: false };
  }
  return scopesOfChanges(changes());
}

/** A document's campaign then and now (undefined: it was not there / is gone), and whether its record changed since. */
export interface CampaignChange {
  doc_id: string;
  before: string | null | undefined;
  now: string | null | undefined;
  edited: boolean;
}

/** changedClaimScopes from each document's change, for a caller that has them as lists rather than maps. */
export function scopesOfChanges(changes: Iterable<CampaignChange>): Set<string> {
  const changed = new Set<string>();
  for (const { doc_id, before, now, edited } of changes) {
    if (before === now && !edited) continue;
    if (now !== undefined) changed.add(claimScope({ doc_id, campaign_id: now }));
    if (before !== undefined) changed.add(claimScope({ doc_id, campaign_id: before }));
  }
  return changed;
}

/** The scope of a claim row: its campaign, or the one document of a claim without a campaign. */
export function claimRowScope(row: Pick<ClaimRow, 'campaign_id' | 'doc_ids'>): string {
  return claimScope({ campaign_id: row.campaign_id, doc_id: row.doc_ids });
}

/**
 * This run's claims table from the last run's, in table order: the last run's rows of every scope
 * not in `changed` are kept as they were (passed through as they came), the claims of the changed
 * scopes are built again from `inputs` (figures of other scopes are ignored), sorted by `order.rows`
 * and merged in (`order.freshFirst`: does a new row come before a kept one). Equal to building
 * every claim again, as a scope holds all its figures' claims.
 */
export function* updateClaims<K extends { scope: string }>(
  previous: Iterable<K>,
  changed: ReadonlySet<string>,
  inputs: readonly ClaimInput[],
  order: ClaimOrder<K>,
): Generator<{ kept: K } | { fresh: ClaimRow }> {
  for (const item of updateClaimSegments([{ untouched: null, rows: () => previous }], changed, inputs, order)) if (!('segment' in item)) yield item;
}

export interface ClaimOrder<K> {
  rows: (a: ClaimRow, b: ClaimRow) => number;
  freshFirst: (fresh: ClaimRow, kept: K) => boolean;
}

/** A run of the last run's claims table (a segment), as updateClaimSegments reads it. */
export interface PreviousClaimSegment<K> {
  /** Its first and last rows, if it holds no row of a changed scope (ChangedScopes.mayTouch); else null. */
  untouched: { first: K; last: K } | null;
  /** Its rows, in order: read only when the segment cannot be kept whole. */
  rows(): Iterable<K>;
}

/**
 * updateClaims over the last run's table in segments: a segment that holds no row of a changed scope
 * and that no new row falls inside (none comes before its last row once those before its first are
 * placed) is passed through whole (`{ segment }`) without reading its rows; any other is read row
 * by row, as updateClaims does.
 */
export function* updateClaimSegments<K extends { scope: string }, S extends PreviousClaimSegment<K>>(
  segments: Iterable<S>,
  changed: ReadonlySet<string>,
  inputs: readonly ClaimInput[],
  order: ClaimOrder<K>,
): Generator<{ kept: K } | { fresh: ClaimRow } | { segment: S }> {
  const fresh = buildClaims(inputs.filter((f) => changed.has(claimScope(f)))).sort(order.rows);
  let next = 0;
  for (const segment of segments) {
    const ends = segment.untouched;
    if (ends) {
      while (next < fresh.length && order.freshFirst(fresh[next]!, ends.first)) yield { fresh: fresh[next++]! };
      if (next === fresh.length || !order.freshFirst(fresh[next]!, ends.last)) {
        yield { segment };
        continue;
      }
    }
    for (const item of segment.rows()) {
      if (changed.has(item.scope)) continue;
      while (next < fresh.length && order.freshFirst(fresh[next]!, item)) yield { fresh: fresh[next++]! };
      yield { kept: item };
    }
  }
  while (next < fresh.length) yield { fresh: fresh[next++]! };
}

/** Beyond this many changed document scopes, segments with rows of no campaign are read row by row (see mayTouch). */
const MAX_SEARCHED_DOCUMENT_SCOPES = 64;

/**
 * The changed scopes, to tell from a segment's bytes and its first and last rows that it holds no
 * row of any of them, without parsing its rows. The table is sorted by campaign_id first (nulls
 * first), so a segment's campaigns lie between its first row's and its last row's. A row without
 * a campaign belongs to its one document's scope, and its line holds `"doc_ids":"<that doc_id>"`.
 */
export class ChangedScopes {
  private readonly campaigns: string[];
  private readonly documentPatterns: Buffer[] | null;
  constructor(
    changed: ReadonlySet<string>,
    /**
     * The documents that had no campaign in the last run, when known: only their scopes can hold
     * rows of the last run's table, so only they are searched for. A document added since (or one
     * that had a campaign then) has no row without a campaign to find: at 100k articles, searching
     * for one new article's scope read 46 segments (68 MB) for nothing.
     */
    withoutCampaignLastRun?: ReadonlySet<string>,
  ) {
    const documents = documentsOfScopes(changed).filter((docId) => withoutCampaignLastRun?.has(docId) ?? true);
    this.campaigns = [...changed].filter((scope) => !scope.startsWith(DOCUMENT_SCOPE)).sort();
    this.documentPatterns = documents.length > MAX_SEARCHED_DOCUMENT_SCOPES ? null : documents.map((docId) => Buffer.from(`"doc_ids":${JSON.stringify(docId)}`));
  }
  /**
   * May the segment (its first and last rows; its bytes, read only for rows without a campaign) hold
   * a row of a changed scope? False only when it cannot.
   */
  mayTouch(bytesOf: () => Buffer, first: PreviousClaim, last: PreviousClaim): boolean {
    if (last.campaignId !== null) {
      const from = first.campaignId;
      let lo = 0;
      let hi = this.campaigns.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (from !== null && this.campaigns[mid]! < from) lo = mid + 1;
        else hi = mid;
      }
      if (lo < this.campaigns.length && this.campaigns[lo]! <= last.campaignId) return true;
    }
    if (first.campaignId !== null) return false;
    if (this.documentPatterns === null) return true;
    if (this.documentPatterns.length === 0) return false; // no document to look for: nothing to read
    const bytes = bytesOf();
    return this.documentPatterns.some((pattern) => bytes.includes(pattern));
  }
}

/** A line of the last run's claims table, read only as far as updateClaims needs: most are copied unparsed. */
export interface PreviousClaim {
  bytes: Buffer;
  scope: string;
  /** The first column of the table's order, to place new rows without parsing the line. */
  campaignId: string | null;
}

export function previousClaim(bytes: Buffer): PreviousClaim {
  const campaignId = flatJsonField(bytes, 'campaign_id');
  const docIds = campaignId === null ? flatJsonField(bytes, 'doc_ids') : '';
  if (campaignId === undefined || docIds === undefined || docIds === null) {
    const row = JSON.parse(bytes.toString('utf8')) as ClaimRow;
    return { bytes, scope: claimRowScope(row), campaignId: row.campaign_id };
  }
  return { bytes, scope: claimRowScope({ campaign_id: campaignId, doc_ids: docIds }), campaignId };
}

/**
 * Does a newly built claim come before a kept line in the table's order (`compare`, whose first
 * column is campaign_id, nulls first)? Decided on campaign_id when it differs; else the line is parsed.
 */
export function freshClaimFirst<R>(fresh: ClaimRow, old: PreviousClaim, compare: (a: ClaimRow | R, b: ClaimRow | R) => number): boolean {
  if (fresh.campaign_id !== old.campaignId) {
    if (fresh.campaign_id === null) return true;
    if (old.campaignId === null) return false;
    return fresh.campaign_id < old.campaignId;
  }
  return compare(fresh, JSON.parse(old.bytes.toString('utf8')) as ClaimRow) < 0;
}
