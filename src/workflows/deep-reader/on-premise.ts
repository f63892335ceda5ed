/**
 * @module The paper's on-premise baseline (`lectern run --on-premise`): the same batch read on
 * this machine without the platform. Every document arrives at once, as in a burst; a few are
 * read at a time, each page's tiles detected in parallel worker threads (detector-pool.ts),
 * recognition and layout exactly as `lectern read` does them.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { DirectionClassifier } from '../../document/direction-classifier.js';
import { readPageWith } from '../../document/read-page.js';
import { createRecognizer, type TextRecognizer } from '../../document/recognition/recognizer.js';
import type { DocumentResult, PageResult } from '../../document/result.js';
import { LecternError } from '../../errors.js';
import type { BatchDocument } from './batch-run.js';
import { type BatchSummary, outcomeCounts } from './batch-summary.js';
import { WORKFLOW_DEFAULTS, type WorkflowConfig } from './config.js';
import { DetectorPool } from './detector-pool.js';
import { assembleResult, openDocument } from './document-assembly.js';
import { Slots } from './remote-read.js';
import type { IndexedDocument } from './results-index.js';

/** Options of {@link runOnPremise}, with their defaults. */
export interface OnPremiseOptions {
  config?: Partial<Pick<WorkflowConfig, 'engine' | 'languages' | 'grid' | 'overlap' | 'maxPages'>>;
  /** Detector threads in the pool. Default: the CPUs available. */
  workers?: number;
  /** Documents read at once. Default 2: one recognizing while another is detected. */
  concurrency?: number;
  onOutcome?: (file: string, entry: IndexedDocument) => void;
}

interface Models {
  recognizer: TextRecognizer;
  classifier: DirectionClassifier;
}

/** Reads `files` on this machine; resolves with each outcome and the summary. */
export async function runOnPremise(
  files: string[],
  options: OnPremiseOptions = {},
): Promise<{ documents: BatchDocument[]; summary: BatchSummary }> {
  const config = { ...WORKFLOW_DEFAULTS, ...options.config } as WorkflowConfig;
  const cpus = availableParallelism();
  const [pool, recognizer, classifier] = await Promise.all([
    DetectorPool.start(options.workers ?? cpus, 1),
    createRecognizer({ engine: config.engine, languages: config.languages, threads: cpus }),
    DirectionClassifier.load({ threads: cpus }),
  ]);
  const models = { recognizer, classifier };
  const slots = new Slots(options.concurrency ?? 2);
  const started = Date.now();
  try {
    const documents = await Promise.all(
      files.map(async (file): Promise<BatchDocument> => {
        await slots.take();
        try {
          const outcome = await readOne(file, models, pool, config, started);
          options.onOutcome?.(file, outcome.entry);
          return { file, key: file, ...outcome };
        } finally {
          slots.give();
        }
      }),
    );
    const entries = documents.flatMap((d) => (d.entry ? [d.entry] : []));
    return { documents, summary: { mode: 'on-premise', ...outcomeCounts(entries) } };
  } finally {
    await Promise.all([pool.close(), recognizer.dispose(), classifier.dispose()]);
  }
}

async function readOne(
  file: string,
  models: Models,
  pool: DetectorPool,
  config: WorkflowConfig,
  started: number,
): Promise<{ entry: IndexedDocument; result?: string }> {
  const base = { bucket: 'local', key: file, etag: '', uploadedAt: started };
  try {
    const bytes = await readFile(file);
    const result = await readLocally(bytes, file, models, pool, config);
    const finishedAt = Date.now();
    const entry: IndexedDocument = {
      ...base,
      status: 'succeeded',
      finishedAt,
      latencyMs: finishedAt - started,
      stages: result.timings,
      pages: result.pages.length,
    };
    return { entry, result: JSON.stringify(result) };
  } catch (error) {
    if (!(error instanceof LecternError)) throw error;
    const finishedAt = Date.now();
    const entry: IndexedDocument = {
      ...base,
      status: 'failed',
      finishedAt,
      latencyMs: finishedAt - started,
      stages: {},
      errorCode: error.code,
      errorMessage: error.message,
    };
    return { entry };
  }
}

async function readLocally(
  bytes: Uint8Array,
  document: string,
  models: Models,
  pool: DetectorPool,
  config: WorkflowConfig,
): Promise<DocumentResult> {
  const { timings, loaded, detection } = await openDocument(bytes, document, config);
  const pages: PageResult[] = [];
  const iterator = loaded.pages[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await timings.time('decode', () => iterator.next());
      if (next.done) break;
      pages.push(
        await readPageWith(next.value, models, { detection, timings }, pool.pageDetection()),
      );
    }
  } catch (error) {
    await iterator.return?.().catch(() => undefined);
    throw error;
  }
  return assembleResult({ bytes, document, loaded, pages, timings, config });
}
