// The blocking-key index of campaign linking: typed-array ids and grouped lists must answer exactly
// what the plain Map<key, unit[]> they replace answered (a reference implementation below).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyIds, KeyIndex, type MeetCounter } from '../pipeline/lib/keyIndex.js';

/** The index as it was: a Map from key to the units added under it, in order. */
class ReferenceIndex {
  readonly lists = new Map<number, number[]>();
  constructor(private readonly position: (unit: number) => number) {}
  add(unit: number, keys: readonly number[]): void {
    for (const key of new Set(keys)) {
      const list = this.lists.get(key);
      if (list) list.push(unit);
      else this.lists.set(key, [unit]);
    }
  }
  near(unit: number, keys: readonly number[], window: number, shared: MeetCounter): void {
    const at = this.position(unit);
    for (const key of keys) {
      const list = this.lists.get(key);
      if (!list) continue;
      if (list.length <= 2 * window + 1) {
        for (const u of list) if (u > unit) shared.meet(u, 1);
        continue;
      }
      const radius = window / 2 ** Math.ceil(Math.log2(list.length));
      const ordered = [...list].sort((x, y) => this.position(x) - this.position(y) || x - y);
      for (const u of ordered) if (u > unit && this.position(u) >= at - radius && this.position(u) <= at + radius) shared.meet(u, 1);
    }
  }
}

/** Meetings in order, as [unit, keys] pairs. */
function meetings(run: (shared: MeetCounter) => void): number[][] {
  const met: number[][] = [];
  run({ meet: (unit, keys) => met.push([unit, keys]) });
  return met;
}

describe('KeyIds', () => {
  it('numbers keys densely in first-seen order, up to 2^53', () => {
    const ids = new KeyIds(4);
    const keys = [2 ** 53 - 1, 0, 2 ** 31, 2 ** 31 + 1, 12345678901234, 0, 2 ** 53 - 1];
    expect(keys.map((k) => ids.intern(k))).toEqual([0, 1, 2, 3, 4, 1, 0]);
    expect(ids.size).toBe(5);
    expect(ids.idOf(12345678901234)).toBe(4);
    expect(ids.idOf(7)).toBe(-1);
  });
  it('keeps every id while it grows', () => {
    const ids = new KeyIds(2);
    const keys = Array.from({ length: 5000 }, (_, i) => (i * 2654435761) % 2 ** 52);
    keys.forEach((k, i) => expect(ids.intern(k)).toBe(i));
    keys.forEach((k, i) => expect(ids.idOf(k)).toBe(i));
  });
  it('refuses a key it cannot hold exactly', () => {
    expect(() => new KeyIds().intern(2 ** 53)).toThrow(/non-negative integer below 2\^53/);
    expect(() => new KeyIds().intern(-1)).toThrow(RangeError);
    expect(() => new KeyIds().intern(1.5)).toThrow(RangeError);
  });
});

describe('KeyIndex', () => {
  const position = (unit: number): number => ((unit * 2654435761) % 1000) / 1000;

  it('lists units in the order added, a key repeated in one add counted once, later adds appended', () => {
    const index = new KeyIndex(position);
    index.add(0, [7, 2 ** 40, 7]);
    index.add(1, [2 ** 40]);
    expect(index.size(7)).toBe(1);
    expect(index.lookup([2 ** 40, 7])).toEqual([0, 1]);
    index.add(5, [7, 99]); // after the first query, as orphans are
    expect(index.size(7)).toBe(2);
    expect(index.lookup([7, 99, 3])).toEqual([0, 5]);
    expect(index.size(3)).toBe(0);
  });

  it('built for some keys only, refuses to answer for the others', () => {
    const index = new KeyIndex(position, (key) => key % 2 === 0);
    index.add(0, [2, 3]);
    expect(index.size(2)).toBe(1);
    expect(index.lookup([2, 4])).toEqual([0]);
    expect(() => index.size(3)).toThrow(/key 3 was not indexed/);
    expect(() => index.lookup([2, 5])).toThrow(/not indexed/);
    expect(() => index.near(0, [7], 100, { meet() {} })).toThrow(/not indexed/);
  });

  it('meets exactly the units the Map-based index met, windowed blocks included', () => {
    const unitKeys = fc.array(fc.array(fc.integer({ min: 0, max: 12 }).map((k) => k * 2 ** 40 + 3), { maxLength: 5 }), { minLength: 1, maxLength: 90 });
    fc.assert(
      fc.property(unitKeys, fc.array(fc.integer({ min: 0, max: 12 }).map((k) => k * 2 ** 40 + 3), { maxLength: 6 }), fc.integer({ min: 1, max: 6 }), (keysOf, probe, window) => {
        const index = new KeyIndex(position);
        const reference = new ReferenceIndex(position);
        keysOf.forEach((keys, unit) => {
          index.add(unit, keys);
          reference.add(unit, keys);
        });
        const probes = [...new Set(probe)];
        for (let unit = 0; unit < keysOf.length; unit += 7) {
          expect(meetings((shared) => index.near(unit, probes, window, shared))).toEqual(meetings((shared) => reference.near(unit, probes, window, shared)));
        }
        for (const key of probes) expect(index.size(key)).toBe(reference.lists.get(key)?.length ?? 0);
      }),
      { numRuns: 300 },
    );
  });
});
