/**
 * @module Failures of the Deep Reader workflow itself (the document library's own failures
 * keep their DocumentError codes). Each has a stable code; the message names the document.
 */
import { LecternError } from '../../errors.js';

/** Codes of workflow failures. */
export const WorkflowErrorCode = {
  /** A tile's detection failed even after retries; details say which tile and why. */
  DETECTION_FAILED: 'DETECTION_FAILED',
  /** A page's function failed; details say which page and why. */
  PAGE_FAILED: 'PAGE_FAILED',
  /** The OCR function itself failed on every attempt (timeout, out of memory, crash). */
  INVOCATION_FAILED: 'INVOCATION_FAILED',
  /** The S3 event could not be understood. */
  INVALID_EVENT: 'INVALID_EVENT',
} as const;

export type WorkflowErrorCode = (typeof WorkflowErrorCode)[keyof typeof WorkflowErrorCode];

/** A workflow failure; `subject` is the document key. */
export class WorkflowError extends LecternError {
  declare readonly code: WorkflowErrorCode;

  constructor(
    code: WorkflowErrorCode,
    message: string,
    options: { document?: string; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(code, message, {
      subject: options.document,
      cause: options.cause,
      details: options.details,
    });
  }
}
