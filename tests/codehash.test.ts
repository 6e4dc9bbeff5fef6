// A stage's code hash covers the code its documents run through, also when that code is loaded only
// by the worker threads (clean's task module, imported here only for in-process runs): a change to
// it reruns the stage.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { localModuleClosure } from '../pipeline/lib/codehash.js';
import { STAGES } from '../pipeline/stages/index.js';
import { ROOT } from './helpers/build.js';

const closureOf = (moduleUrl: string) => localModuleClosure(fileURLToPath(moduleUrl)).map((file) => path.relative(ROOT, file).split(path.sep).join('/'));

describe('code hash closure', () => {
  it('holds each stage\'s worker module and everything it imports', () => {
    for (const stage of STAGES.filter((s) => s.workerModuleUrl)) {
      const own = closureOf(stage.moduleUrl);
      for (const file of closureOf(stage.workerModuleUrl!)) expect(own, `${stage.name}: ${file}`).toContain(file);
    }
    expect(closureOf(STAGES.find((s) => s.name === 'clean')!.moduleUrl)).toContain('pipeline/lib/html.ts');
  });

  it("extract's holds finding campaign mentions, not linking them: a change to linking does not extract every document again", () => {
    const closure = (name: string) => closureOf(STAGES.find((s) => s.name === name)!.moduleUrl);
    expect(closure('extract')).toContain('pipeline/lib/campaigns.ts');
    expect(closure('extract')).not.toContain('pipeline/lib/campaignLinking.ts');
    expect(closure('link')).toContain('pipeline/lib/campaignLinking.ts');
  });
});
