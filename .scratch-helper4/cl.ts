import { readFileSync } from 'node:fs';
import { cleanDocument } from '../pipeline/lib/clean.js';
import { cleanToSource } from '../pipeline/lib/offsets.js';
for (const f of process.argv.slice(2)) {
  const text = readFileSync(f, 'utf8');
  const d = cleanDocument({ doc_id: 'x', source_file: f, format: 'text', text });
  console.log('=====', f, JSON.stringify(d.metadata), d.title_span, d.paragraphs.length, d.sentences.length);
  console.log(d.text.slice(0, 600));
  let bad = 0;
  for (const s of d.sentences) { const r = cleanToSource(d.segments, s.start, s.end)!; if (text.slice(r.start, r.end) !== d.text.slice(s.start, s.end)) bad++; }
  console.log('bad', bad);
  for (const s of d.sentences.slice(0, 8)) console.log('  S:', d.text.slice(s.start, s.end).slice(0, 100));
}
