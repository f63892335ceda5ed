import { describe, expect, it } from 'vitest';
import type { Polygon } from '../../../src/document/geometry.js';
import type { Raster } from '../../../src/document/raster.js';
import { cropLine, frameOfPolygon, framePoint } from '../../../src/document/recognition/crop.js';

/** A white gray page with a black bar from (x0, y) to (x1, y) of thickness 6, tilted by `angle`. */
function page(angle: number): Raster {
  const width = 300;
  const height = 200;
  const data = Buffer.alloc(width * height, 255);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      // Coordinates in the bar's own frame, centred on (150, 100).
      const u = (x - 150) * cos + (y - 100) * sin;
      const v = -(x - 150) * sin + (y - 100) * cos;
      if (Math.abs(u) < 100 && Math.abs(v) < 3) data[y * width + x] = 0;
    }
  }
  return { width, height, channels: 1, data };
}

function rotatedRect(angle: number, halfWidth: number, halfHeight: number): Polygon {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const corners: Array<[number, number]> = [
    [-halfWidth, -halfHeight],
    [halfWidth, -halfHeight],
    [halfWidth, halfHeight],
    [-halfWidth, halfHeight],
  ];
  return corners.map(([u, v]) => [150 + u * cos - v * sin, 100 + u * sin + v * cos]);
}

describe('frameOfPolygon', () => {
  it('finds the direction and size of a rotated line box', () => {
    const angle = (4 * Math.PI) / 180;
    const frame = frameOfPolygon(rotatedRect(angle, 100, 10));

    expect(Math.atan2(frame.axisX[1], frame.axisX[0])).toBeCloseTo(angle, 5);
    expect(frame.width).toBeCloseTo(200, 5);
    expect(frame.height).toBeCloseTo(20, 5);
  });

  it('never turns a tall box (a single character) on its side', () => {
    const frame = frameOfPolygon([
      [10, 10],
      [20, 10],
      [20, 40],
      [10, 40],
    ]);

    expect(frame.axisX).toEqual([1, 0]);
    expect(frame.width).toBe(10);
    expect(frame.height).toBe(30);
  });

  it('maps strip positions back onto the page', () => {
    const frame = frameOfPolygon(rotatedRect(0.1, 100, 10));
    const [x, y] = framePoint(frame, frame.width / 2, frame.height / 2);

    expect(x).toBeCloseTo(150, 5);
    expect(y).toBeCloseTo(100, 5);
  });
});

describe('cropLine', () => {
  it('deskews a line tilted by 4 degrees into a level strip of the requested height', () => {
    const angle = (4 * Math.PI) / 180;
    const { raster } = cropLine(page(angle), rotatedRect(angle, 100, 10), 48);

    expect(raster.height).toBe(48);
    expect(raster.width).toBe(480);
    // The bar runs along the middle rows from end to end, and the top and bottom stay white.
    const at = (x: number, y: number) => raster.data[(y * raster.width + x) * 3] as number;
    for (const x of [20, 240, 460]) {
      expect(at(x, 24)).toBeLessThan(60);
      expect(at(x, 4)).toBeGreaterThan(200);
      expect(at(x, 44)).toBeGreaterThan(200);
    }
  });

  it('adds the margin around the box and squeezes the width when asked', () => {
    const { raster, frame } = cropLine(page(0), rotatedRect(0, 100, 10), 48, 0.5, 0.1);

    expect(frame.height).toBeCloseTo(24, 5);
    expect(frame.width).toBeCloseTo(204, 5);
    expect(raster.width).toBe(Math.round((48 * 0.5 * 204) / 24));
  });
});
