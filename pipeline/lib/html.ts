// Main-content extraction from HTML with an exact map back into the HTML source.
//
// How: we tokenize the source ourselves into text runs (entities decoded, each entity an atomic
// segment), giving a "decoded stream" whose every character knows its source range. linkedom then
// parses the same source (no scripts run, nothing fetched); each of its text nodes is located in the
// decoded stream, and Mozilla Readability picks the article's nodes. Clean text is assembled from the
// stream ranges of those nodes, so the map stays exact whatever Readability does to the markup.

import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { classifyLines } from './boilerplate.js';
import { ENGLISH_CLEAN_LEXICON, type CleanLexicon } from './cleanLexicon.js';
import { extractHeadlineAreaMetadata, extractTextMetadata, findDate, splitAuthorNames } from './metadata.js';
import { MappedTextBuilder, firstSegmentEndingAfter, sliceMappedText, trimMappedText, type MappedText } from './offsets.js';
import type { CleanDoc, DocMetadata, OffsetSegment } from './types.js';
import { wordTable } from './lexicon/table.js';

// ---------------------------------------------------------------------------------------------
// Tokenizer: source -> decoded text stream with offsets

/** Elements whose content is never article text. */
const NON_TEXT_ELEMENTS = new Set(['script', 'style', 'noscript', 'template', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'svg', 'math', 'head', 'select', 'option', 'button']);
/** Elements whose content the HTML parser reads as raw text up to the closing tag. */
const RAW_TEXT_ELEMENTS = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext']);
/** Entities a browser decodes even without the closing semicolon (the common legacy subset). */
const LEGACY_ENTITIES: Readonly<Record<string, string>> = wordTable({ amp: '&', lt: '<', gt: '>', quot: '"', nbsp: '\u00a0', copy: '©', reg: '®' });
/** Longest entity name we try to decode. */
const MAX_ENTITY_NAME = 32;

const MAX_CACHED_ENTITY_NAMES = 5000;
const namedEntityCache = new Map<string, string | null>();

/** Decodes a named entity (`&hellip;`) with the HTML parser itself, so the full HTML table applies. */
function decodeNamedEntity(name: string): string | null {
  const cached = namedEntityCache.get(name);
  if (cached !== undefined) return cached;
  // HTML defines ~2,200 names; a page inventing more is hostile input, so stop asking the parser.
  if (namedEntityCache.size >= MAX_CACHED_ENTITY_NAMES) return null;
  const { document } = parseHTML(`<p>&${name};</p>`);
  const text = document.querySelector('p')?.textContent ?? '';
  const decoded = text === `&${name};` || text.length === 0 ? null : text;
  namedEntityCache.set(name, decoded);
  return decoded;
}

/** Replacements the HTML spec makes for numeric references (C1 range read as windows-1252, invalid -> U+FFFD). */
const C1_NUMERIC_REFERENCES = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function decodeNumericEntity(code: number): string {
  if (code >= 0x80 && code <= 0x9f) return C1_NUMERIC_REFERENCES[code - 0x80]!;
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(code);
}

/** The entity starting at source[at] (which is '&'): its decoded text and source length, or null. */
function readEntity(source: string, at: number): { text: string; length: number } | null {
  if (source[at + 1] === '#') {
    const hex = source[at + 2] === 'x' || source[at + 2] === 'X';
    let i = at + (hex ? 3 : 2);
    const digitsStart = i;
    while (i < source.length && i - digitsStart < 8 && (hex ? /[0-9a-fA-F]/ : /[0-9]/).test(source[i]!)) i++;
    if (i === digitsStart) return null;
    const code = parseInt(source.slice(digitsStart, i), hex ? 16 : 10);
    if (source[i] === ';') i++;
    return { text: decodeNumericEntity(code), length: i - at };
  }
  let i = at + 1;
  while (i < source.length && i - at <= MAX_ENTITY_NAME && /[A-Za-z0-9]/.test(source[i]!)) i++;
  const name = source.slice(at + 1, i);
  if (name.length === 0) return null;
  if (source[i] === ';') {
    const decoded = decodeNamedEntity(name);
    return decoded === null ? null : { text: decoded, length: i + 1 - at };
  }
  const legacy = LEGACY_ENTITIES[name];
  return legacy ? { text: legacy, length: i - at } : null;
}

/** Index just past the '>' that closes the tag opened at source[at] (quotes respected). */
function tagEnd(source: string, at: number): number {
  let quote: string | null = null;
  for (let i = at + 1; i < source.length; i++) {
    const ch = source[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '>') {
      return i + 1;
    }
  }
  return source.length;
}

function skipPast(source: string, at: number, terminator: string): number {
  const end = source.indexOf(terminator, at);
  return end === -1 ? source.length : end + terminator.length;
}

/**
 * The text content of an HTML source outside tags, comments and raw-text elements, entities
 * decoded, with segments mapping it onto the source.
 */
export function decodedTextStream(source: string): MappedText {
  const out = new MappedTextBuilder();
  const lower = source.toLowerCase();
  let i = 0;
  let runStart = 0;
  const flushRun = (end: number): void => {
    if (end > runStart) out.appendCopied(source.slice(runStart, end), runStart);
  };
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '&') {
      const entity = readEntity(source, i);
      if (entity) {
        flushRun(i);
        out.appendMapped(entity.text, i, i + entity.length);
        i += entity.length;
        runStart = i;
        continue;
      }
      i++;
      continue;
    }
    if (ch !== '<' || !/[A-Za-z/!?]/.test(source[i + 1] ?? '')) {
      i++;
      continue;
    }
    flushRun(i);
    if (source.startsWith('<!--', i)) i = skipPast(source, i + 4, '-->');
    else if (source.startsWith('<![CDATA[', i)) i = skipPast(source, i + 9, ']]>');
    else {
      const end = tagEnd(source, i);
      const name = /^<([A-Za-z][A-Za-z0-9-]*)/.exec(source.slice(i, Math.min(end, i + 40)))?.[1]?.toLowerCase();
      i = end;
      if (name && RAW_TEXT_ELEMENTS.has(name)) {
        const close = lower.indexOf(`</${name}`, i);
        i = close === -1 ? source.length : tagEnd(source, close);
      }
    }
    runStart = i;
  }
  flushRun(source.length);
  return out.build();
}

const COLLAPSIBLE_WHITESPACE = /[ \t\n\r\f]/;

/**
 * Appends stream[start, end) to `out`, collapsing runs of HTML whitespace to one space (mapped to the
 * whole run) as a browser renders them. Entities are copied atomically.
 */
function appendStreamRange(stream: MappedText, start: number, end: number, out: MappedTextBuilder, state: { pendingSpace: OffsetSegment | null }): void {
  const segs = stream.segments;
  for (let k = firstSegmentEndingAfter(segs, start); k < segs.length && segs[k]!.cleanStart < end; k++) {
    const seg = segs[k]!;
    const atomic = seg.cleanEnd - seg.cleanStart !== seg.sourceEnd - seg.sourceStart;
    if (atomic) {
      const text = stream.text.slice(seg.cleanStart, seg.cleanEnd);
      if (text.length === 1 && COLLAPSIBLE_WHITESPACE.test(text)) {
        state.pendingSpace ??= { cleanStart: 0, cleanEnd: 1, sourceStart: seg.sourceStart, sourceEnd: seg.sourceEnd };
        state.pendingSpace.sourceEnd = seg.sourceEnd;
        continue;
      }
      flushSpace(out, state);
      out.appendMapped(text, seg.sourceStart, seg.sourceEnd);
      continue;
    }
    const from = Math.max(seg.cleanStart, start);
    const to = Math.min(seg.cleanEnd, end);
    let runStart = from;
    for (let c = from; c < to; c++) {
      if (!COLLAPSIBLE_WHITESPACE.test(stream.text[c]!)) continue;
      if (c > runStart) {
        flushSpace(out, state);
        out.appendCopied(stream.text.slice(runStart, c), seg.sourceStart + (runStart - seg.cleanStart));
      }
      const src = seg.sourceStart + (c - seg.cleanStart);
      if (state.pendingSpace) state.pendingSpace.sourceEnd = src + 1;
      else state.pendingSpace = { cleanStart: 0, cleanEnd: 1, sourceStart: src, sourceEnd: src + 1 };
      runStart = c + 1;
    }
    if (to > runStart) {
      flushSpace(out, state);
      out.appendCopied(stream.text.slice(runStart, to), seg.sourceStart + (runStart - seg.cleanStart));
    }
  }
}

function flushSpace(out: MappedTextBuilder, state: { pendingSpace: OffsetSegment | null }): void {
  const space = state.pendingSpace;
  if (!space) return;
  state.pendingSpace = null;
  if (out.textLength === 0) return; // leading whitespace of a line is dropped
  out.appendMapped(' ', space.sourceStart, space.sourceEnd);
}

// ---------------------------------------------------------------------------------------------
// DOM <-> stream alignment

/** How far past the expected position a text node may be found before we stop trusting the match. */
const ALIGNMENT_WINDOW = 2000;

interface DomNode {
  nodeType: number;
  nodeName: string;
  childNodes: ArrayLike<DomNode>;
  parentNode: DomNode | null;
  data?: string;
  getAttribute?: (name: string) => string | null;
  textContent: string | null;
}

/**
 * Whether some ancestor of `node` is a non-text element. Answers are memoised per ancestor in `cache`
 * so that checking every text node of a deeply nested page (20,000 nested <div>s) stays linear; a
 * plain walk to the root for each node was quadratic.
 */
function isInsideNonText(node: DomNode, cache: Map<DomNode, boolean>): boolean {
  const path: DomNode[] = [];
  let answer = false;
  for (let p = node.parentNode; p; p = p.parentNode) {
    const known = cache.get(p);
    if (known !== undefined) {
      answer = known;
      break;
    }
    path.push(p);
    if (NON_TEXT_ELEMENTS.has(p.nodeName.toLowerCase())) {
      answer = true;
      break;
    }
  }
  // Every element on the walked path has the same answer as the point where the walk stopped.
  for (const p of path) cache.set(p, answer);
  return answer;
}

/** Text nodes under `root`, in document order (iterative: pages can nest deeply). */
function textNodes(root: DomNode): DomNode[] {
  const out: DomNode[] = [];
  const stack: DomNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.nodeType === 3) {
      out.push(node);
      continue;
    }
    if (node.nodeType === 1 && NON_TEXT_ELEMENTS.has(node.nodeName.toLowerCase())) continue;
    const children = node.childNodes;
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return out;
}

type StreamRange = { start: number; end: number };

/** Locates each text node of the document in the decoded stream, in order. */
function alignTextNodes(nodes: readonly DomNode[], stream: string, from = 0): Map<DomNode, StreamRange> {
  const ranges = new Map<DomNode, StreamRange>();
  let cursor = from;
  const nonTextAncestry = new Map<DomNode, boolean>();
  for (const node of nodes) {
    const data = node.data ?? '';
    if (data.length === 0 || isInsideNonText(node, nonTextAncestry)) continue;
    // Search only the window we would accept: an unbounded indexOf that misses scans the rest of
    // the stream, which made many unplaceable nodes quadratic.
    const window = stream.slice(cursor, cursor + ALIGNMENT_WINDOW + data.length);
    const found = window.indexOf(data);
    if (found === -1) continue;
    const at = cursor + found;
    ranges.set(node, { start: at, end: at + data.length });
    cursor = at + data.length;
  }
  return ranges;
}

// ---------------------------------------------------------------------------------------------
// Article lines from a DOM subtree

const BLOCK_ELEMENTS = new Set([
  'p', 'div', 'section', 'article', 'main', 'header', 'footer', 'aside', 'nav', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'li', 'ul', 'ol', 'dl', 'dt', 'dd', 'blockquote', 'pre', 'figure', 'figcaption', 'table', 'thead', 'tbody',
  'tfoot', 'tr', 'td', 'th', 'caption', 'hr', 'address', 'form', 'fieldset', 'details', 'summary', 'center',
]);

/** Cells whose text is longer than this hold prose: the table lays out a page, it does not hold data. */
const MAX_DATA_CELL_CHARS = 80;

/**
 * A row of a data table: two or more cells, each short, none holding blocks or line breaks, none
 * spanning rows or columns (which would shift the columns). Other rows (layout tables of old sites,
 * a paragraph in a cell) are read as blocks, as before.
 */
function isDataRow(row: DomNode): boolean {
  const cells = Array.from(row.childNodes).filter((c) => c.nodeType === 1 && /^t[dh]$/iu.test(c.nodeName));
  if (cells.length < 2) return false;
  return cells.every((cell) => {
    if ((cell.textContent ?? '').trim().length > MAX_DATA_CELL_CHARS) return false;
    if (Number(cell.getAttribute?.('rowspan') ?? 1) > 1 || Number(cell.getAttribute?.('colspan') ?? 1) > 1) return false;
    const stack = Array.from(cell.childNodes);
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.nodeType !== 1) continue;
      const tag = node.nodeName.toLowerCase();
      if (tag === 'br' || BLOCK_ELEMENTS.has(tag)) return false;
      stack.push(...Array.from(node.childNodes));
    }
    return true;
  });
}

export interface HtmlLine {
  line: MappedText;
  startsParagraph: boolean;
}

/**
 * Lines of text under `root`: each block element starts a paragraph, <br> starts a line. Text nodes
 * not located in the stream (nothing to point at) are left out rather than guessed.
 */
function linesOf(root: DomNode, stream: MappedText, ranges: Map<DomNode, StreamRange>): HtmlLine[] {
  const lines: HtmlLine[] = [];
  let builder = new MappedTextBuilder();
  let nextStartsParagraph = true;
  const state = { pendingSpace: null as OffsetSegment | null };
  const endLine = (paragraphBreak: boolean): void => {
    state.pendingSpace = null;
    const line = trimMappedText(builder.build());
    if (line.text.length > 0) {
      lines.push({ line, startsParagraph: nextStartsParagraph });
      nextStartsParagraph = false;
    }
    if (paragraphBreak) nextStartsParagraph = true;
    builder = new MappedTextBuilder();
  };
  // A table row is one line, its cells between pipes ("| Shenzhen | 742 | 1,126 |"), as a Markdown
  // table is: the extractor reads a cell by its column's header (tables.ts).
  let rowDepth = 0;
  // Iterative walk with explicit exit markers for block elements.
  const stack: (DomNode | { exit: true } | { exitCell: true } | { exitRow: true })[] = [root];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if ('exitCell' in item) {
      state.pendingSpace = null;
      builder.appendUnmapped(' |');
      continue;
    }
    if ('exitRow' in item) {
      rowDepth--;
      endLine(true);
      continue;
    }
    if ('exit' in item) {
      endLine(true);
      continue;
    }
    const node = item;
    if (node.nodeType === 3) {
      const range = ranges.get(node);
      if (range) appendStreamRange(stream, range.start, range.end, builder, state);
      continue;
    }
    if (node.nodeType !== 1 && node.nodeType !== 9 && node.nodeType !== 11) continue;
    const tag = node.nodeName.toLowerCase();
    if (NON_TEXT_ELEMENTS.has(tag)) continue;
    if (tag === 'br') {
      endLine(false);
      continue;
    }
    if (tag === 'tr' && isDataRow(node)) {
      endLine(true);
      rowDepth++;
      builder.appendUnmapped('|');
      stack.push({ exitRow: true });
    } else if ((tag === 'td' || tag === 'th') && rowDepth > 0) {
      state.pendingSpace = null;
      builder.appendUnmapped(' ');
      stack.push({ exitCell: true });
    } else if (BLOCK_ELEMENTS.has(tag)) {
      endLine(true);
      stack.push({ exit: true });
    }
    const children = node.childNodes;
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  endLine(true);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Metadata from <meta> and friends

interface HeadMetadata {
  titles: string[];
  siteName: string | null;
  published: string | null;
  authors: string[];
}

/**
 * The content of the first <meta> (document order) whose property, name or itemprop is one of the
 * keys, tried in order: what `querySelector('meta[attr="key"]')` finds, without compiling and running
 * one selector per key and attribute (up to 54 full-document walks per page).
 */
function metaContent(metas: readonly Element[], keys: readonly string[]): string | null {
  for (const key of keys) {
    for (const attr of ['property', 'name', 'itemprop']) {
      const value = metas.find((meta) => meta.getAttribute(attr) === key)?.getAttribute('content')?.trim();
      if (value) return value;
    }
  }
  return null;
}

/** An ISO date at the start of a machine-readable timestamp ("2019-11-15T08:34:00+08:00"). */
function isoDatePrefix(value: string | null | undefined): string | null {
  if (!value) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim());
  if (!m) return findDate(value)?.iso ?? null;
  return findDate(m[0])?.iso ?? null;
}

function readHeadMetadata(document: Document): HeadMetadata {
  const metas = Array.from(document.querySelectorAll('meta'));
  const titles = [metaContent(metas, ['og:title', 'twitter:title', 'headline']), document.querySelector('title')?.textContent?.trim() ?? null].filter(
    (t): t is string => !!t,
  );
  const timeElement = document.querySelector('time[datetime]')?.getAttribute('datetime');
  const published = isoDatePrefix(
    metaContent(metas, ['article:published_time', 'og:published_time', 'datePublished', 'pubdate', 'publishdate', 'date', 'dc.date', 'DC.date.issued']) ?? timeElement,
  );
  const authorMeta = metaContent(metas, ['author', 'article:author', 'byl', 'dc.creator']);
  const authors = authorMeta && !/^https?:/i.test(authorMeta) ? authorNamesFrom(authorMeta) : [];
  return { titles, siteName: metaContent(metas, ['og:site_name', 'application-name', 'publisher']), published, authors };
}

function authorNamesFrom(byline: string): string[] {
  const names = splitAuthorNames(byline.replace(/^\s*by\s+/i, ''));
  return names;
}

/** "Headline - Site Name" / "Headline | Site": the headline without the site part. */
export function stripSiteSuffix(title: string, siteName: string | null): string {
  const parts = title.split(/\s+[|–—-]\s+|\s+[|]\s*/u).map((p) => p.trim()).filter(Boolean);
  if (parts.length < 2) return title.trim();
  const site = siteName?.trim().toLowerCase();
  const kept = parts.filter((p) => p.toLowerCase() !== site);
  if (kept.length < parts.length) return kept.join(' - ');
  // Without a known site name, a short trailing part is the site ("... arrests - China Daily").
  const last = parts[parts.length - 1]!;
  return last.split(/\s+/).length <= 4 && parts[0]!.split(/\s+/).length >= 3 ? parts.slice(0, -1).join(' - ') : title.trim();
}

function normaliseForCompare(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// The article

export interface HtmlArticle {
  lines: HtmlLine[];
  /** Index into `lines` of the headline, or null. */
  titleIndex: number | null;
  metadata: DocMetadata;
  dropped: CleanDoc['dropped'];
}

/** Elements that hold page furniture when Readability could not find the article. */
const FURNITURE_ELEMENTS = ['nav', 'header', 'footer', 'aside', 'form', 'menu', '[role="navigation"]', '[role="banner"]', '[role="contentinfo"]'];

/**
 * Fallback when Readability finds no article (tiny pages, bare fragments): every text of a fresh
 * parse except obvious furniture elements; the line rules then drop what is left of the furniture.
 */
function wholePageLines(source: string, stream: MappedText): HtmlLine[] {
  const { document } = parseHTML(source) as unknown as { document: Document };
  for (const el of Array.from(document.querySelectorAll(FURNITURE_ELEMENTS.join(',')))) el.remove();
  const root = document as unknown as DomNode;
  return linesOf(root, stream, alignTextNodes(textNodes(root), stream.text));
}

/**
 * Deepest element nesting we hand to Readability. Its scoring reads textContent at every level, so its
 * cost grows with elements x depth: 20,000 nested <div>s took minutes. Real article pages nest a few
 * dozen levels; deeper pages are hostile or broken and get the whole-page fallback, which is linear.
 */
const MAX_READABILITY_DEPTH = 256;

/** Deepest element nesting below `root` (iterative: the page may be deeper than the call stack). */
function elementDepth(root: DomNode): number {
  let deepest = 0;
  const stack: [DomNode, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > deepest) deepest = depth;
    const children = node.childNodes;
    for (let i = 0; i < children.length; i++) if (children[i]!.nodeType === 1) stack.push([children[i]!, depth + 1]);
  }
  return deepest;
}

/**
 * Readability needs a document element (markup without any tag, e.g. "&amp;&amp;" or "<a<a", parses to
 * none and made its constructor throw) and a sane nesting depth.
 */
function readabilityCanRun(document: Document): boolean {
  const element = document.documentElement as unknown as DomNode | null;
  // A fragment saved on its own ("<article>...</article>", no <html> or <body>) has no body, which
  // Readability reads without checking (it threw "Cannot read properties of null").
  return element !== null && element !== undefined && document.body !== null && document.body !== undefined && elementDepth(element) <= MAX_READABILITY_DEPTH;
}

/** Readability's article, or null when it finds none or fails on a page it was not made for (the page's own lines are used then). */
function readableArticle(document: Document): ReturnType<Readability<DomNode>['parse']> | null {
  if (!readabilityCanRun(document)) return null;
  try {
    return new Readability(document, { serializer: (el: Node) => el as unknown as DomNode }).parse();
  } catch {
    return null;
  }
}

/**
 * Deepest element nesting we let linkedom parse. Its parser (htmlparser2) does O(depth) work per tag,
 * so nesting costs depth squared: 40,000 nested <div>s took ~5 s to parse, 64,000 took ~20 s.
 * Real pages nest a few dozen levels.
 */
const MAX_PARSE_DEPTH = 1000;

/** Elements that never hold children, or whose end tag the parser implies: they do not deepen the tree. */
const NON_NESTING_ELEMENTS = new Set([
  'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr',
  'p', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'thead', 'tbody', 'tfoot', 'option', 'optgroup', 'colgroup', 'caption', 'rp', 'rt',
  'html', 'head', 'body',
]);

/**
 * The deepest open-element nesting of the markup, by one linear scan of its tags (an estimate of
 * the parser's stack; raw-text elements such as <script> are skipped whole).
 */
export function markupNestingDepth(markup: string): number {
  // Scan the lower-cased copy only: it is always a flat string (the input may be a rope whose
  // character access is slow), and depth needs no original offsets.
  const source = markup.toLowerCase();
  let depth = 0;
  let deepest = 0;
  let i = source.indexOf('<');
  while (i !== -1 && i < source.length) {
    if (source.startsWith('<!--', i)) {
      i = source.indexOf('<', skipPast(source, i + 4, '-->'));
      continue;
    }
    const closing = source[i + 1] === '/';
    const nameStart = i + (closing ? 2 : 1);
    const name = /^[a-z][a-z0-9-]{0,40}/.exec(source.slice(nameStart, nameStart + 41))?.[0];
    if (!name) {
      i = source.indexOf('<', i + 1);
      continue;
    }
    const end = tagEnd(source, i);
    if (closing) {
      if (!NON_NESTING_ELEMENTS.has(name)) depth = Math.max(0, depth - 1);
    } else if (RAW_TEXT_ELEMENTS.has(name)) {
      const close = source.indexOf(`</${name}`, end);
      i = close === -1 ? -1 : source.indexOf('<', tagEnd(source, close));
      continue;
    } else if (!NON_NESTING_ELEMENTS.has(name) && source[end - 2] !== '/') {
      depth++;
      if (depth > deepest) deepest = depth;
    }
    i = source.indexOf('<', end);
  }
  return deepest;
}

/** The decoded text stream as lines (at source line breaks), whitespace collapsed as a browser would. */
function streamLines(stream: MappedText): HtmlLine[] {
  const lines: HtmlLine[] = [];
  for (let start = 0; start <= stream.text.length; ) {
    const newline = stream.text.indexOf('\n', start);
    const end = newline === -1 ? stream.text.length : newline;
    const builder = new MappedTextBuilder();
    appendStreamRange(stream, start, end, builder, { pendingSpace: null });
    const line = trimMappedText(builder.build());
    if (line.text.length > 0) lines.push({ line, startsParagraph: true });
    start = end + 1;
  }
  return lines;
}

/** Minimum headline length (words) for an <h1> that does not match the page title. */
const MIN_H1_WORDS = 3;

/** The article of an HTML page: lines mapped into the HTML source, headline, metadata, furniture dropped. */
export function extractHtmlArticle(source: string, lexicon: CleanLexicon = ENGLISH_CLEAN_LEXICON): HtmlArticle {
  const stream = decodedTextStream(source);
  // Too deep to parse in reasonable time: work from the decoded text stream alone (an empty DOM).
  const tooDeep = markupNestingDepth(source) > MAX_PARSE_DEPTH;
  const { document } = parseHTML(tooDeep ? '' : source) as unknown as { document: Document };
  const root = document as unknown as DomNode;
  const ranges = alignTextNodes(textNodes(root), stream.text);
  const head = readHeadMetadata(document);

  // The headline, read before Readability rearranges the document.
  const h1Element = document.querySelector('h1') as unknown as DomNode | null;
  const h1Line = h1Element ? linesOf(h1Element, stream, ranges)[0]?.line ?? null : null;
  // The byline beside the headline usually sits in <header>, which Readability drops as furniture:
  // read it from the whole page before Readability rearranges the document (metadata-helper fix).
  const pageTexts = h1Line ? linesOf(root, stream, ranges).map((l) => l.line.text) : [];
  const h1PageIndex = h1Line ? pageTexts.indexOf(h1Line.text) : -1;
  const headlineAreaMeta = h1PageIndex >= 0 ? extractHeadlineAreaMetadata(pageTexts, h1PageIndex, lexicon) : null;

  const article = readableArticle(document);
  let lines: HtmlLine[] = [];
  const contentRoot = article?.content as DomNode | null | undefined;
  if (contentRoot) {
    // Readability may rebuild nodes (its retry re-parses markup); locate those by text as well.
    const unplaced = textNodes(contentRoot).filter((n) => !ranges.has(n));
    if (unplaced.length > 0) for (const [n, r] of alignTextNodes(unplaced, stream.text)) ranges.set(n, r);
    lines = linesOf(contentRoot, stream, ranges);
  }
  if (lines.length === 0) lines = tooDeep ? streamLines(stream) : wholePageLines(source, stream);

  // Page furniture that survived Readability, by the plain-text rules.
  const texts = lines.map((l) => l.line.text);
  const verdicts = classifyLines(texts, lexicon);
  const textMeta = extractTextMetadata(texts, verdicts.map((v) => v.keep), lexicon);
  const dropped: CleanDoc['dropped'] = [];
  const keptLines: HtmlLine[] = [];
  lines.forEach((l, i) => {
    const verdict = verdicts[i]!;
    const role = textMeta.roles.get(i);
    if (!verdict.keep) dropped.push({ line: l.line.text, rule: verdict.rule });
    else if (role) dropped.push({ line: l.line.text, rule: role });
    else if (verdict.stripped) {
      // A caption keeps its facts; only the trailing credit goes.
      dropped.push({ line: verdict.stripped.text, rule: verdict.stripped.rule });
      keptLines.push({ ...l, line: trimMappedText(sliceMappedText(l.line, 0, verdict.end)) });
    } else keptLines.push(l);
  });
  lines = keptLines;

  const siteName = head.siteName ?? article?.siteName ?? null;
  const pageTitle = stripSiteSuffix(head.titles[0] ?? article?.title ?? '', siteName);
  const h1Matches = h1Line !== null && pageTitle.length > 0 && normaliseForCompare(h1Line.text).includes(normaliseForCompare(pageTitle).slice(0, 40));
  const useH1 = h1Line !== null && (h1Matches || h1Line.text.split(/\s+/).length >= MIN_H1_WORDS);
  const title = useH1 ? h1Line!.text : pageTitle || textMeta.metadata.title;

  let titleIndex: number | null = title ? lines.findIndex((l) => normaliseForCompare(l.line.text) === normaliseForCompare(title)) : -1;
  if (titleIndex === -1) titleIndex = null;
  if (titleIndex === null && useH1) {
    lines = [{ line: h1Line!, startsParagraph: true }, ...lines];
    titleIndex = 0;
  }

  const readabilityAuthors = article?.byline ? authorNamesFrom(article.byline) : [];
  const publishedFromReadability = isoDatePrefix(article?.publishedTime ?? null);
  const metadata: DocMetadata = {
    title: title || null,
    publisher: siteName ?? headlineAreaMeta?.publisher ?? textMeta.metadata.publisher,
    authors: [...new Set([...head.authors, ...readabilityAuthors, ...textMeta.metadata.authors])],
    published_date: head.published ?? publishedFromReadability ?? headlineAreaMeta?.published_date ?? textMeta.metadata.published_date,
  };
  // The byline beside the headline names the authors when nothing else did (metadata-helper fix).
  if (metadata.authors.length === 0 && headlineAreaMeta) metadata.authors = [...headlineAreaMeta.authors];
  return { lines, titleIndex, metadata, dropped };
}
