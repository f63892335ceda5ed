/**
 * Image decoding on generated inputs: orientation, colour, depth, alpha, budget and damage.
 */
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { darkShare, firstPage, hasCases, loadAll, meanOf, readCase, rejection } from './helpers.js';

/** 200x100 white page with a black 40x40 mark in its top-left corner. */
async function markedPage(): Promise<Sharp> {
  const mark = await sharp({
    create: { width: 40, height: 40, channels: 3, background: '#000' },
  })
    .png()
    .toBuffer();
  const png = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#fff' } })
    .composite([{ input: mark, left: 0, top: 0 }])
    .png()
    .toBuffer();
  return sharp(png);
}

/** Noise-free gradient with stripes: every row differs from the next. */
async function stripedJpeg(width: number, height: number): Promise<Buffer> {
  const data = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data[y * width + x] = (x * 7 + y * 3) % 200;
  }
  return sharp(data, { raw: { width, height, channels: 1 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

const corner = (x: number, y: number) => ({ x, y, width: 30, height: 30 });

describe('loadPages on images', () => {
  it.each([
    [3, 180, { w: 200, h: 100 }, corner(165, 65)],
    [6, 90, { w: 100, h: 200 }, corner(65, 5)],
    [8, 270, { w: 100, h: 200 }, corner(5, 165)],
  ])(
    'applies EXIF orientation %i as a %i degree turn',
    async (orientation, rotation, size, mark) => {
      const jpeg = await (await markedPage()).jpeg().withMetadata({ orientation }).toBuffer();

      const page = await firstPage(jpeg);

      expect(page.rotation).toBe(rotation);
      expect(page.rotationSource).toBe('exif');
      expect([page.raster.width, page.raster.height]).toEqual([size.w, size.h]);
      expect(meanOf(page.raster, mark)).toBeLessThan(30);
    },
  );

  it('decodes WebP', async () => {
    const webp = await (await markedPage()).webp({ lossless: true }).toBuffer();

    const { format, pages } = await loadAll(webp);

    expect(format).toBe('webp');
    expect(meanOf(pages[0]?.raster ?? fail(), corner(5, 5))).toBeLessThan(10);
  });

  it('converts CMYK to a positive RGB image', async () => {
    const cmyk = await (await markedPage()).toColourspace('cmyk').jpeg().toBuffer();

    const page = await firstPage(cmyk);

    expect(page.raster.channels).toBe(3);
    expect(meanOf(page.raster, corner(5, 5))).toBeLessThan(40);
    expect(meanOf(page.raster, corner(150, 50))).toBeGreaterThan(215);
  });

  it('reads 16-bit PNG samples as the same picture in 8 bits', async () => {
    const eight = await (await markedPage()).png().toBuffer();
    const sixteen = await (await markedPage()).toColourspace('rgb16').png().toBuffer();

    const a = await firstPage(eight);
    const b = await firstPage(sixteen);

    expect(b.raster.data.length).toBe(a.raster.data.length);
    expect(b.raster.data.equals(a.raster.data)).toBe(true);
  });

  it('flattens transparency onto white before dropping alpha', async () => {
    // Black everywhere; only the alpha channel draws the mark.
    const rgba = Buffer.alloc(100 * 50 * 4);
    for (let y = 0; y < 50; y++) {
      for (let x = 0; x < 100; x++) rgba[(y * 100 + x) * 4 + 3] = x < 20 && y < 20 ? 255 : 0;
    }
    const png = await sharp(rgba, { raw: { width: 100, height: 50, channels: 4 } })
      .png()
      .toBuffer();

    const page = await firstPage(png);

    expect(meanOf(page.raster, { x: 0, y: 0, width: 20, height: 20 })).toBe(0);
    expect(meanOf(page.raster, { x: 30, y: 0, width: 70, height: 50 })).toBe(255);
  });

  it('downscales a page above the pixel budget and records the scale', async () => {
    const png = await sharp({
      create: { width: 4000, height: 3000, channels: 3, background: '#f00' },
    })
      .png()
      .toBuffer();

    const page = await firstPage(png, { maxPixels: 1_000_000 });

    expect(page.raster.width * page.raster.height).toBeLessThanOrEqual(1_000_000);
    expect(page.raster.width * page.raster.height).toBeGreaterThan(990_000);
    expect(page.scale).toBeCloseTo(page.raster.width / 4000, 6);
  });

  it('lets a gray page hold three times the pixels of the budget', async () => {
    const pixels = Buffer.alloc(2000 * 1500, 200);
    const gray = await sharp(pixels, { raw: { width: 2000, height: 1500, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer();

    const page = await firstPage(gray, { maxPixels: 1_000_000 });

    expect([page.raster.width, page.raster.height, page.raster.channels]).toEqual([2000, 1500, 1]);
    expect(page.scale).toBe(1);
  });

  it('refuses a page that would need shrinking below a quarter as PAGE_TOO_LARGE', async () => {
    const png = await sharp({
      create: { width: 4000, height: 3000, channels: 3, background: '#fff' },
    })
      .png()
      .toBuffer();

    const error = await rejection(loadAll(png, { document: 'poster.png', maxPixels: 100_000 }));

    expect(error.code).toBe('PAGE_TOO_LARGE');
    expect(error.message).toContain('poster.png');
  });

  it('refuses a progressive JPEG whose whole source would not fit four page budgets', async () => {
    const plain = await stripedJpeg(2000, 2000);
    const progressive = await sharp(plain).jpeg({ progressive: true }).toBuffer();

    const downscaled = await firstPage(plain, { maxPixels: 500_000 });
    const error = await rejection(loadAll(progressive, { maxPixels: 500_000 }));

    expect(downscaled.scale).toBeCloseTo(Math.sqrt(500_000 / 4_000_000), 2);
    expect(error.code).toBe('PAGE_TOO_LARGE');
  });

  it('flags a truncated JPEG as partial and blanks the rows it never received', async () => {
    const jpeg = await stripedJpeg(400, 400);

    const page = await firstPage(jpeg.subarray(0, Math.floor(jpeg.length / 2)));

    expect(page.partial).toMatch(/truncated: the bottom \d+%/);
    expect(meanOf(page.raster, { x: 0, y: 390, width: 400, height: 10 })).toBe(255);
    expect(meanOf(page.raster, { x: 0, y: 0, width: 400, height: 10 })).toBeLessThan(150);
  });

  it('refuses a JPEG cut before any image data as TRUNCATED_IMAGE', async () => {
    const jpeg = await stripedJpeg(400, 400);
    const scanHeader = jpeg.indexOf(Buffer.from([0xff, 0xda]));
    const headerOnly = jpeg.subarray(0, scanHeader + 2 + jpeg.readUInt16BE(scanHeader + 2));

    const error = await rejection(loadAll(headerOnly, { document: 'cut.jpg' }));

    expect(error.code).toBe('TRUNCATED_IMAGE');
    expect(error.message).toContain('cut.jpg');
  });

  it('refuses a PNG with damaged data as CORRUPT_IMAGE, keeping the decoder error as cause', async () => {
    const png = Buffer.from(await (await markedPage()).png({ compressionLevel: 0 }).toBuffer());
    for (let i = 100; i < png.length - 20; i += 97) png[i] = (png[i] ?? 0) ^ 0x5a;

    const error = await rejection(loadAll(png, { document: 'broken.png' }));

    expect(error.code).toBe('CORRUPT_IMAGE');
    expect(error.message).toContain('broken.png');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('never passes a JPEG with damaged scan data as a clean success', async () => {
    const jpeg = Buffer.from(await stripedJpeg(400, 400));
    const scan = jpeg.indexOf(Buffer.from([0xff, 0xda])) + 200;
    for (let i = scan; i < jpeg.length - 100; i += 301) jpeg[i] = (jpeg[i] ?? 0) ^ 0xff;

    const outcome = await firstPage(jpeg).then(
      (page) => page.partial ?? 'clean',
      (error: { code?: string }) => error.code ?? 'unknown',
    );

    expect(outcome).not.toBe('clean');
    expect(outcome).toMatch(/damaged|CORRUPT_IMAGE/);
  });

  it('rejects a non-integer pixel budget as INVALID_OPTION', async () => {
    const png = await (await markedPage()).png().toBuffer();

    const error = await rejection(loadAll(png, { maxPixels: 0.5 }));

    expect(error.code).toBe('INVALID_OPTION');
  });

  it.skipIf(!hasCases)(
    'refuses a TIFF with more pages than maxPages as TOO_MANY_PAGES',
    async () => {
      const error = await rejection(loadAll(readCase('c10-two-page.tif'), { maxPages: 1 }));

      expect(error.code).toBe('TOO_MANY_PAGES');
    },
  );

  it('decodes pages lazily: nothing is decoded before iteration asks for it', async () => {
    const png = await (await markedPage()).png().toBuffer();

    const loaded = await (await import('../../../src/document/pages.js')).loadPages(png, {
      document: 'lazy.png',
    });
    const iterator = loaded.pages[Symbol.asyncIterator]();
    const first = await iterator.next();
    const end = await iterator.next();

    expect(loaded.pageCount).toBe(1);
    expect(first.done).toBe(false);
    expect(end.done).toBe(true);
    expect(darkShare(first.value.raster)).toBeCloseTo(0.08, 2);
  });
});

function fail(): never {
  throw new Error('missing page');
}
