import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  open,
  readdir,
  realpath,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectDocuments,
  fitName,
  type InputFileSystem,
  isDocument,
  outputPaths,
  skippedNote,
} from '../../src/cli/inputs.js';

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

describe('outputPaths with names past 255 bytes', () => {
  const bytes = (name: string) => Buffer.byteLength(name, 'utf8');

  it('shortens a 255-byte input name whose result name would be 256 bytes', () => {
    const stem = 'M'.repeat(251);

    const target = outputPaths([`in/${stem}.png`], 'out', '.json').get(`in/${stem}.png`) ?? '';

    expect(dirname(target)).toBe('out');
    const name = basename(target);
    expect(bytes(name)).toBe(255);
    expect(name).toMatch(/^M+-[0-9a-f]{16}\.json$/);
  });

  it('keeps a name of exactly 255 bytes as it is', () => {
    const stem = 'M'.repeat(250);

    expect(outputPaths([`${stem}.png`], 'out', '.json').get(`${stem}.png`)).toBe(
      `out/${stem}.json`,
    );
  });

  it('gives two long names that share their first 255 bytes two different files', () => {
    const files = ['a.png', 'b.png'].map((name) => `in/${'x'.repeat(300)}${name}`);

    const targets = outputPaths(files, 'out', '.json');

    expect(new Set(targets.values()).size).toBe(2);
    for (const target of targets.values()) expect(bytes(basename(target))).toBe(255);
  });

  it('shortens the same long name alike in two folders', () => {
    const files = ['in/a/', 'in/b/'].map((folder) => `${folder}${'x'.repeat(300)}.png`);

    const [a, b] = files.map((file) => outputPaths(files, 'out', '.json').get(file) ?? '');

    expect(dirname(a ?? '')).toBe('out/a');
    expect(dirname(b ?? '')).toBe('out/b');
    expect(basename(a ?? '')).toBe(basename(b ?? ''));
  });

  it('cuts between characters and keeps a long suffix whole', () => {
    // Three-byte characters: a cut at a byte budget would split one.
    const stem = '請求書'.repeat(40);

    const name = fitName(stem, '.textract.json');

    expect(bytes(name)).toBeLessThanOrEqual(255);
    expect(bytes(name)).toBeGreaterThan(252);
    expect(name.endsWith('.textract.json')).toBe(true);
    expect(name.startsWith('請求書請求書')).toBe(true);
    expect(Buffer.from(name, 'utf8').toString('utf8')).toBe(name);
  });

  it('keeps a four-byte character (a surrogate pair) whole', () => {
    const name = fitName('🧾'.repeat(70), '.json');

    expect(name).toMatch(/^(🧾)+-[0-9a-f]{16}\.json$/u);
    expect(bytes(name)).toBeLessThanOrEqual(255);
  });
});

describe('skippedNote', () => {
  it('says nothing when no file was left out', () => {
    expect(skippedNote([])).toBeUndefined();
  });

  it('names three files and hints at the others', () => {
    expect(skippedNote(['a.txt', 'b.txt', 'c.txt', 'd.txt'])).toBe(
      'skipped 4 file(s) that are not JPEG, PNG, TIFF, WebP or PDF (a.txt, b.txt, c.txt, ...)',
    );
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

  it('lists a file given by two different paths once, as first named', async () => {
    const file = join(root, 'docs', 'b.png');
    const roundabout = join(root, 'docs', 'sub', '..', 'b.png');

    expect((await collectDocuments([file, roundabout])).files).toEqual([file]);
    expect((await collectDocuments([roundabout, join(root, 'docs')])).files).toEqual([
      roundabout,
      ...['empty.pdf', 'photo.jpg', 'sub/a.jpg'].map((n) => join(root, 'docs', n)),
    ]);
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

describe('collectDocuments with symbolic links', () => {
  let root = '';
  let outside = '';

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lectern-links-'));
    outside = await mkdtemp(join(tmpdir(), 'lectern-links-outside-'));
    await mkdir(join(root, 'in', 'deep'), { recursive: true });
    await mkdir(join(outside, 'scans'));
    await writeFile(join(root, 'in', 'a.png'), PNG);
    await writeFile(join(outside, 'elsewhere.png'), PNG);
    await writeFile(join(outside, 'scans', 'c.pdf'), PDF);
    await symlink(join(outside, 'elsewhere.png'), join(root, 'in', 'link.png'));
    await symlink(join(root, 'in', 'a.png'), join(root, 'in', 'again.png'));
    await symlink(join(outside, 'scans'), join(root, 'in', 'scans'));
    await symlink('..', join(root, 'in', 'deep', 'up')); // back to an ancestor
    await symlink('loop-b', join(root, 'in', 'loop-a'));
    await symlink('loop-a', join(root, 'in', 'loop-b'));
    await symlink(join(root, 'nowhere.png'), join(root, 'in', 'broken.png'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('reports a symlink loop given as input as SYMLINK_LOOP, not NOT_FOUND', async () => {
    const loop = join(root, 'in', 'loop-a');

    const { files, problems } = await collectDocuments([loop]);

    expect(files).toEqual([]);
    expect(problems).toEqual([
      { path: loop, code: 'SYMLINK_LOOP', message: 'symbolic links loop without reaching a file' },
    ]);
  });

  it('follows links in a folder to files and folders, each document once', async () => {
    const { files, skipped, problems } = await collectDocuments([join(root, 'in')]);

    // again.png is a.png, deep/up is the folder itself: both are already listed. Links come
    // after the files reached without one.
    expect(files).toEqual([
      join(root, 'in', 'a.png'),
      join(root, 'in', 'link.png'),
      join(root, 'in', 'scans', 'c.pdf'),
    ]);
    expect(skipped).toEqual([]);
    expect(problems).toEqual([
      {
        path: join(root, 'in', 'broken.png'),
        code: 'NOT_FOUND',
        message: 'the symbolic link points to nothing',
      },
      {
        path: join(root, 'in', 'loop-a'),
        code: 'SYMLINK_LOOP',
        message: 'symbolic links loop without reaching a file',
      },
      {
        path: join(root, 'in', 'loop-b'),
        code: 'SYMLINK_LOOP',
        message: 'symbolic links loop without reaching a file',
      },
    ]);
  });

  it('names a loop once when it is both given and met in a folder', async () => {
    const loop = join(root, 'in', 'loop-a');

    const { problems } = await collectDocuments([loop, join(root, 'in')]);

    expect(problems.filter((problem) => problem.path === loop)).toHaveLength(1);
  });
});

describe('collectDocuments with unreadable parts', () => {
  let root = '';

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lectern-unreadable-'));
    await mkdir(join(root, 'in', 'locked'), { recursive: true });
    await writeFile(join(root, 'in', 'a.png'), PNG);
    await writeFile(join(root, 'in', 'locked', 'b.png'), PNG);
    await writeFile(join(root, 'in', 'c.png'), PNG);
    await writeFile(join(root, 'in', 'notes'), PDF);
  });

  afterAll(async () => {
    await chmod(join(root, 'in', 'locked'), 0o755).catch(() => undefined);
    await chmod(join(root, 'in', 'notes'), 0o644).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });

  /** The real file system, except that `locked` cannot be listed nor `notes` opened. */
  function deniedFileSystem(): InputFileSystem {
    const denied = (path: unknown, syscall: string) =>
      Object.assign(new Error(`EACCES: permission denied, ${syscall} '${String(path)}'`), {
        code: 'EACCES',
        syscall,
        path: String(path),
      });
    return {
      stat,
      lstat,
      realpath,
      readdir: ((path: string, options: never) =>
        String(path).endsWith('locked')
          ? Promise.reject(denied(path, 'scandir'))
          : readdir(path, options)) as typeof readdir,
      open: ((path: string, flags: string) =>
        String(path).endsWith('notes')
          ? Promise.reject(denied(path, 'open'))
          : open(path, flags)) as typeof open,
    };
  }

  it('names a folder it cannot list and a file it cannot sniff, and keeps the rest', async () => {
    const { files, problems } = await collectDocuments([join(root, 'in')], deniedFileSystem());

    expect(files).toEqual([join(root, 'in', 'a.png'), join(root, 'in', 'c.png')]);
    expect(problems).toEqual([
      {
        path: join(root, 'in', 'locked'),
        code: 'UNREADABLE',
        message: 'cannot list the folder: permission denied (EACCES)',
      },
      {
        path: join(root, 'in', 'notes'),
        code: 'UNREADABLE',
        message: 'cannot open it to tell whether it is a document: permission denied (EACCES)',
      },
    ]);
  });

  // Root lists any folder whatever its mode: the injected test above covers that case.
  it.skipIf(process.getuid?.() === 0)('names what its mode forbids reading', async () => {
    await chmod(join(root, 'in', 'locked'), 0o000);
    await chmod(join(root, 'in', 'notes'), 0o000);

    const { files, problems } = await collectDocuments([join(root, 'in')]);

    expect(files).toEqual([join(root, 'in', 'a.png'), join(root, 'in', 'c.png')]);
    expect(problems.map((problem) => [problem.path, problem.code])).toEqual([
      [join(root, 'in', 'locked'), 'UNREADABLE'],
      [join(root, 'in', 'notes'), 'UNREADABLE'],
    ]);
  });
});
