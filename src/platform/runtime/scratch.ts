/**
 * @module An instance's scratch directory (its TMPDIR, Lambda's /tmp): measured after each
 * invocation against the function's ephemeral storage, removed with the instance.
 *
 * Shortcoming: the bound is checked after the invocation, not enforced by the file system, so a
 * handler never sees ENOSPC; an invocation that went over fails as a whole instead (and its
 * instance is retired). A per-instance tmpfs would be exact but would charge the files to the
 * instance's memory group, which Lambda does not do.
 */
import { type Dirent, lstatSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from './liveness.js';

/** Bytes of the regular files under `dir`, recursively (0 when it does not exist). */
export function directoryBytes(dir: string): number {
  let total = 0;
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += directoryBytes(path);
    else if (entry.isFile()) total += lstatSync(path).blocks * 512;
  }
  return total;
}

/** Removes `dir` and everything in it, ignoring a directory already gone. */
export function removeDirectory(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Removes the default scratch roots (`lectern-<pid>-<n>` under `parent`) of runtimes whose
 * process is gone: a platform killed with `kill -9` cannot clean up after itself.
 */
export function removeStaleScratchRoots(parent: string): void {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^lectern-(\d+)-\d+$/.exec(name)?.[1]);
    if (!pid || isProcessAlive(pid)) continue;
    removeDirectory(join(parent, name));
  }
}
