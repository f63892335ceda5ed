import { describe, expect, it } from 'vitest';
import { createTestRuntime, fixture, nextEvent, rejection } from './helpers.js';

const hang = { name: 'hang', handler: fixture('hang'), memoryMb: 512, timeoutMs: 1000 };
const echo = { name: 'echo', handler: fixture('echo'), memoryMb: 512, timeoutMs: 5000 };

/** Starts `count` invocations of `name` that stay busy until the clock reaches their timeout. */
async function occupy(
  runtime: ReturnType<typeof createTestRuntime>['runtime'],
  name: string,
  count: number,
) {
  const calls = [];
  for (let i = 0; i < count; i += 1) {
    const started = nextEvent(runtime, 'invocation-started');
    calls.push(rejection(runtime.invoke(name, i)));
    await started;
  }
  return calls;
}

describe('LocalRuntime concurrency', () => {
  it('throttles a synchronous call when the memory budget is held by busy instances', async () => {
    const { runtime, clock, records } = createTestRuntime({ memoryBudgetMb: 1024 });
    await runtime.deploy(hang);
    const busy = await occupy(runtime, 'hang', 2);

    const error = await rejection(runtime.invoke('hang', 'one too many'));
    clock.advance(1000);

    expect(error.code).toBe('THROTTLED');
    expect(error.message).toContain('1024 MB');
    expect((await Promise.all(busy)).map((e) => e.code)).toEqual(['TIMEOUT', 'TIMEOUT']);
    expect(records.query({ requestId: String(error.details?.requestId) })).toMatchObject([
      { outcome: 'throttled', billedDurationMs: 0 },
    ]);
  });

  it('retires idle instances of other functions to make room before throttling', async () => {
    const { runtime } = createTestRuntime({ memoryBudgetMb: 1024 });
    await runtime.deploy(echo);
    await runtime.deploy({ ...echo, name: 'wide', memoryMb: 1024 });
    await runtime.invoke('echo', 1);
    const evicted = nextEvent(runtime, 'instance-stopped');

    const wide = await runtime.invoke('wide', 2);

    expect(wide.record.startType).toBe('cold');
    expect(await evicted).toMatchObject({ functionName: 'echo', reason: 'evicted' });
  });

  it('caps a function at its reserved concurrency', async () => {
    const { runtime, clock } = createTestRuntime();
    await runtime.deploy({ ...hang, reservedConcurrency: 1 });
    const busy = await occupy(runtime, 'hang', 1);

    const error = await rejection(runtime.invoke('hang', 'second'));
    clock.advance(1000);
    await Promise.all(busy);

    expect(error.code).toBe('THROTTLED');
    expect(error.message).toContain('reserved concurrency of 1');
  });

  it('keeps reserved capacity away from other functions', async () => {
    const { runtime, clock } = createTestRuntime({ memoryBudgetMb: 1536 });
    await runtime.deploy({ ...echo, name: 'reserved', reservedConcurrency: 2 });
    await runtime.deploy(hang);
    const busy = await occupy(runtime, 'hang', 1);

    const error = await rejection(runtime.invoke('hang', 'second'));
    const reserved = await runtime.invoke('reserved', 'still served');
    clock.advance(1000);
    await Promise.all(busy);

    expect(error.code).toBe('THROTTLED');
    expect(reserved.record.outcome).toBe('success');
  });

  it('throttles every call of a function whose reserved concurrency is 0', async () => {
    const { runtime } = createTestRuntime();
    await runtime.deploy({ ...echo, reservedConcurrency: 0 });

    expect((await rejection(runtime.invoke('echo', 1))).code).toBe('THROTTLED');
  });

  it('refuses a reservation larger than the memory budget', async () => {
    const { runtime } = createTestRuntime({ memoryBudgetMb: 2048 });

    const error = await rejection(runtime.deploy({ ...echo, reservedConcurrency: 5 }));

    expect(error.code).toBe('INVALID_CONFIGURATION');
    expect(error.message).toContain('2560 MB');
  });

  it('throttles past the account-wide concurrency limit', async () => {
    const { runtime, clock } = createTestRuntime({ concurrencyLimit: 1 });
    await runtime.deploy(hang);
    await runtime.deploy({ ...hang, name: 'other' });
    const busy = await occupy(runtime, 'hang', 1);

    const error = await rejection(runtime.invoke('other', 1));
    clock.advance(1000);
    await Promise.all(busy);

    expect(error.code).toBe('THROTTLED');
    expect(error.message).toContain('concurrency limit of 1');
  });

  it('defaults the memory budget to a share of the host memory', () => {
    const { runtime } = createTestRuntime({ hostMemoryShare: 0.5 });
    const { runtime: full } = createTestRuntime({ hostMemoryShare: 1 });

    expect(runtime.memoryBudgetMb).toBe(Math.floor(full.memoryBudgetMb / 2));
  });
});
