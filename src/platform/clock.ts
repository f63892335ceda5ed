/**
 * @module The platform's clock. Keep-alive, timeouts, backoff and billing read time and set
 * timers only through a {@link Clock}, so that tests drive them with a {@link ManualClock}
 * instead of sleeping.
 */

/** A scheduled callback that can be cancelled. */
export interface ClockTimer {
  cancel(): void;
}

/** Options of {@link Clock.setTimeout}. */
export interface TimerOptions {
  /** Do not keep the process alive for this timer (idle keep-alive). Default false. */
  unref?: boolean;
}

/** Time and timers. */
export interface Clock {
  /** Milliseconds since the Unix epoch; may carry a fraction. */
  now(): number;
  /** Runs `callback` once, `ms` milliseconds from now. */
  setTimeout(callback: () => void, ms: number, options?: TimerOptions): ClockTimer;
}

/** Real time: sub-millisecond `now()` from the monotonic clock, anchored at the epoch. */
export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimeout(callback, ms, options = {}) {
    const timer = setTimeout(callback, Math.max(0, ms));
    if (options.unref) timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

interface PendingTimer {
  id: number;
  due: number;
  callback: () => void;
}

/**
 * A clock that moves only when told to. `advance(ms)` fires every timer that falls due, in
 * order of due time (ties in order of scheduling), each seeing `now()` at its own due time.
 */
export class ManualClock implements Clock {
  #now: number;
  #timers: PendingTimer[] = [];
  #nextId = 0;

  /** @param start epoch milliseconds; default 2026-01-01T00:00:00Z. */
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): ClockTimer {
    const timer = { id: this.#nextId++, due: this.#now + Math.max(0, ms), callback };
    this.#timers.push(timer);
    return { cancel: () => this.#remove(timer.id) };
  }

  /** Moves time forward by `ms`, firing the timers that fall due on the way. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (let timer = this.#earliest(target); timer; timer = this.#earliest(target)) {
      this.#remove(timer.id);
      this.#now = timer.due;
      timer.callback();
    }
    this.#now = target;
  }

  /** Number of timers not yet fired nor cancelled. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  #earliest(limit: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const timer of this.#timers) {
      if (timer.due > limit) continue;
      if (!best || timer.due < best.due || (timer.due === best.due && timer.id < best.id)) {
        best = timer;
      }
    }
    return best;
  }

  #remove(id: number): void {
    this.#timers = this.#timers.filter((timer) => timer.id !== id);
  }
}
