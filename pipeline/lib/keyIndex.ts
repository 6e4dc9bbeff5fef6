// The inverted index campaign linking blocks on: blocking keys (integers below 2^53) to the units
// indexed under them. At 100k articles it holds about 4.4 million (key, unit) entries under some
// 350 thousand keys. A Map from such keys to growing arrays spent most of the index's time boxing
// keys above 2^31, hashing them and allocating a third of a million small arrays; here keys get
// dense ids from a typed open-addressing table and the lists are one array of members, grouped by
// key with a counting sort (compressed sparse rows).

/** How a probing unit accumulates the units it meets and how many keys each shares with it. */
export interface MeetCounter {
  meet(unit: number, keys: number): void;
}

const EMPTY = -1;
const HALF = 2 ** 26;

/** Dense ids (0, 1, 2, ... in first-seen order) for non-negative integer keys below 2^53. */
export class KeyIds {
  private keys: Float64Array;
  private ids: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1 << 12) {
    let slots = 16;
    while (slots < 2 * capacity) slots *= 2;
    this.keys = new Float64Array(slots).fill(EMPTY);
    this.ids = new Int32Array(slots);
    this.mask = slots - 1;
  }

  /** The key's id, or -1 if it was never interned. */
  idOf(key: number): number {
    const slot = this.slotOf(key);
    return this.keys[slot] === key ? this.ids[slot]! : -1;
  }

  intern(key: number): number {
    if (!(Number.isSafeInteger(key) && key >= 0)) throw new RangeError(`key index: ${key} is not a non-negative integer below 2^53`);
    let slot = this.slotOf(key);
    if (this.keys[slot] === key) return this.ids[slot]!;
    if (2 * (this.size + 1) > this.keys.length) {
      this.grow();
      slot = this.slotOf(key);
    }
    this.keys[slot] = key;
    this.ids[slot] = this.size;
    return this.size++;
  }

  /** Linear probing from the key's hash: the slot holding the key, or the empty slot where it would go. */
  private slotOf(key: number): number {
    // The key as two 26/27-bit halves (exact in double arithmetic), mixed into 32 bits.
    const low = key % HALF;
    const high = (key - low) / HALF;
    let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    let slot = h & this.mask;
    while (this.keys[slot] !== EMPTY && this.keys[slot] !== key) slot = (slot + 1) & this.mask;
    return slot;
  }

  private grow(): void {
    const { keys, ids } = this;
    this.keys = new Float64Array(keys.length * 2).fill(EMPTY);
    this.ids = new Int32Array(keys.length * 2);
    this.mask = this.keys.length - 1;
    for (let s = 0; s < keys.length; s++) {
      if (keys[s] === EMPTY) continue;
      const slot = this.slotOf(keys[s]!);
      this.keys[slot] = keys[s]!;
      this.ids[slot] = ids[s]!;
    }
  }
}

function grown(array: Int32Array<ArrayBuffer>, atLeast: number, fill = 0): Int32Array<ArrayBuffer> {
  if (atLeast <= array.length) return array;
  const next = new Int32Array(Math.max(atLeast, array.length * 2)).fill(fill);
  next.set(array);
  return next;
}

/**
 * Blocking keys to units, each key's units in the order they were added. Units are added with all
 * their keys in one call (a key listed twice in that call counts once). The first query groups the
 * entries by key; units added after that (orphans attached to campaigns) are appended per key.
 */
export class KeyIndex {
  private readonly ids = new KeyIds();
  private entryKeys = new Int32Array(1 << 16);
  private entryUnits = new Int32Array(1 << 16);
  private entries = 0;
  /** Per key id: the last unit added under it (a repeated key in one add call is skipped). */
  private lastUnit = new Int32Array(1 << 12).fill(-1);
  /** After the first query: key id k's units are members[start[k] .. start[k + 1]). */
  private start: Int32Array | null = null;
  private members = new Int32Array(0);
  private readonly later = new Map<number, number[]>();
  /** For large lists: the members ordered by position, built on first use. */
  private readonly ordered = new Map<number, { size: number; positions: Float64Array; units: Int32Array }>();

  /**
   * `position(unit)` is a fixed pseudo-random coordinate in [0, 1) for sorted-neighbourhood blocking.
   * `covers`, for an index built from only some of the units: the keys whose units were all added;
   * a query of any other key is an error, never a silently short list.
   */
  constructor(
    private readonly position: (unit: number) => number,
    private readonly covers: ((key: number) => boolean) | null = null,
  ) {}

  private idOfQueried(key: number): number {
    if (this.covers !== null && !this.covers(key)) throw new Error(`key index: key ${key} was not indexed (the index was built for other keys)`);
    return this.ids.idOf(key);
  }

  add(unit: number, keys: readonly number[]): void {
    for (const key of keys) {
      const id = this.ids.intern(key);
      this.lastUnit = grown(this.lastUnit, id + 1, -1);
      if (this.lastUnit[id] === unit) continue;
      this.lastUnit[id] = unit;
      if (this.start !== null) {
        const list = this.later.get(id);
        if (list) list.push(unit);
        else this.later.set(id, [unit]);
        continue;
      }
      this.entryKeys = grown(this.entryKeys, this.entries + 1);
      this.entryUnits = grown(this.entryUnits, this.entries + 1);
      this.entryKeys[this.entries] = id;
      this.entryUnits[this.entries++] = unit;
    }
  }

  /** Groups the entries by key (a stable counting sort), once. */
  private grouped(): Int32Array {
    if (this.start !== null) return this.start;
    const keyCount = this.ids.size;
    const start = new Int32Array(keyCount + 1);
    for (let e = 0; e < this.entries; e++) start[this.entryKeys[e]! + 1]!++;
    for (let k = 0; k < keyCount; k++) start[k + 1]! += start[k]!;
    const fill = start.slice(0, keyCount);
    const members = new Int32Array(this.entries);
    for (let e = 0; e < this.entries; e++) members[fill[this.entryKeys[e]!]!++] = this.entryUnits[e]!;
    this.entryKeys = new Int32Array(0);
    this.entryUnits = new Int32Array(0);
    this.members = members;
    return (this.start = start);
  }

  /** The units under key id `id`: a view of the grouped members, then any added since. */
  private unitsOf(id: number): { from: number; to: number; later: readonly number[] } {
    const start = this.grouped();
    const later = this.later.get(id) ?? [];
    if (id < 0 || id + 1 >= start.length) return { from: 0, to: 0, later };
    return { from: start[id]!, to: start[id + 1]!, later };
  }

  /**
   * Sorted-neighbourhood blocking. A block no larger than 2 x window + 1 is compared in full; in a
   * larger one (thousands of reports of one recurring campaign) a unit meets only the members whose
   * position lies within window / 2^ceil(log2(size)) of its own, about window to 2 x window of them,
   * so the work stays linear in the corpus. The positions come from the documents' ids, not from
   * places in the list, so the neighbours a unit meets are the same in every block it shares with
   * them (the union over its blocks stays small) and do not shift when a document is added.
   * Only units after `unit` are counted into `shared`: a pair is scored from its first unit.
   */
  near(unit: number, keys: readonly number[], window: number, shared: MeetCounter): void {
    const at = this.position(unit);
    for (const key of keys) {
      const id = this.idOfQueried(key);
      if (id < 0) continue;
      const { from, to, later } = this.unitsOf(id);
      const size = to - from + later.length;
      if (size === 0) continue;
      if (size <= 2 * window + 1) {
        for (let k = from; k < to; k++) if (this.members[k]! > unit) shared.meet(this.members[k]!, 1);
        for (const u of later) if (u > unit) shared.meet(u, 1);
        continue;
      }
      const { positions, units } = this.orderedList(id, size);
      const radius = window / 2 ** Math.ceil(Math.log2(size));
      let lo = 0;
      let hi = positions.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (positions[mid]! < at - radius) lo = mid + 1;
        else hi = mid;
      }
      for (let k = lo; k < positions.length && positions[k]! <= at + radius; k++) if (units[k]! > unit) shared.meet(units[k]!, 1);
    }
  }

  private orderedList(id: number, size: number): { positions: Float64Array; units: Int32Array } {
    const cached = this.ordered.get(id);
    if (cached && cached.size === size) return cached;
    const order = this.listOf(id).sort((x, y) => this.position(x) - this.position(y) || x - y);
    const entry = { size, positions: Float64Array.from(order, (u) => this.position(u)), units: Int32Array.from(order) };
    this.ordered.set(id, entry);
    return entry;
  }

  private listOf(id: number): number[] {
    const { from, to, later } = this.unitsOf(id);
    return [...this.members.subarray(from, to), ...later];
  }

  /** How many units are indexed under `key`. */
  size(key: number): number {
    const id = this.idOfQueried(key);
    if (id < 0) return 0;
    const { from, to, later } = this.unitsOf(id);
    return to - from + later.length;
  }

  /** Distinct units under any of the keys, in first-seen order. */
  lookup(keys: readonly number[]): number[] {
    const seen = new Set<number>();
    for (const key of keys) {
      const id = this.idOfQueried(key);
      if (id < 0) continue;
      const { from, to, later } = this.unitsOf(id);
      for (let k = from; k < to; k++) seen.add(this.members[k]!);
      for (const u of later) seen.add(u);
    }
    return [...seen];
  }
}
