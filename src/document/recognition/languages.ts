/**
 * The languages Lectern can be asked to read, as the characters each one writes. This is a
 * constraint on the script (which characters may appear), never a lexicon: no word list is
 * involved.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DocumentError } from '../errors.js';

/** Default languages when none are requested. */
export const DEFAULT_LANGUAGES: readonly string[] = ['eng'];

// Printable ASCII plus the punctuation and signs common to business documents in any Latin
// script language.
const LATIN_COMMON = `${asciiPrintable()}°§±×÷·•…‘’“”–—«»©®™µ¥¢`;

// Letters and signs each language needs beyond LATIN_COMMON (Tesseract language codes).
const LANGUAGE_EXTRAS: Record<string, string> = {
  eng: '£',
  deu: 'äöüÄÖÜß€',
  fra: 'àâæçéèêëîïôœùûüÿÀÂÆÇÉÈÊËÎÏÔŒÙÛÜŸ€º',
  nld: 'áéíóúàèëïöüÁÉÍÓÚÈËÏÖÜ€',
  spa: 'áéíóúñüÁÉÍÓÚÑÜ¿¡€ºª',
  ita: 'àèéìíîòóùúÀÈÉÌÒÙ€º',
  por: 'áâãàçéêíóôõúüÁÂÃÀÇÉÊÍÓÔÕÚÜ€ºª',
};

/** The languages with a known alphabet. */
export const SUPPORTED_LANGUAGES: readonly string[] = Object.keys(LANGUAGE_EXTRAS);

/** Throws INVALID_OPTION unless every language is known; returns them without duplicates. */
export function validateLanguages(languages: readonly string[] | undefined): string[] {
  const requested = [...new Set(languages && languages.length > 0 ? languages : DEFAULT_LANGUAGES)];
  const unknown = requested.filter((language) => !(language in LANGUAGE_EXTRAS));
  if (unknown.length > 0) {
    throw new DocumentError(
      'INVALID_OPTION',
      `recognition: unknown language ${unknown.join(', ')} (supported: ${SUPPORTED_LANGUAGES.join(', ')})`,
    );
  }
  return requested;
}

/** Every character the languages write (letters, digits, punctuation, signs). */
export function alphabetOf(languages: readonly string[]): Set<string> {
  const characters = new Set(LATIN_COMMON);
  for (const language of languages) {
    for (const character of LANGUAGE_EXTRAS[language] ?? '') characters.add(character);
  }
  return characters;
}

/**
 * The folder holding `<lang>.traineddata.gz` for Tesseract, from the installed
 * `@tesseract.js-data/<lang>` package (the LSTM-only "best_int" models: smaller and faster).
 * Throws LANGUAGE_NOT_AVAILABLE when the package is not installed.
 */
export function tesseractDataPath(language: string): string {
  const require = createRequire(import.meta.url);
  try {
    const manifest = require.resolve(`@tesseract.js-data/${language}/package.json`);
    return join(dirname(manifest), '4.0.0_best_int');
  } catch (cause) {
    throw new DocumentError(
      'LANGUAGE_NOT_AVAILABLE',
      `recognition: no Tesseract data for '${language}' (install @tesseract.js-data/${language})`,
      { cause },
    );
  }
}

function asciiPrintable(): string {
  let text = '';
  for (let code = 0x21; code <= 0x7e; code += 1) text += String.fromCharCode(code);
  return text;
}
