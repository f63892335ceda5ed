/**
 * The image cases of ../shared/cases/README.md that concern decoding (c01 c03 c06 c07 c08 c10
 * c20 c22 c24 c25). Reading the text is the later stages' job; here the decoded pixels are
 * checked directly.
 */
import { describe, expect, it } from 'vitest';
import { darkShare, firstPage, hasCases, loadAll, meanOf, readCase, rejection } from './helpers.js';

function meanAbsoluteDifference(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / a.length;
}

describe.skipIf(!hasCases)('loadPages on the shared image cases', () => {
  it('c01: applies EXIF orientation 6, giving the same upright pixels as the unrotated receipt', async () => {
    const rotated = await firstPage(readCase('c01-exif-orientation-6.jpg'));
    const reference = await firstPage(readCase('c07-rgb-16bit.png')); // the same receipt, upright

    expect(rotated.rotation).toBe(90);
    expect(rotated.rotationSource).toBe('exif');
    expect([rotated.raster.width, rotated.raster.height]).toEqual([447, 915]);
    // A wrong turn would put the pixels elsewhere: 180 degrees off differs by ~16 levels.
    expect(meanAbsoluteDifference(rotated.raster.data, reference.raster.data)).toBeLessThan(2);
  });

  it('c03: decodes a sideways page without metadata as stored, claiming no rotation', async () => {
    const page = await firstPage(readCase('c03-rotated-90-no-exif.jpg'));

    expect([page.raster.width, page.raster.height]).toEqual([935, 615]);
    expect(page.rotation).toBe(0);
    expect(page.rotationSource).toBe('none');
  });

  it('c06: decodes a CMYK JPEG without profile to a positive RGB image', async () => {
    const page = await firstPage(readCase('c06-cmyk.jpg'));
    const { raster } = page;

    expect(raster.channels).toBe(3);
    expect([raster.width, raster.height]).toEqual([742, 1449]);
    // Paper is white and ink sparse: a negative would average far below 128.
    expect(meanOf(raster)).toBeGreaterThan(220);
    expect(darkShare(raster)).toBeGreaterThan(0.005);
    expect(darkShare(raster)).toBeLessThan(0.2);
  });

  it('c07: decodes 16 bits per channel to 8 without shear', async () => {
    const page = await firstPage(readCase('c07-rgb-16bit.png'));
    const { raster } = page;

    expect([raster.width, raster.height, raster.channels]).toEqual([447, 915, 3]);
    expect(raster.data.length).toBe(447 * 915 * 3);
    // Sheared rows would smear ink across the paper margins; the left margin stays white.
    expect(meanOf(raster, { x: 0, y: 0, width: 10, height: 915 })).toBeGreaterThan(235);
    expect(meanOf(raster)).toBeGreaterThan(220);
  });

  it('c08: flattens gray+alpha onto white, so text only in the alpha channel shows as ink', async () => {
    const page = await firstPage(readCase('c08-gray-alpha-transparent-bg.png'));
    const { raster } = page;

    expect(raster.channels).toBe(1);
    expect([raster.width, raster.height]).toEqual([616, 1150]);
    // Dropping alpha leaves an all-black page (mean 0); flattened it is white paper with text.
    expect(meanOf(raster)).toBeGreaterThan(200);
    expect(darkShare(raster)).toBeGreaterThan(0.01);
  });

  it('c10: decodes both pages of a JPEG-compressed TIFF, in order', async () => {
    const { format, pageCount, pages } = await loadAll(readCase('c10-two-page.tif'));

    expect(format).toBe('tiff');
    expect(pageCount).toBe(2);
    expect(pages.map((p) => p.index)).toEqual([0, 1]);
    expect(pages.map((p) => [p.raster.width, p.raster.height])).toEqual([
      [710, 1208],
      [703, 1328],
    ]);
    for (const page of pages) expect(meanOf(page.raster)).toBeGreaterThan(150);
  });

  it('c20: refuses a 0-byte object as EMPTY_DOCUMENT', async () => {
    const error = await rejection(
      loadAll(readCase('c20-empty.jpg'), { document: 'c20-empty.jpg' }),
    );

    expect(error.code).toBe('EMPTY_DOCUMENT');
    expect(error.message).toContain('c20-empty.jpg');
  });

  it('c22: refuses a HEIC photo named .jpg, naming HEIC', async () => {
    const error = await rejection(loadAll(readCase('c22-heic-named.jpg')));

    expect(error.code).toBe('UNSUPPORTED_FORMAT');
    expect(error.message).toContain('HEIC');
  });

  it('c24: decodes a JPEG cut at 45% as partial, with the missing part blank', async () => {
    const page = await firstPage(readCase('c24-truncated-45pct.jpg'));
    const { raster } = page;

    expect(page.partial).toMatch(/truncated/);
    expect([raster.width, raster.height]).toEqual([936, 1841]);
    const bottom = { x: 0, y: raster.height - 200, width: raster.width, height: 200 };
    expect(meanOf(raster, bottom)).toBe(255);
    expect(darkShare(raster, { x: 0, y: 0, width: raster.width, height: 600 })).toBeGreaterThan(
      0.01,
    );
  });

  it('c25: keeps a 144-megapixel gray page whole, the receipt at its offset', async () => {
    const page = await firstPage(readCase('c25-12000x12000-mostly-blank.png'));
    const { raster } = page;

    expect([raster.width, raster.height, raster.channels]).toEqual([12000, 12000, 1]);
    expect(page.scale).toBe(1);
    const receipt = { x: 11443, y: 10965, width: 389, height: 860 };
    expect(darkShare(raster, receipt)).toBeGreaterThan(0.02);
    expect(meanOf(raster, { x: 0, y: 0, width: 11000, height: 10900 })).toBe(255);
  });
});
