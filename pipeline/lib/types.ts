// Shared record shapes passed between pipeline stages.
// Offsets inside the pipeline are UTF-16 code-unit indices (JavaScript string indices);
// only the published figures table converts them to Unicode code points (see provenance.ts).

/** A half-open range [start, end) of UTF-16 indices into some string. */
export interface Span {
  start: number;
  end: number;
}

export type DocFormat = 'text' | 'html';

/** One input document after ingest: the decoded source text is what provenance offsets point into. */
export interface IngestedDoc {
  doc_id: string;
  sha256: string;
  /** First source path (sorted), relative to the input folder, `/`-separated. */
  source_file: string;
  /** Every path whose bytes are identical (duplicates are one document). */
  source_files: string[];
  format: DocFormat;
  /** Encoding used to decode the bytes, e.g. `utf-8`, `utf-8-bom`, `utf-16le`, `windows-1252`. */
  encoding: string;
  bytes: number;
  /** The decoded source text (BOM removed). */
  text: string;
}

export interface Reject {
  source_file: string;
  reason: string;
}

/**
 * Maps positions in clean text back to the decoded source text.
 * Each segment says: clean[cleanStart, cleanEnd) came from source[sourceStart, sourceEnd).
 * When both lengths are equal the mapping inside the segment is character by character;
 * otherwise (an HTML entity such as `&amp;`) the segment is atomic.
 * Segments are sorted by cleanStart and do not overlap; clean characters that came from no
 * source character (inserted paragraph breaks) are simply not covered by any segment.
 */
export interface OffsetSegment {
  cleanStart: number;
  cleanEnd: number;
  sourceStart: number;
  sourceEnd: number;
}

export interface DocMetadata {
  title: string | null;
  publisher: string | null;
  authors: string[];
  /** ISO `YYYY-MM-DD` or null when the text states no date. */
  published_date: string | null;
}

/** A document after cleaning: main article text, sentences, provenance map and metadata. */
export interface CleanDoc {
  doc_id: string;
  source_file: string;
  /** Clean article text. Lines are separated by `\n`, paragraphs by a blank line. The headline, when found, is the first paragraph. */
  text: string;
  segments: OffsetSegment[];
  /** Sentences of `text`, in order, non-overlapping. */
  sentences: Span[];
  /** Paragraphs of `text`, in order; every sentence lies inside one paragraph. */
  paragraphs: Span[];
  /** Where the headline stands in `text`, if it was found. */
  title_span: Span | null;
  metadata: DocMetadata;
  /** Lines dropped as page furniture, with the rule that dropped them (for audit and tests). */
  dropped: { line: string; rule: string }[];
}
