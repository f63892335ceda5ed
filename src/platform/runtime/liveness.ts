/**
 * @module Whether a process still exists: how the runtime tells the leftovers of a dead platform
 * (cgroups, scratch roots named after its pid) from those of a live one.
 */

/** True when `pid` exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
