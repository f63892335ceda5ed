/**
 * @module The figures of one page against its ground truth, for `lectern eval`.
 */
import type { DetectedBox } from '../document/detection.js';
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
import type { DatasetPage } from './sroie.js';

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
  /** Detector boxes matched at IoU >= 0.5; undefined when no boxes were given. */
  detection?: MatchCounts;
  duplicateWords: number;
  wordCount: number;
}

/** Scores one page; `detections` are the stitched detector boxes before layout. */
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
    ...(detections
      ? {
          detection: boxMatches(
            detections.map((d) => d.box),
            page.truth.map((s) => s.box),
          ),
        }
      : {}),
    duplicateWords: duplicateWords(reading.words),
    wordCount: reading.words.length,
  };
}
