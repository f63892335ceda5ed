/**
 * Rows of a page: recognized segments that sit on the same baseline, found in a frame turned
 * by the page's own skew so that a page scanned a few degrees off still has level rows. A row
 * stays one line (a table row is one record) unless a column gutter runs through it: a wide
 * gap after which text starts at the same x on the neighbouring rows, with prose on both sides.
 */
import type { Point } from './geometry.js';
import { frameOfPolygon } from './recognition/crop.js';
import type { RecognizedLine } from './recognition/recognizer.js';

/** A segment in the deskewed frame. */
export interface Placed {
  segment: RecognizedLine;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Tuning of row finding. */
export interface RowOptions {
  /** Share of the smaller height two segments must overlap vertically to share a row. Default 0.5. */
  rowOverlap?: number;
  /** Gap, in row heights, from which a gap may be a column gutter. Default 3. */
  gutterGap?: number;
}

// Skew is measured only on segments long enough for their direction to mean something.
const MIN_ASPECT_FOR_SKEW = 3;
const MAX_SKEW = (15 * Math.PI) / 180;

/** The page's skew in radians: the median direction of its long segments (0 when none). */
export function pageSkew(segments: readonly RecognizedLine[]): number {
  const angles: number[] = [];
  for (const segment of segments) {
    const frame = frameOfPolygon(segment.polygon);
    if (frame.width < MIN_ASPECT_FOR_SKEW * frame.height) continue;
    angles.push(Math.atan2(frame.axisX[1], frame.axisX[0]));
  }
  if (angles.length === 0) return 0;
  angles.sort((a, b) => a - b);
  const median = angles[Math.floor(angles.length / 2)] as number;
  return Math.max(-MAX_SKEW, Math.min(MAX_SKEW, median));
}

/** Each segment's extent in the page frame turned back by `skew`. */
export function placeSegments(segments: readonly RecognizedLine[], skew: number): Placed[] {
  const cos = Math.cos(-skew);
  const sin = Math.sin(-skew);
  const turn = ([x, y]: Point): Point => [x * cos - y * sin, x * sin + y * cos];
  return segments.map((segment) => {
    const points = segment.polygon.length > 0 ? segment.polygon.map(turn) : [];
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    return {
      segment,
      left: Math.min(...xs),
      right: Math.max(...xs),
      top: Math.min(...ys),
      bottom: Math.max(...ys),
    };
  });
}

/** Segments grouped into rows, top to bottom; each row left to right. */
export function findRows(placed: readonly Placed[], options: RowOptions = {}): Placed[][] {
  const rowOverlap = options.rowOverlap ?? 0.5;
  const rows: Placed[][] = [];
  const order = [...placed].sort((a, b) => a.top + a.bottom - (b.top + b.bottom));
  for (const item of order) {
    let best: Placed[] | undefined;
    let bestScore = rowOverlap;
    for (const row of rows) {
      const score = verticalOverlap(item, row);
      if (score >= bestScore && !collides(item, row)) {
        best = row;
        bestScore = score;
      }
    }
    if (best) best.push(item);
    else rows.push([item]);
  }
  for (const row of rows) row.sort((a, b) => a.left - b.left);
  return rows.sort((a, b) => rowTop(a) - rowTop(b));
}

/** The rows cut at column gutters: each part becomes a line. */
export function splitAtGutters(rows: readonly Placed[][], options: RowOptions = {}): Placed[][] {
  const gutterGap = options.gutterGap ?? 3;
  const lines: Placed[][] = [];
  rows.forEach((row, index) => {
    const neighbours = [rows[index - 1], rows[index + 1]].filter((r): r is Placed[] => !!r);
    const wide = gutterGap * rowHeight(row);
    let part: Placed[] = [];
    row.forEach((item, position) => {
      if (position > 0 && isGutter(row, position, neighbours, wide)) {
        lines.push(part);
        part = [];
      }
      part.push(item);
    });
    if (part.length > 0) lines.push(part);
  });
  return lines;
}

/** Median height of a row's segments. */
export function rowHeight(row: readonly Placed[]): number {
  const heights = row.map((item) => item.bottom - item.top).sort((a, b) => a - b);
  return heights[Math.floor(heights.length / 2)] ?? 0;
}

function rowTop(row: readonly Placed[]): number {
  return Math.min(...row.map((item) => item.top));
}

function verticalOverlap(item: Placed, row: readonly Placed[]): number {
  const top = median(row.map((member) => member.top));
  const bottom = median(row.map((member) => member.bottom));
  const overlap = Math.min(bottom, item.bottom) - Math.max(top, item.top);
  const smaller = Math.min(bottom - top, item.bottom - item.top);
  return smaller > 0 ? overlap / smaller : 0;
}

// Two segments over the same stretch of a row are not neighbours on it (a stamp over text, or
// two lines read as overlapping boxes).
function collides(item: Placed, row: readonly Placed[]): boolean {
  return row.some((member) => {
    const overlap = Math.min(member.right, item.right) - Math.max(member.left, item.left);
    const narrower = Math.min(member.right - member.left, item.right - item.left);
    return narrower > 0 && overlap > 0.5 * narrower;
  });
}

// A gutter: the gap before `position` is wide, and on a neighbouring row text starts at the
// same place after a wide gap from text of its own, so the whitespace runs down the page (a
// centred title above a table column is no gutter). Both sides of it hold prose on both rows,
// and at least one side holds several words: a label and its value ("Cashier: MANIS" above
// "Member: JOHN") stay one line, two columns of sentences do not. Known shortcoming: two
// columns of single words (a list beside a list) are read as one table.
function isGutter(
  row: readonly Placed[],
  position: number,
  neighbours: readonly Placed[][],
  wide: number,
): boolean {
  const item = row[position] as Placed;
  const previous = row[position - 1] as Placed;
  if (item.left - previous.right < wide) return false;
  const tolerance = 0.75 * rowHeight(row);
  const here = [runBefore(row, position, wide), runFrom(row, position, wide)];
  return neighbours.some((other) =>
    other.some((candidate, index) => {
      const before = other[index - 1];
      if (Math.abs(candidate.left - item.left) > tolerance) return false;
      if (before === undefined || candidate.left - before.right < wide) return false;
      const runs = [...here, runBefore(other, index, wide), runFrom(other, index, wide)];
      return runs.every(isProse) && runs.some((run) => wordCount(run) >= 2);
    }),
  );
}

function wordCount(run: readonly Placed[]): number {
  return run.reduce((sum, item) => sum + item.segment.text.split(/\s+/).filter(Boolean).length, 0);
}

function runFrom(row: readonly Placed[], position: number, wide: number): Placed[] {
  const run: Placed[] = [];
  for (let index = position; index < row.length; index += 1) {
    const item = row[index] as Placed;
    const previous = row[index - 1];
    if (run.length > 0 && previous && item.left - previous.right >= wide) break;
    run.push(item);
  }
  return run;
}

function runBefore(row: readonly Placed[], position: number, wide: number): Placed[] {
  const run: Placed[] = [];
  for (let index = position - 1; index >= 0; index -= 1) {
    const item = row[index] as Placed;
    const next = row[index + 1];
    if (run.length > 0 && next && next.left - item.right >= wide) break;
    run.unshift(item);
  }
  return run;
}

// Prose, not a figure: a few letters, and letters make at least half of the characters.
function isProse(run: readonly Placed[]): boolean {
  const text = run
    .map((item) => item.segment.text)
    .join('')
    .replace(/\s+/g, '');
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  return letters >= 3 && letters >= text.length / 2;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
