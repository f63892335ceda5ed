import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planPage } from '../../src/document/detect-page.js';
import { detectPage, TextDetector } from '../../src/document/detection.js';
import { countDetections, countDuplicates, rates } from '../../src/document/detection-metrics.js';
import { type Box, boxOfPolygon } from '../../src/document/geometry.js';
import type { Raster } from '../../src/document/raster.js';

const shared = '../shared';
const sroie = `${shared}/data/sroie`;
const cases = `${shared}/cases`;

async function decode(path: string): Promise<Raster> {
  const { data, info } = await sharp(path)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels === 1 ? 1 : 3, data };
}

async function truthOf(id: string, scale = 1): Promise<Box[]> {
  const text = await readFile(`${sroie}/box/${id}.csv`, 'utf8');
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const n = line
        .split(',')
        .slice(0, 8)
        .map((v) => Number(v) * scale);
      return boxOfPolygon([0, 2, 4, 6].map((i) => [n[i] ?? 0, n[i + 1] ?? 0]));
    });
}

describe.skipIf(!existsSync(sroie))('PP-OCRv4 detection on real receipts', () => {
  let detector: TextDetector;
  beforeAll(async () => {
    detector = await TextDetector.load();
  });
  afterAll(async () => {
    await detector.dispose();
  });

  it('finds the ground-truth text segments of a small receipt (F1 at IoU 0.5)', async () => {
    const boxes = await detectPage(detector, await decode(`${sroie}/img/000.jpg`));
    const { f1 } = rates(
      countDetections(
        boxes.map((b) => b.box),
        await truthOf('000'),
      ),
    );
    expect(f1).toBeGreaterThan(0.85);
  });

  it('loses nothing to 3 x 3 tiling against one tile at the same scale', async () => {
    const raster = await decode(`${sroie}/img/561.jpg`);
    const truth = await truthOf('561');
    const tiled = await detectPage(detector, raster);
    const whole = await detectPage(detector, raster, { grid: { rows: 1, cols: 1 } });
    const f1 = (boxes: typeof tiled) =>
      rates(
        countDetections(
          boxes.map((b) => b.box),
          truth,
        ),
      ).f1;
    expect(f1(tiled)).toBeGreaterThan(0.85);
    expect(f1(tiled)).toBeGreaterThanOrEqual(f1(whole) - 0.02);
  });

  it('crops a 600 dpi A4 scan to its receipt and returns boxes in page pixels', async () => {
    const raster = await decode(`${sroie}/img/520.jpg`);
    const plan = planPage(raster);
    expect(plan.crop).toBeDefined();
    expect((plan.crop?.width ?? 0) * (plan.crop?.height ?? 0)).toBeLessThan(0.5 * 4961 * 7016);

    const boxes = await detectPage(detector, raster);
    const { f1 } = rates(
      countDetections(
        boxes.map((b) => b.box),
        await truthOf('520'),
      ),
    );
    expect(f1).toBeGreaterThan(0.8);
  });
});

describe.skipIf(!existsSync(cases))('detection of the hard cases', () => {
  let detector: TextDetector;
  beforeAll(async () => {
    detector = await TextDetector.load({ workers: 1 });
  });
  afterAll(async () => {
    await detector.dispose();
  });

  it('keeps every line of a dense receipt once across the seams of a full 3 x 3 grid (c28)', async () => {
    const raster = await decode(`${cases}/c28-dense-1.5x.jpg`);
    const forced = { minTileShare: 0 };
    expect(planPage(raster, forced).tiles).toHaveLength(9);

    const boxes = await detectPage(detector, raster, forced);

    const duplicates = countDuplicates(boxes.map((b) => b.box));
    expect(boxes.length).toBeGreaterThan(50);
    expect(duplicates / boxes.length).toBeLessThan(0.01);
    const { f1 } = rates(
      countDetections(
        boxes.map((b) => b.box),
        await truthOf('561', 1.5),
      ),
    );
    expect(f1).toBeGreaterThan(0.85);
  });

  it('finds the same boxes with the tiles detected in parallel sessions as one by one', async () => {
    const raster = await decode(`${cases}/c28-dense-1.5x.jpg`);
    const forced = { minTileShare: 0 };
    const parallel = await TextDetector.load({ workers: 3 });
    try {
      expect(parallel.parallelism).toBe(3);
      const [alone, together] = await Promise.all([
        detectPage(detector, raster, forced),
        detectPage(parallel, raster, forced),
      ]);
      expect(together.length).toBeGreaterThan(50);
      expect(together).toEqual(alone);
    } finally {
      await parallel.dispose();
    }
  });

  it('finds the text of a faded thermal print (c31)', async () => {
    const boxes = await detectPage(detector, await decode(`${cases}/c31-faded-thermal.jpg`));
    const { recall } = rates(
      countDetections(
        boxes.map((b) => b.box),
        await truthOf('624'),
      ),
    );
    expect(recall).toBeGreaterThan(0.7);
  });
});
