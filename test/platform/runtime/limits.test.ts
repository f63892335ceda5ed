import { accessSync, constants, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTestRuntime, fixture, nextEvent, rejection } from './helpers.js';

describe('LocalRuntime limits', () => {
  it('kills an instance at its timeout and fails the invocation with TIMEOUT', async () => {
    const { runtime, clock, records } = createTestRuntime();
    await runtime.deploy({
      name: 'hang',
      handler: fixture('hang'),
      memoryMb: 256,
      timeoutMs: 3000,
    });
    const running = nextEvent(runtime, 'invocation-started');
    const stopped = nextEvent(runtime, 'instance-stopped');

    const call = rejection(runtime.invoke('hang', {}));
    await running;
    clock.advance(2999);
    expect(runtime.instances('hang')[0]?.state).toBe('busy');
    clock.advance(1);

    const error = await call;
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain('3000 ms');
    expect(await stopped).toMatchObject({ reason: 'timeout' });
    expect(records.query({ functionName: 'hang' })).toMatchObject([
      { outcome: 'timeout', durationMs: 3000, errorCode: 'TIMEOUT', startType: 'cold' },
    ]);
  });

  it('kills an instance that exceeds its memory size with OUT_OF_MEMORY', async () => {
    const { runtime, records } = createTestRuntime();
    await runtime.deploy({
      name: 'hog',
      handler: fixture('hog'),
      memoryMb: 128,
      timeoutMs: 60_000,
    });

    const error = await rejection(runtime.invoke('hog', { mb: 4096 }));

    expect(error.code).toBe('OUT_OF_MEMORY');
    expect(error.message).toContain('128 MB');
    expect(records.query()[0]).toMatchObject({ outcome: 'out-of-memory', memorySizeMb: 128 });
    expect(runtime.instances('hog')).toHaveLength(0);
  });

  it('enforces the memory limit by sampling when cgroups are not used', async () => {
    const { runtime } = createTestRuntime({ isolation: 'approximate' });
    await runtime.deploy({
      name: 'hog',
      handler: fixture('hog'),
      memoryMb: 128,
      timeoutMs: 60_000,
    });

    const error = await rejection(runtime.invoke('hog', { mb: 4096 }));

    expect(runtime.isolation).toMatchObject({ memory: 'rss-sampling', cpu: 'thread-pool' });
    expect(error.code).toBe('OUT_OF_MEMORY');
  });

  it('lets an invocation use memory below its limit', async () => {
    const { runtime } = createTestRuntime();
    await runtime.deploy({
      name: 'hog',
      handler: fixture('hog'),
      memoryMb: 512,
      timeoutMs: 60_000,
    });

    const { payload, record } = await runtime.invoke('hog', { mb: 128 });

    expect(payload).toEqual({ allocatedMb: 128 });
    expect(record.maxMemoryUsedMb).toBeGreaterThan(128);
    expect(record.maxMemoryUsedMb).toBeLessThanOrEqual(512);
  });

  it('places each instance in its own memory and cpu groups where the kernel allows it', async () => {
    const { runtime } = createTestRuntime();
    await runtime.deploy({
      name: 'echo',
      handler: fixture('echo'),
      memoryMb: 3538,
      timeoutMs: 5000,
    });

    const { payload } = await runtime.invoke('echo', null);

    if (!cgroupsWritable()) {
      // No writable v1 controllers (not root, or cgroups v2 only): the fallback is recorded.
      expect(runtime.isolation).toMatchObject({ memory: 'rss-sampling', cpu: 'thread-pool' });
      expect(runtime.isolation.reason).toMatch(/cgroups v1 unavailable/);
      return;
    }
    expect(runtime.isolation).toMatchObject({ memory: 'cgroup', cpu: 'cgroup-quota' });
    const groups = readFileSync(`/proc/${(payload as { pid: number }).pid}/cgroup`, 'utf8');
    const memory = /:memory:(.*)/.exec(groups)?.[1] ?? '';
    const cpu = /:cpu:(.*)/.exec(groups)?.[1] ?? '';
    expect(memory).toContain('/lectern-');
    expect(cpu).toContain('/lectern-');
    const memoryDir = `/sys/fs/cgroup/memory${memory}`;
    const cpuDir = `/sys/fs/cgroup/cpu${cpu}`;
    expect(readFileSync(`${memoryDir}/memory.limit_in_bytes`, 'utf8').trim()).toBe(
      String(3538 * 1024 * 1024),
    );
    expect(readFileSync(`${cpuDir}/cpu.cfs_quota_us`, 'utf8').trim()).toBe('200000');
  });

  it('refuses a request payload over 6 MB before starting any instance', async () => {
    const { runtime } = createTestRuntime();
    await runtime.deploy({
      name: 'echo',
      handler: fixture('echo'),
      memoryMb: 512,
      timeoutMs: 5000,
    });

    const error = await rejection(runtime.invoke('echo', 'x'.repeat(6 * 1024 * 1024)));

    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.message).toMatch(/6291458 bytes exceeds the 6291456-byte limit of a synchronous/);
    expect(runtime.instances('echo')).toHaveLength(0);
  });

  it('limits an asynchronous event to 256 KB', async () => {
    const { runtime } = createTestRuntime();
    await runtime.deploy({
      name: 'echo',
      handler: fixture('echo'),
      memoryMb: 512,
      timeoutMs: 5000,
    });

    const error = await rejection(
      runtime.invoke('echo', 'x'.repeat(256 * 1024), { type: 'Event' }),
    );
    const fits = await runtime.invoke('echo', 'x'.repeat(200 * 1024), { type: 'Event' });

    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.message).toContain('asynchronous');
    expect(fits.record).toMatchObject({ invocationType: 'Event', payloadInBytes: 200 * 1024 + 2 });
  });

  it('fails a response over 6 MB and keeps the instance warm', async () => {
    const { runtime, records } = createTestRuntime();
    await runtime.deploy({
      name: 'big',
      handler: fixture('big-response'),
      memoryMb: 512,
      timeoutMs: 5000,
    });

    const error = await rejection(runtime.invoke('big', { bytes: 7 * 1024 * 1024 }));
    const after = await runtime.invoke('big', { bytes: 10 });

    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(records.query()[0]).toMatchObject({
      outcome: 'error',
      payloadOutBytes: 7 * 1024 * 1024 + 2,
    });
    expect(after.record.startType).toBe('warm');
  });

  it('fails a handler error with HANDLER_ERROR, keeping its code, and the instance stays warm', async () => {
    const { runtime } = createTestRuntime();
    await runtime.deploy({
      name: 'fail',
      handler: fixture('fail'),
      memoryMb: 256,
      timeoutMs: 5000,
    });

    const first = await rejection(runtime.invoke('fail', { value: 7 }));
    const second = await rejection(runtime.invoke('fail', { value: 8 }));

    expect(first.code).toBe('HANDLER_ERROR');
    expect(first.message).toBe('fail: RangeError: bad input: 7');
    expect(first.details).toMatchObject({ error: { name: 'RangeError', code: 'BAD_INPUT' } });
    expect(runtime.instances('fail')).toHaveLength(1);
    expect(second.details?.instanceId).toBe(first.details?.instanceId);
  });

  it('fails with INIT_ERROR when init throws, and records it', async () => {
    const { runtime, records } = createTestRuntime();
    await runtime.deploy({
      name: 'broken',
      handler: fixture('bad-init'),
      memoryMb: 256,
      timeoutMs: 5000,
    });

    const error = await rejection(runtime.invoke('broken', {}));

    expect(error.code).toBe('INIT_ERROR');
    expect(error.message).toContain('model file missing');
    expect(records.query()[0]).toMatchObject({
      outcome: 'error',
      errorCode: 'INIT_ERROR',
      startType: 'cold',
    });
  });

  it('refuses to deploy provisioned instances whose init fails', async () => {
    const { runtime } = createTestRuntime();
    const spec = { name: 'broken', handler: fixture('bad-init'), memoryMb: 256, timeoutMs: 5000 };

    const error = await rejection(runtime.deploy({ ...spec, provisionedConcurrency: 1 }));

    expect(error.code).toBe('INIT_ERROR');
    expect(runtime.functions()).toEqual([]);
  });

  it('fails with INSTANCE_EXITED when the handler ends its own process', async () => {
    const { runtime } = createTestRuntime();
    await runtime.deploy({
      name: 'exit',
      handler: fixture('exit'),
      memoryMb: 256,
      timeoutMs: 5000,
    });

    const error = await rejection(runtime.invoke('exit', {}));

    expect(error.code).toBe('INSTANCE_EXITED');
    expect(error.message).toContain('code 3');
  });

  it('fails an invocation that fills more than its ephemeral storage', async () => {
    const { runtime } = createTestRuntime();
    const spec = { name: 'scratch', handler: fixture('scratch'), memoryMb: 256, timeoutMs: 60_000 };
    await runtime.deploy({ ...spec, ephemeralStorageMb: 512 });

    const small = await runtime.invoke('scratch', { mb: 1 });
    const error = await rejection(runtime.invoke('scratch', { mb: 520 }));

    expect(small.record.outcome).toBe('success');
    expect(error.code).toBe('STORAGE_LIMIT_EXCEEDED');
    expect(error.message).toContain('512 MB');
  });
});

/** Whether this process may create cgroups v1 memory and cpu groups (what the runtime needs). */
function cgroupsWritable(): boolean {
  const own = readFileSync('/proc/self/cgroup', 'utf8');
  const memory = /:memory:(.*)/.exec(own)?.[1];
  const cpu = /:(?:[^:]*,)?cpu(?:,[^:]*)?:(.*)/.exec(own)?.[1];
  if (memory === undefined || cpu === undefined) return false;
  try {
    accessSync(`/sys/fs/cgroup/memory${memory}`, constants.W_OK);
    accessSync(`/sys/fs/cgroup/cpu${cpu}`, constants.W_OK);
    return process.getuid?.() === 0;
  } catch {
    return false;
  }
}
