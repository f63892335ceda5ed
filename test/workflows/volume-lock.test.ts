import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalSharedVolume } from '../../src/platform/storage/shared-volume.js';
import {
  currentHolder,
  type LockHolder,
  volumeLockFile,
  withVolumeLock,
} from '../../src/workflows/deep-reader/volume-lock.js';

const NAME = 'lectern-input/uploads/receipt.jpg';
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function freshVolume(): LocalSharedVolume {
  const root = mkdtempSync(join(tmpdir(), 'lectern-lock-'));
  dirs.push(root);
  return new LocalSharedVolume(root);
}

/** Leaves a lock file behind, as a holder that never released it would. */
function leaveLock(volume: LocalSharedVolume, content: string): string {
  const path = volume.path(volumeLockFile(NAME));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid as number;
}

describe('withVolumeLock', () => {
  it('writes who holds the lock: time, pid and hostname', async () => {
    const volume = freshVolume();

    const holder = await withVolumeLock(volume, NAME, async () =>
      JSON.parse(readFileSync(volume.path(volumeLockFile(NAME)), 'utf8')),
    );

    expect(holder).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(Date.now() - (holder as LockHolder).acquiredAt).toBeGreaterThanOrEqual(0);
    expect(existsSync(volume.path(volumeLockFile(NAME)))).toBe(false);
  });

  it('takes over at once a fresh lock whose holder on this host has died', async () => {
    const volume = freshVolume();
    const dead: LockHolder = { ...currentHolder(), pid: deadPid() };
    leaveLock(volume, JSON.stringify(dead));

    // Far shorter than the staleness rule's 60 s: only the dead pid can free the lock in time.
    const ran = await withVolumeLock(volume, NAME, async () => 'ran', { waitMs: 2_000 });

    expect(ran).toBe('ran');
    expect(existsSync(volume.path(volumeLockFile(NAME)))).toBe(false);
  });

  it('waits for a holder on this host that is alive', async () => {
    const volume = freshVolume();
    const path = leaveLock(volume, JSON.stringify(currentHolder()));

    const attempt = withVolumeLock(volume, NAME, async () => 'ran', { waitMs: 100 });

    await expect(attempt).rejects.toThrow(`timed out waiting for the lock on ${NAME}`);
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
  });

  it('leaves a lock held on another host to the staleness rule, whose pids mean nothing here', async () => {
    const volume = freshVolume();
    const elsewhere: LockHolder = { ...currentHolder(), hostname: 'other-host', pid: deadPid() };
    leaveLock(volume, JSON.stringify(elsewhere));

    const fresh = withVolumeLock(volume, NAME, async () => 'ran', { waitMs: 100 });
    await expect(fresh).rejects.toThrow('timed out');

    leaveLock(volume, JSON.stringify({ ...elsewhere, acquiredAt: Date.now() - 120_000 }));
    expect(await withVolumeLock(volume, NAME, async () => 'ran', { waitMs: 2_000 })).toBe('ran');
  });

  it('still reads a lock file of the first format, the time alone', async () => {
    const volume = freshVolume();
    leaveLock(volume, String(Date.now()));
    const fresh = withVolumeLock(volume, NAME, async () => 'ran', { waitMs: 100 });
    await expect(fresh).rejects.toThrow('timed out');

    leaveLock(volume, String(Date.now() - 120_000));
    expect(await withVolumeLock(volume, NAME, async () => 'ran', { waitMs: 2_000 })).toBe('ran');
  });
});
