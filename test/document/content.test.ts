import { describe, expect, it } from 'vitest';
import { findContentBox, makeThumbnail } from '../../src/document/content.js';
import type { Raster } from '../../src/document/raster.js';

function whitePage(width: number, height: number): Raster {
  return { width, height, channels: 1, data: Buffer.alloc(width * height, 245) };
}

function fill(raster: Raster, x: number, y: number, w: number, h: number, gray = 30): void {
  for (let row = y; row < y + h; row++)
    raster.data.fill(gray, row * raster.width + x, row * raster.width + x + w);
}

/** Text-like lines: dark bars 12 px tall every 30 px, words 40-90 px long. */
function textBlock(raster: Raster, x: number, y: number, w: number, h: number): void {
  for (let line = y; line + 12 <= y + h; line += 30) {
    for (let word = x; word + 40 <= x + w; word += 110)
      fill(raster, word, line, 40 + ((word * 7) % 50), 12);
  }
}

/** Isolated dust: 4 x 4 dots on a coarse lattice, far from each other. */
function specks(raster: Raster, spacing: number): void {
  for (let y = 37; y + 4 < raster.height; y += spacing) {
    for (let x = 53; x + 4 < raster.width; x += spacing) fill(raster, x, y, 4, 4, 20);
  }
}

describe('findContentBox', () => {
  it('finds a small receipt in the middle of a large speckled scan', () => {
    const page = whitePage(4000, 5600);
    specks(page, 640);
    textBlock(page, 1400, 1800, 900, 1500);

    const box = findContentBox(page);

    expect(box).toBeDefined();
    if (!box) return;
    expect(box.x).toBeLessThanOrEqual(1400);
    expect(box.y).toBeLessThanOrEqual(1800);
    expect(box.x + box.width).toBeGreaterThanOrEqual(2300);
    expect(box.y + box.height).toBeGreaterThanOrEqual(3300);
    expect(box.width * box.height).toBeLessThan(0.15 * page.width * page.height);
  });

  it('keeps a margin around the ink so that glyph edges are not cut', () => {
    const page = whitePage(2000, 2000);
    textBlock(page, 800, 800, 400, 300);
    const box = findContentBox(page);
    expect(box?.x).toBeLessThanOrEqual(800 - 30);
    expect(box?.y).toBeLessThanOrEqual(800 - 30);
  });

  it('finds a receipt in one corner of a mostly blank page, in page pixels', () => {
    const page = whitePage(6000, 6000);
    textBlock(page, 100, 150, 500, 900);
    const box = findContentBox(page);
    expect(box?.x).toBe(0);
    expect(box?.y).toBeLessThanOrEqual(150);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThan(1000);
    expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThan(1400);
  });

  it('reports no content for a blank page or one with only specks', () => {
    expect(findContentBox(whitePage(1000, 1400))).toBeUndefined();
    const dusty = whitePage(2000, 2800);
    specks(dusty, 400);
    expect(findContentBox(dusty)).toBeUndefined();
  });

  it('reads RGB pages as gray', () => {
    const gray = whitePage(1200, 1200);
    textBlock(gray, 300, 300, 400, 400);
    const rgb: Raster = {
      width: 1200,
      height: 1200,
      channels: 3,
      data: Buffer.alloc(1200 * 1200 * 3),
    };
    for (let i = 0; i < gray.data.length; i++)
      rgb.data.fill(gray.data[i] as number, i * 3, i * 3 + 3);
    expect(findContentBox(rgb)).toEqual(findContentBox(gray));
  });
});

describe('makeThumbnail', () => {
  it('keeps a thin dark stroke visible at a strong reduction', () => {
    const page = whitePage(5000, 5000);
    fill(page, 0, 2500, 5000, 3);
    const thumbnail = makeThumbnail(page, 500);
    expect(thumbnail.block).toBe(10);
    expect(thumbnail.data.reduce((a, b) => Math.min(a, b), 255)).toBeLessThan(100);
  });
});
