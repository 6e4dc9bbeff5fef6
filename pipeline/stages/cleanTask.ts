// clean's per-document work, in a module of its own: it loads the HTML parsers (Readability and
// linkedom, about a third of a second), which the worker threads need and the build's main thread
// does not. clean.ts imports it only to run documents in-process (CC_WORKERS=0); its code counts in
// clean's code hash through that import.
import { cleanDocument } from '../lib/clean.js';
import { jsonTask } from '../lib/perdoc.js';
import type { IngestedDoc } from '../lib/types.js';

/** One document's work, run on a worker thread (exported by name for the pool). */
export const cleanTask = jsonTask((doc: IngestedDoc) => cleanDocument({ doc_id: doc.doc_id, source_file: doc.source_file, format: doc.format, text: doc.text }));
