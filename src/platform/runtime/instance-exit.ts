/**
 * @module The errors an instance's invocations fail with, from why its process ended (or what
 * its handler threw). Messages name the function and the limit that was hit.
 */
import { PlatformError } from '../errors.js';
import type { SerializedError } from './protocol.js';

/** Why the runtime ended an instance process. */
export type KillReason =
  | 'timeout'
  | 'init-timeout'
  | 'out-of-memory'
  | 'storage'
  | 'init-failed'
  | 'retired';

/** Facts about the instance, attached to its errors. */
export interface InstanceFacts {
  functionName: string;
  instanceId: string;
  memoryMb: number;
  timeoutMs: number;
  initTimeoutMs: number;
  ephemeralStorageMb: number;
  requestId?: string;
}

/** The error of an invocation (or init) whose instance ended for `reason`. */
export function exitError(
  reason: KillReason | undefined,
  facts: InstanceFacts,
  extra: Record<string, unknown> = {},
): PlatformError {
  const { functionName } = facts;
  const details = { ...facts, ...extra };
  switch (reason) {
    case 'timeout':
      return new PlatformError(
        'TIMEOUT',
        `the invocation ran past its timeout of ${facts.timeoutMs} ms; its instance was stopped`,
        { functionName, details },
      );
    case 'init-timeout':
      return new PlatformError(
        'TIMEOUT',
        `init ran past its limit of ${facts.initTimeoutMs} ms; the instance was stopped`,
        { functionName, details },
      );
    case 'out-of-memory':
      return new PlatformError(
        'OUT_OF_MEMORY',
        `the instance exceeded its memory size of ${facts.memoryMb} MB and was stopped`,
        { functionName, details },
      );
    case 'storage':
      return new PlatformError(
        'STORAGE_LIMIT_EXCEEDED',
        `the instance wrote more than its ${facts.ephemeralStorageMb} MB of scratch storage`,
        { functionName, details },
      );
    case 'retired':
      return new PlatformError('RUNTIME_CLOSED', 'the instance was retired during the invocation', {
        functionName,
        details,
      });
    default:
      return new PlatformError(
        'INSTANCE_EXITED',
        `the instance process exited (${describeExit(extra)}) during the invocation`,
        { functionName, details },
      );
  }
}

/** INIT_ERROR for an instance whose handler module or `init` failed. */
export function initError(
  facts: InstanceFacts,
  cause: SerializedError | PlatformError,
): PlatformError {
  if (cause instanceof PlatformError && cause.code !== 'INSTANCE_EXITED') return cause;
  return new PlatformError('INIT_ERROR', `init failed: ${cause.message}`, {
    functionName: facts.functionName,
    cause,
    details: { ...facts, ...(cause instanceof PlatformError ? {} : { error: cause }) },
  });
}

/** HANDLER_ERROR for a handler that threw; `details.error` keeps its name, code and stack. */
export function handlerError(facts: InstanceFacts, error: SerializedError): PlatformError {
  return new PlatformError('HANDLER_ERROR', `${error.name}: ${error.message}`, {
    functionName: facts.functionName,
    details: { requestId: facts.requestId, instanceId: facts.instanceId, error },
  });
}

function describeExit(extra: Record<string, unknown>): string {
  if (extra.signal) return `signal ${String(extra.signal)}`;
  return `code ${String(extra.code)}`;
}
