/**
 * Stitching: the boxes detected on each tile become one set of page boxes.
 *
 * Each tile owns its share of the page: the part between the seams, which run down the
 * middle of the overlaps. A tile's boxes are mapped to page pixels and clipped to its share,
 * so text in an overlap is kept from one tile only (no duplicates) and always from the tile
 * that sees it at least half an overlap away from its edge (where the detector, which reads
 * context, is reliable). A line crossing a seam leaves one piece on each side, both clipped
 * at that seam; pieces clipped at the same seam that face each other (overlapping by half
 * the smaller across the seam's direction) are joined (union-find, so a line crossing two
 * seams becomes one box). A joined box is the minimum-area rectangle of its pieces.
 */
import type { DetectedBox } from './db-postprocess.js';
import { type Box, boxOfPolygon, type Point, type Polygon } from './geometry.js';
import { minAreaRect, rectCorners } from './rotated-rect.js';
import { type DetectionPlan, type Tile, tileRegion } from './tiles.js';

/** Pieces facing each other across a seam overlap by at least this share of the smaller. */
const FACING_OVERLAP = 0.5;
/** A piece thinner than this (page pixels) across the seam is an edge sliver, dropped. */
const MIN_PIECE = 2;

/** A tile's share of the page, in page pixels. */
interface Share {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

interface Piece {
  tile: Tile;
  detected: DetectedBox;
  /** Which sides were cut at a seam. */
  cut: { left: boolean; right: boolean; top: boolean; bottom: boolean };
}

/**
 * Page boxes (page pixels) from per-tile detections (tile pixels): no duplicates from the
 * overlaps, and a line crossing a seam as one box. Sorted top to bottom, then left to right.
 */
export function stitchTiles(
  plan: DetectionPlan,
  results: Array<{ tile: Tile; boxes: DetectedBox[] }>,
): DetectedBox[] {
  const shares = tileShares(plan);
  const pieces = results.flatMap(({ tile, boxes }) =>
    boxes.flatMap((detected) => {
      const piece = clipToShare(toPage(plan, tile, detected), tile, shares.get(tile.index));
      return piece ? [piece] : [];
    }),
  );
  return joinAcrossSeams(pieces)
    .map((group) => (group.length === 1 ? (group[0] as Piece).detected : joined(group)))
    .sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
}

function toPage(plan: DetectionPlan, tile: Tile, detected: DetectedBox): DetectedBox {
  const region = tileRegion(plan, tile);
  const polygon = detected.polygon.map(
    ([x, y]): Point => [region.x + x / plan.scale, region.y + y / plan.scale],
  );
  return { polygon, box: boxOfPolygon(polygon), score: detected.score };
}

/**
 * Each tile's share in page pixels: seams halfway across each overlap; the outer sides of
 * edge tiles are unbounded.
 */
function tileShares(plan: DetectionPlan): Map<number, Share> {
  const seamX = seams(plan.tiles, 'col', 'x', 'width');
  const seamY = seams(plan.tiles, 'row', 'y', 'height');
  const toPageX = (x: number) => (plan.crop?.x ?? 0) + x / plan.scale;
  const toPageY = (y: number) => (plan.crop?.y ?? 0) + y / plan.scale;
  return new Map(
    plan.tiles.map((tile) => [
      tile.index,
      {
        x0: tile.col === 0 ? -Infinity : toPageX(seamX.get(tile.col - 1) as number),
        x1: seamX.has(tile.col) ? toPageX(seamX.get(tile.col) as number) : Infinity,
        y0: tile.row === 0 ? -Infinity : toPageY(seamY.get(tile.row - 1) as number),
        y1: seamY.has(tile.row) ? toPageY(seamY.get(tile.row) as number) : Infinity,
      },
    ]),
  );
}

/** Seam i runs between column (or row) i and i + 1, in detection pixels. */
function seams(
  tiles: Tile[],
  key: 'col' | 'row',
  start: 'x' | 'y',
  size: 'width' | 'height',
): Map<number, number> {
  const spans = new Map<number, [number, number]>();
  for (const tile of tiles) spans.set(tile[key], [tile[start], tile[start] + tile[size]]);
  const result = new Map<number, number>();
  for (const [i, [, end]] of spans) {
    const next = spans.get(i + 1);
    if (next) result.set(i, (next[0] + end) / 2);
  }
  return result;
}

function clipToShare(
  detected: DetectedBox,
  tile: Tile,
  share: Share | undefined,
): Piece | undefined {
  if (!share) return undefined;
  const { box } = detected;
  const cut = {
    left: box.x < share.x0,
    right: box.x + box.width > share.x1,
    top: box.y < share.y0,
    bottom: box.y + box.height > share.y1,
  };
  if (!(cut.left || cut.right || cut.top || cut.bottom)) return { tile, detected, cut };

  const points = clipPolygon(detected.polygon, share);
  if (points.length < 3) return undefined;
  const clipped = boxOfPolygon(points);
  if (clipped.width < MIN_PIECE || clipped.height < MIN_PIECE) return undefined;
  // A clipped quadrilateral may have up to 8 corners: back to four, clockwise from top-left.
  const polygon = rectCorners(minAreaRect(points));
  return { tile, detected: { polygon, box: clipped, score: detected.score }, cut };
}

/** The part of a convex polygon inside a share (Sutherland-Hodgman, one side at a time). */
function clipPolygon(polygon: Polygon, share: Share): Polygon {
  // Signed distance inside each side of the share: >= 0 is kept.
  const sides: Array<(p: Point) => number> = [
    (p) => p[0] - share.x0,
    (p) => share.x1 - p[0],
    (p) => p[1] - share.y0,
    (p) => share.y1 - p[1],
  ];
  let points = polygon;
  for (const inside of sides) {
    const next: Point[] = [];
    points.forEach((current, i) => {
      const previous = points[(i + points.length - 1) % points.length] as Point;
      const a = inside(previous);
      const b = inside(current);
      if (b >= 0 && a < 0) next.push(crossing(previous, current, a, b));
      if (b >= 0) next.push(current);
      else if (a >= 0) next.push(crossing(previous, current, a, b));
    });
    points = next;
    if (points.length === 0) break;
  }
  return points;
}

function crossing(p: Point, q: Point, a: number, b: number): Point {
  const t = a / (a - b);
  return [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
}

function joinAcrossSeams(pieces: Piece[]): Piece[][] {
  const parent = pieces.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      const up = parent[parent[i] as number] as number;
      parent[i] = up;
      i = up;
    }
    return i;
  };

  for (let i = 0; i < pieces.length; i++) {
    for (let j = i + 1; j < pieces.length; j++) {
      if (facing(pieces[i] as Piece, pieces[j] as Piece)) parent[find(j)] = find(i);
    }
  }

  const groups = new Map<number, Piece[]>();
  pieces.forEach((piece, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), piece]);
  });
  return [...groups.values()];
}

/** Whether two pieces are the two sides of one text cut by the seam between their tiles. */
function facing(a: Piece, b: Piece): boolean {
  const [first, second] = a.tile.index < b.tile.index ? [a, b] : [b, a];
  const { row: r1, col: c1 } = first.tile;
  const { row: r2, col: c2 } = second.tile;
  if (r1 === r2 && c2 === c1 + 1 && first.cut.right && second.cut.left) {
    return overlapShare(first.detected.box, second.detected.box, 'y', 'height') >= FACING_OVERLAP;
  }
  if (c1 === c2 && r2 === r1 + 1 && first.cut.bottom && second.cut.top) {
    return overlapShare(first.detected.box, second.detected.box, 'x', 'width') >= FACING_OVERLAP;
  }
  return false;
}

function overlapShare(a: Box, b: Box, start: 'x' | 'y', size: 'width' | 'height'): number {
  const overlap = Math.min(a[start] + a[size], b[start] + b[size]) - Math.max(a[start], b[start]);
  return overlap / Math.min(a[size], b[size]);
}

function joined(group: Piece[]): DetectedBox {
  const corners = group.flatMap((piece) => piece.detected.polygon);
  const polygon = rectCorners(minAreaRect(corners));
  const box = boxOfPolygon(corners);
  const score = Math.max(...group.map((piece) => piece.detected.score));
  return { polygon, box, score };
}
