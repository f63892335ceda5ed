/**
 * The Tesseract engine: tesseract.js 7 reading each detected line crop as a single text line
 * (page segmentation mode 7), with the language data of the installed
 * `@tesseract.js-data/<lang>` packages. Nothing is ever downloaded: `langPath` points at the
 * package folder, the data is read gzipped from there, and tesseract.js's cache is switched off
 * (its `cachePath` is a private temporary folder all the same).
 */
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Tesseract from 'tesseract.js';
import { availableCpus } from '../cpus.js';
import type { DetectedBox } from '../detection.js';
import { DocumentError } from '../errors.js';
import { boxOfPolygon, type Point, type Polygon } from '../geometry.js';
import type { Raster } from '../raster.js';
import { cropLine, framePoint, type LineCrop } from './crop.js';
import { tesseractDataPath, validateLanguages } from './languages.js';
import type { RecognizedLine, RecognizedWord, TextRecognizer } from './recognizer.js';
import { WorkerPool } from './worker-pool.js';

/** A line read by Tesseract, with where each character is. */
export interface TesseractLine {
  line: RecognizedLine;
  /** Every character of the words, in reading order, with its centre in page pixels. */
  characters: Array<{ text: string; center: Point }>;
}

/** Options of the Tesseract engine. */
export interface TesseractRecognizerOptions {
  /** Languages, combined in one model set (e.g. ['deu', 'eng']). Default ['eng']. */
  languages?: readonly string[];
  /** Workers, each reading one line at a time. Default: the CPUs really available. */
  workers?: number;
}

// Tesseract's LSTM reads best with capitals some 30 to 40 pixels tall; a line strip of this
// height, with the margin below, puts them there.
const STRIP_HEIGHT = 56;
const STRIP_MARGIN = 0.15;

/** Reads lines with tesseract.js. Create once: workers load their models at creation. */
export class TesseractRecognizer implements TextRecognizer {
  readonly engine = 'tesseract' as const;
  readonly #pool: WorkerPool<Tesseract.Worker>;
  readonly #cacheFolder: string;

  private constructor(pool: WorkerPool<Tesseract.Worker>, cacheFolder: string) {
    this.#pool = pool;
    this.#cacheFolder = cacheFolder;
  }

  /**
   * Starts the workers and loads the language data into each. Throws INVALID_OPTION for an
   * unknown language and LANGUAGE_NOT_AVAILABLE when its data package is not installed.
   */
  static async create(options: TesseractRecognizerOptions = {}): Promise<TesseractRecognizer> {
    const languages = validateLanguages(options.languages);
    languages.forEach(tesseractDataPath);
    const count = Math.max(1, Math.floor(options.workers ?? availableCpus()));
    const cacheFolder = await mkdtemp(join(tmpdir(), 'lectern-tesseract-'));
    try {
      const langPath = await languageFolder(languages, cacheFolder);
      const workers = await Promise.all(
        Array.from({ length: count }, () => startWorker(languages, langPath, cacheFolder)),
      );
      return new TesseractRecognizer(new WorkerPool(workers), cacheFolder);
    } catch (cause) {
      await rm(cacheFolder, { recursive: true, force: true });
      throw new DocumentError(
        'LANGUAGE_NOT_AVAILABLE',
        `recognition: Tesseract could not load ${languages.join('+')}`,
        { cause },
      );
    }
  }

  async recognize(page: Raster, boxes: DetectedBox[]): Promise<RecognizedLine[]> {
    return Promise.all(boxes.map((box) => this.recognizeLine(page, box.polygon)));
  }

  /** Reads one line; its words carry page coordinates. */
  async recognizeLine(page: Raster, polygon: Polygon): Promise<RecognizedLine> {
    return (await this.readLine(page, polygon)).line;
  }

  /** Reads one line, with the centre of every character on the page besides its words. */
  async readLine(page: Raster, polygon: Polygon): Promise<TesseractLine> {
    const crop = cropLine(page, polygon, STRIP_HEIGHT, 1, STRIP_MARGIN);
    const image = toPgm(crop.raster);
    const result = await this.#pool.run((worker) =>
      worker.recognize(image, {}, { text: false, blocks: true }),
    );
    const found = wordsOf(result.data);
    const words = found.map((word) => placeWord(word, crop));
    const confidence =
      words.length === 0 ? 0 : words.reduce((sum, word) => sum + word.confidence, 0) / words.length;
    const line = {
      text: words.map((word) => word.text).join(' '),
      box: boxOfPolygon(polygon),
      polygon,
      confidence,
      words,
    };
    return { line, characters: found.flatMap((word) => charactersOf(word, crop)) };
  }

  async dispose(): Promise<void> {
    await this.#pool.close((worker) => worker.terminate().then(() => undefined));
    await rm(this.#cacheFolder, { recursive: true, force: true });
  }
}

// Init-only Tesseract settings, as config-file text. The Italian data's own config names a
// user word list (`ita.special-words`) that no package ships; Tesseract then prints "Error:
// failed to load ./ita.special-words" for every Italian worker. No list is loaded either way
// (Lectern uses none), so the reading is the same.
const INIT_CONFIG = 'user_words_suffix \n';

async function startWorker(languages: string[], langPath: string, cacheFolder: string) {
  const worker = await Tesseract.createWorker(
    languages,
    Tesseract.OEM.LSTM_ONLY,
    { langPath, gzip: true, cachePath: cacheFolder, cacheMethod: 'none' },
    INIT_CONFIG,
  );
  await worker.setParameters({ tessedit_pageseg_mode: Tesseract.PSM.SINGLE_LINE });
  return worker;
}

/**
 * One folder holding every language's data. tesseract.js reads all languages from a single
 * `langPath` (and its `{ code, data }` alternative is broken in 7.0: it initialises with the
 * data as the name), while each language comes in its own package: with several languages,
 * links to their files are gathered in the private temporary folder.
 */
async function languageFolder(languages: string[], scratch: string): Promise<string> {
  const folders = languages.map((language) => tesseractDataPath(language));
  if (languages.length === 1) return folders[0] as string;
  const gathered = join(scratch, 'tessdata');
  await mkdir(gathered);
  await Promise.all(
    languages.map((language, index) => {
      const file = `${language}.traineddata.gz`;
      return symlink(join(folders[index] as string, file), join(gathered, file));
    }),
  );
  return gathered;
}

/** A binary PGM (P5) of the strip's luminance: Leptonica reads it natively. */
function toPgm(raster: Raster): Buffer {
  const header = Buffer.from(`P5\n${raster.width} ${raster.height}\n255\n`, 'ascii');
  const pixels = Buffer.alloc(raster.width * raster.height);
  for (let p = 0, q = 0; q < pixels.length; p += 3, q += 1) {
    const r = raster.data[p] as number;
    const g = raster.data[p + 1] as number;
    const b = raster.data[p + 2] as number;
    pixels[q] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
  }
  return Buffer.concat([header, pixels]);
}

function wordsOf(page: Tesseract.Page): Tesseract.Word[] {
  const words: Tesseract.Word[] = [];
  for (const block of page.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        for (const word of line.words) if (word.text.trim() !== '') words.push(word);
      }
    }
  }
  return words;
}

function charactersOf(word: Tesseract.Word, crop: LineCrop): TesseractLine['characters'] {
  return word.symbols
    .filter((symbol) => symbol.text.trim() !== '')
    .map((symbol) => {
      const { x0, y0, x1, y1 } = symbol.bbox;
      return { text: symbol.text, center: cropPoint(crop, (x0 + x1) / 2, (y0 + y1) / 2) };
    });
}

/** The page point of a pixel position in the strip. */
function cropPoint(crop: LineCrop, x: number, y: number): Point {
  const { frame, raster } = crop;
  return framePoint(frame, (x * frame.width) / raster.width, (y * frame.height) / raster.height);
}

function placeWord(word: Tesseract.Word, crop: LineCrop): RecognizedWord {
  const { x0, y0, x1, y1 } = word.bbox;
  const corner = (x: number, y: number) => cropPoint(crop, x, y);
  const polygon: Polygon = [corner(x0, y0), corner(x1, y0), corner(x1, y1), corner(x0, y1)];
  return {
    text: word.text.trim(),
    box: boxOfPolygon(polygon),
    polygon,
    confidence: Math.max(0, Math.min(1, word.confidence / 100)),
  };
}
