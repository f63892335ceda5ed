import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentError } from '../../../src/document/errors.js';
import {
  baseLetter,
  isStandIn,
  SUPPORTED_LANGUAGES,
  standInsOf,
  tesseractDataPath,
  validateLanguages,
} from '../../../src/document/recognition/languages.js';

describe('validateLanguages', () => {
  it('defaults to English and drops duplicates', () => {
    expect(validateLanguages(undefined)).toEqual(['eng']);
    expect(validateLanguages(['deu', 'eng', 'deu'])).toEqual(['deu', 'eng']);
  });

  it('refuses an unknown language with INVALID_OPTION, naming it', () => {
    const attempt = () => validateLanguages(['klingon']);

    expect(attempt).toThrow(DocumentError);
    expect(attempt).toThrow(/klingon/);
  });
});

describe('stand-ins', () => {
  it('takes the letter without its accent, or a known look-alike', () => {
    expect(baseLetter('ü')).toBe('u');
    expect(isStandIn('u', 'ü')).toBe(true);
    expect(isStandIn('B', 'ß')).toBe(true);
    expect(isStandIn('E', '€')).toBe(true);
    expect(isStandIn('a', 'ü')).toBe(false);
    expect(isStandIn('ü', 'ü')).toBe(false);
  });

  it('collects every stand-in of a set of signs', () => {
    expect([...standInsOf(['ö', '€'])].sort()).toEqual(['C', 'E', 'G', 'c', 'e', 'o']);
  });
});

describe('tesseractDataPath', () => {
  it('finds the installed data of every supported language', () => {
    for (const language of SUPPORTED_LANGUAGES) {
      const folder = tesseractDataPath(language);

      expect(folder).toMatch(new RegExp(`@tesseract\\.js-data/${language}/4\\.0\\.0_best_int$`));
      expect(existsSync(join(folder, `${language}.traineddata.gz`))).toBe(true);
    }
  });

  it('says which package is missing for a language without data', () => {
    expect(() => tesseractDataPath('xyz')).toThrow(
      expect.objectContaining({
        code: 'LANGUAGE_NOT_AVAILABLE',
        message: expect.stringContaining('install @tesseract.js-data/xyz'),
      }),
    );
  });
});
