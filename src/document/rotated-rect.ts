/**
 * Convex hull and minimum-area (rotated) rectangle of a point set, the two pieces of
 * computational geometry the DB post-processing needs in place of OpenCV's `minAreaRect`.
 */
import type { Point, Polygon } from './geometry.js';

/** A rectangle of any rotation: its centre, the unit vector of its `width` side, its sides. */
export interface RotatedRect {
  cx: number;
  cy: number;
  /** Unit vector along the `width` side. The `height` side is perpendicular to it. */
  ux: number;
  uy: number;
  width: number;
  height: number;
}

/** Convex hull by Andrew's monotone chain, counter-clockwise in y-down image coordinates. */
export function convexHull(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (sorted.length < 3) return sorted;

  const lower = halfHull(sorted);
  const upper = halfHull(sorted.reverse());
  lower.pop();
  upper.pop();
  return [...lower, ...upper];
}

function halfHull(sorted: readonly Point[]): Point[] {
  const hull: Point[] = [];
  for (const p of sorted) {
    while (hull.length >= 2 && cross(hull.at(-2) as Point, hull.at(-1) as Point, p) <= 0) {
      hull.pop();
    }
    hull.push(p);
  }
  return hull;
}

function cross(o: Point, a: Point, b: Point): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/**
 * The rectangle of least area holding every point. Its sides are parallel to one hull edge
 * (rotating calipers), so trying each edge direction is exact. `width` is the side closer to
 * horizontal, which is what a text line's length is.
 */
export function minAreaRect(points: readonly Point[]): RotatedRect {
  const hull = convexHull(points);
  if (hull.length === 0) return { cx: 0, cy: 0, ux: 1, uy: 0, width: 0, height: 0 };

  let best = rectAlong(hull, 1, 0);
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i] as Point;
    const b = hull[(i + 1) % hull.length] as Point;
    const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (length === 0) continue;
    const candidate = rectAlong(hull, (b[0] - a[0]) / length, (b[1] - a[1]) / length);
    if (candidate.width * candidate.height < best.width * best.height) best = candidate;
  }
  return towardsHorizontal(best);
}

function rectAlong(points: readonly Point[], ux: number, uy: number): RotatedRect {
  let minU = Number.POSITIVE_INFINITY;
  let maxU = Number.NEGATIVE_INFINITY;
  let minV = Number.POSITIVE_INFINITY;
  let maxV = Number.NEGATIVE_INFINITY;
  for (const [x, y] of points) {
    const u = x * ux + y * uy;
    const v = -x * uy + y * ux;
    minU = Math.min(minU, u);
    maxU = Math.max(maxU, u);
    minV = Math.min(minV, v);
    maxV = Math.max(maxV, v);
  }
  const cu = (minU + maxU) / 2;
  const cv = (minV + maxV) / 2;
  return {
    cx: cu * ux - cv * uy,
    cy: cu * uy + cv * ux,
    ux,
    uy,
    width: maxU - minU,
    height: maxV - minV,
  };
}

// Turn the frame so that `u` points right within 45 degrees of horizontal.
function towardsHorizontal(rect: RotatedRect): RotatedRect {
  let { ux, uy, width, height } = rect;
  if (Math.abs(uy) > Math.abs(ux)) {
    [ux, uy] = [-uy, ux];
    [width, height] = [height, width];
  }
  if (ux < 0) {
    ux = -ux;
    uy = -uy;
  }
  return { ...rect, ux, uy, width, height };
}

/** The rectangle grown by `distance` on every side. */
export function expandRect(rect: RotatedRect, distance: number): RotatedRect {
  return { ...rect, width: rect.width + 2 * distance, height: rect.height + 2 * distance };
}

/** Corners clockwise from the top-left, in y-down image coordinates. */
export function rectCorners(rect: RotatedRect): Polygon {
  const { cx, cy, ux, uy } = rect;
  const hw = rect.width / 2;
  const hh = rect.height / 2;
  // v = (-uy, ux) points down the page when u points right.
  const corner = (su: number, sv: number): Point => [
    cx + su * hw * ux - sv * hh * uy,
    cy + su * hw * uy + sv * hh * ux,
  ];
  return [corner(-1, -1), corner(1, -1), corner(1, 1), corner(-1, 1)];
}
