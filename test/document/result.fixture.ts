/**
 * A realistic two-page result, defined once for the schema and export tests: page 1 is a
 * receipt read by OCR (a header block and a table row kept as one line), page 2 a PDF page
 * turned upright by its /Rotate entry whose words came from the text layer.
 */
import type { Box } from '../../src/document/geometry.js';
import type { DocumentResult, LineResult, WordResult } from '../../src/document/result.js';
import { RESULT_SCHEMA_VERSION } from '../../src/document/result.js';

function word(text: string, x: number, y: number, width: number, confidence: number): WordResult {
  return { text, box: { x, y, width, height: 20 }, confidence };
}

function line(words: WordResult[]): LineResult {
  const first = words[0] as WordResult;
  const last = words[words.length - 1] as WordResult;
  const box: Box = {
    x: first.box.x,
    y: first.box.y,
    width: last.box.x + last.box.width - first.box.x,
    height: 20,
  };
  const confidence = Math.min(...words.map((w) => w.confidence));
  return { text: words.map((w) => w.text).join(' '), box, confidence, words };
}

export function sampleResult(): DocumentResult {
  const name = line([word('TAN', 72, 25, 60, 0.98), word('WOON', 140, 25, 80, 0.97)]);
  const company = line([word('BOOK', 50, 82, 70, 0.95), word('TA.K', 128, 82, 60, 0.62)]);
  const total = line([word('TOTAL', 40, 600, 90, 0.99), word('9.00', 380, 600, 60, 0.93)]);
  const escaped = line([
    word('Fish', 40, 640, 60, 0.9),
    word('&', 108, 640, 12, 0.8),
    word('<Chips>', 128, 640, 100, 0.7),
  ]);
  escaped.polygon = [
    [40, 641],
    [228, 639],
    [228, 659],
    [40, 661],
  ];
  const invoice = line([word('Rechnung', 100, 90, 160, 1), word('Nr.', 270, 90, 40, 1)]);

  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    document: {
      name: 'receipts/000.pdf',
      format: 'pdf',
      bytes: 48213,
      sha256: 'a'.repeat(64),
      pageCount: 2,
    },
    engine: {
      name: 'lectern',
      version: '0.1.0',
      recognition: 'onnx',
      languages: ['eng'],
      grid: { rows: 3, cols: 3 },
    },
    pages: [
      {
        number: 1,
        width: 463,
        height: 1013,
        rotation: 0,
        rotationSource: 'none',
        scale: 2.0833,
        dpi: 150,
        source: 'ocr',
        blocks: [
          {
            text: `${name.text}\n${company.text}`,
            box: { x: 50, y: 25, width: 170, height: 77 },
            confidence: 0.62,
            lines: [name, company],
          },
          {
            text: `${total.text}\n${escaped.text}`,
            box: { x: 40, y: 600, width: 400, height: 60 },
            confidence: 0.7,
            lines: [total, escaped],
          },
        ],
      },
      {
        number: 2,
        width: 1190,
        height: 842,
        rotation: 90,
        rotationSource: 'pdf',
        scale: 1.4167,
        source: 'text-layer',
        blocks: [{ text: invoice.text, box: invoice.box, confidence: 1, lines: [invoice] }],
      },
    ],
    timings: { decode: 41.2, detection: 180.5, recognition: 240.1, layout: 1.3, total: 470.2 },
    warnings: [],
  };
}

/** `items[index]`, failing the test when it is missing. */
export function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item at ${index} of ${items.length}`);
  return item;
}

export function pageAt(result: DocumentResult, page: number) {
  return at(result.pages, page);
}

export function blockAt(result: DocumentResult, page: number, block: number) {
  return at(pageAt(result, page).blocks, block);
}

export function wordAt(
  result: DocumentResult,
  page: number,
  block: number,
  line: number,
  word: number,
) {
  return at(at(blockAt(result, page, block).lines, line).words, word);
}
