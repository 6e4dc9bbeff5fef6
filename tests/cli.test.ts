// The command surface: exit codes and one-line messages with hints.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, SEEDS, tempDir } from './helpers/build.js';

const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
function buildCli(...args: string[]) {
  return spawnSync(TSX, [path.join(ROOT, 'pipeline/build.ts'), ...args], { encoding: 'utf8', cwd: ROOT });
}

describe('pipeline/build.ts', () => {
  it('builds, printing one line per stage', () => {
    const out = tempDir('cli');
    const run = buildCli('--seeds', SEEDS, '--out', out);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0])).toEqual(['ingest', 'clean', 'extract', 'link', 'validate', 'emit']);
    const again = buildCli('--seeds', SEEDS, '--out', out);
    expect(again.stdout.trim().split('\n').every((l) => l.includes('up to date'))).toBe(true);
  }, 60_000);

  it('goes on building when its reader goes away (make dataset | head -1)', () => {
    const out = tempDir('cli-pipe');
    const run = spawnSync('bash', ['-c', `"${TSX}" pipeline/build.ts --seeds "${SEEDS}" --out "${out}" | head -1; exit \${PIPESTATUS[0]}`], { encoding: 'utf8', cwd: ROOT });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/EPIPE/);
    expect(fs.existsSync(path.join(out, 'dataset', 'figures.csv'))).toBe(true);
  }, 60_000);

  it('rejects a missing input folder with exit 2 and a hint', () => {
    const run = buildCli('--seeds', '/nonexistent/articles');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^build: input folder '\/nonexistent\/articles' does not exist\n  hint: /);
  });

  it('rejects unknown arguments and an OUT inside SEEDS', () => {
    expect(buildCli('--frobnicate').status).toBe(2);
    const seeds = tempDir('cli-seeds');
    fs.copyFileSync(path.join(SEEDS, fs.readdirSync(SEEDS)[0]!), path.join(seeds, 'a.txt'));
    const run = buildCli('--seeds', seeds, '--out', path.join(seeds, 'out'));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/inside the input folder/);
  });
});
