/**
 * @module Accuracy metrics of `lectern eval`, defined once so that Lectern and its peers are
 * scored the same way:
 * - words: multisets of whitespace-separated tokens after Unicode NFKC, compared exactly
 *   (case-sensitive) or after case folding (case-insensitive); nothing else is changed (no
 *   punctuation stripping). Counts are summed over the set before precision and recall.
 * - characters: Levenshtein distance over code points divided by the truth's length.
 * - detection: boxes matched one-to-one at IoU >= 0.5, best pairs first.
 * - duplicates: a word repeated at the same place (what a tiling seam would produce).
 */
import { type Box, intersectionArea, iou } from '../document/geometry.js';

/** Matched, predicted and true counts; add them up over a set, then score. */
export interface MatchCounts {
  matched: number;
  predicted: number;
  truth: number;
}

export interface Score {
  precision: number;
  recall: number;
  f1: number;
}

/** Case folding: full folding for the few letters whose lower case is not enough (ß, ς). */
export function foldCase(text: string): string {
  return text.toUpperCase().toLowerCase();
}

/** Whitespace tokens of `text` after NFKC, case-folded when `caseInsensitive`. */
export function tokenize(text: string, caseInsensitive = false): string[] {
  const normalized = text.normalize('NFKC');
  const folded = caseInsensitive ? foldCase(normalized) : normalized;
  return folded.split(/\s+/u).filter((token) => token !== '');
}

/** How many tokens of `predicted` match tokens of `truth`, as multisets. */
export function wordCounts(predicted: string, truth: string, caseInsensitive = false): MatchCounts {
  const truthTokens = tokenize(truth, caseInsensitive);
  const wanted = countTokens(truthTokens);
  const found = tokenize(predicted, caseInsensitive);
  let matched = 0;
  for (const token of found) {
    const left = wanted.get(token) ?? 0;
    if (left === 0) continue;
    wanted.set(token, left - 1);
    matched += 1;
  }
  return { matched, predicted: found.length, truth: truthTokens.length };
}

function countTokens(tokens: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}

/** Sum of counts, for scoring a whole set at once. */
export function addCounts(counts: MatchCounts[]): MatchCounts {
  return counts.reduce(
    (sum, c) => ({
      matched: sum.matched + c.matched,
      predicted: sum.predicted + c.predicted,
      truth: sum.truth + c.truth,
    }),
    { matched: 0, predicted: 0, truth: 0 },
  );
}

/** Precision, recall and F1 of counts; an empty side scores 0, except both empty (1). */
export function score(counts: MatchCounts): Score {
  if (counts.predicted === 0 && counts.truth === 0) return { precision: 1, recall: 1, f1: 1 };
  const precision = counts.predicted === 0 ? 0 : counts.matched / counts.predicted;
  const recall = counts.truth === 0 ? 0 : counts.matched / counts.truth;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** Edit distance (insertions, deletions, substitutions) between two strings, by code point. */
export function editDistance(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  let previous = Array.from({ length: right.length + 1 }, (_, j) => j);
  for (let i = 1; i <= left.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= right.length; j += 1) {
      const substitution = (previous[j - 1] as number) + (left[i - 1] === right[j - 1] ? 0 : 1);
      current[j] = Math.min(
        substitution,
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
      );
    }
    previous = current;
  }
  return previous[right.length] as number;
}

/**
 * Character error rate of `predicted` against `truth` (both NFKC-normalised): edit distance
 * over the truth's length in code points. An empty truth gives 0 when nothing was predicted.
 */
export function characterErrorRate(predicted: string, truth: string): number {
  const p = predicted.normalize('NFKC');
  const t = truth.normalize('NFKC');
  const length = [...t].length;
  if (length === 0) return p === '' ? 0 : 1;
  return editDistance(p, t) / length;
}

/** A piece of text with its place on the page. */
export interface PlacedText {
  text: string;
  box: Box;
}

/**
 * Texts in top-to-bottom order joined by a space. Texts whose vertical centres lie within half
 * the median text height of a row's first one form that row, read left to right, so that a
 * label and its value on one row keep their order however the row is split.
 */
export function topToBottomText(pieces: PlacedText[]): string {
  if (pieces.length === 0) return '';
  const tolerance = median(pieces.map((p) => p.box.height)) / 2;
  const byCentre = [...pieces].sort((a, b) => centreY(a.box) - centreY(b.box));
  const rows: PlacedText[][] = [];
  for (const piece of byCentre) {
    const row = rows[rows.length - 1];
    const first = row?.[0];
    if (row && first && centreY(piece.box) - centreY(first.box) <= tolerance) row.push(piece);
    else rows.push([piece]);
  }
  return rows
    .flatMap((row) => row.sort((a, b) => a.box.x - b.box.x).map((p) => p.text.trim()))
    .filter((text) => text !== '')
    .join(' ');
}

function centreY(box: Box): number {
  return box.y + box.height / 2;
}

/** One-to-one matches between boxes at `iou >= threshold`, the best-overlapping pairs first. */
export function boxMatches(predicted: Box[], truth: Box[], threshold = 0.5): MatchCounts {
  const pairs: Array<[number, number, number]> = [];
  predicted.forEach((p, i) => {
    truth.forEach((t, j) => {
      const overlap = iou(p, t);
      if (overlap >= threshold) pairs.push([overlap, i, j]);
    });
  });
  pairs.sort((a, b) => b[0] - a[0]);

  const usedPredicted = new Set<number>();
  const usedTruth = new Set<number>();
  for (const [, i, j] of pairs) {
    if (usedPredicted.has(i) || usedTruth.has(j)) continue;
    usedPredicted.add(i);
    usedTruth.add(j);
  }
  return { matched: usedPredicted.size, predicted: predicted.length, truth: truth.length };
}

/**
 * Words that repeat an earlier word of the same page: same text (case-folded) and boxes
 * overlapping by at least half of the smaller one. This is what a tile seam that was not merged
 * produces; a word legitimately printed twice sits elsewhere and is not counted.
 */
export function duplicateWords(words: PlacedText[]): number {
  let duplicates = 0;
  words.forEach((word, i) => {
    const text = foldCase(word.text);
    const repeated = words
      .slice(0, i)
      .some(
        (earlier) =>
          foldCase(earlier.text) === text && overlapOfSmaller(earlier.box, word.box) >= 0.5,
      );
    if (repeated) duplicates += 1;
  });
  return duplicates;
}

function overlapOfSmaller(a: Box, b: Box): number {
  const smaller = Math.min(a.width * a.height, b.width * b.height);
  return smaller <= 0 ? 0 : intersectionArea(a, b) / smaller;
}

/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function median(values: number[]): number {
  return quantile(values, 0.5);
}

/** The `q` quantile (0..1) of `values`, linearly interpolated between ranks; NaN when empty. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * q;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  return a + (b - a) * (rank - low);
}
