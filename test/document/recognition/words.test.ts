import { describe, expect, it } from 'vitest';
import type { DecodedCharacter, DecodedLine } from '../../../src/document/recognition/ctc.js';
import { linePitch, splitWords } from '../../../src/document/recognition/words.js';

/** A line of characters at `positions` (time steps), with `space` probability at given steps. */
function line(text: string, positions: number[], space: Record<number, number> = {}): DecodedLine {
  const characters: DecodedCharacter[] = [...text].map((character, index) => {
    const position = positions[index] as number;
    const step = Math.floor(position);
    return { text: character, start: step, end: step + 1, confidence: 0.9, position };
  });
  const steps = Math.ceil(Math.max(...positions)) + 2;
  const spaceProbability = new Float32Array(steps).fill(1e-5);
  for (const [step, p] of Object.entries(space)) spaceProbability[Number(step)] = p;
  return { characters, steps, spaceProbability };
}

const words = (decoded: DecodedLine) => splitWords(decoded).map((word) => word.text);

describe('splitWords', () => {
  it('keeps evenly spaced characters as one word', () => {
    expect(words(line('TOTAL', [1, 3, 5, 7, 9]))).toEqual(['TOTAL']);
  });

  it('splits where the model emitted a space', () => {
    expect(words(line('AB CD', [1, 3, 4, 5, 7]))).toEqual(['AB', 'CD']);
  });

  it('splits a monospaced gap of two pitches even when the space class stayed unlikely', () => {
    // Pitch 2 steps; 'K' to 'Y' is 4 steps: a whole empty cell between them.
    expect(words(line('THANKYOU', [1, 3, 5, 7, 9, 13, 15, 17], { 11: 0.005 }))).toEqual([
      'THANK',
      'YOU',
    ]);
    expect(words(line('THANKYOU', [1, 3, 5, 7, 9, 13, 15, 17], { 11: 0.0002 }))).toEqual([
      'THANKYOU',
    ]);
  });

  it('splits a gap of two and a half pitches on geometry alone', () => {
    expect(words(line('ABCD', [1, 3, 8, 10]))).toEqual(['AB', 'CD']);
  });

  it('splits a narrower gap only when the model also saw a space there', () => {
    const gap = [1, 3, 5, 8, 10, 12];
    expect(words(line('ABCDEF', gap, { 6: 0.2 }))).toEqual(['ABC', 'DEF']);
    expect(words(line('ABCDEF', gap, { 6: 0.0001 }))).toEqual(['ABCDEF']);
  });

  it('gives each word its span along the line and its weakest character confidence', () => {
    const decoded = line('AB CD', [1, 3, 4, 5, 7]);
    decoded.characters[4] = { ...(decoded.characters[4] as DecodedCharacter), confidence: 0.4 };
    const [first, second] = splitWords(decoded);

    expect(first?.start).toBeCloseTo(0);
    expect(first?.end).toBeCloseTo(4);
    expect(second?.confidence).toBeCloseTo(0.4);
  });

  it('lets neighbouring words meet halfway rather than overlap', () => {
    const [first, second] = splitWords(line('AB CD', [1, 3, 3.5, 4, 6]));

    expect(first?.end).toBeCloseTo(3.5);
    expect(second?.start).toBeCloseTo(3.5);
  });

  it('measures the pitch as the median distance inside runs', () => {
    const decoded = line('ABCD', [1, 3, 5, 11]);

    expect(linePitch([decoded.characters])).toBe(2);
  });
});
