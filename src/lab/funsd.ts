/**
 * @module A dataset in the FUNSD layout: `images/<id>.png` and `annotations/<id>.json`, the
 * original FUNSD annotation `{"form": [{"words": [{"text", "box": [x0, y0, x1, y1]}], ...}]}`
 * in image pixels. Folders are found and listed by dataset.ts.
 *
 * Only the words are used: those with text are the truth's tokens and word boxes (the empty
 * ones frame check-boxes and marks). Entities, labels and links are form understanding, which
 * `lectern eval` does not score. FUNSD has no lines, so the words are grouped into rows here,
 * by a small rule of this file's own rather than Lectern's layout: the truth must not share
 * the mistakes of what it measures.
 */
import { type Box, unionBox } from '../document/geometry.js';
import type { PageTruth } from './dataset.js';
import { LabError } from './errors.js';
import type { PlacedText } from './metrics.js';

/** The truth of one page: its words, and the same words grouped into lines. */
export function funsdTruth(text: string, file: string): PageTruth {
  const words = parseAnnotation(text, file);
  return { truth: linesOfWords(words), truthWords: words };
}

/** The annotation's words that hold text, in the file's order; BAD_GROUND_TRUTH otherwise. */
export function parseAnnotation(text: string, file: string): PlacedText[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw badTruth(file, 'is not JSON', cause);
  }
  const form = (json as { form?: unknown } | null)?.form;
  if (!Array.isArray(form)) throw badTruth(file, 'has no "form" list');

  return form.flatMap((entity: unknown, index) => {
    const words = (entity as { words?: unknown } | null)?.words;
    if (!Array.isArray(words)) throw badTruth(file, `entity ${index} has no "words" list`);
    return words.flatMap((word: unknown) => placedWord(word, file, index));
  });
}

function placedWord(word: unknown, file: string, entity: number): PlacedText[] {
  const { text, box } = (word ?? {}) as { text?: unknown; box?: unknown };
  if (typeof text !== 'string') throw badTruth(file, `a word of entity ${entity} has no text`);
  if (text.trim() === '') return [];
  if (!isCorners(box)) throw badTruth(file, `the word "${text}" has no [x0, y0, x1, y1] box`);

  const [x0, y0, x1, y1] = box;
  return [{ text, box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } }];
}

function isCorners(box: unknown): box is [number, number, number, number] {
  if (!Array.isArray(box) || box.length !== 4) return false;
  if (!box.every((n) => typeof n === 'number' && Number.isFinite(n))) return false;
  return box[2] >= box[0] && box[3] >= box[1];
}

function badTruth(file: string, problem: string, cause?: unknown): LabError {
  return new LabError('BAD_GROUND_TRUTH', `the FUNSD annotation ${problem}`, { file, cause });
}

/**
 * Words grouped into lines, top to bottom, each read left to right. A word continues the row
 * whose horizontally nearest word overlaps it vertically by at least half the smaller height
 * (the largest such share wins); comparing with the nearest word rather than the row's first
 * keeps a slightly skewed row whole. Words far apart on one row (two columns of a form) make
 * one line, as Lectern's layout makes a table row one line.
 */
export function linesOfWords(words: readonly PlacedText[]): PlacedText[] {
  const rows: PlacedText[][] = [];
  for (const word of [...words].sort((a, b) => centreY(a.box) - centreY(b.box))) {
    const row = rowOf(rows, word.box);
    if (row) row.push(word);
    else rows.push([word]);
  }
  return rows.map(lineOfRow).sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
}

function rowOf(rows: PlacedText[][], box: Box): PlacedText[] | undefined {
  let best: PlacedText[] | undefined;
  let bestShare = 0.5;
  for (const row of rows) {
    const share = verticalShare(nearestInX(row, box), box);
    if (share < bestShare) continue;
    best = row;
    bestShare = share;
  }
  return best;
}

function nearestInX(row: PlacedText[], box: Box): Box {
  const gap = (other: Box) =>
    Math.max(0, other.x - (box.x + box.width), box.x - (other.x + other.width));
  return row
    .map((word) => word.box)
    .reduce((nearest, other) => (gap(other) < gap(nearest) ? other : nearest));
}

// Zero-height boxes (a rule line annotated as a word) count as one pixel high.
function verticalShare(a: Box, b: Box): number {
  const overlap = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return overlap / Math.max(1, Math.min(a.height, b.height));
}

function lineOfRow(row: PlacedText[]): PlacedText {
  const words = [...row].sort((a, b) => a.box.x - b.box.x);
  return {
    text: words.map((w) => w.text.trim()).join(' '),
    box: words.map((w) => w.box).reduce(unionBox),
  };
}

function centreY(box: Box): number {
  return box.y + box.height / 2;
}
