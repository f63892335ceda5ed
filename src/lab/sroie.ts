/**
 * @module A dataset in the SROIE layout: `img/<id>.jpg` (any supported image or PDF) and
 * `box/<id>.csv` with one text segment per row, `x1,y1,x2,y2,x3,y3,x4,y4,TEXT` (the text may
 * itself hold commas). Folders are found and listed by dataset.ts.
 */
import { boxOfPolygon, type Polygon } from '../document/geometry.js';
import type { PageTruth } from './dataset.js';
import { LabError } from './errors.js';
import type { PlacedText } from './metrics.js';

export interface GroundTruthSegment extends PlacedText {
  polygon: Polygon;
}

/** The truth of one page: its box file's segments, which are lines (or parts of lines). */
export function sroieTruth(text: string, file: string): PageTruth {
  return { truth: parseBoxFile(text, file) };
}

// A coordinate: a whole or decimal number, possibly negative (a box crossing the image edge).
const COORDINATE = /^\s*-?\d+(\.\d+)?\s*$/u;

/**
 * Parses one box file. Blank rows are skipped; any other row that is not eight coordinates
 * and a text fails with BAD_GROUND_TRUTH naming the file and the row, since a row dropped
 * unseen would score as text Lectern missed.
 */
export function parseBoxFile(text: string, file?: string): GroundTruthSegment[] {
  const segments: GroundTruthSegment[] = [];
  const rows = text.replace(/^\uFEFF/u, '').split(/\r?\n/u);
  for (const [index, row] of rows.entries()) {
    if (row.trim() === '') continue;
    const segment = parseRow(row);
    if (!segment) throw badRow(file, index + 1, row);
    segments.push(segment);
  }
  return segments;
}

function parseRow(row: string): GroundTruthSegment | undefined {
  const cells = row.split(',');
  if (cells.length < 9) return undefined;
  const corners = cells.slice(0, 8);
  if (!corners.every((cell) => COORDINATE.test(cell))) return undefined;
  const numbers = corners.map(Number);

  const polygon: Polygon = [0, 2, 4, 6].map((i) => [
    numbers[i] as number,
    numbers[i + 1] as number,
  ]);
  return { text: cells.slice(8).join(','), box: boxOfPolygon(polygon), polygon };
}

function badRow(file: string | undefined, line: number, row: string): LabError {
  const shown = row.length > 60 ? `${row.slice(0, 60)}…` : row;
  return new LabError(
    'BAD_GROUND_TRUTH',
    `line ${line} of the box file is not x1,y1,x2,y2,x3,y3,x4,y4,TEXT (eight numbers and ` +
      `a text): ${JSON.stringify(shown)}`,
    { ...(file === undefined ? {} : { file }), details: { line } },
  );
}
