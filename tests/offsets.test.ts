import { describe, expect, it } from 'vitest';
import { cleanToSource, MappedTextBuilder, sliceMappedText, trimMappedText } from '../pipeline/lib/offsets.js';
import type { OffsetSegment } from '../pipeline/lib/types.js';

// clean "A&B\n\nxyz" from source "<p>A&amp;B</p><p>xyz</p>"
const segments: OffsetSegment[] = [
  { cleanStart: 0, cleanEnd: 1, sourceStart: 3, sourceEnd: 4 },
  { cleanStart: 1, cleanEnd: 2, sourceStart: 4, sourceEnd: 9 }, // &amp; atomic
  { cleanStart: 2, cleanEnd: 3, sourceStart: 9, sourceEnd: 10 },
  { cleanStart: 5, cleanEnd: 8, sourceStart: 17, sourceEnd: 20 },
];

describe('cleanToSource', () => {
  it('maps identity ranges character by character', () => {
    expect(cleanToSource(segments, 6, 7)).toEqual({ start: 18, end: 19 });
    expect(cleanToSource(segments, 5, 8)).toEqual({ start: 17, end: 20 });
  });
  it('widens to a whole atomic segment (an entity)', () => {
    expect(cleanToSource(segments, 1, 2)).toEqual({ start: 4, end: 9 });
    expect(cleanToSource(segments, 0, 3)).toEqual({ start: 3, end: 10 });
  });
  it('skips inserted characters at either end of the range', () => {
    expect(cleanToSource(segments, 2, 6)).toEqual({ start: 9, end: 18 });
    expect(cleanToSource(segments, 3, 5)).toBeNull();
  });
  it('returns null for empty ranges and ranges outside the map', () => {
    expect(cleanToSource(segments, 4, 4)).toBeNull();
    expect(cleanToSource(segments, 8, 12)).toBeNull();
    expect(cleanToSource([], 0, 3)).toBeNull();
  });
});

describe('MappedTextBuilder', () => {
  it('merges adjacent identity pieces and keeps atomic ones apart', () => {
    const b = new MappedTextBuilder();
    b.appendCopied('ab', 10);
    b.appendCopied('cd', 12);
    b.appendMapped('&', 14, 19);
    b.appendUnmapped('\n');
    b.appendCopied('e', 30);
    const built = b.build();
    expect(built.text).toBe('abcd&\ne');
    expect(built.segments).toEqual([
      { cleanStart: 0, cleanEnd: 4, sourceStart: 10, sourceEnd: 14 },
      { cleanStart: 4, cleanEnd: 5, sourceStart: 14, sourceEnd: 19 },
      { cleanStart: 6, cleanEnd: 7, sourceStart: 30, sourceEnd: 31 },
    ]);
  });
  it('slices and trims while keeping the map aligned', () => {
    const piece = { text: '  hello ', segments: [{ cleanStart: 0, cleanEnd: 8, sourceStart: 100, sourceEnd: 108 }] };
    const trimmed = trimMappedText(piece);
    expect(trimmed.text).toBe('hello');
    expect(trimmed.segments).toEqual([{ cleanStart: 0, cleanEnd: 5, sourceStart: 102, sourceEnd: 107 }]);
    expect(sliceMappedText(piece, 3, 5).segments).toEqual([{ cleanStart: 0, cleanEnd: 2, sourceStart: 103, sourceEnd: 105 }]);
  });
});
