/**
 * Orientation from content, for pages turned 90, 180 or 270 degrees with nothing in the file
 * to say so (no EXIF tag, no PDF /Rotate).
 *
 * 1. Line shape, free: text lines are long and thin. When the detected boxes are mostly
 *    taller than wide, the page lies on its side (90 or 270); otherwise it is 0 or 180.
 * 2. Direction, cheap: the PP-OCR direction classifier reads the longest lines (12 by
 *    default, one batch of a few milliseconds), each turned by the candidate rotation and
 *    squeezed to 48 x 192 as PaddleOCR does, and tells upright from upside down. On the 40
 *    SROIE receipts the mean "upside down" probability was at most 0.40 for upright pages
 *    and at least 0.69 for turned ones (8 lines), hence the 0.55 threshold.
 *
 * The result is the clockwise rotation that makes the page upright, as `Page.rotation` and
 * `PageResult.rotation` count it. Detection must then be run again on the turned page
 * ({@link orientPage} does both).
 */
import type { DetectedBox } from './db-postprocess.js';
import { detectPage } from './detect-page.js';
import type { TextDetector } from './detection.js';
import { DirectionClassifier } from './direction-classifier.js';
import type { Raster } from './raster.js';
import { rasterOf, sharpOf } from './raster-sharp.js';
import type { DetectionOptions } from './tiles.js';

export type Rotation = 0 | 90 | 180 | 270;

/** How orientation is decided, with defaults. */
export interface OrientationOptions {
  /** Lines read by the direction classifier. Default 12. */
  samples?: number;
  /**
   * Mean probability of "upside down" over the sampled lines above which the page is
   * turned by an extra 180 degrees. Default 0.55.
   */
  upsideDownThreshold?: number;
}

const DEFAULTS: Required<OrientationOptions> = { samples: 12, upsideDownThreshold: 0.55 };
/** A box this many times longer one way than the other is a line seen clearly. */
const LINE_ASPECT = 2;
/** Fewer elongated boxes than this say nothing about the page's orientation. */
const MIN_LINES = 3;

/** Whether the page's text runs across (lines wider than tall) or down (lines taller). */
export function lineDirection(boxes: DetectedBox[]): 'across' | 'down' | 'unknown' {
  let across = 0;
  let down = 0;
  let count = 0;
  for (const { box } of boxes) {
    if (box.width >= LINE_ASPECT * box.height) across += box.width;
    else if (box.height >= LINE_ASPECT * box.width) down += box.height;
    else continue;
    count++;
  }
  if (count < MIN_LINES) return 'unknown';
  return down > across ? 'down' : 'across';
}

/**
 * The clockwise rotation (0, 90, 180 or 270) that makes the page upright, judged from its
 * detected boxes and the direction classifier. A page with too little text stays at 0.
 */
export async function detectOrientation(
  raster: Raster,
  boxes: DetectedBox[],
  classifier: DirectionClassifier,
  options: OrientationOptions = {},
): Promise<Rotation> {
  const settings = { ...DEFAULTS, ...options };
  const direction = lineDirection(boxes);
  if (direction === 'unknown') return 0;

  const base: Rotation = direction === 'down' ? 90 : 0;
  const lines = longestLines(boxes, direction, settings.samples);
  const votes = await classifier.classify(raster, lines, base);
  const upsideDown = votes.reduce((sum, vote) => sum + vote.upsideDown, 0) / votes.length;
  if (upsideDown < settings.upsideDownThreshold) return base;
  return ((base + 180) % 360) as Rotation;
}

function longestLines(boxes: DetectedBox[], direction: 'across' | 'down', count: number) {
  const length = (b: DetectedBox) => (direction === 'across' ? b.box.width : b.box.height);
  const thickness = (b: DetectedBox) => (direction === 'across' ? b.box.height : b.box.width);
  return boxes
    .filter((b) => length(b) >= LINE_ASPECT * thickness(b))
    .sort((a, b) => length(b) - length(a))
    .slice(0, count)
    .map((b) => b.box);
}

/** The raster turned `rotation` degrees clockwise. */
export async function rotateRaster(raster: Raster, rotation: Rotation): Promise<Raster> {
  if (rotation === 0) return raster;
  return rasterOf(sharpOf(raster).rotate(rotation), raster.channels);
}

/** The models {@link orientPage} uses; without a classifier, a shared one is loaded once. */
export interface OrientationModels {
  detector: TextDetector;
  classifier?: DirectionClassifier;
}

/** An upright page: the raster turned by `rotation`, and its detected boxes. */
export interface OrientedPage {
  raster: Raster;
  rotation: Rotation;
  /** Boxes of the upright raster (detected with `options`): reuse them, do not detect again. */
  boxes: DetectedBox[];
}

/**
 * Detection with orientation from content: detects the page, decides its rotation and, only
 * when it must turn, turns it and detects again. An upright page (the common case) costs one
 * detection plus one classifier batch (a few tens of milliseconds).
 */
export async function orientPage(
  raster: Raster,
  models: OrientationModels,
  options: DetectionOptions & OrientationOptions = {},
): Promise<OrientedPage> {
  const classifier = models.classifier ?? (await sharedClassifier());
  const boxes = await detectPage(models.detector, raster, options);
  const rotation = await detectOrientation(raster, boxes, classifier, options);
  if (rotation === 0) return { raster, rotation, boxes };

  const upright = await rotateRaster(raster, rotation);
  return { raster: upright, rotation, boxes: await detectPage(models.detector, upright, options) };
}

// One classifier for the process when the caller brings none: it is small (0.6 MB) and
// stateless, and loading it per page would cost more than classifying.
let shared: Promise<DirectionClassifier> | undefined;

function sharedClassifier(): Promise<DirectionClassifier> {
  shared ??= DirectionClassifier.load().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}
