/**
 * @module A lock shared by every instance, as a file created exclusively on the shared volume
 * (`O_CREAT | O_EXCL`, which NFS v4 and so EFS honour). A holder that died leaves its file
 * behind: a lock older than `staleMs` is taken over.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SharedVolume } from '../../platform/storage/shared-volume.js';

/** Options of {@link withVolumeLock}, with their defaults. */
export interface VolumeLockOptions {
  /** Give up (throw) after waiting this long. Default 30,000 ms. */
  waitMs?: number;
  /** A lock held longer than this is taken as abandoned. Default 60,000 ms. */
  staleMs?: number;
  /** Pause between attempts. Default 20 ms. */
  pollMs?: number;
}

/** Runs `work` holding the lock named `name`; releases it however `work` ends. */
export async function withVolumeLock<T>(
  volume: SharedVolume,
  name: string,
  work: () => Promise<T>,
  options: VolumeLockOptions = {},
): Promise<T> {
  const hash = createHash('sha256').update(name).digest('hex');
  const path = volume.path(`locks/${hash}.lock`);
  await acquire(path, name, options);
  try {
    return await work();
  } finally {
    await rm(path, { force: true });
  }
}

async function acquire(path: string, name: string, options: VolumeLockOptions): Promise<void> {
  const deadline = Date.now() + (options.waitMs ?? 30_000);
  await mkdir(dirname(path), { recursive: true });
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(Date.now()));
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isStale(path, options.staleMs ?? 60_000)) {
      await rm(path, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for the lock on ${name}`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 20));
  }
}

async function isStale(path: string, staleMs: number): Promise<boolean> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  // An empty file is a lock being written this instant, not an abandoned one.
  if (!text) return false;
  return Date.now() - Number(text) > staleMs;
}
