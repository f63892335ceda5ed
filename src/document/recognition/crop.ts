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

/**
 * Samples `frame` of `page` into a `width` x `height` RGB raster. Every line of a page goes
 * through here on the main thread while the recognizer's workers wait for it, so the
 * bilinear sampling is written out inline, without a call or an array per sample (it was a
 * tenth of a page's CPU time as a helper function).
 */
export function sampleFrame(page: Raster, frame: LineFrame, width: number, height: number): Raster {
  const data = Buffer.alloc(width * height * 3);
  const stepX = frame.width / width;
  const stepY = frame.height / height;
  const samplesX = Math.min(MAX_SUPERSAMPLING, Math.max(1, Math.ceil(stepX - 0.25)));
  const samplesY = Math.min(MAX_SUPERSAMPLING, Math.max(1, Math.ceil(stepY - 0.25)));
  const weight = 1 / (samplesX * samplesY);
  // Page position of sample (i, j) of output pixel (u, v), minus 0.5 for pixel centres.
  const [ox, oy] = frame.origin;
  const [ax, ay] = frame.axisX;
  const [bx, by] = frame.axisY;
  const dx = stepX / samplesX;
  const dy = stepY / samplesY;
  const { width: pageWidth, height: pageHeight, channels, data: pixels } = page;
  // Offsets of the green and blue values from a pixel's first byte (0 for gray pages).
  const g = channels === 1 ? 0 : 1;
  const b = channels === 1 ? 0 : 2;
  const row = pageWidth * channels;

  let offset = 0;
  for (let v = 0; v < height; v += 1) {
    for (let u = 0; u < width; u += 1) {
      let sumR = 0;
      let sumG = 0;
      let sumB = 0;
      for (let j = 0; j < samplesY; j += 1) {
        const fy = v * stepY + (j + 0.5) * dy;
        for (let i = 0; i < samplesX; i += 1) {
          const fx = u * stepX + (i + 0.5) * dx;
          const px = ox + fx * ax + fy * bx - 0.5;
          const py = oy + fx * ay + fy * by - 0.5;
          const x0 = Math.floor(px);
          const y0 = Math.floor(py);
          const wx = px - x0;
          const wy = py - y0;
          const w00 = (1 - wx) * (1 - wy);
          const w10 = wx * (1 - wy);
          const w01 = (1 - wx) * wy;
          const w11 = wx * wy;
          if (x0 >= 0 && y0 >= 0 && x0 + 1 < pageWidth && y0 + 1 < pageHeight) {
            const p00 = (y0 * pageWidth + x0) * channels;
            const p10 = p00 + channels;
            const p01 = p00 + row;
            const p11 = p01 + channels;
            sumR =
              sumR +
              w00 * (pixels[p00] as number) +
              w10 * (pixels[p10] as number) +
              w01 * (pixels[p01] as number) +
              w11 * (pixels[p11] as number);
            sumG =
              sumG +
              w00 * (pixels[p00 + g] as number) +
              w10 * (pixels[p10 + g] as number) +
              w01 * (pixels[p01 + g] as number) +
              w11 * (pixels[p11 + g] as number);
            sumB =
              sumB +
              w00 * (pixels[p00 + b] as number) +
              w10 * (pixels[p10 + b] as number) +
              w01 * (pixels[p01 + b] as number) +
              w11 * (pixels[p11 + b] as number);
          } else {
            sumR += edgeSample(page, x0, y0, wx, wy, 0);
            sumG += edgeSample(page, x0, y0, wx, wy, 1);
            sumB += edgeSample(page, x0, y0, wx, wy, 2);
          }
        }
      }
      data[offset] = Math.round(sumR * weight);
      data[offset + 1] = Math.round(sumG * weight);
      data[offset + 2] = Math.round(sumB * weight);
      offset += 3;
    }
  }
  return { width, height, channels: 3, data };
}

/** A bilinear sample at the page's edge, where some of the four pixels lie outside it. */
function edgeSample(page: Raster, x0: number, y0: number, wx: number, wy: number, c: number) {
  return (
    (1 - wx) * (1 - wy) * channelAt(page, x0, y0, c) +
    wx * (1 - wy) * channelAt(page, x0 + 1, y0, c) +
    (1 - wx) * wy * channelAt(page, x0, y0 + 1, c) +
    wx * wy * channelAt(page, x0 + 1, y0 + 1, c)
  );
}

// Outside the page counts as white paper, which is what a detector box hanging over the edge
// of a scan most likely covers.
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
