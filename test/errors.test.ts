import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentError } from '../src/document/errors.js';
import { errorCode, failureOf, LecternError } from '../src/errors.js';

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

describe('failureOf', () => {
  it('keeps a system error’s code and says its reason once, without the path named', async () => {
    const file = join(tmpdir(), 'lectern-no-such-file.png');
    const error = await readFile(file).catch((e: unknown) => e);

    expect(failureOf(error, file)).toEqual({
      code: 'ENOENT',
      message: 'no such file or directory',
    });
  });

  it('drops the system call of a system error that names no path', async () => {
    const error = await readFile(tmpdir()).catch((e: unknown) => e);

    expect(failureOf(error, tmpdir())).toEqual({
      code: 'EISDIR',
      message: 'illegal operation on a directory',
    });
  });

  it('names the path of a system error about another file', async () => {
    const other = join(tmpdir(), 'lectern-missing', 'out.json');
    const error = await readFile(other).catch((e: unknown) => e);

    expect(failureOf(error, 'in.png')).toEqual({
      code: 'ENOENT',
      message: `no such file or directory: ${other}`,
    });
  });

  it('keeps a Lectern error as it is and calls anything else INTERNAL', () => {
    const error = new DocumentError('EMPTY_DOCUMENT', 'the document is empty', { document: 'a' });

    expect(failureOf(error, 'a')).toEqual({
      code: 'EMPTY_DOCUMENT',
      message: 'a: the document is empty',
    });
    expect(failureOf(new TypeError('x is undefined'))).toEqual({
      code: 'INTERNAL',
      message: 'x is undefined',
    });
  });
});
