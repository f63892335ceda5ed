/**
 * @module Failures of the serverless platform: functions, instances and invocations. Each has a
 * stable code; the message names the function concerned.
 */
import { LecternError } from '../errors.js';

/** Codes of platform failures. Users match on these, never on message text. */
export const PlatformErrorCode = {
  /** A function spec or runtime option is out of its allowed range. */
  INVALID_CONFIGURATION: 'INVALID_CONFIGURATION',
  /** No function of that name is deployed. */
  FUNCTION_NOT_FOUND: 'FUNCTION_NOT_FOUND',
  /** A function of that name is already deployed. */
  FUNCTION_EXISTS: 'FUNCTION_EXISTS',
  /** The invocation ran longer than the function's timeout; its instance was killed. */
  TIMEOUT: 'TIMEOUT',
  /** The instance exceeded its memory size and was killed. */
  OUT_OF_MEMORY: 'OUT_OF_MEMORY',
  /** No instance could be started within the concurrency limits (synchronous call refused). */
  THROTTLED: 'THROTTLED',
  /** A request or response payload is larger than the invocation type allows. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** A payload is not JSON-serialisable. */
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  /** The handler threw or rejected. */
  HANDLER_ERROR: 'HANDLER_ERROR',
  /** Importing the handler module or running its `init` failed. */
  INIT_ERROR: 'INIT_ERROR',
  /** The instance process exited while it held an invocation (crash, `process.exit`). */
  INSTANCE_EXITED: 'INSTANCE_EXITED',
  /** The instance wrote more to its scratch directory than its ephemeral storage allows. */
  STORAGE_LIMIT_EXCEEDED: 'STORAGE_LIMIT_EXCEEDED',
  /** A service (object store, shared volume) was used but the runtime was given none. */
  SERVICE_NOT_CONFIGURED: 'SERVICE_NOT_CONFIGURED',
  /** The runtime was closed, or the function undeployed, while the invocation waited. */
  RUNTIME_CLOSED: 'RUNTIME_CLOSED',
  /** The compiled instance host is missing (the package was not built). */
  HOST_NOT_BUILT: 'HOST_NOT_BUILT',
} as const;

export type PlatformErrorCode = (typeof PlatformErrorCode)[keyof typeof PlatformErrorCode];

/** A platform failure; `subject` is the function name. `details.requestId` when one exists. */
export class PlatformError extends LecternError {
  declare readonly code: PlatformErrorCode;

  constructor(
    code: PlatformErrorCode,
    message: string,
    options: { functionName?: string; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(code, message, {
      subject: options.functionName,
      cause: options.cause,
      details: options.details,
    });
  }
}

/** True when `error` is a PlatformError with one of `codes` (any code when none given). */
export function isPlatformError(error: unknown, ...codes: PlatformErrorCode[]): boolean {
  if (!(error instanceof PlatformError)) return false;
  return codes.length === 0 || codes.includes(error.code);
}
