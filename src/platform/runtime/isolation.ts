/**
 * @module How instance limits are enforced on this host, and the report of it. With cgroups v1
 * the kernel enforces both the memory limit and the CPU share; without, the runtime samples
 * resident memory and kills over the limit, and caps the thread pool to approximate the share.
 */
import { availableParallelism } from 'node:os';
import { PlatformError } from '../errors.js';
import { vcpusForMemory } from '../function.js';
import { Cgroups } from './cgroups.js';

/** What the caller asks for: cgroups when possible (`auto`), only cgroups, or never. */
export type IsolationMode = 'auto' | 'cgroup' | 'approximate';

/** How limits are enforced, as recorded for the lab and the logs. */
export interface IsolationReport {
  memory: 'cgroup' | 'rss-sampling';
  cpu: 'cgroup-quota' | 'thread-pool';
  /** Cores of the host; a share above this cannot be honoured. */
  hostCpus: number;
  /** Why cgroups are not used, when they are not. */
  reason?: string;
  /** The platform's groups, when cgroups are used. */
  groups?: { memory: string; cpu: string };
}

/** A function's CPU share and whether the host can honour it. */
export interface CpuShare {
  vcpus: number;
  exceedsHost: boolean;
}

/** Sets up isolation for one runtime; `cgroups` is undefined in approximate mode. */
export function setUpIsolation(
  mode: IsolationMode,
  groupName: string,
): { cgroups: Cgroups | undefined; report: IsolationReport } {
  const hostCpus = availableParallelism();
  const approximate = (reason: string) => ({
    cgroups: undefined,
    report: { memory: 'rss-sampling', cpu: 'thread-pool', hostCpus, reason } as IsolationReport,
  });
  if (mode === 'approximate') return approximate('approximate isolation was asked for');
  const created = Cgroups.create(groupName);
  if (created instanceof Cgroups) {
    const report: IsolationReport = {
      memory: 'cgroup',
      cpu: 'cgroup-quota',
      hostCpus,
      groups: created.paths,
    };
    return { cgroups: created, report };
  }
  if (mode === 'cgroup') {
    throw new PlatformError(
      'INVALID_CONFIGURATION',
      `isolation "cgroup" was asked for: ${created.reason}`,
    );
  }
  return approximate(created.reason);
}

/** The CPU share of a memory size on this host. */
export function cpuShare(memoryMb: number, report: IsolationReport): CpuShare {
  const vcpus = vcpusForMemory(memoryMb);
  return { vcpus, exceedsHost: vcpus > report.hostCpus };
}
