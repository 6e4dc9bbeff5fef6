// Stage 4 — link: across documents. Resolves campaign mentions into campaigns (one id per campaign
// however it is named), gives every document and figure its campaign_id, and groups figures into
// claims. Builds the four published tables as rows.
// Input: out/extract (its document shards). Output: out/link/{documents,figures,campaigns,claims}/,
// each table a folder of JSON Lines segment files in schema column order (segments.ts: `cat
// figures/*.jsonl` is the table); segments.json, where each table's segments lie (validate and emit
// take them from it instead of reading and hashing the tables again); and caches for the next run
// (link-docs/<shard>.jsonl and link-docs.json, link-cache.jsonl, link-drafts.jsonl, link-rows.tsv;
// not published).
//
// Incremental: link-docs/ keeps each document's summary and campaign profile after a digest of its extract record,
// so an unchanged document is summarised without parsing its record, and link-docs.json the extract
// shard each file of entries came from, so an unchanged shard is not read at all. link-cache.jsonl
// keeps each campaign unit's candidate links and its evidence digest; a run with the same code reuses
// the links of the units that meet no added or removed document, and updates or scores again the
// others (campaignLinking.ts, reusableLinks); each profile in link-docs/ carries what groups identical
// documents into units (its collapse key). The clustering of every connected part of the links whose units and
// links are unchanged is restored from link-cache.jsonl (restorableComponents); link-drafts.jsonl keeps each
// campaign's row after a key of its members and their evidence, so only the campaigns whose members
// changed are drafted again. Claims are built again only for the scopes that documents entered or
// left (claims.ts, updateClaimSegments), the other claim lines copied; a document's rows are copied,
// by the byte ranges link-rows.tsv recorded, when its record and its campaign did not change. Copied
// runs go out as whole segments where they can: hard links to the last run's segment files
// (tableWriter.ts), so a rebuild after one added article writes a few MB of tables, not ~480 MB. The
// output is the same as a build from scratch.
//
// Memory stays proportional to the compact evidence, not to the corpus text: the first pass keeps
// per document only what linking and claims need (its campaign profile, figure values) and where its line is;
// the tables are then written by reading each document's line again, in the order each table needs.
// The figures and documents tables (and link-rows.tsv) are written on a worker thread from a plan of
// flat arrays (linkRows.ts) while this thread writes the caches, the claims and the campaigns table:
// at 100k articles that takes about a tenth off link from scratch (the rows' ~8 s run beside the
// claims' ~10 s); after one added article, whose rebuild mostly copies bytes, only a few tenths.
import { hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { buildClaims, ChangedScopes, freshClaimFirst, scopeTest, previousClaim, scopesOfChanges, updateClaimSegments, type CampaignChange, type ClaimInput, type ClaimRow, type PreviousClaim, type PreviousClaimSegment } from '../lib/claims.js';
import { draftFromParts, linkCacheLine, linkCampaigns, parseLinkCacheLine, profileDocument, profileFields, profileFromFields, withCollapseKey, type CampaignRow, type DraftCampaign, type HeadlineFigures, type KeptDraft, type LinkedCampaign, type DocProfile, type PreviousLinking, type ProfileFields } from '../lib/campaignLinking.js';
import { linkOrCopyFile, readJson, writeFileDatedAfter } from '../lib/fsutil.js';
import { recordSpans, SEGMENT_SPANS, segmentFileHashes, type RecordedSpans, type SegmentRule, type SegmentSpan } from '../lib/segments.js';
import { PreviousTable, TableWriter, type WrittenTable } from '../lib/tableWriter.js';
import { figureId, LINK_ROWS, matchRowIndex, noPreviousRows, writeDocumentRows, type PreviousRows, type RowsPlan, type WrittenRows } from '../lib/linkRows.js';
import { defaultWorkerCount } from '../lib/cores.js';
import { TaskFailure, WorkerPool } from '../lib/workerPool.js';
import { collectGarbageIfGrown } from '../lib/gcHint.js';
import { BufferedLineWriter, flatJsonField, linesWithRefs, nonEmptyLines, rawLinesWithRefs, type LineRef } from '../lib/lineFile.js';
import { loadSchemas, orderColumns, rowComparator, schemaFiles, sortRows, TABLE_NAMES, type Row, type TableName, type TableSchema } from '../lib/schema.js';
import { byText, orderByDocId } from '../lib/idOrder.js';
import { siblingModule } from '../lib/runtime.js';
import { readShardManifest, shardNames, shardPath } from '../lib/shards.js';
import { previousOutputFile, segmentRuleOf, type StageContext, type StageDefinition, type StageOutcome } from '../lib/stage.js';
import type { Qualifier } from '../lib/lexicon/en.js';
import type { ExtractedDocument } from './extract.js';

/**
 * What claims need of a document's figures, flat: FIGURE_FIELDS items per figure (measure, value,
 * unit, qualifier, place_code), in the document's order. One array per document instead of an object
 * (and a parsed array) per figure: at 100k documents, a million fewer objects for the collector to
 * move while link keeps them.
 */
type FlatFigures = (string | number | null)[];
const FIGURE_FIELDS = 5;

/** What claims and the tables need from one document, and where to find the rest of it. */
interface DocSummary {
  /** Where the document's extract line is: its shard file (an index into the run's list) and place in it. */
  file: number;
  ref: LineRef;
  /** sha256 (base64) of the extract line: equal digests, equal summaries and profiles. */
  digest: string;
  doc_id: string;
  source_file: string;
  publisher: string | null;
  published_date: string | null;
  /** What claims need of each figure (FlatFigures). */
  figures: FlatFigures;
  /** The figures' ids, hashed when first needed: an incremental run needs them only for the few documents whose rows or claims it builds again. */
  figureIds?: string[];
  /** Its campaign, once linking has given one (or none) to every document: see withCampaigns. */
  campaign?: string | null;
}

/**
 * Each summary's campaign from its profile's (linkCampaigns sets it), in one pass: the rows plan,
 * the changed claim scopes and the claims' inputs then read it from the summary. `byDocId` and
 * `profiles` are in the same order (summarizeDocuments).
 */
function withCampaigns(byDocId: readonly DocSummary[], profiles: readonly DocProfile[]): void {
  byDocId.forEach((s, i) => {
    const profile = profiles[i]!;
    if (profile.doc_id !== s.doc_id || profile.campaign === undefined) throw new Error(`link: no campaign linked for ${s.doc_id}`);
    s.campaign = profile.campaign;
  });
}

function campaignOf(s: DocSummary): string | null {
  if (s.campaign === undefined) throw new Error(`link: ${s.doc_id} has no campaign yet (withCampaigns first)`);
  return s.campaign;
}

/** A document's summary and its campaign profile (what linking needs of it). */
interface SummarizedDocument {
  summary: DocSummary;
  profile: DocProfile;
}

/** Figure `i` of flat figures. */
function figureAt(figures: FlatFigures, i: number): { measure: string; value: number; unit: string; qualifier: Qualifier; place_code: string | null } {
  const at = i * FIGURE_FIELDS;
  return { measure: figures[at] as string, value: figures[at + 1] as number, unit: figures[at + 2] as string, qualifier: figures[at + 3] as Qualifier, place_code: figures[at + 4] as string | null };
}

function figureIdsOf(s: DocSummary): string[] {
  if (s.figureIds) return s.figureIds;
  const ids: string[] = [];
  for (let i = 0; i * FIGURE_FIELDS < s.figures.length; i++) {
    const f = figureAt(s.figures, i);
    ids.push(figureId(s.doc_id, f.measure, f.value, f.unit, f.place_code));
  }
  return (s.figureIds = ids);
}

/** Linking compares documents by their figures' measures and values only (not their units or places). */
function headlineFigures(figures: FlatFigures): HeadlineFigures {
  const headline: (string | number | null)[] = [];
  for (let at = 0; at < figures.length; at += FIGURE_FIELDS) headline.push(figures[at]!, figures[at + 1]!, null, figures[at + 3]!, null);
  return headline;
}

function summarize(doc: ExtractedDocument, digest: string, file: number, ref: LineRef): SummarizedDocument {
  const figures = doc.figures.flatMap(({ measure, value, unit, qualifier, place_code }) => [measure, value, unit, qualifier, place_code]);
  // With its collapse key, which link-docs/ keeps with the profile for the next run.
  const profile = withCollapseKey(profileDocument({ doc_id: doc.doc_id, published_date: doc.metadata.published_date, mentions: doc.campaign_mentions, figures: [] }, headlineFigures(figures)));
  profile.digest = digest; // linkCampaigns takes each document's digest from its profile
  const summary: DocSummary = {
    file,
    ref,
    digest,
    doc_id: doc.doc_id,
    source_file: doc.source_file,
    publisher: doc.metadata.publisher,
    published_date: doc.metadata.published_date,
    figures,
  };
  return { summary, profile };
}

/**
 * link-docs/<shard>.jsonl keeps each document's summary and campaign profile for the next run, after a
 * digest of the extract line it came from: `digest<TAB>[doc_id, publisher, published_date,
 * profile, figures, source_file, offset, length]`, the profile as profileFields gives it (with its collapse key; not the
 * mentions it is made from: smaller, and no profile to make again), the figures flat (FlatFigures:
 * measure, value, unit, qualifier, place_code of each in turn), and offset and length where the line
 * is in its extract shard. A file per extract shard, its entries in the shard's order; link-docs.json
 * records, per shard, the sha256 of the extract shard they were made from and the file's size. The
 * file of a shard whose extract shard is unchanged is taken as it is (a hard link; the extract shard
 * is not read); in a changed shard, a document whose line has the same digest is summarised from its
 * entry instead of parsing its record again. JSON text never holds a raw tab.
 */
const LINK_DOCS = 'link-docs';
const LINK_DOCS_INDEX = 'link-docs.json';
const docsFileOf = (shard: string): string => `${LINK_DOCS}/${shard}.jsonl`;

/** One extract shard's entries file: its size, and the hash of the extract shard they came from. */
interface DocsRange {
  shard: string;
  extract: string;
  length: number;
}

function docEntry({ summary: s, profile }: SummarizedDocument): string {
  return `${s.digest}\t${JSON.stringify([s.doc_id, s.publisher, s.published_date, profileFields(profile), s.figures, s.source_file, s.ref.offset, s.ref.length])}`;
}

/** A document's summary and profile from its entry; `file`: its extract shard's place in this run's list. */
function parseDocEntry(entry: Buffer, file: number): SummarizedDocument {
  const tab = entry.indexOf(0x09);
  if (tab < 0) throw new Error(`${LINK_DOCS}: a line without a digest`);
  type Entry = [string, string | null, string | null, ProfileFields, FlatFigures, string, number, number];
  const [doc_id, publisher, published_date, fields, figures, source_file, offset, length] = JSON.parse(entry.toString('utf8', tab + 1)) as Entry;
  if (!Array.isArray(fields)) throw new Error(`${LINK_DOCS}: an entry without its campaign profile`);
  if (!Array.isArray(figures) || figures.length % FIGURE_FIELDS !== 0) throw new Error(`${LINK_DOCS}: an entry whose figures are not ${FIGURE_FIELDS} fields each`);
  const summary: DocSummary = { file, ref: { offset, length }, digest: entry.toString('latin1', 0, tab), doc_id, source_file, publisher, published_date, figures };
  const profile = profileFromFields(doc_id, fields, headlineFigures(figures));
  profile.digest = summary.digest;
  return { summary, profile };
}

/** The entries of a link-docs file by doc_id (the line's bytes, and its digest). */
function indexEntries(bytes: Buffer, into: Map<string, { digest: string; entry: Buffer }>): void {
  for (const entry of nonEmptyLines(bytes)) {
    const tab = entry.indexOf(0x09);
    const idStart = tab + 3; // after `<TAB>["`
    const idEnd = entry.indexOf(0x22, idStart);
    if (tab < 0 || idEnd < 0) throw new Error(`${LINK_DOCS}: a line without a digest and doc_id`);
    into.set(entry.toString('latin1', idStart, idEnd), { digest: entry.toString('latin1', 0, tab), entry });
  }
}

/**
 * The last run's link-docs files by extract shard, if the same link code wrote them and each is still
 * as the index recorded it: its size, and older than the index (written in a later tick than all of
 * them), so that an edit, even in the same tick, is not trusted.
 */
async function previousDocsFiles(context: StageContext): Promise<{ file: (range: DocsRange) => string; ranges: Map<string, DocsRange> } | null> {
  const indexFile = await previousOutputFile(context, LINK_DOCS_INDEX);
  if (indexFile === null) return null;
  const ranges = (await readJson<{ shards: DocsRange[] }>(indexFile)).shards;
  const indexedAt = fs.statSync(indexFile).mtimeMs;
  const file = (range: DocsRange): string => path.join(context.previous!.dir, docsFileOf(range.shard));
  for (const range of ranges) {
    const stat = fs.statSync(file(range), { throwIfNoEntry: false });
    if (stat?.size !== range.length || stat.mtimeMs >= indexedAt) return null;
  }
  return { file, ranges: new Map(ranges.map((r) => [r.shard, r])) };
}

/**
 * Every document's summary in doc_id order (the tables' rows are written in it), and its campaign
 * profile in the same order (which linkCampaigns then need not sort), from the last run's
 * entries of an unchanged extract shard, or
 * from its extract line or (same digest) the last run's entry; writes this run's link-docs files (one
 * per shard) and link-docs.json. `edited`: the documents present last time whose line changed
 * (renamed, a copy added or removed, extracted anew): their rows and claims are built again.
 * `stale`: the last run's entries of the documents that are gone or changed, whose old profiles
 * incremental linking needs.
 */
async function summarizeDocuments(
  context: StageContext,
  extractDir: string,
): Promise<{ byDocId: DocSummary[]; profiles: DocProfile[]; extractFiles: string[]; edited: Set<string>; stale: Map<string, Buffer>; parsedRecords: number; docsRanges: DocsRange[] }> {
  const manifest = await readShardManifest(extractDir);
  const shards = shardNames(manifest);
  const extractHash = (shard: string): string | undefined => manifest.shards.get(shard)?.sha256;
  const previous = await previousDocsFiles(context);
  const unchanged = (shard: string): DocsRange | undefined => {
    const range = previous?.ranges.get(shard);
    return range && range.extract === extractHash(shard) ? range : undefined;
  };
  // The last run's entries of the shards that changed or are gone: a document in them may be gone,
  // changed, moved to another shard (renamed), or the same as before.
  const before = new Map<string, { digest: string; entry: Buffer }>();
  for (const range of previous?.ranges.values() ?? []) if (!unchanged(range.shard)) indexEntries(fs.readFileSync(previous!.file(range)), before);
  fs.mkdirSync(path.join(context.outDir, LINK_DOCS));
  const summaries: DocSummary[] = [];
  const profiles: DocProfile[] = [];
  const add = (document: SummarizedDocument): void => {
    summaries.push(document.summary);
    profiles.push(document.profile);
  };
  const edited = new Set<string>();
  const ranges: DocsRange[] = [];
  let reused = 0;
  let parsedRecords = 0;
  shards.forEach((shard, fileIndex) => {
    const kept = unchanged(shard);
    const output = path.join(context.outDir, docsFileOf(shard));
    if (kept) {
      for (const entry of nonEmptyLines(fs.readFileSync(previous!.file(kept)))) add(parseDocEntry(entry, fileIndex));
      linkOrCopyFile(previous!.file(kept), output);
      ranges.push(kept);
      reused++;
    } else {
      const writer = new BufferedLineWriter(output, 4 << 20);
      for (const { bytes, ref } of rawLinesWithRefs(shardPath(extractDir, shard))) {
        const digest = hash('sha256', bytes, 'base64');
        const docId = flatJsonField(bytes, 'doc_id');
        const last = docId ? before.get(docId) : undefined;
        let document: SummarizedDocument;
        if (last && last.digest === digest) {
          document = parseDocEntry(last.entry, fileIndex);
          document.summary.ref = ref; // the same line, maybe elsewhere in its shard
          before.delete(docId!);
        } else {
          if (last) edited.add(docId!);
          parsedRecords++;
          document = summarize(JSON.parse(bytes.toString('utf8')) as ExtractedDocument, digest, fileIndex, ref);
        }
        add(document);
        writer.write(docEntry(document));
      }
      writer.close();
      ranges.push({ shard, extract: extractHash(shard)!, length: fs.statSync(output).size });
    }
  });
  // Dated after every shard's file: the next run trusts only files strictly older (previousDocsFiles).
  writeFileDatedAfter(path.join(context.outDir, LINK_DOCS_INDEX), JSON.stringify({ shards: ranges }, null, 2) + '\n', ranges.map((r) => path.join(context.outDir, docsFileOf(r.shard))));
  if (previous) context.log(`summaries of ${reused} of ${shards.length} extract shards taken from the last run`);
  // One sort by doc_id serves the summaries and the profiles (made in the same order).
  const order = orderByDocId(summaries.map((s) => s.doc_id));
  const byDocId = order.map((i) => summaries[i]!);
  const profilesByDocId = order.map((i) => profiles[i]!);
  // Copied: a kept view would keep its whole read buffer alive.
  const stale = new Map([...before].map(([docId, { entry }]) => [docId, Buffer.from(entry)]));
  return { byDocId, profiles: profilesByDocId, extractFiles: shards.map((shard) => shardPath(extractDir, shard)), edited, stale, parsedRecords, docsRanges: ranges };
}


const LINK_CACHE = 'link-cache.jsonl';
/**
 * Each campaign's draft after the key of its group's members and their evidence (draftKey):
 * `key<TAB>baseId<TAB>tieBreakId<TAB>idKey<TAB>tail`, `idKey` as JSON and `tail` the campaign's line in
 * the campaigns table as it would be with an empty campaign_id, less its first characters
 * (EMPTY_ID_LINE_START). A kept draft is written to the table as `{"campaign_id":<id>` and its tail,
 * its id the base id or, when another campaign has the same base id, the tie-break id, without
 * parsing it: at 100k articles, 45,000 rows neither parsed, copied into rows, nor formatted again
 * after one added article (the synthetic corpus's many collisions parsed 0.1 s of rows a run before
 * the tie-break id was kept too).
 */
const LINK_DRAFTS = 'link-drafts.jsonl';
const EMPTY_ID_LINE_START = '{"campaign_id":""';

/** A draft's line in link-drafts.jsonl; `format`: the campaigns table's (TableWriter.format). */
function draftLine(key: string, draft: DraftCampaign, format: (row: Row) => string): string {
  const line = format({ campaign_id: '', ...draft.row } as Row);
  // The table's first column must be campaign_id for the tail to follow it (a schema change fails here, in the tests).
  if (!line.startsWith(EMPTY_ID_LINE_START)) throw new Error(`${LINK_DRAFTS}: the campaigns table's lines do not start with campaign_id`);
  return `${key}\t${draft.baseId}\t${draft.tieBreakId}\t${JSON.stringify(draft.idKey)}\t${line.slice(EMPTY_ID_LINE_START.length)}`;
}

/** A draft kept in the last run's link-drafts.jsonl: its line, and the row parsed only when asked for. */
class KeptDraftLine implements KeptDraft {
  readonly baseId: string;
  readonly tieBreakId: string;
  /** The campaign's table line after EMPTY_ID_LINE_START. */
  readonly tail: Buffer;
  private readonly idKey: Buffer;
  constructor(
    /** Its line in link-drafts.jsonl, without the newline. */
    readonly line: Buffer,
  ) {
    const tabs: number[] = [];
    for (let tab = line.indexOf(0x09); tab >= 0 && tabs.length < 4; tab = line.indexOf(0x09, tab + 1)) tabs.push(tab);
    if (tabs.length < 4) throw new Error(`${LINK_DRAFTS}: a line without its key, base id, tie-break id, id key and row`);
    const [keyEnd, baseIdEnd, tieBreakIdEnd, idKeyEnd] = tabs as [number, number, number, number];
    this.baseId = line.toString('latin1', keyEnd + 1, baseIdEnd);
    this.tieBreakId = line.toString('latin1', baseIdEnd + 1, tieBreakIdEnd);
    this.idKey = line.subarray(tieBreakIdEnd + 1, idKeyEnd);
    this.tail = line.subarray(idKeyEnd + 1);
  }
  draft(): DraftCampaign {
    try {
      const { campaign_id: _, ...row } = JSON.parse(EMPTY_ID_LINE_START + this.tail.toString('utf8')) as CampaignRow;
      return draftFromParts(row, JSON.parse(this.idKey.toString('utf8')) as DraftCampaign['idKey']);
    } catch (error) {
      throw new Error(`${LINK_DRAFTS}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** The last run's link-drafts.jsonl, read as bytes (not as 45,000 strings at 100k articles), its lines found by key. */
class KeptDrafts {
  private readonly bytes: Buffer;
  private readonly lineAt = new Map<string, number>();
  constructor(readonly file: string) {
    this.bytes = fs.readFileSync(file);
    for (let at = 0; at < this.bytes.length; ) {
      let end = this.bytes.indexOf(0x0a, at);
      if (end < 0) end = this.bytes.length;
      const tab = this.bytes.indexOf(0x09, at);
      if (tab < 0 || tab > end) throw new Error(`${LINK_DRAFTS}: a line without its key`);
      this.lineAt.set(this.bytes.toString('latin1', at, tab), at);
      at = end + 1;
    }
  }
  /**
   * Are these drafts the file's lines, all of them and in its order? Then this run's file is the
   * same bytes (every draft kept: written as its kept line), and is linked, not written again.
   */
  isWholeFile(drafts: readonly { kept?: KeptDraft | null }[]): boolean {
    let at = 0;
    for (const { kept } of drafts) {
      if (!(kept instanceof KeptDraftLine) || kept.line.buffer !== this.bytes.buffer || kept.line.byteOffset - this.bytes.byteOffset !== at) return false;
      at += kept.line.length + 1;
    }
    return at === this.bytes.length; // each line and its newline, as BufferedLineWriter writes them
  }
  get(key: string): KeptDraftLine | undefined {
    const at = this.lineAt.get(key);
    if (at === undefined) return undefined;
    const end = this.bytes.indexOf(0x0a, at);
    return new KeptDraftLine(this.bytes.subarray(at, end < 0 ? this.bytes.length : end));
  }
}

/** Where each line of the last run's campaigns table lies, and its campaign_id (file order, which is id order). */
function campaignLines(table: PreviousTable): { bytes: Buffer; lines: { id: string; offset: number; length: number }[] } {
  const last = table.spans[table.spans.length - 1];
  const bytes = last ? table.read(0, last.offset + last.length) : Buffer.alloc(0);
  const lines: { id: string; offset: number; length: number }[] = [];
  const idStart = EMPTY_ID_LINE_START.length - 1; // after `{"campaign_id":"`
  for (let at = 0; at < bytes.length; ) {
    const end = bytes.indexOf(0x0a, at);
    const idEnd = bytes.indexOf(0x22, at + idStart);
    if (end < 0 || idEnd < 0 || idEnd > end) break; // not a line this code wrote: nothing more is copied
    lines.push({ id: bytes.toString('latin1', at + idStart, idEnd), offset: at, length: end - at });
    at = end + 1;
  }
  return { bytes, lines };
}

/**
 * With every draft kept, in the last run's order (KeptDrafts.isWholeFile), the drafts are the ones
 * the last run wrote its campaigns table from (the same link code: previousOutputFile; the folder as
 * its spans describe it: PreviousTable.ofTable), and so are their ids (which base ids collide depends
 * on the drafts alone): that table is this run's. Its length, or null if its row count or length is
 * not what these campaigns' lines add up to (a guard; its bytes are not read).
 */
function sameTableLength(previous: PreviousTable, campaigns: readonly LinkedCampaign[]): number | null {
  const last = previous.spans[previous.spans.length - 1];
  const length = last ? last.offset + last.length : 0;
  if (previous.spans.reduce((n, span) => n + span.rows, 0) !== campaigns.length) return null;
  let expected = 0;
  for (const c of campaigns) {
    if (!(c.kept instanceof KeptDraftLine)) return null;
    expected += Buffer.byteLength(`{"campaign_id":${JSON.stringify(c.campaign_id)}`) + c.kept.tail.length + 1;
  }
  return expected === length ? length : null;
}

/**
 * Writes the campaigns table in campaign_id order (the table's sort key, checked). A kept draft's
 * line is its kept tail after its id: copied from the last run's table when that table has the same
 * line (runs of them go out as whole segments, not hashed again), else written from the tail; the
 * other campaigns are written from their rows.
 */
function writeCampaignRows(writer: TableWriter, schema: TableSchema, campaigns: readonly LinkedCampaign[], previous: PreviousTable | null, draftsUnchanged: boolean): void {
  if (orderColumns(schema).some((c) => c !== 'campaign_id')) throw new Error('the campaigns table is ordered by more than campaign_id, which writeCampaignRows does not do (see link.ts)');
  const whole = previous && draftsUnchanged ? sameTableLength(previous, campaigns) : null;
  if (whole !== null) return writer.copy(0, whole);
  const { bytes, lines } = previous ? campaignLines(previous) : { bytes: Buffer.alloc(0), lines: [] };
  let k = 0;
  for (const c of [...campaigns].sort((a, b) => byText(a.campaign_id, b.campaign_id))) {
    if (!(c.kept instanceof KeptDraftLine)) {
      writer.write({ campaign_id: c.campaign_id, ...c.draft().row } as Row);
      continue;
    }
    const head = Buffer.from(`{"campaign_id":${JSON.stringify(c.campaign_id)}`, 'utf8');
    const tail = c.kept.tail;
    while (k < lines.length && lines[k]!.id < c.campaign_id) k++;
    const old = lines[k];
    // The same id starts the old line as it starts `head`: the rest must be the tail.
    if (old?.id === c.campaign_id && old.length === head.length + tail.length && bytes.compare(tail, 0, tail.length, old.offset + head.length, old.offset + old.length) === 0) {
      writer.copy(old.offset, old.length + 1);
    } else writer.writeLine(Buffer.concat([head, tail]));
  }
}

/**
 * What stands for link's large caches in its output hash instead of their bytes (86 MB read and
 * hashed again every run at 100k articles, about a tenth of a second): each is made by this code from
 * link's input alone (the extract shards, as link-docs.json lists them), as a build from scratch
 * makes it, and validate and emit read none of them (only the tables and segments.json), so their
 * digest need only change when their code or input does. A shard's link-docs file is made from its
 * extract shard alone.
 */
export function cacheDigests(codeHash: string, docsRanges: readonly Pick<DocsRange, 'shard' | 'extract'>[]): Record<string, string> {
  const inputDigest = linkInputDigest(docsRanges);
  return {
    ...Object.fromEntries([LINK_CACHE, LINK_DRAFTS, LINK_ROWS].map((file) => [file, `made by ${codeHash} from ${inputDigest}`])),
    ...Object.fromEntries(docsRanges.map((range) => [docsFileOf(range.shard), `made by ${codeHash} from ${range.extract}`])),
  };
}

/** A digest of link's whole input: the extract shards' hashes, in order, as link-docs.json lists them. */
function linkInputDigest(ranges: readonly Pick<DocsRange, 'shard' | 'extract'>[]): string {
  return hash('sha256', JSON.stringify(ranges.map((r) => [r.shard, r.extract])), 'hex');
}

/** One of link's caches for the next run: a line per item. */
function writeCacheLines<T>(context: StageContext, name: string, items: Iterable<T>, line: (item: T) => string | Uint8Array): void {
  const writer = new BufferedLineWriter(path.join(context.outDir, name), 4 << 20);
  for (const item of items) writer.write(line(item));
  writer.close();
}

/**
 * A cache file of the last run whose content goes into this run's output unchecked (byte ranges
 * copied, campaign rows and unit keys reused): only if the same link code wrote it and it was not
 * modified after segments.json, which the run writes last. One edited since is not trusted.
 */
async function untouchedCacheFile(context: StageContext, name: string): Promise<string | null> {
  const file = await previousOutputFile(context, name);
  const spans = await previousOutputFile(context, SEGMENT_SPANS);
  return file !== null && spans !== null && fs.statSync(file).mtimeMs <= fs.statSync(spans).mtimeMs ? file : null;
}

/**
 * The last run's link-rows.tsv beside this run's documents (untouchedCacheFile: its byte ranges are
 * copied without being read; without it nothing is copied and every row is built).
 */
async function previousRowsOf(context: StageContext, byDocId: readonly DocSummary[]): Promise<PreviousRows> {
  const file = await untouchedCacheFile(context, LINK_ROWS);
  return file === null ? noPreviousRows(byDocId.length) : matchRowIndex(file, byDocId.map((s) => s.doc_id));
}

/** What a document's summary gives of the documents table's order columns. */
const SUMMARY_COLUMNS: Readonly<Record<string, (s: DocSummary) => string | null>> = {
  doc_id: (s) => s.doc_id,
  source_file: (s) => s.source_file,
  publisher: (s) => s.publisher,
  published_date: (s) => s.published_date,
};

/**
 * Each document's place in the documents table (its order columns), from its summary: the rows of
 * unchanged documents are copied without being read, so their order must come from the summary.
 */
function documentOrderColumns(schema: TableSchema, summaries: readonly DocSummary[]): Record<string, (string | null)[]> {
  const columns = orderColumns(schema);
  const missing = columns.filter((c) => !(c in SUMMARY_COLUMNS));
  if (missing.length) throw new Error(`the documents table is ordered by ${missing.join(', ')}, which link's document summaries do not carry (see SUMMARY_COLUMNS in link.ts)`);
  return Object.fromEntries(columns.map((c) => [c, summaries.map(SUMMARY_COLUMNS[c]!)]));
}

/**
 * The plan of the figures and documents tables (linkRows.ts): every document in doc_id order, its
 * campaign, and the byte ranges of its rows in the last run's tables when they can be copied (the
 * same code wrote them, for the same campaign, from the same record).
 */
async function rowsPlan(
  context: StageContext,
  tables: LinkTables,
  schema: TableSchema,
  /** Every document's summary, in doc_id order. */
  byDocId: readonly DocSummary[],
  extractFiles: string[],
  previousRows: PreviousRows,
  edited: ReadonlySet<string>,
): Promise<RowsPlan> {
  const n = byDocId.length;
  const copyFrom = new Float64Array(4 * n).fill(NaN);
  const lineFile = new Int32Array(n);
  const lineAt = new Float64Array(2 * n);
  const campaignIds = byDocId.map((s, i) => {
    const campaignId = campaignOf(s);
    if (previousRows.campaigns[i] === campaignId && !edited.has(s.doc_id)) for (let k = 4 * i; k < 4 * i + 4; k++) copyFrom[k] = previousRows.at[k]!;
    lineFile[i] = s.file;
    lineAt[2 * i] = s.ref.offset;
    lineAt[2 * i + 1] = s.ref.length;
    return campaignId;
  });
  // Opened on the rows' thread, which copies nothing unless both are the tables their spans describe.
  const previousFile = (table: TableName): Promise<string | null> => previousOutputFile(context, table);
  const [figures, documents] = previousRows.documents > 0 ? [await previousFile('figures'), await previousFile('documents')] : [null, null];
  return {
    outDir: context.outDir,
    root: context.config.root,
    rule: tables.rule,
    extractFiles,
    previous: figures !== null && documents !== null ? { figures, documents } : null,
    docIds: byDocId.map((s) => s.doc_id),
    campaignIds,
    copyFrom,
    lineFile,
    lineAt,
    orderColumns: documentOrderColumns(schema, byDocId),
  };
}

/**
 * The last run's linking, if the same link code wrote it: its cache, the old profiles of the
 * documents in `stale`, and its campaign drafts (KeptDrafts).
 */
async function previousLinking(context: StageContext, stale: ReadonlyMap<string, Buffer>): Promise<(PreviousLinking & { drafts: KeptDrafts | null }) | null> {
  const file = await previousOutputFile(context, LINK_CACHE);
  if (file === null) return null;
  const units = [...linesWithRefs(file)].map(({ text }) => parseLinkCacheLine(text));
  const evidence = (docId: string): DocProfile | undefined => {
    const entry = stale.get(docId);
    return entry ? parseDocEntry(entry, -1).profile : undefined;
  };
  // Drafts are used as they are: only from a file not edited since (a damaged line throws, and the
  // stage is built again from scratch). Collapse keys come with the profiles (link-docs/).
  const draftsFile = await untouchedCacheFile(context, LINK_DRAFTS);
  const drafts = draftsFile === null ? null : new KeptDrafts(draftsFile);
  return { units, evidence, draft: (key) => drafts?.get(key), drafts };
}

/**
 * The claim inputs of every document whose scope is in `scopes` (all by default), in source_file
 * order (the documents' order before they were sharded; a source_file is one document's). Only the
 * documents included are sorted: after one added article, a few dozen, not 100,000 (0.07 s).
 */
function claimInputsOf(byDocId: readonly DocSummary[], scopes?: ReadonlySet<string>): ClaimInput[] {
  const inputs: ClaimInput[] = [];
  const included = scopes && scopeTest(scopes);
  // Every figure has its document's campaign (figureRows' figureCampaign is given no mention
  // resolver), so a document's scope is asked about once.
  const documents = included ? byDocId.filter((s) => included(s.doc_id, campaignOf(s))) : [...byDocId];
  documents.sort((a, b) => byText(a.source_file, b.source_file));
  for (const s of documents) {
    const campaign_id = campaignOf(s);
    const ids = figureIdsOf(s);
    for (let i = 0; i < ids.length; i++) {
      const f = figureAt(s.figures, i);
      inputs.push({ figure_id: ids[i]!, doc_id: s.doc_id, campaign_id, measure: f.measure, value: f.value, unit: f.unit, qualifier: f.qualifier, place_code: f.place_code ?? '', publisher: s.publisher });
    }
  }
  return inputs;
}

/** Where link writes its tables and how it cuts them into segments; the last run's tables it may copy from. */
class LinkTables {
  readonly rule: SegmentRule;
  constructor(private readonly context: StageContext) {
    this.rule = segmentRuleOf(context.config);
  }
  writer(table: TableName, schema: TableSchema, previous: PreviousTable | null = null): TableWriter {
    return new TableWriter(path.join(this.context.outDir, table), schema, previous, this.rule);
  }
  /** The last run's table, if the same code wrote it and cut it by the same rule. */
  async previous(table: TableName): Promise<PreviousTable | null> {
    return PreviousTable.ofTable(await previousOutputFile(this.context, table), this.rule);
  }
}

/**
 * The last run's claims table segment by segment, as updateClaimSegments takes them. A segment is
 * read only as far as needed: its first and last lines, then all of it only if it has rows without
 * a campaign (whose documents mayTouch looks for) or its rows are needed; most are copied unread.
 */
function* previousClaimSegments(table: PreviousTable, scopes: ChangedScopes): Generator<PreviousClaimSegment<PreviousClaim> & { span: SegmentSpan }> {
  for (const span of table.spans) {
    let bytes: Buffer | null = null;
    const bytesOf = (): Buffer => (bytes ??= table.read(span.offset, span.length));
    const ends = table.endLines(span, bytesOf);
    const first = previousClaim(ends.first);
    const last = previousClaim(ends.last);
    yield { span, untouched: scopes.mayTouch(bytesOf, first, last) ? null : { first, last }, rows: () => Array.from(nonEmptyLines(bytesOf()), previousClaim) };
  }
}

/**
 * The claim scopes that documents entered or left since the last run (changedClaimScopes), from each
 * document's campaign then (previousRows, in doc_id order as `byDocId`) and now; null without the
 * last run's documents.
 */
function changedScopes(
  byDocId: readonly DocSummary[],
  previousRows: PreviousRows,
  edited: ReadonlySet<string>,
): { changed: Set<string>; withoutCampaignLastRun: Set<string> } | null {
  if (previousRows.documents === 0) return null;
  /** Of the documents that changed, those without a campaign in the last run (ChangedScopes). */
  const withoutCampaignLastRun = new Set<string>();
  function* changes(): Generator<CampaignChange> {
    for (let i = 0; i < byDocId.length; i++) {
      const doc_id = byDocId[i]!.doc_id;
      const before = previousRows.campaigns[i];
      const now = campaignOf(byDocId[i]!);
      const isEdited = edited.has(doc_id);
      if (before === now && !isEdited) continue; // no scope to build again (scopesOfChanges)
      if (before === null) withoutCampaignLastRun.add(doc_id);
      yield { doc_id, before, now, edited: isEdited };
    }
    for (const [doc_id, before] of previousRows.gone) {
      if (before === null) withoutCampaignLastRun.add(doc_id);
      yield { doc_id, before, now: undefined, edited: false };
    }
  }
  return { changed: scopesOfChanges(changes()), withoutCampaignLastRun };
}

/**
 * Writes the claims table. With the last run's claims (same code), only the scopes that documents
 * entered or left are built again (`scopes`: changedScopes; null without the last run's documents);
 * the last run's rows of every other scope are copied (whole segments that hold none of the changed
 * scopes' rows, without reading their rows), and the new rows merged in among them in table order.
 * A claim's scope holds all its figures, so the result is the table a build from scratch writes.
 * This relies on a figure's campaign being its document's (figureCampaign without a mention
 * resolver), so that a document whose campaign did not change keeps every figure in the same scope.
 */
async function writeClaims(
  tables: LinkTables,
  schema: TableSchema,
  /** Every document's summary, in doc_id order. */
  byDocId: readonly DocSummary[],
  scopes: ReturnType<typeof changedScopes>,
): Promise<{ table: WrittenTable; rebuiltScopes: number | null; kept: number; wholeSegments: number }> {
  const previous = scopes !== null ? await tables.previous('claims') : null;
  const writer = tables.writer('claims', schema, previous);
  if (scopes === null || previous === null) {
    for (const row of sortRows(buildClaims(claimInputsOf(byDocId)) as unknown as Row[], schema)) writer.write(row);
    return { table: writer.close(), rebuiltScopes: null, kept: 0, wholeSegments: 0 };
  }
  const { changed } = scopes;
  const compare = rowComparator(schema) as (a: Row | ClaimRow, b: Row | ClaimRow) => number;
  const inputs = claimInputsOf(byDocId, changed);
  let kept = 0;
  const order = { rows: compare, freshFirst: (fresh: ClaimRow, old: PreviousClaim) => freshClaimFirst(fresh, old, compare) };
  for (const item of updateClaimSegments(previousClaimSegments(previous, new ChangedScopes(changed, scopes.withoutCampaignLastRun)), changed, inputs, order)) {
    if ('segment' in item) {
      writer.copy(item.segment.span.offset, item.segment.span.length);
      kept += item.segment.span.rows;
    } else if ('fresh' in item) writer.write(item.fresh as unknown as Row);
    else {
      writer.writeLine(item.kept.bytes);
      kept++;
    }
  }
  const table = writer.close();
  return { table, rebuiltScopes: changed.size, kept, wholeSegments: writer.wholeSegments };
}

export const linkStage: StageDefinition = {
  name: 'link',
  moduleUrl: import.meta.url,
  inputs: (config) => ({ extract: path.join(config.out, 'extract') }),
  codeFiles: (config) => schemaFiles(config.root),
  run: linkDocuments,
};

/** Writes the figures and documents tables: on a worker thread started ahead, or on this thread without worker threads. */
interface RowsWriter {
  write(plan: RowsPlan): Promise<WrittenRows & { where: 'a worker thread' | 'this thread' }>;
  /** Resolves once the thread has the plan: it gets it only through this thread's event loop. */
  dispatched(): Promise<void>;
  close(): Promise<void>;
}

const ROWS_MODULE = siblingModule(import.meta.url, '../lib/linkRows');
/** No time budget: this is the build's own work, not a document's. */
const NO_BUDGET_MS = 2 ** 31 - 1;
const ROWS_HEAP_MB = 4096;

function startRowsWriter(): RowsWriter {
  const pool = defaultWorkerCount() > 0 ? new WorkerPool<RowsPlan, WrittenRows>({ workers: 1, timeoutMs: NO_BUDGET_MS, maxHeapMb: ROWS_HEAP_MB }) : null;
  pool?.preload([ROWS_MODULE]);
  return {
    async write(plan) {
      const here = () => ({ ...writeDocumentRows(plan), where: 'this thread' as const });
      if (pool === null) return here();
      try {
        return { ...(await pool.run({ moduleUrl: ROWS_MODULE, exportName: 'writeDocumentRows' }, plan)), where: 'a worker thread' };
      } catch (error) {
        // A thread that cannot start (no worker threads here) only costs the parallelism.
        if (error instanceof TaskFailure && error.kind === 'setup') return here();
        throw error;
      }
    },
    dispatched: () => pool?.dispatched() ?? Promise.resolve(),
    close: async () => pool?.close(),
  };
}

async function linkDocuments(context: StageContext): Promise<StageOutcome> {
  // The rows' thread starts now, so that its modules are loaded by the time linking is done.
  const rowsWriter = startRowsWriter();
  try {
    return await linkWith(context, rowsWriter);
  } finally {
    await rowsWriter.close();
  }
}

async function linkWith(context: StageContext, rowsWriter: RowsWriter): Promise<StageOutcome> {
  // load: one pass, compact summaries only
  const { byDocId, profiles, extractFiles, edited, stale, parsedRecords, docsRanges } = await summarizeDocuments(context, context.inputs.extract!);

  // process: campaigns, then every figure's campaign, then claims
  // Parsing many records leaves the heap full of dead ones, and linking many documents a large key
  // index: a run that built much asks for full collections between its phases, which keeps its peak
  // memory down. A run that built little leaves little garbage, and a full collection while the
  // summaries are live costs a quarter to a third of a second at 100k: it leaves the garbage to the
  // collector's own (incremental) pace.
  const builtMuch = parsedRecords * 10 >= byDocId.length;
  if (builtMuch) collectGarbageIfGrown();
  const previous = await previousLinking(context, stale);
  // Each profile carries its document's digest (summarize, parseDocEntry): no map of 100,000 doc_ids to look them up in.
  const { linkCache, drafts, rescoredUnits, updatedUnits, recutUnits, reusedDrafts, keptClusteringUnits } = linkCampaigns(profiles, undefined, previous);
  withCampaigns(byDocId, profiles);
  if (previous) {
    context.log(`${rescoredUnits} of ${linkCache.length} campaign units scored again, ${updatedUnits} scored against the added units they meet, ${recutUnits} against the candidates they had not kept, the rest reused`);
    context.log(`groups of ${keptClusteringUnits} of ${linkCache.length} campaign units kept from the last run's clustering, the others merged again`);
    context.log(`${reusedDrafts} of ${drafts.length} campaign rows taken from the last run`);
  }
  const schemas = loadSchemas(context.config.root);
  const linkTables = new LinkTables(context);
  const previousRows = await previousRowsOf(context, byDocId);
  const plan = await rowsPlan(context, linkTables, schemas.documents, byDocId, extractFiles, previousRows, edited);
  const rowsWritten = rowsWriter.write(plan);
  rowsWritten.catch(() => {}); // awaited below; a failure must not count as unhandled meanwhile
  await rowsWriter.dispatched();

  // save: the figures and documents tables on the rows' thread; the caches, the campaigns table and
  // the claims here meanwhile.
  writeCacheLines(context, LINK_CACHE, linkCache, linkCacheLine);
  const previousCampaigns = previous ? await linkTables.previous('campaigns') : null;
  const campaignWriter = linkTables.writer('campaigns', schemas.campaigns, previousCampaigns);
  // A key stands for its draft (draftKey), so a kept draft's line is the one it had.
  // After one added article, often every campaign's draft is kept, in the same order: the same file.
  const draftsUnchanged = previous?.drafts?.isWholeFile(drafts) ?? false;
  if (draftsUnchanged) linkOrCopyFile(previous!.drafts!.file, path.join(context.outDir, LINK_DRAFTS));
  else writeCacheLines(context, LINK_DRAFTS, drafts, (c) => (c.kept instanceof KeptDraftLine ? c.kept.line : draftLine(c.key, c.draft(), (row) => campaignWriter.format(row))));
  writeCampaignRows(campaignWriter, schemas.campaigns, drafts, previousCampaigns, draftsUnchanged);
  const campaignsTable = campaignWriter.close();
  drafts.length = 0;
  linkCache.length = 0;
  profiles.length = 0;
  if (builtMuch) collectGarbageIfGrown(); // linking's profiles and key index are garbage now
  const claimsTable = await writeClaims(linkTables, schemas.claims, byDocId, changedScopes(byDocId, previousRows, edited));
  if (claimsTable.rebuiltScopes !== null) context.log(`claims of ${claimsTable.rebuiltScopes} scopes built again, ${claimsTable.kept} claims kept`);
  const rows = await rowsWritten;
  context.log(`figures and documents tables written on ${rows.where}`);
  const written: Record<TableName, WrittenTable> = { claims: claimsTable.table, figures: rows.figures, documents: rows.documents, campaigns: campaignsTable };
  if (rows.copying) context.log(`rows of ${byDocId.length - rows.built} of ${byDocId.length} documents copied from the last run`);
  const wholeSegments = claimsTable.wholeSegments + rows.wholeSegments;
  const segments = [written.claims, written.figures, written.documents].reduce((n, w) => n + w.spans.length, 0);
  if (rows.copying || claimsTable.rebuiltScopes !== null) context.log(`${wholeSegments} of ${segments} segments of the claims, figures and documents tables copied whole`);
  const tables = TABLE_NAMES.map((t) => [t, written[t]] as const);
  const recorded: RecordedSpans = { rule: linkTables.rule, tables: Object.fromEntries(tables.map(([t, w]) => [t, w.spans])) };
  recordSpans(context.outDir, recorded);
  const summary = tables.map(([t, w]) => `${w.rows} ${t}`).join(', ');
  // A segment file's hash is its segment's, known from the cut, and the large caches' code and input
  // stand for theirs (cacheDigests), so the ~580 MB of them are not read and hashed again; the small
  // files are.
  const knownHashes = { ...segmentFileHashes(recorded), ...cacheDigests(context.codeHash, docsRanges) };
  return { ok: true, summary: `${byDocId.length} documents in; ${summary}`, knownHashes };
}
