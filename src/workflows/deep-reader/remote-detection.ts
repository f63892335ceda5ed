/**
 * @module Page detection fanned out to the detection function, as the paper's workflow does:
 * plan the page, cut its tiles onto the shared volume, invoke one detection per tile in
 * parallel with only the tile's reference in the payload, stitch the boxes. The tiles are
 * removed as soon as their boxes are back (or the page failed).
 */

import { planPage } from '../../document/detect-page.js';
import type { DetectedBox } from '../../document/detection.js';
import type { Raster } from '../../document/raster.js';
import type { PageDetection } from '../../document/read-page.js';
import { stitchTiles } from '../../document/stitching.js';
import { cutTile, type DetectionOptions, type Tile } from '../../document/tiles.js';
import type { Services } from '../../platform/function.js';
import { WorkflowError } from './errors.js';
import { invokeWithRetry, RetryExhaustedError, type RetryOptions } from './invoke-retry.js';
import { Slots, withSlot } from './slots.js';
import { type RasterRef, removeFromVolume, writeRaster } from './volume-files.js';

/** The detection function's event: a tile by reference, never its pixels. */
export interface DetectEvent {
  tile: RasterRef;
}

/** The detection function's answer: boxes in the tile's own pixels. */
export interface DetectResponse {
  boxes: DetectedBox[];
}

/** Where and how a page's tiles are detected. */
export interface RemoteDetectionOptions {
  services: Services;
  detectFunction: string;
  /** Volume folder for this page's tiles (removed afterwards), e.g. `work/<doc>/page-1`. */
  workDir: string;
  /** The page number, for error messages. */
  pageNumber: number;
  document: string;
  retry?: RetryOptions;
  /** Most tiles in flight at once (see `WorkflowConfig.detectConcurrency`). Default: all. */
  concurrency?: number;
}

/**
 * A {@link PageDetection} that runs each tile in its own detection invocation. A tile that
 * still fails after retries fails the page with DETECTION_FAILED, naming the tile and why.
 */
export function remoteDetection(options: RemoteDetectionOptions): PageDetection {
  let pass = 0;
  return async (raster: Raster, detection: DetectionOptions): Promise<DetectedBox[]> => {
    // A page turned after a first look is detected again: each pass gets its own folder.
    pass += 1;
    const dir = `${options.workDir}/pass-${pass}`;
    try {
      const plan = planPage(raster, detection);
      const slots = new Slots(options.concurrency ?? plan.tiles.length);
      const results = await Promise.all(
        plan.tiles.map(async (tile) => ({
          tile,
          boxes: await withSlot(slots, () => detectTile(raster, plan, tile, dir, options)),
        })),
      );
      return stitchTiles(plan, results);
    } finally {
      await removeFromVolume(options.services.volume, dir);
    }
  };
}

async function detectTile(
  raster: Raster,
  plan: ReturnType<typeof planPage>,
  tile: Tile,
  dir: string,
  options: RemoteDetectionOptions,
): Promise<DetectedBox[]> {
  const pixels = await cutTile(raster, plan, tile);
  const ref = await writeRaster(options.services.volume, `${dir}/tile-${tile.index}.raw`, pixels);
  const event: DetectEvent = { tile: ref };
  try {
    const { value } = await invokeWithRetry(
      () => options.services.invoke(options.detectFunction, event) as Promise<DetectResponse>,
      options.retry,
    );
    return value.boxes;
  } catch (error) {
    throw tileFailure(error, tile, options);
  }
}

function tileFailure(error: unknown, tile: Tile, options: RemoteDetectionOptions): WorkflowError {
  const exhausted = error instanceof RetryExhaustedError ? error : undefined;
  const reason = error instanceof Error ? error.message : String(error);
  return new WorkflowError(
    'DETECTION_FAILED',
    `page ${options.pageNumber}, tile ${tile.index} (row ${tile.row}, column ${tile.col}): ${reason}`,
    {
      document: options.document,
      cause: error,
      details: {
        page: options.pageNumber,
        tile: tile.index,
        row: tile.row,
        col: tile.col,
        reason: exhausted?.code ?? 'INTERNAL',
        ...(exhausted
          ? { attempts: exhausted.report.attempts, throttles: exhausted.report.throttles }
          : {}),
      },
    },
  );
}
