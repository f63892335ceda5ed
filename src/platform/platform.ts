/**
 * @module The embedded platform as one object: a state directory holding the buckets, the
 * shared volume, the durable invocation queue and the invocation records; the local runtime
 * running the functions; and the wiring between them:
 *
 * ```
 * objects.put ──bucket notification──> queue ──dispatcher──> runtime.invoke (type Event)
 * handler: services.invoke(Event) ──────> queue
 * handler: services.invoke(RequestResponse) ─────────────> runtime.invoke
 * ```
 *
 * State directory layout: `buckets/`, `volume/`, `queue.db`, `records.db`.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Logger, silentLogger } from '../logger.js';
import { type Clock, systemClock } from './clock.js';
import { type AttemptOutcome, Dispatcher } from './dispatcher.js';
import type { FunctionSpec, InvocationType } from './function.js';
import {
  type ClaimedInvocation,
  InvocationQueue,
  type InvocationQueueOptions,
} from './invocations.js';
import { storageServiceConfig } from './platform-services.js';
import { InvocationRecords } from './records.js';
import {
  type DeployedFunction,
  type InvocationOrigin,
  type InvokeOptions,
  type InvokeResult,
  LocalRuntime,
  type LocalRuntimeOptions,
} from './runtime/local-runtime.js';
import { FsObjectStore } from './storage/fs-object-store.js';
import {
  BucketNotifications,
  type NotificationConfig,
  NotifyingObjectStore,
} from './storage/notifications.js';
import type { ObjectStore } from './storage/object-store.js';
import { queueTarget } from './storage/object-store-factory.js';
import { LocalSharedVolume, type SharedVolume } from './storage/shared-volume.js';

/** Options of {@link Platform.open}, with their defaults. */
export interface PlatformOptions {
  /** Directory of the platform's state. Default `.lectern` in the working directory. */
  stateDir?: string;
  /** Functions deployed before the queue starts running (so none of its work finds them missing). */
  functions?: FunctionSpec[];
  /** Bucket notifications (triggers). Default none. */
  notifications?: NotificationConfig[];
  /** Default the system clock. */
  clock?: Clock;
  /** Default silent. */
  logger?: Logger;
  /** Queue tuning (backoffs, leases, event age). */
  queue?: Omit<InvocationQueueOptions, 'clock' | 'retryAttemptsOf'>;
  /** Invocations the queue runs at once (default 16), polling interval (default 250 ms). */
  dispatcher?: { concurrency?: number; pollIntervalMs?: number };
  /** Runtime tuning (memory budget, isolation, price table...). */
  runtime?: Omit<LocalRuntimeOptions, 'records' | 'clock' | 'dispatch' | 'services' | 'logger'>;
  /** Start running queued work at once. Default true; false leaves it to {@link Platform.start}. */
  autoStart?: boolean;
}

/** Options of {@link Platform.invokeAsync}. */
export interface InvokeAsyncOptions {
  /** The same key twice makes one invocation. */
  idempotencyKey?: string;
  parentRequestId?: string;
  rootRequestId?: string;
}

/** The embedded serverless platform over one state directory. */
export class Platform {
  readonly stateDir: string;
  /** The buckets, sending notifications for writes made through it. */
  readonly objects: ObjectStore;
  readonly volume: SharedVolume;
  readonly queue: InvocationQueue;
  readonly records: InvocationRecords;
  readonly runtime: LocalRuntime;
  readonly #dispatcher: Dispatcher;
  readonly #logger: Logger;
  #closed = false;

  /** Opens the state directory, deploys `functions` and starts running queued work. */
  static async open(options: PlatformOptions = {}): Promise<Platform> {
    const platform = new Platform(options);
    try {
      for (const spec of options.functions ?? []) await platform.deploy(spec);
    } catch (error) {
      await platform.close();
      throw error;
    }
    if (options.autoStart ?? true) platform.start();
    return platform;
  }

  private constructor(options: PlatformOptions) {
    this.stateDir = resolve(options.stateDir ?? '.lectern');
    const clock = options.clock ?? systemClock;
    const notifications = options.notifications ?? [];
    const triggers = new BucketNotifications(notifications);
    this.#logger = options.logger ?? silentLogger;
    const paths = statePaths(this.stateDir);
    const services = storageServiceConfig({ ...paths, notifications });
    this.records = InvocationRecords.open(paths.records);
    this.queue = InvocationQueue.open(paths.queue, {
      ...options.queue,
      clock,
      retryAttemptsOf: (name) => this.#retryAttemptsOf(name),
    });
    this.volume = new LocalSharedVolume(paths.volume);
    const wake = () => this.#dispatcher.wake();
    this.objects = new NotifyingObjectStore(
      new FsObjectStore(paths.buckets, { now: () => clock.now() }),
      triggers,
      queueTarget(this.queue, wake),
    );
    this.runtime = new LocalRuntime({
      ...options.runtime,
      records: this.records,
      clock,
      logger: this.#logger,
      services,
      dispatch: (name, payload, type, origin) => this.#dispatch(name, payload, type, origin),
    });
    this.#dispatcher = new Dispatcher(this.queue, (claim) => this.#execute(claim), {
      ...options.dispatcher,
      clock,
      logger: this.#logger,
      onSettled: (claim, outcome, error) => this.#logSettled(claim, outcome, error),
    });
  }

  /** Deploys a function on the runtime (see LocalRuntime.deploy). */
  deploy(spec: FunctionSpec): Promise<DeployedFunction> {
    return this.runtime.deploy(spec);
  }

  /** Re-runs work interrupted by a crash, then runs queued work as it becomes ready. */
  start(): void {
    this.#dispatcher.start();
  }

  /** Runs a synchronous (request-response) invocation. */
  invoke(
    functionName: string,
    payload: unknown,
    options: InvokeOptions = {},
  ): Promise<InvokeResult> {
    return this.runtime.invoke(functionName, payload, { ...options, type: 'RequestResponse' });
  }

  /**
   * Queues an asynchronous (event) invocation durably; returns once it is stored. Throws
   * FUNCTION_NOT_FOUND for a function not deployed, PAYLOAD_TOO_LARGE past 256 KB.
   */
  invokeAsync(
    functionName: string,
    payload: unknown,
    options: InvokeAsyncOptions = {},
  ): { requestId: string; duplicate: boolean } {
    this.runtime.describe(functionName);
    const origin: Record<string, string> = {};
    if (options.parentRequestId) origin.parentRequestId = options.parentRequestId;
    if (options.rootRequestId) origin.rootRequestId = options.rootRequestId;
    const queued = this.queue.enqueue(functionName, payload, {
      ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
      origin,
    });
    this.#dispatcher.wake();
    return queued;
  }

  /** Resolves once every queued invocation has succeeded or been dead-lettered. */
  waitForIdle(): Promise<void> {
    return this.#dispatcher.waitForIdle();
  }

  /**
   * Stops the dispatcher and the runtime, then closes the databases. Invocations cut short are
   * given back to the queue and run again at the next start.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const stopped = this.#dispatcher.stop();
    await this.runtime.close();
    await stopped;
    this.queue.close();
    this.records.close();
  }

  async #execute(claim: ClaimedInvocation): Promise<unknown> {
    const options: InvokeOptions = { type: 'Event', requestId: claim.requestId };
    if (claim.origin.parentRequestId) options.parentRequestId = claim.origin.parentRequestId;
    if (claim.origin.rootRequestId) options.rootRequestId = claim.origin.rootRequestId;
    const result = await this.runtime.invoke(claim.functionName, claim.payload, options);
    return result.payload;
  }

  async #dispatch(
    functionName: string,
    payload: unknown,
    type: InvocationType,
    origin: InvocationOrigin,
  ): Promise<unknown> {
    const parent = { parentRequestId: origin.requestId, rootRequestId: origin.rootRequestId };
    if (type === 'Event') {
      // Lambda answers an Event invoke with 202 and no payload; the request id is all there is.
      const { requestId } = this.invokeAsync(functionName, payload, parent);
      return { requestId, statusCode: 202 };
    }
    return (await this.invoke(functionName, payload, parent)).payload;
  }

  #retryAttemptsOf(functionName: string): number | undefined {
    try {
      return this.runtime.describe(functionName).spec.retryAttempts;
    } catch {
      return undefined;
    }
  }

  #logSettled(claim: ClaimedInvocation, outcome: AttemptOutcome, error: unknown): void {
    if (outcome === 'succeeded') return;
    const fields = { function: claim.functionName, requestId: claim.requestId, outcome };
    const level = outcome === 'dead' ? 'error' : 'warn';
    this.#logger[level](
      { ...fields, attempt: claim.attempt, err: error },
      'asynchronous attempt did not succeed',
    );
  }
}

/** Where each part of a state directory lives (creating the directories). */
export function statePaths(stateDir: string): {
  buckets: string;
  volume: string;
  queue: string;
  records: string;
} {
  const root = resolve(stateDir);
  const paths = {
    buckets: join(root, 'buckets'),
    volume: join(root, 'volume'),
    queue: join(root, 'queue.db'),
    records: join(root, 'records.db'),
  };
  mkdirSync(paths.buckets, { recursive: true });
  mkdirSync(paths.volume, { recursive: true });
  return paths;
}
