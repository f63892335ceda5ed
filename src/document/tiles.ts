/**
 * A page cut into an R x C grid of overlapping tiles for detection, as the paper's workflow
 * does so that tiles can be detected in parallel by separate functions.
 *
 * Detection runs at a bounded resolution: the page (cropped to its content when a content
 * box is given) is scaled so that its longest side is at most `maxSide` and its area at most
 * `maxPixels`, never enlarged. Tiles are laid out in that detection image; each tile is cut
 * from the page raster and scaled on its own ({@link cutTile}), so the detection image
 * itself is never built. Neighbouring tiles share `overlap` pixels, enough to hold a whole
 * text line, so that every line crossing a horizontal seam lies whole in one of the tiles.
 * A tile owns at least `minTileShare` pixels each way: on a narrow receipt the 3 x 3 grid
 * becomes 3 x 1 or 3 x 2 rather than cutting every line into short pieces.
 */
import { DocumentError, DocumentErrorCode } from './errors.js';
import type { Box } from './geometry.js';
import type { Raster } from './raster.js';
import { rasterOf, sharpOf } from './raster-sharp.js';

/** Rows and columns of tiles. */
export interface TileGrid {
  rows: number;
  cols: number;
}

/** One tile, in detection-scale pixels of the (cropped) page. */
export interface Tile {
  index: number;
  row: number;
  col: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How a page is detected: the scale, the crop and the tiles. */
export interface DetectionPlan {
  /** Detection pixels per page pixel (at most 1). */
  scale: number;
  /** Size of the detection image: the cropped page at `scale`. */
  width: number;
  height: number;
  /** The part of the page detected (page pixels, integers); absent means the whole page. */
  crop?: Box;
  tiles: Tile[];
}

/** Options of the detection stage, with their defaults. */
export interface DetectionOptions {
  /** Tile grid. Default 3 x 3, as in the paper. */
  grid?: TileGrid;
  /**
   * Pixels (detection scale) shared by neighbouring tiles. Default 64: at the default
   * `maxSide` of 1600 that holds a text line 4% of the page's longest side tall (a 34 pt
   * line on an A4 page; receipt titles are half that).
   */
  overlap?: number;
  /**
   * Smallest share of the image a tile may own along either axis (detection pixels, the
   * overlap excluded); the grid is reduced where the image is too small for it. Default 320:
   * a narrower tile cuts most lines into pieces too short for the detector's context (on
   * SROIE receipts, forcing 3 columns of ~150-300 px cost 0.01 of detection F1; 320 px
   * shares cost nothing). 0 forces the grid as given.
   */
  minTileShare?: number;
  /** Longest side of the detection image. Default 1600. */
  maxSide?: number;
  /** Largest area of the detection image. Default 2 500 000 pixels. */
  maxPixels?: number;
  /** Crop to the page's ink before scaling (see `findContentBox`). Default true. */
  crop?: boolean;
}

export const DETECTION_DEFAULTS: Required<DetectionOptions> = {
  grid: { rows: 3, cols: 3 },
  overlap: 64,
  minTileShare: 320,
  maxSide: 1600,
  maxPixels: 2_500_000,
  crop: true,
};

/**
 * The detection plan of a page. `page.content`, when given, is the part of the page to
 * detect (page pixels); it is rounded outwards to whole pixels. A grid is reduced when the
 * image is too small for it: a tile's own share is never thinner than `minTileShare` nor
 * than the overlap.
 *
 * @throws DocumentError INVALID_OPTION for a grid, overlap or size out of range.
 */
export function planDetection(
  page: { width: number; height: number; content?: Box },
  options: DetectionOptions = {},
): DetectionPlan {
  const settings = validated({ ...DETECTION_DEFAULTS, ...options });
  const crop = page.content ? wholePixels(page.content, page) : undefined;
  const region = crop ?? { x: 0, y: 0, width: page.width, height: page.height };
  if (region.width < 1 || region.height < 1) {
    throw new DocumentError(DocumentErrorCode.INVALID_OPTION, 'planDetection: empty page');
  }

  const area = region.width * region.height;
  const scale = Math.min(
    1,
    settings.maxSide / Math.max(region.width, region.height),
    Math.sqrt(settings.maxPixels / area),
  );
  const width = Math.max(1, Math.round(region.width * scale));
  const height = Math.max(1, Math.round(region.height * scale));
  const least = Math.max(1, settings.overlap, settings.minTileShare);
  const tiles = layTiles(width, height, settings.grid, settings.overlap, least);
  return { scale, width, height, ...(crop ? { crop } : {}), tiles };
}

function validated(settings: Required<DetectionOptions>): Required<DetectionOptions> {
  const { grid, overlap, minTileShare, maxSide, maxPixels } = settings;
  const check = (ok: boolean, what: string): void => {
    if (!ok) throw new DocumentError(DocumentErrorCode.INVALID_OPTION, `planDetection: ${what}`);
  };
  check(
    isCount(grid.rows) && isCount(grid.cols),
    `grid must be 1x1 to 10x10, got ${grid.rows}x${grid.cols}`,
  );
  check(
    Number.isInteger(overlap) && overlap >= 0 && overlap <= 1024,
    `overlap must be 0 to 1024 pixels, got ${overlap}`,
  );
  check(
    Number.isFinite(minTileShare) && minTileShare >= 0,
    `minTileShare must be 0 or more pixels, got ${minTileShare}`,
  );
  check(Number.isFinite(maxSide) && maxSide >= 32, `maxSide must be at least 32, got ${maxSide}`);
  check(
    Number.isFinite(maxPixels) && maxPixels >= 1024,
    `maxPixels must be at least 1024, got ${maxPixels}`,
  );
  return settings;
}

function isCount(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 10;
}

function wholePixels(box: Box, page: { width: number; height: number }): Box {
  const x = Math.max(0, Math.floor(box.x));
  const y = Math.max(0, Math.floor(box.y));
  const right = Math.min(page.width, Math.ceil(box.x + box.width));
  const bottom = Math.min(page.height, Math.ceil(box.y + box.height));
  return { x, y, width: right - x, height: bottom - y };
}

function layTiles(
  width: number,
  height: number,
  grid: TileGrid,
  overlap: number,
  least: number,
): Tile[] {
  const rows = spans(height, Math.min(grid.rows, fitting(height, least)), overlap);
  const cols = spans(width, Math.min(grid.cols, fitting(width, least)), overlap);
  const tiles: Tile[] = [];
  rows.forEach(([y, bottom], row) => {
    cols.forEach(([x, right], col) => {
      tiles.push({ index: tiles.length, row, col, x, y, width: right - x, height: bottom - y });
    });
  });
  return tiles;
}

function fitting(length: number, least: number): number {
  return Math.max(1, Math.floor(length / least));
}

/** [start, end) of each tile along one axis: equal shares, each widened by the overlap. */
function spans(length: number, count: number, overlap: number): Array<[number, number]> {
  const before = Math.floor(overlap / 2);
  const after = overlap - before;
  return Array.from({ length: count }, (_, i) => {
    const start = Math.round((i * length) / count);
    const end = Math.round(((i + 1) * length) / count);
    return [
      i === 0 ? 0 : Math.max(0, start - before),
      i === count - 1 ? length : Math.min(length, end + after),
    ];
  });
}

/**
 * The part of the page a tile shows, in page pixels (fractional): the inverse of the plan's
 * crop and scale. Stitching maps boxes back through it.
 */
export function tileRegion(plan: DetectionPlan, tile: Tile): Box {
  const ox = plan.crop?.x ?? 0;
  const oy = plan.crop?.y ?? 0;
  return {
    x: ox + tile.x / plan.scale,
    y: oy + tile.y / plan.scale,
    width: tile.width / plan.scale,
    height: tile.height / plan.scale,
  };
}

/**
 * The tile's pixels, `tile.width x tile.height`, cut from the page raster: a plain row copy
 * when the plan does not scale, otherwise a sharp extract and resize of just that region.
 */
export async function cutTile(raster: Raster, plan: DetectionPlan, tile: Tile): Promise<Raster> {
  const region = tileRegion(plan, tile);
  if (plan.scale === 1) return copyRegion(raster, region);

  const left = Math.max(0, Math.floor(region.x));
  const top = Math.max(0, Math.floor(region.y));
  const right = Math.min(raster.width, Math.ceil(region.x + region.width));
  const bottom = Math.min(raster.height, Math.ceil(region.y + region.height));
  const pipeline = sharpOf(raster)
    .extract({ left, top, width: right - left, height: bottom - top })
    .resize({ width: tile.width, height: tile.height, fit: 'fill' });
  return rasterOf(pipeline, raster.channels);
}

function copyRegion(raster: Raster, region: Box): Raster {
  const { channels } = raster;
  const x = Math.round(region.x);
  const y = Math.round(region.y);
  const width = Math.round(region.width);
  const height = Math.round(region.height);
  const data = Buffer.allocUnsafe(width * height * channels);
  const rowBytes = width * channels;
  for (let row = 0; row < height; row++) {
    const from = ((y + row) * raster.width + x) * channels;
    raster.data.copy(data, row * rowBytes, from, from + rowBytes);
  }
  return { width, height, channels, data };
}
