/**
 * @module Claims on uploaded versions, so that one version is worked on once even when its
 * event is delivered twice at the same time (S3 delivers at least once). A claim is a file
 * created exclusively on the shared volume, named after the bucket, key and etag, holding the
 * request id of the invocation working on it. A retry of that same invocation (the queue
 * keeps its request id across attempts) takes its own claim back; any other request finds
 * the version claimed and leaves it.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SharedVolume } from '../../platform/storage/shared-volume.js';

/** A held claim; release it once the version's outcome is written. */
export interface Claim {
  release(): Promise<void>;
}

/**
 * Claims `bucket/key@etag` for `requestId`. Resolves with the claim, or `undefined` when
 * another request holds it.
 */
export async function claimVersion(
  volume: SharedVolume,
  version: { bucket: string; key: string; etag: string },
  requestId: string,
): Promise<Claim | undefined> {
  const name = createHash('sha256')
    .update(`${version.bucket}\u0000${version.key}\u0000${version.etag}`)
    .digest('hex');
  const path = volume.path(`claims/${name}.json`);
  await mkdir(dirname(path), { recursive: true });
  const body = JSON.stringify({ requestId, claimedAt: new Date().toISOString() });
  try {
    const handle = await open(path, 'wx');
    await handle.writeFile(body);
    await handle.close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if ((await holder(path)) !== requestId) return undefined;
    await writeFile(path, body);
  }
  return { release: () => rm(path, { force: true }) };
}

async function holder(path: string): Promise<string | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  try {
    return (JSON.parse(text) as { requestId?: string }).requestId;
  } catch {
    return undefined;
  }
}
