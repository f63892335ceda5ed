import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectDocuments, isDocument, outputPaths } from '../../src/cli/inputs.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const PDF = Buffer.from('%PDF-1.7\n%\xe2\xe3\n', 'latin1');
const HEIC = Buffer.from('0000001866747970686569630000000068656963', 'hex');

describe('outputPaths', () => {
  it.each([
    ['names a single file after it', ['in/000.jpg'], '.json', ['out/000.json']],
    [
      'keeps the folder structure below the common folder',
      ['in/a/000.jpg', 'in/b/000.jpg'],
      '.json',
      ['out/a/000.json', 'out/b/000.json'],
    ],
    [
      'keeps nested folders',
      ['in/000.jpg', 'in/x/y/001.pdf'],
      '.txt',
      ['out/000.txt', 'out/x/y/001.txt'],
    ],
    [
      'keeps the extension when two names would collide',
      ['in/000.jpg', 'in/000.png', 'in/001.tif'],
      '.hocr',
      ['out/000.jpg.hocr', 'out/000.png.hocr', 'out/001.hocr'],
    ],
    ['uses the format suffix', ['scan'], '.textract.json', ['out/scan.textract.json']],
  ])('%s', (_description, files, suffix, expected) => {
    const paths = outputPaths(files, 'out', suffix);

    expect(files.map((file) => paths.get(file))).toEqual(expected);
  });
});

describe('collectDocuments', () => {
  let root = '';

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lectern-inputs-'));
    await mkdir(join(root, 'docs', 'sub'), { recursive: true });
    await writeFile(join(root, 'docs', 'b.png'), PNG);
    await writeFile(join(root, 'docs', 'sub', 'a.jpg'), PDF); // a PDF named .jpg
    await writeFile(join(root, 'docs', 'notes.txt'), 'hello');
    await writeFile(join(root, 'docs', 'photo.jpg'), HEIC);
    await writeFile(join(root, 'docs', 'empty.pdf'), '');
    await writeFile(join(root, 'named.txt'), 'not a document');
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('walks directories recursively, keeping documents by their bytes or their names', async () => {
    const { files, skipped, problems } = await collectDocuments([join(root, 'docs')]);

    // empty.pdf and the HEIC photo.jpg are named as documents, so they are kept and their
    // failure is reported; only notes.txt is neither named nor shaped like a document.
    expect(files).toEqual(
      ['b.png', 'empty.pdf', 'photo.jpg', 'sub/a.jpg'].map((name) => join(root, 'docs', name)),
    );
    expect(skipped).toEqual([join(root, 'docs', 'notes.txt')]);
    expect(problems).toEqual([]);
  });

  it('keeps a file named explicitly even when unsupported, so its failure is reported', async () => {
    const { files } = await collectDocuments([join(root, 'named.txt')]);

    expect(files).toEqual([join(root, 'named.txt')]);
  });

  it('reports a missing path as a problem and keeps the rest', async () => {
    const missing = join(root, 'nope.jpg');
    const { files, problems } = await collectDocuments([missing, join(root, 'docs', 'b.png')]);

    expect(files).toEqual([join(root, 'docs', 'b.png')]);
    expect(problems).toEqual([
      { path: missing, code: 'NOT_FOUND', message: 'no such file or directory' },
    ]);
  });

  it('lists a file given twice once', async () => {
    const file = join(root, 'docs', 'b.png');

    expect((await collectDocuments([file, file])).files).toEqual([file]);
  });

  it.each([
    ['b.png', true],
    ['sub/a.jpg', true],
    ['photo.jpg', false],
    ['empty.pdf', false],
    ['notes.txt', false],
  ])('sniffs %s as a document: %s', async (name, expected) => {
    expect(await isDocument(join(root, 'docs', name))).toBe(expected);
  });
});
