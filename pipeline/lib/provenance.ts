// Provenance: figures point into the decoded source file with Unicode code-point offsets (the
// contract), while the pipeline works in UTF-16 indices. Convert once per document.

/** Converts UTF-16 indices of `text` to code-point indices, fast when the text has no astral characters. */
export function codePointIndexer(text: string): (utf16Index: number) => number {
  if (!/[\uD800-\uDBFF]/u.test(text) && !/[\uD800-\uDFFF]/.test(text)) return (index) => index;
  // prefix[i] = number of code points in text[0, i)
  const prefix = new Uint32Array(text.length + 1);
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    prefix[i] = count;
    const unit = text.charCodeAt(i);
    const isLowSurrogateOfPair = unit >= 0xdc00 && unit <= 0xdfff && i > 0 && isHighSurrogate(text.charCodeAt(i - 1));
    if (!isLowSurrogateOfPair) count++;
  }
  prefix[text.length] = count;
  return (index) => prefix[index]!;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}
