/**
 * Image documents (JPEG, PNG, TIFF, WebP) to pages, with sharp (libvips).
 *
 * Each page is decoded in one streaming libvips pipeline: EXIF orientation, downscale to the
 * pixel budget, alpha flattened onto white, conversion to 8-bit gray or sRGB (16-bit samples and
 * CMYK included), straight to a raw buffer. libvips reads the file sequentially, so the peak
 * memory of a page is about its output raster plus a few strips, not the source at full size.
 * Progressive JPEG and interlaced PNG are the exception (see {@link progressiveFits}).
 *
 * Damage is never a clean success:
 * - a file whose structure stops early (JPEG without EOI after its last scan, PNG without IEND,
 *   WebP shorter than its RIFF size) is flagged `partial`, with the part of the page it has no
 *   data for painted white; with (almost) no data at all it is TRUNCATED_IMAGE. JPEG and WebP
 *   are decoded leniently and the decoder's flat fill is found; a PNG is first completed into a
 *   whole file from the rows that arrived (see {@link completeTruncatedPng});
 * - a whole file that the decoder warns about (libjpeg "corrupt data" warnings) is decoded
 *   again ignoring warnings and flagged `partial` with the decoder's message;
 * - a file the decoder rejects outright is CORRUPT_IMAGE.
 */
import sharp, { type FailOnOptions, type Metadata } from 'sharp';
import { DocumentError } from '../errors.js';
import type { Raster } from '../raster.js';
import { reclaimBeforeAllocating } from '../reclaim.js';
import { budgetScale, checkPageCount, type PageBudget } from './budget.js';
import {
  bandPast,
  describeMissing,
  endsEarly,
  findMissingBand,
  storedBottomSide,
  whitenBand,
} from './image-damage.js';
import { completeTruncatedPng } from './truncated-png.js';
import { type DocumentFormat, type LoadedDocument, PAGE_LIMITS, type Page } from './types.js';

type ImageFormat = Exclude<DocumentFormat, 'pdf'>;

/** Clockwise rotation of each EXIF orientation (mirrored ones as exiftool names them). */
const EXIF_ROTATION: Record<number, Page['rotation']> = {
  3: 180,
  4: 180,
  5: 270,
  6: 90,
  7: 90,
  8: 270,
};

/**
 * A truncated page missing more than this share is refused rather than passed on as partial:
 * in a JPEG the few rows left are usually the decoder's garbage from the first block row, and a
 * sliver of any page rarely holds more than a cut-off line.
 */
const MAX_MISSING_SHARE = 0.95;

interface ImageContext {
  bytes: Uint8Array;
  format: ImageFormat;
  document: string;
  budget: PageBudget;
  truncated: boolean;
}

/** Opens an image document; pages are decoded as they are iterated. */
export async function loadImagePages(
  bytes: Uint8Array,
  format: ImageFormat,
  document: string,
  budget: PageBudget,
): Promise<LoadedDocument> {
  const context = { bytes, format, document, budget, truncated: endsEarly(bytes, format) };
  const metadata = await readMetadata(context, 0);
  // Only TIFF pages are pages; the frames of an animated WebP are not, only the first is read.
  const pageCount = format === 'tiff' ? (metadata.pages ?? 1) : 1;
  checkPageCount(pageCount, budget, document);

  return { format, pageCount, pages: decodePages(context, pageCount, metadata) };
}

async function* decodePages(
  context: ImageContext,
  pageCount: number,
  first: Metadata,
): AsyncGenerator<Page> {
  for (let index = 0; index < pageCount; index++) {
    const metadata = index === 0 ? first : await readMetadata(context, index);
    yield await decodePage(context, index, metadata);
  }
}

async function readMetadata(context: ImageContext, page: number): Promise<Metadata> {
  try {
    return await sharp(context.bytes, { page, failOn: 'none', limitInputPixels: false }).metadata();
  } catch (cause) {
    throw decodeError(context, page, cause);
  }
}

async function decodePage(context: ImageContext, index: number, metadata: Metadata): Promise<Page> {
  const orientation = metadata.orientation ?? 1;
  const upright =
    orientation >= 5 ? swap(metadata) : { width: metadata.width, height: metadata.height };
  const channels: 1 | 3 = (metadata.channels ?? 3) <= 2 ? 1 : 3;
  const scale = budgetScale(upright.width, upright.height, channels, context.budget);
  if (scale < PAGE_LIMITS.minImageScale) throw tooLarge(context, index, upright);
  if (metadata.isProgressive && !progressiveFits(upright, channels, context.budget)) {
    throw tooLarge(context, index, upright);
  }

  const target = {
    width: Math.max(1, Math.round(upright.width * scale)),
    height: Math.max(1, Math.round(upright.height * scale)),
    channels,
    resize: scale < 1,
  };
  reclaimBeforeAllocating(target.width * target.height * channels);
  const { raster, partial } = await decodeRaster(context, index, metadata, target);
  const rotation = EXIF_ROTATION[orientation] ?? 0;
  return {
    index,
    raster,
    rotation,
    rotationSource: orientation === 1 ? 'none' : 'exif',
    scale: target.width / upright.width,
    ...dpiOf(metadata, target.width / upright.width),
    ...(partial === undefined ? {} : { partial }),
  };
}

interface Target {
  width: number;
  height: number;
  channels: 1 | 3;
  resize: boolean;
}

async function decodeRaster(
  context: ImageContext,
  index: number,
  metadata: Metadata,
  target: Target,
): Promise<{ raster: Raster; partial?: string }> {
  if (context.truncated) return decodeTruncated(context, index, metadata, target);

  try {
    return { raster: await runPipeline(context, index, metadata, target, 'warning') };
  } catch (strictError) {
    const raster = await decodeOrThrow(context, index, metadata, target, 'error');
    const reason = firstLine(strictError);
    return { raster, partial: `the image data is damaged (${reason}); parts may be garbled` };
  }
}

async function decodeTruncated(
  context: ImageContext,
  index: number,
  metadata: Metadata,
  target: Target,
): Promise<{ raster: Raster; partial: string }> {
  if (context.format === 'png') return decodeTruncatedPng(context, index, metadata, target);

  const raster = await decodeOrThrow(context, index, metadata, target, 'none');
  const missing = findMissingBand(raster, storedBottomSide(metadata.orientation ?? 1));
  if (missing && missing.share > MAX_MISSING_SHARE) throw truncatedBeforeData(context, index);
  if (!missing) {
    return { raster, partial: 'the file is truncated: part of the page may be missing' };
  }

  whitenBand(raster, missing);
  return { raster, partial: describeMissing(missing) };
}

/**
 * The rows of a PNG that arrived are known exactly, so the share reported is the share of the
 * stored image that is missing, and whitening it also covers the coarse rows of a cut
 * interlaced file.
 */
async function decodeTruncatedPng(
  context: ImageContext,
  index: number,
  metadata: Metadata,
  target: Target,
): Promise<{ raster: Raster; partial: string }> {
  const completed = await completeTruncatedPng(context.bytes);
  const share = completed ? 1 - completed.wholeRows / completed.height : 1;
  if (!completed || share > MAX_MISSING_SHARE) {
    throw truncatedBeforeData(context, index, completed?.interlaced ? INTERLACED_CUT : undefined);
  }

  const whole = { ...context, bytes: completed.bytes };
  const raster = await decodeOrThrow(whole, index, metadata, target, 'error');
  if (share === 0) {
    return {
      raster,
      partial:
        'the file is truncated after its last row of image data: no part of the page is missing',
    };
  }

  const missing = bandPast(raster, storedBottomSide(metadata.orientation ?? 1), share);
  whitenBand(raster, missing);
  return { raster, partial: describeMissing(missing) };
}

const INTERLACED_CUT =
  'the interlaced file is truncated before its last pass covered a usable part of the page: only coarse passes arrived';

function truncatedBeforeData(context: ImageContext, index: number, reason?: string): DocumentError {
  const message = reason ?? 'the file is truncated before any usable image data';
  return new DocumentError('TRUNCATED_IMAGE', message, {
    document: context.document,
    details: { page: index, bytes: context.bytes.length },
  });
}

async function decodeOrThrow(
  context: ImageContext,
  index: number,
  metadata: Metadata,
  target: Target,
  failOn: FailOnOptions,
): Promise<Raster> {
  try {
    return await runPipeline(context, index, metadata, target, failOn);
  } catch (cause) {
    throw decodeError(context, index, cause);
  }
}

async function runPipeline(
  context: ImageContext,
  index: number,
  metadata: Metadata,
  target: Target,
  failOn: FailOnOptions,
): Promise<Raster> {
  let pipeline = sharp(context.bytes, {
    page: index,
    failOn,
    limitInputPixels: false, // checked against the budget above, from the header's size
    sequentialRead: true,
  }).autoOrient();
  if (target.resize) pipeline = pipeline.resize(target.width, target.height, { fit: 'fill' });
  if (metadata.hasAlpha) pipeline = pipeline.flatten({ background: '#ffffff' });
  pipeline = pipeline.toColourspace(target.channels === 1 ? 'b-w' : 'srgb');

  const { data, info } = await pipeline
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (
    info.channels !== target.channels ||
    data.length !== info.width * info.height * info.channels
  ) {
    throw new Error(`unexpected decoder output ${info.width}x${info.height}x${info.channels}`);
  }
  return { width: info.width, height: info.height, channels: target.channels, data };
}

/**
 * Interlaced PNG and progressive JPEG cannot be streamed: the decoder keeps the whole source
 * (JPEG: 2 bytes per coefficient) in memory. Such a source is accepted up to
 * {@link PROGRESSIVE_BUDGET_FACTOR} page budgets.
 */
function progressiveFits(
  size: { width: number; height: number },
  channels: number,
  budget: PageBudget,
): boolean {
  const sourceBytes = size.width * size.height * channels * 2;
  return sourceBytes <= PROGRESSIVE_BUDGET_FACTOR * budget.maxRasterBytes;
}

const PROGRESSIVE_BUDGET_FACTOR = 4;

function swap(metadata: Metadata): { width: number; height: number } {
  return { width: metadata.height, height: metadata.width };
}

/** libvips reports density in pixels per inch; without a stored unit it is only a default. */
function dpiOf(metadata: Metadata, scale: number): { dpi?: number } {
  if (!metadata.density || !metadata.resolutionUnit) return {};
  return { dpi: metadata.density * scale };
}

function tooLarge(
  context: ImageContext,
  index: number,
  size: { width: number; height: number },
): DocumentError {
  const megapixels = Math.round((size.width * size.height) / 1e6);
  return new DocumentError(
    'PAGE_TOO_LARGE',
    `page ${index + 1} is ${size.width}x${size.height} (${megapixels} MP): too large to decode within the pixel budget`,
    { document: context.document, details: { page: index, ...size } },
  );
}

function decodeError(context: ImageContext, index: number, cause: unknown): DocumentError {
  const code = context.truncated ? 'TRUNCATED_IMAGE' : 'CORRUPT_IMAGE';
  const what = context.truncated ? 'is truncated and cannot be decoded' : 'cannot be decoded';
  return new DocumentError(
    code,
    `the ${context.format.toUpperCase()} image ${what}: ${firstLine(cause)}`,
    { document: context.document, cause, details: { page: index } },
  );
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() ?? message;
}
