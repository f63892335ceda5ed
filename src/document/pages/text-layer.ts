/**
 * Words and boxes from a PDF page's own text layer (pdf.js `getTextContent`), mapped into the
 * pixels of the rendered raster.
 *
 * pdf.js gives runs of text (often a whole line) with their baseline origin, direction, font
 * size and advance width, not the position of each glyph. A word's place inside its run is
 * therefore estimated from typical glyph widths of a proportional Latin font (narrow i, l, 1
 * punctuation; wide m, w, capitals). Word boxes are exact at run ends and off by a fraction of
 * a character inside long runs of unusual fonts; that is the known limit of this estimate.
 */
import { type Box, unionBox } from '../geometry.js';
import type { Matrix } from './pdf-placements.js';
import type { TextLayerWord } from './types.js';

/** The fields of a pdf.js TextItem this module reads. */
export interface PdfTextItem {
  str: string;
  /** Text rendering matrix in PDF user space: baseline direction (a, b), up (c, d), origin. */
  transform: number[];
  /** Advance width along the baseline, in user space. */
  width: number;
  fontName: string;
}

/** Font metrics pdf.js reports per font, as fractions of the font size. */
export interface PdfTextStyle {
  ascent?: number | null;
  descent?: number | null;
}

// pdf.js's ascent/descent come from font tables and are sometimes absurd (0.46 for a font
// whose capitals reach 0.7); clamping keeps boxes around the visible glyphs.
const ASCENT = { fallback: 0.8, min: 0.65, max: 1.0 };
const DESCENT = { fallback: -0.2, min: -0.35, max: -0.1 };

/** The text items of a pdf.js TextContent (marked-content entries dropped). */
export function textItemsOf(content: { items: unknown[] }): PdfTextItem[] {
  return content.items.filter(
    (item): item is PdfTextItem =>
      typeof (item as PdfTextItem).str === 'string' &&
      Array.isArray((item as PdfTextItem).transform),
  );
}

/**
 * Every word of the items, with its box in the pixels of `toRaster` (user space -> raster).
 * A word split over two runs that touch (PDF producers break runs at kerning or font changes,
 * "RE-20" + "201121/508") is joined back into one.
 */
export function textLayerWords(
  items: PdfTextItem[],
  styles: Record<string, PdfTextStyle>,
  toRaster: Matrix,
): TextLayerWord[] {
  const words: TextLayerWord[] = [];
  let previous: PdfTextItem | undefined;
  for (const item of items) {
    const own = itemWords(item, styles[item.fontName] ?? {}, toRaster);
    const last = words[words.length - 1];
    const first = own[0];
    if (previous && last && first && runsTouch(previous, item)) {
      words[words.length - 1] = {
        text: last.text + first.text,
        box: unionBox(last.box, first.box),
      };
      own.shift();
    }
    words.push(...own);
    previous = item.str === '' ? previous : item;
  }
  return words;
}

/**
 * Known limit: letter-spaced words ("Ö k o - K o n t r") come from pdf.js as runs with gaps
 * wider than this tolerance and stay split into one-letter words.
 *
 * True when `next` starts where `run` ends, on the same baseline and direction, with no white
 * space between them: within a tenth of the font size.
 */
function runsTouch(run: PdfTextItem, next: PdfTextItem): boolean {
  if (/\s$/u.test(run.str) || /^\s/u.test(next.str) || next.str === '') return false;
  const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = run.transform;
  const [na = 1, nb = 0, , , ne = 0, nf = 0] = next.transform;
  const along = unit(a, b);
  const size = Math.hypot(c, d) || 1;
  const sameDirection = Math.abs(along[0] * unit(na, nb)[1] - along[1] * unit(na, nb)[0]) < 0.01;
  const end: Point = [e + along[0] * run.width, f + along[1] * run.width];
  return sameDirection && Math.hypot(ne - end[0], nf - end[1]) < 0.1 * size;
}

/** Bounding box [x0, y0, x1, y1] of an item's glyphs in user space, or undefined if blank. */
export function itemBounds(
  item: PdfTextItem,
  style: PdfTextStyle,
): [number, number, number, number] | undefined {
  if (item.str.trim() === '') return undefined;
  const corners = runCorners(item, style, 0, 1, identity);
  const xs = corners.map((p) => p[0]);
  const ys = corners.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

function itemWords(item: PdfTextItem, style: PdfTextStyle, toRaster: Matrix): TextLayerWord[] {
  const weights = [...item.str].map(glyphWeight);
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (total === 0 || item.width <= 0) return [];

  const words: TextLayerWord[] = [];
  const chars = [...item.str];
  let start = -1;
  let before = 0;
  let startWeight = 0;
  for (let i = 0; i <= chars.length; i++) {
    const blank = i === chars.length || /\s/u.test(chars[i] as string);
    if (!blank && start < 0) {
      start = i;
      startWeight = before;
    }
    if (blank && start >= 0) {
      const text = chars.slice(start, i).join('');
      const corners = runCorners(item, style, startWeight / total, before / total, toRaster);
      words.push({ text, box: boxOf(corners) });
      start = -1;
    }
    before += weights[i] ?? 0;
  }
  return words;
}

type Point = [number, number];

/** Corners of the part of a run from `from` to `to` (fractions of its advance), mapped by `m`. */
function runCorners(
  item: PdfTextItem,
  style: PdfTextStyle,
  from: number,
  to: number,
  m: Matrix,
): Point[] {
  const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = item.transform;
  const size = Math.hypot(c, d) || Math.hypot(a, b) || 1;
  const along = unit(a, b);
  const up = unit(c, d);
  const ascent = clamp(style.ascent ?? ASCENT.fallback, ASCENT.min, ASCENT.max) * size;
  const descent = clamp(style.descent ?? DESCENT.fallback, DESCENT.min, DESCENT.max) * size;
  const point = (t: number, s: number): Point =>
    apply(m, [
      e + along[0] * t * item.width + up[0] * s,
      f + along[1] * t * item.width + up[1] * s,
    ]);
  return [point(from, ascent), point(to, ascent), point(to, descent), point(from, descent)];
}

function boxOf(corners: Point[]): Box {
  const xs = corners.map((p) => p[0]);
  const ys = corners.map((p) => p[1]);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

/** Typical advance of a glyph in a proportional Latin font, in ems. */
function glyphWeight(char: string): number {
  if (/\s/u.test(char)) return 0.28;
  if ("iljI!|.,:;'`".includes(char)) return 0.28;
  if ('frt()[]{}/\\-"'.includes(char)) return 0.36;
  if ('mwMW@%'.includes(char)) return 0.85;
  if (/\p{Lu}/u.test(char)) return 0.68;
  if (/\p{Nd}/u.test(char)) return 0.56;
  // CJK ideographs and kana are square.
  if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(char)) {
    return 1;
  }
  return 0.52;
}

const identity: Matrix = [1, 0, 0, 1, 0, 0];

function apply(m: Matrix, [x, y]: Point): Point {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

function unit(x: number, y: number): Point {
  const length = Math.hypot(x, y);
  return length === 0 ? [1, 0] : [x / length, y / length];
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
