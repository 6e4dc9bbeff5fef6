// The per-document stages' worker threads start while ingest runs, when ingest has something new for
// them, and not at all in a build where nothing changed.
import { describe, expect, it, vi } from 'vitest';
import { STAGES } from '../pipeline/stages/index.js';
import { build, seedCorpus, tempDir } from './helpers/build.js';

const warmed = vi.hoisted(() => [] as string[][]);
vi.mock('../pipeline/lib/perdoc.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../pipeline/lib/perdoc.js')>();
  return { ...original, warmDocumentWorkers: (urls: readonly string[]) => (warmed.push([...urls]), original.warmDocumentWorkers(urls)) };
});

describe('warming the per-document workers', () => {
  it('loads the stages after ingest on the workers when ingest runs, and never in a build with nothing new', async () => {
    const corpus = seedCorpus('warm-corpus', 2);
    const out = tempDir('warm-out');
    expect((await build(corpus, out)).ok).toBe(true);
    const perDocument = STAGES.filter((s) => s.usesWorkers).map((s) => s.workerModuleUrl ?? s.moduleUrl);
    expect(perDocument.length).toBeGreaterThan(0);
    expect(warmed).toEqual([perDocument]); // once, while ingest ran; later stages warm nothing
    warmed.length = 0;
    expect((await build(corpus, out)).ok).toBe(true);
    expect(warmed).toEqual([]);
  }, 120_000);
});
