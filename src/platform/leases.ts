/**
 * @module Who holds a claim on a queued invocation, and whether that holder still exists.
 * A holder is a queue object, named `<host>:<pid>:<random>`.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

// Holders alive in this process: a claim whose holder has this pid but is not listed was left
// by a queue that was closed (or dropped) while the invocation ran.
const liveOwners = new Set<string>();

/** A new holder name for this process, registered as alive until {@link retireOwner}. */
export function newOwner(): string {
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  liveOwners.add(owner);
  return owner;
}

/** Marks `owner` as gone: its remaining claims become orphans. */
export function retireOwner(owner: string): void {
  liveOwners.delete(owner);
}

/**
 * True when the holder `owner` certainly no longer exists: a process of this host that has
 * exited, or a retired queue of this process. Holders on other hosts are never judged (their
 * leases expire instead).
 */
export function isOrphan(owner: string | null): boolean {
  if (owner === null) return true;
  const [host, pid] = owner.split(':');
  if (host !== hostname()) return false;
  if (Number(pid) === process.pid) return !liveOwners.has(owner);
  return !processExists(Number(pid));
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
