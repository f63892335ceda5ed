/**
 * @module The paper's on-premise baseline (`lectern run --on-premise`): the same batch read on
 * this machine without the platform. Every document arrives at once, as in a burst; a few are
 * read at a time, each page's tiles detected in parallel worker threads (one detector session
 * each), recognition and layout exactly as `lectern read` does them.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { TextDetector } from '../../document/detection.js';
import { DirectionClassifier } from '../../document/direction-classifier.js';
import { readPage } from '../../document/read-page.js';
import { createRecognizer, type TextRecognizer } from '../../document/recognition/recognizer.js';
import type { DocumentResult, PageResult } from '../../document/result.js';
import { failureOf } from '../../errors.js';
import type { BatchDocument } from './batch-run.js';
import { type BatchSummary, outcomeCounts, partialPagesOf } from './batch-summary.js';
import { WORKFLOW_DEFAULTS, type WorkflowConfig } from './config.js';
import { assembleResult, openDocument } from './document-assembly.js';
import type { IndexedDocument } from './results-index.js';
import { Slots, withSlot } from './slots.js';

/** What the on-premise reader reads with, each with its default. */
export interface OnPremiseSetup {
  config?: Partial<Pick<WorkflowConfig, 'engine' | 'languages' | 'grid' | 'overlap' | 'maxPages'>>;
  /** Detector sessions, each in its own thread. Default: the CPUs available. */
  workers?: number;
}

/** Options of {@link runOnPremise}, with their defaults. */
export interface OnPremiseOptions extends OnPremiseSetup {
  /** Documents read at once. Default 2: one recognizing while another is detected. */
  concurrency?: number;
  onOutcome?: (file: string, entry: IndexedDocument) => void;
}

/** The models, loaded once and kept for every document read. */
export class OnPremiseReader {
  readonly #config: WorkflowConfig;
  readonly #detector: TextDetector;
  readonly #recognizer: TextRecognizer;
  readonly #classifier: DirectionClassifier;

  /** Loads the models. */
  static async start(setup: OnPremiseSetup = {}): Promise<OnPremiseReader> {
    const config = { ...WORKFLOW_DEFAULTS, ...setup.config } as WorkflowConfig;
    const cpus = availableParallelism();
    const [detector, recognizer, classifier] = await Promise.all([
      TextDetector.load({ workers: setup.workers ?? cpus, threads: 1 }),
      createRecognizer({ engine: config.engine, languages: config.languages, threads: cpus }),
      DirectionClassifier.load({ threads: cpus }),
    ]);
    return new OnPremiseReader(config, detector, recognizer, classifier);
  }

  private constructor(
    config: WorkflowConfig,
    detector: TextDetector,
    recognizer: TextRecognizer,
    classifier: DirectionClassifier,
  ) {
    this.#config = config;
    this.#detector = detector;
    this.#recognizer = recognizer;
    this.#classifier = classifier;
  }

  /** Reads `bytes` (named `document` in errors and in the result) page by page. */
  async read(bytes: Uint8Array, document: string): Promise<DocumentResult> {
    const config = this.#config;
    const models = {
      detector: this.#detector,
      recognizer: this.#recognizer,
      classifier: this.#classifier,
    };
    const { timings, loaded, detection } = await openDocument(bytes, document, config);
    const pages: PageResult[] = [];
    const iterator = loaded.pages[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await timings.time('decode', () => iterator.next());
        if (next.done) break;
        const settings = { detection, timings };
        pages.push(await readPage(next.value, models, settings));
      }
    } catch (error) {
      await iterator.return?.().catch(() => undefined);
      throw error;
    }
    return assembleResult({ bytes, document, loaded, pages, timings, config });
  }

  async close(): Promise<void> {
    await Promise.all([
      this.#detector.dispose(),
      this.#recognizer.dispose(),
      this.#classifier.dispose(),
    ]);
  }
}

/** Reads `files` on this machine; resolves with each outcome and the summary. */
export async function runOnPremise(
  files: string[],
  options: OnPremiseOptions = {},
): Promise<{ documents: BatchDocument[]; summary: BatchSummary }> {
  const reader = await OnPremiseReader.start(options);
  const slots = new Slots(options.concurrency ?? 2);
  const started = Date.now();
  // Settled, not all: the models are closed only once no document is being read any more.
  // Closing them under a running read stopped a detection worker in the middle of an ONNX
  // Runtime call, which aborts the whole process (see SessionWorkers.close).
  const settled = await Promise.allSettled(
    files.map((file) =>
      withSlot(slots, async (): Promise<BatchDocument> => {
        const outcome = await readOne(file, reader, started);
        options.onOutcome?.(file, outcome.entry);
        return { file, key: file, ...outcome };
      }),
    ),
  );
  await reader.close();
  const documents = settled.map((result) => {
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  });
  const entries = documents.flatMap((d) => (d.entry ? [d.entry] : []));
  return { documents, summary: { mode: 'on-premise', ...outcomeCounts(entries) } };
}

async function readOne(
  file: string,
  reader: OnPremiseReader,
  started: number,
): Promise<{ entry: IndexedDocument; result?: string }> {
  const base = { bucket: 'local', key: file, etag: '', uploadedAt: started };
  try {
    const bytes = await readFile(file);
    const result = await reader.read(bytes, file);
    const finishedAt = Date.now();
    const entry: IndexedDocument = {
      ...base,
      status: 'succeeded',
      finishedAt,
      latencyMs: finishedAt - started,
      stages: result.timings,
      pages: result.pages.length,
      ...partialPagesOf(result.pages),
    };
    return { entry, result: JSON.stringify(result) };
  } catch (error) {
    // Whatever the failure (an unreadable file's EACCES included), it is this document's:
    // the others are still read.
    const { code, message } = failureOf(error, file);
    const finishedAt = Date.now();
    const entry: IndexedDocument = {
      ...base,
      status: 'failed',
      finishedAt,
      latencyMs: finishedAt - started,
      stages: {},
      errorCode: code,
      errorMessage: message,
    };
    return { entry };
  }
}
