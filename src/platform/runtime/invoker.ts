/**
 * @module The invocation path of the local runtime: pick a warm instance (provisioned first),
 * else start one if the limits allow, else throttle; run; record. Nested invokes from handlers
 * come back here and go to the dispatch hook.
 */
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { Logger } from '../../logger.js';
import type { Clock } from '../clock.js';
import { PlatformError } from '../errors.js';
import type { InvocationType } from '../function.js';
import { serializePayload } from '../payload.js';
import type { PriceTable } from '../prices.js';
import type { InvocationRecords } from '../records.js';
import type { Capacity, FunctionPool } from './capacity.js';
import { serializeError } from './host-services.js';
import type { Instance } from './instance.js';
import { type InstanceDefaults, Lifecycle, pickIdle } from './lifecycle.js';
import type { DispatchHook } from './local-runtime.js';
import type { FromInstance } from './protocol.js';
import { type InvokeResult, type Lease, type RecordBase, Recorder } from './recorder.js';

export type { InvokeResult } from './recorder.js';

/** Options of one invocation. */
export interface InvokeOptions {
  /** Default RequestResponse. Event only changes the request size limit and the record. */
  type?: InvocationType;
  /** Default a random UUID; the queue passes its own so that retries share it. */
  requestId?: string;
  /** The invocation whose handler made this one. */
  parentRequestId?: string;
  /** The first invocation of the chain. Default the parent's, else this one. */
  rootRequestId?: string;
}

/** What the invoker is given by the runtime. */
export interface InvokerOptions {
  pools: Map<string, FunctionPool>;
  capacity: Capacity;
  records: InvocationRecords;
  clock: Clock;
  logger: Logger;
  events: EventEmitter;
  runId: string;
  priceTable: PriceTable;
  dispatch: DispatchHook | undefined;
  instanceDefaults: InstanceDefaults;
}

/** Runs invocations on the pools of a runtime. */
export class Invoker {
  readonly #o: InvokerOptions;
  readonly #roots = new Map<string, string>();
  readonly #recorder: Recorder;
  readonly #lifecycle: Lifecycle;

  constructor(options: InvokerOptions) {
    this.#o = options;
    this.#recorder = new Recorder(
      options.records,
      options.events,
      options.priceTable,
      options.clock,
    );
    this.#lifecycle = new Lifecycle({
      ...options,
      isDeployed: (pool) => options.pools.get(pool.spec.name) === pool,
      onNestedInvoke: (instance, message) => this.#nested(instance, message),
    });
  }

  /** The instance lifecycle (provisioning, draining) of this runtime. */
  get lifecycle(): Lifecycle {
    return this.#lifecycle;
  }

  /** The pool of `functionName`; FUNCTION_NOT_FOUND when none is deployed. */
  pool(functionName: string): FunctionPool {
    const pool = this.#o.pools.get(functionName);
    if (pool) return pool;
    throw new PlatformError('FUNCTION_NOT_FOUND', 'no function of this name is deployed', {
      functionName,
    });
  }

  /** Runs one invocation (see LocalRuntime.invoke). */
  async invoke(
    functionName: string,
    payload: unknown,
    options: InvokeOptions,
  ): Promise<InvokeResult> {
    const pool = this.pool(functionName);
    const type = options.type ?? 'RequestResponse';
    const request = serializePayload(functionName, payload, type);
    const requestId = options.requestId ?? randomUUID();
    const base = {
      requestId,
      runId: this.#o.runId,
      functionName,
      invocationType: type,
      ...(options.parentRequestId ? { parentRequestId: options.parentRequestId } : {}),
      rootRequestId: options.rootRequestId ?? options.parentRequestId ?? requestId,
      startTime: this.#o.clock.now(),
      memorySizeMb: pool.spec.memoryMb,
      payloadInBytes: request.bytes,
    };
    const lease = await this.#lease(pool, base);
    this.#roots.set(requestId, base.rootRequestId);
    this.#o.events.emit('invocation-started', {
      functionName,
      requestId,
      instanceId: lease.instance.id,
      startType: lease.startType,
    });
    const run = await lease.instance.run(
      requestId,
      request.json,
      pool.spec.timeoutMs,
      lease.startType === 'cold',
    );
    this.#roots.delete(requestId);
    this.#lifecycle.released(pool, lease.instance);
    return this.#recorder.conclude(base, lease, run);
  }

  async #lease(pool: FunctionPool, base: RecordBase): Promise<Lease> {
    const idle = pickIdle(pool);
    if (idle) {
      idle.keepAlive?.cancel();
      idle.state = 'busy';
      return { instance: idle, startType: idle.provisioned ? 'provisioned' : 'warm' };
    }
    const admission = this.#o.capacity.admit(pool, this.#o.pools.values());
    if (!admission.ok) throw this.#recorder.throttled(base, admission.reason);
    for (const instance of admission.evict)
      this.#lifecycle.retire(this.pool(instance.functionName), instance, 'evicted');
    const instance = this.#lifecycle.start(pool, false);
    instance.claimed = true;
    try {
      await instance.ready();
    } catch (error) {
      throw this.#recorder.failedStart(base, instance, error as PlatformError);
    }
    return { instance, startType: 'cold' };
  }

  #nested(instance: Instance, message: Extract<FromInstance, { t: 'invoke' }>): void {
    const origin = {
      functionName: instance.functionName,
      requestId: message.requestId,
      rootRequestId: this.#roots.get(message.requestId) ?? message.requestId,
    };
    const options = {
      type: message.type,
      parentRequestId: origin.requestId,
      rootRequestId: origin.rootRequestId,
    };
    const payload = JSON.parse(message.body) as unknown;
    const dispatched = this.#o.dispatch
      ? this.#o.dispatch(message.functionName, payload, message.type, origin)
      : this.#dispatchHere(message.functionName, payload, options);
    dispatched.then(
      (result) =>
        instance.reply({
          t: 'reply',
          callId: message.callId,
          ok: true,
          body: JSON.stringify(result) ?? 'null',
        }),
      (error) =>
        instance.reply({
          t: 'reply',
          callId: message.callId,
          ok: false,
          error: serializeError(error),
        }),
    );
  }

  async #dispatchHere(
    functionName: string,
    payload: unknown,
    options: InvokeOptions,
  ): Promise<unknown> {
    if (options.type !== 'Event')
      return (await this.invoke(functionName, payload, options)).payload;
    // Not durable: without a platform queue, an event is simply run in the background.
    this.invoke(functionName, payload, options).catch((error) =>
      this.#o.logger.warn({ err: error, function: functionName }, 'event invocation failed'),
    );
    return null;
  }
}
