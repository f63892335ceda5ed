/**
 * @module Recognition: the text of each detected line, with its words and their boxes. Two
 * engines share one interface:
 *
 * - `onnx` (the default): the PP-OCRv4 recognition model. Its characters are far better than
 *   Tesseract's on receipts and scans (median character error rate ~0.03 against ~0.12), it
 *   runs a page of lines in a few batches, and its word boundaries come from where the
 *   characters were read. When a requested language writes characters its dictionary lacks
 *   (ß, ö, ç, €, º...), Tesseract reads the lines that may hold them and lends just those
 *   characters (see fallback.ts).
 * - `tesseract`: tesseract.js on the same line crops, with the installed language data.
 *
 * Known shortcoming: the ONNX model costs about 2 million multiply-adds per strip column,
 * ~12 500 columns on a median SROIE receipt (strips at their natural width; a quarter fewer
 * when they were squeezed to 0.8, which lost characters), about 25 billion a page, which
 * makes it the costliest stage: costlier than Tesseract, which reads worse.
 */
import type { DetectedBox } from '../detection.js';
import type { Box, Polygon } from '../geometry.js';
import type { Raster } from '../raster.js';
import { FallbackRecognizer } from './fallback.js';
import { validateLanguages } from './languages.js';
import { OnnxRecognizer } from './onnx.js';
import { TesseractRecognizer } from './tesseract.js';

/** A word in page pixels; `confidence` 0..1. */
export interface RecognizedWord {
  text: string;
  box: Box;
  polygon?: Polygon;
  confidence: number;
}

/** The content of one detected box: its text and its words, in page pixels. */
export interface RecognizedLine {
  text: string;
  box: Box;
  polygon: Polygon;
  confidence: number;
  words: RecognizedWord[];
}

/** The engines behind `TextRecognizer`. */
export type RecognitionEngine = 'onnx' | 'tesseract';

/** Reads detected lines. Load once and reuse: models and workers live as long as it does. */
export interface TextRecognizer {
  readonly engine: RecognitionEngine;
  /** One line per box, in the order of `boxes`; a box with no text gives a line with text ''. */
  recognize(page: Raster, boxes: DetectedBox[]): Promise<RecognizedLine[]>;
  dispose(): Promise<void>;
}

/** Options of `createRecognizer`. */
export interface RecognizerOptions {
  /** Default 'onnx'. */
  engine?: RecognitionEngine;
  /** Tesseract language codes, e.g. ['deu', 'eng']. Default ['eng']. */
  languages?: string[];
  /** Threads (ONNX Runtime) or workers (Tesseract). Default: the CPUs really available. */
  threads?: number;
}

/**
 * Loads a recognizer. With the `onnx` engine and a language whose characters the ONNX
 * dictionary cannot spell, the result also holds Tesseract workers for those languages.
 * Throws INVALID_OPTION for an unknown language, LANGUAGE_NOT_AVAILABLE when Tesseract data
 * is missing, MODEL_NOT_FOUND when a model file is.
 */
export async function createRecognizer(options: RecognizerOptions = {}): Promise<TextRecognizer> {
  const languages = validateLanguages(options.languages);
  const engine = options.engine ?? 'onnx';
  if (engine === 'tesseract') {
    return TesseractRecognizer.create({ languages, workers: options.threads });
  }
  const onnx = await OnnxRecognizer.load({ languages, threads: options.threads });
  return FallbackRecognizer.wrap(onnx, { languages, workers: options.threads });
}
