// Offset maps between clean text and the decoded source text.
// A clean text is assembled from pieces of the source; every piece records where it came from,
// so a figure found in clean text can always be pointed at its exact source characters.

import type { OffsetSegment, Span } from './types.js';

/** A piece of clean text together with the map of its characters into the source. */
export interface MappedText {
  text: string;
  /** Segments relative to `text` (cleanStart/cleanEnd index into `text`). */
  segments: OffsetSegment[];
}

/** True when the segment maps character by character (equal lengths); false for atomic segments. */
export function isIdentitySegment(seg: OffsetSegment): boolean {
  return seg.cleanEnd - seg.cleanStart === seg.sourceEnd - seg.sourceStart;
}

/**
 * Accumulates clean text and its segments. Adjacent identity pieces that are also adjacent in the
 * source are merged, so long runs of copied text stay one segment.
 */
export class MappedTextBuilder {
  private parts: string[] = [];
  private length = 0;
  readonly segments: OffsetSegment[] = [];

  get textLength(): number {
    return this.length;
  }

  /** Appends text copied verbatim from source[sourceStart, sourceStart + text.length). */
  appendCopied(text: string, sourceStart: number): void {
    this.appendMapped(text, sourceStart, sourceStart + text.length);
  }

  /** Appends text that came from source[sourceStart, sourceEnd); atomic when the lengths differ. */
  appendMapped(text: string, sourceStart: number, sourceEnd: number): void {
    if (text.length === 0) return;
    const seg: OffsetSegment = {
      cleanStart: this.length,
      cleanEnd: this.length + text.length,
      sourceStart,
      sourceEnd,
    };
    const last = this.segments[this.segments.length - 1];
    if (
      last &&
      isIdentitySegment(last) &&
      isIdentitySegment(seg) &&
      last.cleanEnd === seg.cleanStart &&
      last.sourceEnd === seg.sourceStart
    ) {
      last.cleanEnd = seg.cleanEnd;
      last.sourceEnd = seg.sourceEnd;
    } else {
      this.segments.push(seg);
    }
    this.parts.push(text);
    this.length += text.length;
  }

  /** Appends text that has no source (inserted line or paragraph breaks). */
  appendUnmapped(text: string): void {
    this.parts.push(text);
    this.length += text.length;
  }

  /** Appends a mapped piece, shifting its segments to the current position. */
  appendMappedText(piece: MappedText): void {
    const base = this.length;
    for (const seg of piece.segments) {
      const shifted = {
        cleanStart: seg.cleanStart + base,
        cleanEnd: seg.cleanEnd + base,
        sourceStart: seg.sourceStart,
        sourceEnd: seg.sourceEnd,
      };
      const last = this.segments[this.segments.length - 1];
      if (
        last &&
        isIdentitySegment(last) &&
        isIdentitySegment(shifted) &&
        last.cleanEnd === shifted.cleanStart &&
        last.sourceEnd === shifted.sourceStart
      ) {
        last.cleanEnd = shifted.cleanEnd;
        last.sourceEnd = shifted.sourceEnd;
      } else {
        this.segments.push(shifted);
      }
    }
    this.parts.push(piece.text);
    this.length += piece.text.length;
  }

  build(): MappedText {
    return { text: this.parts.join(''), segments: this.segments.map((s) => ({ ...s })) };
  }
}

/** Index of the first segment whose cleanEnd is greater than `pos` (segments sorted by cleanStart). */
export function firstSegmentEndingAfter(segments: readonly OffsetSegment[], pos: number): number {
  let lo = 0;
  let hi = segments.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid]!.cleanEnd <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Maps the clean range [cleanStart, cleanEnd) to the source range it came from.
 * Inside identity segments the mapping is exact per character; a range touching an atomic segment
 * (an HTML entity, a collapsed whitespace run) widens to the whole segment. Clean characters with no
 * source (inserted breaks) are skipped. Returns null when no character of the range has a source.
 */
export function cleanToSource(
  segments: readonly OffsetSegment[],
  cleanStart: number,
  cleanEnd: number,
): Span | null {
  if (cleanEnd <= cleanStart) return null;
  const first = firstSegmentEndingAfter(segments, cleanStart);
  const startSeg = segments[first];
  if (!startSeg || startSeg.cleanStart >= cleanEnd) return null;
  // The segment holding the range's last character, or the last segment before it when that
  // character is an inserted (unmapped) one.
  let last = firstSegmentEndingAfter(segments, cleanEnd - 1);
  if (last >= segments.length || segments[last]!.cleanStart >= cleanEnd) last--;
  const endSegment = segments[last]!;

  const start =
    isIdentitySegment(startSeg) && cleanStart > startSeg.cleanStart
      ? startSeg.sourceStart + (cleanStart - startSeg.cleanStart)
      : startSeg.sourceStart;
  const end =
    isIdentitySegment(endSegment) && cleanEnd < endSegment.cleanEnd
      ? endSegment.sourceStart + (cleanEnd - endSegment.cleanStart)
      : endSegment.sourceEnd;
  return { start, end };
}

/** Restricts a mapped text to text[start, end), keeping the segments that cover it. */
export function sliceMappedText(piece: MappedText, start: number, end: number): MappedText {
  const segments: OffsetSegment[] = [];
  for (const seg of piece.segments) {
    if (seg.cleanEnd <= start || seg.cleanStart >= end) continue;
    if (isIdentitySegment(seg)) {
      const from = Math.max(seg.cleanStart, start);
      const to = Math.min(seg.cleanEnd, end);
      segments.push({
        cleanStart: from - start,
        cleanEnd: to - start,
        sourceStart: seg.sourceStart + (from - seg.cleanStart),
        sourceEnd: seg.sourceStart + (to - seg.cleanStart),
      });
    } else if (seg.cleanStart >= start && seg.cleanEnd <= end) {
      segments.push({ ...seg, cleanStart: seg.cleanStart - start, cleanEnd: seg.cleanEnd - start });
    }
    // An atomic segment cut in half has no honest mapping for either half: leave it out.
  }
  return { text: piece.text.slice(start, end), segments };
}

const WHITESPACE = /\s/u;

/** Trims whitespace from both ends of a mapped text, keeping the map aligned. */
export function trimMappedText(piece: MappedText): MappedText {
  let start = 0;
  let end = piece.text.length;
  while (start < end && WHITESPACE.test(piece.text[start]!)) start++;
  while (end > start && WHITESPACE.test(piece.text[end - 1]!)) end--;
  return start === 0 && end === piece.text.length ? piece : sliceMappedText(piece, start, end);
}
