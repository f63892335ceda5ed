/**
 * @module A dataset in the SROIE layout: `img/<id>.jpg` (any supported image or PDF) and
 * `box/<id>.csv` with one text segment per row, `x1,y1,x2,y2,x3,y3,x4,y4,TEXT` (the text may
 * itself hold commas).
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { boxOfPolygon, type Polygon } from '../document/geometry.js';
import type { PlacedText } from './metrics.js';

export interface GroundTruthSegment extends PlacedText {
  polygon: Polygon;
}

export interface DatasetPage {
  id: string;
  imagePath: string;
  truth: GroundTruthSegment[];
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

/** The pages of a SROIE-layout folder that have both an image and a box file, sorted by id. */
export async function loadDataset(
  root: string,
  limit = Number.POSITIVE_INFINITY,
): Promise<DatasetPage[]> {
  const images = (await readdir(join(root, 'img'))).sort();
  const pages: DatasetPage[] = [];
  for (const image of images) {
    if (pages.length >= limit) break;
    const id = basename(image, extname(image));
    const truth = await readFile(join(root, 'box', `${id}.csv`), 'utf8').catch(() => undefined);
    if (truth === undefined) continue;
    pages.push({ id, imagePath: join(root, 'img', image), truth: parseBoxFile(truth) });
  }
  return pages;
}
