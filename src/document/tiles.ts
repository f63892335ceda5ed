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
  maxSide: 1600,
  maxPixels: 2_500_000,
  crop: true,
};

/**
 * The detection plan of a page. `page.content`, when given, is the part of the page to
 * detect (page pixels); it is rounded outwards to whole pixels. A grid is reduced when the
 * image is too small for it: a tile's own share is never thinner than the overlap.
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
  const tiles = layTiles(width, height, settings.grid, settings.overlap);
  return { scale, width, height, ...(crop ? { crop } : {}), tiles };
}

function validated(settings: Required<DetectionOptions>): Required<DetectionOptions> {
  const { grid, overlap, maxSide, maxPixels } = settings;
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

function layTiles(width: number, height: number, grid: TileGrid, overlap: number): Tile[] {
  const rows = spans(height, grid.rows, overlap);
  const cols = spans(width, grid.cols, overlap);
  const tiles: Tile[] = [];
  rows.forEach(([y, bottom], row) => {
    cols.forEach(([x, right], col) => {
      tiles.push({ index: tiles.length, row, col, x, y, width: right - x, height: bottom - y });
    });
  });
  return tiles;
}

/** [start, end) of each tile along one axis: equal shares, each widened by the overlap. */
function spans(length: number, count: number, overlap: number): Array<[number, number]> {
  const fitting = Math.max(1, Math.min(count, Math.floor(length / Math.max(1, overlap))));
  const before = Math.floor(overlap / 2);
  const after = overlap - before;
  return Array.from({ length: fitting }, (_, i) => {
    const start = Math.round((i * length) / fitting);
    const end = Math.round(((i + 1) * length) / fitting);
    return [
      i === 0 ? 0 : Math.max(0, start - before),
      i === fitting - 1 ? length : Math.min(length, end + after),
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
