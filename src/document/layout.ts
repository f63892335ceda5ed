/**
 * @module Layout: recognized segments to lines (the paper's "sentences") to blocks, in reading
 * order.
 *
 * 1. The page's skew is measured from its long segments, and rows are found in the frame
 *    turned back by it, so a page scanned 4 degrees off still reads row by row.
 * 2. Segments on the same row join into one line, left to right: a table row (item, quantity,
 *    price, amount) is one line. A row is cut only at a column gutter (layout-rows.ts).
 * 3. Lines join the block above them when the vertical gap is small (at most
 *    `blockGap` line heights) and they overlap it horizontally; blocks come in the order their
 *    first lines appear, top to bottom, left to right.
 */
import { type Polygon, unionBox } from './geometry.js';
import {
  findRows,
  type Placed,
  pageSkew,
  placeSegments,
  type RowOptions,
  splitAtGutters,
} from './layout-rows.js';
import { frameOfPolygon, frameSpan } from './recognition/crop.js';
import type { RecognizedLine, RecognizedWord } from './recognition/recognizer.js';
import type { BlockResult, LineResult } from './result.js';

/** Tuning of `layoutPage`. */
export interface LayoutOptions extends RowOptions {
  /** Largest vertical gap inside a block, in line heights. Default 1. */
  blockGap?: number;
}

interface PlacedLine {
  line: LineResult;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * Lays out one page's recognized segments (page pixels). Segments without text are dropped.
 * The page size is part of the agreed signature; the rules need only the segments.
 */
export function layoutPage(
  segments: readonly RecognizedLine[],
  _page: { width: number; height: number },
  options: LayoutOptions = {},
): BlockResult[] {
  const inked = segments.filter((segment) => segment.words.some((word) => word.text.trim()));
  if (inked.length === 0) return [];

  const placed = placeSegments(inked, pageSkew(inked));
  const lines = splitAtGutters(findRows(placed, options), options).map(placeLine);
  return groupBlocks(lines, options.blockGap ?? 1).map(toBlock);
}

function placeLine(parts: Placed[]): PlacedLine {
  const words: RecognizedWord[] = parts.flatMap((part) => part.segment.words);
  const letters = (text: string) => text.replace(/\s+/g, '').length;
  const weights = parts.map((part) => Math.max(1, letters(part.segment.text)));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const confidence = parts.reduce(
    (sum, part, index) => sum + part.segment.confidence * (weights[index] as number),
    0,
  );
  const line: LineResult = {
    text: words
      .map((word) => word.text.trim())
      .filter(Boolean)
      .join(' '),
    box: parts.map((part) => part.segment.box).reduce(unionBox),
    polygon: outline(parts),
    confidence: confidence / total,
    words: words.filter((word) => word.text.trim() !== ''),
  };
  return {
    line,
    left: Math.min(...parts.map((part) => part.left)),
    right: Math.max(...parts.map((part) => part.right)),
    top: Math.min(...parts.map((part) => part.top)),
    bottom: Math.max(...parts.map((part) => part.bottom)),
  };
}

// One segment keeps its own polygon; several get the rotated rectangle around them all.
function outline(parts: readonly Placed[]): Polygon {
  if (parts.length === 1) return (parts[0] as Placed).segment.polygon;
  const frame = frameOfPolygon(parts.flatMap((part) => part.segment.polygon));
  return frameSpan(frame, 0, frame.width);
}

function groupBlocks(lines: PlacedLine[], blockGap: number): PlacedLine[][] {
  const blocks: PlacedLine[][] = [];
  const ordered = [...lines].sort((a, b) => a.top - b.top || a.left - b.left);
  for (const line of ordered) {
    const height = line.bottom - line.top;
    let best: PlacedLine[] | undefined;
    let bestOverlap = 0;
    for (const block of blocks) {
      const last = block[block.length - 1] as PlacedLine;
      const gap = line.top - last.bottom;
      const limit = blockGap * Math.max(height, last.bottom - last.top);
      const overlap = Math.min(line.right, last.right) - Math.max(line.left, last.left);
      if (gap <= limit && overlap > bestOverlap) {
        best = block;
        bestOverlap = overlap;
      }
    }
    if (best) best.push(line);
    else blocks.push([line]);
  }
  return blocks;
}

function toBlock(lines: PlacedLine[]): BlockResult {
  const results = lines.map((placed) => placed.line);
  const words = results.reduce((sum, line) => sum + Math.max(1, line.words.length), 0);
  const confidence = results.reduce(
    (sum, line) => sum + line.confidence * Math.max(1, line.words.length),
    0,
  );
  return {
    text: results.map((line) => line.text).join('\n'),
    box: results.map((line) => line.box).reduce(unionBox),
    confidence: confidence / words,
    lines: results,
  };
}
