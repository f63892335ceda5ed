/**
 * @module The outputs of the workflow in the output bucket: one result (`results/<key>.json`,
 * the DocumentResult) or one failure record (`failures/<key>.json`) per uploaded version,
 * each carrying metadata that marks it as Lectern's own output and names the version it
 * describes (source key, etag and sequencer). A key too long for that name gets a hashed one
 * (`outputKey` in config.ts), so that every upload can still end in an outcome.
 *
 * Versions of one key are ordered by their S3 sequencer: an outcome is written only when no
 * newer version's outcome is there, under a per-key lock on the shared volume, so a stale
 * event never overwrites a newer result. The lock stands in for a conditional put, which the
 * object store does not offer (S3 now does, with If-Match: the AWS adapter should use that).
 */
import type { ObjectStore } from '../../platform/storage/object-store.js';
import type { SharedVolume } from '../../platform/storage/shared-volume.js';
import { OUTPUT_METADATA, outputKey } from './config.js';
import { withVolumeLock } from './volume-lock.js';

/** The version of an upload an outcome belongs to. */
export interface SourceVersion {
  bucket: string;
  key: string;
  etag: string;
  sequencer: string;
}

/** What the failure record of a version holds. */
export interface FailureRecord {
  status: 'failed';
  document: string;
  bucket: string;
  etag: string;
  error: { code: string; message: string; details?: Record<string, unknown> };
  failedAt: string;
  requestId: string;
}

/** An outcome already in the output bucket. */
export interface ExistingOutcome {
  kind: 'result' | 'failure';
  key: string;
  etag: string;
  sequencer: string;
}

/** Compares two S3 sequencers (hex strings; the shorter is padded as a number would be). */
export function compareSequencers(a: string, b: string): number {
  const width = Math.max(a.length, b.length);
  const left = a.toUpperCase().padStart(width, '0');
  const right = b.toUpperCase().padStart(width, '0');
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The newest outcome recorded for `sourceKey`, if any. */
export async function existingOutcome(
  objects: ObjectStore,
  outputBucket: string,
  sourceKey: string,
): Promise<ExistingOutcome | undefined> {
  const found: ExistingOutcome[] = [];
  for (const kind of ['result', 'failure'] as const) {
    const key = outputKey(kind, sourceKey);
    const head = await objects.head(outputBucket, key);
    if (!head) continue;
    const etag = head.userMetadata[OUTPUT_METADATA.sourceEtag] ?? '';
    const sequencer = head.userMetadata[OUTPUT_METADATA.sourceSequencer] ?? '';
    found.push({ kind, key, etag, sequencer });
  }
  found.sort((a, b) => compareSequencers(b.sequencer, a.sequencer));
  return found[0];
}

/** What {@link writeOutcome} did. */
export type WriteVerdict = 'written' | 'stale';

/**
 * Writes the outcome of `source` unless a newer version's outcome is already there; removes
 * the outcome of an older version of the other kind, so that one key has one outcome.
 */
export async function writeOutcome(
  services: { objects: ObjectStore; volume: SharedVolume },
  outputBucket: string,
  source: SourceVersion,
  outcome: { kind: 'result' | 'failure'; body: string; requestId: string },
): Promise<WriteVerdict> {
  const { objects } = services;
  return withVolumeLock(services.volume, `${source.bucket}/${source.key}`, async () => {
    const existing = await existingOutcome(objects, outputBucket, source.key);
    if (existing && compareSequencers(existing.sequencer, source.sequencer) > 0) return 'stale';
    await objects.put(
      outputBucket,
      outputKey(outcome.kind, source.key),
      Buffer.from(outcome.body),
      {
        contentType: 'application/json',
        metadata: outputMetadata(source, outcome),
      },
    );
    const other = outcome.kind === 'result' ? 'failure' : 'result';
    await objects.delete(outputBucket, outputKey(other, source.key));
    return 'written';
  });
}

function outputMetadata(
  source: SourceVersion,
  outcome: { kind: 'result' | 'failure'; requestId: string },
): Record<string, string> {
  return {
    [OUTPUT_METADATA.kind]: outcome.kind,
    [OUTPUT_METADATA.sourceBucket]: source.bucket,
    [OUTPUT_METADATA.sourceKey]: encodeURIComponent(source.key),
    [OUTPUT_METADATA.sourceEtag]: source.etag,
    [OUTPUT_METADATA.sourceSequencer]: source.sequencer,
    [OUTPUT_METADATA.requestId]: outcome.requestId,
  };
}

/** Whether an object's metadata marks it as an output of this workflow. */
export function isLecternOutput(userMetadata: Record<string, string>): boolean {
  return userMetadata[OUTPUT_METADATA.kind] !== undefined;
}
