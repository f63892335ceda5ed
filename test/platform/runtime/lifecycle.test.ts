import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestRuntime, fixture, nextEvent, rejection } from './helpers.js';

const echo = { name: 'echo', handler: fixture('echo'), memoryMb: 512, timeoutMs: 5000 };

describe('LocalRuntime instances', () => {
  it('serves the first invocation from a cold instance and reuses it warm', async () => {
    const { runtime } = createTestRuntime();
    await runtime.deploy({ ...echo, environment: { GREETING: 'hello' } });

    const first = await runtime.invoke('echo', { n: 1 });
    const second = await runtime.invoke('echo', { n: 2 });

    expect(first.record.startType).toBe('cold');
    expect(first.record.initDurationMs).toBeGreaterThan(0);
    expect(first.payload).toMatchObject({ event: { n: 1 }, coldStart: true, greeting: 'hello' });
    expect(second.record.startType).toBe('warm');
    expect(second.record.initDurationMs).toBeUndefined();
    expect(second.payload).toMatchObject({ event: { n: 2 }, coldStart: false });
    expect((second.payload as { pid: number }).pid).toBe((first.payload as { pid: number }).pid);
  });

  it('runs init once per instance, before the first invocation', async () => {
    const { runtime } = createTestRuntime();
    await runtime.deploy(echo);

    const results = [];
    for (let n = 0; n < 3; n += 1) results.push((await runtime.invoke('echo', n)).payload);

    expect(results.map((r) => (r as { inits: number }).inits)).toEqual([1, 1, 1]);
    expect(results.map((r) => (r as { invocations: number }).invocations)).toEqual([1, 2, 3]);
  });

  it('gives the handler Lambda context fields and a private scratch directory', async () => {
    const { runtime } = createTestRuntime();
    await runtime.deploy(echo);

    const { payload, requestId } = await runtime.invoke('echo', null);

    expect(payload).toMatchObject({ requestId, functionName: 'echo', memoryLimitInMB: 512 });
    const { remainingMs, tmpdir } = payload as { remainingMs: number; tmpdir: string };
    expect(remainingMs).toBeGreaterThan(0);
    expect(remainingMs).toBeLessThanOrEqual(5000);
    expect(tmpdir).toContain('echo-');
  });

  it('retires an idle instance after its keep-alive, and the next call starts cold', async () => {
    const { runtime, clock } = createTestRuntime();
    await runtime.deploy({ ...echo, idleKeepAliveMs: 60_000 });
    const first = await runtime.invoke('echo', 1);

    clock.advance(59_999);
    expect(runtime.instances('echo')).toHaveLength(1);
    const stopped = nextEvent(runtime, 'instance-stopped');
    clock.advance(1);

    expect(await stopped).toMatchObject({ functionName: 'echo', reason: 'idle' });
    expect(runtime.instances('echo')).toHaveLength(0);
    const next = await runtime.invoke('echo', 2);
    expect(next.record.startType).toBe('cold');
    expect((next.payload as { pid: number }).pid).not.toBe((first.payload as { pid: number }).pid);
  });

  it('initialises provisioned instances at deploy, serves from them and never retires them', async () => {
    const { runtime, clock, records } = createTestRuntime();
    const started: string[] = [];
    runtime.on('instance-started', (event) => started.push(event.instanceId));

    await runtime.deploy({ ...echo, provisionedConcurrency: 2, idleKeepAliveMs: 1000 });
    expect(started).toHaveLength(2);

    const burst = await Promise.all([runtime.invoke('echo', 1), runtime.invoke('echo', 2)]);
    clock.advance(86_400_000);
    const later = await runtime.invoke('echo', 3);

    expect(burst.map((r) => r.record.startType)).toEqual(['provisioned', 'provisioned']);
    expect(later.record.startType).toBe('provisioned');
    expect(runtime.instances('echo').every((i) => i.provisioned)).toBe(true);
    expect(records.provisionedPeriods()).toMatchObject([
      { functionName: 'echo', instances: 2, memorySizeMb: 512 },
    ]);
  });

  it('starts an on-demand instance when every provisioned instance is busy', async () => {
    const { runtime } = createTestRuntime();
    await runtime.deploy({ ...echo, provisionedConcurrency: 1 });

    const burst = await Promise.all([runtime.invoke('echo', 1), runtime.invoke('echo', 2)]);

    expect(burst.map((r) => r.record.startType).sort()).toEqual(['cold', 'provisioned']);
  });

  it('closes the provisioned period when the function is undeployed', async () => {
    const { runtime, clock, records } = createTestRuntime();
    await runtime.deploy({ ...echo, provisionedConcurrency: 1 });
    const start = clock.now();

    clock.advance(600_000);
    await runtime.undeploy('echo');

    expect(records.provisionedPeriods()).toEqual([
      expect.objectContaining({ startTime: start, endTime: start + 600_000, instances: 1 }),
    ]);
    expect((await rejection(runtime.invoke('echo', 1))).code).toBe('FUNCTION_NOT_FOUND');
  });

  it('changes provisioned concurrency on a deployed function, one period per setting', async () => {
    const { runtime, clock, records } = createTestRuntime();
    await runtime.deploy(echo);

    await runtime.setProvisionedConcurrency('echo', 1);
    const served = await runtime.invoke('echo', 1);
    clock.advance(60_000);
    const stopped = nextEvent(runtime, 'instance-stopped');
    await runtime.setProvisionedConcurrency('echo', 0);

    expect(served.record.startType).toBe('provisioned');
    expect(await stopped).toMatchObject({ reason: 'released' });
    expect(records.provisionedPeriods()).toEqual([
      expect.objectContaining({ instances: 1, endTime: clock.now() }),
    ]);
  });

  it('reports the CPU share of a memory size and when the host cannot honour it', async () => {
    const { runtime } = createTestRuntime();

    const small = await runtime.deploy({ ...echo, name: 'small', memoryMb: 1769 });
    const large = await runtime.deploy({ ...echo, name: 'large', memoryMb: 10_240 });

    expect(small.vcpus).toBeCloseTo(1, 5);
    expect(large.vcpus).toBeCloseTo(10_240 / 1769, 5);
    expect(large.cpuShareExceedsHost).toBe(large.vcpus > runtime.isolation.hostCpus);
  });

  it('removes the scratch directories left by a runtime whose process died', () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const stale = join(tmpdir(), `lectern-${gone}-0`);
    mkdirSync(join(stale, 'echo-1-abc'), { recursive: true });
    writeFileSync(join(stale, 'echo-1-abc', 'left-over'), 'x');
    const live = join(tmpdir(), `lectern-${process.pid}-99`);
    mkdirSync(live, { recursive: true });

    createTestRuntime();

    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
    rmSync(live, { recursive: true });
  });
});
