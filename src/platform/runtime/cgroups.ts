/**
 * @module Kernel limits for instances through cgroups v1: a memory group (hard limit; the
 * kernel's OOM killer ends an instance that exceeds it) and a cpu group (CFS quota of the
 * function's vCPU share) per instance, nested under this process's own groups so that the
 * platform never reaches outside what it was given.
 */
import { mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isProcessAlive } from './liveness.js';

const CGROUP_ROOT = '/sys/fs/cgroup';
const CFS_PERIOD_US = 100_000;

/** The limits of one instance's groups. */
export interface GroupLimits {
  memoryBytes: number;
  /** vCPUs; the CFS quota is this share of each period. */
  vcpus: number;
}

/** One instance's memory and cpu groups. */
export class InstanceGroup {
  readonly #dirs: string[];
  readonly #memoryDir: string;

  constructor(memoryDir: string, cpuDir: string) {
    this.#memoryDir = memoryDir;
    this.#dirs = [memoryDir, cpuDir];
  }

  /** Moves `pid` into both groups. */
  add(pid: number): void {
    for (const dir of this.#dirs) writeFileSync(join(dir, 'cgroup.procs'), String(pid));
  }

  /** How many times the kernel's OOM killer fired in this group. */
  oomKills(): number {
    try {
      const text = readFileSync(join(this.#memoryDir, 'memory.oom_control'), 'utf8');
      return Number(/oom_kill (\d+)/.exec(text)?.[1] ?? 0);
    } catch {
      return 0;
    }
  }

  /** Removes the groups; true when both are gone (a group with live tasks stays). */
  remove(): boolean {
    return this.#dirs.map(removeDir).every(Boolean);
  }
}

/** The platform's own groups, under which each instance gets its own. */
export class Cgroups {
  readonly #memoryDir: string;
  readonly #cpuDir: string;

  private constructor(memoryDir: string, cpuDir: string) {
    this.#memoryDir = memoryDir;
    this.#cpuDir = cpuDir;
  }

  /**
   * Creates the platform's groups `name` under this process's memory and cpu groups. Returns
   * the reason instead when the host does not allow it (no v1 controllers, not writable).
   */
  static create(name: string): Cgroups | { reason: string } {
    try {
      const memoryDir = join(ownGroup('memory'), name);
      const cpuDir = join(ownGroup('cpu'), name);
      removeStale(dirname(memoryDir));
      removeStale(dirname(cpuDir));
      mkdirSync(memoryDir, { recursive: true });
      mkdirSync(cpuDir, { recursive: true });
      return new Cgroups(memoryDir, cpuDir);
    } catch (error) {
      return { reason: `cgroups v1 unavailable: ${(error as Error).message}` };
    }
  }

  /** Where the groups live (for reports). */
  get paths(): { memory: string; cpu: string } {
    return { memory: this.#memoryDir, cpu: this.#cpuDir };
  }

  /** Creates the groups of one instance with its limits. */
  createInstance(instanceId: string, limits: GroupLimits): InstanceGroup {
    const memoryDir = join(this.#memoryDir, instanceId);
    const cpuDir = join(this.#cpuDir, instanceId);
    mkdirSync(memoryDir);
    mkdirSync(cpuDir);
    writeFileSync(join(memoryDir, 'memory.limit_in_bytes'), String(limits.memoryBytes));
    writeSwapLimit(memoryDir, limits.memoryBytes);
    writeFileSync(join(cpuDir, 'cpu.cfs_period_us'), String(CFS_PERIOD_US));
    const quota = Math.max(1000, Math.round(limits.vcpus * CFS_PERIOD_US));
    writeFileSync(join(cpuDir, 'cpu.cfs_quota_us'), String(quota));
    return new InstanceGroup(memoryDir, cpuDir);
  }

  /** Removes the platform's groups (after every instance group is gone). */
  dispose(): void {
    removeDir(this.#memoryDir);
    removeDir(this.#cpuDir);
  }
}

// Without this, a host with swap would page an instance out instead of killing it.
function writeSwapLimit(memoryDir: string, bytes: number): void {
  try {
    writeFileSync(join(memoryDir, 'memory.memsw.limit_in_bytes'), String(bytes));
  } catch {
    // No swap accounting on this kernel: nothing to limit.
  }
}

/** This process's group directory for `controller`, from /proc/self/cgroup. */
function ownGroup(controller: 'memory' | 'cpu'): string {
  const lines = readFileSync('/proc/self/cgroup', 'utf8').split('\n');
  for (const line of lines) {
    const [, controllers = '', path = ''] = line.split(':');
    const names = controllers.split(',');
    if (!names.includes(controller)) continue;
    return join(CGROUP_ROOT, controllers, path);
  }
  throw new Error(`no cgroup v1 ${controller} controller in /proc/self/cgroup`);
}

/** Platform groups left by runtimes whose process is gone (a crash, `kill -9`). */
function removeStale(parent: string): void {
  for (const name of readdirSync(parent)) {
    const pid = Number(/^lectern-(\d+)-/.exec(name)?.[1]);
    if (!pid || isProcessAlive(pid)) continue;
    const dir = join(parent, name);
    for (const child of readdirSync(dir, { withFileTypes: true })) {
      if (child.isDirectory()) removeDir(join(dir, child.name));
    }
    removeDir(dir);
  }
}

function removeDir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
