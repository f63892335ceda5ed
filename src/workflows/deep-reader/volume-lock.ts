/**
 * @module A lock shared by every instance, as a file created exclusively on the shared volume
 * (`O_CREAT | O_EXCL`, which NFS v4 and so EFS honour). The file says who holds the lock: the
 * time it was taken, the holder's pid and hostname (and on Linux its boot id and pid
 * namespace, since containers and micro-VMs may share a hostname). A holder that died
 * leaves its file behind: a lock whose holder is on this host and no longer alive is taken
 * over at once; one held by another host, whose pids mean nothing here, only once it is older
 * than `staleMs`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { link, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
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

/** What a lock file holds. */
export interface LockHolder {
  /** When the lock was taken, epoch ms. */
  acquiredAt: number;
  pid: number;
  hostname: string;
  /** Linux: the kernel's boot id, told apart between hosts that share a hostname. */
  bootId?: string;
  /** Linux: the pid namespace, since containers on one kernel each number their own pids. */
  pidNamespace?: string;
}

const HOST = hostIdentity();

/** The lock file of `name`, relative to the volume. */
export function volumeLockFile(name: string): string {
  return `locks/${createHash('sha256').update(name).digest('hex')}.lock`;
}

/** This process as a lock holder, taking the lock now. */
export function currentHolder(): LockHolder {
  return { acquiredAt: Date.now(), pid: process.pid, ...HOST };
}

/** Runs `work` holding the lock named `name`; releases it however `work` ends. */
export async function withVolumeLock<T>(
  volume: SharedVolume,
  name: string,
  work: () => Promise<T>,
  options: VolumeLockOptions = {},
): Promise<T> {
  const path = volume.path(volumeLockFile(name));
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
      await handle.writeFile(JSON.stringify(currentHolder()));
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const abandoned = await abandonedLock(path, options.staleMs ?? 60_000);
    if (abandoned !== undefined) {
      await takeOver(path, abandoned);
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for the lock on ${name}`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 20));
  }
}

/** The text of the lock file at `path` when its holder is gone; `undefined` otherwise. */
async function abandonedLock(path: string, staleMs: number): Promise<string | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  // An empty file is a lock being written this instant, not an abandoned one.
  if (!text) return undefined;
  const holder = parseHolder(text);
  if (holder && onThisHost(holder) && !isAlive(holder.pid)) return text;
  const since = holder?.acquiredAt ?? (await modifiedAt(path));
  return Date.now() - since > staleMs ? text : undefined;
}

/**
 * Removes the abandoned lock file, unless it was replaced since it was judged: the file is
 * moved aside first and put back (if its place is still free) when it is not the one judged,
 * so two waiters judging the same dead lock cannot remove each other's fresh one. A narrow
 * window remains: between the move and the putting back, a third waiter can take the lock.
 */
async function takeOver(path: string, judged: string): Promise<void> {
  const aside = `${path}.${randomBytes(6).toString('hex')}.taken`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readFile(aside, 'utf8').catch(() => judged);
  if (moved !== judged) await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
}

/** The holder a lock file names; the first format held the time alone. */
function parseHolder(text: string): Partial<LockHolder> | undefined {
  if (/^\d+$/.test(text.trim())) return { acquiredAt: Number(text) };
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    return typeof parsed.acquiredAt === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process of this host runs as `pid` (EPERM: it does, as another user). */
function isAlive(pid: number | undefined): boolean {
  if (!Number.isInteger(pid) || (pid as number) <= 0) return true;
  try {
    process.kill(pid as number, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

async function modifiedAt(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  return info?.mtimeMs ?? Date.now();
}

/** Whether the pids of `holder` are this process's pids: same host, kernel and namespace. */
function onThisHost(holder: Partial<LockHolder>): boolean {
  return (
    holder.hostname === HOST.hostname &&
    holder.bootId === HOST.bootId &&
    holder.pidNamespace === HOST.pidNamespace
  );
}

function hostIdentity(): Pick<LockHolder, 'hostname' | 'bootId' | 'pidNamespace'> {
  try {
    return {
      hostname: hostname(),
      bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
      pidNamespace: readlinkSync('/proc/self/ns/pid'),
    };
  } catch {
    // Not Linux: the hostname is all there is.
    return { hostname: hostname() };
  }
}
