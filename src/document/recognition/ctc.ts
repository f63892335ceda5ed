/**
 * Greedy CTC decoding that keeps where each character was read. Besides the text, every
 * character carries the time steps it spans, which map linearly onto the width of the line
 * crop: that is what places characters (and so words) along the line.
 */
import type { ClassTable } from './dictionary.js';

/** One character of a decoded line. */
export interface DecodedCharacter {
  /** The character (or the rare multi-character fold such as '...'); ' ' for a space. */
  text: string;
  /** First time step of the run that emitted it. */
  start: number;
  /** Time step after the last of the run. */
  end: number;
  /** Highest probability of the character over its run, 0..1. */
  confidence: number;
  /**
   * Where the character sits, in time steps (fractional): the centroid of its class's
   * probability over its run and the blank steps beside it. Finer than the run itself, whose
   * edges are whole steps of 8 crop columns.
   */
  position: number;
}

/** A decoded line: characters in reading order, spaces included. */
export interface DecodedLine {
  characters: DecodedCharacter[];
  /** Number of time steps of the line (its share of the batch, without padding). */
  steps: number;
  /** Probability of the space class at each time step. */
  spaceProbability: Float32Array;
}

/**
 * Decodes `steps` time steps of a softmax output laid out as `[step][class]` starting at
 * `offset` in `probabilities`. Only the classes allowed by `table` compete; a run of the same
 * class is one character, and a blank separates repeats.
 */
export function decodeCtc(
  probabilities: Float32Array,
  offset: number,
  steps: number,
  classCount: number,
  table: ClassTable,
): DecodedLine {
  const characters: DecodedCharacter[] = [];
  const classes: number[] = [];
  const winners = new Int32Array(steps);
  const spaceProbability = new Float32Array(steps);
  let previous = table.blank;

  for (let step = 0; step < steps; step += 1) {
    const base = offset + step * classCount;
    const [best, probability] = bestAllowed(probabilities, base, table.allowed);
    winners[step] = best;
    spaceProbability[step] = probabilities[base + table.space] as number;

    if (best === table.blank) {
      previous = best;
      continue;
    }
    const last = characters[characters.length - 1];
    if (best === previous && last) {
      last.end = step + 1;
      last.confidence = Math.max(last.confidence, probability);
      continue;
    }
    characters.push({
      text: table.texts[best] as string,
      start: step,
      end: step + 1,
      confidence: probability,
      position: step + 0.5,
    });
    classes.push(best);
    previous = best;
  }
  characters.forEach((character, index) => {
    const view = { probabilities, offset, classCount, winners, blank: table.blank };
    character.position = centroid(view, character, classes[index] as number);
  });
  return { characters, steps, spaceProbability };
}

interface OutputView {
  probabilities: Float32Array;
  offset: number;
  classCount: number;
  winners: Int32Array;
  blank: number;
}

// The run plus one blank step on each side: a character read between two steps shows as a
// strong probability in one and a weaker one in its neighbour.
function centroid(view: OutputView, character: DecodedCharacter, index: number): number {
  const first = Math.max(0, character.start - 1);
  const last = Math.min(view.winners.length - 1, character.end);
  let sum = 0;
  let weighted = 0;
  for (let step = first; step <= last; step += 1) {
    const inRun = step >= character.start && step < character.end;
    if (!inRun && view.winners[step] !== view.blank) continue;
    const probability = view.probabilities[view.offset + step * view.classCount + index] as number;
    sum += probability;
    weighted += probability * (step + 0.5);
  }
  return sum > 0 ? weighted / sum : (character.start + character.end) / 2;
}

/** The text of a decoded line with spaces collapsed and trimmed. */
export function textOf(line: DecodedLine): string {
  return line.characters
    .map((character) => character.text)
    .join('')
    .replace(/ {2,}/g, ' ')
    .trim();
}

function bestAllowed(
  probabilities: Float32Array,
  base: number,
  allowed: Int32Array,
): [number, number] {
  let best = 0;
  let bestProbability = -1;
  for (let i = 0; i < allowed.length; i += 1) {
    const index = allowed[i] as number;
    const probability = probabilities[base + index] as number;
    if (probability > bestProbability) {
      best = index;
      bestProbability = probability;
    }
  }
  return [best, bestProbability];
}
