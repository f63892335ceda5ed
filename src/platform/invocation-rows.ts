/**
 * @module What the invocation queue takes and reports, and how its SQLite rows
 * (invocations-schema.ts) become those objects.
 */

/** Options of `InvocationQueue.enqueue`. */
export interface EnqueueOptions {
  /** The same key enqueued again gives back the first invocation instead of a new one. */
  idempotencyKey?: string;
  /**
   * Retries after a failed attempt, 0 to 2. Default: the function's setting when the attempt
   * fails (the queue's `retryAttemptsOf`), else 2.
   */
  retryAttempts?: 0 | 1 | 2;
  /** Opaque facts carried to the executor (parent request id, trigger). */
  origin?: Record<string, string>;
}

/** An invocation handed to a dispatcher. */
export interface ClaimedInvocation {
  requestId: string;
  functionName: string;
  payload: unknown;
  /** 1-based number of this attempt. */
  attempt: number;
  maxAttempts: number;
  origin: Record<string, string>;
  /** Identifies this claim; outcomes reported under an older claim are ignored. */
  leaseToken: string;
  claimedAt: number;
}

/** What became of a failed attempt. */
export type FailureOutcome = 'retry' | 'dead' | 'stale';

/** Where an asynchronous invocation stands. `succeeded` and `dead` are final. */
export type InvocationState = 'queued' | 'running' | 'succeeded' | 'dead';

/** An asynchronous invocation as the queue holds it. Times in epoch ms. */
export interface QueuedInvocation {
  requestId: string;
  functionName: string;
  state: InvocationState;
  /** Attempts that ran to an outcome (throttles and interruptions are not attempts). */
  attempts: number;
  /** Absent when it follows the function's retry setting. */
  maxAttempts?: number;
  throttles: number;
  interruptions: number;
  payloadBytes: number;
  idempotencyKey?: string;
  origin: Record<string, string>;
  enqueuedAt: number;
  /** When it may run next (queued only). */
  availableAt: number;
  finishedAt?: number;
  /** The error of the last failed attempt, if any. */
  errorCode?: string;
  errorMessage?: string;
}

/** An invocation that used up its attempts, kept with its payload and last error. */
export interface DeadLetter {
  id: number;
  requestId: string;
  functionName: string;
  payload: unknown;
  attempts: number;
  errorCode: string;
  errorMessage: string;
  /**
   * The error's details, when it had any: for a handler error, `error` holds the handler's own
   * name and code (the stack left out).
   */
  errorDetails?: Record<string, unknown>;
  deadAt: number;
  /** Set once the invocation was re-driven. */
  redrivenAt?: number;
}

/** One attempt at running an invocation. */
export interface InvocationAttempt {
  attempt: number;
  startedAt: number;
  endedAt: number;
  outcome: 'success' | 'error' | 'throttled' | 'interrupted';
  errorCode?: string;
  errorMessage?: string;
}

/** A row of `async_invocations`. */
export interface QueueRow {
  seq: number;
  request_id: string;
  function_name: string;
  payload: string;
  payload_bytes: number;
  idempotency_key: string | null;
  origin: string | null;
  state: InvocationState;
  max_attempts: number | null;
  attempts: number;
  throttles: number;
  interruptions: number;
  available_at: number;
  age_from: number;
  lease_owner: string | null;
  lease_token: string | null;
  lease_expires_at: number | null;
  enqueued_at: number;
  updated_at: number;
  finished_at: number | null;
  error_code: string | null;
  error_message: string | null;
  result: string | null;
}

export function invocationFromRow(row: QueueRow): QueuedInvocation {
  return {
    requestId: row.request_id,
    functionName: row.function_name,
    state: row.state,
    attempts: row.attempts,
    ...(row.max_attempts === null ? {} : { maxAttempts: row.max_attempts }),
    throttles: row.throttles,
    interruptions: row.interruptions,
    payloadBytes: row.payload_bytes,
    ...(row.idempotency_key === null ? {} : { idempotencyKey: row.idempotency_key }),
    origin: row.origin === null ? {} : JSON.parse(row.origin),
    enqueuedAt: row.enqueued_at,
    availableAt: row.available_at,
    ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
    ...(row.error_code === null ? {} : { errorCode: row.error_code }),
    ...(row.error_message === null ? {} : { errorMessage: row.error_message }),
  };
}

export function deadLetterFromRow(row: Record<string, unknown>): DeadLetter {
  return {
    id: Number(row.id),
    requestId: String(row.request_id),
    functionName: String(row.function_name),
    payload: JSON.parse(String(row.payload)),
    attempts: Number(row.attempts),
    errorCode: String(row.error_code),
    errorMessage: String(row.error_message),
    ...(row.error_details === null ? {} : { errorDetails: JSON.parse(String(row.error_details)) }),
    deadAt: Number(row.dead_at),
    ...(row.redriven_at === null ? {} : { redrivenAt: Number(row.redriven_at) }),
  };
}

export function attemptFromRow(row: Record<string, unknown>): InvocationAttempt {
  return {
    attempt: Number(row.attempt),
    startedAt: Number(row.started_at),
    endedAt: Number(row.ended_at),
    outcome: row.outcome as InvocationAttempt['outcome'],
    ...(row.error_code === null ? {} : { errorCode: String(row.error_code) }),
    ...(row.error_message === null ? {} : { errorMessage: String(row.error_message) }),
  };
}
