// Sharded per-document outputs (lib/shards.ts): documents spread over shards by source_file, a shard
// taken over from the last run only when its inputs are unchanged and its file is as recorded, and
// mapDocumentShards' counts and failures for shards built and taken over.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonTask, mapDocumentShards, readLazyRecords } from '../pipeline/lib/perdoc.js';
import { DOCUMENT_SHARDS, PreviousShards, readShardManifest, shardOf, shardPath, writeShardManifest, type ShardEntry } from '../pipeline/lib/shards.js';
import { sha256OfFile } from '../pipeline/lib/hashedFile.js';
import type { StageContext } from '../pipeline/lib/stage.js';
import { tempDir } from './helpers/build.js';

function context(outDir: string, previousDir: string | null = null): StageContext {
  return {
    config: { root: '.', seeds: '.', out: outDir },
    inputs: {},
    outDir,
    previous: previousDir ? { dir: previousDir, codeHash: 'test' } : null,
    codeHash: 'test',
    log: () => {},
    progress: () => {},
  };
}

/** A fake ingest folder: one record per name, in shards, with a manifest whose inputs are the names. */
async function writeInput(dir: string, names: string[], text: (name: string) => string = (name) => `text of ${name}`): Promise<void> {
  const byShard = new Map<string, string[]>();
  for (const name of [...names].sort()) byShard.set(shardOf(name), [...(byShard.get(shardOf(name)) ?? []), name]);
  const entries = new Map<string, ShardEntry>();
  for (const [shard, members] of byShard) {
    const file = shardPath(dir, shard);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, members.map((name) => JSON.stringify({ doc_id: `doc_${name}`, source_file: name, text: text(name) }) + '\n').join(''));
    entries.set(shard, { sha256: sha256OfFile(file), bytes: fs.statSync(file).size, documents: members.length, inputs: members.join(' '), failures: [] });
  }
  await writeShardManifest(dir, entries);
}

let processed: string[] = [];
const upperCase = jsonTask((doc: { doc_id: string; source_file: string; text: string }) => {
  processed.push(doc.source_file);
  if (doc.text.includes('poison')) throw new Error(`cannot read ${doc.source_file}`);
  return { doc_id: doc.doc_id, source_file: doc.source_file, text: doc.text.toUpperCase() };
});

async function run(input: string, out: string, previous: string | null) {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  processed = [];
  return mapDocumentShards(context(out, previous), {
    inputs: [input],
    records: ([file]) => (file ? readLazyRecords(file) : []),
    task: upperCase,
    worker: { moduleUrl: import.meta.url, exportName: 'unused' },
  });
}

const names = Array.from({ length: 200 }, (_, i) => `${String(i % 7).padStart(3, '0')}/article-${i}.txt`);

describe('shardOf', () => {
  it('spreads names over the shards and never depends on anything but the name', () => {
    const shards = new Set(names.map(shardOf));
    expect(shards.size).toBeGreaterThan(DOCUMENT_SHARDS / 2);
    for (const shard of shards) expect(shard).toMatch(/^[0-9a-f]{2}$/);
    // Pinned: a change of rule moves every document, so it must be deliberate (and SHARD_RULE change with it).
    expect(['a.txt', '000/000001-wire.txt', 'é/中文.html'].map(shardOf)).toEqual(['3a', '09', '09']); // FNV-1a, checked with Python
  });

  it('hashes the UTF-8 bytes of any name, ASCII or not (its fast path for ASCII names agrees)', () => {
    const byBytes = (name: string): string => {
      let hash = 0x811c9dc5;
      for (const byte of Buffer.from(name, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193);
      return ((hash >>> 0) % DOCUMENT_SHARDS).toString(16).padStart(2, '0');
    };
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (name) => shardOf(name) === byBytes(name)), { numRuns: 2000 });
    fc.assert(fc.property(fc.string(), fc.string({ unit: 'grapheme' }), (ascii, rest) => shardOf(ascii + rest) === byBytes(ascii + rest)), { numRuns: 2000 });
  });
});

describe('mapDocumentShards', () => {
  it('builds every shard the first time, then only the shards whose input changed, with the same output as a build from scratch', async () => {
    const saved = process.env.CC_WORKERS;
    process.env.CC_WORKERS = '0';
    try {
      const input = tempDir('shards-in');
      await writeInput(input, names, (name) => (name.endsWith('-13.txt') ? 'poison' : `text of ${name}`));
      const first = tempDir('shards-first');
      const built = await run(input, first, null);
      expect(built.counts).toMatchObject({ in: 200, out: 199, failed: 1, reused: 0 });
      expect(processed.length).toBe(200);

      // One document added: only its shard is read; the others are taken over (same file, a link),
      // and the failure of a shard taken over is still reported.
      const added = '006/article-new.txt';
      await writeInput(input, [...names, added], (name) => (name.endsWith('-13.txt') ? 'poison' : `text of ${name}`));
      const second = tempDir('shards-second');
      const again = await run(input, second, first);
      expect(processed).toEqual([added]);
      expect(again.counts).toMatchObject({ in: 201, out: 200, failed: 1 });
      const poisoned = names.find((n) => n.endsWith('-13.txt'))!;
      expect(JSON.parse(fs.readFileSync(path.join(second, 'failures.json'), 'utf8'))).toEqual([{ source_file: poisoned, doc_id: `doc_${poisoned}`, reason: `cannot read ${poisoned}` }]);
      const untouched = shardOf(names.find((n) => shardOf(n) !== shardOf(added))!);
      expect(fs.statSync(shardPath(second, untouched)).ino).toBe(fs.statSync(shardPath(first, untouched)).ino);

      const scratch = tempDir('shards-scratch');
      const fromScratch = await run(input, scratch, null);
      expect(fromScratch.knownHashes).toEqual(again.knownHashes);
      for (const file of ['shards.json', 'failures.json', ...Object.keys(again.knownHashes)]) {
        expect(fs.readFileSync(path.join(second, file), 'utf8'), file).toBe(fs.readFileSync(path.join(scratch, file), 'utf8'));
      }
      for (const [file, hash] of Object.entries(again.knownHashes)) expect(sha256OfFile(path.join(second, file))).toBe(hash);
    } finally {
      if (saved === undefined) delete process.env.CC_WORKERS;
      else process.env.CC_WORKERS = saved;
    }
  });
});

describe('PreviousShards.reuse', () => {
  async function lastRun(): Promise<{ dir: string; shard: string; inputs: string }> {
    const dir = tempDir('shards-last');
    const shard = shardOf('a.txt');
    const file = shardPath(dir, shard);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"doc_id":"doc_a","source_file":"a.txt"}\n');
    await writeShardManifest(dir, new Map([[shard, { sha256: sha256OfFile(file), bytes: fs.statSync(file).size, documents: 1, inputs: 'in-1', failures: [] }]]));
    return { dir, shard, inputs: 'in-1' };
  }

  it('takes a shard over when its inputs are the recorded ones', async () => {
    const { dir, shard, inputs } = await lastRun();
    const out = tempDir('shards-out');
    const previous = (await PreviousShards.open(context(out, dir)))!;
    expect(previous.reuse(shard, 'in-2', out)).toBeNull();
    expect(fs.existsSync(shardPath(out, shard))).toBe(false);
    expect(previous.reuse(shard, inputs, out)).toMatchObject({ documents: 1, inputs });
    expect(fs.readFileSync(shardPath(out, shard), 'utf8')).toBe(fs.readFileSync(shardPath(dir, shard), 'utf8'));
  });

  it('does not take over a shard edited after the last run, even one that kept its size', async () => {
    const { dir, shard, inputs } = await lastRun();
    const file = shardPath(dir, shard);
    const later = new Date(fs.statSync(path.join(dir, 'shards.json')).mtimeMs + 5000);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('doc_a', 'doc_b'));
    fs.utimesSync(file, later, later);
    const out = tempDir('shards-edited');
    expect((await PreviousShards.open(context(out, dir)))!.reuse(shard, inputs, out)).toBeNull();
  });

  it('does not take over a shard whose size changed, or one written by another code', async () => {
    const { dir, shard, inputs } = await lastRun();
    const file = shardPath(dir, shard);
    const { mtime } = fs.statSync(file);
    fs.appendFileSync(file, '\n');
    fs.utimesSync(file, mtime, mtime);
    const out = tempDir('shards-size');
    expect((await PreviousShards.open(context(out, dir)))!.reuse(shard, inputs, out)).toBeNull();
    expect(await PreviousShards.open({ ...context(out, dir), codeHash: 'other' })).toBeNull();
  });

  it('names the file and says what to do when a manifest is damaged', async () => {
    const { dir } = await lastRun();
    fs.writeFileSync(path.join(dir, 'shards.json'), '{"rule": "x", "shards": {');
    await expect(readShardManifest(dir)).rejects.toThrow(/shards\.json: cannot read the shard manifest .*; rebuild that stage$/);
  });
});
