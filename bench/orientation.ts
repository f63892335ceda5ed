/**
 * Orientation-from-content benchmark: every page of a SROIE-layout folder turned 0, 90, 180
 * and 270 degrees (no metadata), each judged by `detectOrientation`; prints the share judged
 * right per turn, every miss, and the median milliseconds the judgement adds to a detected
 * page (line shapes plus one classifier batch).
 *
 *   npx tsx bench/orientation.ts [--data DIR] [--limit N]
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { detectPage, TextDetector } from '../src/document/detection.js';
import { DirectionClassifier } from '../src/document/direction-classifier.js';
import { detectOrientation, type Rotation, rotateRaster } from '../src/document/orientation.js';
import { firstPageRaster } from '../src/lab/page-raster.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data/sroie' },
    limit: { type: 'string' },
  },
});

const TURNS: Rotation[] = [0, 90, 180, 270];

async function main(): Promise<void> {
  const folder = join(args.data, 'img');
  const files = (await readdir(folder)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
  const pages = files.slice(0, args.limit ? Number(args.limit) : undefined);
  const [detector, classifier] = await Promise.all([
    TextDetector.load(),
    DirectionClassifier.load(),
  ]);
  const right = new Map<Rotation, number>(TURNS.map((t) => [t, 0]));
  const misses: string[] = [];
  const milliseconds: number[] = [];

  for (const file of pages) {
    const upright = await firstPageRaster(join(folder, file));
    for (const turn of TURNS) {
      const page = await rotateRaster(upright, turn);
      const boxes = await detectPage(detector, page);
      const started = performance.now();
      const judged = await detectOrientation(page, boxes, classifier);
      milliseconds.push(performance.now() - started);
      const expected = ((360 - turn) % 360) as Rotation;
      if (judged === expected) right.set(turn, (right.get(turn) ?? 0) + 1);
      else misses.push(`${file} turned ${turn}: judged ${judged}, expected ${expected}`);
    }
  }
  await Promise.all([detector.dispose(), classifier.dispose()]);

  console.log(`orientation on ${args.data}: ${pages.length} pages x 4 turns`);
  for (const turn of TURNS) console.log(`turned ${turn}: ${right.get(turn)}/${pages.length} right`);
  for (const miss of misses) console.log(`miss: ${miss}`);
  const sorted = milliseconds.sort((a, b) => a - b);
  console.log(`median ms per judgement: ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)}`);
}

await main();
