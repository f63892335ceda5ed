import { describe, expect, it } from 'vitest';
import { DocumentError } from '../src/document/errors.js';
import { errorCode, LecternError } from '../src/errors.js';

describe('LecternError', () => {
  it('names its subject in the message and keeps code, cause and details', () => {
    const cause = new Error('bad marker');
    const error = new DocumentError('CORRUPT_IMAGE', 'the JPEG data is damaged', {
      document: 'receipts/000.jpg',
      cause,
      details: { page: 1 },
    });

    expect(error).toBeInstanceOf(LecternError);
    expect(error.message).toBe('receipts/000.jpg: the JPEG data is damaged');
    expect(error.code).toBe('CORRUPT_IMAGE');
    expect(error.cause).toBe(cause);
    expect(error.toJSON()).toMatchObject({ code: 'CORRUPT_IMAGE', details: { page: 1 } });
  });

  it('reports INTERNAL as the code of errors that are not Lectern errors', () => {
    expect(errorCode(new TypeError('x'))).toBe('INTERNAL');
    expect(errorCode(new LecternError('TIMEOUT', 'late'))).toBe('TIMEOUT');
  });
});
