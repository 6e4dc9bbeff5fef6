// publishClaimedTables: emit's threads share one list of tables, each taking the next one neither
// has claimed (a flag per table in shared memory), so every table is published exactly once, by
// whichever thread got to it, with the same bytes either way.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TABLE_NAMES } from '../pipeline/lib/schema.js';
import { publishClaimedTables, publishTable, sharedTables, type PublishTableInput } from '../pipeline/lib/tablePublisher.js';
import { build, folderHashes, ROOT, seedCorpus, tempDir } from './helpers/build.js';

describe('publishClaimedTables', () => {
  it('publishes each table nobody claimed, once, in list order, as publishTable does', async () => {
    const out = tempDir('claims-out');
    expect((await build(seedCorpus('claims-corpus', 3), out)).ok).toBe(true);
    const jobs = (outDir: string): PublishTableInput[] => TABLE_NAMES.map((table) => ({ table, linkDir: path.join(out, 'link'), outDir, root: ROOT, previous: null }));

    const shared = tempDir('claims-shared');
    const tables = sharedTables(jobs(shared));
    new Int32Array(tables.claims)[1] = 1; // another thread has taken the second table
    const first = publishClaimedTables(tables);
    expect(first.map(([i]) => i)).toEqual([0, 2, 3]);
    expect(publishClaimedTables(tables)).toEqual([]); // all claimed now: a second taker gets none
    expect(fs.readdirSync(shared).sort()).toEqual(TABLE_NAMES.filter((_, i) => i !== 1).flatMap((t) => [`${t}.csv`, `${t}.parquet`]).sort());

    const alone = tempDir('claims-alone');
    const published = jobs(alone).map((job) => publishTable(job));
    for (const [i, table] of first) expect(table).toEqual({ ...published[i]!, segments: { ...published[i]!.segments, files: table.segments.files } });
    const hashes = folderHashes(alone);
    for (const [name, hash] of Object.entries(folderHashes(shared))) expect(hash).toBe(hashes[name]);
  }, 60_000);
});
