/**
 * @module A synchronous nested invoke that rides out throttling: a THROTTLED answer is retried
 * after a growing, jittered delay until a deadline; an instance that died (timeout, out of
 * memory, exited) gets a few more attempts; anything else fails at once. Fan-out under load
 * depends on it: a page's nine tile calls may find detection busy with another page.
 */

/** Time, injectable so that tests need not sleep. */
export interface RetryClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Options of {@link invokeWithRetry}, with their defaults. */
export interface RetryOptions {
  /** Stop retrying throttles after this long. Default 120,000 ms. */
  maxThrottleWaitMs?: number;
  /** First delay after a throttle, doubling. Default 50 ms. */
  baseDelayMs?: number;
  /** Longest delay. Default 2,000 ms. */
  maxDelayMs?: number;
  /** Attempts in all for an invocation whose instance died. Default 2. */
  crashAttempts?: number;
  clock?: RetryClock;
  /** A number in [0, 1) for jitter. Default Math.random. */
  random?: () => number;
}

/** What happened on the way to an answer. */
export interface RetryReport {
  attempts: number;
  throttles: number;
}

/** The call failed for good: its last error, and how hard it was tried. */
export class RetryExhaustedError extends Error {
  readonly code: string;
  readonly report: RetryReport;

  constructor(cause: unknown, report: RetryReport) {
    const code = errorCodeOf(cause) ?? 'INTERNAL';
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`${code} after ${report.attempts} attempt(s), ${report.throttles} throttled: ${reason}`, {
      cause,
    });
    this.name = 'RetryExhaustedError';
    this.code = code;
    this.report = report;
  }
}

/** Codes meaning the instance died under the invocation: worth another attempt. */
const CRASH_CODES = new Set(['TIMEOUT', 'OUT_OF_MEMORY', 'INSTANCE_EXITED']);

const systemRetryClock: RetryClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Runs `call` until it answers, retrying as described above; resolves with the answer and
 * how many attempts it took. Rejects with {@link RetryExhaustedError}.
 */
export async function invokeWithRetry<T>(
  call: () => Promise<T>,
  options: RetryOptions = {},
): Promise<{ value: T; report: RetryReport }> {
  const clock = options.clock ?? systemRetryClock;
  const random = options.random ?? Math.random;
  const deadline = clock.now() + (options.maxThrottleWaitMs ?? 120_000);
  const report: RetryReport = { attempts: 0, throttles: 0 };
  for (;;) {
    report.attempts += 1;
    try {
      return { value: await call(), report };
    } catch (error) {
      const code = errorCodeOf(error);
      if (code === 'THROTTLED' && clock.now() < deadline) {
        report.throttles += 1;
        await clock.sleep(backoff(report.throttles, options, random));
        continue;
      }
      const crashes = report.attempts - report.throttles;
      if (code && CRASH_CODES.has(code) && crashes < (options.crashAttempts ?? 2)) continue;
      throw new RetryExhaustedError(error, report);
    }
  }
}

/** Full jitter over an exponential ceiling. */
function backoff(throttles: number, options: RetryOptions, random: () => number): number {
  const base = options.baseDelayMs ?? 50;
  const ceiling = Math.min(options.maxDelayMs ?? 2_000, base * 2 ** Math.min(throttles - 1, 20));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function errorCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
