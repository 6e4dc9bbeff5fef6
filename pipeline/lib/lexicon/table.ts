// Lexicon tables are looked up by words read from the documents. A plain object literal answers a
// lookup of "constructor" or "toString" (both occur in news text) with Object.prototype's function,
// which then passes for a number, a month or a name: an article naming a construction firm's
// "Constructor" failed extraction and was lost. These tables have no prototype: such a word finds
// nothing, as every other unknown word does.

/** A lookup table by text with no prototype (frozen: lexicons are constants). */
export function wordTable<T>(entries: Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

/** A lexicon whose object-valued fields (its tables; not its lists) are wordTables. */
export function withWordTables<L extends object>(lexicon: L): L {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(lexicon)) {
    out[key] = value !== null && typeof value === 'object' && !Array.isArray(value) ? wordTable(value as Record<string, unknown>) : value;
  }
  return out as L;
}
