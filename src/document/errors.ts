/**
 * Failures of reading a document. Each has a stable code; the message names the document.
 */
import { LecternError } from '../errors.js';

/** Codes of document failures. Users match on these, never on message text. */
export const DocumentErrorCode = {
  EMPTY_DOCUMENT: 'EMPTY_DOCUMENT',
  UNSUPPORTED_FORMAT: 'UNSUPPORTED_FORMAT',
  CORRUPT_IMAGE: 'CORRUPT_IMAGE',
  TRUNCATED_IMAGE: 'TRUNCATED_IMAGE',
  CORRUPT_PDF: 'CORRUPT_PDF',
  ENCRYPTED_PDF: 'ENCRYPTED_PDF',
  WRONG_PASSWORD: 'WRONG_PASSWORD',
  NO_PAGES: 'NO_PAGES',
  TOO_MANY_PAGES: 'TOO_MANY_PAGES',
  PAGE_TOO_LARGE: 'PAGE_TOO_LARGE',
  MODEL_NOT_FOUND: 'MODEL_NOT_FOUND',
  LANGUAGE_NOT_AVAILABLE: 'LANGUAGE_NOT_AVAILABLE',
  INVALID_OPTION: 'INVALID_OPTION',
  INVALID_RESULT: 'INVALID_RESULT',
} as const;

export type DocumentErrorCode = (typeof DocumentErrorCode)[keyof typeof DocumentErrorCode];

export class DocumentError extends LecternError {
  constructor(
    code: DocumentErrorCode,
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
