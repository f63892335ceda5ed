/**
 * Detection of a whole page in one process: content crop, plan, tiles, detector, stitching.
 * On the platform the same steps run apart (plan and cut in the OCR function, each tile in a
 * detection function, stitching back in the OCR function); this chains them.
 */
import { findContentBox } from './content.js';
import type { DetectedBox } from './db-postprocess.js';
import type { TextDetector } from './detection.js';
import type { Raster } from './raster.js';
import { stitchTiles } from './stitching.js';
import {
  cutTile,
  DETECTION_DEFAULTS,
  type DetectionOptions,
  type DetectionPlan,
  planDetection,
} from './tiles.js';

/** A crop is used only when its longest side is at most this share of the page's. */
const WORTHWHILE_CROP = 0.8;

/**
 * The detection plan of a page raster. Unless `options.crop` is false, a page that must be
 * scaled down is cropped to its ink first (found on a thumbnail: a few tens of milliseconds
 * even at 35 megapixels), when that crop is at most 80% of the page's longest side. Pages
 * detected at full resolution anyway are never cropped, so faint or stray text on them can
 * never be cut off; a crop that gains little resolution is not worth that risk either.
 */
export function planPage(raster: Raster, options: DetectionOptions = {}): DetectionPlan {
  const page = { width: raster.width, height: raster.height };
  const whole = planDetection(page, options);
  if (!(options.crop ?? DETECTION_DEFAULTS.crop) || whole.scale === 1) return whole;

  const content = findContentBox(raster);
  if (!content) return whole;
  const longest = Math.max(content.width, content.height);
  if (longest > WORTHWHILE_CROP * Math.max(page.width, page.height)) return whole;
  return planDetection({ ...page, content }, options);
}

/**
 * Text boxes of a page, in page pixels, its tiles detected in parallel (one per detector
 * session) and stitched.
 * Defaults: see {@link DETECTION_DEFAULTS} (3 x 3 tiles of at least 320 px, 64 px overlap,
 * 1600 px longest side, crop to content).
 */
export async function detectPage(
  detector: TextDetector,
  raster: Raster,
  options: DetectionOptions = {},
): Promise<DetectedBox[]> {
  const plan = planPage(raster, options);
  // Every tile is cut and handed over at once: the detector runs as many as it has sessions
  // and queues the rest. A 2.5-megapixel detection image makes ~30 MB of input tensors.
  const results = await Promise.all(
    plan.tiles.map(async (tile) => ({
      tile,
      boxes: await detector.detect(await cutTile(raster, plan, tile)),
    })),
  );
  return stitchTiles(plan, results);
}
