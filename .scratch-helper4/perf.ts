import { cleanDocument } from '../pipeline/lib/clean.js';
for (const [name, text] of [
  ['digits', '1'.repeat(1_000_000)],
  ['prose', 'Police arrested 15,000 people in Beijing on Monday. '.repeat(200_000)],
  ['lines', 'Share\nPolice arrested 15 people. By Jane\n'.repeat(100_000)],
  ['html', '<p>' + 'Police arrested &amp; 15 people. '.repeat(100_000) + '</p>'],
] as const) {
  const t = Date.now();
  const d = cleanDocument({ doc_id: 'x', source_file: 'x', format: name === 'html' ? 'html' : 'text', text });
  console.log(name, text.length, Date.now() - t, 'ms', d.sentences.length);
}
