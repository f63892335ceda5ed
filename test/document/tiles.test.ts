import { describe, expect, it } from 'vitest';
import type { Raster } from '../../src/document/raster.js';
import { cutTile, planDetection, type Tile, tileRegion } from '../../src/document/tiles.js';

/** A page whose gray level encodes position: x / 10 + y / 30 (under 256 up to 1200 x 3000). */
function gradientPage(width: number, height: number): Raster {
  const data = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++)
      data[y * width + x] = Math.min(255, Math.floor(x / 10 + y / 30));
  }
  return { width, height, channels: 1, data };
}

function spansOf(tiles: Tile[], axis: 'x' | 'y'): Array<[number, number]> {
  const size = axis === 'x' ? 'width' : 'height';
  const key = axis === 'x' ? 'col' : 'row';
  const seen = new Map<number, [number, number]>();
  for (const tile of tiles) seen.set(tile[key], [tile[axis], tile[axis] + tile[size]]);
  return [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([, span]) => span);
}

describe('planDetection', () => {
  it('scales an A4 page to the 1600 px longest side and cuts it 3 x 3', () => {
    const plan = planDetection({ width: 2480, height: 3508 });
    expect(plan.scale).toBeCloseTo(1600 / 3508);
    expect([plan.width, plan.height]).toEqual([1131, 1600]);
    expect(plan.tiles).toHaveLength(9);
    expect(plan.crop).toBeUndefined();
  });

  it('gives a narrow receipt fewer columns, each tile owning at least 320 px', () => {
    const plan = planDetection({ width: 900, height: 2000 });
    expect([plan.width, plan.height]).toEqual([720, 1600]);
    expect(new Set(plan.tiles.map((t) => t.col)).size).toBe(2);
    expect(new Set(plan.tiles.map((t) => t.row)).size).toBe(3);
  });

  it('forces the full grid when minTileShare is 0', () => {
    const plan = planDetection({ width: 900, height: 2000 }, { minTileShare: 0 });
    expect(plan.tiles).toHaveLength(9);
  });

  it('never enlarges a page already smaller than the bound', () => {
    const plan = planDetection({ width: 463, height: 1013 });
    expect(plan.scale).toBe(1);
    expect([plan.width, plan.height]).toEqual([463, 1013]);
  });

  it('covers the image edge to edge with neighbours sharing exactly the overlap', () => {
    const plan = planDetection({ width: 900, height: 2000 }, { overlap: 48, minTileShare: 0 });
    for (const axis of ['x', 'y'] as const) {
      const spans = spansOf(plan.tiles, axis);
      expect(spans[0]?.[0]).toBe(0);
      expect(spans.at(-1)?.[1]).toBe(axis === 'x' ? plan.width : plan.height);
      for (let i = 1; i < spans.length; i++) {
        expect((spans[i - 1]?.[1] ?? 0) - (spans[i]?.[0] ?? 0)).toBe(48);
      }
    }
  });

  it('bounds the area of the detection image by maxPixels', () => {
    const plan = planDetection(
      { width: 2480, height: 3508 },
      { maxSide: 4000, maxPixels: 1_000_000 },
    );
    expect(plan.width * plan.height).toBeLessThanOrEqual(1_000_000);
    expect(plan.width * plan.height).toBeGreaterThan(990_000);
  });

  it('scales the content box, not the page, when one is given', () => {
    const content = { x: 1500.4, y: 2000, width: 1800, height: 3000.2 };
    const plan = planDetection({ width: 4961, height: 7016, content });
    expect(plan.crop).toEqual({ x: 1500, y: 2000, width: 1801, height: 3001 });
    expect(plan.scale).toBeCloseTo(1600 / 3001);
    expect(plan.height).toBe(1600);
  });

  it('never makes a tile own less than the overlap, even when the grid is forced', () => {
    const plan = planDetection({ width: 100, height: 300 }, { overlap: 64, minTileShare: 0 });
    expect(new Set(plan.tiles.map((t) => t.col)).size).toBe(1);
    expect(new Set(plan.tiles.map((t) => t.row)).size).toBe(3);
  });

  it('honours a 1 x 1 grid as detection without tiles', () => {
    const plan = planDetection({ width: 900, height: 2000 }, { grid: { rows: 1, cols: 1 } });
    expect(plan.tiles).toEqual([
      { index: 0, row: 0, col: 0, x: 0, y: 0, width: 720, height: 1600 },
    ]);
  });

  it.each([
    [{ grid: { rows: 0, cols: 3 } }],
    [{ grid: { rows: 3, cols: 2.5 } }],
    [{ overlap: -1 }],
    [{ maxSide: 10 }],
    [{ minTileShare: -5 }],
  ])('rejects out-of-range options %j with INVALID_OPTION', (options) => {
    expect(() => planDetection({ width: 900, height: 2000 }, options)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});

describe('tileRegion', () => {
  it('maps a tile back through the crop and the scale', () => {
    const plan = planDetection(
      { width: 4000, height: 4000, content: { x: 1000, y: 500, width: 2000, height: 3200 } },
      { maxSide: 1600 },
    );
    const tile = plan.tiles[4] as Tile;
    const region = tileRegion(plan, tile);
    expect(region.x).toBeCloseTo(1000 + tile.x * 2);
    expect(region.y).toBeCloseTo(500 + tile.y * 2);
    expect(region.width).toBeCloseTo(tile.width * 2);
  });
});

describe('cutTile', () => {
  it('copies the exact pixels of a tile when the plan does not scale', async () => {
    const page = gradientPage(300, 400);
    const plan = planDetection(page, { minTileShare: 0 });
    const tile = plan.tiles[4] as Tile;

    const cut = await cutTile(page, plan, tile);

    expect([cut.width, cut.height, cut.channels]).toEqual([tile.width, tile.height, 1]);
    for (const [x, y] of [
      [0, 0],
      [tile.width - 1, tile.height - 1],
      [17, 23],
    ] as const) {
      expect(cut.data[y * cut.width + x]).toBe(page.data[(tile.y + y) * page.width + tile.x + x]);
    }
  });

  it('cuts a scaled tile from the page region it stands for', async () => {
    const page = gradientPage(1200, 3000);
    const plan = planDetection(page, { maxSide: 1500, minTileShare: 0 });
    const tile = plan.tiles[4] as Tile;

    const cut = await cutTile(page, plan, tile);

    expect([cut.width, cut.height]).toEqual([tile.width, tile.height]);
    const region = tileRegion(plan, tile);
    const x = 40;
    const y = 60;
    const pageX = Math.round(region.x + x / plan.scale);
    const pageY = Math.round(region.y + y / plan.scale);
    const expected = page.data[pageY * page.width + pageX] as number;
    expect(Math.abs((cut.data[y * cut.width + x] as number) - expected)).toBeLessThanOrEqual(2);
  });
});
