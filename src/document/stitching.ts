/**
 * Stitching: the boxes detected on each tile become one set of page boxes.
 *
 * Each tile owns its share of the page: the part between the seams, which run down the
 * middle of the overlaps. A tile's boxes are mapped to page pixels and clipped to its share,
 * so text in an overlap is kept from one tile only (no duplicates) and always from the tile
 * that sees it at least half an overlap away from its edge (where the detector, which reads
 * context, is reliable). A line crossing a seam leaves one piece on each side, both clipped
 * at that seam; pieces clipped at the same seam that face each other are joined
 * (union-find, so a line crossing two seams becomes one box). A joined box is the
 * minimum-area rectangle of its pieces.
 *
 * Facing is judged where the pieces meet: by the span each piece covers on the seam itself,
 * not by its whole box. A line tilted by a degree or two has a box several pixels taller than
 * the line; on a form with tight line spacing the boxes of neighbouring lines then overlap by
 * half, and judged by boxes, the left half of one line joined the right half of the next, and
 * chains of such joins fused whole paragraphs into one box that the recognizer could not read
 * (FUNSD 0000971160: 4 lines in one box). On the seam, the spans of neighbouring lines barely
 * touch. A line crosses a vertical seam once, so across one each cut side is joined to at
 * most one piece, the best-facing first. Across a horizontal seam the two tiles may split a
 * line into words differently, so every facing piece is joined; but lines stacked above each
 * other cover the same stretch of such a seam, and a line whose box merely grazes the seam
 * would join the next line's halves (FUNSD 0000971160: "Manager Comments:" and the line
 * under it). Both tiles see a line near a horizontal seam (it lies in their overlap), so
 * pieces facing across one must also come from boxes at the same height: their unclipped
 * boxes' vertical extents overlap by at least half the shorter. Not more: near its edge a
 * tile sees a line's height poorly (SROIE 078: "Pax", 31 px high, seen 40 px high by one
 * tile and 19 by the other).
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

type Side = 'left' | 'right' | 'top' | 'bottom';

/** Where a piece lies on a seam: [from, to] along the seam (y on a vertical one). */
type Span = [number, number];

interface Piece {
  tile: Tile;
  detected: DetectedBox;
  /** Which sides were cut at a seam. */
  cut: Record<Side, boolean>;
  /** The piece's span on each seam it was cut at. */
  spans: Partial<Record<Side, Span>>;
  /** The tile's box before clipping, in page pixels. */
  whole: Box;
}

/**
 * Pieces facing across a horizontal seam come from boxes whose vertical extents overlap by at
 * least this share of the shorter (the same line seen by both tiles).
 */
const SAME_LEVEL = 0.5;
/** Seam positions closer than this (page pixels) are on the seam: clipping's rounding. */
const ON_SEAM = 1e-6;

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
  if (!(cut.left || cut.right || cut.top || cut.bottom))
    return { tile, detected, cut, spans: {}, whole: box };

  const points = clipPolygon(detected.polygon, share);
  if (points.length < 3) return undefined;
  const clipped = boxOfPolygon(points);
  if (clipped.width < MIN_PIECE || clipped.height < MIN_PIECE) return undefined;
  // A clipped quadrilateral may have up to 8 corners: back to four, clockwise from top-left.
  const polygon = rectCorners(minAreaRect(points));
  const detectedPiece = { polygon, box: clipped, score: detected.score };
  const spans = seamSpans(points, cut, share);
  return { tile, detected: detectedPiece, cut, spans, whole: box };
}

/** The span of the clipped polygon on each seam it was cut at. */
function seamSpans(points: Polygon, cut: Piece['cut'], share: Share): Piece['spans'] {
  const along = (axis: 0 | 1, at: number): Span | undefined => {
    const on = points.filter((p) => Math.abs(p[axis] - at) <= ON_SEAM * Math.max(1, Math.abs(at)));
    if (on.length === 0) return undefined;
    const values = on.map((p) => p[1 - axis] as number);
    return [Math.min(...values), Math.max(...values)];
  };
  const spans: Piece['spans'] = {};
  if (cut.left) spans.left = along(0, share.x0);
  if (cut.right) spans.right = along(0, share.x1);
  if (cut.top) spans.top = along(1, share.y0);
  if (cut.bottom) spans.bottom = along(1, share.y1);
  return spans;
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

  for (const [i, j] of facingPairs(pieces)) parent[find(j)] = find(i);

  const groups = new Map<number, Piece[]>();
  pieces.forEach((piece, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), piece]);
  });
  return [...groups.values()];
}

/**
 * The pairs of pieces to join: every facing pair across a horizontal seam; across a vertical
 * seam, the best-facing pairs first, each cut side taken once.
 */
function facingPairs(pieces: Piece[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  const sideways: Array<{ i: number; j: number; share: number }> = [];
  for (let i = 0; i < pieces.length; i++) {
    for (let j = i + 1; j < pieces.length; j++) {
      const face = facing(pieces[i] as Piece, pieces[j] as Piece);
      if (!face || face.share < FACING_OVERLAP) continue;
      if (face.seam === 'vertical') sideways.push({ i, j, share: face.share });
      else pairs.push([i, j]);
    }
  }

  const taken = new Set<string>();
  sideways.sort((a, b) => b.share - a.share);
  for (const { i, j } of sideways) {
    const [left, right] = pieceOrder(pieces, i, j);
    if (taken.has(`${left}:right`) || taken.has(`${right}:left`)) continue;
    taken.add(`${left}:right`);
    taken.add(`${right}:left`);
    pairs.push([i, j]);
  }
  return pairs;
}

/** Pieces i and j, the one of the lower tile index (left or upper) first. */
function pieceOrder(pieces: Piece[], i: number, j: number): [number, number] {
  return (pieces[i] as Piece).tile.index < (pieces[j] as Piece).tile.index ? [i, j] : [j, i];
}

/**
 * Whether two pieces are the two sides of one text cut by the seam between their tiles, and
 * how well their spans on that seam overlap (a share of the shorter span).
 */
function facing(
  a: Piece,
  b: Piece,
): { seam: 'vertical' | 'horizontal'; share: number } | undefined {
  const [first, second] = a.tile.index < b.tile.index ? [a, b] : [b, a];
  const { row: r1, col: c1 } = first.tile;
  const { row: r2, col: c2 } = second.tile;
  if (r1 === r2 && c2 === c1 + 1 && first.cut.right && second.cut.left) {
    return { seam: 'vertical', share: spanOverlap(first.spans.right, second.spans.left) };
  }
  if (c1 === c2 && r2 === r1 + 1 && first.cut.bottom && second.cut.top) {
    const level = extentOverlap(first.whole, second.whole, 'y', 'height');
    if (level < SAME_LEVEL) return undefined;
    return { seam: 'horizontal', share: spanOverlap(first.spans.bottom, second.spans.top) };
  }
  return undefined;
}

function extentOverlap(a: Box, b: Box, start: 'x' | 'y', size: 'width' | 'height'): number {
  const overlap = Math.min(a[start] + a[size], b[start] + b[size]) - Math.max(a[start], b[start]);
  const shorter = Math.min(a[size], b[size]);
  return overlap <= 0 || shorter <= 0 ? 0 : overlap / shorter;
}

function spanOverlap(a: Span | undefined, b: Span | undefined): number {
  if (!(a && b)) return 0;
  const overlap = Math.min(a[1], b[1]) - Math.max(a[0], b[0]);
  const shorter = Math.min(a[1] - a[0], b[1] - b[0]);
  if (shorter <= 0) return overlap >= 0 ? 1 : 0;
  return overlap / shorter;
}

function joined(group: Piece[]): DetectedBox {
  const corners = group.flatMap((piece) => piece.detected.polygon);
  const polygon = rectCorners(minAreaRect(corners));
  const box = boxOfPolygon(corners);
  const score = Math.max(...group.map((piece) => piece.detected.score));
  return { polygon, box, score };
}
