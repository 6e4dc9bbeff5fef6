// Pipe tables ("| Province | Suspects detained |" over "| Fujian | 1,512 |"), as Markdown posts,
// wikis and pages copied as text lay out a breakdown of figures. A number in a table cell has no
// sentence around it: what it counts is in its column's header or its row's first cell, and where
// it applies may be in the other ("Fujian"). This module only finds the cells and their labels;
// the extractor types the numbers (extract.ts, tableFigure).

/** A body cell of a pipe table: where it stands in the text, its column's header and its row's label. */
export interface TableCell {
  start: number;
  end: number;
  /** The header of the cell's column (plain text, markup removed). */
  header: string;
  /** The row's first cell (plain text), e.g. a province, a year or a measure. */
  rowLabel: string;
  /** Whether the cell is the row's first (its label). */
  isLabel: boolean;
}

/** A table row: starts and ends with "|" and has at least two cells. */
const ROW = /^[ \t]*\|(?:[^|\n]*\|){2,}[ \t]*$/u;
/** The Markdown alignment row under the header: "|---|:--:|". */
const ALIGNMENT_ROW = /^[ \t]*\|(?:[ \t]*:?-{2,}:?[ \t]*\|)+[ \t]*$/u;

/** A line of a pipe table ("| Shenzhen | 742 | 1,126 |"), the alignment row included. */
export function isPipeTableRow(line: string): boolean {
  return ROW.test(line);
}

function plainCell(text: string): string {
  return text.replace(/\*\*|__|`/gu, '').replace(/\s+/gu, ' ').trim();
}

/** The cells of one row line starting at `offset`: [start, end) of each cell's text, without the pipes. */
function rowCells(line: string, offset: number): { start: number; end: number; text: string }[] {
  const cells: { start: number; end: number; text: string }[] = [];
  const first = line.indexOf('|');
  let from = first + 1;
  for (let bar = line.indexOf('|', from); bar >= 0; bar = line.indexOf('|', from)) {
    cells.push({ start: offset + from, end: offset + bar, text: line.slice(from, bar) });
    from = bar + 1;
  }
  return cells;
}

/**
 * Whether a row is a header: no cell after the first holds a number other than a year ("| Item |
 * 2023 | 2022 |"). Cleaning may put blank lines between a table's rows, so a second table right
 * after a first is told apart by its header row, not by a gap.
 */
function looksLikeHeader(row: readonly { text: string }[]): boolean {
  const rest = row.slice(1);
  // Years for columns ("| Item | 2023 | 2022 |"); a row with no number at all ("| Hainan | – |") is a body row.
  return rest.some((c) => /\b(?:19|20)\d\d\b/u.test(c.text)) && rest.every((c) => !/\d/u.test(c.text.replace(/\b(?:19|20)\d\d\b/gu, '')));
}

/**
 * Every body cell of every pipe table in `text` (a header row, an optional alignment row, then one
 * or more body rows, blank lines allowed between them), in text order. A body row with more cells
 * than the header has no header for the extra ones; they are left out.
 */
export function pipeTableCells(text: string): TableCell[] {
  const cells: TableCell[] = [];
  let header: string[] | null = null;
  let offset = 0;
  for (const line of text.split('\n')) {
    const lineStart = offset;
    offset += line.length + 1;
    if (line.trim() === '') continue;
    if (!isPipeTableRow(line)) {
      header = null;
      continue;
    }
    if (ALIGNMENT_ROW.test(line)) continue;
    const row = rowCells(line, lineStart);
    if (header === null || looksLikeHeader(row)) {
      header = row.map((c) => plainCell(c.text));
      continue;
    }
    const rowLabel = plainCell(row[0]?.text ?? '');
    row.forEach((cell, i) => {
      if (i < header!.length) cells.push({ start: cell.start, end: cell.end, header: header![i]!, rowLabel, isLabel: i === 0 });
    });
  }
  return cells;
}

/** The cell of `cells` (in text order, as pipeTableCells gives them) that holds `offset`, if any. */
export function cellAt(cells: readonly TableCell[], offset: number): TableCell | undefined {
  let low = 0;
  let high = cells.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const cell = cells[mid]!;
    if (offset < cell.start) high = mid - 1;
    else if (offset >= cell.end) low = mid + 1;
    else return cell;
  }
  return undefined;
}
