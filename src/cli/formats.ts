/**
 * @module The output formats of `lectern read`: how a result is written to a file (`--out`)
 * and as one JSON line on standard output (without `--out`).
 */
import { InvalidArgumentError } from 'commander';
import { toHocr } from '../document/exports/hocr.js';
import { toText } from '../document/exports/text.js';
import { toTextract } from '../document/exports/textract.js';
import type { DocumentResult } from '../document/result.js';

export type OutputFormat = 'json' | 'text' | 'hocr' | 'textract';

/** File name ending of each format. */
export const OUTPUT_SUFFIX: Record<OutputFormat, string> = {
  json: '.json',
  text: '.txt',
  hocr: '.hocr',
  textract: '.textract.json',
};

const FORMATS = Object.keys(OUTPUT_SUFFIX) as OutputFormat[];

export function parseFormat(value: string): OutputFormat {
  const format = FORMATS.find((name) => name === value.trim().toLowerCase());
  if (!format) throw new InvalidArgumentError(`must be one of ${FORMATS.join(', ')}`);
  return format;
}

/** The content of the output file for `result`. */
export function renderFile(result: DocumentResult, format: OutputFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(result, null, 2)}\n`;
    case 'text':
      return toText(result);
    case 'hocr':
      return toHocr(result);
    case 'textract':
      return `${JSON.stringify(toTextract(result), null, 2)}\n`;
  }
}

/**
 * One JSON object on one line: the result itself for `json`, otherwise
 * `{ document, <format> }` so each line still says which document it is.
 */
export function renderLine(result: DocumentResult, format: OutputFormat): string {
  const document = result.document.name;
  switch (format) {
    case 'json':
      return JSON.stringify(result);
    case 'text':
      return JSON.stringify({ document, text: toText(result) });
    case 'hocr':
      return JSON.stringify({ document, hocr: toHocr(result) });
    case 'textract':
      return JSON.stringify({ document, ...toTextract(result) });
  }
}
