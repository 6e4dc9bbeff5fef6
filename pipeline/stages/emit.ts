// Stage 6 — emit: the published dataset. Four tables as CSV and Parquet, datapackage.json, and the
// dataset card. Publishes only a dataset the validate stage found valid.
// Inputs: out/link (rows), out/validate (report), schemas/, DATASET_CARD.md (hand-written prose).
// Output: out/dataset/.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { CardStats, renderCardFromStats } from '../lib/card.js';
import { readJson } from '../lib/fsutil.js';
import { collectGarbageIfGrown } from '../lib/gcHint.js';
import { HashedFile } from '../lib/hashedFile.js';
import { readJsonlRecords } from '../lib/lineFile.js';
import { csvLines, dataPackage, ParquetColumns, SpillingByteWriter, type ResourceFile } from '../lib/publish.js';
import { loadSchemas, schemaFiles, TABLE_NAMES, type Row } from '../lib/schema.js';
import type { StageDefinition } from '../lib/stage.js';
import type { ValidationReport } from '../lib/validate.js';

/** CSV text is written in pieces of about this many characters. */
const CSV_FLUSH_CHARS = 1 << 20;

export const emitStage: StageDefinition = {
  name: 'emit',
  output: 'dataset',
  moduleUrl: import.meta.url,
  inputs: (config) => ({
    link: path.join(config.out, 'link'),
    validate: path.join(config.out, 'validate'),
    card: path.join(config.root, 'DATASET_CARD.md'),
  }),
  codeFiles: (config) => schemaFiles(config.root),
  async run(context) {
    // load
    const report = await readJson<ValidationReport>(path.join(context.inputs.validate!, 'report.json'));
    if (!report.valid) throw new Error('refusing to publish: out/validate/report.json lists problems');
    const schemas = loadSchemas(context.config.root);
    const packageJson = JSON.parse(fs.readFileSync(path.join(context.config.root, 'package.json'), 'utf8')) as { name: string; version: string; description: string; license: string };

    // process + save, one table at a time and one row at a time: a table is read once, its CSV
    // streamed to disk while hashed, its Parquet column arrays and the card's statistics filled;
    // then the Parquet file is written (spilled to disk while hashed) and the columns dropped.
    const files: ResourceFile[] = [];
    const stats = new CardStats();
    for (const table of TABLE_NAMES) {
      const schema = schemas[table];
      const csvFile = `${table}.csv`;
      const csv = new HashedFile(path.join(context.outDir, csvFile));
      const lines = csvLines(schema);
      const parquet = new ParquetColumns(schema);
      let text = lines.header;
      for (const row of readJsonlRecords<Row>(path.join(context.inputs.link!, `${table}.jsonl`))) {
        text += lines.line(row);
        parquet.add(row);
        stats.add(table, row);
        if (text.length >= CSV_FLUSH_CHARS) {
          csv.write(Buffer.from(text, 'utf8'));
          text = '';
        }
      }
      if (text) csv.write(Buffer.from(text, 'utf8'));
      files.push({ table, path: csvFile, format: 'csv', ...csv.close(), rows: parquet.rows });

      const parquetFile = `${table}.parquet`;
      const out = new HashedFile(path.join(context.outDir, parquetFile));
      parquet.write(new SpillingByteWriter((bytes) => out.write(bytes)));
      files.push({ table, path: parquetFile, format: 'parquet', ...out.close(), rows: parquet.rows });
      collectGarbageIfGrown();
    }
    const pkg = dataPackage(schemas, files, {
      name: packageJson.name,
      version: packageJson.version,
      title: 'Cybercrime crackdowns: enforcement figures from news reports',
      description: packageJson.description,
      license: 'CC-BY-4.0',
    });
    await fsp.writeFile(path.join(context.outDir, 'datapackage.json'), JSON.stringify(pkg, null, 2) + '\n');
    const prose = fs.existsSync(context.inputs.card!) ? await fsp.readFile(context.inputs.card!, 'utf8') : '';
    await fsp.writeFile(path.join(context.outDir, 'DATASET_CARD.md'), renderCardFromStats(prose, { schemas, stats, version: packageJson.version }));
    const rows = TABLE_NAMES.map((t) => `${stats.rows[t]} ${t}`).join(', ');
    return { ok: true, summary: `published ${rows} (CSV + Parquet)` };
  },
};
