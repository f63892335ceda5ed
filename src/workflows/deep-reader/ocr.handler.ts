/**
 * @module The OCR function, triggered by uploads into the input bucket (an S3 ObjectCreated
 * event, keys decoded exactly once by parseS3Event). Each record ends in one outcome in the
 * output bucket or is ignored on purpose (see upload-screen.ts). Only unexpected errors
 * (the object store failing, the instance dying) are thrown, for the platform to retry.
 * Runs compiled, in platform instances; talks to storage and functions only through
 * `context.services`.
 */
import type { Context } from '../../platform/function.js';
import { parseS3Event } from '../../platform/storage/s3-event.js';
import { readWorkflowConfig } from './config.js';
import { WorkflowError } from './errors.js';
import { handleUpload, type UploadOutcome } from './upload-job.js';

const config = readWorkflowConfig();

/** Handles every record of the event in turn. */
export async function handler(event: unknown, context: Context): Promise<UploadOutcome[]> {
  let records: ReturnType<typeof parseS3Event>;
  try {
    records = parseS3Event(event);
  } catch (cause) {
    throw new WorkflowError('INVALID_EVENT', 'the OCR function was given no S3 event', { cause });
  }
  const outcomes: UploadOutcome[] = [];
  for (const record of records) {
    const outcome = await handleUpload(record, context, config);
    context.logger.info({ document: record.key, ...outcome }, 'upload handled');
    outcomes.push(outcome);
  }
  return outcomes;
}
