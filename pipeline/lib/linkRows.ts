// Link's figures and documents tables, and link-rows.tsv: written from a plan that linking made
// (each document's campaign, and whether its rows can be copied from the last run), so that they can
// be written on a worker thread while link's own thread builds the claims and the campaigns table.
// The plan is flat arrays (cheap to send to a thread); this module imports no linking code, so the
// thread loads only what writing rows needs.
import path from 'node:path';
import { figureCampaign } from './campaigns.js';
import { stableId } from './hash.js';
import { BufferedLineWriter, LineFile, rawLinesWithRefs } from './lineFile.js';
import { columnComparator, loadSchemas, sortRows, type Row } from './schema.js';
import type { SegmentRule } from './segments.js';
import { PreviousTable, TableWriter, type WrittenTable } from './tableWriter.js';
import type { ExtractedDocument } from '../stages/extract.js';

export function figureId(docId: string, measure: string, value: number, unit: string, placeCode: string | null): string {
  return `fig_${stableId(docId, measure, value, unit, placeCode)}`;
}

/**
 * link-rows.tsv: where a run put each document's rows, so that the next run copies those of an
 * unchanged document by byte range instead of reading the tables again: per document, in doc_id
 * order, `doc_id<TAB>campaign_id<TAB>offset<TAB>length` (its figure rows in the figures table, read as one file)
 * `<TAB>offset<TAB>length` (its row in the documents table); campaign_id is empty for none.
 */
export const LINK_ROWS = 'link-rows.tsv';

/**
 * The last run's rows beside this run's documents: each document's campaign then (undefined: it was
 * not there) and where its rows were (4 numbers per document: figures offset and length, document
 * offset and length), and the documents that are gone, with their campaigns.
 */
export interface PreviousRows {
  campaigns: (string | null | undefined)[];
  at: Float64Array;
  gone: [docId: string, campaignId: string | null][];
  /** Documents the file lists. */
  documents: number;
}

/**
 * A link-rows.tsv matched to this run's documents (`docIds`, in doc_id order): both lists are in
 * doc_id order and walked together, which at 100k documents costs a third of building a map of the
 * file's entries and looking each document up in it.
 */
export function matchRowIndex(file: string, docIds: readonly string[]): PreviousRows {
  for (let i = 1; i < docIds.length; i++) if (!(docIds[i]! > docIds[i - 1]!)) throw new Error(`matchRowIndex: the documents are not in doc_id order (${docIds[i]} after ${docIds[i - 1]})`);
  const { campaigns, at, gone } = noPreviousRows(docIds.length);
  let documents = 0;
  let next = 0; // the first of docIds not yet passed
  let last = '';
  const tabs = new Int32Array(5);
  // Read as bytes, not split into six strings a line: only a document's id and campaign become text.
  for (const { bytes } of rawLinesWithRefs(file)) {
    for (let k = 0, from = 0; k < 5; k++) from = (tabs[k] = bytes.indexOf(TAB, from)) + 1;
    if (tabs.includes(-1) || bytes.indexOf(TAB, tabs[4]! + 1) >= 0) throw new Error(`${LINK_ROWS}: a line without its six columns`);
    const docId = bytes.toString('utf8', 0, tabs[0]);
    if (documents > 0 && !(docId > last)) throw new Error(`${LINK_ROWS}: ${docId} comes after ${last}, not in doc_id order`);
    documents++;
    last = docId;
    while (next < docIds.length && docIds[next]! < docId) next++;
    const campaignId = tabs[1]! > tabs[0]! + 1 ? bytes.toString('utf8', tabs[0]! + 1, tabs[1]) : null;
    if (docIds[next] !== docId) {
      gone.push([docId, campaignId]);
      continue;
    }
    campaigns[next] = campaignId;
    for (let k = 0; k < 4; k++) at[4 * next + k] = decimalAt(bytes, tabs[k + 1]! + 1, k < 3 ? tabs[k + 2]! : bytes.length);
  }
  return { campaigns, at, gone, documents };
}

/** No last run: no document was there, none of their rows can be copied (`count` documents now). */
export function noPreviousRows(count: number): PreviousRows {
  return { campaigns: new Array<undefined>(count).fill(undefined), at: new Float64Array(4 * count).fill(NaN), gone: [], documents: 0 };
}

const TAB = 0x09;

/** The number written in `bytes[start, end)` in decimal digits (none: 0, as Number('') is); NaN for anything else. */
function decimalAt(bytes: Buffer, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = bytes[i]! - 0x30;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return value;
}

function rowIndexLine(docId: string, campaignId: string | null, figures: readonly number[], document: readonly number[]): string {
  return [docId, campaignId ?? '', ...figures, ...document].join('\t');
}

export function documentRow(doc: ExtractedDocument, campaignId: string | null): Row {
  return {
    doc_id: doc.doc_id,
    source_file: doc.source_file,
    title: doc.metadata.title,
    publisher: doc.metadata.publisher,
    authors: doc.metadata.authors.length ? doc.metadata.authors.join('; ') : null,
    published_date: doc.metadata.published_date,
    campaign_id: campaignId,
    source_files: doc.source_files.join('; '),
    format: doc.format,
    encoding: doc.encoding,
    bytes: doc.bytes,
    sha256: doc.sha256,
    n_figures: doc.figures.length,
  };
}

export function figureRows(doc: ExtractedDocument, docCampaignId: string | null): Row[] {
  return doc.figures.map((figure) => ({
    figure_id: figureId(doc.doc_id, figure.measure, figure.value, figure.unit, figure.place_code),
    doc_id: doc.doc_id,
    measure: figure.measure,
    value: figure.value,
    unit: figure.unit,
    qualifier: figure.qualifier,
    value_text: figure.value_text,
    char_start: figure.char_start,
    char_end: figure.char_end,
    sentence: figure.sentence,
    place_code: figure.place_code,
    place_name: figure.place_name,
    campaign_id: figureCampaign(docCampaignId, figure.sentence_index, doc.campaign_mentions),
    mentions: figure.mentions,
    source_file: doc.source_file,
    rule: figure.rule,
  }));
}

/**
 * What to write, document by document in doc_id order (every array has one item per document).
 * A document's rows are copied from the last run's tables when `copyFrom` gives their byte ranges
 * (figures offset, length, document offset, length; NaN: build them), else built from its extract line.
 */
export interface RowsPlan {
  /** The stage's output folder; `root`: the project (schemas/). */
  outDir: string;
  root: string;
  rule: SegmentRule;
  extractFiles: string[];
  /** The last run's figures and documents table folders, when rows may be copied from them. */
  previous: { figures: string; documents: string } | null;
  docIds: string[];
  campaignIds: (string | null)[];
  /** 4 numbers per document: where its rows are in the last run's tables, or NaN to build them. */
  copyFrom: Float64Array;
  /** Where a document's extract line is: its file's index in extractFiles, offset and length. */
  lineFile: Int32Array;
  lineAt: Float64Array;
  /** The documents table's order columns (schema.ts, orderColumns), per document. */
  orderColumns: Record<string, (string | null)[]>;
}

export interface WrittenRows {
  figures: WrittenTable;
  documents: WrittenTable;
  /** Whether rows could be copied from the last run's tables. */
  copying: boolean;
  /** Documents whose rows were built (not copied). */
  built: number;
  /** Segments of the last run's tables appended whole. */
  wholeSegments: number;
}

/**
 * Writes the figures and documents tables and link-rows.tsv by the plan. Figures go in doc_id order
 * (each document's rows sorted on their own: doc_id leads the key); document rows follow in their
 * table's order, built lines kept from the first pass.
 */
export function writeDocumentRows(plan: RowsPlan): WrittenRows {
  const schemas = loadSchemas(plan.root);
  const tableFolder = (name: string): string => path.join(plan.outDir, name);
  const previousFigures = plan.previous ? PreviousTable.ofTable(plan.previous.figures, plan.rule) : null;
  const previousDocuments = plan.previous ? PreviousTable.ofTable(plan.previous.documents, plan.rule) : null;
  const figures = new TableWriter(tableFolder('figures'), schemas.figures, previousFigures, plan.rule);
  const documents = new TableWriter(tableFolder('documents'), schemas.documents, previousDocuments, plan.rule);
  const copying = previousFigures !== null && previousDocuments !== null;
  const n = plan.docIds.length;
  const at = new Float64Array(4 * n); // where this run puts each document's rows
  const builtLines = new Map<number, string>();
  const lines = plan.extractFiles.map((file) => new LineFile(file));
  try {
    for (let i = 0; i < n; i++) {
      const start = figures.offset;
      if (copying && !Number.isNaN(plan.copyFrom[4 * i]!)) figures.copy(plan.copyFrom[4 * i]!, plan.copyFrom[4 * i + 1]!);
      else {
        const doc = JSON.parse(lines[plan.lineFile[i]!]!.read({ offset: plan.lineAt[2 * i]!, length: plan.lineAt[2 * i + 1]! })) as ExtractedDocument;
        for (const row of sortRows(figureRows(doc, plan.campaignIds[i]!), schemas.figures)) figures.write(row);
        builtLines.set(i, documents.format(documentRow(doc, plan.campaignIds[i]!)));
      }
      at[4 * i] = start;
      at[4 * i + 1] = figures.offset - start;
    }
  } finally {
    for (const file of lines) file.close();
  }
  const writtenFigures = figures.close();
  // Document indices in the table's order, compared by the order columns' values (no object a row).
  const inOrder = Array.from({ length: n }, (_, i) => i).sort(columnComparator(schemas.documents, plan.orderColumns));
  for (const i of inOrder) {
    const start = documents.offset;
    const built = builtLines.get(i);
    if (built !== undefined) documents.writeLine(built);
    else documents.copy(plan.copyFrom[4 * i + 2]!, plan.copyFrom[4 * i + 3]!);
    at[4 * i + 2] = start;
    at[4 * i + 3] = documents.offset - start;
  }
  const writtenDocuments = documents.close();
  const index = new BufferedLineWriter(path.join(plan.outDir, LINK_ROWS), 4 << 20);
  for (let i = 0; i < n; i++) index.write(rowIndexLine(plan.docIds[i]!, plan.campaignIds[i]!, [at[4 * i]!, at[4 * i + 1]!], [at[4 * i + 2]!, at[4 * i + 3]!]));
  index.close();
  return { figures: writtenFigures, documents: writtenDocuments, copying, built: builtLines.size, wholeSegments: figures.wholeSegments + documents.wholeSegments };
}

