// Stage 6 — emit: the published dataset. Four tables as CSV and Parquet, datapackage.json, and the
// dataset card. Publishes only a dataset the validate stage found valid.
// Inputs: out/link (rows), out/validate (report), schemas/, DATASET_CARD.md (hand-written prose).
// Output: out/dataset/.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { renderCard } from '../lib/card.js';
import { readJson, readJsonlAll } from '../lib/fsutil.js';
import { sha256Hex } from '../lib/hash.js';
import { dataPackage, tableToCsv, tableToParquet, type ResourceFile } from '../lib/publish.js';
import { loadSchemas, schemaFiles, TABLE_NAMES, type Row, type TableName } from '../lib/schema.js';
import type { StageDefinition } from '../lib/stage.js';
import type { ValidationReport } from '../lib/validate.js';

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
    const tables = {} as Record<TableName, Row[]>;
    for (const table of TABLE_NAMES) tables[table] = await readJsonlAll<Row>(path.join(context.inputs.link!, `${table}.jsonl`));
    const packageJson = JSON.parse(fs.readFileSync(path.join(context.config.root, 'package.json'), 'utf8')) as { name: string; version: string; description: string; license: string };

    // process + save
    const files: ResourceFile[] = [];
    for (const table of TABLE_NAMES) {
      const csv = Buffer.from(tableToCsv(tables[table], schemas[table]), 'utf8');
      const parquet = tableToParquet(tables[table], schemas[table]);
      for (const [format, bytes] of [['csv', csv], ['parquet', parquet]] as const) {
        const file = `${table}.${format}`;
        await fsp.writeFile(path.join(context.outDir, file), bytes);
        files.push({ table, path: file, format, bytes: bytes.length, sha256: sha256Hex(bytes), rows: tables[table].length });
      }
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
    await fsp.writeFile(path.join(context.outDir, 'DATASET_CARD.md'), renderCard(prose, { schemas, tables, version: packageJson.version }));
    const rows = TABLE_NAMES.map((t) => `${tables[t].length} ${t}`).join(', ');
    return { ok: true, summary: `published ${rows} (CSV + Parquet)` };
  },
};
