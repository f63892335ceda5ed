/**
 * The ONNX recognizer with Tesseract behind it for the signs its dictionary cannot spell.
 *
 * When a requested language writes characters that ppocr_keys_v1 lacks (German ß ö Ä Ö €,
 * French ç ê â œ €, Dutch ë ï ö €...), the model reads a stand-in in their place ('o' for 'ö',
 * 'B' for 'ß'), usually with full confidence; it even reads the ü and ä it could spell as u and
 * a. Confidence therefore cannot tell which lines need help. The rule is per line and per
 * character instead:
 *
 * 1. a line is read again by Tesseract (with the requested languages' data) when the ONNX
 *    reading holds a stand-in of any distinctive sign of those languages, or, when they write
 *    a sign that is not a letter (€, º), when it holds a digit: the model tends to drop a
 *    currency sign altogether, and such signs stand next to numbers;
 * 2. the two readings are aligned character by character, and only where Tesseract has a sign
 *    in the place of the ONNX stand-in does the sign replace it (transplant.ts); if the two
 *    readings disagree too much, the ONNX reading stays as it is.
 *
 * English needs no fallback (its £ folds from the dictionary's full-width ￡), so the default
 * configuration never starts Tesseract.
 */
import type { DetectedBox } from '../detection.js';
import type { Point } from '../geometry.js';
import type { Raster } from '../raster.js';
import type { LineCrop } from './crop.js';
import type { DecodedLine } from './ctc.js';
import { unspellable } from './dictionary.js';
import { distinctiveCharacters, standInsOf } from './languages.js';
import { assembleLine } from './line-assembly.js';
import { type LineReading, ONNX_STEP_WIDTH, type OnnxRecognizer } from './onnx.js';
import type { RecognizedLine, TextRecognizer } from './recognizer.js';
import { TesseractRecognizer } from './tesseract.js';
import { transplantSigns } from './transplant.js';

/** Options of the fallback. */
export interface FallbackOptions {
  languages: readonly string[];
  /** Tesseract workers. Default: the CPUs really available. */
  workers?: number;
}

/** ONNX first, Tesseract for the signs ONNX cannot spell. */
export class FallbackRecognizer implements TextRecognizer {
  readonly engine = 'onnx' as const;
  readonly #onnx: OnnxRecognizer;
  readonly #tesseract: TesseractRecognizer;
  readonly #signs: ReadonlySet<string>;
  readonly #standIns: ReadonlySet<string>;
  readonly #numberSigns: boolean;

  private constructor(onnx: OnnxRecognizer, tesseract: TesseractRecognizer, signs: Set<string>) {
    this.#onnx = onnx;
    this.#tesseract = tesseract;
    this.#signs = signs;
    this.#standIns = standInsOf(signs);
    this.#numberSigns = [...signs].some((sign) => !/\p{L}/u.test(sign));
  }

  /**
   * `onnx` itself when the languages need nothing it cannot spell; otherwise `onnx` with
   * Tesseract workers for those languages behind it.
   */
  static async wrap(onnx: OnnxRecognizer, options: FallbackOptions): Promise<TextRecognizer> {
    const signs = distinctiveCharacters(options.languages);
    if (unspellable(onnx.dictionary, signs).length === 0) return onnx;
    const tesseract = await TesseractRecognizer.create({
      languages: options.languages,
      workers: options.workers,
    });
    return new FallbackRecognizer(onnx, tesseract, signs);
  }

  /** The signs Tesseract may lend, in code point order. */
  get signs(): string[] {
    return [...this.#signs].sort();
  }

  async recognize(page: Raster, boxes: DetectedBox[]): Promise<RecognizedLine[]> {
    const readings = await this.#onnx.read(page, boxes);
    return Promise.all(
      readings.map(async (reading, index) => {
        const polygon = (boxes[index] as DetectedBox).polygon;
        const lent = this.#needsHelp(reading.decoded)
          ? await this.#lendSigns(page, reading, polygon)
          : reading;
        return assembleLine(lent, polygon, ONNX_STEP_WIDTH);
      }),
    );
  }

  async dispose(): Promise<void> {
    await Promise.all([this.#onnx.dispose(), this.#tesseract.dispose()]);
  }

  #needsHelp(decoded: DecodedLine): boolean {
    return decoded.characters.some(
      (character) =>
        this.#standIns.has(character.text) || (this.#numberSigns && /\d/.test(character.text)),
    );
  }

  async #lendSigns(
    page: Raster,
    reading: LineReading,
    polygon: DetectedBox['polygon'],
  ): Promise<LineReading> {
    const other = await this.#tesseract.readLine(page, polygon);
    const placed = other.characters.map((character) => ({
      text: character.text,
      position: stepOf(reading.crop, character.center),
    }));
    const characters = transplantSigns(reading.decoded.characters, placed, this.#signs);
    if (characters === reading.decoded.characters) return reading;
    return { ...reading, decoded: { ...reading.decoded, characters: [...characters] } };
  }
}

/** Where a page point falls along the ONNX strip, in time steps. */
function stepOf(crop: LineCrop, point: Point): number {
  const { frame, raster } = crop;
  const along =
    (point[0] - frame.origin[0]) * frame.axisX[0] + (point[1] - frame.origin[1]) * frame.axisX[1];
  return (along * raster.width) / frame.width / ONNX_STEP_WIDTH;
}
