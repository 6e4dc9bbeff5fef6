// Byte decoding for input documents.
// The decoded text (BOM removed, line ends untouched) is what every provenance offset points into,
// and the published dataset's scorer decodes the same way: UTF-8 (BOM stripped), UTF-16 with a BOM,
// otherwise windows-1252. Anything we cannot decode with confidence is rejected with a reason
// rather than guessed silently.

import iconv from 'iconv-lite';
import chardet from 'chardet';
import type { DocFormat } from './types.js';

export type DecodeResult = { text: string; encoding: string } | { error: string };

/** Bytes undefined in windows-1252: decoded to the C1 control of the same value, as the scorer does. */
const CP1252_UNDEFINED_BYTES = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/** Multi-byte encodings that chardet may name for non-Latin text; windows-1252 would turn them to mojibake. */
const MULTIBYTE_LEGACY_ENCODINGS = new Set(['GB18030', 'Big5', 'Shift_JIS', 'EUC-JP', 'EUC-KR', 'ISO-2022-JP']);
/** chardet confidence (0-100) needed before we trust a multi-byte legacy encoding over windows-1252. */
const MULTIBYTE_MIN_CONFIDENCE = 60;
/** Share of control characters above which a file is taken to be binary, not text. */
const MAX_CONTROL_CHAR_SHARE = 0.02;
/** Share of NUL bytes on one parity that marks BOM-less UTF-16 (ASCII text has every other byte NUL). */
const UTF16_NUL_PARITY_SHARE = 0.3;

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

/** Tells BOM-less UTF-16 apart from other NUL-carrying content by where the NULs fall. */
function detectBomlessUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const pairs = Math.floor(bytes.length / 2);
  if (pairs < 2) return null;
  let evenNuls = 0;
  let oddNuls = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    if (bytes[i] === 0) evenNuls++;
    if (bytes[i + 1] === 0) oddNuls++;
  }
  if (oddNuls / pairs >= UTF16_NUL_PARITY_SHARE && evenNuls === 0) return 'utf-16le';
  if (evenNuls / pairs >= UTF16_NUL_PARITY_SHARE && oddNuls === 0) return 'utf-16be';
  return null;
}

/** Control characters other than tab, line feed, vertical tab, form feed, carriage return and ESC-free text. */
function isSuspiciousControl(code: number): boolean {
  return (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0b && code !== 0x0c && code !== 0x0d) || code === 0x7f;
}

/** A one-line reason why the decoded text is not an article, or null when it is usable. */
function rejectDecodedText(text: string): string | null {
  if (text.trim().length === 0) return text.length === 0 ? 'empty file' : 'whitespace-only content';
  if (text.includes('\u0000')) return 'binary content (NUL bytes)';
  let controls = 0;
  for (let i = 0; i < text.length; i++) if (isSuspiciousControl(text.charCodeAt(i))) controls++;
  if (controls / text.length > MAX_CONTROL_CHAR_SHARE) {
    return `binary content (${controls} control characters in ${text.length})`;
  }
  return null;
}

function decodeWindows1252(bytes: Uint8Array): string {
  const decoded = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'windows-1252');
  // iconv-lite gives U+FFFD for the five undefined bytes; keep the scorer's byte-for-char reading.
  let out = '';
  let from = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (CP1252_UNDEFINED_BYTES.has(bytes[i]!)) {
      out += decoded.slice(from, i) + String.fromCharCode(bytes[i]!);
      from = i + 1;
    }
  }
  return from === 0 ? decoded : out + decoded.slice(from);
}

function tryStrictUtf8(bytes: Uint8Array): string | null {
  try {
    // ignoreBOM keeps a leading U+FEFF in the text so the caller decides what a BOM means.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Decodes a document's bytes. Returns the text and the encoding used, or a one-line reason why the
 * bytes are not a text article (binary, empty, BOM-less UTF-16).
 */
export function decodeBytes(bytes: Uint8Array): DecodeResult {
  if (bytes.length === 0) return { error: 'empty file' };

  let text: string;
  let encoding: string;
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(3));
    encoding = 'utf-8-bom';
  } else if (startsWith(bytes, [0xff, 0xfe])) {
    text = new TextDecoder('utf-16le', { ignoreBOM: true }).decode(bytes.subarray(2));
    encoding = 'utf-16le';
  } else if (startsWith(bytes, [0xfe, 0xff])) {
    text = new TextDecoder('utf-16be', { ignoreBOM: true }).decode(bytes.subarray(2));
    encoding = 'utf-16be';
  } else {
    const utf16 = detectBomlessUtf16(bytes);
    if (utf16) {
      // Decodable, but the scorer would read these bytes differently, so offsets could not agree.
      return { error: `${utf16} without a byte order mark (re-save with a BOM or as UTF-8)` };
    }
    if (bytes.includes(0)) return { error: 'binary content (NUL bytes)' };
    const utf8 = tryStrictUtf8(bytes);
    if (utf8 !== null) {
      text = utf8;
      encoding = 'utf-8';
    } else {
      const guess = chardet.detect(bytes);
      const best = chardet.analyse(bytes)[0];
      if (guess && best && MULTIBYTE_LEGACY_ENCODINGS.has(guess) && best.confidence >= MULTIBYTE_MIN_CONFIDENCE && iconv.encodingExists(guess)) {
        text = iconv.decode(Buffer.from(bytes), guess);
        encoding = guess.toLowerCase();
      } else {
        // Latin-1 is windows-1252 minus the 0x80-0x9F punctuation, so one decoder serves both.
        text = decodeWindows1252(bytes);
        encoding = 'windows-1252';
      }
    }
  }
  const reason = rejectDecodedText(text);
  return reason ? { error: reason } : { text, encoding };
}

const HTML_EXTENSIONS = /\.(html?|xhtml|shtml)$/i;
const TEXT_EXTENSIONS = /\.(txt|text|md)$/i;
/** How many characters from the start are inspected when sniffing an unknown file. */
const SNIFF_WINDOW = 4096;
/** Tags per 1,000 characters above which content is treated as markup. */
const TAG_DENSITY_FOR_HTML = 5;

/** Whether a document is plain text or HTML, from its extension and, when unclear, its content. */
export function sniffFormat(path: string, text: string): DocFormat {
  if (HTML_EXTENSIONS.test(path)) return 'html';
  const head = text.slice(0, SNIFF_WINDOW).trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || head.startsWith('<?xml') && head.includes('<html')) {
    return 'html';
  }
  if (TEXT_EXTENSIONS.test(path) && !/<(html|body|head)[\s>]/.test(head)) return 'text';
  const tags = head.match(/<\/?(p|div|span|a|br|body|head|html|article|section|h[1-6]|li|ul|table|script|meta)\b[^<>]{0,200}>/g);
  const density = ((tags?.length ?? 0) * 1000) / Math.max(head.length, 1);
  return density >= TAG_DENSITY_FOR_HTML ? 'html' : 'text';
}
