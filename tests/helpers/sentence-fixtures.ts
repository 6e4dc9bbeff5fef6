// Reads the extraction spec: tests/fixtures/extraction/*.txt (format in that folder's README.md).
import fs from 'node:fs';
import path from 'node:path';

export interface ExpectedFigure {
  measure: string;
  value: number;
  qualifier: string;
  unit: string;
  /** null = not checked (`-`). */
  place: string | null;
  valueText: string;
  optional: boolean;
}

export interface SentenceCase {
  file: string;
  line: number;
  style: string;
  title: boolean;
  text: string;
  expected: ExpectedFigure[];
  none: boolean;
}

export const EXTRACTION_FIXTURES = path.resolve(import.meta.dirname, '../fixtures/extraction');

export function loadSentenceCases(dir = EXTRACTION_FIXTURES): SentenceCase[] {
  const cases: SentenceCase[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
    const lines = fs.readFileSync(path.join(dir, file), 'utf8').split(/\r?\n/);
    let style = path.basename(file, '.txt');
    let title = false;
    let current: SentenceCase | null = null;
    lines.forEach((raw, index) => {
      const line = raw.trimEnd();
      if (line.startsWith('## style:')) {
        style = line.slice('## style:'.length).trim();
        return;
      }
      if (line.startsWith('#')) return;
      if (line === '') {
        current = null;
        title = false;
        return;
      }
      if (line === '@title') {
        title = true;
        return;
      }
      if (line.startsWith('> ')) {
        if (current && current.expected.length === 0 && !current.none) {
          current.text += ` ${line.slice(2)}`; // a case may continue on a second `>` line
          return;
        }
        current = { file, line: index + 1, style, title, text: line.slice(2), expected: [], none: false };
        cases.push(current);
        return;
      }
      if (!current) throw new Error(`${file}:${index + 1}: expectation outside a case: ${line}`);
      const c: SentenceCase = current;
      if (line === '(none)') {
        c.none = true;
        return;
      }
      const optional = line.startsWith('? ');
      const cells = (optional ? line.slice(2) : line).split('|').map((cell) => cell.trim());
      if (cells.length !== 6) throw new Error(`${file}:${index + 1}: expected 6 '|'-separated cells, got ${cells.length}: ${line}`);
      const [measure, value, qualifier, unit, place, valueText] = cells as [string, string, string, string, string, string];
      c.expected.push({ measure, value: Number(value), qualifier, unit, place: place === '-' ? null : place, valueText, optional });
    });
  }
  return cases;
}
