import { describe, expect, it } from 'vitest';
import { DocumentError } from '../../../src/document/errors.js';
import { sniffFormat } from '../../../src/document/pages.js';

const bytes = (...values: Array<number | string>): Uint8Array =>
  Buffer.concat(
    values.map((v) => (typeof v === 'string' ? Buffer.from(v, 'latin1') : Buffer.from([v]))),
  );

function sniffError(input: Uint8Array): DocumentError {
  try {
    sniffFormat(input, 'upload.jpg');
  } catch (error) {
    if (error instanceof DocumentError) return error;
    throw error;
  }
  throw new Error('sniffFormat accepted the input');
}

describe('sniffFormat', () => {
  it.each([
    ['jpeg', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'JFIF')],
    ['png', bytes(0x89, 'PNG\r\n', 0x1a, '\n', 0, 0, 0, 0x0d, 'IHDR')],
    ['tiff', bytes('II*', 0, 8, 0, 0, 0)],
    ['tiff', bytes('MM', 0, '*', 0, 0, 0, 8)],
    ['webp', bytes('RIFF', 0x24, 0, 0, 0, 'WEBPVP8 ')],
    ['pdf', bytes('%PDF-1.7\n')],
  ])('recognises %s from its first bytes', (format, input) => {
    expect(sniffFormat(input, 'x')).toBe(format);
  });

  it('finds a PDF header after leading junk, as Acrobat does', () => {
    expect(sniffFormat(bytes('\r\n\xef\xbb\xbfjunk %PDF-1.4\n'), 'x')).toBe('pdf');
  });

  it('refuses 0 bytes as EMPTY_DOCUMENT, naming the document', () => {
    const error = sniffError(new Uint8Array(0));
    expect(error.code).toBe('EMPTY_DOCUMENT');
    expect(error.message).toContain('upload.jpg');
  });

  it.each([
    ['HEIC', bytes(0, 0, 0, 0x18, 'ftypheic', 0, 0, 0, 0, 'mif1heic')],
    ['AVIF', bytes(0, 0, 0, 0x1c, 'ftypavif', 0, 0, 0, 0)],
    ['GIF', bytes('GIF89a', 1, 0, 1, 0, 0x80, 0, 0)],
    ['BMP', bytes('BM', 0x36, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 0x28, 0)],
    ['Word document (DOCX)', bytes('PK', 3, 4, 20, 0, 6, 0, 'word/document.xml')],
    ['ZIP archive', bytes('PK', 3, 4, 20, 0, 6, 0, 'notes.txt')],
    ['legacy Microsoft Office', bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)],
    ['plain text', bytes('Total: 12.50 EUR\n')],
  ])('refuses %s as UNSUPPORTED_FORMAT and names it', (name, input) => {
    const error = sniffError(input);
    expect(error.code).toBe('UNSUPPORTED_FORMAT');
    expect(error.message).toContain(name);
    expect(error.message).toContain('upload.jpg');
  });

  it('refuses unrecognisable bytes without pretending to know what they are', () => {
    const error = sniffError(bytes(0x00, 0x01, 0x02, 0x03, 0xfe, 0xfd));
    expect(error.code).toBe('UNSUPPORTED_FORMAT');
    expect(error.details).toEqual({ detected: 'unknown' });
  });
});
