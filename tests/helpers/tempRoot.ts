// vitest globalSetup: every temp folder the tests make (tempDir, mkdtemp under os.tmpdir()) goes
// under one folder for the run, removed when the run ends, instead of piling up in /tmp (thousands
// of folders after a few hundred runs). CC_KEEP_TEST_TMP=1 keeps it, to look at what a test wrote.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** tsx's transform cache, in os.tmpdir(): the run's folder links to the usual one, so tsx children and threads start warm. */
const TSX_CACHE = `tsx-${os.userInfo().uid}`;

export default function setup(): () => void {
  const usual = os.tmpdir();
  const root = fs.mkdtempSync(path.join(usual, 'cc-tests-'));
  fs.mkdirSync(path.join(usual, TSX_CACHE), { recursive: true, mode: 0o700 });
  fs.symlinkSync(path.join(usual, TSX_CACHE), path.join(root, TSX_CACHE));
  // Read by os.tmpdir() in the test workers (and the processes they start), which inherit it.
  process.env.TMPDIR = root;
  return () => {
    if (process.env.CC_KEEP_TEST_TMP) return void process.stderr.write(`test temp folders kept in ${root}\n`);
    try {
      // The link goes, not the cache it points to (rm does not follow links).
      fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    } catch (error) {
      // A process a test started may still be writing there: the run's result stands.
      process.stderr.write(`could not remove the test temp folder ${root}: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  };
}
