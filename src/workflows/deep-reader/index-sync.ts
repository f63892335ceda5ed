/**
 * @module Host-side upkeep of the results index: turns the outputs in the output bucket and
 * the platform's invocation records into index entries, and gives a failure record to every
 * upload whose OCR invocation died on all its attempts (timeout, out of memory, crash), since
 * that invocation could not write one itself. Runs in the process that owns the platform
 * (`lectern run`, `lectern serve`), never in a handler.
 */

import type { PageResult } from '../../document/result.js';
import { billedDurationMs, invocationCostUsd } from '../../platform/billing.js';
import type { Platform } from '../../platform/platform.js';
import { AWS_2020_PAPER, AWS_2026 } from '../../platform/prices.js';
import type { InvocationRecord } from '../../platform/records.js';
import type { ObjectMetadata } from '../../platform/storage/object-store.js';
import { parseS3Event } from '../../platform/storage/s3-event.js';
import { partialPagesOf } from './batch-summary.js';
import { OUTPUT_METADATA, OUTPUT_PREFIX } from './config.js';
import { compareSequencers, existingOutcome, type FailureRecord, writeOutcome } from './outputs.js';
import type { IndexedDocument, ResultsIndex } from './results-index.js';
import { failureRecord } from './upload-job.js';

/** What the sync needs to know of the deployment. */
export interface SyncTarget {
  platform: Platform;
  index: ResultsIndex;
  outputBucket: string;
  /** The function triggered by uploads. Default `lectern-ocr`. */
  ocrFunction?: string;
}

/**
 * One pass: records dead OCR invocations as failures, then indexes every outcome not yet
 * indexed whose OCR invocation has its record. Returns the entries it finished.
 */
export async function syncResultsIndex(target: SyncTarget): Promise<IndexedDocument[]> {
  await recordDeadInvocations(target);
  const finished: IndexedDocument[] = [];
  for (const prefix of [OUTPUT_PREFIX.result, OUTPUT_PREFIX.failure]) {
    for (const output of await target.platform.objects.list(target.outputBucket, prefix)) {
      const entry = await indexOutcome(target, output);
      if (entry) finished.push(entry);
    }
  }
  return finished;
}

async function indexOutcome(
  target: SyncTarget,
  output: ObjectMetadata,
): Promise<IndexedDocument | undefined> {
  const meta = output.userMetadata;
  const bucket = meta[OUTPUT_METADATA.sourceBucket];
  const etag = meta[OUTPUT_METADATA.sourceEtag];
  const encodedKey = meta[OUTPUT_METADATA.sourceKey];
  const requestId = meta[OUTPUT_METADATA.requestId];
  if (!bucket || !etag || !encodedKey || !requestId) return undefined;
  const key = decodeURIComponent(encodedKey);
  const indexed = target.index.get(bucket, key, etag);
  if (indexed && indexed.status !== 'queued' && indexed.requestId === requestId) return undefined;
  // An outcome of another OCR invocation for the same bytes is a later reading of them: the
  // key was replaced and then given these bytes again (v1, v2, v1), which is a new upload, not
  // a duplicate delivery (a duplicate writes no outcome). Its entry starts afresh.
  const known = indexed?.status === 'queued' ? indexed : undefined;

  const records = target.platform.records.query({ rootRequestId: requestId });
  const ocr = records.find((r) => r.requestId === requestId && r.outcome !== 'throttled');
  // The outcome is written before the OCR invocation returns: its record follows shortly.
  if (!ocr && meta[OUTPUT_METADATA.kind] === 'result') return undefined;

  const source = await target.platform.objects.head(bucket, key);
  const uploadedAt =
    known?.uploadedAt ??
    Date.parse(source?.etag === etag ? source.lastModified : output.lastModified);
  const finishedAt = Date.parse(output.lastModified);
  const { body } = await target.platform.objects.get(target.outputBucket, output.key);
  const entry: IndexedDocument = {
    bucket,
    key,
    etag,
    status: meta[OUTPUT_METADATA.kind] === 'result' ? 'succeeded' : 'failed',
    uploadedAt,
    finishedAt,
    latencyMs: finishedAt - uploadedAt,
    ...(ocr ? { queueWaitMs: Math.max(0, ocr.startTime - uploadedAt) } : {}),
    outputKey: output.key,
    requestId,
    ...outcomeFacts(body.toString('utf8'), meta[OUTPUT_METADATA.kind]),
    ...invocationFacts(records),
  };
  target.index.put(entry);
  return entry;
}

function outcomeFacts(
  json: string,
  kind: string | undefined,
): Partial<IndexedDocument> & Pick<IndexedDocument, 'stages'> {
  const parsed = JSON.parse(json) as {
    pages?: Array<Partial<Pick<PageResult, 'number' | 'partial'>>>;
    timings?: Record<string, number>;
  } & Partial<FailureRecord>;
  if (kind === 'failure') {
    return { stages: {}, errorCode: parsed.error?.code, errorMessage: parsed.error?.message };
  }
  const pages = parsed.pages ?? [];
  return {
    stages: { ...(parsed.timings ?? {}) },
    pages: pages.length,
    ...partialPagesOf(pages),
  };
}

/** Invocations, cold starts, init time, GB-seconds and cost of one document's records. */
export function invocationFacts(records: readonly InvocationRecord[]): Partial<IndexedDocument> {
  const ran = records.filter((r) => r.outcome !== 'throttled');
  const cold = ran.filter((r) => r.startType === 'cold');
  const gbSeconds = ran.reduce(
    (sum, r) => sum + (r.memorySizeMb / 1024) * (billedDurationMs(r, AWS_2026) / 1000),
    0,
  );
  return {
    invocations: ran.length,
    throttles: records.length - ran.length,
    coldStarts: cold.length,
    initMs: cold.reduce((sum, r) => sum + (r.initDurationMs ?? 0), 0),
    billedGbSeconds: gbSeconds,
    cost2020Usd: ran.reduce((sum, r) => sum + invocationCostUsd(r, AWS_2020_PAPER), 0),
    cost2026Usd: ran.reduce((sum, r) => sum + invocationCostUsd(r, AWS_2026), 0),
  };
}

/** Dead OCR invocations whose uploads have no outcome get an INVOCATION_FAILED record. */
async function recordDeadInvocations(target: SyncTarget): Promise<void> {
  const ocrFunction = target.ocrFunction ?? 'lectern-ocr';
  const dead = target.platform.queue.inspect
    .deadLetters()
    .filter((letter) => letter.functionName === ocrFunction);
  for (const letter of dead) {
    let records: ReturnType<typeof parseS3Event>;
    try {
      records = parseS3Event(letter.payload);
    } catch {
      continue;
    }
    for (const record of records) {
      const existing = await existingOutcome(
        target.platform.objects,
        target.outputBucket,
        record.key,
      );
      if (existing && compareSequencers(existing.sequencer, record.sequencer) >= 0) continue;
      const head = await target.platform.objects.head(record.bucket, record.key);
      if (!head || head.etag !== record.etag) continue;
      const failure = failureRecord(
        record,
        {
          code: 'INVOCATION_FAILED',
          message: `${record.key}: the OCR function failed on every attempt: ${letter.errorCode}: ${letter.errorMessage}`,
        },
        letter.requestId,
      );
      await writeOutcome(target.platform, target.outputBucket, record, {
        kind: 'failure',
        body: JSON.stringify(failure),
        requestId: letter.requestId,
      });
    }
  }
}
