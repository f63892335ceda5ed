import { describe, expect, it } from 'vitest';
import {
  invokeWithRetry,
  type RetryClock,
  RetryExhaustedError,
} from '../../src/workflows/deep-reader/invoke-retry.js';

/** A clock whose sleeps move time forward at once, recording each delay. */
function fakeClock(): RetryClock & { delays: number[] } {
  let now = 0;
  const delays: number[] = [];
  return {
    delays,
    now: () => now,
    sleep: async (ms) => {
      delays.push(ms);
      now += ms;
    },
  };
}

function failing(code: string, times: number, answer = 'ok') {
  let calls = 0;
  return async () => {
    calls += 1;
    if (calls <= times) throw Object.assign(new Error(`${code} #${calls}`), { code });
    return answer;
  };
}

describe('invokeWithRetry', () => {
  it('retries a throttled call with growing delays until it is answered', async () => {
    const clock = fakeClock();

    const { value, report } = await invokeWithRetry(failing('THROTTLED', 4), {
      clock,
      random: () => 0.5,
    });

    expect(value).toBe('ok');
    expect(report).toEqual({ attempts: 5, throttles: 4 });
    expect(clock.delays).toEqual([38, 75, 150, 300]);
  });

  it('gives up on throttling at the deadline with the last error', async () => {
    const clock = fakeClock();

    const error = await invokeWithRetry(failing('THROTTLED', 1000), {
      clock,
      maxThrottleWaitMs: 5_000,
      maxDelayMs: 1_000,
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RetryExhaustedError);
    expect((error as RetryExhaustedError).code).toBe('THROTTLED');
    expect(clock.now()).toBeGreaterThanOrEqual(5_000);
    expect(clock.now()).toBeLessThan(6_000);
  });

  it('tries once more after a crashed instance, and not after a handler error', async () => {
    const clock = fakeClock();

    const recovered = await invokeWithRetry(failing('INSTANCE_EXITED', 1), { clock });
    const failed = await invokeWithRetry(failing('HANDLER_ERROR', 1), { clock }).catch((e) => e);

    expect(recovered.report).toEqual({ attempts: 2, throttles: 0 });
    expect(failed).toMatchObject({ code: 'HANDLER_ERROR', report: { attempts: 1 } });
    expect(clock.delays).toEqual([]);
  });
});
