/**
 * @module Failures of the asynchronous invocation queue (the runtime's own failures are
 * PlatformErrors, see errors.ts).
 */
import { errorCode, LecternError } from '../errors.js';
import type { QueueRow } from './invocation-rows.js';

/** Stable codes of {@link InvocationError}. */
export type InvocationErrorCode =
  /** The platform stopped (or died) while the invocation ran, too many times in a row. */
  | 'INVOCATION_INTERRUPTED'
  /** The invocation waited longer than the maximum event age (throttled all along). */
  | 'EVENT_EXPIRED'
  /** No queued invocation has that request id. */
  | 'INVOCATION_NOT_FOUND'
  /** Only dead-lettered or failed-and-waiting invocations can be re-driven. */
  | 'INVOCATION_NOT_REDRIVABLE'
  /** The queue was closed. */
  | 'QUEUE_CLOSED';

/** A queue failure; `subject` is the function name, `details.requestId` the invocation. */
export class InvocationError extends LecternError {
  declare readonly code: InvocationErrorCode;

  constructor(
    code: InvocationErrorCode,
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

/** A failed attempt as the queue stores it. */
export interface Failure {
  code: string;
  message: string;
  attempts: number;
  /** JSON of the error's details. */
  details?: string | null;
}

/** The code, message and details (JSON, stacks left out) of any thrown value. */
export function describeFailure(error: unknown): {
  code: string;
  message: string;
  details: string | null;
} {
  if (!(error instanceof Error))
    return { code: errorCode(error), message: String(error), details: null };
  const details = error instanceof LecternError ? withoutStacks(error.details) : {};
  const json = Object.keys(details).length === 0 ? null : JSON.stringify(details);
  return { code: errorCode(error), message: error.message, details: json };
}

// Stacks are long and name build paths; the dead letter keeps what an operator acts on.
function withoutStacks(details: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(details, (key, value) => (key === 'stack' ? undefined : value)));
}

/** INVOCATION_NOT_REDRIVABLE for an invocation that is neither dead nor failed. */
export function notRedrivable(row: QueueRow): InvocationError {
  const why = row.error_code === null ? ' and has not failed' : '';
  return new InvocationError(
    'INVOCATION_NOT_REDRIVABLE',
    `invocation ${row.request_id} is ${row.state}${why}; only dead or failed ones can be re-driven`,
    { functionName: row.function_name, details: { requestId: row.request_id } },
  );
}
