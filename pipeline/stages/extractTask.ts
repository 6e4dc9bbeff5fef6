// extract's per-document work, in a module of its own: it loads the extraction rules and their
// lexicons (place names with their pinyin, about a fifth of a second), which the worker threads need and
// the build's main thread does not. extract.ts imports it only to run documents in-process
// (CC_WORKERS=0); its code counts in extract's code hash through that import.
import { findCampaignMentions, type CampaignMention } from '../lib/campaigns.js';
import { extractFigures } from '../lib/extract.js';
import { prepareGazetteer } from '../lib/places.js';
import { cleanToSource } from '../lib/offsets.js';
import { jsonTask } from '../lib/perdoc.js';
import { codePointIndexer } from '../lib/provenance.js';
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

/**
 * Called by a worker thread that loads this module ahead of its documents (WorkerPool.preload):
 * the gazetteer, built on the first place looked up, took about half a second of a 1-article
 * rebuild's extract stage; built here, it is ready while ingest and clean still run.
 */
export function warmUp(): void {
  prepareGazetteer();
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

