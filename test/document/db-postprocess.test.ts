import { describe, expect, it } from 'vitest';
import {
  boxesFromProbabilityMap,
  labelRegions,
  type MapTarget,
  type ProbabilityMap,
} from '../../src/document/db-postprocess.js';

function blankMap(width: number, height: number): ProbabilityMap {
  return { data: new Float32Array(width * height), width, height };
}

function paint(map: ProbabilityMap, x0: number, y0: number, x1: number, y1: number, p: number) {
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) map.data[y * map.width + x] = p;
}

function identity(map: ProbabilityMap): MapTarget {
  const { width, height } = map;
  return { validWidth: width, validHeight: height, scaleX: 1, scaleY: 1, width, height };
}

describe('boxesFromProbabilityMap', () => {
  it('turns a confident region into a box grown by the unclip distance', () => {
    const map = blankMap(100, 60);
    paint(map, 10, 10, 59, 19, 0.9);

    const [box, ...rest] = boxesFromProbabilityMap(map, identity(map));

    // Pixel centres span 49 x 9; unclip grows each side by area * 1.5 / perimeter.
    const d = (49 * 9 * 1.5) / (2 * (49 + 9));
    expect(rest).toHaveLength(0);
    expect(box?.score).toBeCloseTo(0.9, 2);
    expect(box?.box.x).toBeCloseTo(10 - d);
    expect(box?.box.y).toBeCloseTo(10 - d);
    expect(box?.box.width).toBeCloseTo(49 + 2 * d);
    expect(box?.box.height).toBeCloseTo(9 + 2 * d);
    expect(box?.polygon[0]).toEqual([box?.box.x, box?.box.y]);
  });

  it('drops a region whose mean probability is under the box threshold', () => {
    const map = blankMap(100, 60);
    paint(map, 10, 10, 59, 19, 0.5);
    expect(boxesFromProbabilityMap(map, identity(map))).toHaveLength(0);
    expect(boxesFromProbabilityMap(map, identity(map), { boxThreshold: 0.4 })).toHaveLength(1);
  });

  it('drops a region thinner than the minimum size as noise', () => {
    const map = blankMap(100, 60);
    paint(map, 10, 10, 59, 11, 0.9);
    expect(boxesFromProbabilityMap(map, identity(map))).toHaveLength(0);
  });

  it('keeps two lines apart and orders nothing away', () => {
    const map = blankMap(100, 60);
    paint(map, 10, 10, 59, 19, 0.9);
    paint(map, 10, 35, 80, 44, 0.8);
    const boxes = boxesFromProbabilityMap(map, identity(map));
    expect(boxes).toHaveLength(2);
    expect(boxes.map((b) => b.score.toFixed(1)).sort()).toEqual(['0.8', '0.9']);
  });

  it('ignores the padding beyond the valid part of the map', () => {
    const map = blankMap(100, 64);
    paint(map, 10, 50, 90, 60, 0.9);
    const target = { ...identity(map), validHeight: 40, height: 40 };
    expect(boxesFromProbabilityMap(map, target)).toHaveLength(0);
  });

  it('maps boxes to the output pixels and clips them to the image', () => {
    const map = blankMap(100, 60);
    paint(map, 0, 0, 49, 9, 0.9);
    const target = {
      validWidth: 100,
      validHeight: 60,
      scaleX: 2,
      scaleY: 2,
      width: 200,
      height: 120,
    };
    const [box] = boxesFromProbabilityMap(map, target);
    expect(box?.box.x).toBe(0);
    expect(box?.box.y).toBe(0);
    const d = (49 * 9 * 1.5) / (2 * (49 + 9));
    expect(box?.box.width).toBeCloseTo((49 + d) * 2);
  });

  it('follows a tilted line with a tilted polygon', () => {
    const map = blankMap(200, 120);
    for (let x = 20; x < 180; x++) {
      const y = Math.round(30 + (x - 20) * 0.25);
      paint(map, x, y, x, y + 9, 0.9);
    }
    const [box] = boxesFromProbabilityMap(map, identity(map));
    const [tl, tr] = box?.polygon ?? [];
    const angle =
      (Math.atan2((tr?.[1] ?? 0) - (tl?.[1] ?? 0), (tr?.[0] ?? 0) - (tl?.[0] ?? 0)) * 180) /
      Math.PI;
    expect(angle).toBeCloseTo((Math.atan(0.25) * 180) / Math.PI, 0);
  });
});

describe('labelRegions', () => {
  it('joins pixels that touch only at a corner (8-connectivity)', () => {
    const map = blankMap(10, 10);
    paint(map, 1, 1, 2, 2, 0.9);
    paint(map, 3, 3, 4, 4, 0.9);
    paint(map, 7, 1, 8, 2, 0.9);
    expect(labelRegions(map, identity(map), 0.3)).toHaveLength(2);
  });

  it('joins a U shape whose arms meet only at the bottom', () => {
    const map = blankMap(10, 10);
    paint(map, 1, 1, 1, 8, 0.9);
    paint(map, 8, 1, 8, 8, 0.9);
    paint(map, 1, 8, 8, 8, 0.9);
    expect(labelRegions(map, identity(map), 0.3)).toHaveLength(1);
  });
});

describe('boxesFromProbabilityMap with dilation', () => {
  it('keeps a glyph whose kernel is only three pixels wide', () => {
    const map = blankMap(60, 60);
    paint(map, 20, 10, 22, 40, 0.9);
    expect(boxesFromProbabilityMap(map, identity(map))).toHaveLength(0);
    expect(boxesFromProbabilityMap(map, identity(map), { dilate: true })).toHaveLength(1);
  });
});
