/**
 * @module The life of a function's instances: started cold or provisioned, released after an
 * invocation (and retired after the keep-alive), evicted, replaced when a provisioned one
 * dies, drained when the function goes.
 */
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { Logger } from '../../logger.js';
import type { Clock } from '../clock.js';
import type { InvocationRecords } from '../records.js';
import type { FunctionPool } from './capacity.js';
import type { Cgroups } from './cgroups.js';
import type { StopReason } from './events.js';
import { Instance } from './instance.js';
import { scratchDirOf } from './instance-spawn.js';
import type { FromInstance, ServiceConfig } from './protocol.js';

type Pool = FunctionPool;

/** Settings shared by every instance of a runtime. */
export interface InstanceDefaults {
  hostPath: string;
  scratchRoot: string;
  cgroups: Cgroups | undefined;
  services: ServiceConfig;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  minInitTimeoutMs: number;
}

/** What the lifecycle is given by the runtime. */
export interface LifecycleOptions {
  clock: Clock;
  logger: Logger;
  events: EventEmitter;
  records: InvocationRecords;
  runId: string;
  instanceDefaults: InstanceDefaults;
  isDeployed(pool: Pool): boolean;
  onNestedInvoke(instance: Instance, message: Extract<FromInstance, { t: 'invoke' }>): void;
}

/** Starts, releases and retires the instances of a runtime's pools. */
export class Lifecycle {
  readonly #o: LifecycleOptions;
  readonly #stopReasons = new WeakMap<Instance, StopReason>();
  #instanceCount = 0;

  constructor(options: LifecycleOptions) {
    this.#o = options;
  }

  /** Brings the pool's provisioned instances to `count`, opening a new provisioned period. */
  async provision(pool: Pool, count: number): Promise<void> {
    const now = this.#o.clock.now();
    if (pool.provisionedPeriod !== undefined)
      this.#o.records.endProvisioned(pool.provisionedPeriod, now);
    pool.provisionedPeriod = undefined;
    const current = [...pool.instances].filter((instance) => instance.provisioned);
    for (const extra of current.slice(count)) this.release(pool, extra);
    const started = Array.from({ length: Math.max(0, count - current.length) }, () =>
      this.start(pool, true),
    );
    if (count > 0) {
      pool.provisionedPeriod = this.#o.records.startProvisioned({
        runId: this.#o.runId,
        functionName: pool.spec.name,
        memorySizeMb: pool.spec.memoryMb,
        instances: count,
        startTime: now,
      });
    }
    await Promise.all(started.map((instance) => instance.ready()));
  }

  /** Stops every instance of an undeployed pool and closes its provisioned period. */
  async drain(pool: Pool): Promise<void> {
    if (pool.provisionedPeriod !== undefined)
      this.#o.records.endProvisioned(pool.provisionedPeriod, this.#o.clock.now());
    pool.provisionedPeriod = undefined;
    const instances = [...pool.instances];
    for (const instance of instances) this.retire(pool, instance, 'undeployed');
    await Promise.all(instances.map((instance) => instance.exited));
  }

  /** Starts an instance of `pool`; it joins the pool at once, init still running. */
  start(pool: Pool, provisioned: boolean): Instance {
    const defaults = this.#o.instanceDefaults;
    const instanceId = `${pool.spec.name}-${++this.#instanceCount}-${randomUUID().slice(0, 8)}`;
    const instance = new Instance({
      config: {
        instanceId,
        functionName: pool.spec.name,
        handler: pool.spec.handler,
        memoryMb: pool.spec.memoryMb,
        provisioned,
        services: defaults.services,
        logLevel: defaults.logLevel,
      },
      spec: pool.spec,
      hostPath: defaults.hostPath,
      scratchDir: scratchDirOf(defaults.scratchRoot, instanceId),
      cgroups: defaults.cgroups,
      clock: this.#o.clock,
      logger: this.#o.logger,
      initTimeoutMs: Math.max(defaults.minInitTimeoutMs, pool.spec.timeoutMs),
      onNestedInvoke: (from, message) => this.#o.onNestedInvoke(from, message),
      onExit: (exited) => this.#exited(pool, exited),
    });
    pool.instances.add(instance);
    instance.ready().then(
      () =>
        this.#o.events.emit('instance-started', {
          functionName: pool.spec.name,
          instanceId,
          provisioned,
          initDurationMs: instance.initDurationMs ?? 0,
        }),
      () => {},
    );
    return instance;
  }

  /** After an invocation: an idle on-demand instance waits out its keep-alive. */
  released(pool: Pool, instance: Instance): void {
    instance.lastUsed = this.#o.clock.now();
    if (instance.state !== 'idle') return;
    if (!pool.instances.has(instance)) {
      this.retire(pool, instance, 'released');
      return;
    }
    if (instance.provisioned) return;
    instance.keepAlive = this.#o.clock.setTimeout(
      () => instance.state === 'idle' && this.retire(pool, instance, 'idle'),
      pool.spec.idleKeepAliveMs,
      { unref: true },
    );
  }

  /** A provisioned instance no longer wanted: retired now if idle, else after its invocation. */
  release(pool: Pool, instance: Instance): void {
    instance.provisioned = false;
    if (instance.state === 'idle') this.retire(pool, instance, 'released');
  }

  /** Removes `instance` from its pool and ends its process. */
  retire(pool: Pool, instance: Instance, reason: StopReason): void {
    pool.instances.delete(instance);
    instance.keepAlive?.cancel();
    this.#stopReasons.set(instance, reason);
    instance.kill('retired');
  }

  #exited(pool: Pool, instance: Instance): void {
    const reason = this.#stopReasons.get(instance) ?? instance.endReason;
    pool.instances.delete(instance);
    instance.keepAlive?.cancel();
    this.#o.events.emit('instance-stopped', {
      functionName: pool.spec.name,
      instanceId: instance.id,
      reason,
    });
    const stillWanted = this.#o.isDeployed(pool) && instance.provisioned;
    if (!stillWanted || !instance.initialised) return;
    // Lambda replaces a provisioned instance that died; so does this runtime.
    this.start(pool, true)
      .ready()
      .catch((error) =>
        this.#o.logger.warn(
          { err: error, function: pool.spec.name },
          'could not replace a provisioned instance',
        ),
      );
  }
}

/** A provisioned idle instance first (as Lambda routes), else the most recently used. */
export function pickIdle(pool: Pool): Instance | undefined {
  let best: Instance | undefined;
  for (const instance of pool.instances) {
    if (instance.state !== 'idle') continue;
    if (!best || rank(instance) > rank(best)) best = instance;
  }
  return best;
}

function rank(instance: Instance): number {
  return (instance.provisioned ? 1e15 : 0) + instance.lastUsed;
}
