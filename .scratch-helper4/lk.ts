import { parseHTML } from 'linkedom';
const { document } = parseHTML('<html><body><p>a &amp; b\r\nc&nbsp;d &#8220;x&#8221; &bogus; &amp</p><script>var x="<p>";</script><noscript><p>ns</p></noscript><template><p>tp</p></template></body></html>');
const walk = (n: any, depth = 0): void => { for (const c of n.childNodes) { if (c.nodeType === 3) console.log(depth, c.parentNode.tagName, JSON.stringify(c.data)); else walk(c, depth + 1); } };
walk(document);
