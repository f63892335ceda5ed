/**
 * Rendering a PDF page, or a window of it, to a raster with pdf.js on an @napi-rs/canvas
 * surface. Regions are given in points of the upright (rotated) page, origin top-left.
 *
 * Canvases come from pdf.js's own factory, never from an `import '@napi-rs/canvas'` here:
 * pdfjs-dist pins its own copy of @napi-rs/canvas (0.1.x), and a canvas of one copy drawn with
 * paths of the other fails type checks or crashes the process (segfault).
 *
 * Memory: the canvas holds 4 bytes per pixel while pdf.js draws; its pixels are then copied out
 * in bands of a few megabytes into the 3-byte raster, and the canvas is shrunk right away, so
 * the peak is about 7 bytes per page pixel (plus pdf.js's decoded images).
 */
import type { PageViewport, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { Raster } from '../raster.js';
import { reclaimBeforeAllocating } from '../reclaim.js';

/** A rectangle in points of the upright page, origin top-left. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Pixels of the low-resolution render used to find where a page has ink. */
const OVERVIEW_PIXELS = 2_000_000;
/** A pixel whose darkest channel is below this is ink (paper is near 255 in every channel). */
const INK_LEVEL = 230;
/** Bytes of canvas pixels copied out at a time. */
const BAND_BYTES = 16 * 1024 * 1024;

/** The part of pdf.js's canvas factory (`PDFDocumentProxy.canvasFactory`) used here. */
export interface CanvasFactory {
  create(width: number, height: number): CanvasEntry;
  destroy(entry: CanvasEntry): void;
}

interface CanvasEntry {
  canvas: unknown;
  context: {
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  };
}

/** The rendered region and the viewport that maps PDF user space onto its pixels. */
export interface RenderedRegion {
  raster: Raster;
  viewport: PageViewport;
}

/** Renders `region` of the page, rotated by `rotation`, at `scale` pixels per point. */
export async function renderRegion(
  page: PDFPageProxy,
  canvases: CanvasFactory,
  rotation: number,
  scale: number,
  region: Region,
): Promise<RenderedRegion> {
  const viewport = page.getViewport({
    scale,
    rotation,
    offsetX: -region.x * scale,
    offsetY: -region.y * scale,
  });
  const width = Math.max(1, Math.round(region.width * scale));
  const height = Math.max(1, Math.round(region.height * scale));
  // The canvas (4 bytes a pixel) and the raster copied out of it (3).
  reclaimBeforeAllocating(width * height * 7);
  const entry = canvases.create(width, height);
  try {
    await page.render({
      canvas: entry.canvas as never,
      canvasContext: entry.context as never,
      viewport,
      background: '#ffffff',
    }).promise;
    return { raster: canvasToRaster(entry.context, width, height), viewport };
  } finally {
    // Frees the surface now rather than whenever the garbage collector gets to it.
    canvases.destroy(entry);
  }
}

/**
 * The bounding box of everything inked on the page, in points of the upright page, from a
 * render of at most {@link OVERVIEW_PIXELS}; undefined for a blank page. Padded by the
 * overview's own uncertainty and a quarter inch, and clipped to the page.
 */
export async function findInkRegion(
  page: PDFPageProxy,
  canvases: CanvasFactory,
  rotation: number,
): Promise<Region | undefined> {
  const full = page.getViewport({ scale: 1, rotation });
  const scale = Math.min(1, Math.sqrt(OVERVIEW_PIXELS / (full.width * full.height)));
  const whole = { x: 0, y: 0, width: full.width, height: full.height };
  const { raster } = await renderRegion(page, canvases, rotation, scale, whole);

  const box = inkBox(raster);
  if (!box) return undefined;

  const pad = 2 / scale + 18;
  const x = Math.max(0, box.x0 / scale - pad);
  const y = Math.max(0, box.y0 / scale - pad);
  return {
    x,
    y,
    width: Math.min(full.width, (box.x1 + 1) / scale + pad) - x,
    height: Math.min(full.height, (box.y1 + 1) / scale + pad) - y,
  };
}

function inkBox(raster: Raster): { x0: number; y0: number; x1: number; y1: number } | undefined {
  const { width, height, channels, data } = raster;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!isInk(data, (y * width + x) * channels, channels)) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  return x1 < 0 ? undefined : { x0, y0, x1, y1 };
}

function isInk(data: Buffer, offset: number, channels: number): boolean {
  for (let c = 0; c < channels; c++) if ((data[offset + c] as number) < INK_LEVEL) return true;
  return false;
}

/** RGBA canvas pixels to a raster over white: gray when every pixel is neutral, else RGB. */
function canvasToRaster(context: CanvasEntry['context'], width: number, height: number): Raster {
  const data = Buffer.allocUnsafe(width * height * 3);
  const bandRows = Math.max(1, Math.floor(BAND_BYTES / (width * 4)));
  let neutral = true;
  for (let top = 0; top < height; top += bandRows) {
    const rows = Math.min(bandRows, height - top);
    const band = context.getImageData(0, top, width, rows).data;
    neutral = copyOverWhite(band, data, top * width * 3) && neutral;
  }
  const rgb: Raster = { width, height, channels: 3, data };
  return neutral ? toGray(rgb) : rgb;
}

/** Copies RGBA into RGB, compositing onto white; true when every pixel came out neutral. */
function copyOverWhite(rgba: Uint8ClampedArray, rgb: Buffer, start: number): boolean {
  let neutral = true;
  for (let i = 0, o = start; i < rgba.length; i += 4, o += 3) {
    const alpha = rgba[i + 3] as number;
    for (let c = 0; c < 3; c++) {
      const value = rgba[i + c] as number;
      rgb[o + c] = alpha === 255 ? value : Math.round((value * alpha + 255 * (255 - alpha)) / 255);
    }
    neutral &&= rgb[o] === rgb[o + 1] && rgb[o] === rgb[o + 2];
  }
  return neutral;
}

function toGray(raster: Raster): Raster {
  const pixels = raster.width * raster.height;
  const gray = Buffer.allocUnsafe(pixels);
  for (let p = 0; p < pixels; p++) gray[p] = raster.data[p * 3] as number;
  return { width: raster.width, height: raster.height, channels: 1, data: gray };
}
