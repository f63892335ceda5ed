import { describe, expect, it } from 'vitest';
import { type TextractBlock, toTextract } from '../../../src/document/exports/textract.js';
import { sampleResult, wordAt } from '../result.fixture.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('toTextract', () => {
  const response = toTextract(sampleResult());
  const blocks = response.Blocks;
  const byId = new Map(blocks.map((block) => [block.Id, block]));
  const childrenOf = (block: TextractBlock) =>
    (block.Relationships?.[0]?.Ids ?? []).map((id) => byId.get(id) as TextractBlock);

  it('states the page count and has one PAGE block per page, numbered from 1', () => {
    expect(response.DocumentMetadata).toEqual({ Pages: 2 });
    expect(blocks.filter((b) => b.BlockType === 'PAGE').map((b) => b.Page)).toEqual([1, 2]);
  });

  it.each([
    ['PAGE', 2],
    ['LINE', 5],
    ['WORD', 11],
  ])('emits every %s once', (type, count) => {
    expect(blocks.filter((b) => b.BlockType === type)).toHaveLength(count);
  });

  it('links pages to their lines and lines to their words through CHILD relationships', () => {
    const page = blocks[0] as TextractBlock;
    const lines = childrenOf(page);

    expect(lines.map((l) => l.Text)).toEqual([
      'TAN WOON',
      'BOOK TA.K',
      'TOTAL 9.00',
      'Fish & <Chips>',
    ]);
    expect(childrenOf(lines[2] as TextractBlock).map((w) => [w.BlockType, w.Text])).toEqual([
      ['WORD', 'TOTAL'],
      ['WORD', '9.00'],
    ]);
    expect(lines.every((l) => l.Relationships?.[0]?.Type === 'CHILD')).toBe(true);
  });

  it('gives unique UUID Ids, the same for the same document', () => {
    const ids = blocks.map((b) => b.Id);

    expect(ids.every((id) => UUID.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(toTextract(sampleResult()).Blocks.map((b) => b.Id)).toEqual(ids);
  });

  it('normalises geometry to the page and confidence to percent', () => {
    const total = blocks.find((b) => b.Text === 'TOTAL') as TextractBlock;

    expect(total.Confidence).toBe(99);
    expect(total.TextType).toBe('PRINTED');
    expect(total.Geometry.BoundingBox.Left).toBeCloseTo(40 / 463, 6);
    expect(total.Geometry.BoundingBox.Top).toBeCloseTo(600 / 1013, 6);
    expect(total.Geometry.BoundingBox.Width).toBeCloseTo(90 / 463, 6);
    expect(total.Geometry.BoundingBox.Height).toBeCloseTo(20 / 1013, 6);
    expect(total.Geometry.Polygon[2]).toEqual({ X: 130 / 463, Y: 620 / 1013 });
  });

  it('uses the polygon when the line has one, and the whole page for PAGE blocks', () => {
    const line = blocks.find((b) => b.Text === 'Fish & <Chips>') as TextractBlock;
    const page = blocks[0] as TextractBlock;

    expect(line.Geometry.Polygon[0]).toEqual({ X: 40 / 463, Y: 641 / 1013 });
    expect(page.Geometry.BoundingBox).toEqual({ Width: 1, Height: 1, Left: 0, Top: 0 });
    expect(page.Confidence).toBeUndefined();
  });

  it('clamps geometry that leaves the page into 0..1', () => {
    const result = sampleResult();
    wordAt(result, 1, 0, 0, 1).box = {
      x: 1180,
      y: -4,
      width: 40,
      height: 20,
    };

    const word = toTextract(result).Blocks.find((b) => b.Text === 'Nr.') as TextractBlock;

    expect(word.Geometry.BoundingBox).toEqual({
      Left: 1180 / 1190,
      Top: 0,
      Width: 1 - 1180 / 1190,
      Height: 16 / 842,
    });
  });
});
