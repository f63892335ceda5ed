/**
 * @module Reading a document in one process, every stage in turn (the paper's "on-premise"
 * mode): pages -> (the text layer of a digital PDF page, laid out directly) or orientation ->
 * detection on tiles -> recognition -> layout -> a validated {@link DocumentResult}.
 *
 * A {@link Reader} loads the models once (the detector and the recognizer) and reads any
 * number of documents, one at a time; {@link readDocument} is the one-shot convenience.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { DetectedBox } from './detection.js';
import { TextDetector } from './detection.js';
import { DirectionClassifier } from './direction-classifier.js';
import { loadPages } from './pages.js';
import { type PageModels, readPage } from './read-page.js';
import { validateLanguages } from './recognition/languages.js';
import {
  createRecognizer,
  type RecognitionEngine,
  type TextRecognizer,
} from './recognition/recognizer.js';
import {
  type DocumentResult,
  type EngineInfo,
  type PageResult,
  RESULT_SCHEMA_VERSION,
  validateResult,
} from './result.js';
import { type Clock, StageTimings } from './stage-timings.js';
import type { TileGrid } from './tiles.js';

/** How documents are read. Every option has a default. */
export interface ReadOptions {
  /** Recognizer: 'onnx' (PP-OCRv4, the default: far better characters) or 'tesseract'. */
  engine?: RecognitionEngine;
  /** Tesseract language codes. Default ['eng']. */
  languages?: string[];
  /** Detection tile grid. Default 3 x 3, as in the paper. */
  grid?: TileGrid;
  /** Overlap between neighbouring tiles, in detection pixels. Default: the detector's (64). */
  overlap?: number;
  /** User password for encrypted PDFs. */
  password?: string;
  /** OCR PDF pages even when their text layer is trustworthy. Default false. */
  forceOcr?: boolean;
  /** Pixel budget of one page raster (see `LoadOptions.maxPixels`). Default 50 MP. */
  maxPixels?: number;
  /** Most pages a document may have. Default 500. */
  maxPages?: number;
  /** Threads for ONNX Runtime / Tesseract workers. Default: the CPUs really available. */
  threads?: number;
  logger?: Logger;
  /** Clock for `timings`, in milliseconds. Default `performance.now`. */
  clock?: Clock;
}

/** Per-document options of {@link Reader.read}. */
export interface ReadCallOptions {
  /** The document's name or key: named in the result and in every error. */
  document: string;
  /** Overrides the reader's password for this document. */
  password?: string;
  /** Overrides the reader's grid for this document (e.g. to compare with 1 x 1). */
  grid?: TileGrid;
  /** Receives each OCR'd page's stitched detector boxes (page pixels, before layout). */
  onDetections?: (pageNumber: number, boxes: DetectedBox[]) => void;
}

const VERSION = packageVersion();

/** Reads documents with models loaded once. Close it when done. */
export class Reader {
  readonly #models: PageModels;
  readonly #options: ReadOptions;
  readonly #languages: string[];
  readonly #logger: Logger;

  private constructor(models: PageModels, options: ReadOptions, languages: string[]) {
    this.#models = models;
    this.#options = options;
    this.#languages = languages;
    this.#logger = options.logger ?? silentLogger;
  }

  /**
   * Loads the detector, the direction classifier and the recognizer (about a second).
   *
   * @throws DocumentError INVALID_OPTION (unknown language), MODEL_NOT_FOUND,
   *   LANGUAGE_NOT_AVAILABLE.
   */
  static async create(options: ReadOptions = {}): Promise<Reader> {
    const languages = validateLanguages(options.languages);
    const threads = options.threads;
    const [detector, classifier, recognizer] = await Promise.all([
      TextDetector.load({ workers: threads }),
      DirectionClassifier.load({ threads }),
      createRecognizer({ engine: options.engine ?? 'onnx', languages, threads }),
    ]);
    return new Reader({ detector, classifier, recognizer }, options, languages);
  }

  /** The recognizer in use. */
  get recognizer(): TextRecognizer {
    return this.#models.recognizer;
  }

  /**
   * Reads one document from its bytes.
   *
   * @throws DocumentError with the code of what went wrong (EMPTY_DOCUMENT,
   *   UNSUPPORTED_FORMAT, ENCRYPTED_PDF, NO_PAGES, PAGE_TOO_LARGE...), naming the document.
   */
  async read(bytes: Uint8Array, call: ReadCallOptions): Promise<DocumentResult> {
    const options = this.#options;
    const timings = new StageTimings(options.clock);
    const grid = call.grid ?? options.grid ?? { rows: 3, cols: 3 };
    const loaded = await timings.time('decode', () =>
      loadPages(bytes, {
        document: call.document,
        password: call.password ?? options.password,
        maxPixels: options.maxPixels,
        maxPages: options.maxPages,
        forceOcr: options.forceOcr,
      }),
    );

    const pages: PageResult[] = [];
    const warnings: string[] = [];
    const iterator = loaded.pages[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await timings.time('decode', () => iterator.next());
        if (next.done) break;
        const page = await readPage(next.value, this.#models, {
          detection: {
            grid,
            ...(options.overlap === undefined ? {} : { overlap: options.overlap }),
          },
          timings,
          onDetections: call.onDetections,
        });
        if (page.partial)
          warnings.push(`page ${page.number}: only partly decoded: ${page.partial}`);
        pages.push(page);
      }
    } catch (error) {
      // Closes an open PDF; the error that stopped the reading is the one reported.
      await iterator.return?.().catch(() => undefined);
      throw error;
    }

    this.#logger.debug({ document: call.document, pages: pages.length }, 'document read');
    return validateResult({
      schemaVersion: RESULT_SCHEMA_VERSION,
      document: {
        name: call.document,
        format: loaded.format,
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        pageCount: loaded.pageCount,
      },
      engine: this.#engineInfo(grid),
      pages,
      timings: timings.snapshot(),
      warnings,
    } satisfies DocumentResult);
  }

  /** Releases the models. The reader must not be used afterwards. */
  async close(): Promise<void> {
    const { detector, classifier, recognizer } = this.#models;
    await Promise.all([detector.dispose(), classifier.dispose(), recognizer.dispose()]);
  }

  #engineInfo(grid: TileGrid): EngineInfo {
    return {
      name: 'lectern',
      version: VERSION,
      recognition: this.#models.recognizer.engine,
      languages: this.#languages,
      grid: { rows: grid.rows, cols: grid.cols },
      ...(this.#options.overlap === undefined ? {} : { overlap: this.#options.overlap }),
    };
  }
}

/**
 * Reads one document with models loaded for it alone. To read several, create one
 * {@link Reader} and reuse it: loading the models costs about a second.
 */
export async function readDocument(
  bytes: Uint8Array,
  options: ReadOptions & { document: string },
): Promise<DocumentResult> {
  const reader = await Reader.create(options);
  try {
    return await reader.read(bytes, { document: options.document });
  } finally {
    await reader.close();
  }
}

function packageVersion(): string {
  try {
    const url = new URL('../../package.json', import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
