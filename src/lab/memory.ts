/**
 * @module Peak memory of a process tree (this process, its worker threads, and every child
 * process it starts), read from Linux's /proc.
 *
 * Two sources are combined: this process's own high-water mark (VmHWM, exact, kept by the
 * kernel, worker threads included) and periodic samples of the resident set of the whole tree,
 * which catch child processes. A child that peaks between two samples is under-counted by what
 * it gained in that interval; the interval is short (50 ms by default) for that reason.
 * Off Linux (no /proc) only `process.resourceUsage().maxRSS` is available and children are
 * not counted.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Resident and peak resident memory of one process in bytes, or undefined once it is gone. */
export function processMemory(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return {
      rss: statusKilobytes(status, 'VmRSS') * 1024,
      peak: statusKilobytes(status, 'VmHWM') * 1024,
    };
  } catch {
    return undefined;
  }
}

function statusKilobytes(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'mu').exec(status);
  return match ? Number(match[1]) : 0;
}

/** Every process whose parent chain leads to `root`, found by scanning /proc once. */
export function descendants(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of safeReaddir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const parent = parentOf(pid);
    if (parent === undefined) continue;
    parents.set(parent, [...(parents.get(parent) ?? []), pid]);
  }

  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const children = parents.get(queue.shift() as number) ?? [];
    found.push(...children);
    queue.push(...children);
  }
  return found;
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields resume after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/**
 * Samples the memory of this process's tree until stopped. `exclude` names processes that are
 * not part of what is measured (e.g. a peer tool run for comparison).
 */
export class PeakMemory {
  readonly #exclude: (pid: number) => boolean;
  readonly #timer: NodeJS.Timeout;
  #peak = 0;

  constructor(options: { intervalMs?: number; exclude?: (pid: number) => boolean } = {}) {
    this.#exclude = options.exclude ?? (() => false);
    this.#timer = setInterval(() => this.sample(), options.intervalMs ?? 50);
    this.#timer.unref();
    this.sample();
  }

  /** Takes one sample now (call it after a step that may have peaked). */
  sample(): void {
    const own = processMemory(process.pid);
    const children = descendants(process.pid)
      .filter((pid) => !this.#exclude(pid))
      .map((pid) => processMemory(pid)?.rss ?? 0);
    const tree = (own?.rss ?? 0) + children.reduce((a, b) => a + b, 0);
    this.#peak = Math.max(this.#peak, tree, own?.peak ?? 0, process.resourceUsage().maxRSS * 1024);
  }

  /** The highest tree memory seen so far, in bytes. */
  get peakBytes(): number {
    return this.#peak;
  }

  stop(): number {
    clearInterval(this.#timer);
    this.sample();
    return this.#peak;
  }
}
