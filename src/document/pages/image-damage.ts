/**
 * Truncated uploads. These helpers tell a truncated file from a whole one by its structure; for
 * JPEG and WebP, whose decoders fill the rows they never received with one flat value (JPEG:
 * mid-gray), they find that filled band and turn it white like blank paper. PNG is not decoded
 * leniently at all (libpng leaves stale rows, not a flat band): see truncated-png.ts.
 */
import type { Raster } from '../raster.js';
import type { DocumentFormat } from './types.js';

/** True when the file's structure says it stops before its end marker. */
export function endsEarly(bytes: Uint8Array, format: DocumentFormat): boolean {
  if (format === 'jpeg') return jpegEndsEarly(bytes);
  if (format === 'png') return !hasAsciiNearEnd(bytes, 'IEND', 64);
  if (format === 'webp') return webpEndsEarly(bytes);
  // TIFF keeps its directory anywhere in the file: there is no end marker to look for.
  return false;
}

function jpegEndsEarly(bytes: Uint8Array): boolean {
  // An end-of-image marker (FFD9) must follow the last start-of-scan (FFDA). Inside scan data
  // every 0xFF byte is stuffed, so FFD9 cannot occur there by accident; an EXIF thumbnail's own
  // FFD9 sits before the main image's scans and does not count.
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lastScan = buffer.lastIndexOf(Buffer.from([0xff, 0xda]));
  if (lastScan < 0) return true;
  return buffer.indexOf(Buffer.from([0xff, 0xd9]), lastScan) < 0;
}

function webpEndsEarly(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return true;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return view.getUint32(4, true) + 8 > bytes.length;
}

function hasAsciiNearEnd(bytes: Uint8Array, needle: string, window: number): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buffer.indexOf(needle, Math.max(0, bytes.length - window), 'latin1') >= 0;
}

// Known limit: a flat band is taken for missing data whatever its value, so a real blank
// margin next to the decoder's fill is counted in the share reported. A truncated progressive
// JPEG has no fill band at all (its early scans cover the whole page, coarsely): there the band
// found is only such a margin, and the warning understates that the whole page is coarse.

/** A flat band along one edge of a raster, as the decoder left it. */
export interface MissingBand {
  side: 'top' | 'bottom' | 'left' | 'right';
  /** Rows (top, bottom) or columns (left, right) the band spans. */
  size: number;
  /** Share of the page the band covers, 0..1. */
  share: number;
}

/**
 * The flat band along `side` (where the decoder ran out of data), or undefined when that edge
 * has content.
 */
export function findMissingBand(
  raster: Raster,
  side: MissingBand['side'],
): MissingBand | undefined {
  const vertical = side === 'top' || side === 'bottom';
  const extent = vertical ? raster.height : raster.width;
  const isFlat: Record<MissingBand['side'], (i: number) => boolean> = {
    bottom: (i) => rowIsFlat(raster, raster.height - 1 - i),
    top: (i) => rowIsFlat(raster, i),
    right: (i) => columnIsFlat(raster, raster.width - 1 - i),
    left: (i) => columnIsFlat(raster, i),
  };

  let size = 0;
  while (size < extent && isFlat[side](size)) size++;
  return size > 0 ? { side, size, share: size / extent } : undefined;
}

// 6 turns the image 90 degrees clockwise, so its last rows end up on the left; 5 and 7 are the
// mirrored variants of 8 and 6.
const BOTTOM_SIDE_BY_ORIENTATION: Record<number, MissingBand['side']> = {
  3: 'top',
  4: 'top',
  5: 'right',
  6: 'left',
  7: 'left',
  8: 'right',
};

/** Where the end of the stored image lands once EXIF `orientation` (1..8) is applied. */
export function storedBottomSide(orientation: number): MissingBand['side'] {
  return BOTTOM_SIDE_BY_ORIENTATION[orientation] ?? 'bottom';
}

/**
 * The band along `side` covering `share` of the stored image, in the raster's pixels; rounded
 * outwards, so a row that mixes (after downscaling) the last real row with missing ones is
 * counted as missing.
 */
export function bandPast(raster: Raster, side: MissingBand['side'], share: number): MissingBand {
  const extent = side === 'top' || side === 'bottom' ? raster.height : raster.width;
  return { side, size: extent - Math.floor((1 - share) * extent), share };
}

/** The warning for a page whose band had no image data. */
export function describeMissing(missing: MissingBand): string {
  const rounded = Math.round(missing.share * 100);
  const percent = rounded === 0 ? 'less than 1' : String(rounded);
  return `the file is truncated: the ${missing.side} ${percent}% of the page has no image data and was left blank`;
}

/** Paints the band white, as if the page were blank there. */
export function whitenBand(raster: Raster, missing: MissingBand): void {
  const { width, height, channels, data } = raster;
  const rowBytes = width * channels;
  if (missing.side === 'top') data.fill(255, 0, missing.size * rowBytes);
  if (missing.side === 'bottom') data.fill(255, (height - missing.size) * rowBytes);
  if (missing.side === 'top' || missing.side === 'bottom') return;

  const start = missing.side === 'left' ? 0 : width - missing.size;
  for (let y = 0; y < height; y++) {
    const offset = y * rowBytes + start * channels;
    data.fill(255, offset, offset + missing.size * channels);
  }
}

// A decoder's fill is exactly one colour; a scanned edge always varies by a few levels, so a
// tolerance of 0 keeps blank-but-real paper margins from being mistaken for missing data.
function rowIsFlat(raster: Raster, y: number): boolean {
  const { width, channels, data } = raster;
  const start = y * width * channels;
  for (let i = start + channels; i < start + width * channels; i++) {
    if (data[i] !== data[start + ((i - start) % channels)]) return false;
  }
  return true;
}

function columnIsFlat(raster: Raster, x: number): boolean {
  const { width, height, channels, data } = raster;
  for (let y = 1; y < height; y++) {
    const offset = (y * width + x) * channels;
    for (let c = 0; c < channels; c++)
      if (data[offset + c] !== data[x * channels + c]) return false;
  }
  return true;
}
