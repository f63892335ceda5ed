import { describe, expect, it } from 'vitest';
import type { DetectedBox } from '../../src/document/detection.js';
import { type Box, polygonOfBox } from '../../src/document/geometry.js';
import { lineDirection, rotateRaster } from '../../src/document/orientation.js';
import type { Raster } from '../../src/document/raster.js';

function detected(boxes: Box[]): DetectedBox[] {
  return boxes.map((box) => ({ box, polygon: polygonOfBox(box), score: 0.9 }));
}

describe('lineDirection', () => {
  it('reads lines wider than tall as text running across', () => {
    const boxes = detected([0, 1, 2, 3].map((i) => ({ x: 10, y: i * 30, width: 200, height: 20 })));
    expect(lineDirection(boxes)).toBe('across');
  });

  it('reads lines taller than wide as a page on its side', () => {
    const boxes = detected([0, 1, 2, 3].map((i) => ({ x: i * 30, y: 10, width: 20, height: 240 })));
    expect(lineDirection(boxes)).toBe('down');
  });

  it('weighs boxes by length so a few long lines outvote many short digits', () => {
    const lines = [0, 1, 2].map((i) => ({ x: 10, y: i * 30, width: 400, height: 20 }));
    const digits = [0, 1, 2, 3, 4].map((i) => ({ x: 500, y: i * 40, width: 10, height: 24 }));
    expect(lineDirection(detected([...lines, ...digits]))).toBe('across');
  });

  it('says nothing about a page with too few elongated boxes', () => {
    const boxes = detected([
      { x: 0, y: 0, width: 30, height: 30 },
      { x: 0, y: 40, width: 200, height: 20 },
    ]);
    expect(lineDirection(boxes)).toBe('unknown');
  });
});

describe('rotateRaster', () => {
  // 3 x 2 gray raster:  1 2 3
  //                     4 5 6
  const raster: Raster = {
    width: 3,
    height: 2,
    channels: 1,
    data: Buffer.from([1, 2, 3, 4, 5, 6]),
  };

  it('turns a raster a quarter clockwise', async () => {
    const turned = await rotateRaster(raster, 90);
    expect([turned.width, turned.height, turned.channels]).toEqual([2, 3, 1]);
    expect([...turned.data]).toEqual([4, 1, 5, 2, 6, 3]);
  });

  it('turns a raster upside down', async () => {
    const turned = await rotateRaster(raster, 180);
    expect([...turned.data]).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it('returns the same raster for no rotation', async () => {
    expect(await rotateRaster(raster, 0)).toBe(raster);
  });
});
