import { describe, expect, it } from 'vitest';
import type { DecodedCharacter } from '../../../src/document/recognition/ctc.js';
import { distinctiveCharacters } from '../../../src/document/recognition/languages.js';
import { transplantSigns } from '../../../src/document/recognition/transplant.js';

const german = distinctiveCharacters(['deu']);

/** ONNX characters two steps apart; a ' ' is a space. */
function onnx(text: string): DecodedCharacter[] {
  return [...text].map((character, index) => ({
    text: character,
    start: 2 * index,
    end: 2 * index + 1,
    confidence: 0.95,
    position: 2 * index + 0.5,
  }));
}

/** Tesseract characters placed at the given positions (default: like `onnx`). */
function tesseract(text: string, positions?: number[]) {
  return [...text].map((character, index) => ({
    text: character,
    position: positions?.[index] ?? 2 * index + 0.5,
  }));
}

const text = (characters: readonly DecodedCharacter[]) => characters.map((c) => c.text).join('');

describe('transplantSigns', () => {
  it('puts the umlaut Tesseract read in place of the plain letter the model read', () => {
    const result = transplantSigns(onnx('Grundgebuhr'), tesseract('Grundgebühr'), german);

    expect(text(result)).toBe('Grundgebühr');
  });

  it('keeps the model reading everywhere else, even where Tesseract read another letter', () => {
    const result = transplantSigns(onnx('StraBe 12'), tesseract('Straße 72'), german);

    expect(text(result)).toBe('Straße 12');
  });

  it('inserts a currency sign the model dropped, as its own word when it stands apart', () => {
    const line = onnx('399,00').map((c) => ({ ...c, position: c.position + 6 }));
    const result = transplantSigns(
      line,
      tesseract('€399,00', [1, 6.5, 8.5, 10.5, 12.5, 14.5, 16.5]),
      german,
    );

    expect(text(result)).toBe('€ 399,00');
  });

  it('attaches an inserted sign that touches its number', () => {
    const line = onnx('3.50').map((c) => ({ ...c, position: c.position + 2 }));
    const result = transplantSigns(line, tesseract('€3.50', [0.5, 2.5, 4.5, 6.5, 8.5]), german);

    expect(text(result)).toBe('€3.50');
  });

  it('lends nothing when the two readings are not of the same text', () => {
    const line = onnx('Rechnungsnr');

    expect(transplantSigns(line, tesseract('Tel. Fäx 0800'), german)).toBe(line);
  });
});
