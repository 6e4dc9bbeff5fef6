// emit's tables are published by a worker thread and this one, each taking the costliest table left
// (publishClaimedTables): the worker is the one the build starts while validate runs (startAhead),
// which publishes into a staging folder before validate is done; without it (emit alone), a new
// thread only when the costliest table has enough segments to encode to pay for starting it. Either
// way each table is published once and the dataset is the one a build from scratch publishes.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { StageDefinition } from '../pipeline/lib/stage.js';
import { STAGES } from '../pipeline/stages/index.js';
import { emitStage } from '../pipeline/stages/emit.js';
import { validateStage } from '../pipeline/stages/validate.js';
import { build, folderHashes, tempDir, writeGeneratedArticle } from './helpers/build.js';

const RULE = { meanRows: 4, minRows: 2, maxRows: 32 };
const PLACES = /emit: (\d+) of \d+ table segments to encode; (?:on (a worker thread that began while validate ran|a worker thread started while link ran|a worker thread): ([\w, ]+); )?on this thread: ([\w, ]+)\n/;
const TABLES = ['campaigns', 'claims', 'documents', 'figures'];

/** Where emit said each table was published. */
function places(logged: string): { toEncode: number; worker: string | undefined; byWorker: string[]; here: string[] } {
  const match = PLACES.exec(logged);
  expect(match, logged).not.toBeNull();
  const list = (text: string | undefined): string[] => (text && text !== 'none' ? text.split(', ') : []);
  return { toEncode: Number(match![1]), worker: match![2], byWorker: list(match![3]), here: list(match![4]) };
}

/**
 * The stages, validate holding back until the head start has begun publishing `table` (its file is
 * in the staging folder): then the worker has taken it whatever the machine's timing.
 */
function stagesWaitingFor(out: string, table: string): StageDefinition[] {
  const staged = path.join(out, `.dataset-ahead.tmp-${process.pid}`, `${table}.csv`);
  const waiting: StageDefinition = {
    ...validateStage,
    async run(context) {
      for (const started = Date.now(); !fs.existsSync(staged); ) {
        if (Date.now() - started > 60_000) throw new Error(`the head start never began ${table}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return validateStage.run(context);
    },
  };
  return STAGES.map((stage) => (stage === validateStage ? waiting : stage));
}

async function buildLogged(corpus: string, out: string, stages: StageDefinition[]): Promise<string> {
  const logged: string[] = [];
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((text) => (logged.push(String(text)), true));
  try {
    const result = await build(corpus, out, stages, { segmentRule: RULE, quiet: false });
    expect(result.ok, logged.join('')).toBe(true);
  } finally {
    stderr.mockRestore();
  }
  return logged.join('');
}

describe('emit\'s worker thread', () => {
  it('takes the costliest tables first, from the head start while validate runs, or on a new thread for many segments to encode', async () => {
    const corpus = tempDir('emit-worker-corpus');
    const write = (index: number) => writeGeneratedArticle(corpus, 3, index);
    for (let i = 0; i < 40; i++) write(i);
    const out = tempDir('emit-worker-out');
    // From scratch, the figures have the most rows and bytes to encode: the head start takes them first.
    const first = places(await buildLogged(corpus, out, stagesWaitingFor(out, 'figures')));
    expect(first.worker).toBe('a worker thread that began while validate ran');
    expect(first.byWorker[0]).toBe('figures');
    expect([...first.byWorker, ...first.here].sort()).toEqual(TABLES); // each table once
    expect(fs.readdirSync(out).filter((name) => name.includes('.tmp-'))).toEqual([]); // the staging folder is gone

    write(40);
    const second = places(await buildLogged(corpus, out, STAGES));
    expect(second.toEncode).toBeGreaterThan(0); // the added article's rows
    expect([...second.byWorker, ...second.here].sort()).toEqual(TABLES);

    // emit alone (no stage before it to start a thread ahead), from scratch (its stamp and segment
    // index gone): a new thread, for the many segments to encode (which of them it gets before this
    // thread has taken the rest depends on how soon it starts).
    fs.rmSync(path.join(out, 'dataset.stamp.json'));
    fs.rmSync(path.join(out, '.cache', 'emit-segments.json'));
    const alone = places(await buildLogged(corpus, out, [emitStage]));
    expect(alone.worker).toBe('a worker thread');

    const scratch = tempDir('emit-worker-scratch');
    expect((await build(corpus, scratch, STAGES, { segmentRule: RULE })).ok).toBe(true);
    expect(folderHashes(path.join(out, 'dataset'))).toEqual(folderHashes(path.join(scratch, 'dataset')));
  }, 180_000);

  it('throws away a head start when validate finds the tables unfit: nothing is published, no staging folder stays', async () => {
    const corpus = tempDir('emit-unfit-corpus');
    for (let i = 0; i < 12; i++) writeGeneratedArticle(corpus, 5, i);
    const out = tempDir('emit-unfit-out');
    expect((await build(corpus, out, STAGES, { segmentRule: RULE })).ok).toBe(true);
    const published = folderHashes(path.join(out, 'dataset'));
    writeGeneratedArticle(corpus, 5, 12);
    // validate (once the head start has begun) reports a problem; emit must not run, and the build
    // must end the head start and remove what it staged.
    const stages = stagesWaitingFor(out, 'figures').map((stage): StageDefinition =>
      stage.name === 'validate' ? { ...stage, run: async (context) => ({ ...(await stage.run(context)), ok: false, summary: 'INVALID: made so by the test' }) } : stage,
    );
    const result = await build(corpus, out, stages, { segmentRule: RULE });
    expect(result.ok).toBe(false);
    expect(result.failedStage).toBe('validate');
    expect(folderHashes(path.join(out, 'dataset'))).toEqual(published);
    expect(fs.readdirSync(out).filter((name) => name.includes('.tmp-'))).toEqual([]);
  }, 180_000);
});
