/**
 * An ONNX model run by several worker threads, each with its own single-threaded session.
 *
 * onnxruntime-node runs a session synchronously on the calling thread, so one session uses
 * more than one CPU only through its intra-op thread pool, which synchronises after every
 * operator. Line crops are small (48 pixels high): those barriers dominate, and on a machine
 * whose CPUs are shared, spinning pool threads that lost their CPU slow every operator down
 * (measured: 2 intra-op threads took twice as long as 1 on the loaded 2-core machine).
 * Independent lines need no barrier: one session per worker, one line per message, scales
 * with the CPUs that are really free.
 *
 * The worker's code is a small CommonJS script given to the Worker as text, so that it runs
 * alike from compiled JavaScript, tsx and the test runner.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { DocumentError } from '../errors.js';

/** A tensor's data and shape, as it crosses between threads. */
export interface TensorData {
  data: Float32Array;
  dims: readonly number[];
}

// Runs in the worker: load the session, then answer each { id, data, dims } with the first
// output, its buffer transferred rather than copied.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.runtime);
ort.InferenceSession.create(workerData.model, {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
}).then((session) => {
  const input = session.inputNames[0];
  const output = session.outputNames[0];
  parentPort.on('message', ({ id, data, dims }) => {
    session.run({ [input]: new ort.Tensor('float32', data, dims) }).then(
      (outputs) => {
        const tensor = outputs[output];
        const result = tensor.data;
        parentPort.postMessage({ id, data: result, dims: tensor.dims }, [result.buffer]);
      },
      (error) => parentPort.postMessage({ id, error: String(error && error.message || error) }),
    );
  });
  parentPort.postMessage({ ready: true });
}, (error) => parentPort.postMessage({ failed: String(error && error.message || error) }));
`;

interface Pending {
  resolve: (value: TensorData) => void;
  reject: (error: Error) => void;
}

interface Reply {
  id?: number;
  data?: Float32Array;
  dims?: number[];
  error?: string;
  ready?: boolean;
  failed?: string;
}

/** A fixed number of workers sharing out runs, the least busy first. */
export class SessionWorkers {
  readonly #workers: Worker[];
  readonly #load: number[];
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;

  private constructor(workers: Worker[]) {
    this.#workers = workers;
    this.#load = workers.map(() => 0);
    for (const worker of workers) {
      worker.on('message', (reply: Reply) => this.#settle(reply));
      worker.on('error', (error) => this.#failAll(error));
    }
  }

  /** Starts `count` workers on `modelPath`; throws MODEL_NOT_FOUND when it cannot be loaded. */
  static async start(modelPath: string, count: number): Promise<SessionWorkers> {
    const runtime = createRequire(import.meta.url).resolve('onnxruntime-node');
    const started = await Promise.allSettled(
      Array.from({ length: Math.max(1, count) }, () => startWorker(modelPath, runtime)),
    );
    const workers = started.flatMap((result) =>
      result.status === 'fulfilled' ? [result.value] : [],
    );
    const failure = started.find((result) => result.status === 'rejected');
    if (failure) {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw new DocumentError('MODEL_NOT_FOUND', `recognition: cannot load model ${modelPath}`, {
        cause: failure.reason,
      });
    }
    return new SessionWorkers(workers);
  }

  /** Number of workers. */
  get size(): number {
    return this.#workers.length;
  }

  /** Runs the model on `input`; its buffer is transferred to the worker (unusable after). */
  run(input: TensorData): Promise<TensorData> {
    const index = this.#load.indexOf(Math.min(...this.#load));
    const worker = this.#workers[index] as Worker;
    const id = this.#nextId++;
    this.#load[index] = (this.#load[index] as number) + 1;
    // An idle worker must not keep the process alive, a busy one must until it answers.
    worker.ref();
    const reply = new Promise<TensorData>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, data: input.data, dims: input.dims }, [
        input.data.buffer as ArrayBuffer,
      ]);
    });
    return reply.finally(() => {
      this.#load[index] = (this.#load[index] as number) - 1;
      if (this.#load[index] === 0) worker.unref();
    });
  }

  /** Stops the workers; pending runs are rejected. */
  async close(): Promise<void> {
    this.#failAll(new Error('recognition: the recognizer was disposed'));
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  #settle(reply: Reply): void {
    if (reply.id === undefined) return;
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (reply.error !== undefined || !reply.data || !reply.dims) {
      pending.reject(new Error(`recognition: model run failed: ${reply.error}`));
      return;
    }
    pending.resolve({ data: reply.data, dims: reply.dims });
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}

function startWorker(model: string, runtime: string): Promise<Worker> {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { model, runtime } });
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => {
      void worker.terminate();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    worker.once('error', fail);
    worker.once('message', (reply: Reply) => {
      worker.off('error', fail);
      if (reply.ready) resolve(worker);
      else fail(new Error(reply.failed ?? 'the worker did not start'));
    });
  });
}
