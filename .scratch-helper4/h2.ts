import { extractHtmlArticle } from '../pipeline/lib/html.js';
for (const n of [10, 1000, 20000]) {
  const html = '<p>' + 'Police arrested &amp; 15 people. '.repeat(n) + '</p>';
  const t = Date.now();
  const a = extractHtmlArticle(html);
  console.log(n, a.lines.length, a.lines[0]?.line.text.length, Date.now() - t);
}
