import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TextDetector } from '../../src/document/detection.js';
import type { Raster } from '../../src/document/raster.js';

/** A white page with two lines of 32 px text drawn on it, `zoom` times larger. */
async function drawnPage(zoom = 1, channels: 1 | 3 = 3): Promise<Raster> {
  const svg = `<svg width="${600 * zoom}" height="${300 * zoom}" xmlns="http://www.w3.org/2000/svg">
    <rect width="100%" height="100%" fill="white"/>
    <g transform="scale(${zoom})" font-family="sans-serif" font-size="32">
      <text x="40" y="100">TOTAL AMOUNT 12.50</text>
      <text x="40" y="200">THANK YOU</text>
    </g></svg>`;
  let pipeline = sharp(Buffer.from(svg)).removeAlpha();
  if (channels === 1) pipeline = pipeline.toColourspace('b-w');
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels, data };
}

describe('TextDetector', () => {
  let detector: TextDetector;
  beforeAll(async () => {
    detector = await TextDetector.load({ workers: 1 });
  });
  afterAll(async () => {
    await detector.dispose();
  });

  it('finds each drawn line once, where it was drawn', async () => {
    const boxes = await detector.detect(await drawnPage());

    expect(boxes).toHaveLength(2);
    const [first, second] = boxes.map((b) => b.box);
    // Baselines at y 100 and 200, cap height ~23 px, text starting at x 40.
    expect(first?.y).toBeGreaterThan(65);
    expect((first?.y ?? 0) + (first?.height ?? 0)).toBeLessThan(115);
    expect(first?.x).toBeGreaterThan(25);
    expect(first?.x).toBeLessThan(45);
    expect(first?.width).toBeGreaterThan(second?.width ?? Number.POSITIVE_INFINITY);
    expect(second?.y).toBeGreaterThan(165);
    for (const box of boxes) expect(box.score).toBeGreaterThan(0.6);
  });

  it('finds nothing on a blank page', async () => {
    const blank: Raster = {
      width: 640,
      height: 480,
      channels: 1,
      data: Buffer.alloc(640 * 480, 250),
    };
    expect(await detector.detect(blank)).toEqual([]);
  });

  it('reads a gray raster as it reads the same page in colour', async () => {
    const rgb = (await detector.detect(await drawnPage(1, 3))).map((b) => b.box);
    const gray = (await detector.detect(await drawnPage(1, 1))).map((b) => b.box);
    expect(gray).toHaveLength(rgb.length);
    gray.forEach((box, i) => {
      expect(Math.abs(box.y - (rgb[i]?.y ?? 0))).toBeLessThan(2);
    });
  });

  it('scales an oversized raster down itself and still answers in its pixels', async () => {
    const small = await TextDetector.load({ workers: 1, maxPixels: 200_000 });
    try {
      const boxes = await small.detect(await drawnPage(2));
      expect(boxes).toHaveLength(2);
      expect(boxes[1]?.box.y).toBeGreaterThan(330);
      expect(boxes[1]?.box.y).toBeLessThan(400);
    } finally {
      await small.dispose();
    }
  });

  it('fails with MODEL_NOT_FOUND for a model file that is not there', async () => {
    await expect(TextDetector.load({ modelPath: '/nonexistent/det.onnx' })).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
    });
  });
});
