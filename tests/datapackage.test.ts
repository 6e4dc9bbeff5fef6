// datapackage.json against the Frictionless v1 tabular-data-package profile (vendored under
// schemas/vendor/), plus the promises the descriptor makes about the files beside it.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../pipeline/lib/hash.js';
import { columnsOf, loadSchemas, TABLE_NAMES } from '../pipeline/lib/schema.js';
import { ROOT, SEEDS, build, tempDir } from './helpers/build.js';

const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;
const PROFILE = path.join(ROOT, 'schemas/vendor/tabular-data-package.json');

interface Resource {
  name: string;
  path: string;
  profile: string;
  format: string;
  bytes: number;
  hash: string;
  schema: { fields: { name: string; type: string }[]; primaryKey: string[]; foreignKeys?: { fields: string[]; reference: { resource: string; fields: string[] } }[] };
}

function profileValidator(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(fs.readFileSync(PROFILE, 'utf8')));
}

const out = tempDir('datapackage');
const dataset = path.join(out, 'dataset');
let descriptor: { resources: Resource[] } & Record<string, unknown>;
let validate: ValidateFunction;

beforeAll(async () => {
  const result = await build(SEEDS, out);
  expect(result.ok).toBe(true);
  descriptor = JSON.parse(fs.readFileSync(path.join(dataset, 'datapackage.json'), 'utf8'));
  validate = profileValidator();
}, 120_000);

describe('datapackage.json', () => {
  it('is valid against the tabular-data-package profile', () => {
    const valid = validate(descriptor);
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 5), null, 1)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the vendored profile rejects what v1 forbids (so the check above can fail)', () => {
    const clone = () => JSON.parse(JSON.stringify(descriptor)) as typeof descriptor;
    const parquetWithoutSchema = clone();
    const parquet = parquetWithoutSchema.resources.find((r) => r.format === 'parquet')! as Partial<Resource>;
    delete parquet.schema;
    parquet.profile = 'data-resource';
    expect(validate(parquetWithoutSchema)).toBe(false);

    const emptyForeignKeys = clone();
    emptyForeignKeys.resources[0]!.schema.foreignKeys = [];
    expect(validate(emptyForeignKeys)).toBe(false);

    const upperCaseName = clone();
    upperCaseName.name = 'Cybercrime Crackdowns';
    expect(validate(upperCaseName)).toBe(false);

    const unknownFieldType = clone();
    unknownFieldType.resources[0]!.schema.fields[0]!.type = 'text';
    expect(validate(unknownFieldType)).toBe(false);

    const noProfile = clone();
    delete noProfile.profile;
    expect(validate(noProfile)).toBe(false);
  });

  it('lists every published table as CSV and Parquet, with true sizes and sha256 hashes', () => {
    expect(descriptor.resources.map((r) => r.path).sort()).toEqual(TABLE_NAMES.flatMap((t) => [`${t}.csv`, `${t}.parquet`]).sort());
    for (const resource of descriptor.resources) {
      const bytes = fs.readFileSync(path.join(dataset, resource.path));
      expect(resource.bytes, resource.path).toBe(bytes.length);
      expect(resource.hash, resource.path).toBe(`sha256:${sha256Hex(bytes)}`);
    }
  });

  it('gives each resource the schema columns in order, and keys that name real fields and resources', () => {
    const schemas = loadSchemas(ROOT);
    const byName = new Map(descriptor.resources.map((r) => [r.name, r]));
    for (const resource of descriptor.resources) {
      const table = resource.path.replace(/\.(csv|parquet)$/, '') as (typeof TABLE_NAMES)[number];
      const fieldNames = resource.schema.fields.map((f) => f.name);
      expect(fieldNames).toEqual(columnsOf(schemas[table]));
      for (const key of resource.schema.primaryKey) expect(fieldNames).toContain(key);
      for (const fk of resource.schema.foreignKeys ?? []) {
        const target = byName.get(fk.reference.resource);
        expect(target, `${resource.name} -> ${fk.reference.resource}`).toBeDefined();
        expect(target!.format, 'a foreign key stays within one format').toBe(resource.format);
        for (const field of fk.reference.fields) expect(target!.schema.fields.map((f) => f.name)).toContain(field);
      }
    }
  });
});
