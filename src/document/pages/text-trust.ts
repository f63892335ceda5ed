/**
 * Whether a PDF page's text layer can stand in for OCR. Three failures are common in the wild:
 * - glyphs without a Unicode mapping (Type 3 fonts, subset fonts without ToUnicode): control
 *   characters, private-use code points, U+FFFD;
 * - a wrong mapping: letters from unrelated scripts mixed together, or symbol soup;
 * - a text layer that is not the page: a scan carrying only a stamp or a page number as text,
 *   where the words cover almost none of the visible ink.
 * A page failing any check is OCR'd instead.
 */
import type { Box } from '../geometry.js';
import type { Raster } from '../raster.js';
import type { TextLayerWord } from './types.js';

/** Thresholds of the checks, each a share of the page's characters or ink. */
export const TEXT_TRUST = {
  /** Most unmapped characters (control, private use, U+FFFD, unassigned) tolerated. */
  maxUnmappedShare: 0.05,
  /** Least share of letters belonging to the page's main script (CJK counts as one). */
  minMainScriptShare: 0.75,
  /** Least share of characters that are letters or digits. */
  minAlphanumericShare: 0.4,
  /** Least share of the page's ink edges lying inside word boxes. */
  minInkCoverage: 0.5,
  /** Below this share of edge samples the page is blank enough to skip the ink check. */
  minInkShare: 0.001,
} as const;

/** The verdict on a text layer, with the failed check when there is one. */
export type TextTrust = { trusted: true } | { trusted: false; reason: string };

/** Judges the words of a page against its rendered raster. */
export function judgeTextLayer(words: TextLayerWord[], raster: Raster): TextTrust {
  const chars = [...words.map((w) => w.text).join('')];
  if (chars.length === 0) return { trusted: false, reason: 'the page has no text layer' };

  return checkCharacters(chars) ?? checkInk(words, raster) ?? { trusted: true };
}

/** Character statistics of a text, exposed for diagnostics. */
export function characterStats(chars: string[]): {
  unmapped: number;
  alphanumeric: number;
  mainScript: number;
} {
  const scripts = new Map<string, number>();
  let unmapped = 0;
  let alphanumeric = 0;
  let letters = 0;
  for (const char of chars) {
    if (/[\p{Cc}\p{Co}\p{Cn}\p{Cs}\uFFFD]/u.test(char)) unmapped++;
    if (/[\p{L}\p{Nd}]/u.test(char)) alphanumeric++;
    if (!/\p{L}/u.test(char)) continue;
    letters++;
    const script = scriptOf(char);
    scripts.set(script, (scripts.get(script) ?? 0) + 1);
  }
  const main = Math.max(0, ...scripts.values());
  return {
    unmapped: unmapped / chars.length,
    alphanumeric: alphanumeric / chars.length,
    mainScript: letters === 0 ? 1 : main / letters,
  };
}

function checkCharacters(chars: string[]): TextTrust | undefined {
  const stats = characterStats(chars);
  const percent = (share: number) => `${Math.round(share * 100)}%`;
  if (stats.unmapped > TEXT_TRUST.maxUnmappedShare) {
    return untrusted(`${percent(stats.unmapped)} of its characters have no Unicode mapping`);
  }
  if (stats.mainScript < TEXT_TRUST.minMainScriptShare) {
    return untrusted(`its letters mix scripts (main script ${percent(stats.mainScript)})`);
  }
  if (stats.alphanumeric < TEXT_TRUST.minAlphanumericShare) {
    return untrusted(`only ${percent(stats.alphanumeric)} of its characters are letters or digits`);
  }
  return undefined;
}

const SCRIPTS: Array<[string, RegExp]> = [
  ['Latin', /\p{Script=Latin}/u],
  ['CJK', /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
  ['Thai', /\p{Script=Thai}/u],
];

function scriptOf(char: string): string {
  return SCRIPTS.find(([, pattern]) => pattern.test(char))?.[0] ?? 'other';
}

/**
 * Share of the page's ink edges that lie inside word boxes (grown by a fifth of their height,
 * for anti-aliasing and underlines), sampled on a grid of about a million points.
 *
 * Ink is counted as edges (a strong step in brightness to the next sample), not dark pixels:
 * a coloured banner or a filled logo is a lot of dark area but little edge, while text is all
 * edges. `ink` is the share of samples that are edges.
 */
export function inkCoverage(
  words: TextLayerWord[],
  raster: Raster,
): { ink: number; covered: number } {
  const step = Math.max(1, Math.round(Math.sqrt((raster.width * raster.height) / 1_000_000)));
  const grown = words.map((w) => grow(w.box, w.box.height * 0.2));
  const rows = rowIndex(grown, raster.height);
  let samples = 0;
  let ink = 0;
  let covered = 0;
  for (let y = 0; y + step < raster.height; y += step) {
    const candidates = rows[Math.floor(y / ROW_BUCKET)] ?? [];
    for (let x = 0; x + step < raster.width; x += step) {
      samples++;
      if (!isEdge(raster, x, y, step)) continue;
      ink++;
      if (candidates.some((b) => x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height)) {
        covered++;
      }
    }
  }
  return { ink: ink / Math.max(1, samples), covered: ink === 0 ? 1 : covered / ink };
}

function checkInk(words: TextLayerWord[], raster: Raster): TextTrust | undefined {
  const { ink, covered } = inkCoverage(words, raster);
  if (ink < TEXT_TRUST.minInkShare || covered >= TEXT_TRUST.minInkCoverage) return undefined;
  return untrusted(`its words cover only ${Math.round(covered * 100)}% of the visible ink`);
}

const ROW_BUCKET = 64;

/** Boxes listed under every 64-row bucket they touch, so a pixel tests only nearby boxes. */
function rowIndex(boxes: Box[], height: number): Box[][] {
  const rows: Box[][] = Array.from({ length: Math.ceil(height / ROW_BUCKET) + 1 }, () => []);
  for (const box of boxes) {
    const first = Math.max(0, Math.floor(box.y / ROW_BUCKET));
    const last = Math.min(rows.length - 1, Math.floor((box.y + box.height) / ROW_BUCKET));
    for (let r = first; r <= last; r++) rows[r]?.push(box);
  }
  return rows;
}

function grow(box: Box, by: number): Box {
  return { x: box.x - by, y: box.y - by, width: box.width + 2 * by, height: box.height + 2 * by };
}

/** A step of more than a quarter of the brightness range to the right or below. */
function isEdge(raster: Raster, x: number, y: number, step: number): boolean {
  const here = luma(raster, x, y);
  return (
    Math.abs(here - luma(raster, x + step, y)) > EDGE_STEP ||
    Math.abs(here - luma(raster, x, y + step)) > EDGE_STEP
  );
}

const EDGE_STEP = 64;

function luma(raster: Raster, x: number, y: number): number {
  const offset = (y * raster.width + x) * raster.channels;
  const data = raster.data;
  if (raster.channels === 1) return data[offset] as number;
  const r = data[offset] as number;
  const g = data[offset + 1] as number;
  const b = data[offset + 2] as number;
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

function untrusted(reason: string): TextTrust {
  return { trusted: false, reason: `text layer not used: ${reason}` };
}
