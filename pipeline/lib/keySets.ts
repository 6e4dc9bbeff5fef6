// Exact sets of the dataset's keys as sorted 64-bit numbers, for validate's delta check.
// Every key the pipeline makes is `<prefix>_<16 hex digits>` (stableId): the 16 digits are the key's
// 64-bit number exactly, so a set of such keys with one prefix is a sorted BigUint64Array with no
// collisions, a tenth of the memory of a Set of strings, written and read as raw bytes. A key of
// another form makes its set unusable (`exact` false): the caller then checks the strings instead.
import os from 'node:os';

const HEX_KEY = /^([a-z][a-z0-9]*)_([0-9a-f]{16})$/;
/** Where the high and low 32-bit halves of a 64-bit number lie in its two 32-bit words. */
const [HI, LO] = os.endianness() === 'LE' ? [1, 0] : [0, 1];

const HEX_DIGITS = 16;
const UNDERSCORE = 0x5f;

/** The number written in lowercase hex digits in `text[start, end)` (at most 8: exact), or -1 if one is not. */
function hexValue(text: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/** Keys collected one at a time (in any order), all of one prefix; `sorted()` gives the set. */
export class KeyList {
  private words = new Uint32Array(2 * 1024);
  length = 0;
  prefix: string | null = null;
  /** False once a key was not `<prefix>_<16 hex>` with the list's one prefix. */
  exact = true;
  /** The prefix a key was matched against HEX_KEY with (a prefix set from outside is checked by the next key's match). */
  private matchedPrefix: string | null = null;

  add(key: string): void {
    if (!this.exact) return;
    // As HEX_KEY, read by hand: after one added article at 100k, validate adds about 120,000 keys,
    // and a match with its two slices and two parseInt cost four times as much (about 0.04 s).
    const digits = key.length - HEX_DIGITS;
    const samePrefix =
      this.prefix !== null && this.prefix === this.matchedPrefix
        ? digits === this.prefix.length + 1 && key.startsWith(this.prefix)
        : HEX_KEY.test(key) && (this.prefix === null || key.slice(0, digits - 1) === this.prefix);
    const hi = samePrefix && key.charCodeAt(digits - 1) === UNDERSCORE ? hexValue(key, digits, digits + 8) : -1;
    const lo = hi >= 0 ? hexValue(key, digits + 8, digits + 16) : -1;
    if (lo < 0) {
      this.exact = false;
      return;
    }
    this.prefix ??= key.slice(0, digits - 1);
    this.matchedPrefix = this.prefix;
    if (2 * this.length === this.words.length) {
      const grown = new Uint32Array(2 * this.words.length);
      grown.set(this.words);
      this.words = grown;
    }
    this.words[2 * this.length + HI] = hi;
    this.words[2 * this.length + LO] = lo;
    this.length++;
  }

  addAll(keys: Iterable<string | null>): void {
    for (const key of keys) if (key !== null) this.add(key);
  }

  /** The keys as sorted numbers (null if a key was not exact). */
  sorted(): BigUint64Array | null {
    if (!this.exact) return null;
    return new BigUint64Array(this.words.buffer.slice(0, 8 * this.length)).sort();
  }
}

/** The first place in `sorted` whose number is not below `value`. */
export function lowerBound(sorted: BigUint64Array, value: bigint): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many times `value` is in `sorted`. */
export function countOf(sorted: BigUint64Array, value: bigint): number {
  let at = lowerBound(sorted, value);
  const first = at;
  while (at < sorted.length && sorted[at] === value) at++;
  return at - first;
}

/** Does a sorted list hold a number twice? */
export function hasRepeat(sorted: BigUint64Array): boolean {
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) return true;
  return false;
}

/**
 * `before` with one occurrence of each number of `removed` taken out and `added` put in, all sorted
 * (multisets): null when `removed` holds a number `before` does not (as often), i.e. the two do not
 * belong together. Costs a copy of `before` plus a binary search per change.
 */
export function replaceKeys(before: BigUint64Array, removed: BigUint64Array, added: BigUint64Array): BigUint64Array | null {
  // Places in `before` to drop, ascending (equal numbers take consecutive places).
  const drop: number[] = [];
  for (let i = 0; i < removed.length; i++) {
    const value = removed[i]!;
    const at = i > 0 && removed[i - 1] === value ? drop[drop.length - 1]! + 1 : lowerBound(before, value);
    if (at >= before.length || before[at] !== value) return null;
    drop.push(at);
  }
  const out = new BigUint64Array(before.length - removed.length + added.length);
  let from = 0; // next place of `before` to copy
  let to = 0;
  let d = 0;
  const copyUntil = (end: number): void => {
    while (from < end) {
      const stop = d < drop.length && drop[d]! < end ? drop[d]! : end;
      out.set(before.subarray(from, stop), to);
      to += stop - from;
      from = stop;
      if (from < end && from === drop[d]) {
        from++;
        d++;
      }
    }
  };
  for (let i = 0; i < added.length; i++) {
    copyUntil(lowerBound(before, added[i]!));
    out[to++] = added[i]!;
  }
  copyUntil(before.length);
  return out;
}
