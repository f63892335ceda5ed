import { describe, expect, it } from 'vitest';
import { buildClassTable, unspellable } from '../../../src/document/recognition/dictionary.js';
import { alphabetOf, distinctiveCharacters } from '../../../src/document/recognition/languages.js';

const dictionary = ['a', 'u', 'ü', 'B', '￡', '中', '，', 'E'];

describe('buildClassTable', () => {
  it('puts the blank first and the space last, as PaddleOCR builds the classes', () => {
    const table = buildClassTable(dictionary, alphabetOf(['eng']));

    expect(table.texts[0]).toBe('');
    expect(table.texts[table.space]).toBe(' ');
    expect(table.texts.length).toBe(dictionary.length + 2);
  });

  it('keeps only classes the languages write, folding compatibility forms', () => {
    const table = buildClassTable(dictionary, alphabetOf(['eng']));
    const allowed = [...table.allowed].map((index) => table.texts[index]);

    expect(allowed).toEqual(['', 'a', 'u', 'B', '£', ',', 'E', ' ']);
  });
});

describe('unspellable', () => {
  it('lists the signs of a language that no class can produce', () => {
    const german = distinctiveCharacters(['deu']);

    expect(unspellable(dictionary, german)).toEqual(['Ä', 'Ö', 'Ü', 'ß', 'ä', 'ö', '€']);
  });

  it('finds nothing missing for English when the full-width pound folds to £', () => {
    expect(unspellable(dictionary, distinctiveCharacters(['eng']))).toEqual([]);
  });
});
