/**
 * @module A batch on the embedded platform, as `lectern run` does it: deploy the Deep Reader
 * stack in a state directory, upload every document in one burst, and wait until each upload
 * has its outcome, keeping the results index up to date on the way.
 */
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Logger } from '../../logger.js';
import { type BatchSummary, summarisePlatformBatch } from './batch-summary.js';
import { DeepReaderDeployment, type UploadedVersion } from './deployment.js';
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
  logger?: Logger;
}

/** One document of a batch and what became of it. */
export interface BatchDocument {
  file: string;
  key: string;
  entry?: IndexedDocument;
  /** The result JSON, for succeeded documents. */
  result?: string;
}

/** Runs `files` through the platform; resolves with each document's outcome and the summary. */
export async function runBatch(
  files: string[],
  options: BatchRunOptions = {},
): Promise<{ documents: BatchDocument[]; summary: BatchSummary }> {
  const deployment = await DeepReaderDeployment.open({
    ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
    ...(options.stack ? { stack: options.stack } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  try {
    const documents = await uploadAll(files, deployment.uploadPrefix, (key, bytes) =>
      deployment.upload(key, bytes),
    );
    await deployment.waitForOutcomes(documents, {
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
      onOutcome: (document, entry) => options.onOutcome?.(document.file, entry),
    });
    for (const document of documents) {
      document.entry = deployment.outcome(document);
      const result = document.entry && (await deployment.result(document.entry));
      if (result !== undefined) document.result = result;
    }
    const { platform } = deployment;
    const entries = documents.flatMap((d) => (d.entry ? [d.entry] : []));
    const fileOf = new Map(documents.map((d) => [d.key, d.file]));
    const summary = summarisePlatformBatch(
      entries,
      platform.records.query({ runId: platform.runtime.runId }),
      platform.records.provisionedPeriods({ runId: platform.runtime.runId }),
      Date.now(),
      (entry) => fileOf.get(entry.key) ?? entry.key,
    );
    return { documents: documents.map(({ etag: _etag, ...rest }) => rest), summary };
  } finally {
    await deployment.close();
  }
}

type Uploaded = BatchDocument & UploadedVersion;

/** Uploads every file at once (the paper's burst); keys keep the files' relative paths. */
async function uploadAll(
  files: string[],
  prefix: string,
  put: (key: string, bytes: Buffer) => Promise<UploadedVersion>,
): Promise<Uploaded[]> {
  const keys = uploadKeys(files, prefix);
  const contents = await Promise.all(files.map((file) => readFile(file)));
  return Promise.all(
    files.map(async (file, i) => {
      const key = keys[i] as string;
      return { file, ...(await put(key, contents[i] as Buffer)) };
    }),
  );
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
