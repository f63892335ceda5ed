/**
 * @module What an invocation's run amounts to: its response (checked against the response
 * size limit) or its error, and the outcome fields of its record.
 */
import { type PlatformError, PlatformError as PlatformErrorClass } from '../errors.js';
import { PAYLOAD_LIMITS } from '../payload.js';
import type { InvocationOutcome } from '../records.js';
import type { RunOutcome } from './instance.js';

/** The response or error of a run, and the fields its record takes from it. */
export interface ConcludedRun {
  payload?: unknown;
  payloadOutBytes: number;
  error?: PlatformError;
  fields: { outcome: InvocationOutcome; errorCode?: string; errorMessage?: string };
}

const OUTCOME_OF_CODE: Record<string, InvocationOutcome> = {
  TIMEOUT: 'timeout',
  OUT_OF_MEMORY: 'out-of-memory',
};

/** Concludes `run`: a response over 6 MB fails with PAYLOAD_TOO_LARGE, as on Lambda. */
export function outcomeOf(functionName: string, run: RunOutcome): ConcludedRun {
  if (!run.ok) return failed(run.error, 0);
  const bytes = Buffer.byteLength(run.body);
  const limit = PAYLOAD_LIMITS.RequestResponse;
  if (bytes > limit) {
    const error = new PlatformErrorClass(
      'PAYLOAD_TOO_LARGE',
      `the response payload of ${bytes} bytes exceeds the ${limit}-byte limit`,
      { functionName, details: { bytes, limit, direction: 'response' } },
    );
    return failed(error, bytes);
  }
  return { payload: JSON.parse(run.body), payloadOutBytes: bytes, fields: { outcome: 'success' } };
}

function failed(error: PlatformError, payloadOutBytes: number): ConcludedRun {
  const outcome = OUTCOME_OF_CODE[error.code] ?? 'error';
  return {
    error,
    payloadOutBytes,
    fields: { outcome, errorCode: error.code, errorMessage: error.message },
  };
}
