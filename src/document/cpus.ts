/**
 * How many CPUs this process may really use, for sizing ONNX Runtime thread pools.
 *
 * `os.cpus()` reports the host's cores, not what a container or a Lambda function is
 * granted; a thread pool sized from it oversubscribes the CPU quota and every inference slows
 * down while threads wait for their time slice. So the count is the smallest of
 * `os.availableParallelism()` (which honours the CPU affinity mask) and the cgroup CPU quota
 * (v2 `cpu.max`, or v1 `cpu.cfs_quota_us / cpu.cfs_period_us`), rounded up.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { DocumentError, DocumentErrorCode } from './errors.js';

/** Environment variable that overrides the detected count (a positive integer). */
export const THREADS_ENV = 'LECTERN_THREADS';

/** Where the facts come from; injectable so tests need no real cgroup. */
export interface CpuSources {
  env: Record<string, string | undefined>;
  parallelism: () => number;
  readText: (path: string) => string | undefined;
}

const defaultSources: CpuSources = {
  env: process.env,
  parallelism: availableParallelism,
  readText: readTextOrUndefined,
};

/**
 * The number of threads a CPU-bound pool should use: `LECTERN_THREADS` when set, otherwise
 * min(available parallelism, cgroup CPU quota), at least 1.
 *
 * @throws DocumentError INVALID_OPTION when `LECTERN_THREADS` is not a positive integer.
 */
export function availableCpus(sources: Partial<CpuSources> = {}): number {
  const { env, parallelism, readText } = { ...defaultSources, ...sources };
  const override = env[THREADS_ENV];
  if (override !== undefined && override !== '') return parseOverride(override);

  const quota = cgroupCpuQuota(readText);
  const cpus = Math.max(1, parallelism());
  return quota === undefined ? cpus : Math.max(1, Math.min(cpus, Math.ceil(quota)));
}

/**
 * The CPU quota of this process's cgroup in CPUs (may be fractional), or undefined when
 * there is none. Reads cgroup v2 first, then v1.
 */
export function cgroupCpuQuota(readText: (path: string) => string | undefined): number | undefined {
  const v2 = readText('/sys/fs/cgroup/cpu.max');
  if (v2 !== undefined) return parseCpuMax(v2);

  const quota = readText('/sys/fs/cgroup/cpu/cpu.cfs_quota_us');
  const period = readText('/sys/fs/cgroup/cpu/cpu.cfs_period_us');
  if (quota === undefined || period === undefined) return undefined;
  return quotaOf(Number(quota.trim()), Number(period.trim()));
}

function parseCpuMax(text: string): number | undefined {
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === undefined || quota === 'max') return undefined;
  return quotaOf(Number(quota), Number(period ?? '100000'));
}

function quotaOf(quota: number, period: number): number | undefined {
  if (!(quota > 0) || !(period > 0)) return undefined;
  return quota / period;
}

function parseOverride(value: string): number {
  const threads = Number(value);
  if (Number.isInteger(threads) && threads > 0) return threads;
  throw new DocumentError(
    DocumentErrorCode.INVALID_OPTION,
    `${THREADS_ENV} must be a positive integer, got '${value}'`,
  );
}

function readTextOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
