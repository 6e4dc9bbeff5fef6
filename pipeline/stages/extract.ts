// Stage 3 — extract: the figures each document states, with provenance into the decoded source,
// and the campaign mentions the link stage needs. One compact record per document.
// Inputs: out/ingest (source text, file facts), out/clean (clean text, offsets, metadata).
// Output: out/extract/documents/<shard>.jsonl, shards.json and failures.json (see lib/shards.ts).
import path from 'node:path';
import { findCampaignMentions, type CampaignMention } from '../lib/campaigns.js';
import { extractFigures } from '../lib/extract.js';
import { cleanToSource } from '../lib/offsets.js';
import { ingestedDocumentCount, jsonTask, mapDocumentShards, readLazyRecords, zipByDocument, type LazyRecord } from '../lib/perdoc.js';
import { codePointIndexer } from '../lib/provenance.js';
import type { StageDefinition } from '../lib/stage.js';
import type { CleanDoc, DocMetadata, IngestedDoc } from '../lib/types.js';

export interface FigureRecord {
  measure: string;
  value: number;
  unit: string;
  qualifier: string;
  value_text: string;
  /** Code-point offsets into the decoded source file. */
  char_start: number;
  char_end: number;
  sentence: string;
  sentence_index: number;
  place_code: string | null;
  place_name: string | null;
  mentions: number;
  rule: string;
  in_title: boolean;
}

export interface ExtractedDocument {
  doc_id: string;
  source_file: string;
  source_files: string[];
  format: string;
  encoding: string;
  bytes: number;
  sha256: string;
  metadata: DocMetadata;
  campaign_mentions: CampaignMention[];
  figures: FigureRecord[];
  /** Figures whose clean range could not be mapped to the source (should stay empty; counted for audit). */
  unmapped: number;
}

export function extractDocument(ingested: IngestedDoc, clean: CleanDoc): ExtractedDocument {
  const toCodePoint = codePointIndexer(ingested.text);
  const figures: FigureRecord[] = [];
  let unmapped = 0;
  for (const figure of extractFigures(clean)) {
    const source = cleanToSource(clean.segments, figure.cleanStart, figure.cleanEnd);
    if (!source) {
      unmapped++;
      continue;
    }
    figures.push({
      measure: figure.measure,
      value: figure.value,
      unit: figure.unit,
      qualifier: figure.qualifier,
      value_text: ingested.text.slice(source.start, source.end),
      char_start: toCodePoint(source.start),
      char_end: toCodePoint(source.end),
      sentence: figure.sentence,
      sentence_index: figure.sentenceIndex,
      place_code: figure.place_code,
      place_name: figure.place_name,
      mentions: figure.mentions,
      rule: figure.rule,
      in_title: figure.inTitle,
    });
  }
  return {
    doc_id: ingested.doc_id,
    source_file: ingested.source_file,
    source_files: ingested.source_files,
    format: ingested.format,
    encoding: ingested.encoding,
    bytes: ingested.bytes,
    sha256: ingested.sha256,
    metadata: clean.metadata,
    campaign_mentions: findCampaignMentions(clean.text, clean.sentences),
    figures,
    unmapped,
  };
}

/** One document's work, run on a worker thread (exported by name for the pool); tallies figures. */
export const extractTask = jsonTask(extractDocument, (extracted) => extracted.figures.length);

export const extractStage: StageDefinition = {
  name: 'extract',
  moduleUrl: import.meta.url,
  usesWorkers: true,
  inputs: (config) => ({ ingest: path.join(config.out, 'ingest'), clean: path.join(config.out, 'clean') }),
  async run(context) {
    const { counts, knownHashes } = await mapDocumentShards(context, {
      inputs: [context.inputs.ingest!, context.inputs.clean!],
      records: ([ingested, cleaned]) => pairRecords(ingested ? readLazyRecords(ingested) : [], cleaned ? readLazyRecords(cleaned) : []),
      task: extractTask,
      worker: { moduleUrl: import.meta.url, exportName: 'extractTask' },
      total: await ingestedDocumentCount(context.inputs.ingest!),
    });
    return { ok: true, summary: `${counts.in} documents in, ${counts.out} out (${counts.reused} reused), ${counts.tally} new figures, ${counts.failed} failed`, knownHashes };
  },
};

/** A document's ingest and clean lines as one record (a document clean dropped is skipped). */
function* pairRecords(ingested: Iterable<LazyRecord>, cleaned: Iterable<LazyRecord>): Generator<LazyRecord> {
  for (const [source, clean] of zipByDocument(ingested, cleaned)) yield { doc_id: source.doc_id, source_file: source.source_file, lines: [...source.lines, ...clean.lines] };
}
