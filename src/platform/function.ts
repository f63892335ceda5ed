/**
 * @module What a function is: its spec (validated, with Lambda's ranges and defaults) and the
 * shape of its handler module, context and services. The same handler runs on the local
 * runtime and on AWS Lambda.
 */
import type { Logger } from '../logger.js';
import { PlatformError } from './errors.js';
import type { ObjectStore, SharedVolume } from './storage/object-store.js';

/** How an invocation is made: the caller waits for the result, or the event is queued. */
export type InvocationType = 'RequestResponse' | 'Event';

/** A function as declared. Ranges are Lambda's; see {@link resolveFunctionSpec} for defaults. */
export interface FunctionSpec {
  /** 1 to 64 characters: letters, digits, `-` and `_`. */
  name: string;
  /** Absolute path of a compiled ES module (.js/.mjs) exporting `handler` and maybe `init`. */
  handler: string;
  /** 128 to 10,240 MB. Sets the memory limit, the CPU share (1 vCPU per 1,769 MB) and the price. */
  memoryMb: number;
  /** 1 ms to 900,000 ms (15 minutes). */
  timeoutMs: number;
  /** Environment variables of the instances. Default none. */
  environment?: Record<string, string>;
  /** Most instances the function may run at once, and capacity kept for it alone. Default none. */
  reservedConcurrency?: number;
  /** Instances initialised at deploy and kept warm while configured. Default 0. */
  provisionedConcurrency?: number;
  /** Retries of a failed asynchronous invocation, 0 to 2. Default 2. */
  retryAttempts?: 0 | 1 | 2;
  /** How long an idle on-demand instance is kept before it is retired. Default 300,000 ms. */
  idleKeepAliveMs?: number;
  /** Size of each instance's scratch directory (TMPDIR), 512 to 10,240 MB. Default 512. */
  ephemeralStorageMb?: number;
}

/** A validated spec with every default filled in. */
export interface ResolvedFunctionSpec extends FunctionSpec {
  environment: Record<string, string>;
  provisionedConcurrency: number;
  retryAttempts: 0 | 1 | 2;
  idleKeepAliveMs: number;
  ephemeralStorageMb: number;
}

/** What a handler reaches beyond its event: storage, the shared volume, other functions. */
export interface Services {
  objects: ObjectStore;
  volume: SharedVolume;
  invoke(
    functionName: string,
    payload: unknown,
    options?: { type?: InvocationType },
  ): Promise<unknown>;
}

/** Given to `init` once per instance, before its first invocation. */
export interface InitContext {
  functionName: string;
  memoryLimitInMB: number;
  logger: Logger;
  services: Services;
}

/** Given to the handler with each event (Lambda's context plus Lectern's services). */
export interface Context {
  requestId: string;
  functionName: string;
  memoryLimitInMB: number;
  getRemainingTimeInMillis(): number;
  logger: Logger;
  services: Services;
  /** True for the first invocation of an on-demand instance. */
  coldStart: boolean;
}

/** A function's entry point, with AWS Lambda's shape. */
export type Handler<E = unknown, R = unknown> = (event: E, context: Context) => Promise<R>;

/** What a handler module exports. */
export interface HandlerModule {
  handler: Handler;
  /** Runs once per instance before its first event; timed as the init duration. */
  init?: (context: InitContext) => Promise<void> | void;
}

/** Defaults of the optional spec fields. */
export const FUNCTION_DEFAULTS = {
  provisionedConcurrency: 0,
  retryAttempts: 2,
  idleKeepAliveMs: 300_000,
  ephemeralStorageMb: 512,
} as const;

const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const ENV_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;
/** Lambda's limit on the total size of a function's environment variables. */
const MAX_ENVIRONMENT_BYTES = 4096;

/**
 * Checks `spec` against Lambda's ranges and fills in defaults. Throws INVALID_CONFIGURATION
 * naming the option, its allowed range and the value given.
 */
export function resolveFunctionSpec(spec: FunctionSpec): ResolvedFunctionSpec {
  const name = String(spec?.name);
  if (!NAME_PATTERN.test(name)) {
    invalid(name, `name must be 1 to 64 letters, digits, "-" or "_"; got ${JSON.stringify(name)}`);
  }
  checkHandlerPath(name, spec.handler);
  checkInteger(name, 'memoryMb', spec.memoryMb, 128, 10_240, 'MB');
  checkInteger(name, 'timeoutMs', spec.timeoutMs, 1, 900_000, 'ms');
  const resolved: ResolvedFunctionSpec = {
    ...spec,
    environment: { ...(spec.environment ?? {}) },
    provisionedConcurrency: spec.provisionedConcurrency ?? FUNCTION_DEFAULTS.provisionedConcurrency,
    retryAttempts: spec.retryAttempts ?? FUNCTION_DEFAULTS.retryAttempts,
    idleKeepAliveMs: spec.idleKeepAliveMs ?? FUNCTION_DEFAULTS.idleKeepAliveMs,
    ephemeralStorageMb: spec.ephemeralStorageMb ?? FUNCTION_DEFAULTS.ephemeralStorageMb,
  };
  checkOptionalFields(resolved);
  return resolved;
}

function checkOptionalFields(spec: ResolvedFunctionSpec): void {
  const { name } = spec;
  if (spec.reservedConcurrency !== undefined) {
    checkInteger(name, 'reservedConcurrency', spec.reservedConcurrency, 0, 1_000_000, 'instances');
  }
  checkInteger(
    name,
    'provisionedConcurrency',
    spec.provisionedConcurrency,
    0,
    spec.reservedConcurrency ?? 1_000_000,
    'instances',
  );
  checkInteger(name, 'retryAttempts', spec.retryAttempts, 0, 2, 'retries');
  checkInteger(name, 'idleKeepAliveMs', spec.idleKeepAliveMs, 0, 86_400_000, 'ms');
  checkInteger(name, 'ephemeralStorageMb', spec.ephemeralStorageMb, 512, 10_240, 'MB');
  checkEnvironment(name, spec.environment);
}

function checkHandlerPath(name: string, handler: unknown): void {
  if (typeof handler === 'string' && handler.startsWith('/') && /\.(m?js|cjs)$/.test(handler)) {
    return;
  }
  invalid(
    name,
    `handler must be the absolute path of a compiled .js/.mjs module; got ${JSON.stringify(handler)}`,
  );
}

function checkInteger(
  name: string,
  option: string,
  value: unknown,
  min: number,
  max: number,
  unit: string,
): void {
  if (Number.isInteger(value) && (value as number) >= min && (value as number) <= max) return;
  const given = typeof value === 'number' ? String(value) : JSON.stringify(value);
  invalid(name, `${option} must be an integer from ${min} to ${max} ${unit}; got ${given}`);
}

function checkEnvironment(name: string, environment: Record<string, string>): void {
  let bytes = 0;
  for (const [key, value] of Object.entries(environment)) {
    if (!ENV_NAME_PATTERN.test(key) || typeof value !== 'string') {
      invalid(
        name,
        `environment variable ${JSON.stringify(key)} needs a name like A_B1 and a string value`,
      );
    }
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (bytes <= MAX_ENVIRONMENT_BYTES) return;
  invalid(name, `environment must total at most ${MAX_ENVIRONMENT_BYTES} bytes; got ${bytes}`);
}

function invalid(functionName: string, message: string): never {
  throw new PlatformError('INVALID_CONFIGURATION', message, { functionName });
}

/** vCPUs Lambda gives a memory size: one per 1,769 MB, at most 6. */
export function vcpusForMemory(memoryMb: number): number {
  return Math.min(6, memoryMb / 1769);
}
