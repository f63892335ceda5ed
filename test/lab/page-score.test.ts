import { describe, expect, it } from 'vitest';
import { polygonOfBox } from '../../src/document/geometry.js';
import type { DatasetPage } from '../../src/lab/dataset.js';
import { scorePage } from '../../src/lab/page-score.js';

const box = (x: number, y: number, width: number) => ({ x, y, width, height: 20 });
const segment = (text: string, b: ReturnType<typeof box>) => ({
  text,
  box: b,
  polygon: polygonOfBox(b),
});

const page: DatasetPage = {
  id: '000',
  imagePath: 'img/000.jpg',
  truth: [
    segment('TAN WOON YANN', box(72, 25, 254)),
    segment('TOTAL', box(40, 600, 90)),
    segment('9.00', box(380, 600, 60)),
  ],
};

describe('scorePage', () => {
  it('scores words, characters, detection and duplicates of one page', () => {
    const lines = [
      { text: 'Tan Woon Yann', box: box(72, 25, 254) },
      { text: 'TOTAL 9.00', box: box(40, 601, 400) },
    ];
    const words = [
      { text: 'Tan', box: box(72, 25, 60) },
      { text: 'Woon', box: box(140, 25, 80) },
      { text: 'Yann', box: box(230, 25, 96) },
      { text: 'TOTAL', box: box(40, 601, 90) },
      { text: '9.00', box: box(380, 601, 60) },
    ];
    const detections = [
      { box: box(70, 24, 256), polygon: polygonOfBox(box(70, 24, 256)), score: 0.9 },
      { box: box(40, 600, 400), polygon: polygonOfBox(box(40, 600, 400)), score: 0.8 },
    ];

    const score = scorePage(page, { text: 'Tan Woon Yann\nTOTAL 9.00', lines, words }, detections);

    expect(score.words).toEqual({ matched: 2, predicted: 5, truth: 5 });
    expect(score.wordsCaseInsensitive).toEqual({ matched: 5, predicted: 5, truth: 5 });
    expect(score.cer).toBeCloseTo(8 / 24);
    expect(score.cerCaseInsensitive).toBe(0);
    expect(score.cerNoSpaces).toBe(0);
    expect(score.detection).toEqual({ matched: 1, predicted: 2, truth: 3 });
    expect(score.duplicateWords).toBe(0);
    expect(score.wordCount).toBe(5);
  });
});

describe('scorePage on word-level truth', () => {
  const words = [
    { text: 'Date:', box: box(10, 100, 40) },
    { text: '12/5/88', box: box(300, 100, 80) },
  ];
  const form: DatasetPage = {
    id: 'form',
    imagePath: 'images/form.png',
    truth: [{ text: 'Date: 12/5/88', box: box(10, 100, 370) }],
    truthWords: words,
  };
  const lines = [{ text: 'Date: 12/5/88', box: box(10, 100, 370) }];
  const detections = [
    { box: box(10, 100, 370), polygon: polygonOfBox(box(10, 100, 370)), score: 1 },
  ];

  it('scores word boxes against the truth words instead of detector boxes against lines', () => {
    const read = [
      { text: 'Date:', box: box(12, 101, 40) },
      { text: '12/5/88', box: box(200, 100, 180) },
    ];

    const score = scorePage(form, { text: 'Date: 12/5/88', lines, words: read }, detections);

    expect(score.wordBoxes).toEqual({ matched: 1, predicted: 2, truth: 2 });
    expect(score.detection).toBeUndefined();
    expect(score.wordsCaseInsensitive).toEqual({ matched: 2, predicted: 2, truth: 2 });
    expect(score.cer).toBe(0);
  });

  it('scores no boxes for a reading without detections (the peer)', () => {
    const score = scorePage(form, { text: 'Date: 12/5/88', lines, words: [] });

    expect(score.wordBoxes).toBeUndefined();
    expect(score.detection).toBeUndefined();
  });
});
