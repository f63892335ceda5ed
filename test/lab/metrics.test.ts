import { describe, expect, it } from 'vitest';
import {
  addCounts,
  boxMatches,
  characterErrorRate,
  duplicateWords,
  editDistance,
  median,
  quantile,
  score,
  tokenize,
  topToBottomText,
  wordCounts,
} from '../../src/lab/metrics.js';

const box = (x: number, y: number, width = 50, height = 20) => ({ x, y, width, height });

describe('tokenize', () => {
  it.each([
    ['splits on any whitespace', 'TOTAL  9.00\nCASH\t10', false, ['TOTAL', '9.00', 'CASH', '10']],
    ['applies NFKC (ligatures, full-width digits)', 'ﬁsh ＲＭ１', false, ['fish', 'RM1']],
    ['keeps punctuation', 'RM9.00, (GST)', false, ['RM9.00,', '(GST)']],
    ['folds case only when asked', 'Straße TOTAL', true, ['strasse', 'total']],
  ])('%s', (_description, text, caseInsensitive, expected) => {
    expect(tokenize(text, caseInsensitive)).toEqual(expected);
  });
});

describe('wordCounts', () => {
  it.each([
    [
      'counts each true token once (multiset)',
      'TOTAL TOTAL 9.00',
      'TOTAL 9.00',
      false,
      { matched: 2, predicted: 3, truth: 2 },
    ],
    [
      'is case-sensitive by default',
      'Total 9.00',
      'TOTAL 9.00',
      false,
      { matched: 1, predicted: 2, truth: 2 },
    ],
    [
      'folds case when asked',
      'Total 9.00',
      'TOTAL 9.00',
      true,
      { matched: 2, predicted: 2, truth: 2 },
    ],
    [
      'does not forgive merged words',
      'TOTAL9.00',
      'TOTAL 9.00',
      true,
      { matched: 0, predicted: 1, truth: 2 },
    ],
  ])('%s', (_description, predicted, truth, caseInsensitive, expected) => {
    expect(wordCounts(predicted, truth, caseInsensitive)).toEqual(expected);
  });
});

describe('score', () => {
  it('sums counts over a set before scoring, so long pages weigh more', () => {
    const sum = addCounts([
      { matched: 9, predicted: 10, truth: 10 },
      { matched: 0, predicted: 0, truth: 10 },
    ]);

    expect(sum).toEqual({ matched: 9, predicted: 10, truth: 20 });
    expect(score(sum).precision).toBeCloseTo(0.9);
    expect(score(sum).recall).toBeCloseTo(0.45);
    expect(score(sum).f1).toBeCloseTo(0.6);
  });

  it.each([
    [
      'nothing predicted',
      { matched: 0, predicted: 0, truth: 5 },
      { precision: 0, recall: 0, f1: 0 },
    ],
    [
      'nothing to find and nothing found',
      { matched: 0, predicted: 0, truth: 0 },
      { precision: 1, recall: 1, f1: 1 },
    ],
  ])('handles %s', (_description, counts, expected) => {
    expect(score(counts)).toEqual(expected);
  });
});

describe('characterErrorRate', () => {
  it.each([
    ['identical text', 'TOTAL 9.00', 'TOTAL 9.00', 0],
    ['one substitution in ten', 'TOTAL 9.0O', 'TOTAL 9.00', 0.1],
    ['a dropped space', 'TOTAL9.00', 'TOTAL 9.00', 0.1],
    ['nothing read', '', 'ABCD', 1],
    ['code points, not UTF-16 units', '€5', '£5', 0.5],
  ])('of %s is %d', (_description, predicted, truth, expected) => {
    expect(characterErrorRate(predicted, truth)).toBeCloseTo(expected);
  });

  it('counts insertions against an empty truth as full error', () => {
    expect(characterErrorRate('x', '')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('topToBottomText', () => {
  it('reads rows top to bottom and a row left to right, even when its pieces are a pixel apart', () => {
    const pieces = [
      { text: '9.00', box: box(300, 101) },
      { text: 'THANK YOU', box: box(100, 160) },
      { text: 'TOTAL', box: box(20, 100) },
      { text: 'SHOP', box: box(100, 10) },
    ];

    expect(topToBottomText(pieces)).toBe('SHOP TOTAL 9.00 THANK YOU');
  });
});

describe('boxMatches', () => {
  it('matches one to one at IoU >= 0.5, best pairs first', () => {
    const truth = [box(0, 0, 100, 20), box(0, 40, 100, 20)];
    const predicted = [box(2, 0, 100, 20), box(5, 1, 100, 20), box(0, 45, 100, 20), box(300, 300)];

    expect(boxMatches(predicted, truth)).toEqual({ matched: 2, predicted: 4, truth: 2 });
  });

  it('does not match boxes overlapping by less than the threshold', () => {
    expect(boxMatches([box(0, 0, 100, 20)], [box(60, 0, 100, 20)])).toEqual({
      matched: 0,
      predicted: 1,
      truth: 1,
    });
  });
});

describe('duplicateWords', () => {
  it('counts a word repeated at the same place, not the same word elsewhere', () => {
    const words = [
      { text: 'TOTAL', box: box(10, 10) },
      { text: 'total', box: box(12, 11) },
      { text: 'TOTAL', box: box(10, 200) },
      { text: '9.00', box: box(70, 10) },
    ];

    expect(duplicateWords(words)).toBe(1);
  });
});

describe('median and quantile', () => {
  it.each([
    [[3, 1, 2], 0.5, 2],
    [[4, 1, 3, 2], 0.5, 2.5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9.1],
  ])('of %j at %d is %d', (values, q, expected) => {
    expect(quantile(values, q)).toBeCloseTo(expected);
  });

  it('is NaN for no values', () => {
    expect(median([])).toBeNaN();
  });
});
