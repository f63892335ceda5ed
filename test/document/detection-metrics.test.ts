import { describe, expect, it } from 'vitest';
import {
  addCounts,
  countDetections,
  countDuplicates,
  rates,
} from '../../src/document/detection-metrics.js';

const truth = [
  { x: 0, y: 0, width: 100, height: 20 },
  { x: 0, y: 40, width: 100, height: 20 },
  { x: 0, y: 80, width: 100, height: 20 },
];

describe('countDetections', () => {
  it('matches each ground-truth box at most once at IoU 0.5', () => {
    const detected = [
      { x: 2, y: 1, width: 100, height: 20 },
      { x: 0, y: 0, width: 98, height: 19 },
      { x: 0, y: 40, width: 40, height: 20 },
    ];
    const counts = countDetections(detected, truth);
    expect(counts).toEqual({ matched: 1, detected: 3, truth: 3, duplicates: 1 });
  });

  it('gives F1 1 for a perfect detection and 0 for none', () => {
    expect(rates(countDetections(truth, truth)).f1).toBe(1);
    expect(rates(countDetections([], truth))).toEqual({
      precision: 0,
      recall: 0,
      f1: 0,
      duplicateRate: 0,
    });
  });

  it('sums counts over pages before computing rates', () => {
    const a = countDetections(truth.slice(0, 1), truth);
    const b = countDetections(truth, truth);
    const { precision, recall } = rates(addCounts(a, b));
    expect(precision).toBe(1);
    expect(recall).toBeCloseTo(4 / 6);
  });
});

describe('countDuplicates', () => {
  it('counts a box lying mostly over an earlier one, not mere neighbours', () => {
    const boxes = [
      { x: 0, y: 0, width: 100, height: 20 },
      { x: 50, y: 2, width: 40, height: 16 },
      { x: 0, y: 18, width: 100, height: 20 },
    ];
    expect(countDuplicates(boxes)).toBe(1);
  });
});
