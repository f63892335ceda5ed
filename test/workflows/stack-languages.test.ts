/**
 * A language whose Tesseract data is missing is refused before anything deploys. Every
 * supported language's data is a dependency, so `spa` is made to look missing here by a
 * resolver that cannot find its package.
 */
import type * as NodeModule from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import { parseLanguages } from '../../src/cli/read-options.js';
import { deepReaderStack } from '../../src/workflows/deep-reader/stack.js';

vi.mock('node:module', async (importOriginal) => {
  const real = await importOriginal<typeof NodeModule>();
  const createRequire: typeof real.createRequire = (from) => {
    const require = real.createRequire(from);
    const resolve = ((id: string, options?: { paths?: string[] }) => {
      if (id.startsWith('@tesseract.js-data/spa/')) {
        throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
      }
      return require.resolve(id, options);
    }) as NodeJS.RequireResolve;
    resolve.paths = require.resolve.paths;
    return Object.assign((id: string) => require(id), require, { resolve });
  };
  return { ...real, default: { ...real.default, createRequire }, createRequire };
});

describe('languages on the platform', () => {
  it('refuses a language without Tesseract data when the stack is declared', () => {
    expect(() => deepReaderStack({ languages: ['eng', 'spa'] })).toThrow(
      expect.objectContaining({
        code: 'LANGUAGE_NOT_AVAILABLE',
        message: expect.stringContaining('@tesseract.js-data/spa'),
      }),
    );
  });

  it('refuses an unknown language when the stack is declared', () => {
    expect(() => deepReaderStack({ languages: ['xyz'] })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });

  it('declares the stack with the languages deduplicated when all are installed', () => {
    const stack = deepReaderStack({ languages: ['deu', 'eng', 'deu'] });

    const page = stack.functions.find((f) => f.name === 'lectern-page');
    expect(page?.environment?.LECTERN_LANGUAGES).toBe('deu,eng');
  });

  it('refuses --lang naming a language without data while parsing the command line', () => {
    expect(() => parseLanguages('eng,spa')).toThrow(/LANGUAGE_NOT_AVAILABLE: .*spa/u);
    expect(parseLanguages('eng,por')).toEqual(['eng', 'por']);
  });
});
