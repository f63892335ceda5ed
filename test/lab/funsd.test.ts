import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetLayout, loadDataset } from '../../src/lab/dataset.js';
import { funsdTruth, linesOfWords, parseAnnotation } from '../../src/lab/funsd.js';

const FUNSD = '../shared/data/funsd';
const noFunsd = existsSync(FUNSD) ? '' : ` (skipped: ${FUNSD} is absent)`;

const word = (text: string, box: number[]) => ({ text, box });

// A form in FUNSD's shape: a question and its answer on one row, a check-box mark without
// text, and a second row that sinks to the right (a skewed scan): its last word overlaps the
// first by too little, the one beside it by enough.
const annotation = JSON.stringify({
  form: [
    {
      id: 0,
      label: 'question',
      box: [10, 100, 80, 114],
      text: 'Date:',
      words: [word('Date:', [10, 100, 50, 114])],
      linking: [[0, 1]],
    },
    {
      id: 1,
      label: 'answer',
      box: [300, 102, 380, 116],
      text: '12/5/88',
      words: [word('12/5/88', [300, 102, 380, 116]), word('', [390, 100, 400, 110])],
      linking: [[0, 1]],
    },
    {
      id: 2,
      label: 'other',
      box: [10, 140, 130, 163],
      text: 'Sent to R&D',
      words: [
        word('Sent', [10, 140, 50, 154]),
        word('to', [60, 143, 80, 157]),
        word('R&D', [90, 149, 130, 163]),
      ],
      linking: [],
    },
  ],
});

describe('parseAnnotation', () => {
  it('keeps the words that hold text, with their boxes', () => {
    const words = parseAnnotation(annotation, 'a.json');

    expect(words.map((w) => w.text)).toEqual(['Date:', '12/5/88', 'Sent', 'to', 'R&D']);
    expect(words[1]?.box).toEqual({ x: 300, y: 102, width: 80, height: 14 });
  });

  it('fails with BAD_GROUND_TRUTH naming the file when the annotation is broken', () => {
    const broken = [
      '{"form": [',
      '{"words": []}',
      '{"form": [{"id": 0}]}',
      '{"form": [{"words": [{"text": "Date:", "box": [50, 100, 10]}]}]}',
      '{"form": [{"words": [{"text": "Date:", "box": [50, 100, 10, 114]}]}]}',
    ];

    for (const text of broken) {
      expect(() => parseAnnotation(text, 'forms/a.json')).toThrow(
        expect.objectContaining({
          code: 'BAD_GROUND_TRUTH',
          message: expect.stringMatching(/^forms\/a\.json: /),
        }),
      );
    }
  });
});

describe('linesOfWords', () => {
  it('groups words into rows by vertical overlap, top to bottom, each left to right', () => {
    const lines = funsdTruth(annotation, 'a.json').truth;

    expect(lines.map((l) => l.text)).toEqual(['Date: 12/5/88', 'Sent to R&D']);
    expect(lines[1]?.box).toEqual({ x: 10, y: 140, width: 120, height: 23 });
  });

  it('keeps words that overlap by less than half the smaller height on rows of their own', () => {
    const lines = linesOfWords([
      { text: 'below', box: { x: 0, y: 108, width: 40, height: 14 } },
      { text: 'above', box: { x: 50, y: 100, width: 40, height: 14 } },
    ]);

    expect(lines.map((l) => l.text)).toEqual(['above', 'below']);
  });
});

describe('datasetLayout', () => {
  let root = '';

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lectern-funsd-'));
    await mkdir(join(root, 'forms', 'images'), { recursive: true });
    await mkdir(join(root, 'forms', 'annotations'), { recursive: true });
    await mkdir(join(root, 'other', 'images'), { recursive: true });
    await writeFile(join(root, 'forms', 'images', 'b.png'), '');
    await writeFile(join(root, 'forms', 'images', 'a.png'), '');
    await writeFile(join(root, 'forms', 'images', 'c.png'), '');
    await writeFile(join(root, 'forms', 'annotations', 'a.json'), annotation);
    await writeFile(join(root, 'forms', 'annotations', 'b.json'), annotation);
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('recognises the FUNSD layout and pairs images with annotations, sorted', async () => {
    const dataset = await loadDataset(join(root, 'forms'));

    expect(dataset.layout).toBe('funsd');
    expect(dataset.pages.map((p) => p.id)).toEqual(['a', 'b']);
    expect(dataset.withoutTruth).toEqual(['c.png']);
    expect(dataset.pages[0]?.imagePath).toBe(join(root, 'forms', 'images', 'a.png'));
    expect(dataset.pages[0]?.truthWords).toHaveLength(5);
  });

  it('fails with NOT_A_DATASET naming a folder of neither layout, or a missing one', async () => {
    const other = join(root, 'other');
    const missing = join(root, 'missing');

    await expect(datasetLayout(other)).rejects.toMatchObject({
      code: 'NOT_A_DATASET',
      subject: other,
      message: expect.stringContaining(
        'holds neither img/ + box/ (SROIE) nor images/ + annotations/ (FUNSD)',
      ),
    });
    await expect(datasetLayout(missing)).rejects.toMatchObject({
      code: 'NOT_A_DATASET',
      subject: missing,
      message: expect.stringContaining(
        'is not a folder; expected one holding img/ + box/ (SROIE) or images/ + annotations/',
      ),
    });
  });
});

describe('loadDataset on FUNSD', () => {
  it.skipIf(noFunsd !== '')(`reads the shared forms' words and rows${noFunsd}`, async () => {
    const { layout, pages } = await loadDataset(FUNSD, 2);

    expect(layout).toBe('funsd');
    expect(pages.map((p) => p.id)).toEqual(['0000971160', '0001209043']);
    const words = pages[0]?.truthWords ?? [];
    expect(words[0]).toEqual({ text: 'R&D', box: { x: 292, y: 91, width: 84, height: 84 } });
    const tokens = (texts: string[]) => texts.join(' ').split(/\s+/u).length;
    const lines = pages[0]?.truth ?? [];
    expect(tokens(lines.map((l) => l.text))).toBe(tokens(words.map((w) => w.text)));
  });
});
