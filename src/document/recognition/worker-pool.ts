/**
 * A fixed set of workers handing out one task at a time each: a task waits until a worker is
 * free. Used for tesseract.js workers, which read one image at a time.
 */

/** A pool over already-started workers. */
export class WorkerPool<W> {
  readonly #idle: W[];
  readonly #waiting: Array<(worker: W) => void> = [];
  readonly #all: readonly W[];
  #closed = false;

  constructor(workers: readonly W[]) {
    if (workers.length === 0) throw new RangeError('WorkerPool: at least one worker is needed');
    this.#all = workers;
    this.#idle = [...workers];
  }

  /** Number of workers. */
  get size(): number {
    return this.#all.length;
  }

  /** Runs `task` on the next free worker. */
  async run<T>(task: (worker: W) => Promise<T>): Promise<T> {
    const worker = await this.#acquire();
    try {
      return await task(worker);
    } finally {
      this.#release(worker);
    }
  }

  /** Stops every worker with `stop`; later `run` calls are refused. */
  async close(stop: (worker: W) => Promise<void>): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#all.map(stop));
  }

  #acquire(): Promise<W> {
    if (this.#closed) return Promise.reject(new Error('WorkerPool: closed'));
    const worker = this.#idle.pop();
    if (worker !== undefined) return Promise.resolve(worker);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(worker: W): void {
    const next = this.#waiting.shift();
    if (next) next(worker);
    else this.#idle.push(worker);
  }
}
