/**
 * Scoring of detected boxes against ground-truth boxes: one-to-one matches at an IoU
 * threshold (precision, recall, F1), and the share of detections that duplicate another.
 */
import { type Box, boxArea, intersectionArea, iou } from './geometry.js';

/** Counts of one page or summed over a set; rates are derived with {@link rates}. */
export interface DetectionCounts {
  /** Detections matched one-to-one to a ground-truth box. */
  matched: number;
  detected: number;
  truth: number;
  /** Detections lying mostly (>= 50% of the smaller area) over an earlier detection. */
  duplicates: number;
}

/**
 * Greedy one-to-one matching, best IoU first, of detections to ground truth at `minIou`
 * (default 0.5, the ICDAR convention).
 */
export function countDetections(detected: Box[], truth: Box[], minIou = 0.5): DetectionCounts {
  const pairs: Array<[number, number, number]> = [];
  detected.forEach((d, i) => {
    truth.forEach((t, j) => {
      const overlap = iou(d, t);
      if (overlap >= minIou) pairs.push([overlap, i, j]);
    });
  });
  pairs.sort((a, b) => b[0] - a[0]);

  const usedDetected = new Set<number>();
  const usedTruth = new Set<number>();
  for (const [, i, j] of pairs) {
    if (usedDetected.has(i) || usedTruth.has(j)) continue;
    usedDetected.add(i);
    usedTruth.add(j);
  }
  return {
    matched: usedDetected.size,
    detected: detected.length,
    truth: truth.length,
    duplicates: countDuplicates(detected),
  };
}

/** Detections that lie mostly (>= half of the smaller box) over an earlier one. */
export function countDuplicates(boxes: Box[]): number {
  let duplicates = 0;
  boxes.forEach((box, i) => {
    const repeats = boxes
      .slice(0, i)
      .some(
        (other) => intersectionArea(box, other) >= 0.5 * Math.min(boxArea(box), boxArea(other)),
      );
    if (repeats) duplicates++;
  });
  return duplicates;
}

/** Sum of counts, for scores over a set (micro-averaged). */
export function addCounts(a: DetectionCounts, b: DetectionCounts): DetectionCounts {
  return {
    matched: a.matched + b.matched,
    detected: a.detected + b.detected,
    truth: a.truth + b.truth,
    duplicates: a.duplicates + b.duplicates,
  };
}

/** Precision, recall, F1 and duplicate rate of counts (0 when undefined). */
export function rates(counts: DetectionCounts): {
  precision: number;
  recall: number;
  f1: number;
  duplicateRate: number;
} {
  const precision = counts.detected === 0 ? 0 : counts.matched / counts.detected;
  const recall = counts.truth === 0 ? 0 : counts.matched / counts.truth;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const duplicateRate = counts.detected === 0 ? 0 : counts.duplicates / counts.detected;
  return { precision, recall, f1, duplicateRate };
}
