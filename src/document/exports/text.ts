/**
 * @module Plain-text export: the words of each page in reading order, one line of text per
 * line, a blank line between blocks, and a form feed between pages (as Tesseract's text
 * output does, so tools that split on it keep working).
 */
import type { DocumentResult, PageResult } from '../result.js';

/** The text of one page: lines joined by newlines, blocks separated by a blank line. */
export function pageText(page: PageResult): string {
  return page.blocks
    .map((block) => block.lines.map((line) => line.text).join('\n'))
    .filter((text) => text !== '')
    .join('\n\n');
}

/** The text of a whole document; pages are separated by a form feed (`\f`) on its own line. */
export function toText(result: DocumentResult): string {
  const pages = result.pages.map(pageText);
  return `${pages.join('\n\f\n')}\n`;
}
