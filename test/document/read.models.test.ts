/**
 * Real models on real pages: a SROIE receipt, a shipped sample PDF, and the cases of
 * ../shared/cases/README.md about reading a document, with their criteria ("recall" relative
 * to Lectern's own recall on the clean receipt). Skipped when ../shared is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reader } from '../../src/document/read.js';
import {
  type DocumentResult,
  pageLines,
  pageWords,
  validateResult,
} from '../../src/document/result.js';
import { processMemory } from '../../src/lab/memory.js';
import { CASES, recall, SROIE, textOf } from './recall.js';

const SAMPLE_PDF = 'samples/invoices/i2d_AmazonWebServices.pdf';
const shared = existsSync(CASES) && existsSync(SROIE);

/** Case file, SROIE receipt it was made from, and the share of clean recall it must reach. */
const RECALL_CASES: Array<[file: string, id: string, share: number]> = [
  ['c01-exif-orientation-6.jpg', '019', 0.9],
  ['c03-rotated-90-no-exif.jpg', '320', 0.85],
  ['c04-skew-4deg.jpg', '000', 0.9],
  ['c06-cmyk.jpg', '236', 0.9],
  ['c07-rgb-16bit.png', '019', 0.9],
  ['c08-gray-alpha-transparent-bg.png', '359', 0.9],
  ['c18-tiny-mediabox.pdf', '080', 0.9],
  ['c21-actually-a-pdf.jpg', '096', 0.9],
  ['c25-12000x12000-mostly-blank.png', '019', 0.9],
  ['c31-faded-thermal.jpg', '624', 0.9],
];

describe.skipIf(!shared)('Reader on real pages', () => {
  let reader: Reader;
  const reads = new Map<string, Promise<DocumentResult>>();

  /** Each file is read once, whichever test asks first. */
  function read(path: string): Promise<DocumentResult> {
    const cached = reads.get(path);
    if (cached) return cached;
    const result = reader.read(readFileSync(path), { document: basename(path) });
    reads.set(path, result);
    return result;
  }

  const readCase = (file: string) => read(`${CASES}/${file}`);
  const cleanRecall = async (id: string) => recall(id, await read(`${SROIE}/img/${id}.jpg`));

  beforeAll(async () => {
    reader = await Reader.create();
  });

  afterAll(async () => {
    await reader?.close();
  });

  it('reads a SROIE receipt into a valid result with its words, boxes and stage timings', async () => {
    const result = await read(`${SROIE}/img/000.jpg`);
    const page = result.pages[0];

    expect(validateResult(result)).toBe(result);
    expect(result.document).toMatchObject({ name: '000.jpg', format: 'jpeg', pageCount: 1 });
    expect(page).toMatchObject({ number: 1, width: 463, height: 1013, rotation: 0, source: 'ocr' });
    expect(recall('000', result)).toBeGreaterThanOrEqual(0.75);
    expect(Object.keys(result.timings)).toEqual(
      expect.arrayContaining(['decode', 'detection', 'recognition', 'layout', 'total']),
    );
    for (const word of page ? pageWords(page) : []) {
      expect(word.box.x + word.box.width).toBeLessThanOrEqual(463 + 1);
      expect(word.box.y + word.box.height).toBeLessThanOrEqual(1013 + 1);
    }
  });

  it('takes the words of a digital sample PDF from its text layer', async () => {
    const result = await read(SAMPLE_PDF);

    expect(result.document.format).toBe('pdf');
    expect(result.pages[0]?.source).toBe('text-layer');
    expect(textOf(result.pages)).toContain('Amazon Web Services');
    expect(textOf(result.pages)).toMatch(/Invoice Number:?\s*42183017/u);
  });

  it.each(RECALL_CASES)(
    '%s keeps at least its share of the clean receipt %s’s recall (x%d)',
    async (file, id, share) => {
      const result = await readCase(file);

      expect(recall(id, result)).toBeGreaterThanOrEqual(share * (await cleanRecall(id)));
    },
  );

  it('c01: applies the EXIF orientation and gives boxes in the upright frame', async () => {
    const result = await readCase('c01-exif-orientation-6.jpg');
    const page = result.pages[0];

    expect(page).toMatchObject({ rotation: 90, rotationSource: 'exif' });
    expect(page && page.height > page.width).toBe(true);
    const words = page ? pageWords(page) : [];
    expect(words.every((w) => w.box.x + w.box.width <= (page?.width ?? 0) + 1)).toBe(true);
  });

  it('c03: finds the orientation of a sideways page from its content and says so', async () => {
    const page = (await readCase('c03-rotated-90-no-exif.jpg')).pages[0];

    expect(page?.rotationSource).toBe('content');
    expect([90, 270]).toContain(page?.rotation);
    expect(page && page.height > page.width).toBe(true);
  });

  it('c04: keeps the lines of a skewed page in top-to-bottom order', async () => {
    const result = await readCase('c04-skew-4deg.jpg');
    const centres = result.pages.flatMap(pageLines).map((line) => line.box.y + line.box.height / 2);
    const ordered = centres.slice(1).filter((centre, i) => centre >= (centres[i] ?? 0) - 5).length;

    expect(ordered / Math.max(1, centres.length - 1)).toBeGreaterThanOrEqual(0.95);
  });

  it('c10: reads both pages of a two-page TIFF, in order', async () => {
    const result = await readCase('c10-two-page.tif');
    const [first, second] = result.pages;

    expect(result.document).toMatchObject({ format: 'tiff', pageCount: 2 });
    expect(result.pages.map((p) => p.number)).toEqual([1, 2]);
    expect(recall('199', result, first ? [first] : [])).toBeGreaterThan(
      recall('207', result, first ? [first] : []),
    );
    expect(recall('207', result, second ? [second] : [])).toBeGreaterThan(
      recall('199', result, second ? [second] : []),
    );
    expect(recall('199', result, first ? [first] : [])).toBeGreaterThanOrEqual(
      0.9 * (await cleanRecall('199')),
    );
    expect(recall('207', result, second ? [second] : [])).toBeGreaterThanOrEqual(
      0.9 * (await cleanRecall('207')),
    );
  });

  it('c12: reads both pages of a PDF upright, page 2 turned by its /Rotate', async () => {
    const result = await readCase('c12-two-pages-page2-rotate90.pdf');
    const [first, second] = result.pages;

    expect(result.pages).toHaveLength(2);
    expect(second).toMatchObject({ rotation: 90, rotationSource: 'pdf' });
    expect(recall('404', result, first ? [first] : [])).toBeGreaterThanOrEqual(
      0.9 * (await cleanRecall('404')),
    );
    expect(recall('407', result, second ? [second] : [])).toBeGreaterThanOrEqual(
      0.9 * (await cleanRecall('407')),
    );
  });

  it('c21: sniffs a PDF named .jpg from its bytes', async () => {
    expect((await readCase('c21-actually-a-pdf.jpg')).document.format).toBe('pdf');
  });

  it('c25: reads a receipt in the corner of a 144-megapixel page at its offset, in bounded memory', async () => {
    const result = await readCase('c25-12000x12000-mostly-blank.png');
    const page = result.pages[0];
    const words = page ? pageWords(page) : [];

    expect(page).toMatchObject({ width: 12000, height: 12000 });
    expect(words.length).toBeGreaterThan(20);
    expect(words.every((w) => w.box.x > 10_000 && w.box.y > 10_000)).toBe(true);
    // The whole test process (both models, every page read so far) stays under 1.5 GB.
    expect(processMemory(process.pid)?.peak ?? 0).toBeLessThan(1.5 * 2 ** 30);
  });

  it('c30: succeeds with zero words on a page with specks and no text', async () => {
    const result = await readCase('c30-no-text.jpg');

    expect(result.pages).toHaveLength(1);
    expect(result.pages.flatMap(pageWords)).toEqual([]);
  });

  it('c33: keeps each row of an item / qty / price / amount table on one line, in reading order', async () => {
    const lines = (await readCase('c33-columns.jpg')).pages
      .flatMap(pageLines)
      .map((l) => l.text.toUpperCase());
    const header = lines.find((line) => line.includes('DESCRIPTION')) ?? '';
    const braised = lines.find((line) => line.includes('BRAISED')) ?? '';
    const jasmine = lines.find((line) => line.includes('JASMINE')) ?? '';

    // Quantities are matched loosely ("2.0" may be read "20", QTY "ATY"): rows are the point.
    expect(header).toMatch(/DESCRIPTION\s+\S+\s+PRICE\s+AMOUNT/u);
    expect(braised).toMatch(/BRAISED PORK\s+\S+\s+7\.00\s+14\.00/u);
    expect(jasmine).toMatch(/JASMINE GREEN\s+\S+\s+2\.30\s+4\.60/u);
    expect(lines.indexOf(header)).toBeLessThan(lines.indexOf(braised));
    expect(lines.indexOf(braised)).toBeLessThan(lines.indexOf(jasmine));
  });

  it('c17: reads a receipt on a 200-inch PDF page at its place, or refuses the page as too large', async () => {
    const outcome = await readCase('c17-huge-mediabox.pdf').catch((error: unknown) => error);
    if (!(outcome && typeof outcome === 'object' && 'pages' in outcome)) {
      expect(outcome).toMatchObject({ code: 'PAGE_TOO_LARGE' });
      return;
    }
    const result = outcome as DocumentResult;
    const page = result.pages[0];
    const words = page ? pageWords(page) : [];

    expect(recall('562', result)).toBeGreaterThanOrEqual(0.9 * (await cleanRecall('562')));
    expect(words.every((w) => w.box.x + w.box.width <= (page?.width ?? 0) + 1)).toBe(true);
    expect(words.every((w) => w.box.y + w.box.height <= (page?.height ?? 0) + 1)).toBe(true);
  });

  it('c24: never reports a truncated JPEG as a clean success', async () => {
    const outcome = await readCase('c24-truncated-45pct.jpg').catch((error: unknown) => error);
    if (!(outcome && typeof outcome === 'object' && 'pages' in outcome)) {
      expect(outcome).toMatchObject({ code: 'TRUNCATED_IMAGE' });
      return;
    }
    const result = outcome as DocumentResult;

    expect(result.pages[0]?.partial).toBeTruthy();
    expect(result.warnings).toEqual([expect.stringMatching(/^page 1: only partly decoded: /u)]);
  });
});
