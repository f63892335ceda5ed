/**
 * From a line read by the ONNX model to a RecognizedLine in page pixels: words split by
 * `splitWords`, each placed on the page through the crop's frame.
 */
import { boxOfPolygon, type Polygon } from '../geometry.js';
import { frameOfPolygon, frameSpan } from './crop.js';
import type { LineReading } from './onnx.js';
import type { RecognizedLine, RecognizedWord } from './recognizer.js';
import { splitWords, type WordSplitOptions } from './words.js';

/**
 * The line of `reading`, detected as `polygon`. `stepWidth` is the number of crop columns per
 * CTC time step.
 */
export function assembleLine(
  reading: LineReading,
  polygon: Polygon,
  stepWidth: number,
  options: WordSplitOptions = {},
): RecognizedLine {
  const { crop, decoded } = reading;
  const toFrame = (crop.frame.width / crop.raster.width) * stepWidth;
  // The strip was cut with a margin around the detected box; words stay inside the box.
  const own = frameOfPolygon(polygon);
  const pad = Math.max(0, (crop.frame.width - own.width) / 2);
  const words: RecognizedWord[] = splitWords(decoded, options).map((span) => {
    const x0 = clamp(span.start * toFrame - pad, 0, own.width);
    const x1 = clamp(span.end * toFrame - pad, x0, own.width);
    const wordPolygon = frameSpan(own, x0, x1);
    return {
      text: span.text,
      box: boxOfPolygon(wordPolygon),
      polygon: wordPolygon,
      confidence: span.confidence,
    };
  });
  return {
    text: words.map((word) => word.text).join(' '),
    box: boxOfPolygon(polygon),
    polygon,
    confidence: lineConfidence(decoded.characters),
    words,
  };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

// The mean of the characters' confidences: one doubtful character in a long line should not
// make the whole line look unreadable.
function lineConfidence(characters: readonly { confidence: number; text: string }[]): number {
  const visible = characters.filter((character) => character.text.trim() !== '');
  if (visible.length === 0) return 0;
  return visible.reduce((sum, character) => sum + character.confidence, 0) / visible.length;
}
