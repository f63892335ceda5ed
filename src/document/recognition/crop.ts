/**
 * Line crops: the detected polygon of a text line cut out of the page as an upright strip of a
 * fixed height, deskewed when the line is rotated, plus the frame that maps a position in the
 * strip back to page pixels (so that characters found in the strip get page coordinates).
 */
import type { Point, Polygon } from '../geometry.js';
import type { Raster } from '../raster.js';

/**
 * A rotated rectangle on the page: `origin` is the top-left corner of the text, `axisX` the unit
 * vector along the text, `axisY` the unit vector down the text, `width`/`height` its size in
 * page pixels.
 */
export interface LineFrame {
  origin: Point;
  axisX: Point;
  axisY: Point;
  width: number;
  height: number;
}

/** A strip of a line, always 3 channels (RGB), `height` rows. */
export interface LineCrop {
  raster: Raster;
  frame: LineFrame;
}

/** Output strips wider than this are squeezed; see `cropLine`. */
export const MAX_CROP_WIDTH = 2400;

// Beyond 4 x 4 samples per output pixel the extra accuracy of the box filter is not worth the
// time; larger reductions alias slightly, which the recognizer tolerates.
const MAX_SUPERSAMPLING = 4;

/**
 * The minimum-area rectangle around a polygon, oriented so that its x axis is the one closer to
 * the horizontal. Pages reach recognition upright, so a box taller than wide is a short word or
 * a single character, never vertical text: the axis is never turned by 90 degrees.
 */
export function frameOfPolygon(polygon: Polygon): LineFrame {
  const hull = convexHull(polygon);
  if (hull.length < 3) return frameOfAxisAligned(polygon);

  let best: LineFrame | undefined;
  let bestArea = Number.POSITIVE_INFINITY;
  for (let i = 0; i < hull.length; i += 1) {
    const a = hull[i] as Point;
    const b = hull[(i + 1) % hull.length] as Point;
    const frame = frameAlongEdge(hull, a, b);
    if (!frame) continue;
    const area = frame.width * frame.height;
    // Equal areas (an axis-aligned box gives two) keep the first, which is horizontal.
    if (area < bestArea - 1e-6) {
      best = frame;
      bestArea = area;
    }
  }
  return best ?? frameOfAxisAligned(polygon);
}

/** The page point of a position (x along the text, y down it) in frame pixels. */
export function framePoint(frame: LineFrame, x: number, y: number): Point {
  return [
    frame.origin[0] + x * frame.axisX[0] + y * frame.axisY[0],
    frame.origin[1] + x * frame.axisX[1] + y * frame.axisY[1],
  ];
}

/** The polygon of the part of the frame between `x0` and `x1` (frame pixels along the text). */
export function frameSpan(frame: LineFrame, x0: number, x1: number): Polygon {
  return [
    framePoint(frame, x0, 0),
    framePoint(frame, x1, 0),
    framePoint(frame, x1, frame.height),
    framePoint(frame, x0, frame.height),
  ];
}

/**
 * Cuts the line in `polygon` out of `page` as an RGB strip `height` rows high, its width chosen
 * by the line's aspect ratio (at least 1, at most `MAX_CROP_WIDTH`: a longer line is squeezed,
 * a known shortcoming for lines over ~50 times their height). Sampling is bilinear, with a box
 * filter of several samples per pixel when the strip is smaller than the line (scans at
 * 600 dpi), so that thin strokes do not vanish.
 */
export function cropLine(
  page: Raster,
  polygon: Polygon,
  height: number,
  horizontalScale = 1,
  margin = 0,
): LineCrop {
  const frame = growFrame(frameOfPolygon(polygon), margin);
  const width = stripWidth(frame, height, horizontalScale);
  return { raster: sampleFrame(page, frame, width, height), frame };
}

/** The width of a strip `height` pixels high of `frame`, squeezed by `horizontalScale`. */
export function stripWidth(frame: LineFrame, height: number, horizontalScale = 1): number {
  const aspect = (horizontalScale * frame.width) / Math.max(frame.height, 1);
  return Math.max(1, Math.min(MAX_CROP_WIDTH, Math.round(height * aspect)));
}

/** The frame grown by `share` of its height on every side. */
export function growFrame(frame: LineFrame, share: number): LineFrame {
  const pad = share * frame.height;
  if (pad === 0) return frame;
  return {
    ...frame,
    origin: [
      frame.origin[0] - pad * (frame.axisX[0] + frame.axisY[0]),
      frame.origin[1] - pad * (frame.axisX[1] + frame.axisY[1]),
    ],
    width: frame.width + 2 * pad,
    height: frame.height + 2 * pad,
  };
}

/** Samples `frame` of `page` into a `width` x `height` RGB raster. */
export function sampleFrame(page: Raster, frame: LineFrame, width: number, height: number): Raster {
  const data = Buffer.alloc(width * height * 3);
  const stepX = frame.width / width;
  const stepY = frame.height / height;
  const samplesX = Math.min(MAX_SUPERSAMPLING, Math.max(1, Math.ceil(stepX - 0.25)));
  const samplesY = Math.min(MAX_SUPERSAMPLING, Math.max(1, Math.ceil(stepY - 0.25)));
  const sum = new Float64Array(3);
  const weight = 1 / (samplesX * samplesY);
  // Page position of sample (i, j) of output pixel (u, v), minus 0.5 for pixel centres.
  const [ox, oy] = frame.origin;
  const [ax, ay] = frame.axisX;
  const [bx, by] = frame.axisY;
  const dx = stepX / samplesX;
  const dy = stepY / samplesY;

  let offset = 0;
  for (let v = 0; v < height; v += 1) {
    for (let u = 0; u < width; u += 1) {
      sum.fill(0);
      for (let j = 0; j < samplesY; j += 1) {
        const fy = v * stepY + (j + 0.5) * dy;
        for (let i = 0; i < samplesX; i += 1) {
          const fx = u * stepX + (i + 0.5) * dx;
          addBilinear(page, ox + fx * ax + fy * bx - 0.5, oy + fx * ay + fy * by - 0.5, sum);
        }
      }
      data[offset] = Math.round((sum[0] as number) * weight);
      data[offset + 1] = Math.round((sum[1] as number) * weight);
      data[offset + 2] = Math.round((sum[2] as number) * weight);
      offset += 3;
    }
  }
  return { width, height, channels: 3, data };
}

// Outside the page counts as white paper, which is what a detector box hanging over the edge
// of a scan most likely covers.
function addBilinear(page: Raster, px: number, py: number, sum: Float64Array): void {
  const x0 = Math.floor(px);
  const y0 = Math.floor(py);
  const fx = px - x0;
  const fy = py - y0;
  const { width, height, channels, data } = page;
  const inside = x0 >= 0 && y0 >= 0 && x0 + 1 < width && y0 + 1 < height;
  const w00 = (1 - fx) * (1 - fy);
  const w10 = fx * (1 - fy);
  const w01 = (1 - fx) * fy;
  const w11 = fx * fy;
  if (inside) {
    const p00 = (y0 * width + x0) * channels;
    const p01 = p00 + width * channels;
    for (let c = 0; c < 3; c += 1) {
      const k = channels === 1 ? 0 : c;
      sum[c] =
        (sum[c] as number) +
        w00 * (data[p00 + k] as number) +
        w10 * (data[p00 + channels + k] as number) +
        w01 * (data[p01 + k] as number) +
        w11 * (data[p01 + channels + k] as number);
    }
    return;
  }
  for (let c = 0; c < 3; c += 1) {
    sum[c] =
      (sum[c] as number) +
      w00 * channelAt(page, x0, y0, c) +
      w10 * channelAt(page, x0 + 1, y0, c) +
      w01 * channelAt(page, x0, y0 + 1, c) +
      w11 * channelAt(page, x0 + 1, y0 + 1, c);
  }
}

function channelAt(page: Raster, x: number, y: number, channel: number): number {
  if (x < 0 || y < 0 || x >= page.width || y >= page.height) return 255;
  const offset = (y * page.width + x) * page.channels;
  return page.data[page.channels === 1 ? offset : offset + channel] as number;
}

function frameAlongEdge(hull: Point[], a: Point, b: Point): LineFrame | undefined {
  const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
  if (length < 1e-9) return undefined;
  let ux = (b[0] - a[0]) / length;
  let uy = (b[1] - a[1]) / length;
  // Keep the text axis pointing right (and, when vertical-ish, fold it to within 45 degrees of
  // horizontal by swapping the axes).
  if (Math.abs(uy) > Math.abs(ux)) [ux, uy] = [-uy, ux];
  if (ux < 0) [ux, uy] = [-ux, -uy];
  const vx = -uy;
  const vy = ux;

  let minU = Number.POSITIVE_INFINITY;
  let maxU = Number.NEGATIVE_INFINITY;
  let minV = Number.POSITIVE_INFINITY;
  let maxV = Number.NEGATIVE_INFINITY;
  for (const [x, y] of hull) {
    const u = x * ux + y * uy;
    const v = x * vx + y * vy;
    minU = Math.min(minU, u);
    maxU = Math.max(maxU, u);
    minV = Math.min(minV, v);
    maxV = Math.max(maxV, v);
  }
  return {
    origin: [minU * ux + minV * vx, minU * uy + minV * vy],
    axisX: [ux, uy],
    axisY: [vx, vy],
    width: maxU - minU,
    height: maxV - minV,
  };
}

function frameOfAxisAligned(polygon: Polygon): LineFrame {
  const xs = polygon.map((p) => p[0]);
  const ys = polygon.map((p) => p[1]);
  const x = xs.length > 0 ? Math.min(...xs) : 0;
  const y = ys.length > 0 ? Math.min(...ys) : 0;
  return {
    origin: [x, y],
    axisX: [1, 0],
    axisY: [0, 1],
    width: xs.length > 0 ? Math.max(...xs) - x : 0,
    height: ys.length > 0 ? Math.max(...ys) - y : 0,
  };
}

/** Andrew's monotone chain; returns the hull counter-clockwise in a y-down frame. */
function convexHull(points: Polygon): Point[] {
  const sorted = [...points].sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  if (sorted.length < 3) return sorted;
  const cross = (o: Point, a: Point, b: Point) =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = (list: Point[]) => {
    const chain: Point[] = [];
    for (const p of list) {
      while (
        chain.length >= 2 &&
        cross(chain[chain.length - 2] as Point, chain[chain.length - 1] as Point, p) <= 0
      ) {
        chain.pop();
      }
      chain.push(p);
    }
    chain.pop();
    return chain;
  };
  return [...half(sorted), ...half([...sorted].reverse())];
}
