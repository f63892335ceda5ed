/**
 * @module One decoded page to its {@link PageResult}: the text layer of a digital PDF page is
 * laid out directly; any other page is turned upright from its content if it needs it, then
 * detected on tiles, recognized and laid out. Each stage's time goes to `timings`.
 */
import type { DetectedBox, TextDetector } from './detection.js';
import { detectPage } from './detection.js';
import type { DirectionClassifier } from './direction-classifier.js';
import type { Box, Polygon } from './geometry.js';
import { polygonOfBox } from './geometry.js';
import { layoutPage } from './layout.js';
import { detectOrientation, rotateRaster } from './orientation.js';
import type { Page, TextLayerWord } from './pages.js';
import type { Raster } from './raster.js';
import type { RecognizedLine, TextRecognizer } from './recognition/recognizer.js';
import type { BlockResult, PageResult, Rotation } from './result.js';
import type { StageTimings } from './stage-timings.js';
import type { DetectionOptions } from './tiles.js';

/** The models a page is read with, loaded once by the Reader. */
export interface PageModels {
  detector: TextDetector;
  recognizer: TextRecognizer;
  /** Tells upright lines from upside-down ones, for orientation from content. */
  classifier: DirectionClassifier;
}

export interface PageSettings {
  detection: DetectionOptions;
  timings: StageTimings;
  onDetections?: (pageNumber: number, boxes: DetectedBox[]) => void;
}

/**
 * Detects a whole page's text, in the raster's pixels. {@link readPage} runs the tiles one by
 * one on `models.detector`; the platform's workflow fans them out to functions instead.
 */
export type PageDetection = (raster: Raster, options: DetectionOptions) => Promise<DetectedBox[]>;

/** Reads one page. Boxes are in the upright page's pixels, the whole page's when it was cropped. */
export function readPage(
  page: Page,
  models: PageModels,
  settings: PageSettings,
): Promise<PageResult> {
  return readPageWith(page, models, settings, (raster, options) =>
    detectPage(models.detector, raster, options),
  );
}

/** {@link readPage} with detection done by `detect`: every other stage is the same. */
export async function readPageWith(
  page: Page,
  models: Omit<PageModels, 'detector'>,
  settings: PageSettings,
  detect: PageDetection,
): Promise<PageResult> {
  const number = page.index + 1;
  const { timings } = settings;
  let raster = page.raster;
  let turned: Rotation = 0;
  let blocks: BlockResult[];

  if (page.textLayer) {
    const lines = page.textLayer.map(textLayerLine);
    blocks = await timings.time('layout', () => layoutPage(lines, raster));
  } else {
    const detected = await detectUpright(page, models, settings, detect);
    raster = detected.raster;
    turned = detected.rotation;
    const { boxes } = detected;
    const upright = raster;
    const frame = frameOf(page, turned);
    settings.onDetections?.(
      number,
      boxes.map((box) => shiftDetection(box, frame)),
    );
    const lines = await timings.time('recognition', () =>
      models.recognizer.recognize(upright, boxes),
    );
    blocks = await timings.time('layout', () => layoutPage(lines, upright));
  }

  const frame = frameOf(page, turned);
  return {
    number,
    width: frame.width,
    height: frame.height,
    rotation: turned === 0 ? page.rotation : addRotation(page.rotation, turned),
    rotationSource: turned === 0 ? page.rotationSource : 'content',
    scale: page.scale,
    ...(page.dpi ? { dpi: page.dpi } : {}),
    source: page.textLayer ? 'text-layer' : 'ocr',
    ...(page.partial ? { partial: page.partial } : {}),
    blocks: blocks.map((block) => finishBlock(block, frame)).filter((b) => b.lines.length > 0),
  };
}

/**
 * Detects the page's text, turning the page first when its content says it lies sideways or
 * upside down. Metadata (EXIF, /Rotate) is trusted when present: only pages without it are
 * checked, so a page is never turned twice.
 */
async function detectUpright(
  page: Page,
  models: Omit<PageModels, 'detector'>,
  settings: PageSettings,
  detect: PageDetection,
) {
  const { timings, detection } = settings;
  const raster = page.raster;
  const boxes = await timings.time('detection', () => detect(raster, detection));
  if (page.rotationSource !== 'none') return { raster, boxes, rotation: 0 as const };

  const rotation = await timings.time('orientation', () =>
    detectOrientation(raster, boxes, models.classifier),
  );
  if (rotation === 0) return { raster, boxes, rotation };
  const upright = await timings.time('orientation', () => rotateRaster(raster, rotation));
  const again = await timings.time('detection', () => detect(upright, detection));
  return { raster: upright, boxes: again, rotation };
}

/** A text-layer word as a recognized segment, so the same layout turns them into lines. */
function textLayerLine(word: TextLayerWord): RecognizedLine {
  const polygon = polygonOfBox(word.box);
  return {
    text: word.text,
    box: word.box,
    polygon,
    confidence: 1,
    words: [{ text: word.text, box: word.box, confidence: 1 }],
  };
}

function addRotation(a: Rotation, b: Rotation): Rotation {
  return ((a + b) % 360) as Rotation;
}

/** Where the raster lies in the upright page: its offset and the whole page's size. */
interface Frame {
  dx: number;
  dy: number;
  width: number;
  height: number;
}

/**
 * The frame of a page's raster after it was turned `turned` degrees clockwise. Only a page
 * too large to rasterise whole has a crop (its inked window); turning the window turns its
 * place in the page too.
 */
function frameOf(page: Page, turned: Rotation): Frame {
  const { width, height } = page.raster;
  const crop = page.crop ?? { x: 0, y: 0, pageWidth: width, pageHeight: height };
  const W = crop.pageWidth;
  const H = crop.pageHeight;
  const frames: Record<Rotation, Frame> = {
    0: { dx: crop.x, dy: crop.y, width: W, height: H },
    90: { dx: H - (crop.y + height), dy: crop.x, width: H, height: W },
    180: { dx: W - (crop.x + width), dy: H - (crop.y + height), width: W, height: H },
    270: { dx: crop.y, dy: W - (crop.x + width), width: H, height: W },
  };
  const frame = frames[turned];
  return { ...frame, width: Math.round(frame.width), height: Math.round(frame.height) };
}

function shiftDetection(box: DetectedBox, frame: Frame): DetectedBox {
  return { ...box, box: shiftBox(box.box, frame), polygon: shiftPolygon(box.polygon, frame) };
}

/**
 * Moves a block into whole-page coordinates, rounds them to 0.1 pixel, and drops what holds
 * no text (a detected box the recognizer found empty).
 */
function finishBlock(block: BlockResult, offset: Frame): BlockResult {
  return {
    text: block.text,
    box: shiftBox(block.box, offset),
    confidence: roundTo(block.confidence, 4),
    lines: block.lines.filter(hasText).map((line) => ({
      text: line.text,
      box: shiftBox(line.box, offset),
      ...(line.polygon ? { polygon: shiftPolygon(line.polygon, offset) } : {}),
      confidence: roundTo(line.confidence, 4),
      words: line.words.filter(hasText).map((word) => ({
        text: word.text,
        box: shiftBox(word.box, offset),
        ...(word.polygon ? { polygon: shiftPolygon(word.polygon, offset) } : {}),
        confidence: roundTo(word.confidence, 4),
      })),
    })),
  };
}

function hasText(item: { text: string }): boolean {
  return item.text.trim() !== '';
}

function shiftBox(box: Box, { dx, dy }: Frame): Box {
  return {
    x: roundTo(box.x + dx, 1),
    y: roundTo(box.y + dy, 1),
    width: roundTo(box.width, 1),
    height: roundTo(box.height, 1),
  };
}

function shiftPolygon(polygon: Polygon, { dx, dy }: Frame): Polygon {
  return polygon.map(([x, y]) => [roundTo(x + dx, 1), roundTo(y + dy, 1)]);
}

function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
