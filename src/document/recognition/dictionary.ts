/**
 * The character classes of the PP-OCRv4 recognizer and the subset of them a reading may use.
 *
 * The model's output has one class per line of `ppocr_keys_v1.txt`, preceded by the CTC blank
 * (index 0) and followed by a space, as PaddleOCR builds it. Restricting the classes to the
 * alphabet of the requested languages stops a Latin receipt from being read with Chinese
 * characters; full-width forms (`Ａ`, `，`, `￡`) fold into their ordinary characters.
 */
import { readFile } from 'node:fs/promises';
import { DocumentError } from '../errors.js';

/** The classes a decoder may emit. */
export interface ClassTable {
  /** Output text of every class of the model; '' for the blank. */
  readonly texts: readonly string[];
  /** Indices (ascending) of the classes allowed by the languages, blank and space included. */
  readonly allowed: Int32Array;
  /** Index of the blank class. */
  readonly blank: number;
  /** Index of the space class. */
  readonly space: number;
}

/** The characters of the dictionary, in model order (without blank and space). */
export async function loadDictionary(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new DocumentError('MODEL_NOT_FOUND', `recognition: cannot read dictionary ${path}`, {
      cause,
    });
  }
  return text.split(/\r?\n/).filter((line, index, lines) => {
    // A trailing newline gives one empty last element, which is not a class.
    return !(line === '' && index === lines.length - 1);
  });
}

/**
 * The class table of a dictionary restricted to `alphabet`. A class is kept when its text,
 * after Unicode compatibility folding (NFKC), is made only of characters of the alphabet; its
 * output is that folded text.
 */
export function buildClassTable(dictionary: readonly string[], alphabet: Set<string>): ClassTable {
  const texts = ['', ...dictionary.map(foldCharacter), ' '];
  const space = texts.length - 1;
  const allowed: number[] = [0];
  for (let index = 1; index < space; index += 1) {
    const text = texts[index] as string;
    if (text.length > 0 && [...text].every((character) => alphabet.has(character))) {
      allowed.push(index);
    }
  }
  allowed.push(space);
  return { texts, allowed: Int32Array.from(allowed), blank: 0, space };
}

/** The characters of `alphabet` that no class of `dictionary` can produce. */
export function unspellable(dictionary: readonly string[], alphabet: Set<string>): string[] {
  const spelled = new Set(dictionary.map(foldCharacter).join(''));
  return [...alphabet].filter((character) => !spelled.has(character)).sort();
}

function foldCharacter(text: string): string {
  return text.normalize('NFKC');
}
