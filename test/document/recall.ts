/**
 * Recall as ../shared/cases/README.md defines it: the share of ground-truth words (two or more
 * characters, compared case-insensitively) found in a result, each found word used once.
 */
import { readFileSync } from 'node:fs';
import { type DocumentResult, type PageResult, pageLines } from '../../src/document/result.js';
import { foldCase, tokenize } from '../../src/lab/metrics.js';
import { parseBoxFile } from '../../src/lab/sroie.js';

export const SHARED = '../shared';
export const SROIE = `${SHARED}/data/sroie`;
export const CASES = `${SHARED}/cases`;

/** The ground-truth words of SROIE receipt `id` that recall counts (two characters or more). */
export function truthWords(id: string): string[] {
  const segments = parseBoxFile(readFileSync(`${SROIE}/box/${id}.csv`, 'utf8'));
  return segments.flatMap((s) => tokenize(s.text, true)).filter((word) => [...word].length >= 2);
}

/** The text of some pages of a result, lines in reading order. */
export function textOf(pages: PageResult[]): string {
  return pages
    .map((page) =>
      pageLines(page)
        .map((line) => line.text)
        .join('\n'),
    )
    .join('\n');
}

/** Share of receipt `id`'s words found in `pages` (all pages of `result` by default). */
export function recall(id: string, result: DocumentResult, pages = result.pages): number {
  const wanted = truthWords(id);
  const found = new Map<string, number>();
  for (const token of tokenize(foldCase(textOf(pages))))
    found.set(token, (found.get(token) ?? 0) + 1);
  let hits = 0;
  for (const word of wanted) {
    const left = found.get(word) ?? 0;
    if (left === 0) continue;
    found.set(word, left - 1);
    hits += 1;
  }
  return wanted.length === 0 ? 1 : hits / wanted.length;
}
