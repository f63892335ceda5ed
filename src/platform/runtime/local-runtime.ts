/**
 * @module The local runtime: functions run in instance processes on this machine with Lambda's
 * semantics (cold and warm starts, provisioned and reserved concurrency, limits, one record per
 * invocation). Synchronous at heart: `invoke()` runs one invocation and resolves with its
 * result; the durable asynchronous queue sits on top of it (invocations.ts).
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { type Logger, silentLogger } from '../../logger.js';
import { type Clock, systemClock } from '../clock.js';
import { PlatformError } from '../errors.js';
import {
  type FunctionSpec,
  type InvocationType,
  type ResolvedFunctionSpec,
  resolveFunctionSpec,
} from '../function.js';
import { AWS_2026, type PriceTable } from '../prices.js';
import type { InvocationRecords } from '../records.js';
import { Capacity, type FunctionPool } from './capacity.js';
import type { RuntimeEvents } from './events.js';
import { instanceHostPath } from './host-path.js';
import { type InvokeOptions, type InvokeResult, Invoker } from './invoker.js';
import { cpuShare, type IsolationMode, type IsolationReport, setUpIsolation } from './isolation.js';
import type { ServiceConfig } from './protocol.js';
import { removeDirectory, removeStaleScratchRoots } from './scratch.js';

export type { RuntimeEvents } from './events.js';
export type { InvokeOptions, InvokeResult } from './invoker.js';

/** Where a nested invoke came from. */
export interface InvocationOrigin {
  functionName: string;
  requestId: string;
  rootRequestId: string;
}

/**
 * Receives the invokes that handlers make through `context.services.invoke`. The platform
 * routes 'Event' invokes to its durable queue; it should pass `origin.requestId` and
 * `origin.rootRequestId` on as `parentRequestId`/`rootRequestId` so costs add up per document.
 */
export type DispatchHook = (
  functionName: string,
  payload: unknown,
  type: InvocationType,
  origin: InvocationOrigin,
) => Promise<unknown>;

/** Options of {@link LocalRuntime}. */
export interface LocalRuntimeOptions {
  /** Where invocation records and logs go. */
  records: InvocationRecords;
  /** Default the system clock. */
  clock?: Clock;
  /** The runtime's own log (instance lifecycle, stray process output). Default silent. */
  logger?: Logger;
  /** Default: RequestResponse runs here and waits; Event runs here without waiting (not durable). */
  dispatch?: DispatchHook;
  /** Object store and shared volume factories given to instances. Default none. */
  services?: ServiceConfig;
  /**
   * Share of the host's memory (or of this process's memory group's limit, if lower) that live
   * instances may hold together. Default 0.75.
   */
  hostMemoryShare?: number;
  /** Overrides the budget derived from `hostMemoryShare`, in MB. */
  memoryBudgetMb?: number;
  /** Most invocations running at once, across functions. Default 1,000 (Lambda's). */
  concurrencyLimit?: number;
  /** Default `auto`: cgroups v1 where writable, else approximate. */
  isolation?: IsolationMode;
  /** Parent of the instances' scratch directories. Default a fresh directory in the OS tmpdir. */
  scratchRoot?: string;
  /** Table whose rounding fills `billedDurationMs` in records. Default {@link AWS_2026}. */
  priceTable?: PriceTable;
  /** Tag of every record this runtime writes. Default a random UUID. */
  runId?: string;
  /** Least level of handler log lines kept. Default info. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** The compiled instance host. Default dist/platform/runtime/instance-host.js of this package. */
  hostPath?: string;
}

/** A deployed function as the runtime describes it. */
export interface DeployedFunction {
  spec: ResolvedFunctionSpec;
  /** Lambda's vCPU share for its memory size. */
  vcpus: number;
  /** True when the share is more than the host's cores (it is then not fully honoured). */
  cpuShareExceedsHost: boolean;
  isolation: IsolationReport;
}

/** Init may always take this long, whatever the function's timeout (Lambda's init limit). */
const MIN_INIT_TIMEOUT_MS = 10_000;
let runtimes = 0;

/** Functions on this machine, each in its own pool of instance processes. */
export class LocalRuntime {
  /** The run id tagged on every record. */
  readonly runId: string;
  /** How limits are enforced on this host. */
  readonly isolation: IsolationReport;
  readonly #pools = new Map<string, FunctionPool>();
  readonly #events = new EventEmitter();
  readonly #invoker: Invoker;
  readonly #capacity: Capacity;
  readonly #scratchRoot: string;
  readonly #logger: Logger;
  readonly #cgroups;
  #closed = false;

  constructor(options: LocalRuntimeOptions) {
    this.runId = options.runId ?? randomUUID();
    const name = `lectern-${process.pid}-${runtimes++}`;
    const { cgroups, report } = setUpIsolation(options.isolation ?? 'auto', name);
    this.#cgroups = cgroups;
    this.isolation = report;
    this.#scratchRoot = options.scratchRoot ?? join(tmpdir(), name);
    if (options.scratchRoot === undefined) removeStaleScratchRoots(tmpdir());
    this.#capacity = new Capacity(memoryBudget(options), options.concurrencyLimit ?? 1000);
    this.#logger = options.logger ?? silentLogger;
    this.#logger.info(
      { isolation: report, memoryBudgetMb: this.#capacity.budgetMb },
      'runtime started',
    );
    this.#invoker = new Invoker({
      pools: this.#pools,
      capacity: this.#capacity,
      records: options.records,
      clock: options.clock ?? systemClock,
      logger: this.#logger,
      events: this.#events,
      runId: this.runId,
      priceTable: options.priceTable ?? AWS_2026,
      dispatch: options.dispatch,
      instanceDefaults: {
        hostPath: options.hostPath ?? instanceHostPath(),
        scratchRoot: this.#scratchRoot,
        cgroups,
        services: options.services ?? {},
        logLevel: options.logLevel ?? 'info',
        minInitTimeoutMs: MIN_INIT_TIMEOUT_MS,
      },
    });
  }

  /** Memory the live instances may hold together, in MB. */
  get memoryBudgetMb(): number {
    return this.#capacity.budgetMb;
  }

  /**
   * Validates and deploys `spec`; resolves once its provisioned instances (if any) have
   * finished init. Throws INVALID_CONFIGURATION, FUNCTION_EXISTS or INIT_ERROR.
   */
  async deploy(spec: FunctionSpec): Promise<DeployedFunction> {
    this.#assertOpen();
    const resolved = resolveFunctionSpec(spec);
    if (this.#pools.has(resolved.name)) {
      throw new PlatformError('FUNCTION_EXISTS', 'a function of this name is already deployed', {
        functionName: resolved.name,
      });
    }
    this.#capacity.checkDeploy(resolved, this.#pools.values());
    const pool: FunctionPool = { spec: resolved, instances: new Set() };
    this.#pools.set(resolved.name, pool);
    try {
      await this.#invoker.lifecycle.provision(pool, resolved.provisionedConcurrency);
    } catch (error) {
      await this.undeploy(resolved.name);
      throw error;
    }
    const deployed = this.describe(resolved.name);
    if (deployed.cpuShareExceedsHost) {
      this.#logger.warn(
        { function: resolved.name, vcpus: deployed.vcpus, hostCpus: this.isolation.hostCpus },
        'the CPU share of this memory size exceeds the host cores and is not fully honoured',
      );
    }
    return deployed;
  }

  /** Changes a function's provisioned concurrency: starts or releases instances. */
  async setProvisionedConcurrency(functionName: string, count: number): Promise<void> {
    const pool = this.#invoker.pool(functionName);
    const resolved = resolveFunctionSpec({ ...pool.spec, provisionedConcurrency: count });
    const others = [...this.#pools.values()].filter((other) => other !== pool);
    this.#capacity.checkDeploy(resolved, others);
    pool.spec = resolved;
    await this.#invoker.lifecycle.provision(pool, count);
  }

  /** Removes a function; its instances are stopped and invocations in flight fail. */
  async undeploy(functionName: string): Promise<void> {
    const pool = this.#invoker.pool(functionName);
    this.#pools.delete(functionName);
    await this.#invoker.lifecycle.drain(pool);
  }

  /**
   * Runs one invocation and resolves with its result and record. Rejects with a PlatformError
   * (FUNCTION_NOT_FOUND, PAYLOAD_TOO_LARGE, THROTTLED, INIT_ERROR, HANDLER_ERROR, TIMEOUT,
   * OUT_OF_MEMORY, ...) whose `details.requestId` names the record.
   */
  invoke(
    functionName: string,
    payload: unknown,
    options: InvokeOptions = {},
  ): Promise<InvokeResult> {
    this.#assertOpen();
    return this.#invoker.invoke(functionName, payload, options);
  }

  /** A deployed function with its CPU share and isolation. */
  describe(functionName: string): DeployedFunction {
    const { spec } = this.#invoker.pool(functionName);
    const share = cpuShare(spec.memoryMb, this.isolation);
    return {
      spec,
      vcpus: share.vcpus,
      cpuShareExceedsHost: share.exceedsHost,
      isolation: this.isolation,
    };
  }

  /** Names of the deployed functions. */
  functions(): string[] {
    return [...this.#pools.keys()];
  }

  /** The live instances of a function (or of all), for inspection. */
  instances(functionName?: string): Array<{
    id: string;
    functionName: string;
    state: string;
    provisioned: boolean;
    invocations: number;
  }> {
    const pools = functionName ? [this.#invoker.pool(functionName)] : [...this.#pools.values()];
    return pools.flatMap((pool) =>
      [...pool.instances].map((i) => ({
        id: i.id,
        functionName: i.functionName,
        state: i.state,
        provisioned: i.provisioned,
        invocations: i.invocations,
      })),
    );
  }

  /** Subscribes to lifecycle events (instance started/stopped, invocation started/finished). */
  on<K extends keyof RuntimeEvents>(event: K, listener: (payload: RuntimeEvents[K]) => void): this {
    this.#events.on(event, listener);
    return this;
  }

  /** Removes a listener added with {@link on}. */
  off<K extends keyof RuntimeEvents>(
    event: K,
    listener: (payload: RuntimeEvents[K]) => void,
  ): this {
    this.#events.off(event, listener);
    return this;
  }

  /** Stops every instance and releases cgroups and scratch space. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const name of [...this.#pools.keys()]) await this.undeploy(name);
    this.#cgroups?.dispose();
    removeDirectory(this.#scratchRoot);
  }

  #assertOpen(): void {
    if (!this.#closed) return;
    throw new PlatformError('RUNTIME_CLOSED', 'the runtime is closed');
  }
}

function memoryBudget(options: LocalRuntimeOptions): number {
  if (options.memoryBudgetMb !== undefined) return options.memoryBudgetMb;
  const share = options.hostMemoryShare ?? 0.75;
  if (!(share > 0 && share <= 1)) {
    throw new PlatformError(
      'INVALID_CONFIGURATION',
      `hostMemoryShare must be in (0, 1]; got ${share}`,
    );
  }
  return Math.floor((hostMemoryBytes() / 1024 / 1024) * share);
}

/** The host's memory, or less when this process's own memory group caps it (a container). */
function hostMemoryBytes(): number {
  const constrained = process.constrainedMemory?.() ?? 0;
  return constrained > 0 ? Math.min(totalmem(), constrained) : totalmem();
}
