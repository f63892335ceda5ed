/**
 * @module The figures of one page against its ground truth, for `lectern eval`.
 */
import type { DetectedBox } from '../document/detection.js';
import type { Box } from '../document/geometry.js';
import type { DatasetPage } from './dataset.js';
import {
  boxMatches,
  characterErrorRate,
  duplicateWords,
  foldCase,
  type MatchCounts,
  type PlacedText,
  topToBottomText,
  wordCounts,
} from './metrics.js';

/** What was read on a page: its whole text, its lines and its words (with boxes, if known). */
export interface PageReading {
  text: string;
  lines: PlacedText[];
  words: PlacedText[];
}

export interface PageScore {
  id: string;
  words: MatchCounts;
  wordsCaseInsensitive: MatchCounts;
  /** Character error rate, lines top to bottom joined by a space. */
  cer: number;
  /** The same after case folding (the SROIE truth is upper case throughout). */
  cerCaseInsensitive: number;
  /** The same after case folding, with every space removed (characters alone). */
  cerNoSpaces: number;
  /** Detector boxes against the truth's line boxes at IoU >= 0.5 (truth without words). */
  detection?: MatchCounts;
  /** Lectern's word boxes against the truth's word boxes at IoU >= 0.5 (truth with words). */
  wordBoxes?: MatchCounts;
  duplicateWords: number;
  wordCount: number;
}

/**
 * Scores one page. `detections` are the stitched detector boxes before layout; they are given
 * only for a reading whose boxes are Lectern's own (the peer's are not known), and only then
 * are boxes scored: the detector's boxes against line-level truth, or the reading's word boxes
 * against word-level truth (the detector finds lines, and words are not lines).
 */
export function scorePage(
  page: DatasetPage,
  reading: PageReading,
  detections?: DetectedBox[],
): PageScore {
  const truthText = page.truth.map((segment) => segment.text).join('\n');
  const predictedLine = topToBottomText(reading.lines);
  const truthLine = topToBottomText(page.truth);
  const folded = (text: string) => foldCase(text.normalize('NFKC'));
  const unspaced = (text: string) => folded(text).replace(/\s+/gu, '');

  return {
    id: page.id,
    words: wordCounts(reading.text, truthText),
    wordsCaseInsensitive: wordCounts(reading.text, truthText, true),
    cer: characterErrorRate(predictedLine, truthLine),
    cerCaseInsensitive: characterErrorRate(folded(predictedLine), folded(truthLine)),
    cerNoSpaces: characterErrorRate(unspaced(predictedLine), unspaced(truthLine)),
    ...(detections ? boxScores(page, reading, detections) : {}),
    duplicateWords: duplicateWords(reading.words),
    wordCount: reading.words.length,
  };
}

function boxScores(
  page: DatasetPage,
  reading: PageReading,
  detections: DetectedBox[],
): Pick<PageScore, 'detection' | 'wordBoxes'> {
  const boxes = (items: Array<{ box: Box }>) => items.map((item) => item.box);
  if (page.truthWords)
    return { wordBoxes: boxMatches(boxes(reading.words), boxes(page.truthWords)) };
  return { detection: boxMatches(boxes(detections), boxes(page.truth)) };
}
