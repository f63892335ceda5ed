/**
 * @module The dispatcher: takes ready invocations from the durable queue, runs them through an
 * executor (the runtime, or a fake in tests) and reports each outcome back to the queue.
 * Time (backoff timers, polling) goes through the injected clock.
 */
import { type Logger, silentLogger } from '../logger.js';
import { type Clock, type ClockTimer, systemClock } from './clock.js';
import { isPlatformError } from './errors.js';
import { InvocationError } from './invocation-error.js';
import type { ClaimedInvocation, InvocationQueue } from './invocations.js';

/** Runs one claimed invocation; resolves with its result or rejects with its error. */
export type Executor = (invocation: ClaimedInvocation) => Promise<unknown>;

/** How one attempt ended, as reported to `onSettled`. */
export type AttemptOutcome = 'succeeded' | 'retry' | 'dead' | 'throttled' | 'released' | 'stale';

/** Options of {@link Dispatcher}, with their defaults. */
export interface DispatcherOptions {
  /** Default: the system clock. */
  clock?: Clock;
  /** Most invocations running at once. Default 16. */
  concurrency?: number;
  /**
   * How often to look for work queued by other processes (instances writing to a bucket with a
   * trigger, `lectern platform redrive`). Default 250 ms; 0 turns polling off.
   */
  pollIntervalMs?: number;
  /** Whether an executor error means "throttled". Default: a PlatformError THROTTLED. */
  isThrottle?: (error: unknown) => boolean;
  /** Told of every settled attempt (for logs and tests). */
  onSettled?: (invocation: ClaimedInvocation, outcome: AttemptOutcome, error?: unknown) => void;
  /** Default silent. */
  logger?: Logger;
}

/** Pumps a queue through an executor. */
export class Dispatcher {
  readonly #queue: InvocationQueue;
  readonly #execute: Executor;
  readonly #clock: Clock;
  readonly #concurrency: number;
  readonly #pollIntervalMs: number;
  readonly #isThrottle: (error: unknown) => boolean;
  readonly #onSettled: NonNullable<DispatcherOptions['onSettled']>;
  readonly #logger: Logger;
  readonly #running = new Set<Promise<void>>();
  #idleWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  #wakeTimer: { at: number; timer: ClockTimer } | undefined;
  #pollTimer: ClockTimer | undefined;
  #state: 'new' | 'started' | 'stopping' | 'stopped' = 'new';

  constructor(queue: InvocationQueue, execute: Executor, options: DispatcherOptions = {}) {
    this.#queue = queue;
    this.#execute = execute;
    this.#clock = options.clock ?? systemClock;
    this.#concurrency = options.concurrency ?? 16;
    this.#pollIntervalMs = options.pollIntervalMs ?? 250;
    this.#isThrottle = options.isThrottle ?? ((error) => isPlatformError(error, 'THROTTLED'));
    this.#onSettled = options.onSettled ?? (() => {});
    this.#logger = options.logger ?? silentLogger;
  }

  /** Invocations being run now. */
  get inFlight(): number {
    return this.#running.size;
  }

  /** Takes back the invocations of dead platforms, then starts running ready ones. */
  start(): void {
    if (this.#state !== 'new') return;
    this.#state = 'started';
    const recovered = this.#queue.recoverOrphans();
    if (recovered > 0) this.#logger.warn({ recovered }, 're-running interrupted invocations');
    this.#schedulePoll();
    this.wake();
  }

  /** Looks for ready work now (call after enqueueing). */
  wake(): void {
    if (this.#state !== 'started') return;
    try {
      this.#pump();
    } catch (error) {
      this.#logger.error({ err: error }, 'the dispatcher could not read the queue');
    }
  }

  /**
   * Resolves once no invocation is queued or running: every one has succeeded or is dead.
   * Waits through retry backoffs.
   */
  waitForIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    if (this.#state === 'stopping' || this.#state === 'stopped') return Promise.reject(closed());
    return new Promise((resolve, reject) => this.#idleWaiters.push({ resolve, reject }));
  }

  /**
   * Stops taking work and waits for the invocations in flight. One that fails while stopping
   * is given back to the queue without consuming an attempt (the failure may be the shutdown
   * itself); one that succeeds is recorded. Pending `waitForIdle` calls reject (QUEUE_CLOSED).
   */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopping';
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const waiter of waiters) waiter.reject(closed());
    this.#wakeTimer?.timer.cancel();
    this.#pollTimer?.cancel();
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
    this.#state = 'stopped';
  }

  #pump(): void {
    if (this.#state !== 'started') return;
    const free = this.#concurrency - this.#running.size;
    if (free > 0) {
      for (const claim of this.#queue.claim(free)) this.#run(claim);
    }
    this.#scheduleWake();
    this.#notifyIfIdle();
  }

  #run(claim: ClaimedInvocation): void {
    const run = this.#attempt(claim).finally(() => {
      this.#running.delete(run);
      this.wake();
      this.#notifyIfIdle();
    });
    this.#running.add(run);
  }

  async #attempt(claim: ClaimedInvocation): Promise<void> {
    let outcome: AttemptOutcome;
    let failure: unknown;
    try {
      const result = await this.#execute(claim);
      outcome = this.#queue.complete(claim, result) ? 'succeeded' : 'stale';
    } catch (error) {
      failure = error;
      outcome = this.#settleFailure(claim, error);
    }
    this.#onSettled(claim, outcome, failure);
  }

  #settleFailure(claim: ClaimedInvocation, error: unknown): AttemptOutcome {
    try {
      if (this.#state !== 'started') return this.#queue.release(claim) ? 'released' : 'stale';
      if (this.#isThrottle(error))
        return this.#queue.throttle(claim, error) ? 'throttled' : 'stale';
      return this.#queue.fail(claim, error);
    } catch (queueError) {
      // The queue itself failed (closed under us): the claim stays and is recovered on restart.
      this.#logger.error({ err: queueError, requestId: claim.requestId }, 'outcome not recorded');
      return 'stale';
    }
  }

  // One timer, for the earliest invocation waiting for its backoff to end.
  #scheduleWake(): void {
    const at = this.#queue.inspect.nextAvailableAt();
    if (at === undefined || at <= this.#clock.now()) return;
    if (this.#wakeTimer && this.#wakeTimer.at <= at) return;
    this.#wakeTimer?.timer.cancel();
    const timer = this.#clock.setTimeout(() => {
      this.#wakeTimer = undefined;
      this.wake();
    }, at - this.#clock.now());
    this.#wakeTimer = { at, timer };
  }

  #schedulePoll(): void {
    if (this.#pollIntervalMs <= 0) return;
    const poll = () => {
      this.wake();
      if (this.#state === 'started') this.#schedulePoll();
    };
    this.#pollTimer = this.#clock.setTimeout(poll, this.#pollIntervalMs, { unref: true });
  }

  #isIdle(): boolean {
    return this.#running.size === 0 && this.#queue.inspect.pendingCount() === 0;
  }

  #notifyIfIdle(): void {
    if (this.#idleWaiters.length === 0 || !this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  }
}

function closed(): InvocationError {
  return new InvocationError('QUEUE_CLOSED', 'the dispatcher stopped before the queue was idle');
}
