/**
 * @module The tuning of the invocation queue: backoffs, leases, limits, with their defaults.
 */
import type { Clock } from './clock.js';

/** Options of `InvocationQueue`, with their defaults. */
export interface InvocationQueueOptions {
  /** Default: the system clock. */
  clock?: Clock;
  /**
   * The retry setting of a function, read when an attempt fails, for invocations enqueued
   * without `retryAttempts` (Lambda applies the function's current setting). Default: 2.
   */
  retryAttemptsOf?: (functionName: string) => number | undefined;
  /**
   * Wait before retry n is `retryBaseDelayMs * 2^(n-1)`. Default 1,000 ms (Lambda waits about
   * one then two minutes; an embedded run should not idle that long).
   */
  retryBaseDelayMs?: number;
  /** First wait after a throttled attempt, doubling up to `throttleMaxDelayMs`. Default 100 ms. */
  throttleBaseDelayMs?: number;
  /** Default 5,000 ms. */
  throttleMaxDelayMs?: number;
  /** A number in [0, 1) that spreads throttle delays (see `throttle`). Default Math.random. */
  random?: () => number;
  /**
   * How long a claim holds before another dispatcher may take the invocation back. Must exceed
   * the longest function timeout. Default 960,000 ms (15 minutes and a margin). A claim held by a
   * process that has died on this host is taken back at once, whatever its lease.
   */
  leaseMs?: number;
  /** Interruptions (the platform stopping mid-run) tolerated before dead-lettering. Default 3. */
  maxInterruptions?: number;
  /** An invocation not finished this long after it was queued is dead-lettered. Default 6 h. */
  maxEventAgeMs?: number;
}

const DEFAULTS = {
  retryAttemptsOf: (_functionName: string): number | undefined => undefined,
  retryBaseDelayMs: 1_000,
  throttleBaseDelayMs: 100,
  throttleMaxDelayMs: 5_000,
  random: Math.random as () => number,
  leaseMs: 960_000,
  maxInterruptions: 3,
  maxEventAgeMs: 6 * 3_600_000,
};

/** Every option filled in (the clock aside). */
export type ResolvedQueueOptions = typeof DEFAULTS;

/** `options` over the defaults; an option given as `undefined` keeps its default. */
export function resolveQueueOptions(options: InvocationQueueOptions): ResolvedQueueOptions {
  return { ...DEFAULTS, ...definedOnly(options) };
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
