/**
 * @module Time spent per stage of reading a document, summed over its pages, in milliseconds.
 * The clock is injected so tests can drive it.
 */
import { performance } from 'node:perf_hooks';

/** Milliseconds since an arbitrary origin; `performance.now` by default. */
export type Clock = () => number;

export class StageTimings {
  readonly #clock: Clock;
  readonly #totals = new Map<string, number>();
  readonly #started: number;

  constructor(clock: Clock = () => performance.now()) {
    this.#clock = clock;
    this.#started = clock();
  }

  /** Runs `work`, adding the time it took to `stage` (also when it throws). */
  async time<T>(stage: string, work: () => Promise<T> | T): Promise<T> {
    const started = this.#clock();
    try {
      return await work();
    } finally {
      this.add(stage, this.#clock() - started);
    }
  }

  add(stage: string, milliseconds: number): void {
    this.#totals.set(stage, (this.#totals.get(stage) ?? 0) + milliseconds);
  }

  /** Every stage timed so far, and `total` since construction, rounded to 0.1 ms. */
  snapshot(): Record<string, number> {
    const entries = [...this.#totals, ['total', this.#clock() - this.#started] as const];
    return Object.fromEntries(entries.map(([stage, ms]) => [stage, Math.round(ms * 10) / 10]));
  }
}
