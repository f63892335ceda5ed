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
// Known shortcoming: English has no € here (it would send every line with a digit to
// Tesseract), so an English invoice priced in euros needs a second language such as 'deu'.
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

/**
 * Throws INVALID_OPTION unless every language is known, and LANGUAGE_NOT_AVAILABLE when its
 * Tesseract data package is not installed; returns the languages without duplicates.
 */
export function validateLanguages(languages: readonly string[] | undefined): string[] {
  const requested = [...new Set(languages && languages.length > 0 ? languages : DEFAULT_LANGUAGES)];
  const unknown = requested.filter((language) => !(language in LANGUAGE_EXTRAS));
  if (unknown.length > 0) {
    throw new DocumentError(
      'INVALID_OPTION',
      `recognition: unknown language ${unknown.join(', ')} (supported: ${SUPPORTED_LANGUAGES.join(', ')})`,
    );
  }
  // Checked here, before any model or worker starts: every language may need Tesseract's data
  // for the fallback, and finding it missing later would leave started workers behind.
  for (const language of requested) tesseractDataPath(language);
  return requested;
}

/**
 * The characters that set the languages apart from plain ASCII text: accented letters,
 * ligatures, currency signs, ordinal indicators.
 */
export function distinctiveCharacters(languages: readonly string[]): Set<string> {
  const characters = new Set<string>();
  for (const language of languages) {
    for (const character of LANGUAGE_EXTRAS[language] ?? '') characters.add(character);
  }
  return characters;
}

// Characters a recognizer that cannot spell a sign tends to read in its place. Accented
// letters need no entry: their stand-in is the same letter without the accent.
const LOOK_ALIKES: Record<string, string> = {
  ß: 'Bβs8',
  '€': 'ECeGc',
  '£': 'ELf',
  º: 'o°0O',
  ª: 'a°',
  æ: 'a',
  Æ: 'A',
  œ: 'o',
  Œ: 'O',
  '«': '<',
  '»': '>',
  '¿': '?',
  '¡': '!i',
};

/** The letter without its diacritics ('ü' -> 'u'); other characters unchanged. */
export function baseLetter(character: string): string {
  return (
    character
      .normalize('NFD')
      .replace(/\p{M}+/gu, '')
      .normalize('NFC') || character
  );
}

/**
 * Whether `reading` is what a recognizer that cannot spell `sign` plausibly produced in its
 * place: the same letter without diacritics, or a known look-alike.
 */
export function isStandIn(reading: string, sign: string): boolean {
  if (reading === sign) return false;
  if (baseLetter(sign) !== sign && baseLetter(reading) === baseLetter(sign)) return true;
  return (LOOK_ALIKES[sign] ?? '').includes(reading);
}

/** Every character that may stand in for one of `signs`. */
export function standInsOf(signs: Iterable<string>): Set<string> {
  const standIns = new Set<string>();
  for (const sign of signs) {
    const base = baseLetter(sign);
    if (base !== sign) standIns.add(base);
    for (const lookAlike of LOOK_ALIKES[sign] ?? '') standIns.add(lookAlike);
  }
  return standIns;
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
