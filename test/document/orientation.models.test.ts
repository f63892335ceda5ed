import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectPage, TextDetector } from '../../src/document/detection.js';
import { countDetections, rates } from '../../src/document/detection-metrics.js';
import { DirectionClassifier } from '../../src/document/direction-classifier.js';
import { type Box, boxOfPolygon } from '../../src/document/geometry.js';
import { detectOrientation, orientPage, rotateRaster } from '../../src/document/orientation.js';
import type { Raster } from '../../src/document/raster.js';

const sroie = '../shared/data/sroie';
const cases = '../shared/cases';

async function decode(path: string): Promise<Raster> {
  const { data, info } = await sharp(path)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels === 1 ? 1 : 3, data };
}

async function truthOf(id: string): Promise<Box[]> {
  const text = await readFile(`${sroie}/box/${id}.csv`, 'utf8');
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const n = line.split(',').slice(0, 8).map(Number);
      return boxOfPolygon([0, 2, 4, 6].map((i) => [n[i] ?? 0, n[i + 1] ?? 0]));
    });
}

describe.skipIf(!existsSync(sroie) || !existsSync(cases))('orientation from content', () => {
  let detector: TextDetector;
  let classifier: DirectionClassifier;
  beforeAll(async () => {
    [detector, classifier] = await Promise.all([TextDetector.load(), DirectionClassifier.load()]);
  });
  afterAll(async () => {
    await Promise.all([detector.dispose(), classifier.dispose()]);
  });

  it('turns a page lying on its side with no metadata upright (c03), boxes in the upright frame', async () => {
    const page = await decode(`${cases}/c03-rotated-90-no-exif.jpg`);

    const oriented = await orientPage(page, { detector, classifier });

    expect(oriented.rotation).toBe(270);
    expect([oriented.raster.width, oriented.raster.height]).toEqual([page.height, page.width]);
    const boxes = oriented.boxes.map((b) => b.box);
    expect(rates(countDetections(boxes, await truthOf('320'))).f1).toBeGreaterThan(0.8);
  });

  it('leaves an upright receipt as it is and hands back its boxes', async () => {
    const page = await decode(`${sroie}/img/000.jpg`);
    const oriented = await orientPage(page, { detector, classifier });
    expect(oriented.rotation).toBe(0);
    expect(oriented.raster).toBe(page);
    expect(oriented.boxes).toEqual(await detectPage(detector, page));
  });

  it('tells an upside-down receipt from an upright one', async () => {
    const upsideDown = await rotateRaster(await decode(`${sroie}/img/019.jpg`), 180);
    const boxes = await detectPage(detector, upsideDown);
    expect(await detectOrientation(upsideDown, boxes, classifier)).toBe(180);
  });

  it('tells a page turned a quarter clockwise from one turned anticlockwise', async () => {
    const upright = await decode(`${sroie}/img/019.jpg`);
    const clockwise = await rotateRaster(upright, 90);
    const anticlockwise = await rotateRaster(upright, 270);
    const judge = async (r: Raster) =>
      detectOrientation(r, await detectPage(detector, r), classifier);
    expect(await judge(clockwise)).toBe(270);
    expect(await judge(anticlockwise)).toBe(90);
  });
});
