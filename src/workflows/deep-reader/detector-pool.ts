/**
 * @module The on-premise baseline's detector pool: worker threads on this machine, each with
 * its own detection model, so that a page's tiles are detected in parallel threads without
 * the platform (the paper's comparison point).
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { planPage } from '../../document/detect-page.js';
import type { DetectedBox } from '../../document/detection.js';
import type { Raster } from '../../document/raster.js';
import type { PageDetection } from '../../document/read-page.js';
import { stitchTiles } from '../../document/stitching.js';
import { cutTile } from '../../document/tiles.js';
import { packageRoot } from '../../platform/runtime/host-path.js';

type Waiter = { resolve: (boxes: DetectedBox[]) => void; reject: (error: Error) => void };

interface PoolWorker {
  worker: Worker;
  busy: number;
}

/** Worker threads holding a detector each. */
export class DetectorPool {
  readonly #workers: PoolWorker[];
  readonly #waiting = new Map<number, Waiter>();
  #nextId = 0;

  private constructor(workers: Worker[]) {
    this.#workers = workers.map((worker) => ({ worker, busy: 0 }));
    for (const entry of this.#workers) {
      entry.worker.on(
        'message',
        (message: { id?: number; boxes?: DetectedBox[]; error?: string }) =>
          this.#settle(entry, message),
      );
    }
  }

  /** Starts `size` workers with `threads` ONNX threads each; resolves once all loaded. */
  static async start(size: number, threads = 1): Promise<DetectorPool> {
    const script = join(packageRoot(), 'dist', 'workflows', 'deep-reader', 'detect-worker.js');
    const workers = Array.from(
      { length: size },
      () => new Worker(script, { workerData: { threads } }),
    );
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            worker.once('message', () => resolve());
            worker.once('error', reject);
          }),
      ),
    );
    return new DetectorPool(workers);
  }

  /** Detects one raster on the least busy worker. */
  detect(raster: Raster): Promise<DetectedBox[]> {
    const entry = this.#workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.#nextId++;
    entry.busy += 1;
    const data = new Uint8Array(raster.data);
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      entry.worker.postMessage(
        { id, width: raster.width, height: raster.height, channels: raster.channels, data },
        [data.buffer],
      );
    });
  }

  /** A {@link PageDetection} running a page's tiles in parallel on the pool. */
  pageDetection(): PageDetection {
    return async (raster, options) => {
      const plan = planPage(raster, options);
      const tiles = await Promise.all(plan.tiles.map((tile) => cutTile(raster, plan, tile)));
      const boxes = await Promise.all(tiles.map((tile) => this.detect(tile)));
      return stitchTiles(
        plan,
        plan.tiles.map((tile, i) => ({ tile, boxes: boxes[i] as DetectedBox[] })),
      );
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map(({ worker }) => worker.terminate()));
  }

  #settle(entry: PoolWorker, message: { id?: number; boxes?: DetectedBox[]; error?: string }) {
    if (message.id === undefined) return;
    const waiter = this.#waiting.get(message.id);
    if (!waiter) return;
    this.#waiting.delete(message.id);
    entry.busy -= 1;
    if (message.error !== undefined) waiter.reject(new Error(message.error));
    else waiter.resolve(message.boxes ?? []);
  }
}
