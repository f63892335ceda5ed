/**
 * @module Failures of the object store, the shared volume and bucket notifications.
 */
import { LecternError } from '../../errors.js';

/** Stable codes of {@link StorageError}. */
export type StorageErrorCode =
  | 'INVALID_BUCKET_NAME'
  | 'INVALID_OBJECT_KEY'
  | 'OBJECT_NOT_FOUND'
  | 'OBJECT_CORRUPT'
  | 'PATH_OUTSIDE_VOLUME'
  | 'INVALID_NOTIFICATION'
  | 'INVALID_S3_EVENT';

/** A storage failure; `subject` is the bucket/key or volume path concerned. */
export class StorageError extends LecternError {
  declare readonly code: StorageErrorCode;

  constructor(
    code: StorageErrorCode,
    message: string,
    options: { subject?: string; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(code, message, options);
  }
}
