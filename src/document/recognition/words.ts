/**
 * Word separation from what the model saw between characters. The PP-OCRv4 recognizer rarely
 * emits a space between words (blank wins the step), but two cues remain:
 *
 * - the probability it gives the space class between two characters, low but clearly raised
 *   where a space was printed;
 * - the distance between the two characters relative to the line's own character pitch (the
 *   median distance between neighbours): about one pitch inside a word, two in a monospaced
 *   line where a space was printed, in between for proportional type.
 *
 * The two are combined as evidence: a gap of 1.5 pitches needs a space probability of 1% to
 * count as a space, and every further half pitch divides the probability needed by ten (and
 * every half pitch less multiplies it); from 2.5 pitches (one and a half empty character
 * cells) the gap alone decides. An emitted space always separates words.
 */
import type { DecodedCharacter, DecodedLine } from './ctc.js';

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

/** Tuning of `splitWords`, from the geometry of type, never from any text. */
export interface WordSplitOptions {
  /** Space probability that makes a space at a gap of `neutralGap` pitches. Default 0.01. */
  spaceProbability?: number;
  /** Gap, in pitches, halfway between a letter pair (1) and a monospaced space (2). Default 1.5. */
  neutralGap?: number;
  /** Powers of ten of evidence per pitch of gap beyond `neutralGap`. Default 2. */
  evidencePerPitch?: number;
  /** A gap this wide, in pitches, is a space whatever the model says. Default 2.5. */
  certainGap?: number;
  /**
   * Pitch assumed when a line has too few characters to measure it, in time steps: in a
   * 48-pixel strip at the line's natural width, 8 columns a step, a character of ~0.5 em is
   * ~3 steps, and measured lines of receipts and forms give ~2.75. Default 2.75 (SROIE and
   * FUNSD word F1 the same as with the 2.2 of strips squeezed to 0.8: 0.856 and 0.787).
   */
  defaultPitch?: number;
}

/** Pitch of a line too short to measure, in time steps (see `defaultPitch`). */
export const DEFAULT_PITCH = 2.75;

const DEFAULTS: Required<WordSplitOptions> = {
  spaceProbability: 0.01,
  neutralGap: 1.5,
  evidencePerPitch: 2,
  certainGap: 2.5,
  defaultPitch: DEFAULT_PITCH,
};

/** Splits a decoded line into words. */
export function splitWords(line: DecodedLine, options: WordSplitOptions = {}): WordSpan[] {
  const settings = { ...DEFAULTS, ...options };
  const runs = splitAtSpaces(line.characters);
  const pitch = linePitch(runs) ?? settings.defaultPitch;

  const words: DecodedCharacter[][] = [];
  for (const run of runs) {
    let word: DecodedCharacter[] = [];
    for (const character of run) {
      const last = word[word.length - 1];
      if (last && isSpace(last, character, pitch, line.spaceProbability, settings)) {
        words.push(word);
        word = [];
      }
      word.push(character);
    }
    if (word.length > 0) words.push(word);
  }
  const spans = words.map((word) => spanOf(word, pitch));
  // Neighbouring words never overlap: they meet halfway between their facing characters.
  for (let i = 1; i < spans.length; i += 1) {
    const left = spans[i - 1] as WordSpan;
    const right = spans[i] as WordSpan;
    if (left.end <= right.start) continue;
    const lastLeft = (words[i - 1] as DecodedCharacter[]).at(-1) as DecodedCharacter;
    const firstRight = (words[i] as DecodedCharacter[])[0] as DecodedCharacter;
    const middle = (lastLeft.position + firstRight.position) / 2;
    left.end = Math.min(left.end, middle);
    right.start = Math.max(right.start, middle);
  }
  return spans;
}

/** Median distance between consecutive characters within runs, when there are enough. */
export function linePitch(runs: readonly (readonly DecodedCharacter[])[]): number | undefined {
  const gaps: number[] = [];
  for (const run of runs) {
    for (let i = 1; i < run.length; i += 1) {
      gaps.push((run[i] as DecodedCharacter).position - (run[i - 1] as DecodedCharacter).position);
    }
  }
  if (gaps.length < 2) return undefined;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)];
}

function isSpace(
  left: DecodedCharacter,
  right: DecodedCharacter,
  pitch: number,
  spaceProbability: Float32Array,
  settings: Required<WordSplitOptions>,
): boolean {
  const gap = (right.position - left.position) / pitch;
  if (gap >= settings.certainGap) return true;
  const needed =
    settings.spaceProbability * 10 ** (-settings.evidencePerPitch * (gap - settings.neutralGap));
  return highestBetween(spaceProbability, left.position, right.position) > needed;
}

function highestBetween(values: Float32Array, from: number, to: number): number {
  let highest = 0;
  const last = Math.min(values.length - 1, Math.floor(to));
  for (let step = Math.max(0, Math.floor(from)); step <= last; step += 1) {
    highest = Math.max(highest, values[step] as number);
  }
  return highest;
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
    start: Math.max(0, first.position - pitch / 2),
    end: last.position + pitch / 2,
    confidence: Math.min(...word.map((character) => character.confidence)),
  };
}
