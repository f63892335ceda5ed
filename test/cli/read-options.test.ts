import { Command, InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseFormat } from '../../src/cli/formats.js';
import {
  parseEngine,
  parseGrid,
  parseLanguages,
  parseOverlap,
  parsePositiveInteger,
} from '../../src/cli/read-options.js';

describe('option parsers', () => {
  it.each([
    ['parseGrid', parseGrid, '3x3', { rows: 3, cols: 3 }],
    ['parseGrid', parseGrid, ' 1X2 ', { rows: 1, cols: 2 }],
    ['parseOverlap', parseOverlap, '0', 0],
    ['parseOverlap', parseOverlap, '64', 64],
    ['parseEngine', parseEngine, 'Tesseract', 'tesseract'],
    ['parseLanguages', parseLanguages, 'deu,eng, fra,deu', ['deu', 'eng', 'fra']],
    ['parseFormat', parseFormat, 'hocr', 'hocr'],
    ['parsePositiveInteger', parsePositiveInteger, '40', 40],
  ] as Array<[string, (value: string) => unknown, string, unknown]>)(
    '%s accepts %j',
    (_name, parse, value, expected) => {
      expect(parse(value)).toEqual(expected);
    },
  );

  it.each([
    ['parseGrid', parseGrid, '0x3', 'rows and columns must be whole numbers from 1 to 10'],
    ['parseGrid', parseGrid, '3x11', 'from 1 to 10'],
    ['parseGrid', parseGrid, '3', 'expected ROWSxCOLS, e.g. 3x3'],
    ['parseOverlap', parseOverlap, '-1', 'from 0 to 1024'],
    ['parseOverlap', parseOverlap, '2.5', 'from 0 to 1024'],
    ['parseEngine', parseEngine, 'paddle', 'must be one of onnx, tesseract'],
    ['parseLanguages', parseLanguages, 'eng,xyz', 'must list languages among eng, deu, fra'],
    ['parseFormat', parseFormat, 'pdf', 'must be one of json, text, hocr, textract'],
    ['parsePositiveInteger', parsePositiveInteger, '0', 'from 1 up'],
  ] as Array<[string, (value: string) => unknown, string, string]>)(
    '%s rejects %j',
    (_name, parse, value, message) => {
      expect(() => parse(value)).toThrow(InvalidArgumentError);
      expect(() => parse(value)).toThrow(message);
    },
  );

  it('lets commander name the option, the value and the allowed range', async () => {
    const errors: string[] = [];
    const program = new Command()
      .exitOverride()
      .configureOutput({ writeErr: (text) => errors.push(text) })
      .option('--tiles <RxC>', 'grid', parseGrid);

    await expect(program.parseAsync(['node', 'lectern', '--tiles', '0x3'])).rejects.toThrow();
    expect(errors.join('')).toContain(
      "option '--tiles <RxC>' argument '0x3' is invalid. rows and columns must be whole numbers from 1 to 10",
    );
  });
});
