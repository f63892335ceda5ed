/**
 * The PDF cases of ../shared/cases/README.md (c12 c14 c16 c17 c18 c21).
 */
import { describe, expect, it } from 'vitest';
import { darkShare, firstPage, hasCases, loadAll, meanOf, readCase, rejection } from './helpers.js';

describe.skipIf(!hasCases)('loadPages on the shared PDF cases', () => {
  it('c12: renders both pages upright, honouring /Rotate 90 on page 2', async () => {
    const { pageCount, pages } = await loadAll(readCase('c12-two-pages-page2-rotate90.pdf'));
    const [first, second] = pages;

    expect(pageCount).toBe(2);
    expect(first?.rotation).toBe(0);
    expect(first?.rotationSource).toBe('none');
    expect(second?.rotation).toBe(90);
    expect(second?.rotationSource).toBe('pdf');
    // Receipts are tall: upright, page 2 is portrait although its MediaBox is landscape.
    for (const page of pages) expect(page.raster.height).toBeGreaterThan(page.raster.width);
    // Both are scans at 200 dpi, rendered at the scans' own pixel size.
    expect(second?.dpi).toBeCloseTo(200, 0);
    expect([second?.raster.width, second?.raster.height]).toEqual([884, 1979]);
  });

  it('c14: refuses an encrypted PDF without password as ENCRYPTED_PDF', async () => {
    const error = await rejection(
      loadAll(readCase('c14-encrypted-user-password.pdf'), { document: 'c14.pdf' }),
    );

    expect(error.code).toBe('ENCRYPTED_PDF');
    expect(error.message).toMatch(/c14\.pdf: .*password/);
    expect(error.cause).toBeDefined();
  });

  it('c14: refuses a wrong password as WRONG_PASSWORD', async () => {
    const error = await rejection(
      loadAll(readCase('c14-encrypted-user-password.pdf'), { password: 'not-it' }),
    );

    expect(error.code).toBe('WRONG_PASSWORD');
  });

  it('c16: refuses a PDF with zero pages as NO_PAGES', async () => {
    const error = await rejection(loadAll(readCase('c16-zero-pages.pdf'), { document: 'c16.pdf' }));

    expect(error.code).toBe('NO_PAGES');
    expect(error.message).toContain('c16.pdf');
  });

  it('c17: renders only the inked window of a 200-inch page, at the scan resolution', async () => {
    const page = await firstPage(readCase('c17-huge-mediabox.pdf'));
    const { raster, crop } = page;

    expect(page.dpi).toBeCloseTo(200, 0);
    expect(crop?.pageWidth).toBe(40000);
    expect(crop?.pageHeight).toBe(40000);
    // The receipt sits near the middle of the sheet (placed at 97.7 x 94.7 inches).
    expect(crop?.x).toBeGreaterThan(19000);
    expect(crop?.x).toBeLessThan(19600);
    expect(raster.width * raster.height).toBeLessThan(4_000_000);
    expect(darkShare(raster)).toBeGreaterThan(0.01);
  });

  it('c18: renders a 1.5-inch page at its embedded scan resolution, not 72 dpi', async () => {
    const page = await firstPage(readCase('c18-tiny-mediabox.pdf'));

    expect(page.dpi).toBeGreaterThan(580);
    expect(page.dpi).toBeLessThan(600);
    expect([page.raster.width, page.raster.height]).toEqual([884, 1678]);
    expect(meanOf(page.raster)).toBeGreaterThan(180);
  });

  it('c21: reads a PDF named .jpg as a PDF', async () => {
    const { format, pageCount, pages } = await loadAll(readCase('c21-actually-a-pdf.jpg'));

    expect(format).toBe('pdf');
    expect(pageCount).toBe(1);
    expect(pages[0]?.raster.height).toBeGreaterThan(1000);
    expect(pages[0]?.textLayer).toBeUndefined();
  });
});
