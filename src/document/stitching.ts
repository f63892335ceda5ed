/**
 * Stitching: the boxes detected on each tile become one set of page boxes.
 *
 * Boxes are mapped back to page pixels through the plan, then boxes of neighbouring tiles
 * that show the same text are merged (union-find, so chains across several seams join):
 * - the same text seen by both tiles, whole or cut off by a tile's edge: the smaller box lies
 *   mostly (>= 50% of its area) inside the other;
 * - one line cut by a vertical seam: the two pieces overlap in x (both reach into the shared
 *   band) and mostly (>= 60% of the lower one's height) in y.
 * A merged box is the minimum-area rectangle of the pieces' corners. Boxes of one tile are
 * never merged with each other: within a tile, the detector's own separation stands.
 */
import type { DetectedBox } from './db-postprocess.js';
import { type Box, boxArea, boxOfPolygon, intersectionArea, type Point } from './geometry.js';
import { minAreaRect, rectCorners } from './rotated-rect.js';
import { type DetectionPlan, type Tile, tileRegion } from './tiles.js';

/** Share of the smaller box inside the other above which two boxes are the same text. */
const SAME_TEXT_CONTAINMENT = 0.5;
/** Share of the lower box's height two pieces of a line cut by a seam have in common. */
const SAME_LINE_VERTICAL_OVERLAP = 0.6;

interface Placed {
  tile: Tile;
  detected: DetectedBox;
}

/**
 * Page boxes (page pixels) from per-tile detections (tile pixels), merged across seams so
 * that the overlap yields no duplicates and a line crossing a seam becomes one box. Sorted
 * top to bottom, then left to right.
 */
export function stitchTiles(
  plan: DetectionPlan,
  results: Array<{ tile: Tile; boxes: DetectedBox[] }>,
): DetectedBox[] {
  const placed = results.flatMap(({ tile, boxes }) =>
    boxes.map((detected): Placed => ({ tile, detected: toPage(plan, tile, detected) })),
  );
  const groups = mergeGroups(placed);
  return groups
    .map((group) => (group.length === 1 ? (group[0] as Placed).detected : merged(group)))
    .sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
}

function toPage(plan: DetectionPlan, tile: Tile, detected: DetectedBox): DetectedBox {
  const region = tileRegion(plan, tile);
  const polygon = detected.polygon.map(
    ([x, y]): Point => [region.x + x / plan.scale, region.y + y / plan.scale],
  );
  return { polygon, box: boxOfPolygon(polygon), score: detected.score };
}

function mergeGroups(placed: Placed[]): Placed[][] {
  const parent = placed.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      const up = parent[parent[i] as number] as number;
      parent[i] = up;
      i = up;
    }
    return i;
  };

  for (let i = 0; i < placed.length; i++) {
    for (let j = i + 1; j < placed.length; j++) {
      const a = placed[i] as Placed;
      const b = placed[j] as Placed;
      if (!neighbours(a.tile, b.tile)) continue;
      if (sameText(a.detected.box, b.detected.box)) parent[find(j)] = find(i);
    }
  }

  const groups = new Map<number, Placed[]>();
  placed.forEach((item, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), item]);
  });
  return [...groups.values()];
}

function neighbours(a: Tile, b: Tile): boolean {
  return a.index !== b.index && Math.abs(a.row - b.row) <= 1 && Math.abs(a.col - b.col) <= 1;
}

/** Whether two boxes from different tiles show the same text (see the file comment). */
export function sameText(a: Box, b: Box): boolean {
  const inter = intersectionArea(a, b);
  if (inter === 0) return false;
  if (inter >= SAME_TEXT_CONTAINMENT * Math.min(boxArea(a), boxArea(b))) return true;

  const top = Math.max(a.y, b.y);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  return bottom - top >= SAME_LINE_VERTICAL_OVERLAP * Math.min(a.height, b.height);
}

function merged(group: Placed[]): DetectedBox {
  const corners = group.flatMap((item) => item.detected.polygon);
  const polygon = rectCorners(minAreaRect(corners));
  const box = boxOfPolygon(corners);
  const score = Math.max(...group.map((item) => item.detected.score));
  return { polygon, box, score };
}
