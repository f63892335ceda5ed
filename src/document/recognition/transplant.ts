/**
 * Lending a line's language-specific signs from a second reading. The ONNX model reads
 * characters better than Tesseract but cannot spell ß, ö, ç, € (and reads ü as u): where
 * Tesseract, reading the same line, has such a sign in the place of the ONNX model's stand-in
 * ('u' for 'ü', 'B' for 'ß', 'E' for '€'), the sign replaces the stand-in. Everything else
 * stays as the ONNX model read it, so Tesseract's weaker characters never leak in.
 */
import type { DecodedCharacter } from './ctc.js';
import { isStandIn } from './languages.js';
import { DEFAULT_PITCH, linePitch } from './words.js';

// Two readings that differ in more than this share of characters are not of the same text
// (a crop Tesseract misread, a stray mark): nothing is lent between them.
const MAX_DISAGREEMENT = 0.34;

/** A character of the other reading, placed on the ONNX line. */
export interface OtherCharacter {
  text: string;
  /** Its centre, in the ONNX line's time steps. */
  position: number;
}

/**
 * The characters of `line` (ONNX, with positions) with the `signs` that `other` (Tesseract's
 * characters of the same line) has in place of their stand-ins. A sign that is not a letter
 * (€, º) and that the ONNX reading lacks altogether is inserted where Tesseract saw it, as a
 * word of its own when it stands more than `separation` character pitches from its neighbour.
 * Returns `line` itself when the readings disagree too much or nothing changes.
 */
export function transplantSigns(
  line: readonly DecodedCharacter[],
  other: readonly OtherCharacter[],
  signs: ReadonlySet<string>,
  separation = 1.5,
): readonly DecodedCharacter[] {
  const own = line.filter((character) => character.text.trim() !== '');
  const letters = other.filter((character) => character.text.trim() !== '');
  if (own.length === 0 || letters.length === 0) return line;
  const pitch = linePitch([own]) ?? DEFAULT_PITCH;

  const steps = align(
    own.map((character) => character.text),
    letters.map((character) => character.text),
    signs,
  );
  const cost = steps.reduce((sum, step) => sum + step.cost, 0);
  if (cost > MAX_DISAGREEMENT * Math.max(own.length, letters.length)) return line;

  const replaced = new Map<DecodedCharacter, string>();
  const inserted = new Map<DecodedCharacter | undefined, InsertedSign[]>();
  let previous: DecodedCharacter | undefined;
  for (const step of steps) {
    const mine = step.own === undefined ? undefined : own[step.own];
    const sign = step.theirs === undefined ? undefined : letters[step.theirs];
    if (mine && sign && signs.has(sign.text) && isStandIn(mine.text, sign.text)) {
      replaced.set(mine, sign.text);
    }
    if (!mine && sign && signs.has(sign.text) && !/\p{L}/u.test(sign.text)) {
      const list = inserted.get(previous) ?? [];
      list.push(insertedSign(sign, previous, line, pitch * separation));
      inserted.set(previous, list);
    }
    if (mine) previous = mine;
  }
  if (replaced.size === 0 && inserted.size === 0) return line;
  return rebuild(line, replaced, inserted);
}

interface InsertedSign {
  character: DecodedCharacter;
  spaceBefore: boolean;
  spaceAfter: boolean;
}

interface AlignmentStep {
  own?: number;
  theirs?: number;
  cost: number;
}

/** Edit-distance alignment where a stand-in for a sign costs nothing. */
function align(own: string[], theirs: string[], signs: ReadonlySet<string>): AlignmentStep[] {
  const rows = own.length + 1;
  const cols = theirs.length + 1;
  const table = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i += 1) table[i * cols] = i;
  for (let j = 0; j < cols; j += 1) table[j] = j;
  const substitution = (i: number, j: number) =>
    substitutionCost(own[i - 1] as string, theirs[j - 1] as string, signs);
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      table[i * cols + j] = Math.min(
        (table[(i - 1) * cols + j] as number) + 1,
        (table[i * cols + j - 1] as number) + 1,
        (table[(i - 1) * cols + j - 1] as number) + substitution(i, j),
      );
    }
  }

  const steps: AlignmentStep[] = [];
  let i = rows - 1;
  let j = cols - 1;
  while (i > 0 || j > 0) {
    const here = table[i * cols + j] as number;
    if (i > 0 && j > 0 && here === (table[(i - 1) * cols + j - 1] as number) + substitution(i, j)) {
      steps.push({ own: i - 1, theirs: j - 1, cost: substitution(i, j) });
      i -= 1;
      j -= 1;
    } else if (i > 0 && here === (table[(i - 1) * cols + j] as number) + 1) {
      steps.push({ own: i - 1, cost: 1 });
      i -= 1;
    } else {
      steps.push({ theirs: j - 1, cost: 1 });
      j -= 1;
    }
  }
  return steps.reverse();
}

function substitutionCost(mine: string, theirs: string, signs: ReadonlySet<string>): number {
  if (mine === theirs) return 0;
  if (signs.has(theirs) && isStandIn(mine, theirs)) return 0;
  if (mine.toLowerCase() === theirs.toLowerCase()) return 0.5;
  return 1;
}

function insertedSign(
  sign: OtherCharacter,
  previous: DecodedCharacter | undefined,
  line: readonly DecodedCharacter[],
  separation: number,
): InsertedSign {
  const index = previous ? line.indexOf(previous) : -1;
  const next = line.slice(index + 1).find((character) => character.text.trim() !== '');
  const step = Math.max(0, Math.floor(sign.position));
  const character = {
    text: sign.text,
    start: step,
    end: step + 1,
    // Tesseract's confidence is not on the model's scale; an inserted sign is a guess.
    confidence: 0.5,
    position: sign.position,
  };
  return {
    character,
    spaceBefore: previous !== undefined && sign.position - previous.position > separation,
    spaceAfter: next !== undefined && next.position - sign.position > separation,
  };
}

function rebuild(
  line: readonly DecodedCharacter[],
  replaced: Map<DecodedCharacter, string>,
  inserted: Map<DecodedCharacter | undefined, InsertedSign[]>,
): DecodedCharacter[] {
  const result: DecodedCharacter[] = [];
  // A sign Tesseract read apart from its neighbours stays apart: spaces go around it.
  const pushInserted = (after: DecodedCharacter | undefined) => {
    for (const { character, spaceBefore, spaceAfter } of inserted.get(after) ?? []) {
      if (spaceBefore) result.push({ ...character, text: ' ' });
      result.push(character);
      if (spaceAfter) result.push({ ...character, text: ' ' });
    }
  };
  pushInserted(undefined);
  for (const character of line) {
    const text = replaced.get(character);
    result.push(text === undefined ? character : { ...character, text });
    if (character.text.trim() !== '') pushInserted(character);
  }
  return result;
}
