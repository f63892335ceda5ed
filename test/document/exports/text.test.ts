import { describe, expect, it } from 'vitest';
import { pageText, toText } from '../../../src/document/exports/text.js';
import { at, sampleResult } from '../result.fixture.js';

describe('toText', () => {
  it('writes lines in reading order, a blank line between blocks and a form feed between pages', () => {
    expect(toText(sampleResult())).toBe(
      ['TAN WOON', 'BOOK TA.K', '', 'TOTAL 9.00', 'Fish & <Chips>', '\f', 'Rechnung Nr.', ''].join(
        '\n',
      ),
    );
  });

  it.each([
    ['a page without blocks', [], ''],
    [
      'a block without lines',
      [{ text: '', box: { x: 0, y: 0, width: 1, height: 1 }, confidence: 1, lines: [] }],
      '',
    ],
  ])('gives empty text for %s', (_description, blocks, expected) => {
    const page = { ...at(sampleResult().pages, 0), blocks };

    expect(pageText(page)).toBe(expected);
  });
});
