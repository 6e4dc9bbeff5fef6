// Cleaning: from a decoded source document to clean article text, sentences, paragraphs, metadata
// and an offset map that points every clean character back at the source.

import { classifyLines } from './boilerplate.js';
import { ENGLISH_CLEAN_LEXICON, type CleanLexicon } from './cleanLexicon.js';
import { extractHtmlArticle } from './html.js';
import { extractTextMetadata } from './metadata.js';
import { MappedTextBuilder, sliceMappedText, trimMappedText, type MappedText } from './offsets.js';
import { splitSentences } from './sentences.js';
import { isPipeTableRow } from './tables.js';
import type { CleanDoc, DocFormat, DocMetadata, Span } from './types.js';

export { cleanToSource } from './offsets.js';

export interface CleanInput {
  doc_id: string;
  source_file: string;
  format: DocFormat;
  /** The decoded source text: every offset in the result points into it. */
  text: string;
}

/** One line of article text with its source map, and whether a paragraph break precedes it. */
export interface ArticleLine {
  line: MappedText;
  startsParagraph: boolean;
  /** The line goes on from the one before, hard-wrapped (a PDF export, a mail at 72 columns): joined by a space. */
  continuesLine?: boolean;
}

interface SourceLine {
  /** The line's text without its line terminator. */
  raw: string;
  start: number;
  /** Blank lines between the previous line and this one count toward paragraph breaks. */
  blank: boolean;
}

/** Splits source text into lines at CRLF, CR or LF, remembering where each line starts. */
export function sourceLines(text: string): SourceLine[] {
  const lines: SourceLine[] = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    if (i === text.length || ch === '\n' || ch === '\r') {
      const raw = text.slice(start, i);
      lines.push({ raw, start, blank: raw.trim().length === 0 });
      if (ch === '\r' && text[i + 1] === '\n') i++;
      start = i + 1;
    }
  }
  return lines;
}

/** A source line trimmed, as a piece mapped identically onto the source. */
function trimmedLine(line: SourceLine): MappedText {
  const piece: MappedText = {
    text: line.raw,
    segments: line.raw.length > 0 ? [{ cleanStart: 0, cleanEnd: line.raw.length, sourceStart: line.start, sourceEnd: line.start + line.raw.length }] : [],
  };
  return trimMappedText(piece);
}

/**
 * Joins article lines into clean text: lines by "\n", paragraphs by a blank line.
 * Returns the text, its segments and the paragraph spans.
 */
export function assembleLines(lines: readonly ArticleLine[]): { text: string; segments: CleanDoc['segments']; paragraphs: Span[]; lineSpans: Span[] } {
  const builder = new MappedTextBuilder();
  const paragraphs: Span[] = [];
  const lineSpans: Span[] = [];
  let paragraphStart = -1;
  for (const { line, startsParagraph, continuesLine } of lines) {
    if (line.text.length === 0) continue;
    if (paragraphStart < 0) {
      paragraphStart = 0;
    } else if (continuesLine) {
      builder.appendUnmapped(' ');
    } else if (startsParagraph) {
      paragraphs.push({ start: paragraphStart, end: builder.textLength });
      builder.appendUnmapped('\n\n');
      paragraphStart = builder.textLength;
    } else {
      builder.appendUnmapped('\n');
    }
    const start = builder.textLength;
    builder.appendMappedText(line);
    lineSpans.push({ start, end: builder.textLength });
  }
  if (paragraphStart >= 0) paragraphs.push({ start: paragraphStart, end: builder.textLength });
  const built = builder.build();
  return { text: built.text, segments: built.segments, paragraphs, lineSpans };
}

/** Share of line-to-line steps with a blank line in between above which blank lines mark paragraphs. */
const BLANK_SEPARATED_SHARE = 0.5;

/**
 * Decides paragraph breaks for kept lines: pages that separate paragraphs by blank lines keep those
 * groups; pages with one paragraph per line (few blank lines) make every line a paragraph.
 */
function paragraphBreaks(blankBefore: readonly boolean[]): boolean[] {
  const steps = blankBefore.slice(1);
  const blankShare = steps.length === 0 ? 0 : steps.filter(Boolean).length / steps.length;
  const groupsByBlankLines = blankShare >= BLANK_SEPARATED_SHARE;
  return blankBefore.map((blank, i) => i > 0 && (groupsByBlankLines ? blank : true));
}

/** A wrapped line is long; a line that ends a sentence, a heading or a list item is not wrapped. */
const MIN_WRAPPED_LINE_CHARS = 50;

/**
 * Whether `next` goes on from `previous` mid-sentence: `previous` is long and ends without a
 * sentence's or clause's end, and `next` starts in lower case ("froze 4.68" / "billion yuan of
 * ..."). Lines of a list or a table start otherwise.
 */
export function isHardWrapped(previous: string, next: string): boolean {
  if (previous.length < MIN_WRAPPED_LINE_CHARS || /[.!?:;"”’)\]|。；：！？）」』]\s*$/u.test(previous)) return false;
  // Not a heading, a quote, a bold line or a table row above it.
  if (/^(?:#|>|\*\*)/u.test(previous) || isPipeTableRow(previous)) return false;
  // A line in lower case goes on; one starting with a digit may be a caption's next paragraph.
  return /^\p{Ll}/u.test(next);
}

interface TextCleanResult {
  lines: ArticleLine[];
  titleIndex: number | null;
  metadata: DocMetadata;
  dropped: CleanDoc['dropped'];
}

function cleanPlainText(text: string, lexicon: CleanLexicon): TextCleanResult {
  const source = sourceLines(text);
  const trimmed = source.map(trimmedLine);
  const texts = trimmed.map((t) => t.text);
  const verdicts = classifyLines(texts, lexicon);
  const meta = extractTextMetadata(texts, verdicts.map((v) => v.keep), lexicon);
  const dropped: CleanDoc['dropped'] = [];

  const keptPieces: MappedText[] = [];
  const blankBefore: boolean[] = [];
  let titleIndex: number | null = null;
  let sawBlank = false;
  texts.forEach((lineText, i) => {
    if (lineText.length === 0) {
      sawBlank = true;
      return;
    }
    const verdict = verdicts[i]!;
    const role = meta.roles.get(i);
    if (i === meta.titleLine && meta.titleSpan) {
      // A front matter's title: only its value is article text.
      titleIndex = keptPieces.length;
      keptPieces.push(sliceMappedText(trimmed[i]!, meta.titleSpan.start, meta.titleSpan.end));
      blankBefore.push(true);
      sawBlank = false;
      return;
    }
    if (!verdict.keep) {
      dropped.push({ line: lineText, rule: verdict.rule });
      return;
    }
    if (role) {
      dropped.push({ line: lineText, rule: role });
      return;
    }
    if (verdict.stripped) dropped.push({ line: verdict.stripped.text, rule: verdict.stripped.rule });
    const piece = trimMappedText(sliceMappedText(trimmed[i]!, 0, verdict.end));
    if (piece.text.length === 0) return;
    if (i === meta.titleLine) titleIndex = keptPieces.length;
    keptPieces.push(piece);
    blankBefore.push(sawBlank);
    sawBlank = false;
  });

  const breaks = paragraphBreaks(blankBefore);
  const lines = keptPieces.map((line, i) => ({ line, startsParagraph: breaks[i]!, ...(i > 0 && !blankBefore[i] && i - 1 !== titleIndex && i !== titleIndex && isHardWrapped(keptPieces[i - 1]!.text, line.text) ? { continuesLine: true } : {}) }));
  return { lines, titleIndex, metadata: meta.metadata, dropped };
}

/** Moves the headline to the front as a paragraph of its own. */
function headlineFirst(lines: ArticleLine[], titleIndex: number | null): ArticleLine[] {
  if (titleIndex === null) return lines;
  const title = lines[titleIndex]!;
  const rest = lines.filter((_, i) => i !== titleIndex);
  if (rest[0]) rest[0] = { ...rest[0], startsParagraph: true };
  if (titleIndex < rest.length && titleIndex > 0) rest[titleIndex] = { ...rest[titleIndex]!, startsParagraph: true };
  return [{ ...title, startsParagraph: true }, ...rest];
}

/** Cleans one document: article text, offset map, paragraphs, sentences, metadata, dropped furniture. */
export function cleanDocument(doc: CleanInput, lexicon: CleanLexicon = ENGLISH_CLEAN_LEXICON): CleanDoc {
  const result = doc.format === 'html' ? extractHtmlArticle(doc.text, lexicon) : cleanPlainText(doc.text, lexicon);
  const lines = headlineFirst(result.lines, result.titleIndex);
  const assembled = assembleLines(lines);
  const hasTitle = result.titleIndex !== null && assembled.lineSpans.length > 0;
  return {
    doc_id: doc.doc_id,
    source_file: doc.source_file,
    text: assembled.text,
    segments: assembled.segments,
    sentences: splitSentences(assembled.text, assembled.paragraphs, lexicon),
    paragraphs: assembled.paragraphs,
    title_span: hasTitle ? assembled.lineSpans[0]! : null,
    metadata: result.metadata,
    dropped: result.dropped,
  };
}
