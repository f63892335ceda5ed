/**
 * @module A dataset in the SROIE layout: `img/<id>.jpg` (any supported image or PDF) and
 * `box/<id>.csv` with one text segment per row, `x1,y1,x2,y2,x3,y3,x4,y4,TEXT` (the text may
 * itself hold commas). Folders are found and listed by dataset.ts.
 */
import { boxOfPolygon, type Polygon } from '../document/geometry.js';
import type { PageTruth } from './dataset.js';
import type { PlacedText } from './metrics.js';

export interface GroundTruthSegment extends PlacedText {
  polygon: Polygon;
}

/** The truth of one page: its box file's segments, which are lines (or parts of lines). */
export function sroieTruth(text: string): PageTruth {
  return { truth: parseBoxFile(text) };
}

/** Parses one box file; malformed rows (fewer than eight coordinates) are skipped. */
export function parseBoxFile(text: string): GroundTruthSegment[] {
  return text
    .replace(/^\uFEFF/u, '')
    .split(/\r?\n/u)
    .map(parseRow)
    .filter((segment): segment is GroundTruthSegment => segment !== undefined);
}

function parseRow(row: string): GroundTruthSegment | undefined {
  const cells = row.split(',');
  if (cells.length < 9) return undefined;
  const numbers = cells.slice(0, 8).map(Number);
  if (numbers.some((n) => !Number.isFinite(n))) return undefined;

  const polygon: Polygon = [0, 2, 4, 6].map((i) => [
    numbers[i] as number,
    numbers[i + 1] as number,
  ]);
  return { text: cells.slice(8).join(','), box: boxOfPolygon(polygon), polygon };
}
