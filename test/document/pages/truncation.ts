/**
 * Truncated copies of the shipped sample PNGs, and what is really left in them, worked out
 * independently of Lectern's own PNG code.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { constants, inflateSync } from 'node:zlib';
import type { Raster } from '../../../src/document/raster.js';

const samples = fileURLToPath(new URL('../../../samples/invoices/', import.meta.url));

export const OYO = readFileSync(`${samples}i2d_oyo.png`);
export const AWS = readFileSync(`${samples}i2d_AmazonWebServices.png`);

/**
 * Upper bound of the image rows a truncated 8-bit RGB, non-interlaced PNG still holds: the
 * complete rows its IDAT data inflates to.
 */
export function rowsInFile(png: Buffer): number {
  const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  if (png[24] !== 8 || png[25] !== 2 || png[28] !== 0) throw new Error('not 8-bit RGB');
  const data: Buffer[] = [];
  for (let offset = 8; offset + 8 <= png.length; ) {
    const length = png.readUInt32BE(offset);
    if (png.toString('latin1', offset + 4, offset + 8) === 'IDAT') {
      data.push(png.subarray(offset + 8, Math.min(offset + 8 + length, png.length)));
    }
    offset += 12 + length;
  }
  const inflated = inflateSync(Buffer.concat(data), { finishFlush: constants.Z_SYNC_FLUSH });
  return Math.min(height, Math.floor(inflated.length / (1 + width * 3)));
}

/** The share of the page a `partial` warning says is missing, and on which side. */
export function statedMissing(partial: string | undefined): { side: string; share: number } {
  const match = /truncated: the (\w+) (\d+)% of the page has no image data/.exec(partial ?? '');
  if (!match) throw new Error(`no missing share in ${partial}`);
  return { side: match[1] ?? '', share: Number(match[2]) / 100 };
}

/** Rows from the top where two rasters of the same size are identical. */
export function equalRowsFromTop(a: Raster, b: Raster): number {
  const rowBytes = a.width * a.channels;
  for (let y = 0; y < a.height; y++) {
    const start = y * rowBytes;
    if (a.data.compare(b.data, start, start + rowBytes, start, start + rowBytes) !== 0) return y;
  }
  return a.height;
}

/**
 * Where `page` differs from `whole`, seen from `side`: the band from that edge inward that
 * contains every differing pixel (0 when the rasters are identical), and whether that band is
 * all white.
 */
export function differingBand(
  page: Raster,
  whole: Raster,
  side: 'bottom' | 'left',
): { size: number; white: boolean } {
  const { width, height, channels, data } = page;
  const rowBytes = width * channels;
  let size = 0;
  for (let y = 0; y < height; y++) {
    const start = y * rowBytes;
    if (data.compare(whole.data, start, start + rowBytes, start, start + rowBytes) === 0) continue;
    if (side === 'bottom') {
      size = height - y;
      break;
    }
    let last = start + rowBytes - 1;
    while (data[last] === whole.data[last]) last--;
    size = Math.max(size, Math.floor((last - start) / channels) + 1);
  }
  const band =
    side === 'bottom'
      ? data.subarray((height - size) * width * channels)
      : Buffer.concat(
          Array.from({ length: height }, (_, y) =>
            data.subarray(y * width * channels, (y * width + size) * channels),
          ),
        );
  return { size, white: band.every((value) => value === 255) };
}
