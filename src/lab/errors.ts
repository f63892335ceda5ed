/**
 * @module Failures of the lab's experiments (the document library and the platform keep their
 * own codes). Each has a stable code; the message names the input it concerns.
 */
import { LecternError } from '../errors.js';

/** Codes of lab failures. */
export const LabErrorCode = {
  /** The experiment needs one page to be read by OCR, and the input is not that. */
  NOT_ONE_OCR_PAGE: 'NOT_ONE_OCR_PAGE',
  /** A measured document ended in a failure, or in nothing, instead of its result. */
  ROUND_FAILED: 'ROUND_FAILED',
  /** An evaluation folder holds neither of the dataset layouts `lectern eval` knows. */
  NOT_A_DATASET: 'NOT_A_DATASET',
  /** A ground-truth file of a dataset cannot be read as its layout says. */
  BAD_GROUND_TRUTH: 'BAD_GROUND_TRUTH',
} as const;

export type LabErrorCode = (typeof LabErrorCode)[keyof typeof LabErrorCode];

/** A lab failure; `subject` is the input file. */
export class LabError extends LecternError {
  declare readonly code: LabErrorCode;

  constructor(
    code: LabErrorCode,
    message: string,
    options: { file?: string; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(code, message, { subject: options.file, cause: options.cause, details: options.details });
  }
}
