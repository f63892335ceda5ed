/**
 * Word separation from where characters were read. The PP-OCRv4 recognizer rarely emits a
 * space between words, but it reads each character at a time step that lies over the
 * character: the distance between consecutive characters is the line's own character pitch
 * inside a word, and clearly more where a space was printed. A line is split at its emitted
 * spaces and at gaps wide relative to its own pitch.
 */
import type { DecodedCharacter } from './ctc.js';

/** A word along a line, in CTC time steps (fractional). */
export interface WordSpan {
  text: string;
  /** Left edge, in time steps from the start of the line. */
  start: number;
  /** Right edge, in time steps. */
  end: number;
  /** Lowest character confidence of the word, 0..1. */
  confidence: number;
}

/** Tuning of `splitWords`, chosen from the geometry of type, never from any text. */
export interface WordSplitOptions {
  /** A gap wider than this many pitches is a space. Default 1.6. */
  gapFactor?: number;
  /**
   * The pitch assumed when a line has too few characters to measure it, in time steps. With
   * a 48-pixel strip and 8 columns a step, a character of ~0.5 em of ~34 pixels is ~2.2 steps.
   * Default 2.2.
   */
  defaultPitch?: number;
}

/** Splits decoded characters (spaces included) into words. */
export function splitWords(
  characters: readonly DecodedCharacter[],
  options: WordSplitOptions = {},
): WordSpan[] {
  const gapFactor = options.gapFactor ?? 1.6;
  const runs = splitAtSpaces(characters);
  const pitch = linePitch(runs) ?? options.defaultPitch ?? 2.2;

  const words: DecodedCharacter[][] = [];
  for (const run of runs) {
    let word: DecodedCharacter[] = [];
    for (const character of run) {
      const last = word[word.length - 1];
      if (last && center(character) - center(last) > gapFactor * pitch) {
        words.push(word);
        word = [];
      }
      word.push(character);
    }
    if (word.length > 0) words.push(word);
  }
  return words.map((word) => spanOf(word, pitch));
}

/** Median distance between consecutive characters within runs, when there are enough. */
export function linePitch(runs: readonly (readonly DecodedCharacter[])[]): number | undefined {
  const gaps: number[] = [];
  for (const run of runs) {
    for (let i = 1; i < run.length; i += 1) {
      gaps.push(center(run[i] as DecodedCharacter) - center(run[i - 1] as DecodedCharacter));
    }
  }
  if (gaps.length < 2) return undefined;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)];
}

function splitAtSpaces(characters: readonly DecodedCharacter[]): DecodedCharacter[][] {
  const runs: DecodedCharacter[][] = [];
  let run: DecodedCharacter[] = [];
  for (const character of characters) {
    if (character.text.trim() === '') {
      if (run.length > 0) runs.push(run);
      run = [];
      continue;
    }
    run.push(character);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

function spanOf(word: readonly DecodedCharacter[], pitch: number): WordSpan {
  const first = word[0] as DecodedCharacter;
  const last = word[word.length - 1] as DecodedCharacter;
  return {
    text: word.map((character) => character.text).join(''),
    start: Math.max(0, center(first) - pitch / 2),
    end: center(last) + pitch / 2,
    confidence: Math.min(...word.map((character) => character.confidence)),
  };
}

function center(character: DecodedCharacter): number {
  return (character.start + character.end) / 2;
}
