/**
 * @module One instance as the runtime sees it: a process that initialises once, then runs one
 * invocation at a time until it is retired or dies. Timeouts and the memory limit end the
 * process; the reason it ended becomes the invocation's error.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Logger } from '../../logger.js';
import type { Clock, ClockTimer } from '../clock.js';
import type { PlatformError } from '../errors.js';
import type { ResolvedFunctionSpec } from '../function.js';
import type { Cgroups, InstanceGroup } from './cgroups.js';
import type { StopReason } from './events.js';
import {
  exitError,
  handlerError,
  type InstanceFacts,
  initError,
  type KillReason,
} from './instance-exit.js';
import { residentBytes, spawnInstance } from './instance-spawn.js';
import type { FromInstance, InstanceConfig, ToInstance } from './protocol.js';
import { directoryBytes, removeDirectory } from './scratch.js';

/** Everything an instance needs from its runtime. */
export interface InstanceOptions {
  config: InstanceConfig;
  spec: ResolvedFunctionSpec;
  hostPath: string;
  scratchDir: string;
  cgroups: Cgroups | undefined;
  clock: Clock;
  logger: Logger;
  /** Init may take this long before the instance is stopped. */
  initTimeoutMs: number;
  onNestedInvoke(instance: Instance, message: Extract<FromInstance, { t: 'invoke' }>): void;
  onExit(instance: Instance): void;
}

/** How one invocation ended on this instance. */
export type RunOutcome = {
  durationMs: number;
  maxMemoryUsedMb?: number;
  logs: string[];
} & ({ ok: true; body: string } | { ok: false; error: PlatformError });

type Waiter<T> = { resolve(value: T): void; reject(error: unknown): void };
type Running = Waiter<RunOutcome> & { requestId: string; sentAt: number; timer: ClockTimer };

/**
 * Approximate mode samples resident memory this often. Shortcoming: a fast allocator can go past
 * the limit between two samples; only the kernel's limit (cgroup mode) is exact.
 */
const RSS_SAMPLE_MS = 50;
const STDERR_TAIL = 4096;

/** A running instance process. */
export class Instance {
  readonly id: string;
  readonly functionName: string;
  /** Provisioned instances are never retired for idleness. */
  provisioned: boolean;
  state: 'starting' | 'idle' | 'busy' | 'dead' = 'starting';
  /** Invocations served so far. */
  invocations = 0;
  initDurationMs: number | undefined;
  /** Log lines written during init, handed to the first invocation's record. */
  initLogs: string[] = [];
  keepAlive: ClockTimer | undefined;
  lastUsed = 0;
  /** Started for a waiting request: it goes from init straight to busy, never idle. */
  claimed = false;
  /** True once init has finished (a provisioned instance that never got there is not replaced). */
  initialised = false;
  /** Why the process ended, once it has. */
  endReason: StopReason = 'exited';
  /** Resolves once the process has ended and its resources are released. */
  readonly exited: Promise<void>;

  readonly #options: InstanceOptions;
  readonly #child: ChildProcess;
  readonly #group: InstanceGroup | undefined;
  #ready: Waiter<void> | undefined;
  #readyPromise: Promise<void>;
  #running: Running | undefined;
  #killReason: KillReason | undefined;
  #stderrTail = '';
  #sampler: NodeJS.Timeout | undefined;
  #initTimer: ClockTimer | undefined;
  #markExited: () => void = () => {};

  constructor(options: InstanceOptions) {
    this.#options = options;
    this.exited = new Promise<void>((resolve) => {
      this.#markExited = resolve;
    });
    this.id = options.config.instanceId;
    this.functionName = options.spec.name;
    this.provisioned = options.config.provisioned;
    this.#readyPromise = new Promise<void>((resolve, reject) => {
      this.#ready = { resolve, reject };
    });
    this.#readyPromise.catch(() => {});
    const spawned = spawnInstance(options);
    this.#child = spawned.child;
    this.#group = spawned.group;
    this.#watch();
    this.#initTimer = options.clock.setTimeout(
      () => this.kill('init-timeout'),
      options.initTimeoutMs,
    );
  }

  /** Resolves when init has finished; rejects with INIT_ERROR, TIMEOUT or OUT_OF_MEMORY. */
  ready(): Promise<void> {
    return this.#readyPromise;
  }

  /** Runs one invocation; never rejects: failures come back as `ok: false`. */
  run(requestId: string, body: string, timeoutMs: number, coldStart: boolean): Promise<RunOutcome> {
    this.state = 'busy';
    this.invocations += 1;
    return new Promise<RunOutcome>((resolve, reject) => {
      const sentAt = this.#options.clock.now();
      const timer = this.#options.clock.setTimeout(() => this.kill('timeout'), timeoutMs);
      this.#running = { resolve, reject, requestId, sentAt, timer };
      this.#send({ t: 'invoke', requestId, body, timeoutMs, coldStart });
    });
  }

  /** Answers a nested invoke the instance made. */
  reply(message: Extract<ToInstance, { t: 'reply' }>): void {
    this.#send(message);
  }

  /** Ends the process; whatever it was doing fails with the error `reason` implies. */
  kill(reason: KillReason): void {
    if (this.state === 'dead') return;
    this.#killReason ??= reason;
    this.#child.kill('SIGKILL');
  }

  /** The id of the request it is running, if any. */
  get currentRequestId(): string | undefined {
    return this.#running?.requestId;
  }

  #send(message: ToInstance): void {
    if (this.#child.connected) this.#child.send(message);
  }

  #watch(): void {
    const child = this.#child;
    child.on('message', (message: FromInstance) => this.#receive(message));
    child.on('close', (code, signal) => this.#closed(code, signal));
    child.on('error', (error) =>
      this.#options.logger.warn({ err: error, instance: this.id }, 'instance process error'),
    );
    child.stdout?.on('data', (chunk: Buffer) => this.#output('stdout', chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.#output('stderr', chunk));
    if (!this.#group)
      this.#sampler = setInterval(() => this.#sampleMemory(), RSS_SAMPLE_MS).unref();
  }

  #receive(message: FromInstance): void {
    if (message.t === 'invoke') this.#options.onNestedInvoke(this, message);
    else if (message.t === 'result') this.#finish(message);
    else this.#initialised(message);
  }

  #initialised(message: Extract<FromInstance, { t: 'ready' | 'init-failed' }>): void {
    this.#initTimer?.cancel();
    this.initDurationMs = message.initDurationMs;
    this.initLogs = message.logs;
    if (message.t === 'ready') {
      this.initialised = true;
      this.state = this.claimed ? 'busy' : 'idle';
      this.#ready?.resolve();
      return;
    }
    this.#ready?.reject(initError(this.#facts(), message.error));
    this.kill('init-failed');
  }

  #finish(message: Extract<FromInstance, { t: 'result' }>): void {
    const running = this.#running;
    if (!running || running.requestId !== message.requestId) return;
    const facts = this.#facts();
    running.timer.cancel();
    this.#running = undefined;
    this.state = 'idle';
    const base = {
      durationMs: message.durationMs,
      maxMemoryUsedMb: Math.ceil(message.maxRssKb / 1024),
      logs: message.logs,
    };
    const storage = this.#storageError(facts);
    if (storage) running.resolve({ ...base, ok: false, error: storage });
    else if (message.ok) running.resolve({ ...base, ok: true, body: message.body });
    else running.resolve({ ...base, ok: false, error: handlerError(facts, message.error) });
  }

  #storageError(facts: InstanceFacts): PlatformError | undefined {
    const limit = this.#options.spec.ephemeralStorageMb * 1024 * 1024;
    const used = directoryBytes(this.#options.scratchDir);
    if (used <= limit) return undefined;
    this.kill('storage');
    return exitError('storage', facts, { usedBytes: used, limitBytes: limit });
  }

  #closed(code: number | null, signal: NodeJS.Signals | null): void {
    this.state = 'dead';
    this.#initTimer?.cancel();
    if (this.#sampler) clearInterval(this.#sampler);
    const oom =
      (this.#group?.oomKills() ?? 0) > 0 || /heap out of memory|heap limit/i.test(this.#stderrTail);
    const reason = this.#killReason ?? (oom ? 'out-of-memory' : undefined);
    this.endReason = stopReasonOf(reason);
    const error = exitError(reason, this.#facts(), { code, signal, stderr: this.#stderrTail });
    this.#ready?.reject(reason === undefined ? initError(this.#facts(), error) : error);
    const running = this.#running;
    if (running) {
      running.timer.cancel();
      this.#running = undefined;
      const durationMs = this.#options.clock.now() - running.sentAt;
      running.resolve({ ok: false, error, durationMs, logs: [] });
    }
    this.#group?.remove();
    removeDirectory(this.#options.scratchDir);
    this.#options.onExit(this);
    this.#markExited();
  }

  #facts(): InstanceFacts {
    return {
      functionName: this.functionName,
      instanceId: this.id,
      memoryMb: this.#options.spec.memoryMb,
      timeoutMs: this.#options.spec.timeoutMs,
      initTimeoutMs: this.#options.initTimeoutMs,
      ephemeralStorageMb: this.#options.spec.ephemeralStorageMb,
      requestId: this.#running?.requestId,
    };
  }

  #sampleMemory(): void {
    const pid = this.#child.pid;
    if (pid === undefined || this.state === 'dead') return;
    const bytes = residentBytes(pid, (path) => readFileSync(path, 'utf8'));
    if (bytes > this.#options.spec.memoryMb * 1024 * 1024) this.kill('out-of-memory');
  }

  #output(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const text = chunk.toString('utf8');
    if (stream === 'stderr') this.#stderrTail = (this.#stderrTail + text).slice(-STDERR_TAIL);
    this.#options.logger.debug(
      { instance: this.id, function: this.functionName, stream, requestId: this.currentRequestId },
      text.trimEnd(),
    );
  }
}

function stopReasonOf(reason: KillReason | undefined): StopReason {
  switch (reason) {
    case 'timeout':
    case 'out-of-memory':
    case 'storage':
      return reason;
    case 'init-failed':
    case 'init-timeout':
      return 'init-failed';
    case 'retired':
      return 'released';
    default:
      return 'exited';
  }
}
