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
  const stats = new CardStats();
  for (const table of TABLE_NAMES) for (const row of facts.tables[table]) stats.add(table, row);
  return renderCardFromStats(prose, { schemas: facts.schemas, stats, version: facts.version, ...(facts.extra !== undefined ? { extra: facts.extra } : {}) });
}

/** What renderCardFromStats needs: the statistics instead of the tables. */
export interface CardStatsFacts {
  schemas: Record<TableName, TableSchema>;
  stats: CardStats;
  version: string;
  extra?: string;
}

/** The same card as renderCard, from statistics gathered one row at a time (see CardStats). */
export function renderCardFromStats(prose: string, facts: CardStatsFacts): string {
  const generated = `${GENERATED_BEGIN}\n${generatedSections(facts)}${GENERATED_END}`;
  const begin = prose.indexOf(GENERATED_BEGIN);
  const end = prose.indexOf(GENERATED_END);
  if (begin >= 0 && end > begin) return prose.slice(0, begin) + generated + prose.slice(end + GENERATED_END.length);
  return `${prose.trimEnd()}\n\n${generated}\n`;
}

/** The distributions the card shows: title, table, column. */
const DISTRIBUTIONS: readonly { title: string; table: TableName; column: string }[] = [
  { title: 'Figures by measure', table: 'figures', column: 'measure' },
  { title: 'Figures by place', table: 'figures', column: 'place_code' },
  { title: 'Documents by publisher', table: 'documents', column: 'publisher' },
  { title: 'Claims by status', table: 'claims', column: 'status' },
];

/** One table's share of CardStats, as plain (structured-clonable) data. */
export interface CardStatsPart {
  table: TableName;
  rows: number;
  /** Per distribution of this table, in DISTRIBUTIONS order: [value, count] in first-seen order. */
  counts: [string, number][][];
  firstDate?: string | null;
  lastDate?: string | null;
  datedDocuments?: number;
  campaignLines?: string[];
}

/**
 * The card's statistics, gathered one row at a time (any table order; rows of a table in table
 * order): row counts, value counts, the documents' date range, and one line per campaign.
 */
export class CardStats {
  readonly rows: Record<TableName, number> = Object.fromEntries(TABLE_NAMES.map((t) => [t, 0])) as Record<TableName, number>;
  readonly counts = DISTRIBUTIONS.map(() => new Map<string, number>());
  private readonly byTable = new Map<TableName, { column: string; counts: Map<string, number> }[]>();
  firstDate: string | undefined;
  lastDate: string | undefined;
  datedDocuments = 0;
  readonly campaignLines: string[] = [];

  constructor() {
    DISTRIBUTIONS.forEach(({ table, column }, i) => {
      if (!this.byTable.has(table)) this.byTable.set(table, []);
      this.byTable.get(table)!.push({ column, counts: this.counts[i]! });
    });
  }

  /** The statistics of one table, as plain data (to send from the thread that read that table). */
  part(table: TableName): CardStatsPart {
    return {
      table,
      rows: this.rows[table],
      counts: (this.byTable.get(table) ?? []).map(({ counts }) => [...counts]),
      ...(table === 'documents' ? { firstDate: this.firstDate ?? null, lastDate: this.lastDate ?? null, datedDocuments: this.datedDocuments } : {}),
      ...(table === 'campaigns' ? { campaignLines: this.campaignLines } : {}),
    };
  }

  /** Adds one table's statistics gathered elsewhere; as if its rows had been added here, in order. */
  absorb(part: CardStatsPart): void {
    this.rows[part.table] += part.rows;
    (this.byTable.get(part.table) ?? []).forEach(({ counts }, i) => {
      for (const [key, n] of part.counts[i] ?? []) counts.set(key, (counts.get(key) ?? 0) + n);
    });
    if (part.datedDocuments !== undefined) {
      this.datedDocuments += part.datedDocuments;
      for (const date of [part.firstDate, part.lastDate]) {
        if (typeof date !== 'string') continue;
        if (this.firstDate === undefined || date < this.firstDate) this.firstDate = date;
        if (this.lastDate === undefined || date > this.lastDate) this.lastDate = date;
      }
    }
    if (part.campaignLines) this.campaignLines.push(...part.campaignLines);
  }

  add(table: TableName, row: Row): void {
    this.rows[table]++;
    for (const { column, counts } of this.byTable.get(table) ?? []) {
      const key = row[column] === null || row[column] === undefined ? '(empty)' : String(row[column]);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    if (table === 'documents') {
      const date = row.published_date;
      if (typeof date === 'string') {
        this.datedDocuments++;
        if (this.firstDate === undefined || date < this.firstDate) this.firstDate = date;
        if (this.lastDate === undefined || date > this.lastDate) this.lastDate = date;
      }
    } else if (table === 'campaigns') {
      const c = row;
      this.campaignLines.push(`| ${c.campaign_id} | ${md(c.name)} | ${md(c.agency)} | ${md(c.start_date)} | ${c.n_documents} |`);
    }
  }
}

function generatedSections(facts: CardStatsFacts): string {
  const { schemas, stats } = facts;
  const out: string[] = [];
  out.push(`## Contents of release ${facts.version}\n`);
  out.push('| table | rows | columns |\n| --- | ---: | ---: |');
  for (const table of TABLE_NAMES) out.push(`| ${table} | ${stats.rows[table]} | ${columnsOf(schemas[table]).length} |`);
  out.push('');
  DISTRIBUTIONS.forEach(({ title }, i) => out.push(...distribution(title, stats.counts[i]!)));
  out.push(`Documents' published dates range from ${stats.firstDate ?? 'n/a'} to ${stats.lastDate ?? 'n/a'} (${stats.rows.documents - stats.datedDocuments} documents state no date).\n`);
  if (stats.rows.campaigns) {
    out.push('### Campaigns\n');
    out.push('| campaign_id | name | agency | start | documents |\n| --- | --- | --- | --- | ---: |');
    for (const line of stats.campaignLines) out.push(line);
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

function distribution(title: string, counts: Map<string, number>): string[] {
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return [`### ${title}\n`, '| value | rows |\n| --- | ---: |', ...sorted.map(([k, n]) => `| ${md(k)} | ${n} |`), ''];
}

function md(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  return String(value).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
