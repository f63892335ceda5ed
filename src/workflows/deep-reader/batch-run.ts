/**
 * @module A batch on the embedded platform, as `lectern run` does it: deploy the Deep Reader
 * stack in a state directory, upload every document in one burst, and wait until each upload
 * has its outcome, keeping the results index up to date on the way.
 *
 * Run again on the same state directory, a document whose bytes already have their outcome in
 * the output bucket is not read again: the OCR function leaves such an upload alone as a
 * duplicate, so that outcome is the document's, and the batch says it was reused.
 */
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { failureOf } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { type BatchSummary, summarisePlatformBatch, withFailures } from './batch-summary.js';
import { uploadKeyProblem } from './config.js';
import { DeepReaderDeployment } from './deployment.js';
import { existingOutcome } from './outputs.js';
import type { IndexedDocument } from './results-index.js';
import type { DeepReaderStackOptions } from './stack.js';

/** Options of {@link runBatch}, with their defaults. */
export interface BatchRunOptions {
  /** Keep the platform's state here. Default: a temporary directory, removed afterwards. */
  stateDir?: string;
  stack?: DeepReaderStackOptions;
  /** Told of each document as it finishes. */
  onOutcome?: (file: string, entry: IndexedDocument) => void;
  /** Give up waiting after this long. Default 3,600,000 ms. */
  timeoutMs?: number;
  /** How often the output bucket is looked at. Default 200 ms. */
  pollMs?: number;
  /**
   * Stops the batch: the platform is stopped (a temporary state directory removed) and
   * runBatch rejects with the signal's reason. Default: runs to the end.
   */
  signal?: AbortSignal;
  logger?: Logger;
}

/** One document of a batch and what became of it. */
export interface BatchDocument {
  file: string;
  key: string;
  entry?: IndexedDocument;
  /** The result JSON, for succeeded documents. */
  result?: string;
  /** Its outcome was recorded, for the same bytes, before this batch: it was not read again. */
  reused?: boolean;
}

/** The message of a document with no outcome when the wait ended. */
export const NO_OUTCOME = 'no result nor failure in time';

/** A document being uploaded: its version once uploaded, or its entry when it could not be. */
interface Tracked extends BatchDocument {
  etag?: string;
}

/** Runs `files` through the platform; resolves with each document's outcome and the summary. */
export async function runBatch(
  files: string[],
  options: BatchRunOptions = {},
): Promise<{ documents: BatchDocument[]; summary: BatchSummary }> {
  const { signal } = options;
  signal?.throwIfAborted();
  const deployment = await DeepReaderDeployment.open({
    ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
    ...(options.stack ? { stack: options.stack } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  try {
    signal?.throwIfAborted();
    const documents = await uploadAll(files, deployment, (document) => {
      if (document.entry) options.onOutcome?.(document.file, document.entry);
    });
    signal?.throwIfAborted();
    await waitForDocuments(documents, deployment, options);
    for (const document of documents) {
      const result = document.entry && (await deployment.result(document.entry));
      if (result !== undefined) document.result = result;
    }
    const summary = summarise(documents, deployment);
    return { documents: documents.map(({ etag: _etag, ...rest }) => rest), summary };
  } finally {
    await deployment.close();
  }
}

/** Gives each uploaded document still without one its indexed outcome, as they come. */
async function waitForDocuments(
  documents: Tracked[],
  deployment: DeepReaderDeployment,
  options: BatchRunOptions,
): Promise<void> {
  const { signal } = options;
  const timeoutMs = options.timeoutMs ?? 3_600_000;
  const deadline = Date.now() + timeoutMs;
  const waiting = documents.filter(
    (d): d is Tracked & { etag: string } => d.etag !== undefined && d.entry === undefined,
  );
  const waited = deployment.waitForOutcomes(waiting, {
    timeoutMs,
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
    onOutcome: (document, entry) => options.onOutcome?.(document.file, entry),
  });
  await untilAborted(waited, signal);
  for (const document of waiting) {
    const entry = deployment.outcome(document);
    if (entry && entry.status !== 'queued') document.entry = entry;
  }
  // The OCR invocations that screened duplicates out, or that were still finishing after
  // writing a failure record, would otherwise be cut short and left to the next run on
  // this state, counted in its invocations and cost instead of this batch's.
  if (documents.every((d) => d.entry)) {
    await untilAborted(withTimeout(deployment.platform.waitForIdle(), deadline), signal);
  }
}

/** The batch's summary; a document with no outcome in time counts as failed (NO_OUTCOME). */
function summarise(documents: Tracked[], deployment: DeepReaderDeployment): BatchSummary {
  const { platform } = deployment;
  const entries = documents.flatMap((d) => (d.entry ? [d.entry] : []));
  const byEntry = new Map(documents.map((d) => [d.entry, d]));
  const unfinished = documents
    .filter((d) => !d.entry)
    .map((d) => ({ document: d.file, code: 'NO_OUTCOME', message: NO_OUTCOME }));
  const summary = summarisePlatformBatch(
    entries,
    platform.records.query({ runId: platform.runtime.runId }),
    platform.records.provisionedPeriods({ runId: platform.runtime.runId }),
    Date.now(),
    {
      name: (entry) => byEntry.get(entry)?.file ?? entry.key,
      reused: (entry) => byEntry.get(entry)?.reused === true,
    },
  );
  return withFailures(summary, unfinished);
}

/**
 * Uploads every file at once (the paper's burst); keys keep the files' relative paths. A file
 * whose path cannot be a key (a control character or backslash in its name, too long), or
 * that cannot be read, ends at once as a failure of its own. `finished` is told of documents
 * that need no waiting: those and the reused ones whose outcome is already indexed.
 */
async function uploadAll(
  files: string[],
  deployment: DeepReaderDeployment,
  finished: (document: Tracked) => void,
): Promise<Tracked[]> {
  const keys = uploadKeys(files, deployment.uploadPrefix);
  return Promise.all(
    files.map(async (file, i) => {
      const document = await uploadOne(file, keys[i] as string, deployment);
      finished(document);
      return document;
    }),
  );
}

async function uploadOne(
  file: string,
  key: string,
  deployment: DeepReaderDeployment,
): Promise<Tracked> {
  const { inputBucket } = deployment;
  const keyProblem = uploadKeyProblem(key);
  if (keyProblem !== undefined) {
    const message = `the file name cannot be an object key: ${keyProblem}`;
    return { file, key, entry: failedAtOnce(inputBucket, key, 'INVALID_NAME', message) };
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const { code, message } = failureOf(error, file);
    return { file, key, entry: failedAtOnce(inputBucket, key, code, message) };
  }
  // Looked at before the upload: after it, this upload's own outcome could already be there.
  const before = await existingOutcome(deployment.platform.objects, deployment.outputBucket, key);
  const { etag } = await deployment.upload(key, bytes);
  if (before?.etag === etag) {
    // The OCR function will leave this upload alone (upload-screen.ts: a duplicate). Its
    // outcome is indexed already, or will be once the earlier run's invocation has its record
    // (re-run from the queue if that run was cut short). Known gap: should that record be
    // lost (records.db removed by hand), the wait for it ends only at timeoutMs.
    const known = deployment.outcome({ key, etag });
    const done = known && known.status !== 'queued' ? { entry: known } : {};
    return { file, key, etag, reused: true, ...done };
  }
  // Noted afresh, even over an entry of an earlier run (read before, then replaced by other
  // bytes, now back; or cut short): this upload is read now, and its times start now.
  const head = await deployment.platform.objects.head(deployment.inputBucket, key);
  deployment.index.put({
    bucket: deployment.inputBucket,
    key,
    etag,
    status: 'queued',
    uploadedAt: head ? Date.parse(head.lastModified) : Date.now(),
    stages: {},
  });
  return { file, key, etag };
}

/**
 * The failed entry of a file that was never uploaded: its name cannot be a key, or it could
 * not be read (EACCES, EISDIR, gone since listed). Messages as `read` and on-premise give them.
 */
function failedAtOnce(bucket: string, key: string, code: string, message: string): IndexedDocument {
  const now = Date.now();
  return {
    bucket,
    key,
    etag: '',
    status: 'failed',
    uploadedAt: now,
    finishedAt: now,
    stages: {},
    errorCode: code,
    errorMessage: message,
  };
}

/** Waits for `work`, or rejects with the reason of `signal` as soon as it aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    if (signal.aborted) abort();
    signal.addEventListener('abort', abort, { once: true });
    // Settling after an abort changes nothing; the rejection is handled either way.
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** `work`, or nothing once `deadline` (epoch ms) has passed. */
async function withTimeout(work: Promise<void>, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
  });
  try {
    await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** `uploads/<path relative to the deepest folder holding every file>`, with `/` separators. */
export function uploadKeys(files: string[], prefix: string): string[] {
  const absolute = files.map((file) => resolve(file));
  const parts = absolute.map((file) => dirname(file).split(sep));
  const first = parts[0] ?? [];
  let depth = 0;
  while (depth < first.length && parts.every((p) => p[depth] === first[depth])) depth += 1;
  const base = first.slice(0, depth).join(sep) || sep;
  return absolute.map((file) => `${prefix}${relative(base, file).split(sep).join('/')}`);
}
