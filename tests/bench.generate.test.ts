// The benchmark corpus must be reproducible: same seed and index -> same bytes, on any machine,
// whatever else was generated before. A different seed or revision gives a different article.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateArticle, mulberry32 } from '../bench/generate.js';
import { benchFailures, medianRun, parseStages } from '../bench/run.js';

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

describe('bench corpus generator', () => {
  it('mulberry32 is a fixed sequence for a seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(mulberry32(43)()).not.toBe(first[0]);
  });

  it('gives the same bytes for the same seed and index, independent of call order', () => {
    const forward = [0, 1, 2, 999, 1000, 54321].map((i) => generateArticle(7, i));
    const backward = [54321, 1000, 999, 2, 1, 0].map((i) => generateArticle(7, i)).reverse();
    expect(backward).toEqual(forward);
    expect(forward.map((a) => a.relPath.split('/')[0])).toEqual(['000', '000', '000', '000', '001', '054']);
  });

  it('changes with the seed and with the revision (an edited article)', () => {
    const base = generateArticle(7, 12);
    expect(generateArticle(8, 12).content).not.toBe(base.content);
    const edited = generateArticle(7, 12, 1);
    expect(edited.content).not.toBe(base.content);
    expect(digest(generateArticle(7, 12, 1).content)).toBe(digest(edited.content));
  });

  it('mixes outlet styles, HTML pages and many number forms over a sample', () => {
    const sample = Array.from({ length: 400 }, (_, i) => generateArticle(7, i));
    const styles = new Set(sample.map((a) => /-([a-z]+)\./.exec(a.relPath)![1]));
    expect([...styles].sort()).toEqual(['blog', 'brief', 'captions', 'state', 'statement', 'wire']);
    const html = sample.filter((a) => a.relPath.endsWith('.html'));
    expect(html.length).toBeGreaterThan(20);
    expect(html.length).toBeLessThan(70);
    expect(html.every((a) => a.content.includes('<nav>') && a.content.includes('<footer>'))).toBe(true);
    const text = sample.map((a) => a.content).join('\n');
    for (const form of [/\d{1,3}(,\d{3})+/, / million\b/, /\b(twenty|thirty|forty|fifty)(-\w+)? /, /\b(more than|nearly|at least) /, / yuan\b/, /Guangdong|Zhejiang|Fujian/]) expect(text).toMatch(form);
  });
});

describe('bench stage-line parser', () => {
  it('reads timed and up-to-date stage lines', () => {
    const stages = parseStages('ingest    1.49s      2000 files in\nclean     up to date 2000 documents in\nnoise\n');
    expect(stages).toEqual([
      { name: 'ingest', seconds: 1.49, summary: '2000 files in' },
      { name: 'clean', seconds: null, summary: '2000 documents in' },
    ]);
  });
});

describe('benchFailures', () => {
  const ok = { status: 0, stderr: '' };
  it('is empty when every build passed and the incremental output is identical or not checked', () => {
    expect(benchFailures([['full build', ok], ['no-change rebuild', ok]], 'byte-identical (dataset and every per-stage output)')).toEqual([]);
    expect(benchFailures([['full build', ok]], 'not checked (N > 20000; pass --verify)')).toEqual([]);
  });
  it("names a failed build with the build's own one-line reason, and an incremental output that differs", () => {
    const stale = { status: 2, stderr: 'build: dist/ is older than pipeline/lib/linkRows.ts: run make dataset\n' };
    expect(benchFailures([['full build', ok], ['incremental (1 article added)', stale]], 'DIFFERENT: dataset/figures.csv')).toEqual([
      'incremental (1 article added): exit 2: build: dist/ is older than pipeline/lib/linkRows.ts: run make dataset',
      'the incremental build differs from a build from scratch',
    ]);
  });
});

describe('medianRun', () => {
  it('gives the run of median wall time, whatever the order', () => {
    const runs = [{ seconds: 5.9, id: 'a' }, { seconds: 4.1, id: 'b' }, { seconds: 5.0, id: 'c' }];
    expect(medianRun(runs).id).toBe('c');
    expect(medianRun([runs[1]!]).id).toBe('b');
    expect(medianRun([...runs, { seconds: 9, id: 'd' }, { seconds: 1, id: 'e' }]).id).toBe('c');
    expect(() => medianRun([])).toThrow(/no runs/);
  });
});
