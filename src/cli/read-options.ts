/**
 * @module The options `lectern read`, `run` and `eval` share, and their parsers. Each throws
 * commander's InvalidArgumentError, so a bad value is reported as
 * `option '--tiles <RxC>' argument '0x3' is invalid. rows and columns must be whole numbers
 * from 1 to 10`: the option, the value received and the range allowed.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { SUPPORTED_LANGUAGES, validateLanguages } from '../document/recognition/languages.js';
import type { RecognitionEngine } from '../document/recognition/recognizer.js';
import { LecternError } from '../errors.js';

/** Largest tile grid side accepted: beyond it tiles get thinner than a line of text. */
export const MAX_GRID_SIDE = 10;
/** Largest tile overlap accepted, in detection pixels. */
export const MAX_OVERLAP = 1024;

const ENGINES: readonly RecognitionEngine[] = ['onnx', 'tesseract'];

/** `RxC`, e.g. `3x3`, each side from 1 to {@link MAX_GRID_SIDE}. */
export function parseGrid(value: string): { rows: number; cols: number } {
  const match = /^(\d+)x(\d+)$/iu.exec(value.trim());
  const rows = Number(match?.[1]);
  const cols = Number(match?.[2]);
  if (!match) throw new InvalidArgumentError('expected ROWSxCOLS, e.g. 3x3');
  if (!inRange(rows, 1, MAX_GRID_SIDE) || !inRange(cols, 1, MAX_GRID_SIDE)) {
    throw new InvalidArgumentError(
      `rows and columns must be whole numbers from 1 to ${MAX_GRID_SIDE}`,
    );
  }
  return { rows, cols };
}

/** Tile overlap in detection pixels, from 0 to {@link MAX_OVERLAP}. */
export function parseOverlap(value: string): number {
  const overlap = Number(value);
  if (value.trim() === '' || !inRange(overlap, 0, MAX_OVERLAP)) {
    throw new InvalidArgumentError(`must be a whole number of pixels from 0 to ${MAX_OVERLAP}`);
  }
  return overlap;
}

/** `onnx` or `tesseract`. */
export function parseEngine(value: string): RecognitionEngine {
  const engine = ENGINES.find((name) => name === value.trim().toLowerCase());
  if (!engine) throw new InvalidArgumentError(`must be one of ${ENGINES.join(', ')}`);
  return engine;
}

/**
 * Comma-separated Tesseract language codes, each one Lectern knows and whose Tesseract data is
 * installed: checked here, so that a missing language is one error before anything starts
 * rather than every document failing.
 */
export function parseLanguages(value: string): string[] {
  const languages = value
    .split(',')
    .map((code) => code.trim().toLowerCase())
    .filter((code) => code !== '');
  const unknown = languages.filter((code) => !SUPPORTED_LANGUAGES.includes(code));
  if (languages.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(
      `must list languages among ${SUPPORTED_LANGUAGES.join(', ')}, separated by commas`,
    );
  }
  try {
    return validateLanguages(languages);
  } catch (error) {
    if (!(error instanceof LecternError)) throw error;
    throw new InvalidArgumentError(`${error.code}: ${error.message}`);
  }
}

/** A whole number from 1 up. */
export function parsePositiveInteger(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !inRange(number, 1, Number.MAX_SAFE_INTEGER)) {
    throw new InvalidArgumentError('must be a whole number from 1 up');
  }
  return number;
}

function inRange(value: number, low: number, high: number): boolean {
  return Number.isInteger(value) && value >= low && value <= high;
}

/** Declares the recognizer, language and tile-grid options that `read` and `run` both take. */
export function addReadingOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--engine <engine>', 'recognizer: onnx (PP-OCRv4) or tesseract')
        .argParser(parseEngine)
        .default('onnx'),
    )
    .option('--lang <codes>', 'languages, comma-separated (default eng)', parseLanguages)
    .option('--tiles <RxC>', 'detection tile grid, rows x columns (default 3x3)', parseGrid);
}
