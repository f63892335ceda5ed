import { describe, expect, it } from 'vitest';
import { decodeCtc, textOf } from '../../../src/document/recognition/ctc.js';
import { buildClassTable } from '../../../src/document/recognition/dictionary.js';

// Classes: 0 blank, 1 'a', 2 'b', 3 '中', 4 'Ａ' (full width), 5 ' '.
const dictionary = ['a', 'b', '中', 'Ａ'];
const latin = buildClassTable(dictionary, new Set(['a', 'b', 'A']));
const CLASSES = 6;

/** A softmax output where each step puts `p` on one class and spreads the rest evenly. */
function output(winners: number[], p = 0.9): Float32Array {
  const data = new Float32Array(winners.length * CLASSES);
  winners.forEach((winner, step) => {
    for (let c = 0; c < CLASSES; c += 1) {
      data[step * CLASSES + c] = c === winner ? p : (1 - p) / (CLASSES - 1);
    }
  });
  return data;
}

describe('decodeCtc', () => {
  it('collapses a run of one class into one character and keeps repeats split by a blank', () => {
    const line = decodeCtc(output([1, 1, 0, 1, 2, 2, 0]), 0, 7, CLASSES, latin);

    expect(line.characters.map((c) => c.text).join('')).toBe('aab');
    expect(line.characters.map((c) => [c.start, c.end])).toEqual([
      [0, 2],
      [3, 4],
      [4, 6],
    ]);
  });

  it('places each character at the centroid of its probability, between whole steps', () => {
    const data = output([0, 1, 0]);
    // The 'a' is also fairly likely at the blank step after it: its centre moves right.
    data[2 * CLASSES + 1] = 0.45;
    data[2 * CLASSES + 0] = 0.5;
    const [a] = decodeCtc(data, 0, 3, CLASSES, latin).characters;

    expect(a?.position).toBeGreaterThan(1.5);
    expect(a?.position).toBeLessThan(2.5);
  });

  it('never emits a class outside the alphabet, and folds full-width forms', () => {
    const line = decodeCtc(output([3, 0, 4]), 0, 3, CLASSES, latin);

    expect(textOf(line)).toBe('A');
    expect(line.characters.every((c) => c.text !== '中')).toBe(true);
  });

  it('reads a line out of a batch at its offset and reports the space probability per step', () => {
    const batch = new Float32Array([...output([1, 1]), ...output([2, 5, 1])]);
    const line = decodeCtc(batch, 2 * CLASSES, 3, CLASSES, latin);

    expect(textOf(line)).toBe('b a');
    expect(line.spaceProbability[1]).toBeCloseTo(0.9);
    expect(line.characters[0]?.confidence).toBeCloseTo(0.9);
  });
});
