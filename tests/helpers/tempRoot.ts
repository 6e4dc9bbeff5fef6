// vitest globalSetup: every temp folder the tests make (tempDir, mkdtemp under os.tmpdir()) goes
// under one folder for the run, removed when the run ends, instead of piling up in /tmp (thousands
// of folders after a few hundred runs). CC_KEEP_TEST_TMP=1 keeps it, to look at what a test wrote.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-tests-'));
  // Read by os.tmpdir() in the test workers (and the processes they start), which inherit it.
  process.env.TMPDIR = root;
  return () => {
    if (process.env.CC_KEEP_TEST_TMP) process.stderr.write(`test temp folders kept in ${root}\n`);
    else fs.rmSync(root, { recursive: true, force: true });
  };
}
