// validate's delta check: when the last run's tables were valid, this run's are valid if the rows
// that changed keep the table checks, which needs only the segments that changed and the last run's
// keys and references as exact 64-bit sets (keySets.ts), not the 1.2 M keys of 100k articles as
// strings. A check that passes proves the report a full check would give (valid, no problems); one
// that finds anything, or cannot decide, says why and the caller runs the full check, which numbers
// the problems exactly. Primary keys: no key of a changed segment repeats among them or among the
// keys that stayed. Foreign keys: a reference in a changed segment names a key of this run, and no
// unchanged row names a key that is gone.
import { countOf, hasRepeat, KeyList, replaceKeys } from './keySets.js';
import type { TableName, TableSchema } from './schema.js';
import { TABLE_NAMES } from './schema.js';
import type { SegmentDigest } from './validate.js';

/** Per table, the table each foreign key points at (schema order); null when a key is not a one-field primary key (no delta check). */
export type KeyPlan = Record<TableName, TableName[]>;

export function keyPlan(schemas: Record<TableName, TableSchema>): KeyPlan | null {
  const plan = {} as KeyPlan;
  for (const table of TABLE_NAMES) {
    if (schemas[table]['x-primaryKey'].length !== 1) return null;
    plan[table] = [];
    for (const fk of schemas[table]['x-foreignKeys']) {
      const target = fk.reference.resource as TableName;
      const targetKey = schemas[target]?.['x-primaryKey'];
      if (fk.fields.length !== 1 || !targetKey || fk.reference.fields.length !== 1 || fk.reference.fields[0] !== targetKey[0]) return null;
      plan[table].push(target);
    }
  }
  return plan;
}

/** A sorted set (multiset, for references) of one prefix's keys; prefix null while it is empty. */
export interface KeySet {
  prefix: string | null;
  values: BigUint64Array;
}

/** A table's primary keys and, per foreign key, the values its rows refer to (empty values left out). */
export interface TableKeys {
  keys: KeySet;
  refs: KeySet[];
}

export type KeyIndex = Record<TableName, TableKeys>;

function keyList(prefix: string | null): KeyList {
  const list = new KeyList();
  list.prefix = prefix;
  return list;
}

function setOf(list: KeyList): KeySet | null {
  const values = list.sorted();
  return values && { prefix: list.prefix, values };
}

/** References compare as numbers only if they carry their target's prefix (an empty side has none). */
function prefixesAgree(index: KeyIndex, plan: KeyPlan): boolean {
  return TABLE_NAMES.every((table) =>
    plan[table].every((target, i) => {
      const [a, b] = [index[table].refs[i]!.prefix, index[target].keys.prefix];
      return a === null || b === null || a === b;
    }),
  );
}

/** The key index of whole tables, from every segment digest (a full check): null when a key is not exact. */
export class KeyIndexBuilder {
  private readonly lists: Record<TableName, { keys: KeyList; refs: KeyList[] }>;
  constructor(private readonly plan: KeyPlan) {
    this.lists = Object.fromEntries(TABLE_NAMES.map((t) => [t, { keys: keyList(null), refs: plan[t].map(() => keyList(null)) }])) as typeof this.lists;
  }
  add(table: TableName, digest: SegmentDigest): void {
    const lists = this.lists[table];
    lists.keys.addAll(digest.keys);
    lists.refs.forEach((list, i) => list.addAll(digest.refs[i]!));
  }
  finish(): KeyIndex | null {
    const index = {} as KeyIndex;
    for (const table of TABLE_NAMES) {
      const keys = setOf(this.lists[table].keys);
      const refs = this.lists[table].refs.map(setOf);
      if (!keys || refs.some((r) => r === null)) return null;
      index[table] = { keys, refs: refs as KeySet[] };
    }
    return prefixesAgree(index, this.plan) ? index : null;
  }
}

/** What changed in one table since the last (valid) run: the digests of its new segments and of those gone. */
export interface TableChange {
  added: readonly SegmentDigest[];
  removed: readonly SegmentDigest[];
}

const has = (set: BigUint64Array, value: bigint): boolean => countOf(set, value) > 0;

/**
 * Are this run's tables valid, given that the last run's were (`before`, their key index) and what
 * changed? `next` is this run's key index; `reason` says why the delta check cannot tell.
 */
export function checkChanges(plan: KeyPlan, before: KeyIndex, changes: Record<TableName, TableChange>): { next: KeyIndex } | { reason: string } {
  const next = {} as KeyIndex;
  const removedKeys = {} as Record<TableName, BigUint64Array>;
  for (const table of TABLE_NAMES) {
    const { added, removed } = changes[table];
    const was = before[table].keys;
    const fresh = keyList(was.prefix);
    const gone = keyList(was.prefix);
    for (const digest of added) fresh.addAll(digest.keys);
    for (const digest of removed) gone.addAll(digest.keys);
    const addedSet = setOf(fresh);
    const goneSet = gone.sorted();
    if (!addedSet || !goneSet) return { reason: `a ${table} key is not a prefix and 16 hex digits` };
    if (hasRepeat(addedSet.values)) return { reason: `a ${table} key repeats in the segments that changed` };
    for (const key of addedSet.values) if (countOf(was.values, key) > countOf(goneSet, key)) return { reason: `a ${table} key of a changed segment is also in one that did not change` };
    const values = replaceKeys(was.values, goneSet, addedSet.values);
    if (!values) return { reason: `the last run's ${table} keys do not match its segments` };
    next[table] = { keys: { prefix: addedSet.prefix, values }, refs: [] };
    removedKeys[table] = goneSet;
  }
  for (const table of TABLE_NAMES) {
    const { added, removed } = changes[table];
    for (const [i, target] of plan[table].entries()) {
      const was = before[table].refs[i]!;
      const fresh = keyList(was.prefix ?? next[target].keys.prefix);
      const gone = keyList(was.prefix);
      for (const digest of added) fresh.addAll(digest.refs[i]!);
      for (const digest of removed) gone.addAll(digest.refs[i]!);
      const addedSet = setOf(fresh);
      const goneSet = gone.sorted();
      if (!addedSet || !goneSet) return { reason: `a ${table} reference to ${target} is not a prefix and 16 hex digits` };
      const targetKeys = next[target].keys.values;
      for (const ref of addedSet.values) if (!has(targetKeys, ref)) return { reason: `a ${table} row of a changed segment refers to a ${target} key that is not there` };
      // A key gone from the target: no row that stayed may still refer to it.
      for (const key of removedKeys[target]) if (!has(targetKeys, key) && countOf(was.values, key) > countOf(goneSet, key)) return { reason: `an unchanged ${table} row refers to a ${target} key that is gone` };
      const values = replaceKeys(was.values, goneSet, addedSet.values);
      if (!values) return { reason: `the last run's ${table} references do not match its segments` };
      next[table].refs.push({ prefix: addedSet.prefix, values });
    }
  }
  return prefixesAgree(next, plan) ? { next } : { reason: 'a reference does not carry its target\'s key prefix' };
}

/** The index as one buffer and the layout to read it back (`KeyIndexLayout`, kept as JSON beside it). */
export interface KeyIndexLayout {
  tables: Record<string, { keys: { prefix: string | null; count: number }; refs: { prefix: string | null; count: number }[] }>;
}

export function serializeKeyIndex(index: KeyIndex): { layout: KeyIndexLayout; bytes: Buffer[] } {
  const layout: KeyIndexLayout = { tables: {} };
  const bytes: Buffer[] = [];
  const put = (set: KeySet) => {
    bytes.push(Buffer.from(set.values.buffer, set.values.byteOffset, set.values.byteLength));
    return { prefix: set.prefix, count: set.values.length };
  };
  for (const table of TABLE_NAMES) layout.tables[table] = { keys: put(index[table].keys), refs: index[table].refs.map(put) };
  return { layout, bytes };
}

/** The index back from its bytes and layout; null when they do not fit each other or the plan. */
export function deserializeKeyIndex(layout: KeyIndexLayout, bytes: Buffer, plan: KeyPlan): KeyIndex | null {
  let at = 0;
  const take = ({ prefix, count }: { prefix: string | null; count: number }): KeySet | null => {
    if (!Number.isInteger(count) || count < 0 || at + 8 * count > bytes.length) return null;
    const values = new BigUint64Array(count); // a copy: the file's buffer need not be 8-byte aligned
    new Uint8Array(values.buffer).set(bytes.subarray(at, at + 8 * count));
    at += 8 * count;
    return { prefix, values };
  };
  const index = {} as KeyIndex;
  for (const table of TABLE_NAMES) {
    const entry = layout.tables[table];
    if (!entry || entry.refs.length !== plan[table].length) return null;
    const keys = take(entry.keys);
    const refs = entry.refs.map(take);
    if (!keys || refs.some((r) => r === null)) return null;
    index[table] = { keys, refs: refs as KeySet[] };
  }
  return at === bytes.length ? index : null;
}
