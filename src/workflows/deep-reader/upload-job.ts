/**
 * @module What the OCR function does with one event record: screen it, claim the version,
 * read the document remotely, and write exactly one outcome (its result or its failure
 * record) to the output bucket. The document's working files on the shared volume are
 * removed however it ends.
 */
import { createHash } from 'node:crypto';
import { LecternError } from '../../errors.js';
import type { Context } from '../../platform/function.js';
import type { S3ObjectEvent } from '../../platform/storage/s3-event.js';
import { claimVersion } from './claims.js';
import type { WorkflowConfig } from './config.js';
import { type FailureRecord, type SourceVersion, writeOutcome } from './outputs.js';
import { readRemotely } from './remote-read.js';
import { type IgnoreReason, screenUpload } from './upload-screen.js';
import { removeFromVolume } from './volume-files.js';

/** What became of one event record. */
export type UploadOutcome =
  | { key: string; action: 'ignored'; reason: IgnoreReason }
  | { key: string; action: 'succeeded'; pages: number; written: boolean }
  | { key: string; action: 'failed'; code: string; written: boolean };

/** Handles one decoded record of an S3 event. */
export async function handleUpload(
  record: S3ObjectEvent,
  context: Context,
  config: WorkflowConfig,
): Promise<UploadOutcome> {
  const { key } = record;
  const { objects, volume } = context.services;
  const screening = await screenUpload(record, objects, config.outputBucket);
  if (screening.action === 'ignore') return { key, action: 'ignored', reason: screening.reason };
  const claim = await claimVersion(volume, record, context.requestId);
  if (!claim) return { key, action: 'ignored', reason: 'in-flight' };
  const workDir = `work/${versionId(record)}`;
  try {
    return await readAndRecord(record, context, config, workDir);
  } finally {
    await removeFromVolume(volume, workDir);
    await claim.release();
  }
}

async function readAndRecord(
  record: S3ObjectEvent,
  context: Context,
  config: WorkflowConfig,
  workDir: string,
): Promise<UploadOutcome> {
  const { key } = record;
  const { body, metadata } = await context.services.objects.get(record.bucket, key);
  // Replaced between the screening and the download: the newer version has its own event.
  if (metadata.etag !== record.etag) return { key, action: 'ignored', reason: 'superseded' };
  const source: SourceVersion = {
    bucket: record.bucket,
    key,
    etag: record.etag,
    sequencer: record.sequencer,
  };
  const requestId = context.requestId;
  const read = await readRemotely(body, key, context.services, config, workDir).then(
    (result) => ({ result }),
    (error: unknown) => {
      // Anything but a coded failure is the platform's to retry.
      if (!(error instanceof LecternError)) throw error;
      return { error };
    },
  );
  if ('result' in read) {
    const verdict = await writeOutcome(context.services, config.outputBucket, source, {
      kind: 'result',
      body: JSON.stringify(read.result),
      requestId,
    });
    const pages = read.result.pages.length;
    return { key, action: 'succeeded', pages, written: verdict === 'written' };
  }
  context.logger.warn({ err: read.error, document: key }, 'document failed');
  const verdict = await writeOutcome(context.services, config.outputBucket, source, {
    kind: 'failure',
    body: JSON.stringify(failureRecord(source, read.error, requestId)),
    requestId,
  });
  return { key, action: 'failed', code: read.error.code, written: verdict === 'written' };
}

/** The failure record of a version that could not be read. */
export function failureRecord(
  source: SourceVersion,
  error: { code: string; message: string; details?: Record<string, unknown> },
  requestId: string,
): FailureRecord {
  const details =
    error.details && Object.keys(error.details).length > 0 ? error.details : undefined;
  return {
    status: 'failed',
    document: source.key,
    bucket: source.bucket,
    etag: source.etag,
    error: { code: error.code, message: error.message, ...(details ? { details } : {}) },
    failedAt: new Date().toISOString(),
    requestId,
  };
}

function versionId(record: S3ObjectEvent): string {
  return createHash('sha256')
    .update(`${record.bucket}\u0000${record.key}\u0000${record.etag}`)
    .digest('hex')
    .slice(0, 32);
}
