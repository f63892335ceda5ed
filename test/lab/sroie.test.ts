import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/lab/dataset.js';
import { parseBoxFile } from '../../src/lab/sroie.js';

const SROIE = '../shared/data/sroie';

describe('parseBoxFile', () => {
  it('reads corners and text, keeping commas inside the text and skipping broken rows', () => {
    const text =
      '\uFEFF110,144,383,144,383,163,110,163,NO.53 55,57 & 59, JALAN SAGU 18,\r\nbroken\n\n';

    expect(parseBoxFile(text)).toEqual([
      {
        text: 'NO.53 55,57 & 59, JALAN SAGU 18,',
        box: { x: 110, y: 144, width: 273, height: 19 },
        polygon: [
          [110, 144],
          [383, 144],
          [383, 163],
          [110, 163],
        ],
      },
    ]);
  });
});

describe('loadDataset', () => {
  it.skipIf(!existsSync(SROIE))(
    'pairs each image with its box file, sorted, up to a limit',
    async () => {
      const { layout, pages } = await loadDataset(SROIE, 3);

      expect(layout).toBe('sroie');
      expect(pages.map((p) => p.id)).toEqual(['000', '014', '019']);
      expect(pages[0]?.truth[0]?.text).toBe('TAN WOON YANN');
    },
  );
});
