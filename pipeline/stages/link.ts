// Stage 4 — link: across documents. Resolves campaign mentions into campaigns (one id per campaign
// however it is named), gives every document and figure its campaign_id, and groups figures into
// claims. Builds the four published tables as rows.
// Input: out/extract. Output: out/link/{documents,figures,campaigns,claims}.jsonl (schema order).
import path from 'node:path';
import { buildClaims, type ClaimInput } from '../lib/claims.js';
import { figureCampaign, linkCampaigns } from '../lib/campaigns.js';
import { JsonlWriter, readJsonl } from '../lib/fsutil.js';
import { stableId } from '../lib/hash.js';
import { columnsOf, loadSchemas, schemaFiles, sortRows, TABLE_NAMES, type Row, type TableName } from '../lib/schema.js';
import type { StageDefinition } from '../lib/stage.js';
import type { Qualifier } from '../lib/lexicon/en.js';
import type { ExtractedDocument } from './extract.js';

export function figureId(docId: string, measure: string, value: number, unit: string, placeCode: string | null): string {
  return `fig_${stableId(docId, measure, value, unit, placeCode)}`;
}

export function buildTables(docs: ExtractedDocument[]): Record<TableName, Row[]> {
  const { campaigns, docCampaign } = linkCampaigns(
    docs.map((doc) => ({
      doc_id: doc.doc_id,
      published_date: doc.metadata.published_date,
      mentions: doc.campaign_mentions,
      figures: doc.figures.map((f) => ({ measure: f.measure, value: f.value, qualifier: f.qualifier as Qualifier })),
    })),
  );
  const documents: Row[] = [];
  const figures: Row[] = [];
  for (const doc of docs) {
    const docCampaignId = docCampaign.get(doc.doc_id) ?? null;
    documents.push({
      doc_id: doc.doc_id,
      source_file: doc.source_file,
      title: doc.metadata.title,
      publisher: doc.metadata.publisher,
      authors: doc.metadata.authors.length ? doc.metadata.authors.join('; ') : null,
      published_date: doc.metadata.published_date,
      campaign_id: docCampaignId,
      source_files: doc.source_files.join('; '),
      format: doc.format,
      encoding: doc.encoding,
      bytes: doc.bytes,
      sha256: doc.sha256,
      n_figures: doc.figures.length,
    });
    for (const figure of doc.figures) {
      figures.push({
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
      });
    }
  }
  const publisherOf = new Map(docs.map((d) => [d.doc_id, d.metadata.publisher]));
  const claimInputs: ClaimInput[] = figures.map((f) => ({
    figure_id: String(f.figure_id),
    doc_id: String(f.doc_id),
    campaign_id: (f.campaign_id as string | null) ?? null,
    measure: String(f.measure),
    value: Number(f.value),
    unit: String(f.unit),
    qualifier: f.qualifier as ClaimInput['qualifier'],
    place_code: (f.place_code as string | null) ?? '',
    publisher: publisherOf.get(String(f.doc_id)) ?? null,
  }));
  return {
    documents,
    figures,
    campaigns: campaigns as unknown as Row[],
    claims: buildClaims(claimInputs) as unknown as Row[],
  };
}

export const linkStage: StageDefinition = {
  name: 'link',
  moduleUrl: import.meta.url,
  inputs: (config) => ({ extract: path.join(config.out, 'extract') }),
  codeFiles: (config) => schemaFiles(config.root),
  async run(context) {
    // load
    const docs: ExtractedDocument[] = [];
    for await (const doc of readJsonl<ExtractedDocument>(path.join(context.inputs.extract!, 'documents.jsonl'))) docs.push(doc);
    // process
    const tables = buildTables(docs);
    const schemas = loadSchemas(context.config.root);
    // save: rows sorted by the schema's key, columns in schema order
    for (const table of TABLE_NAMES) {
      const columns = columnsOf(schemas[table]);
      const writer = new JsonlWriter(path.join(context.outDir, `${table}.jsonl`));
      for (const row of sortRows(tables[table], schemas[table])) {
        // Schema columns first, in schema order; anything else is kept so validation can report it.
        const extra = Object.keys(row).filter((c) => !columns.includes(c));
        await writer.writeRecord(Object.fromEntries([...columns.filter((c) => c in row), ...extra].map((c) => [c, row[c]])));
      }
      await writer.close();
    }
    const counts = TABLE_NAMES.map((t) => `${tables[t].length} ${t}`).join(', ');
    return { ok: true, summary: `${docs.length} documents in; ${counts}` };
  },
};
