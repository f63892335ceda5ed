/**
 * Truncated PNG files, cut from the shipped samples: the rows really in the file are kept as
 * they are, everything else is blank, and the warning states the missing share correctly.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Raster } from '../../../src/document/raster.js';
import { firstPage, rejection } from './helpers.js';
import {
  AWS,
  differingBand,
  equalRowsFromTop,
  OYO,
  rowsInFile,
  statedMissing,
} from './truncation.js';

/** The raster libpng makes of a file on its own, leniently, as sharp passes it through. */
async function lenientRaster(png: Buffer): Promise<Raster> {
  const { data, info } = await sharp(png, { failOn: 'none' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data };
}

describe('loadPages on truncated PNG files', () => {
  it.each([
    ['i2d_oyo.png cut at 20,000 bytes', OYO, 20_000],
    ['i2d_oyo.png cut at 128,000 bytes', OYO, 128_000],
    ['i2d_AmazonWebServices.png cut in half', AWS, Math.floor(AWS.length / 2)],
  ])(
    '%s: keeps the rows in the file, blanks the rest and states its share',
    async (_, png, bytes) => {
      const cut = png.subarray(0, bytes);

      const page = await firstPage(cut);
      const whole = await firstPage(png);

      const { height } = page.raster;
      const inFile = rowsInFile(cut);
      const decodedByLibpng = equalRowsFromTop(await lenientRaster(cut), await lenientRaster(png));
      const stated = statedMissing(page.partial);
      const differing = differingBand(page.raster, whole.raster, 'bottom');
      expect(stated.side).toBe('bottom');
      expect(stated.share).toBeGreaterThanOrEqual(Math.round((1 - inFile / height) * 100) / 100);
      expect(stated.share).toBeLessThanOrEqual(
        Math.round((1 - decodedByLibpng / height) * 100) / 100,
      );
      expect(differing.white).toBe(true);
      expect(height - differing.size).toBeGreaterThanOrEqual(decodedByLibpng);
    },
  );

  it('keeps an interlaced PNG down to the last row its seventh pass reached', async () => {
    const interlaced = await sharp(OYO).png({ progressive: true }).toBuffer();

    const page = await firstPage(interlaced.subarray(0, Math.floor(interlaced.length * 0.8)));
    const whole = await firstPage(interlaced);

    const stated = statedMissing(page.partial);
    const differing = differingBand(page.raster, whole.raster, 'bottom');
    expect(differing.white).toBe(true);
    expect(differing.size / page.raster.height).toBeCloseTo(stated.share, 1);
    expect(stated.share).toBeLessThan(0.7);
  });

  it('refuses an interlaced PNG cut before its seventh pass as TRUNCATED_IMAGE', async () => {
    const interlaced = await sharp(OYO).png({ progressive: true }).toBuffer();

    const error = await rejection(firstPage(interlaced.subarray(0, interlaced.length * 0.4)));

    expect(error.code).toBe('TRUNCATED_IMAGE');
    expect(error.message).toMatch(/interlaced .* before its last pass covered/);
  });

  it('blanks the missing rows of a 1-bit palette PNG with its white entry', async () => {
    const palette = await sharp(AWS).png({ palette: true, colours: 2 }).toBuffer();

    const page = await firstPage(palette.subarray(0, Math.floor(palette.length / 2)));
    const whole = await firstPage(palette);

    const stated = statedMissing(page.partial);
    const differing = differingBand(page.raster, whole.raster, 'bottom');
    expect(differing.white).toBe(true);
    expect(differing.size / page.raster.height).toBeCloseTo(stated.share, 1);
    expect(stated.share).toBeGreaterThan(0.2);
  });

  it('puts the missing band where the end of the file lands after EXIF orientation 6', async () => {
    const turned = await sharp(OYO)
      .resize({ width: 700 })
      .png()
      .withMetadata({ orientation: 6 })
      .toBuffer();

    const page = await firstPage(turned.subarray(0, Math.floor(turned.length / 2)));
    const whole = await firstPage(turned);

    const stated = statedMissing(page.partial);
    const differing = differingBand(page.raster, whole.raster, 'left');
    expect(page.rotation).toBe(90);
    expect(stated.side).toBe('left');
    expect(differing.white).toBe(true);
    expect(differing.size / page.raster.width).toBeCloseTo(stated.share, 1);
  });

  it('blanks the same share of a page downscaled to the pixel budget', async () => {
    const page = await firstPage(OYO.subarray(0, 128_000), { maxPixels: 2_000_000 });

    const stated = statedMissing(page.partial);
    const { width, height } = page.raster;
    const inFile = rowsInFile(OYO.subarray(0, 128_000)) / OYO.readUInt32BE(20);
    // The stated share is rounded to a percent.
    const band = page.raster.data.subarray(Math.ceil((inFile + 0.005) * height) * width * 3);
    expect(page.scale).toBeLessThan(1);
    expect(stated.share).toBe(Math.round((1 - inFile) * 100) / 100);
    expect(band.every((value) => value === 255)).toBe(true);
  });

  it('flags a PNG cut only after its image data as partial with nothing missing', async () => {
    const page = await firstPage(AWS.subarray(0, AWS.length - 12));
    const whole = await firstPage(AWS);

    expect(page.partial).toMatch(/no part of the page is missing/);
    expect(page.raster.data.equals(whole.raster.data)).toBe(true);
  });
});
