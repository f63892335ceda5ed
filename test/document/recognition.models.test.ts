/**
 * Recognition with the real models on a few real pages: a SROIE receipt (ONNX and Tesseract),
 * the skewed and the table cases of ../shared/cases, and a shipped German sample invoice for
 * the Tesseract fallback. The receipt tests are skipped when ../shared is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DetectedBox, detectPage, TextDetector } from '../../src/document/detection.js';
import { boxOfPolygon } from '../../src/document/geometry.js';
import { layoutPage } from '../../src/document/layout.js';
import { loadPages } from '../../src/document/pages.js';
import { OnnxRecognizer } from '../../src/document/recognition/onnx.js';
import {
  createRecognizer,
  type RecognizedLine,
  type TextRecognizer,
} from '../../src/document/recognition/recognizer.js';
import { tokenize } from '../../src/lab/metrics.js';
import { firstPageRaster } from '../../src/lab/page-raster.js';
import { parseBoxFile } from '../../src/lab/sroie.js';
import { CASES, SHARED, SROIE, truthWords } from './recall.js';

const shared = existsSync(SROIE) && existsSync(CASES);
const FORM = `${SHARED}/data/funsd/images/81619486_9488.png`;

function truthBoxes(id: string): DetectedBox[] {
  const segments = parseBoxFile(readFileSync(`${SROIE}/box/${id}.csv`, 'utf8'));
  return segments.map(({ polygon }) => ({ polygon, box: boxOfPolygon(polygon), score: 1 }));
}

/** Share of the receipt's ground-truth words (2+ characters) among the recognized words. */
function recallOf(id: string, lines: RecognizedLine[]): number {
  const found = new Map<string, number>();
  for (const line of lines) {
    for (const word of line.words) {
      for (const token of tokenize(word.text, true)) found.set(token, (found.get(token) ?? 0) + 1);
    }
  }
  const wanted = truthWords(id);
  let hits = 0;
  for (const word of wanted) {
    const left = found.get(word) ?? 0;
    if (left > 0) {
      found.set(word, left - 1);
      hits += 1;
    }
  }
  return hits / wanted.length;
}

describe.skipIf(!shared)('ONNX recognition of a real receipt', () => {
  let detector: TextDetector;
  let recognizer: TextRecognizer;
  let lines: RecognizedLine[];

  beforeAll(async () => {
    detector = await TextDetector.load();
    recognizer = await createRecognizer({ engine: 'onnx', languages: ['eng'] });
    const page = await firstPageRaster(`${SROIE}/img/000.jpg`);
    lines = await recognizer.recognize(page, await detectPage(detector, page));
  });
  afterAll(async () => {
    await recognizer.dispose();
    await detector.dispose();
  });

  it('finds most of the ground-truth words, as separate words', () => {
    expect(recallOf('000', lines)).toBeGreaterThan(0.75);
    const words = lines.flatMap((line) => line.words.map((word) => word.text.toUpperCase()));
    expect(words).toEqual(expect.arrayContaining(['GOODS', 'SOLD', 'ARE', 'NOT', 'RETURNABLE']));
  });

  it('needs no Tesseract fallback for English: the recognizer is the ONNX one alone', () => {
    expect(recognizer).toBeInstanceOf(OnnxRecognizer);
    expect(recognizer.engine).toBe('onnx');
  });

  it('writes only Latin characters when asked for English', () => {
    const text = lines.map((line) => line.text).join(' ');

    expect(text).not.toMatch(/[\u3000-\u9fff\uff00-\uffef]/u);
  });

  it('places each word inside its line, left to right, with a confidence from 0 to 1', () => {
    for (const line of lines) {
      let right = Number.NEGATIVE_INFINITY;
      for (const word of line.words) {
        expect(word.box.x).toBeGreaterThanOrEqual(line.box.x - 1);
        expect(word.box.x + word.box.width).toBeLessThanOrEqual(line.box.x + line.box.width + 1);
        expect(word.box.x).toBeGreaterThanOrEqual(right - 1);
        expect(word.confidence).toBeGreaterThanOrEqual(0);
        expect(word.confidence).toBeLessThanOrEqual(1);
        right = word.box.x + word.box.width;
      }
    }
  });
});

describe.skipIf(!existsSync(FORM))('ONNX recognition of a scanned form', () => {
  it('reads the condensed serif headings letter by letter, not squeezed into a blur', async () => {
    // Two underlined headings of ~60 characters, each character ~0.35 of the line's height
    // wide: strips squeezed to 0.8 of their width read "Diret A ts and Cha edqu tered".
    const detector = await TextDetector.load();
    const recognizer = await OnnxRecognizer.load();
    try {
      const page = await firstPageRaster(FORM);
      const lines = await recognizer.recognize(page, await detectPage(detector, page));
      const headings = lines.filter((line) => /chains/iu.test(line.text));
      expect(headings).toHaveLength(2);
      for (const heading of headings) {
        const words = tokenize(heading.text, true);
        expect(words).toEqual(expect.arrayContaining(['chains', 'headquartered', 'the']));
      }
      const text = headings.map((line) => line.text.toLowerCase()).join(' ');
      expect(text).toContain('accounts and chains headquartered');
    } finally {
      await recognizer.dispose();
      await detector.dispose();
    }
  });
});

describe.skipIf(!shared)('Tesseract recognition of a real receipt', () => {
  it('reads the line crops with the local English data into words with boxes', async () => {
    const recognizer = await createRecognizer({ engine: 'tesseract', languages: ['eng'] });
    try {
      const lines = await recognizer.recognize(
        await firstPageRaster(`${SROIE}/img/000.jpg`),
        truthBoxes('000'),
      );

      expect(recognizer.engine).toBe('tesseract');
      expect(recallOf('000', lines)).toBeGreaterThan(0.6);
      const words = lines.flatMap((line) => line.words);
      expect(words.every((word) => word.box.width > 0 && word.confidence <= 1)).toBe(true);
    } finally {
      await recognizer.dispose();
    }
  });
});

describe.skipIf(!shared)('layout of real pages', () => {
  let detector: TextDetector;
  let recognizer: TextRecognizer;

  beforeAll(async () => {
    detector = await TextDetector.load();
    recognizer = await createRecognizer();
  });
  afterAll(async () => {
    await recognizer.dispose();
    await detector.dispose();
  });

  async function readLines(path: string): Promise<string[]> {
    const page = await firstPageRaster(path);
    const recognized = await recognizer.recognize(page, await detectPage(detector, page));
    return layoutPage(recognized, page).flatMap((block) => block.lines.map((line) => line.text));
  }

  it('keeps the lines of a page skewed by 4 degrees in top-to-bottom order', async () => {
    const lines = (await readLines(`${CASES}/c04-skew-4deg.jpg`)).map((line) => line.toUpperCase());
    const where = (word: string) => lines.findIndex((line) => line.includes(word));

    const order = ['JOHOR.', 'CASHIER', 'KIDDY FISH', 'CHANGE', 'EXCHANGEABLE', 'THANK YOU'];
    const positions = order.map(where);
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('reads each row of an item table as one line', async () => {
    const lines = await readLines(`${CASES}/c33-columns.jpg`);
    const row = lines.find((line) => line.includes('BRAISED'));

    expect(row).toMatch(/BRAISED PORK .*14\.00$/);
    expect(lines.find((line) => line.includes('JASMINE'))).toMatch(/4\.60$/);
  });
});

describe('Tesseract fallback for signs the ONNX dictionary lacks', () => {
  it('reads the umlauts of a German invoice that the ONNX model alone reads as plain letters', async () => {
    const bytes = readFileSync('samples/invoices/i2d_QualityHosting.pdf');
    const loaded = await loadPages(bytes, { document: 'i2d_QualityHosting.pdf', forceOcr: true });
    const { value: page } = await loaded.pages[Symbol.asyncIterator]().next();
    const detector = await TextDetector.load();
    const german = await createRecognizer({ languages: ['deu', 'eng'] });
    const english = await createRecognizer({ languages: ['eng'] });
    try {
      const boxes = await detectPage(detector, page.raster);
      const words = async (recognizer: TextRecognizer) =>
        (await recognizer.recognize(page.raster, boxes)).flatMap((line) =>
          line.words.map((word) => word.text),
        );
      const [withFallback, alone] = await Promise.all([words(german), words(english)]);

      expect(withFallback).toContain('Grundgebühr');
      expect(alone).not.toContain('Grundgebühr');
      expect(alone).toContain('Grundgebuhr');
    } finally {
      await Promise.all([german.dispose(), english.dispose(), detector.dispose()]);
    }
  });
});
