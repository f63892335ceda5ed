import { describe, expect, it } from 'vitest';
import type { DetectedBox } from '../../src/document/detection.js';
import { type Box, boxOfPolygon, type Point, polygonOfBox } from '../../src/document/geometry.js';
import { stitchTiles } from '../../src/document/stitching.js';
import { type DetectionPlan, planDetection, type Tile } from '../../src/document/tiles.js';

// A 900 x 900 page at scale 1, 3 x 3 tiles sharing 64 px: seams at 300 and 600, so
// tile columns span [0, 332), [268, 632), [568, 900) and rows likewise.
const plan = planDetection({ width: 900, height: 900 }, { overlap: 64, minTileShare: 0 });

/** What each tile's detector reports for text at `page` boxes: the part inside the tile. */
function seen(layout: DetectionPlan, page: Box[]): Array<{ tile: Tile; boxes: DetectedBox[] }> {
  return layout.tiles.map((tile) => ({
    tile,
    boxes: page.flatMap((box) => {
      const x0 = Math.max(box.x, tile.x);
      const y0 = Math.max(box.y, tile.y);
      const x1 = Math.min(box.x + box.width, tile.x + tile.width);
      const y1 = Math.min(box.y + box.height, tile.y + tile.height);
      if (x1 - x0 < 4 || y1 - y0 < 4) return [];
      const local = { x: x0 - tile.x, y: y0 - tile.y, width: x1 - x0, height: y1 - y0 };
      return [{ polygon: polygonOfBox(local), box: local, score: 0.9 }];
    }),
  }));
}

describe('stitchTiles', () => {
  it('joins the two halves of a line cut by a vertical seam into one box', () => {
    const line = { x: 200, y: 100, width: 250, height: 20 };
    const boxes = stitchTiles(plan, seen(plan, [line]));
    expect(boxes).toHaveLength(1);
    expect(boxes[0]?.box).toEqual(line);
  });

  it('keeps a word that lies in the overlap band once', () => {
    const word = { x: 280, y: 400, width: 40, height: 20 };
    const results = seen(plan, [word]);
    expect(results.filter((r) => r.boxes.length > 0)).toHaveLength(2);
    expect(stitchTiles(plan, results).map((b) => b.box)).toEqual([word]);
  });

  it('keeps a line crossing a horizontal seam once, whole', () => {
    const line = { x: 40, y: 290, width: 200, height: 20 };
    expect(stitchTiles(plan, seen(plan, [line])).map((b) => b.box)).toEqual([line]);
  });

  it('absorbs the sliver a tile sees of a line cut by its bottom edge', () => {
    const line = { x: 40, y: 320, width: 200, height: 30 };
    const results = seen(plan, [line]);
    expect(results[0]?.boxes[0]?.box.height).toBe(12);
    expect(stitchTiles(plan, results).map((b) => b.box)).toEqual([line]);
  });

  it('merges a line crossing two vertical seams into one box', () => {
    const line = { x: 50, y: 700, width: 800, height: 24 };
    expect(stitchTiles(plan, seen(plan, [line])).map((b) => b.box)).toEqual([line]);
  });

  it('leaves two words apart when the gap between them spans the seam', () => {
    const words = [
      { x: 100, y: 100, width: 150, height: 20 },
      { x: 350, y: 100, width: 150, height: 20 },
    ];
    expect(stitchTiles(plan, seen(plan, words)).map((b) => b.box)).toEqual(words);
  });

  it('does not merge two close lines seen by both tiles of a seam', () => {
    const lines = [
      { x: 40, y: 276, width: 200, height: 20 },
      { x: 40, y: 300, width: 200, height: 20 },
    ];
    expect(stitchTiles(plan, seen(plan, lines)).map((b) => b.box)).toEqual(lines);
  });

  it("takes text in an overlap from the tile that owns it, not the neighbour's edge view", () => {
    const word = { x: 310, y: 100, width: 20, height: 20 };
    const [left, middle] = plan.tiles as [Tile, Tile];
    const edgeView = { x: 305 - left.x, y: 98, width: 27, height: 26 };
    const ownView = { x: word.x - middle.x, y: word.y, width: word.width, height: word.height };
    const boxes = stitchTiles(plan, [
      { tile: left, boxes: [{ polygon: polygonOfBox(edgeView), box: edgeView, score: 0.7 }] },
      { tile: middle, boxes: [{ polygon: polygonOfBox(ownView), box: ownView, score: 0.9 }] },
    ]);
    expect(boxes.map((b) => b.box)).toEqual([word]);
  });

  it('joins a line crossing a seam corner, seen by four tiles, into one box', () => {
    const line = { x: 200, y: 290, width: 200, height: 24 };
    expect(stitchTiles(plan, seen(plan, [line])).map((b) => b.box)).toEqual([line]);
  });

  it('returns page pixels through the crop and the scale', () => {
    const cropped = planDetection(
      { width: 5000, height: 7000, content: { x: 1000, y: 2000, width: 2000, height: 3200 } },
      { maxSide: 1600 },
    );
    const tile = cropped.tiles[0] as Tile;
    const local = { x: 10, y: 20, width: 100, height: 16 };
    const [box] = stitchTiles(cropped, [
      { tile, boxes: [{ polygon: polygonOfBox(local), box: local, score: 0.8 }] },
    ]);
    expect(box?.box).toEqual({ x: 1020, y: 2040, width: 200, height: 32 });
    expect(box?.polygon[0]).toEqual([1020, 2040]);
    expect(box?.score).toBe(0.8);
  });

  it('orders page boxes top to bottom', () => {
    const lines = [
      { x: 600, y: 800, width: 100, height: 20 },
      { x: 40, y: 50, width: 100, height: 20 },
      { x: 400, y: 450, width: 100, height: 20 },
    ];
    const ys = stitchTiles(plan, seen(plan, lines)).map((b) => b.box.y);
    expect(ys).toEqual([50, 450, 800]);
  });
});

describe('stitchTiles on tilted text', () => {
  it('keeps four corners, clockwise from the top-left, for a tilted line cut by a seam', () => {
    const layout = planDetection({ width: 900, height: 900 }, { overlap: 64, minTileShare: 0 });
    const [left, middle] = layout.tiles as [Tile, Tile];
    // A line rising 4 degrees to the right, from x 200 to 420, across the seam at x 300.
    const slope = Math.tan((4 * Math.PI) / 180);
    const corners = (x0: number, x1: number, dx: number): DetectedBox['polygon'] => [
      [x0 - dx, 120 - (x0 - 200) * slope],
      [x1 - dx, 120 - (x1 - 200) * slope],
      [x1 - dx, 140 - (x1 - 200) * slope],
      [x0 - dx, 140 - (x0 - 200) * slope],
    ];
    const piece = (x0: number, x1: number, tile: Tile): DetectedBox => {
      const polygon = corners(x0, x1, tile.x);
      return { polygon, box: boxOfPolygon(polygon), score: 0.9 };
    };
    const [line] = stitchTiles(layout, [
      { tile: left, boxes: [piece(200, 332, left)] },
      { tile: middle, boxes: [piece(268, 420, middle)] },
    ]);
    const polygon = line?.polygon ?? [];
    expect(polygon).toHaveLength(4);
    const [tl, tr, br, bl] = polygon as [Point, Point, Point, Point];
    expect(Math.abs(tl[0] - 200)).toBeLessThan(3);
    expect(Math.abs(tr[0] - 420)).toBeLessThan(3);
    expect(tr[1]).toBeLessThan(tl[1]);
    expect(br[1]).toBeGreaterThan(tr[1]);
    expect(bl[0]).toBeLessThan(br[0]);
  });
});

describe('stitchTiles on a form with tight, slightly tilted lines', () => {
  // Seven lines 15 px high, 13 px apart, rising 1 degree to the right across the vertical
  // seam at x 300: the box of each piece is taller than its line, and the boxes of
  // neighbouring lines overlap by more than half, as on a scanned form.
  const slope = Math.tan((1 * Math.PI) / 180);
  const lines = Array.from({ length: 7 }, (_, i) => ({ x0: 120, x1: 560, y: 200 + 13 * i }));
  const top = (line: { x0: number; y: number }, x: number) => line.y - (x - line.x0) * slope;
  const view = (tile: Tile, line: (typeof lines)[number]): DetectedBox[] => {
    const x0 = Math.max(line.x0, tile.x);
    const x1 = Math.min(line.x1, tile.x + tile.width);
    if (x1 - x0 < 4 || top(line, x1) < tile.y || top(line, x0) + 15 > tile.y + tile.height) {
      return [];
    }
    const polygon: DetectedBox['polygon'] = [
      [x0 - tile.x, top(line, x0) - tile.y],
      [x1 - tile.x, top(line, x1) - tile.y],
      [x1 - tile.x, top(line, x1) + 15 - tile.y],
      [x0 - tile.x, top(line, x0) + 15 - tile.y],
    ];
    return [{ polygon, box: boxOfPolygon(polygon), score: 0.9 }];
  };

  it('joins each line with its own other half, never with its neighbour', () => {
    const results = plan.tiles.map((tile) => ({
      tile,
      boxes: lines.flatMap((line) => view(tile, line)),
    }));
    const boxes = stitchTiles(plan, results);
    expect(boxes).toHaveLength(lines.length);
    for (const box of boxes) {
      expect(box.box.width).toBeGreaterThan(430);
      expect(box.box.height).toBeLessThan(15 + 440 * slope + 1);
    }
  });
});

describe('stitchTiles at a horizontal seam between stacked lines', () => {
  it('does not join a line whose box grazes the seam to the line below that crosses it', () => {
    // The upper line's box reaches 2 px past the seam at y 300; the lower line crosses it.
    const lines = [
      { x: 40, y: 280, width: 150, height: 22 },
      { x: 40, y: 294, width: 200, height: 20 },
    ];
    expect(stitchTiles(plan, seen(plan, lines)).map((b) => b.box)).toEqual(lines);
  });
});
