// The dataset card: hand-written prose (the top-level DATASET_CARD.md) plus generated sections
// (data dictionary from schemas/, row counts, distributions). The generated part replaces whatever
// stands between the markers, so the same function refreshes the repository's card on release.
import { columnsOf, isNullable, logicalType, TABLE_NAMES, type Row, type TableName, type TableSchema } from './schema.js';
import { parquetTypeName } from './publish.js';

export const GENERATED_BEGIN = '<!-- BEGIN GENERATED: do not edit by hand; `make release` rewrites this part -->';
export const GENERATED_END = '<!-- END GENERATED -->';

export interface CardFacts {
  schemas: Record<TableName, TableSchema>;
  tables: Record<TableName, Row[]>;
  version: string;
  /** Optional extra generated text (e.g. the score against hand-checked gold), already Markdown. */
  extra?: string;
}

export function renderCard(prose: string, facts: CardFacts): string {
  const generated = `${GENERATED_BEGIN}\n${generatedSections(facts)}${GENERATED_END}`;
  const begin = prose.indexOf(GENERATED_BEGIN);
  const end = prose.indexOf(GENERATED_END);
  if (begin >= 0 && end > begin) return prose.slice(0, begin) + generated + prose.slice(end + GENERATED_END.length);
  return `${prose.trimEnd()}\n\n${generated}\n`;
}

function generatedSections(facts: CardFacts): string {
  const { schemas, tables } = facts;
  const out: string[] = [];
  out.push(`## Contents of release ${facts.version}\n`);
  out.push('| table | rows | columns |\n| --- | ---: | ---: |');
  for (const table of TABLE_NAMES) out.push(`| ${table} | ${tables[table].length} | ${columnsOf(schemas[table]).length} |`);
  out.push('');
  out.push(...distribution('Figures by measure', tables.figures, 'measure'));
  out.push(...distribution('Figures by place', tables.figures, 'place_code'));
  out.push(...distribution('Documents by publisher', tables.documents, 'publisher'));
  out.push(...distribution('Claims by status', tables.claims, 'status'));
  const dates = tables.documents.map((d) => d.published_date).filter((d): d is string => typeof d === 'string').sort();
  out.push(`Documents' published dates range from ${dates[0] ?? 'n/a'} to ${dates[dates.length - 1] ?? 'n/a'} (${tables.documents.length - dates.length} documents state no date).\n`);
  if (tables.campaigns.length) {
    out.push('### Campaigns\n');
    out.push('| campaign_id | name | agency | start | documents |\n| --- | --- | --- | --- | ---: |');
    for (const c of tables.campaigns) out.push(`| ${c.campaign_id} | ${md(c.name)} | ${md(c.agency)} | ${md(c.start_date)} | ${c.n_documents} |`);
    out.push('');
  }
  if (facts.extra) out.push(facts.extra.trimEnd(), '');
  out.push('## Data dictionary\n');
  out.push('Generated from `schemas/`; CSV column order is the order below. Empty CSV cell = null.\n');
  for (const table of TABLE_NAMES) {
    const schema = schemas[table];
    out.push(`### ${table}\n`);
    out.push(`${schema.description} Primary key: \`${schema['x-primaryKey'].join(', ')}\`.\n`);
    out.push('| column | type | Parquet | nullable | description |\n| --- | --- | --- | --- | --- |');
    for (const name of columnsOf(schema)) {
      const column = schema.properties[name]!;
      const type = logicalType(column);
      const allowed = column.enum ? ` One of: ${column.enum.filter((v) => v !== null).map((v) => `\`${String(v)}\``).join(', ')}.` : '';
      out.push(`| \`${name}\` | ${type} | ${parquetTypeName(type)} | ${isNullable(column) ? 'yes' : 'no'} | ${md(column.description)}${allowed} |`);
    }
    out.push('');
  }
  return out.join('\n') + '\n';
}

function distribution(title: string, rows: Row[], column: string): string[] {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const key = row[column] === null || row[column] === undefined ? '(empty)' : String(row[column]);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return [`### ${title}\n`, '| value | rows |\n| --- | ---: |', ...sorted.map(([k, n]) => `| ${md(k)} | ${n} |`), ''];
}

function md(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  return String(value).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
