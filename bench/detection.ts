/**
 * Detection benchmark on a SROIE-layout folder (img/*.jpg, box/*.csv with x1,y1,...,x4,y4,text):
 * precision, recall and F1 at IoU >= 0.5 of the stitched boxes against the ground-truth
 * boxes, duplicate rate, and median seconds per page of detection (decoding excluded, model
 * loaded), for the 3x3 tiling and for no tiling at the same detection scale, interleaved
 * page by page so that the machine's load hits both alike.
 *
 *   npm run bench:detection -- [--data DIR] [--rounds N] [--limit N] [--grid 3x3]
 *     [--min-tile-share PX] [--max-side PX] [--overlap PX] [--no-crop] [--json FILE]
 *
 * Also prints the grids actually used (a grid is reduced on small images, see
 * `minTileShare`), each configuration's median time as a multiple of a fixed reference (one
 * 1-megapixel model run, timed between pages) and its median CPU seconds per page, both far
 * steadier than wall time on a machine shared with other work.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { availableCpus } from '../src/document/cpus.js';
import { detectPage, planPage } from '../src/document/detect-page.js';
import { type DetectedBox, TextDetector } from '../src/document/detection.js';
import {
  addCounts,
  countDetections,
  type DetectionCounts,
  rates,
} from '../src/document/detection-metrics.js';
import { type Box, boxOfPolygon } from '../src/document/geometry.js';
import type { Raster } from '../src/document/raster.js';
import type { DetectionOptions } from '../src/document/tiles.js';
import { firstPageRaster } from '../src/lab/page-raster.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data/sroie' },
    rounds: { type: 'string', default: '1' },
    limit: { type: 'string' },
    'max-side': { type: 'string' },
    overlap: { type: 'string' },
    'no-crop': { type: 'boolean', default: false },
    grid: { type: 'string', default: '3x3' },
    'min-tile-share': { type: 'string' },
    json: { type: 'string' },
  },
});

const base: DetectionOptions = {
  ...(args['max-side'] ? { maxSide: Number(args['max-side']) } : {}),
  ...(args.overlap ? { overlap: Number(args.overlap) } : {}),
  ...(args['min-tile-share'] ? { minTileShare: Number(args['min-tile-share']) } : {}),
  crop: !args['no-crop'],
};
const [rows, cols] = args.grid.split('x').map(Number);
const configs: Record<string, DetectionOptions> = {
  [`tiles ${args.grid}`]: { ...base, grid: { rows: rows ?? 3, cols: cols ?? 3 } },
  'no tiles': { ...base, grid: { rows: 1, cols: 1 } },
};

interface Tally {
  counts: DetectionCounts;
  seconds: number[];
  /** CPU seconds (user + system, all threads) per page: far less moved by other load. */
  cpu: number[];
}

// A fixed workload timed between pages: one 1-megapixel model run. The machine's load moves
// it as much as the pages, so ratios to it are steadier than seconds.
const REFERENCE: Raster = {
  width: 640,
  height: 1600,
  channels: 1,
  data: Buffer.alloc(640 * 1600, 255),
};

async function main(): Promise<void> {
  const pages = await listPages(args.data, args.limit ? Number(args.limit) : undefined);
  const detector = await TextDetector.load();
  const tallies = Object.fromEntries(
    Object.keys(configs).map((name) => [name, { counts: zero(), seconds: [], cpu: [] } as Tally]),
  );
  const reference: number[] = [];
  const perPage: Array<Record<string, unknown>> = [];

  await warmUp(detector, pages[0]?.image);
  for (let round = 0; round < Number(args.rounds); round++) {
    for (const page of pages) {
      const raster = await firstPageRaster(page.image);
      const truth = await readTruth(page.truth);
      reference.push(await timed(() => detector.detect(REFERENCE)));
      const row: Record<string, unknown> = { page: basename(page.image), plan: planOf(raster) };
      for (const [name, options] of Object.entries(configs)) {
        const tally = tallies[name] as Tally;
        let boxes: DetectedBox[] = [];
        const cpuBefore = process.cpuUsage();
        const seconds = await timed(async () => {
          boxes = await detectPage(detector, raster, options);
        });
        const cpu = process.cpuUsage(cpuBefore);
        tally.seconds.push(seconds);
        tally.cpu.push((cpu.user + cpu.system) / 1e6);
        if (round > 0) continue;
        const counts = countDetections(
          boxes.map((b) => b.box),
          truth,
        );
        tally.counts = addCounts(tally.counts, counts);
        row[name] = { ...counts, seconds: round3(seconds) };
      }
      if (round === 0) perPage.push(row);
    }
  }
  await detector.dispose();
  report(tallies, quantile(reference, 0.5), pages.length, perPage);
}

/** The tiled configuration's plan in short: grid used, detection size, crop. */
function planOf(raster: Raster): string {
  const plan = planPage(raster, Object.values(configs)[0]);
  const rows = new Set(plan.tiles.map((t) => t.row)).size;
  const cols = new Set(plan.tiles.map((t) => t.col)).size;
  return `${rows}x${cols} ${plan.width}x${plan.height}${plan.crop ? ' cropped' : ''}`;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

async function warmUp(detector: TextDetector, image: string | undefined): Promise<void> {
  if (image) await detectPage(detector, await firstPageRaster(image));
  await detector.detect(REFERENCE);
}

function report(
  tallies: Record<string, Tally>,
  reference: number,
  pages: number,
  perPage: unknown[],
): void {
  const settings = { ...base, threads: availableCpus(), rounds: Number(args.rounds), pages };
  console.log(`detection on ${args.data}: ${JSON.stringify(settings)}`);
  console.log(`reference (one 1 MP model run, median): ${fixed(reference)} s`);
  console.log(
    'config      precision  recall  F1      duplicates  median s/page  p90 s/page  x reference  CPU s/page',
  );
  const summary: Record<string, unknown> = {};
  for (const [name, tally] of Object.entries(tallies)) {
    const r = rates(tally.counts);
    const median = quantile(tally.seconds, 0.5);
    const p90 = quantile(tally.seconds, 0.9);
    const ratio = median / reference;
    const cpu = quantile(tally.cpu, 0.5);
    summary[name] = { ...tally.counts, ...r, medianSeconds: median, p90Seconds: p90, ratio, cpu };
    console.log(
      [
        name.padEnd(10),
        fixed(r.precision).padStart(10),
        fixed(r.recall).padStart(7),
        fixed(r.f1).padStart(7),
        `${(r.duplicateRate * 100).toFixed(2)}%`.padStart(11),
        fixed(median).padStart(14),
        fixed(p90).padStart(11),
        ratio.toFixed(2).padStart(12),
        fixed(cpu).padStart(11),
      ].join(' '),
    );
  }
  const grids = new Map<string, number>();
  for (const row of perPage as Array<{ plan: string }>) {
    const grid = row.plan.split(' ')[0] as string;
    grids.set(grid, (grids.get(grid) ?? 0) + 1);
  }
  console.log(`grids used: ${[...grids].map(([g, n]) => `${g} on ${n} pages`).join(', ')}`);
  const json = JSON.stringify({ settings, reference, summary, perPage }, null, 2);
  if (args.json) void writeFile(args.json, json);
}

async function listPages(
  folder: string,
  limit?: number,
): Promise<Array<{ image: string; truth: string }>> {
  const images = (await readdir(join(folder, 'img')))
    .filter((f) => /\.(jpe?g|png)$/i.test(f))
    .sort();
  return images.slice(0, limit).map((file) => ({
    image: join(folder, 'img', file),
    truth: join(folder, 'box', file.replace(/\.\w+$/, '.csv')),
  }));
}

/** Ground-truth boxes: the axis-aligned hull of each row's four corners. */
async function readTruth(path: string): Promise<Box[]> {
  const lines = (await readFile(path, 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '');
  return lines.map((line) => {
    const n = line.split(',').slice(0, 8).map(Number);
    return boxOfPolygon([
      [n[0] ?? 0, n[1] ?? 0],
      [n[2] ?? 0, n[3] ?? 0],
      [n[4] ?? 0, n[5] ?? 0],
      [n[6] ?? 0, n[7] ?? 0],
    ]);
  });
}

function zero(): DetectionCounts {
  return { matched: 0, detected: 0, truth: 0, duplicates: 0 };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function fixed(n: number): string {
  return n.toFixed(3);
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

await main();
