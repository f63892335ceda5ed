/**
 * @module A counting semaphore: at most N of something at once, the rest waiting their turn
 * in arrival order.
 */

export class Slots {
  #free: number;
  readonly #waiting: Array<() => void> = [];

  constructor(count: number) {
    this.#free = count;
  }

  async take(): Promise<void> {
    if (this.#free > 0) {
      this.#free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  give(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free += 1;
  }
}

/** Runs `task` once a slot is free, and frees it however the task ends. */
export async function withSlot<T>(slots: Slots, task: () => Promise<T>): Promise<T> {
  await slots.take();
  try {
    return await task();
  } finally {
    slots.give();
  }
}
