/**
 * @module AWS Textract-compatible export: the `Blocks` of a DetectDocumentText response (PAGE,
 * LINE and WORD blocks with CHILD relationships), so tools written for Textract can read
 * Lectern's output.
 *
 * Geometry is normalised to the upright page (0..1, clamped), confidences are 0..100. Textract
 * reports geometry in the frame of the page as uploaded; Lectern's upright frame differs from
 * it only on pages the result records as rotated (`rotation` != 0).
 */
import { createHash } from 'node:crypto';
import type { Box, Polygon } from '../geometry.js';
import { polygonOfBox } from '../geometry.js';
import type { DocumentResult, LineResult, PageResult, WordResult } from '../result.js';
import { pageLines } from '../result.js';

export interface TextractBoundingBox {
  Width: number;
  Height: number;
  Left: number;
  Top: number;
}

export interface TextractPoint {
  X: number;
  Y: number;
}

export interface TextractBlock {
  BlockType: 'PAGE' | 'LINE' | 'WORD';
  Id: string;
  /** 0..100; absent on PAGE blocks, as in Textract. */
  Confidence?: number;
  Text?: string;
  TextType?: 'PRINTED';
  Geometry: { BoundingBox: TextractBoundingBox; Polygon: TextractPoint[] };
  Relationships?: Array<{ Type: 'CHILD'; Ids: string[] }>;
  /** 1-based page number. */
  Page: number;
}

export interface TextractDocument {
  DocumentMetadata: { Pages: number };
  Blocks: TextractBlock[];
  DetectDocumentTextModelVersion: string;
}

/**
 * The result as a Textract DetectDocumentText response. Block Ids are UUIDs derived from the
 * document's SHA-256 and the block's position, so the same document always gives the same Ids.
 */
export function toTextract(result: DocumentResult): TextractDocument {
  const ids = new BlockIds(result.document.sha256);
  return {
    DocumentMetadata: { Pages: result.pages.length },
    Blocks: result.pages.flatMap((page) => pageBlocks(page, ids)),
    DetectDocumentTextModelVersion: `lectern-${result.engine.version}`,
  };
}

function pageBlocks(page: PageResult, ids: BlockIds): TextractBlock[] {
  const frame = new PageFrame(page);
  const lines: TextractBlock[] = [];
  const words: TextractBlock[] = [];

  pageLines(page).forEach((line, l) => {
    const wordBlocks = line.words.map((word, w) => wordBlock(word, frame, ids.of(page, l, w)));
    lines.push(lineBlock(line, frame, ids.of(page, l), wordBlocks));
    words.push(...wordBlocks);
  });

  const whole = { x: 0, y: 0, width: page.width, height: page.height };
  const pageBlock: TextractBlock = {
    BlockType: 'PAGE',
    Id: ids.of(page),
    Geometry: frame.geometry(whole),
    Relationships: children(lines),
    Page: page.number,
  };
  return [pageBlock, ...lines, ...words];
}

function lineBlock(
  line: LineResult,
  frame: PageFrame,
  id: string,
  words: TextractBlock[],
): TextractBlock {
  return {
    BlockType: 'LINE',
    Id: id,
    Confidence: percent(line.confidence),
    Text: line.text,
    Geometry: frame.geometry(line.box, line.polygon),
    Relationships: children(words),
    Page: frame.number,
  };
}

function wordBlock(word: WordResult, frame: PageFrame, id: string): TextractBlock {
  return {
    BlockType: 'WORD',
    Id: id,
    Confidence: percent(word.confidence),
    Text: word.text,
    TextType: 'PRINTED',
    Geometry: frame.geometry(word.box, word.polygon),
    Page: frame.number,
  };
}

function children(blocks: TextractBlock[]): Array<{ Type: 'CHILD'; Ids: string[] }> {
  return blocks.length === 0 ? [] : [{ Type: 'CHILD', Ids: blocks.map((block) => block.Id) }];
}

function percent(confidence: number): number {
  return Math.round(Math.min(1, Math.max(0, confidence)) * 1e6) / 1e4;
}

/** Converts page pixels to Textract's 0..1 page ratios. */
class PageFrame {
  readonly number: number;
  readonly #width: number;
  readonly #height: number;

  constructor(page: PageResult) {
    this.number = page.number;
    this.#width = page.width;
    this.#height = page.height;
  }

  geometry(box: Box, polygon?: Polygon): TextractBlock['Geometry'] {
    const left = this.#x(box.x);
    const top = this.#y(box.y);
    return {
      BoundingBox: {
        Width: this.#x(box.x + box.width) - left,
        Height: this.#y(box.y + box.height) - top,
        Left: left,
        Top: top,
      },
      Polygon: (polygon ?? polygonOfBox(box)).map(([x, y]) => ({ X: this.#x(x), Y: this.#y(y) })),
    };
  }

  #x(pixels: number): number {
    return ratio(pixels, this.#width);
  }

  #y(pixels: number): number {
    return ratio(pixels, this.#height);
  }
}

function ratio(pixels: number, extent: number): number {
  return Math.min(1, Math.max(0, pixels / extent));
}

/** Stable, UUID-shaped Ids (RFC 9562 version 5 layout) named after a block's position. */
class BlockIds {
  readonly #seed: string;

  constructor(seed: string) {
    this.#seed = seed;
  }

  of(page: PageResult, line?: number, word?: number): string {
    const name = [this.#seed, page.number, line ?? '-', word ?? '-'].join('/');
    const hex = createHash('sha1').update(name).digest('hex');
    const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
    return [
      hex.slice(0, 8),
      hex.slice(8, 12),
      `5${hex.slice(13, 16)}`,
      `${variant}${hex.slice(17, 20)}`,
      hex.slice(20, 32),
    ].join('-');
  }
}
