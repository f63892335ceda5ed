/**
 * An ONNX model run by several worker threads, each with its own session (single-threaded by
 * default).
 *
 * onnxruntime-node runs a session synchronously on the calling thread, so one session uses
 * more than one CPU only through its intra-op thread pool, which synchronises after every
 * operator. Independent inputs need no barrier: one session per worker, one input per
 * message, scales with the CPUs that are really free. Measured on this 2-core machine: line
 * crops (48 pixels high) ran twice as slowly on 2 intra-op threads as on 1 when the machine was
 * loaded; a receipt's detection tiles took 280 ms in 2 single-threaded workers against 367 ms
 * one after another on one session of 2 threads (`npx tsx bench/detection-sessions.ts`).
 *
 * The worker's code is a small CommonJS script given to the Worker as text, so that it runs
 * alike from compiled JavaScript, tsx and the test runner.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { DocumentError } from './errors.js';
import { readModel } from './onnx-session.js';

/** A tensor's data and shape, as it crosses between threads. */
export interface TensorData {
  data: Float32Array;
  dims: readonly number[];
}

// Runs in the worker: load the session, drop the model's bytes, then answer each
// { id, data, dims } with the first output, its buffer transferred rather than copied, and
// the input's buffer handed back.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.runtime);
ort.InferenceSession.create(workerData.model, {
  intraOpNumThreads: workerData.threads,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  // A memory pattern is planned and kept per input shape, and every line crop and tile has a
  // shape of its own: with it, reading the 40 SROIE receipts grew the process to 974 MB; without
  // it, 737 MB, at the same speed.
  enableMemPattern: false,
  extra: { session: { intra_op: { allow_spinning: '0' } } },
}).then((session) => {
  // The session holds its own copy of the weights: the bytes cloned into this thread would
  // otherwise stay as long as the worker (10 MB for the recognizer, 4.7 MB for the detector).
  workerData.model = undefined;
  const input = session.inputNames[0];
  const output = session.outputNames[0];
  let running = 0;
  let closing = false;
  // Ends the thread by letting its event loop run dry, never in the middle of a run.
  const end = () => session.release().finally(() => parentPort.close());
  parentPort.on('message', ({ id, data, dims, close }) => {
    if (close) {
      closing = true;
      if (running === 0) end();
      return;
    }
    running += 1;
    session.run({ [input]: new ort.Tensor('float32', data, dims) }).then(
      (outputs) => {
        const tensor = outputs[output];
        const result = tensor.data;
        // The input goes back too, to be dropped there: this thread allocates almost nothing,
        // so V8 here would collect it late, and the dead inputs of four workers held ~80 MB.
        // The calling thread collects its young garbage all the time.
        const transfer =
          data.buffer === result.buffer ? [result.buffer] : [result.buffer, data.buffer];
        parentPort.postMessage({ id, data: result, dims: tensor.dims, input: data }, transfer);
      },
      (error) => parentPort.postMessage({ id, error: String(error && error.message || error) }),
    ).finally(() => {
      running -= 1;
      if (closing && running === 0) end();
    });
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

/** How {@link SessionWorkers.start} runs a model. */
export interface SessionWorkersOptions {
  /** Worker threads, each with its own session. Default 1. */
  workers?: number;
  /** Intra-op threads of each session. Default 1. */
  threads?: number;
  /** Names the model's use in errors ("recognition", "detection"). */
  label: string;
}

/** A fixed number of workers sharing out runs, the least busy first. */
export class SessionWorkers {
  readonly #workers: Worker[];
  readonly #label: string;
  readonly #load: number[];
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #closing = false;

  private constructor(workers: Worker[], label: string) {
    this.#workers = workers;
    this.#label = label;
    this.#load = workers.map(() => 0);
    for (const worker of workers) {
      worker.on('message', (reply: Reply) => this.#settle(reply));
      worker.on('error', (error) => this.#failAll(error));
    }
  }

  /** Starts the workers on `modelPath`; throws MODEL_NOT_FOUND when it cannot be loaded. */
  static async start(modelPath: string, options: SessionWorkersOptions): Promise<SessionWorkers> {
    const runtime = createRequire(import.meta.url).resolve('onnxruntime-node');
    const model = await readModel(modelPath);
    const count = Math.max(1, Math.floor(options.workers ?? 1));
    const threads = Math.max(1, Math.floor(options.threads ?? 1));
    const started = await Promise.allSettled(
      Array.from({ length: count }, () => startWorker(model, runtime, threads)),
    );
    const workers = started.flatMap((result) =>
      result.status === 'fulfilled' ? [result.value] : [],
    );
    const failure = started.find((result) => result.status === 'rejected');
    if (failure) {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw new DocumentError(
        'MODEL_NOT_FOUND',
        `${options.label}: cannot load model ${modelPath}`,
        { cause: failure.reason },
      );
    }
    return new SessionWorkers(workers, options.label);
  }

  /** Number of workers. */
  get size(): number {
    return this.#workers.length;
  }

  /** Runs the model on `input`; its buffer is transferred to the worker (unusable after). */
  run(input: TensorData): Promise<TensorData> {
    if (this.#closing) return Promise.reject(this.#disposed());
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
      // A closing worker stays referenced until it ends: see endWorker.
      if (this.#load[index] === 0 && !this.#closing) worker.unref();
    });
  }

  /**
   * Stops the workers; pending runs are rejected at once. Each worker finishes the run it is
   * in, then releases its session and ends. It is not terminated: onnxruntime-node throws a C++
   * exception when its call returns into a thread being terminated, and it cannot hand that
   * exception to JavaScript there, so the whole process aborts ("terminate called after
   * throwing an instance of 'Napi::Error'", exit 134).
   */
  async close(): Promise<void> {
    this.#closing = true;
    this.#failAll(this.#disposed());
    await Promise.all(this.#workers.map((worker) => endWorker(worker)));
  }

  #disposed(): Error {
    return new Error(`${this.#label}: the model was disposed`);
  }

  #settle(reply: Reply): void {
    if (reply.id === undefined) return;
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (reply.error !== undefined || !reply.data || !reply.dims) {
      pending.reject(new Error(`${this.#label}: model run failed: ${reply.error}`));
      return;
    }
    pending.resolve({ data: reply.data, dims: reply.dims });
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}

async function endWorker(worker: Worker): Promise<void> {
  if (worker.threadId === -1) return; // already ended (it failed)
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  // Referenced until it ends: were the process to exit first, Node would terminate it mid-run.
  worker.ref();
  worker.postMessage({ close: true });
  await exited;
}

function startWorker(model: Uint8Array, runtime: string, threads: number): Promise<Worker> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { model, runtime, threads },
  });
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
