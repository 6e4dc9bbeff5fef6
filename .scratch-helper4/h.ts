import { readFileSync } from 'node:fs';
import { cleanDocument } from '../pipeline/lib/clean.js';
const text = readFileSync('tests/fixtures/html-article-page.html', 'utf8');
const d = cleanDocument({ doc_id: 'x', source_file: 'x.html', format: 'html', text });
console.log(d.text); console.log(JSON.stringify(d.metadata), d.title_span, d.dropped);
