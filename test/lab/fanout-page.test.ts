import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { describePage } from '../../src/lab/fanout-page.js';

describe('describePage', () => {
  it('gives an image’s size and the tiles its detection plan cuts it into', async () => {
    const png = await sharp({
      create: { width: 900, height: 500, channels: 3, background: { r: 255, g: 255, b: 255 } },
    })
      .png()
      .toBuffer();

    const page = await describePage(png, 'blank.png', { rows: 1, cols: 2 });

    expect(page).toEqual({
      file: 'blank.png',
      width: 900,
      height: 500,
      grid: { rows: 1, cols: 2 },
      tiles: 2,
    });
  });

  it('refuses a page with a text layer, which would be read without detection', async () => {
    const pdf = readFileSync('samples/invoices/i2d_oyo.pdf');

    await expect(describePage(pdf, 'i2d_oyo.pdf', { rows: 3, cols: 3 })).rejects.toMatchObject({
      code: 'NOT_ONE_OCR_PAGE',
      subject: 'i2d_oyo.pdf',
    });
  });
});
