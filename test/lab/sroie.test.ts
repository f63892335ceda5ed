import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/lab/dataset.js';
import { parseBoxFile } from '../../src/lab/sroie.js';

const SROIE = '../shared/data/sroie';

describe('parseBoxFile', () => {
  it('reads corners and text, keeping commas inside the text and skipping blank rows', () => {
    const text = '\uFEFF110,144,383,144,383,163,110,163,NO.53 55,57 & 59, JALAN SAGU 18,\r\n\n  \n';

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

  it('fails with BAD_GROUND_TRUTH naming the file and line of a row that is not a segment', () => {
    const good = '72,25,326,25,326,64,72,64,TAN WOON YANN';
    const broken = [
      'broken',
      '72,25,326,25,326,64,72,64',
      '72,25,326,,326,64,72,64,NO CORNER',
      '72,25,326,x,326,64,72,64,NOT A NUMBER',
    ];

    for (const row of broken) {
      expect(() => parseBoxFile(`${good}\n\n${row}\n`, 'box/x.csv')).toThrow(
        expect.objectContaining({
          code: 'BAD_GROUND_TRUTH',
          message: expect.stringMatching(/^box\/x\.csv: line 3 of the box file /u),
          details: { line: 3 },
        }),
      );
    }
  });
});

describe('loadDataset on a SROIE folder', () => {
  let root = '';
  const row = '72,25,326,25,326,64,72,64,TAN WOON YANN\n';

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'lectern-sroie-'));
    await mkdir(join(root, 'img'));
    await mkdir(join(root, 'box'));
    for (const id of ['a', 'b', 'c']) await writeFile(join(root, 'img', `${id}.jpg`), '');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('names the images that have no box file instead of dropping them unseen', async () => {
    await writeFile(join(root, 'box', 'a.csv'), row);
    await writeFile(join(root, 'box', 'c.csv'), row);

    const { pages, withoutTruth } = await loadDataset(root);

    expect(pages.map((p) => p.id)).toEqual(['a', 'c']);
    expect(withoutTruth).toEqual(['b.jpg']);
  });

  it('fails with BAD_GROUND_TRUTH on a malformed box file rather than scoring it', async () => {
    await writeFile(join(root, 'box', 'a.csv'), row);
    await writeFile(join(root, 'box', 'b.csv'), `${row}72,25,326,25,TRUNCATED\n`);

    await expect(loadDataset(root)).rejects.toMatchObject({
      code: 'BAD_GROUND_TRUTH',
      subject: join(root, 'box', 'b.csv'),
      details: { line: 2 },
    });
  });

  it('fails with NOT_A_DATASET when no image has a box file', async () => {
    await expect(loadDataset(root)).rejects.toMatchObject({
      code: 'NOT_A_DATASET',
      subject: root,
      message: expect.stringContaining('no image in img/ with a truth file in box/'),
    });
  });
});

describe('loadDataset', () => {
  it.skipIf(!existsSync(SROIE))(
    'pairs each image with its box file, sorted, up to a limit',
    async () => {
      const { layout, pages, withoutTruth } = await loadDataset(SROIE, 3);

      expect(layout).toBe('sroie');
      expect(pages.map((p) => p.id)).toEqual(['000', '014', '019']);
      expect(pages[0]?.truth[0]?.text).toBe('TAN WOON YANN');
      expect(withoutTruth).toEqual([]);
    },
  );
});
