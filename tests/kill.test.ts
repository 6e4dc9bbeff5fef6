// Crash safety (issue #8): SIGKILL the build at seeded random moments. After every kill out/dataset is
// absent (nothing published yet, or killed between the two renames of a publish, in which case the
// backup is complete) or complete and byte-identical to a clean build; never partial. The next build
// recovers, removes the killed runs' temp folders, and produces exactly the clean build's bytes.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SEEDS, folderHashes, tempDir } from './helpers/build.js';
import { mulberry32 } from '../bench/generate.js';

const KILLS = 20;
const SEED = 0x5eed_0008;
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

const seeds = tempDir('kill-seeds');
const referenceOut = tempDir('kill-reference');
const out = tempDir('kill-out');
let reference: Record<string, string>;
let buildMs: number;


/**
 * Runs the CLI; with killAfterMs, SIGKILLs its whole process group then (tsx runs the build in a
 * child process, so killing tsx alone would leave the build running). Resolves when every process
 * of the group is gone.
 */
function runBuild(outDir: string, killAfterMs?: number): Promise<{ code: number | null; killed: boolean; ms: number }> {
  const started = performance.now();
  const child = spawn(TSX, ['pipeline/build.ts', '--quiet', '--seeds', seeds, '--out', outDir], { cwd: ROOT, detached: true, stdio: 'ignore' });
  let killed = false;
  const timer =
    killAfterMs === undefined
      ? null
      : setTimeout(() => {
          killed = true;
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            /* already finished */
          }
        }, killAfterMs);
  return new Promise((resolve) => {
    child.on('exit', async (code) => {
      if (timer) clearTimeout(timer);
      // The group's other members die with it; wait until none is left writing.
      for (let i = 0; i < 200 && groupAlive(child.pid!); i++) await new Promise((r) => setTimeout(r, 10));
      resolve({ code, killed, ms: performance.now() - started });
    });
  });
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every table datapackage.json lists is present with the bytes and sha256 it records: nothing half-written. */
function expectSelfConsistent(dataset: string, label: string): void {
  const pkg = JSON.parse(fs.readFileSync(path.join(dataset, 'datapackage.json'), 'utf8')) as { resources: { path: string; bytes: number; hash?: string }[] };
  const hashes = folderHashes(dataset);
  for (const resource of pkg.resources) {
    expect(fs.statSync(path.join(dataset, resource.path)).size, `${label}: ${resource.path}`).toBe(resource.bytes);
    if (resource.hash) expect(resource.hash.replace(/^sha256:/, ''), `${label}: ${resource.path}`).toBe(hashes[resource.path]);
  }
}

/** Forces every stage to rebuild and republish, as a code change would. */
function dropStamps(outDir: string): void {
  for (const name of fs.readdirSync(outDir)) if (name.endsWith('.stamp.json')) fs.rmSync(path.join(outDir, name));
}

beforeAll(async () => {
  for (const name of fs.readdirSync(SEEDS)) fs.copyFileSync(path.join(SEEDS, name), path.join(seeds, name));
  for (let i = 0; i < 6; i++) {
    fs.writeFileSync(
      path.join(seeds, `generated-${i}.txt`),
      `Police arrest ${100 + i} suspects in telecom fraud crackdown\n\nBEIJING, May ${i + 1} -- Police in Zhejiang province arrested ${100 + i} suspects and froze ${i + 2} million yuan in a crackdown on telecom fraud, the Ministry of Public Security said.\n`,
    );
  }
  const clean = await runBuild(referenceOut);
  expect(clean.code).toBe(0);
  buildMs = clean.ms;
  reference = folderHashes(path.join(referenceOut, 'dataset'));
}, 120_000);

afterAll(() => {
  for (const dir of [seeds, referenceOut, out]) fs.rmSync(dir, { recursive: true, force: true });
});

describe('SIGKILL at random moments', () => {
  it(`never leaves a partial out/dataset (${KILLS} kills), and the next build is byte-identical to a clean one`, async () => {
    const random = mulberry32(SEED) /* seeded, so a failing kill schedule can be replayed */;
    let publishedOnce = false;
    const outcomes: string[] = [];
    for (let k = 0; k < KILLS; k++) {
      dropStamps(out);
      const delay = Math.round(random() * buildMs);
      const run = await runBuild(out, delay);
      // A run that beat its kill tells us how long a build really takes now (the first, cold one is slower).
      if (!run.killed) buildMs = Math.min(buildMs, run.ms);
      outcomes.push(`${delay}ms:${run.killed ? 'killed' : `exit ${run.code}`}`);
      if (!run.killed) expect(run.code, `run ${k} finished without the kill`).toBe(0);

      const dataset = path.join(out, 'dataset');
      const backup = path.join(out, '.dataset.previous');
      if (fs.existsSync(dataset)) {
        expectSelfConsistent(dataset, `after kill ${k} at ${delay} ms`);
        expect(folderHashes(dataset), `after kill ${k} at ${delay} ms`).toEqual(reference);
        publishedOnce = true;
      } else if (publishedOnce) {
        // Killed between "dataset -> backup" and "staged -> dataset": the backup is whole and recoverable.
        expect(fs.existsSync(backup), `after kill ${k} at ${delay} ms: dataset gone without a backup`).toBe(true);
        expect(folderHashes(backup)).toEqual(reference);
      }
    }
    console.log(`kill schedule (build takes ~${Math.round(buildMs)} ms): ${outcomes.join(', ')}`);
    expect(outcomes.filter((o) => o.endsWith('killed')).length).toBeGreaterThanOrEqual(KILLS / 2);

    // Recovery: the next build (stamps as the kills left them) ends exactly like a clean build.
    const final = await runBuild(out);
    expect(final.code).toBe(0);
    expect(folderHashes(path.join(out, 'dataset'))).toEqual(reference);
    const leftovers = fs.readdirSync(out).filter((name) => /\.tmp-\d+$|\.previous$|\.displaced$/.test(name));
    expect(leftovers, 'temp folders and backups of killed runs are cleaned up').toEqual([]);
  }, 240_000);
});
