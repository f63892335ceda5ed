/**
 * @module Which S3 events the OCR function works on. Everything it must leave alone is told
 * apart quickly, before any download or decoding: events that are not ObjectCreated, folder
 * markers (keys ending in `/`), the workflow's own outputs wherever they land (recognised by
 * their metadata, not their name), objects gone or replaced since the event, and versions
 * whose outcome is already recorded (a duplicate) or older than the recorded one (stale).
 */
import type { ObjectStore } from '../../platform/storage/object-store.js';
import type { S3ObjectEvent } from '../../platform/storage/s3-event.js';
import { compareSequencers, existingOutcome, isLecternOutput } from './outputs.js';

/** Why an event is left alone. */
export type IgnoreReason =
  | 'not-object-created'
  | 'folder-marker'
  | 'own-output'
  | 'gone'
  | 'superseded'
  | 'duplicate'
  | 'stale'
  | 'in-flight';

/** The verdict on one event record. */
export type Screening = { action: 'process' } | { action: 'ignore'; reason: IgnoreReason };

/** Screens one (already decoded) event record. */
export async function screenUpload(
  record: S3ObjectEvent,
  objects: ObjectStore,
  outputBucket: string,
): Promise<Screening> {
  if (!record.eventName.startsWith('ObjectCreated')) return ignore('not-object-created');
  if (record.key.endsWith('/')) return ignore('folder-marker');
  const head = await objects.head(record.bucket, record.key);
  if (!head) return ignore('gone');
  if (isLecternOutput(head.userMetadata)) return ignore('own-output');
  if (head.etag !== record.etag) return ignore('superseded');
  const existing = await existingOutcome(objects, outputBucket, record.key);
  if (existing?.etag === record.etag) return ignore('duplicate');
  if (existing && compareSequencers(existing.sequencer, record.sequencer) > 0) {
    return ignore('stale');
  }
  return { action: 'process' };
}

function ignore(reason: IgnoreReason): Screening {
  return { action: 'ignore', reason };
}
