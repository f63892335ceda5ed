/**
 * From a line read by the ONNX model to a RecognizedLine in page pixels: words split by
 * `splitWords`, each placed on the page through the crop's frame.
 */
import { boxOfPolygon, type Polygon } from '../geometry.js';
import { frameSpan } from './crop.js';
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
  const words: RecognizedWord[] = splitWords(decoded, options).map((span) => {
    const x0 = Math.max(0, span.start * toFrame);
    const x1 = Math.min(crop.frame.width, span.end * toFrame);
    const wordPolygon = frameSpan(crop.frame, x0, Math.max(x0, x1));
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

// The mean of the characters' confidences: one doubtful character in a long line should not
// make the whole line look unreadable.
function lineConfidence(characters: readonly { confidence: number; text: string }[]): number {
  const visible = characters.filter((character) => character.text.trim() !== '');
  if (visible.length === 0) return 0;
  return visible.reduce((sum, character) => sum + character.confidence, 0) / visible.length;
}
