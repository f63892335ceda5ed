import { describe, expect, it } from 'vitest';
import type { Polygon } from '../../src/document/geometry.js';
import { boxOfPolygon } from '../../src/document/geometry.js';
import { layoutPage } from '../../src/document/layout.js';
import type { RecognizedLine } from '../../src/document/recognition/recognizer.js';

const page = { width: 1000, height: 1000 };

/** A segment of `text` whose left end is at (x, y), 20 px high, 10 px per character, tilted. */
function segment(text: string, x: number, y: number, degrees = 0): RecognizedLine {
  const angle = (degrees * Math.PI) / 180;
  const width = 10 * text.length;
  const along = (u: number, v: number): [number, number] => [
    x + u * Math.cos(angle) - v * Math.sin(angle),
    y + u * Math.sin(angle) + v * Math.cos(angle),
  ];
  const polygon: Polygon = [along(0, 0), along(width, 0), along(width, 20), along(0, 20)];
  let offset = 0;
  const words = text.split(' ').map((word) => {
    const wordPolygon: Polygon = [
      along(offset, 0),
      along(offset + 10 * word.length, 0),
      along(offset + 10 * word.length, 20),
      along(offset, 20),
    ];
    offset += 10 * (word.length + 1);
    return { text: word, box: boxOfPolygon(wordPolygon), polygon: wordPolygon, confidence: 0.9 };
  });
  return { text, box: boxOfPolygon(polygon), polygon, confidence: 0.9, words };
}

const linesOf = (blocks: ReturnType<typeof layoutPage>) =>
  blocks.flatMap((block) => block.lines.map((line) => line.text));

describe('layoutPage', () => {
  it('joins the cells of a table row into one line, left to right, whatever their order', () => {
    const blocks = layoutPage(
      [
        segment('12.00', 600, 102),
        segment('(T02) BRAISED PORK', 50, 100),
        segment('1.0', 400, 101),
        segment('12.00', 480, 99),
      ],
      page,
    );

    expect(linesOf(blocks)).toEqual(['(T02) BRAISED PORK 1.0 12.00 12.00']);
    expect(blocks[0]?.lines[0]?.words.map((word) => word.text)).toEqual([
      '(T02)',
      'BRAISED',
      'PORK',
      '1.0',
      '12.00',
      '12.00',
    ]);
  });

  it('keeps the rows of a page skewed by 4 degrees apart and in top-to-bottom order', () => {
    // Rows 26 px apart; over 600 px a 4-degree skew drops the right end by 42 px.
    const rows = [0, 1, 2, 3].flatMap((row) => {
      const y = 100 + 26 * row;
      const drop = Math.tan((4 * Math.PI) / 180);
      return [segment(`ITEM ${row}`, 50, y, 4), segment(`${row}.00`, 600, y + 550 * drop, 4)];
    });

    expect(linesOf(layoutPage(rows, page))).toEqual([
      'ITEM 0 0.00',
      'ITEM 1 1.00',
      'ITEM 2 2.00',
      'ITEM 3 3.00',
    ]);
  });

  it('starts a new block after a vertical gap wider than a line', () => {
    const blocks = layoutPage(
      [segment('SHOP NAME', 50, 100), segment('ADDRESS', 50, 125), segment('TOTAL', 50, 200)],
      page,
    );

    expect(blocks.map((block) => block.text)).toEqual(['SHOP NAME\nADDRESS', 'TOTAL']);
  });

  it('reads two text columns as two blocks, the left one first', () => {
    const blocks = layoutPage(
      [
        segment('Vertreten durch:', 50, 100),
        segment('Registergericht:', 500, 100),
        segment('Medienpilot GmbH', 50, 125),
        segment('Amtsgericht Nurnberg', 500, 125),
      ],
      page,
    );

    expect(blocks.map((block) => block.text)).toEqual([
      'Vertreten durch:\nMedienpilot GmbH',
      'Registergericht:\nAmtsgericht Nurnberg',
    ]);
  });

  it('keeps a label and its value on one line even where values line up down the page', () => {
    const blocks = layoutPage(
      [
        segment('Subtotal', 50, 100),
        segment('48.00', 500, 100),
        segment('Cashier:', 50, 125),
        segment('MANIS', 500, 125),
        segment('Member:', 50, 150),
        segment('JOHN', 500, 150),
      ],
      page,
    );

    expect(linesOf(blocks)).toEqual(['Subtotal 48.00', 'Cashier: MANIS', 'Member: JOHN']);
  });

  it('drops segments without text and gives boxes and confidences to what remains', () => {
    const empty = { ...segment('x', 50, 300), text: '', words: [] };
    const blocks = layoutPage([segment('RECEIPT', 50, 100), empty], page);

    expect(blocks).toHaveLength(1);
    expect(blocks[0]?.box).toEqual({ x: 50, y: 100, width: 70, height: 20 });
    expect(blocks[0]?.confidence).toBeCloseTo(0.9);
    expect(layoutPage([], page)).toEqual([]);
  });
});
