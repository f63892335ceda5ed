import { describe, expect, it } from 'vitest';
import type { Point } from '../../src/document/geometry.js';
import {
  convexHull,
  expandRect,
  minAreaRect,
  rectCorners,
} from '../../src/document/rotated-rect.js';

function rotated(points: Point[], degrees: number): Point[] {
  const a = (degrees * Math.PI) / 180;
  return points.map(([x, y]) => [
    x * Math.cos(a) - y * Math.sin(a),
    x * Math.sin(a) + y * Math.cos(a),
  ]);
}

describe('convexHull', () => {
  it('drops the points inside and keeps the corners', () => {
    const hull = convexHull([
      [0, 0],
      [4, 0],
      [2, 1],
      [4, 3],
      [0, 3],
      [1, 2],
    ]);
    expect(hull).toHaveLength(4);
    expect(hull).toEqual(
      expect.arrayContaining([
        [0, 0],
        [4, 0],
        [4, 3],
        [0, 3],
      ]),
    );
  });
});

describe('minAreaRect', () => {
  it('fits an axis-aligned rectangle exactly, the long side as width', () => {
    const rect = minAreaRect([
      [10, 20],
      [110, 20],
      [110, 40],
      [10, 40],
      [50, 30],
    ]);
    expect(rect.width).toBeCloseTo(100);
    expect(rect.height).toBeCloseTo(20);
    expect(rect.cx).toBeCloseTo(60);
    expect(rect.cy).toBeCloseTo(30);
  });

  it('recovers the angle and sides of a line tilted by 10 degrees', () => {
    const corners = rotated(
      [
        [0, 0],
        [200, 0],
        [200, 30],
        [0, 30],
      ],
      10,
    );
    const rect = minAreaRect(corners);
    expect(rect.width).toBeCloseTo(200);
    expect(rect.height).toBeCloseTo(30);
    expect((Math.atan2(rect.uy, rect.ux) * 180) / Math.PI).toBeCloseTo(10);
  });

  it('keeps the text line as height when the line stands upright', () => {
    const rect = minAreaRect([
      [0, 0],
      [20, 0],
      [20, 300],
      [0, 300],
    ]);
    expect(rect.width).toBeCloseTo(20);
    expect(rect.height).toBeCloseTo(300);
  });
});

describe('rectCorners', () => {
  it('lists the corners clockwise from the top-left', () => {
    const corners = rectCorners({ cx: 50, cy: 10, ux: 1, uy: 0, width: 100, height: 20 });
    expect(corners).toEqual([
      [0, 0],
      [100, 0],
      [100, 20],
      [0, 20],
    ]);
  });

  it('grows a rectangle by the same distance on every side', () => {
    const grown = expandRect({ cx: 50, cy: 10, ux: 1, uy: 0, width: 100, height: 20 }, 5);
    expect(rectCorners(grown)[0]).toEqual([-5, -5]);
    expect(rectCorners(grown)[2]).toEqual([105, 25]);
  });
});
