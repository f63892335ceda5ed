/**
 * PDF rendering on generated documents: rotation, resolution, budget, password, text layer.
 */
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Page } from '../../../src/document/pages.js';
import { darkShare, firstPage, loadAll, meanOf, rejection } from './helpers.js';
import { type PlacedImage, writePdf } from './pdf-writer.js';

const encrypted = readFileSync(new URL('./fixtures/encrypted-aes256.pdf', import.meta.url));

/** A "scan": a gray JPEG of dark bars (text-like edges everywhere), placed at w x h points. */
async function scan(pixelWidth: number, pixelHeight: number, matrix: PlacedImage['matrix']) {
  const data = Buffer.alloc(pixelWidth * pixelHeight, 255);
  for (let y = 0; y < pixelHeight; y++) {
    for (let x = 0; x < pixelWidth; x++) if (y % 12 < 6 && x % 10 < 6) data[y * pixelWidth + x] = 0;
  }
  const jpeg = await sharp(data, { raw: { width: pixelWidth, height: pixelHeight, channels: 1 } })
    .toColourspace('b-w')
    .jpeg()
    .toBuffer();
  return { jpeg, width: pixelWidth, height: pixelHeight, channels: 1 as const, matrix };
}

/** Every word box of a text layer lies on ink: darker inside than the page around it. */
function expectWordsOnInk(page: Page): void {
  for (const word of page.textLayer ?? []) {
    const box = {
      x: Math.round(word.box.x),
      y: Math.round(word.box.y),
      width: Math.round(word.box.width),
      height: Math.round(word.box.height),
    };
    expect(darkShare(page.raster, box), word.text).toBeGreaterThan(0.05);
  }
}

describe('loadPages on PDFs', () => {
  it('takes the words of a digital page from its text layer, boxed on the rendered glyphs', async () => {
    const pdf = writePdf([
      {
        width: 300,
        height: 120,
        texts: [{ x: 20, y: 70, size: 18, text: 'Invoice 2024-117 total 99.50' }],
      },
    ]);

    const page = await firstPage(pdf);

    expect(page.dpi).toBe(300);
    expect(page.scale).toBeCloseTo(300 / 72, 6);
    expect(page.textLayer?.map((w) => w.text)).toEqual(['Invoice', '2024-117', 'total', '99.50']);
    expectWordsOnInk(page);
  });

  it('renders a /Rotate 90 page upright, with text-layer boxes in the upright frame', async () => {
    const pdf = writePdf([
      {
        width: 300,
        height: 120,
        rotate: 90,
        texts: [{ x: 20, y: 70, size: 18, text: 'Rotated receipt line' }],
      },
    ]);

    const page = await firstPage(pdf);

    expect(page.rotation).toBe(90);
    expect(page.rotationSource).toBe('pdf');
    expect([page.raster.width, page.raster.height]).toEqual([500, 1250]);
    expect(page.textLayer).toHaveLength(3);
    expectWordsOnInk(page);
    // Turned clockwise, left-to-right text now runs top to bottom.
    const [first, , last] = page.textLayer ?? [];
    expect(first?.box.y).toBeLessThan(last?.box.y ?? 0);
    expect(first?.box.height).toBeGreaterThan(first?.box.width ?? 0);
  });

  it('leaves the text layer out when OCR is forced', async () => {
    const pdf = writePdf([
      { width: 300, height: 120, texts: [{ x: 20, y: 70, size: 18, text: 'Total 12.00' }] },
    ]);

    const page = await firstPage(pdf, { forceOcr: true });

    expect(page.textLayer).toBeUndefined();
  });

  it('renders a scanned page at the resolution of its image', async () => {
    // 600 x 300 pixels over 2 x 1 inches: a 300 dpi scan filling the page.
    const pdf = writePdf([
      { width: 144, height: 72, images: [await scan(600, 300, [144, 0, 0, 72, 0, 0])] },
    ]);

    const page = await firstPage(pdf);

    expect(page.dpi).toBeCloseTo(300, 6);
    expect([page.raster.width, page.raster.height]).toEqual([600, 300]);
  });

  it('renders a coarse scan at no less than 150 dpi', async () => {
    const pdf = writePdf([
      { width: 288, height: 144, images: [await scan(200, 100, [288, 0, 0, 144, 0, 0])] },
    ]);

    const page = await firstPage(pdf);

    expect(page.dpi).toBe(150);
  });

  it('OCRs a scan whose only text is a stamp covering almost none of the ink', async () => {
    const pdf = writePdf([
      {
        width: 144,
        height: 72,
        images: [await scan(600, 300, [144, 0, 0, 72, 0, 0])],
        texts: [{ x: 2, y: 2, size: 4, text: 'Scanned' }],
      },
    ]);

    const page = await firstPage(pdf);

    expect(page.textLayer).toBeUndefined();
  });

  it('lowers the resolution of an oversized page to fit the budget', async () => {
    const pdf = writePdf([
      {
        width: 2000,
        height: 2000,
        rects: [
          [0, 0, 2000, 10],
          [0, 1990, 2000, 10],
        ],
      },
    ]);

    const page = await firstPage(pdf, { maxPixels: 10_000_000 });

    expect(page.crop).toBeUndefined();
    expect(page.raster.width * page.raster.height).toBeLessThanOrEqual(10_000_000);
    expect(page.dpi).toBeLessThan(300);
    expect(page.dpi).toBeGreaterThan(100);
  });

  it('refuses a page inked edge to edge that would fall below 72 dpi as PAGE_TOO_LARGE', async () => {
    const pdf = writePdf([
      {
        width: 14400,
        height: 14400,
        rects: [
          [0, 0, 14400, 100],
          [0, 14300, 14400, 100],
        ],
      },
    ]);

    const error = await rejection(loadAll(pdf, { document: 'banner.pdf' }));

    expect(error.code).toBe('PAGE_TOO_LARGE');
    expect(error.message).toContain('banner.pdf');
    expect(error.details).toMatchObject({ page: 0 });
  });

  it('opens an encrypted PDF with its user password', async () => {
    const page = await firstPage(encrypted, { password: 'lectern-user' });

    expect(page.textLayer?.map((w) => w.text)).toContain('Encrypted');
    expect(meanOf(page.raster)).toBeGreaterThan(240);
  });

  it('tells a missing (or empty) password from a wrong one, and says how to give one', async () => {
    const missing = await rejection(loadAll(encrypted));
    const empty = await rejection(loadAll(encrypted, { password: '' }));
    const wrong = await rejection(loadAll(encrypted, { password: 'lectern-owner?' }));

    expect(missing.code).toBe('ENCRYPTED_PDF');
    expect(missing.message).toContain('lectern read --password');
    expect(empty.code).toBe('ENCRYPTED_PDF');
    expect(wrong.code).toBe('WRONG_PASSWORD');
    expect(wrong.message).toContain('the password is wrong');
  });

  it('refuses more pages than maxPages as TOO_MANY_PAGES before rendering any', async () => {
    const pdf = writePdf([1, 2, 3].map(() => ({ width: 100, height: 100 })));

    const error = await rejection(loadAll(pdf, { maxPages: 2 }));

    expect(error.code).toBe('TOO_MANY_PAGES');
    expect(error.details).toMatchObject({ pageCount: 3, maxPages: 2 });
  });

  it('renders the pages of a document in order, one per step', async () => {
    const pdf = writePdf(
      [10, 20, 30].map((size) => ({
        width: 100,
        height: 100,
        texts: [{ x: 10, y: 50, size, text: 'A' }],
      })),
    );

    const { pageCount, pages } = await loadAll(pdf);

    expect(pageCount).toBe(3);
    expect(pages.map((p) => p.index)).toEqual([0, 1, 2]);
    const heights = pages.map((p) => p.textLayer?.[0]?.box.height ?? 0);
    expect(heights[0]).toBeLessThan(heights[1] ?? 0);
    expect(heights[1]).toBeLessThan(heights[2] ?? 0);
  });

  it('refuses a damaged PDF as CORRUPT_PDF naming the document', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 0x41)]);

    const error = await rejection(loadAll(pdf, { document: 'mangled.pdf' }));

    expect(error.code).toBe('CORRUPT_PDF');
    expect(error.message).toContain('mangled.pdf');
  });
});
