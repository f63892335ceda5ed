import { describe, expect, it } from 'vitest';
import { availableCpus, cgroupCpuQuota } from '../../src/document/cpus.js';

const files =
  (entries: Record<string, string>) =>
  (path: string): string | undefined =>
    entries[path];

describe('availableCpus', () => {
  it('uses the available parallelism when no cgroup limits the CPU', () => {
    const cpus = availableCpus({ env: {}, parallelism: () => 8, readText: files({}) });
    expect(cpus).toBe(8);
  });

  it('follows a cgroup v2 quota below the core count, rounded up', () => {
    const readText = files({ '/sys/fs/cgroup/cpu.max': '150000 100000\n' });
    expect(availableCpus({ env: {}, parallelism: () => 8, readText })).toBe(2);
  });

  it('treats an unlimited cgroup v2 quota as no limit', () => {
    const readText = files({ '/sys/fs/cgroup/cpu.max': 'max 100000\n' });
    expect(availableCpus({ env: {}, parallelism: () => 4, readText })).toBe(4);
  });

  it('follows a cgroup v1 quota of one CPU', () => {
    const readText = files({
      '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '100000\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
    });
    expect(availableCpus({ env: {}, parallelism: () => 2, readText })).toBe(1);
  });

  it('ignores a cgroup v1 quota of -1 (unlimited)', () => {
    const readText = files({
      '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
    });
    expect(cgroupCpuQuota(readText)).toBeUndefined();
  });

  it('never exceeds the affinity mask even under a larger quota', () => {
    const readText = files({ '/sys/fs/cgroup/cpu.max': '800000 100000' });
    expect(availableCpus({ env: {}, parallelism: () => 2, readText })).toBe(2);
  });

  it('lets LECTERN_THREADS override everything', () => {
    const readText = files({ '/sys/fs/cgroup/cpu.max': '100000 100000' });
    const env = { LECTERN_THREADS: '3' };
    expect(availableCpus({ env, parallelism: () => 8, readText })).toBe(3);
  });

  it('rejects a LECTERN_THREADS that is not a positive integer', () => {
    const env = { LECTERN_THREADS: 'two' };
    expect(() => availableCpus({ env, parallelism: () => 2, readText: files({}) })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});
