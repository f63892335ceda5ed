/**
 * @module A batch on the embedded platform, as `lectern run` does it: deploy the Deep Reader
 * stack in a state directory, upload every document in one burst, and wait until each upload
 * has its outcome, keeping the results index up to date on the way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Logger } from '../../logger.js';
import { deployStack } from '../../platform/stack-deployer.js';
import { type BatchSummary, summarisePlatformBatch } from './batch-summary.js';
import { syncResultsIndex } from './index-sync.js';
import { type IndexedDocument, ResultsIndex } from './results-index.js';
import { type DeepReaderStackOptions, deepReaderStack } from './stack.js';

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
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'lectern-run-'));
  const stack = deepReaderStack(options.stack);
  const inputBucket = stack.buckets[0]?.name as string;
  const outputBucket = stack.buckets[1]?.name as string;
  const prefix = options.stack?.uploadPrefix ?? 'uploads/';
  const { platform } = await deployStack(stack, {
    stateDir,
    ...(options.logger ? { logger: options.logger } : {}),
    dispatcher: { pollIntervalMs: 100 },
  });
  const index = ResultsIndex.open(join(stateDir, 'results.db'));
  try {
    const documents = await uploadAll(files, prefix, async (key, bytes) => {
      const meta = await platform.objects.put(inputBucket, key, bytes);
      const uploadedAt = Date.parse(meta.lastModified);
      index.addUpload({ bucket: inputBucket, key, etag: meta.etag, uploadedAt });
      return meta.etag;
    });
    await waitForOutcomes(documents, options, () =>
      syncResultsIndex({ platform, index, outputBucket }),
    );
    for (const document of documents) {
      document.entry = index.get(inputBucket, document.key, document.etag);
      if (document.entry?.status === 'succeeded' && document.entry.outputKey) {
        const { body } = await platform.objects.get(outputBucket, document.entry.outputKey);
        document.result = body.toString('utf8');
      }
    }
    const entries = documents.flatMap((d) => (d.entry ? [d.entry] : []));
    const summary = summarisePlatformBatch(
      entries,
      platform.records.query({ runId: platform.runtime.runId }),
      platform.records.provisionedPeriods({ runId: platform.runtime.runId }),
      Date.now(),
    );
    return { documents: documents.map(({ etag: _etag, ...rest }) => rest), summary };
  } finally {
    index.close();
    await platform.close();
    if (options.stateDir === undefined) rmSync(stateDir, { recursive: true, force: true });
  }
}

type Uploaded = BatchDocument & { etag: string };

/** Uploads every file at once (the paper's burst); keys keep the files' relative paths. */
async function uploadAll(
  files: string[],
  prefix: string,
  put: (key: string, bytes: Buffer) => Promise<string>,
): Promise<Uploaded[]> {
  const keys = uploadKeys(files, prefix);
  const contents = await Promise.all(files.map((file) => readFile(file)));
  return Promise.all(
    files.map(async (file, i) => {
      const key = keys[i] as string;
      return { file, key, etag: await put(key, contents[i] as Buffer) };
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

async function waitForOutcomes(
  documents: Uploaded[],
  options: BatchRunOptions,
  sync: () => Promise<IndexedDocument[]>,
): Promise<void> {
  const pending = new Map(documents.map((d) => [`${d.key}\u0000${d.etag}`, d]));
  const deadline = Date.now() + (options.timeoutMs ?? 3_600_000);
  while (pending.size > 0 && Date.now() < deadline) {
    for (const entry of await sync()) {
      const document = pending.get(`${entry.key}\u0000${entry.etag}`);
      if (!document) continue;
      pending.delete(`${entry.key}\u0000${entry.etag}`);
      options.onOutcome?.(document.file, entry);
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, options.pollMs ?? 200));
  }
}
