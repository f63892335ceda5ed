/**
 * PDF text layers: taken when trustworthy (checked against the poppler reference text of the
 * shared invoices), refused when garbage.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { textLayerWords } from '../../../src/document/pages/text-layer.js';
import { judgeTextLayer } from '../../../src/document/pages/text-trust.js';
import type { TextLayerWord } from '../../../src/document/pages/types.js';
import type { Raster } from '../../../src/document/raster.js';
import { hasInvoices, invoicesDir, loadAll } from './helpers.js';

const invoices = hasInvoices
  ? readdirSync(invoicesDir)
      .filter((f) => f.endsWith('.textlayer.txt'))
      .map((f) => f.replace('.textlayer.txt', ''))
  : [];

/** Multiset overlap of two word lists: [shared, |a|, |b|]. */
function overlap(a: string[], b: string[]): number {
  const bag = new Map<string, number>();
  for (const w of b) bag.set(w, (bag.get(w) ?? 0) + 1);
  let shared = 0;
  for (const w of a) {
    const n = bag.get(w) ?? 0;
    if (n > 0) {
      shared++;
      bag.set(w, n - 1);
    }
  }
  return shared;
}

/** A white raster with black bars where `boxes` are: text-like ink exactly under the words. */
function inkedRaster(width: number, height: number, boxes: TextLayerWord['box'][]): Raster {
  const data = Buffer.alloc(width * height, 255);
  for (const box of boxes) {
    for (let y = box.y; y < box.y + box.height; y++) {
      for (let x = box.x; x < box.x + box.width; x += 3) data[y * width + x] = 0;
    }
  }
  return { width, height, channels: 1, data };
}

const word = (text: string, x: number, y: number): TextLayerWord => ({
  text,
  box: { x, y, width: 60, height: 20 },
});

describe.skipIf(!hasInvoices)('text layers of the shared invoice PDFs', () => {
  it.each(invoices)('%s: gives the same words as the reference text layer', async (stem) => {
    const reference = readFileSync(`${invoicesDir}${stem}.textlayer.txt`, 'utf8').split('\f');

    const { pages } = await loadAll(readFileSync(`${invoicesDir}${stem}.pdf`));

    for (const page of pages) {
      const expected = (reference[page.index] ?? '').split(/\s+/).filter(Boolean);
      const words = (page.textLayer ?? []).map((w) => w.text);
      const shared = overlap(words, expected);
      expect(shared / expected.length, `recall of page ${page.index}`).toBeGreaterThan(0.97);
      expect(shared / words.length, `precision of page ${page.index}`).toBeGreaterThan(0.95);
    }
  });

  it('parsee_teamgantt-may: rejects Type 3 glyphs without Unicode, so the page is OCRed', async () => {
    const { pages } = await loadAll(readFileSync(`${invoicesDir}parsee_teamgantt-may.pdf`));

    expect(pages).toHaveLength(1);
    expect(pages[0]?.textLayer).toBeUndefined();
  });
});

describe('judgeTextLayer', () => {
  const boxes = [word('Total', 10, 10), word('12.50', 80, 10), word('EUR', 150, 10)];
  const raster = inkedRaster(
    220,
    40,
    boxes.map((w) => w.box),
  );

  it('trusts readable words lying on the ink', () => {
    expect(judgeTextLayer(boxes, raster)).toEqual({ trusted: true });
  });

  it.each([
    ['private-use glyphs', ['\uE001\uE002\uE003', '\uE004\uE005', 'ab']],
    ['replacement characters', ['\uFFFD\uFFFD', 'Total', '\uFFFD\uFFFD\uFFFD']],
    ['control characters', ['\u0001\u0002', '\u0003', '\u0004\u0005']],
    ['mixed scripts', ['Tоtаl', 'ΣumΜe', 'Яβζ']],
    ['symbol soup', ['#$%&', '*+/<', '=>12']],
  ])('refuses %s', (_name, texts) => {
    const garbage = boxes.map((w, i) => ({ ...w, text: texts[i] ?? '' }));

    const verdict = judgeTextLayer(garbage, raster);

    expect(verdict.trusted).toBe(false);
  });

  it('refuses words that cover little of the visible ink', () => {
    const page = inkedRaster(220, 200, [
      ...boxes.map((w) => w.box),
      { x: 10, y: 50, width: 200, height: 140 },
    ]);

    const verdict = judgeTextLayer(boxes, page);

    expect(verdict).toMatchObject({ trusted: false, reason: expect.stringMatching(/ink/) });
  });
});

describe('textLayerWords', () => {
  const identity: [number, number, number, number, number, number] = [1, 0, 0, 1, 0, 0];
  const item = (str: string, x: number, width: number) => ({
    str,
    transform: [10, 0, 0, 10, x, 100],
    width,
    fontName: 'F1',
  });

  it('splits runs into words on white space, in reading order', () => {
    const words = textLayerWords([item('Net amount 10.00', 0, 80)], {}, identity);

    expect(words.map((w) => w.text)).toEqual(['Net', 'amount', '10.00']);
    expect(words[0]?.box.x).toBe(0);
    const last = words[2]?.box;
    expect((last?.x ?? 0) + (last?.width ?? 0)).toBeCloseTo(80, 6);
  });

  it('joins a word split over two touching runs', () => {
    const words = textLayerWords([item('RE-20', 0, 30), item('201121 paid', 30, 55)], {}, identity);

    expect(words.map((w) => w.text)).toEqual(['RE-20201121', 'paid']);
  });

  it('keeps runs apart when there is a gap between them', () => {
    const words = textLayerWords([item('Total', 0, 25), item('9.99', 40, 20)], {}, identity);

    expect(words.map((w) => w.text)).toEqual(['Total', '9.99']);
  });

  it('boxes the glyphs between descent and ascent of the font size, in raster pixels', () => {
    // PDF user space (y up) to a 2x raster (y down) of a 200-point-high page.
    const toRaster: [number, number, number, number, number, number] = [2, 0, 0, -2, 0, 400];

    const [only] = textLayerWords(
      [item('Hello', 0, 25)],
      { F1: { ascent: 0.8, descent: -0.2 } },
      toRaster,
    );

    expect(only?.box).toEqual({ x: 0, y: 400 - 2 * 108, width: 50, height: 20 });
  });
});
