/**
 * Where the ink is on a page, found on a small gray thumbnail, so that detection can crop
 * to it before scaling. A 600 dpi A4 scan (4961 x 7016) holding a small receipt would
 * otherwise be scaled down as a whole and the receipt's text would shrink below what the
 * detector can see; cropped first, the receipt keeps its resolution.
 */
import type { Box } from './geometry.js';
import type { Raster } from './raster.js';

/** Tuning of {@link findContentBox}, with defaults. */
export interface ContentOptions {
  /** Longest side of the thumbnail, in pixels. Default 512. */
  thumbnailSide?: number;
  /**
   * Share of the span between the paper (median gray) and the darkest ink (0.1th percentile)
   * that a pixel must be darker than the paper by to count as ink. Default 0.25, so that faded
   * print on clean paper still counts.
   */
  inkShare?: number;
  /** Smallest darkness below the paper that counts as ink (0-255), above JPEG noise. Default 16. */
  minContrast?: number;
  /** Margin kept around the ink, as a fraction of the page's longest side. Default 0.02. */
  margin?: number;
  /**
   * Ink clusters (after joining marks closer than ~2% of the page side) with fewer thumbnail
   * pixels than this are specks and ignored. Default 6.
   */
  minClusterPixels?: number;
  /** Clusters smaller than this share of the largest one are dust and ignored. Default 0.02. */
  minClusterShare?: number;
}

const DEFAULTS: Required<ContentOptions> = {
  thumbnailSide: 512,
  inkShare: 0.25,
  minContrast: 16,
  margin: 0.02,
  minClusterPixels: 6,
  minClusterShare: 0.02,
};

/** A gray thumbnail: each pixel is the darkest of a few samples of its block of the page. */
export interface Thumbnail {
  width: number;
  height: number;
  /** Page pixels per thumbnail pixel. */
  block: number;
  data: Uint8Array;
}

/**
 * The box (page pixels, integers) holding the page's ink plus a margin, or undefined when
 * the page shows no ink at all (blank or specks only): then the whole page is used.
 *
 * Known limit: a lone mark far from the main text and under 2% of its ink (a page number
 * below a full A4 body) counts as dust and may fall outside the box; callers crop only when
 * it pays (see `planPage`).
 */
export function findContentBox(raster: Raster, options: ContentOptions = {}): Box | undefined {
  const settings = { ...DEFAULTS, ...options };
  const thumbnail = makeThumbnail(raster, settings.thumbnailSide);
  const ink = inkMask(thumbnail, settings.inkShare, settings.minContrast);
  const reach = Math.max(1, Math.round(Math.max(thumbnail.width, thumbnail.height) * 0.01));
  const bounds = clusterBounds(ink, thumbnail, reach, settings);
  if (!bounds) return undefined;

  const margin = Math.round(Math.max(raster.width, raster.height) * settings.margin);
  const x0 = Math.max(0, bounds.x * thumbnail.block - margin);
  const y0 = Math.max(0, bounds.y * thumbnail.block - margin);
  const x1 = Math.min(raster.width, (bounds.x + bounds.width) * thumbnail.block + margin);
  const y1 = Math.min(raster.height, (bounds.y + bounds.height) * thumbnail.block + margin);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * Min-pooled gray thumbnail. Taking the darkest of 4 x 4 samples per block keeps thin strokes
 * visible at any reduction, and reading only those samples keeps a 35-megapixel page to a few
 * tens of milliseconds.
 */
export function makeThumbnail(raster: Raster, side: number): Thumbnail {
  const { width, height, channels, data } = raster;
  const block = Math.max(1, Math.ceil(Math.max(width, height) / side));
  const tw = Math.ceil(width / block);
  const th = Math.ceil(height / block);
  const out = new Uint8Array(tw * th).fill(255);
  const step = Math.max(1, Math.floor(block / 4));

  for (let y = 0; y < height; y += step) {
    const row = Math.floor(y / block) * tw;
    for (let x = 0; x < width; x += step) {
      const p = (y * width + x) * channels;
      const gray =
        channels === 1
          ? (data[p] as number)
          : ((data[p] as number) + (data[p + 1] as number) + (data[p + 2] as number)) / 3;
      const i = row + Math.floor(x / block);
      if (gray < (out[i] as number)) out[i] = gray;
    }
  }
  return { width: tw, height: th, block, data: out };
}

function inkMask(thumbnail: Thumbnail, share: number, minContrast: number): Uint8Array {
  const paper = percentile(thumbnail.data, 0.5);
  const ink = percentile(thumbnail.data, 0.001);
  const limit = paper - Math.max(minContrast, share * (paper - ink));
  return thumbnail.data.map((v) => (v < limit ? 1 : 0));
}

function percentile(values: Uint8Array, q: number): number {
  const histogram = new Uint32Array(256);
  for (const v of values) histogram[v] = (histogram[v] as number) + 1;
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += histogram[v] as number;
    if (seen >= q * values.length) return v;
  }
  return 255;
}

/**
 * Bounding box (thumbnail pixels) of the ink clusters that are not specks. The ink is dilated
 * by `reach` so that the characters of a text block merge into one cluster while isolated
 * dust stays alone; a cluster's size is counted in undilated ink pixels.
 */
function clusterBounds(
  ink: Uint8Array,
  size: { width: number; height: number },
  reach: number,
  settings: Required<ContentOptions>,
): Box | undefined {
  const grown = dilate(ink, size, reach);
  const seen = new Uint8Array(ink.length);
  const clusters: Extent[] = [];
  for (let start = 0; start < ink.length; start++) {
    if (ink[start] !== 1 || seen[start] === 1) continue;
    clusters.push(floodCluster(grown, ink, seen, size, start));
  }

  const largest = Math.max(0, ...clusters.map((c) => c.pixels));
  const floor = Math.max(settings.minClusterPixels, settings.minClusterShare * largest);
  const kept = clusters.filter((c) => c.pixels >= floor);
  if (kept.length === 0) return undefined;
  const bounds = kept.reduce(mergeExtents);
  return {
    x: bounds.x0,
    y: bounds.y0,
    width: bounds.x1 - bounds.x0 + 1,
    height: bounds.y1 - bounds.y0 + 1,
  };
}

interface Extent {
  pixels: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function mergeExtents(a: Extent, b: Extent): Extent {
  return {
    pixels: a.pixels + b.pixels,
    x0: Math.min(a.x0, b.x0),
    y0: Math.min(a.y0, b.y0),
    x1: Math.max(a.x1, b.x1),
    y1: Math.max(a.y1, b.y1),
  };
}

/** Square dilation by `reach`, as two running-window passes (rows, then columns). */
export function dilate(
  mask: Uint8Array,
  size: { width: number; height: number },
  reach: number,
): Uint8Array {
  const { width, height } = size;
  const rows = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    dilateLine(mask, rows, y * width, 1, width, reach);
  }
  const out = new Uint8Array(mask.length);
  for (let x = 0; x < width; x++) {
    dilateLine(rows, out, x, width, height, reach);
  }
  return out;
}

function dilateLine(
  source: Uint8Array,
  target: Uint8Array,
  offset: number,
  stride: number,
  length: number,
  reach: number,
): void {
  // Distance to the last set pixel on the left, then the same from the right.
  let sinceSet = Number.POSITIVE_INFINITY;
  for (let i = 0; i < length; i++) {
    sinceSet = source[offset + i * stride] === 1 ? 0 : sinceSet + 1;
    if (sinceSet <= reach) target[offset + i * stride] = 1;
  }
  sinceSet = Number.POSITIVE_INFINITY;
  for (let i = length - 1; i >= 0; i--) {
    sinceSet = source[offset + i * stride] === 1 ? 0 : sinceSet + 1;
    if (sinceSet <= reach) target[offset + i * stride] = 1;
  }
}

/** Flood fill of one 4-connected cluster of `grown`, measuring the ink it holds. */
function floodCluster(
  grown: Uint8Array,
  ink: Uint8Array,
  seen: Uint8Array,
  size: { width: number; height: number },
  start: number,
): Extent {
  const { width, height } = size;
  const cluster: Extent = { pixels: 0, x0: width, y0: height, x1: 0, y1: 0 };
  const stack = [start];
  seen[start] = 1;

  while (stack.length > 0) {
    const i = stack.pop() as number;
    const x = i % width;
    const y = (i - x) / width;
    if (ink[i] === 1) {
      cluster.pixels++;
      cluster.x0 = Math.min(cluster.x0, x);
      cluster.y0 = Math.min(cluster.y0, y);
      cluster.x1 = Math.max(cluster.x1, x);
      cluster.y1 = Math.max(cluster.y1, y);
    }
    const next = [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, y > 0 ? i - width : -1];
    next.push(y < height - 1 ? i + width : -1);
    for (const j of next) {
      if (j < 0 || grown[j] !== 1 || seen[j] === 1) continue;
      seen[j] = 1;
      stack.push(j);
    }
  }
  return cluster;
}
