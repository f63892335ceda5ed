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
): LineCrop {
  const frame = frameOfPolygon(polygon);
  const aspect = (horizontalScale * frame.width) / Math.max(frame.height, 1);
  const width = Math.max(1, Math.min(MAX_CROP_WIDTH, Math.round(height * aspect)));
  return { raster: sampleFrame(page, frame, width, height), frame };
}

/** Samples `frame` of `page` into a `width` x `height` RGB raster. */
export function sampleFrame(page: Raster, frame: LineFrame, width: number, height: number): Raster {
  const data = Buffer.alloc(width * height * 3);
  const stepX = frame.width / width;
  const stepY = frame.height / height;
  const samplesX = Math.min(MAX_SUPERSAMPLING, Math.max(1, Math.ceil(stepX)));
  const samplesY = Math.min(MAX_SUPERSAMPLING, Math.max(1, Math.ceil(stepY)));
  const pixel = new Float64Array(3);

  for (let v = 0; v < height; v += 1) {
    for (let u = 0; u < width; u += 1) {
      averageSamples(page, frame, u * stepX, v * stepY, stepX, stepY, samplesX, samplesY, pixel);
      const offset = (v * width + u) * 3;
      data[offset] = pixel[0] as number;
      data[offset + 1] = pixel[1] as number;
      data[offset + 2] = pixel[2] as number;
    }
  }
  return { width, height, channels: 3, data };
}

function averageSamples(
  page: Raster,
  frame: LineFrame,
  x: number,
  y: number,
  stepX: number,
  stepY: number,
  samplesX: number,
  samplesY: number,
  out: Float64Array,
): void {
  out.fill(0);
  for (let j = 0; j < samplesY; j += 1) {
    const fy = y + ((j + 0.5) * stepY) / samplesY;
    for (let i = 0; i < samplesX; i += 1) {
      const fx = x + ((i + 0.5) * stepX) / samplesX;
      const px = frame.origin[0] + fx * frame.axisX[0] + fy * frame.axisY[0] - 0.5;
      const py = frame.origin[1] + fx * frame.axisX[1] + fy * frame.axisY[1] - 0.5;
      addBilinear(page, px, py, out);
    }
  }
  const count = samplesX * samplesY;
  out[0] = Math.round((out[0] as number) / count);
  out[1] = Math.round((out[1] as number) / count);
  out[2] = Math.round((out[2] as number) / count);
}

// Outside the page counts as white paper, which is what a detector box hanging over the edge
// of a scan most likely covers.
function addBilinear(page: Raster, px: number, py: number, out: Float64Array): void {
  const x0 = Math.floor(px);
  const y0 = Math.floor(py);
  const ax = px - x0;
  const ay = py - y0;
  for (let c = 0; c < 3; c += 1) {
    const top = lerp(channelAt(page, x0, y0, c), channelAt(page, x0 + 1, y0, c), ax);
    const bottom = lerp(channelAt(page, x0, y0 + 1, c), channelAt(page, x0 + 1, y0 + 1, c), ax);
    out[c] = (out[c] as number) + lerp(top, bottom, ay);
  }
}

function channelAt(page: Raster, x: number, y: number, channel: number): number {
  if (x < 0 || y < 0 || x >= page.width || y >= page.height) return 255;
  const offset = (y * page.width + x) * page.channels;
  return page.data[page.channels === 1 ? offset : offset + channel] as number;
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
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
