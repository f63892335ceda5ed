import { describe, expect, it } from 'vitest';
import { toHocr } from '../../../src/document/exports/hocr.js';
import { sampleResult, wordAt } from '../result.fixture.js';

describe('toHocr', () => {
  const hocr = toHocr(sampleResult());

  it.each([
    ['the ocr system and its capabilities', '<meta name="ocr-system" content="lectern 0.1.0" />'],
    ['the page count', '<meta name="ocr-number-of-pages" content="2" />'],
    [
      'each page with its size, 0-based number and resolution',
      '<div class="ocr_page" id="page_1" title="image &quot;receipts/000.pdf&quot;; bbox 0 0 463 1013; ppageno 0; scan_res 150 150">',
    ],
    [
      'a page without dpi without scan_res',
      'title="image &quot;receipts/000.pdf&quot;; bbox 0 0 1190 842; ppageno 1">',
    ],
    [
      'blocks as areas holding a paragraph',
      '<div class="ocr_carea" id="block_1_1" title="bbox 50 25 220 102">',
    ],
    ['lines with their box', '<span class="ocr_line" id="line_1_2_1" title="bbox 40 600 440 620">'],
    [
      'words with box and confidence in percent',
      '<span class="ocrx_word" id="word_1_1_2_2" title="bbox 128 82 188 102; x_wconf 62">TA.K</span>',
    ],
    [
      'words escaped for XML',
      '>&amp;</span> <span class="ocrx_word" id="word_1_2_2_3" title="bbox 128 640 228 660; x_wconf 70">&lt;Chips&gt;</span>',
    ],
  ])('states %s', (_description, fragment) => {
    expect(hocr).toContain(fragment);
  });

  it('holds every word once, in reading order', () => {
    const words = [...hocr.matchAll(/class="ocrx_word"[^>]*>([^<]*)</g)].map((m) => m[1]);

    expect(words).toEqual([
      'TAN',
      'WOON',
      'BOOK',
      'TA.K',
      'TOTAL',
      '9.00',
      'Fish',
      '&amp;',
      '&lt;Chips&gt;',
      'Rechnung',
      'Nr.',
    ]);
  });

  it('widens fractional boxes outwards to whole pixels', () => {
    const result = sampleResult();
    wordAt(result, 1, 0, 0, 0).box = {
      x: 10.6,
      y: 5.2,
      width: 3.1,
      height: 7.7,
    };

    expect(toHocr(result)).toContain('title="bbox 10 5 14 13; x_wconf 100">Rechnung<');
  });
});
